"""Prometheus metrics of one app, in the app's own registry (no module-level singleton: two apps in one
process, as in the tests, keep separate counts). Each service exposes only the series it produces: the gateway's
`/metrics` had shown `velo_coalesced_requests_total 0` and the cache's series at 0, though coalescing and the cache
live on the edge only (nc24 M7).

| metric | kind | labels | gateway | edge |
|---|---|---|---|---|
| `velo_requests_total` | counter | route (cache / edge / cloud / cloud_context), or `error` | x | x |
| `velo_request_latency_seconds` | histogram | route | x | x |
| `velo_route_share` | gauge, set at scrape | route: share of answered requests | x | x |
| `velo_upstream_failures_total` | counter | target: edge / cloud (gateway), cloud / llm (edge) | x | x |
| `velo_upstream_skips_total` | counter | target: edge / cloud (gateway), cloud (edge): requests that did not call an upstream marked down (`services/cooldown.py`) | x | x |
| `velo_upstreams_down` | gauge, made true at scrape | target: upstreams marked down now, skipped until a trial answers; a scrape first probes those whose trial is due (`Cooldown.probe_due`), so one that recovered while no request came is not counted | x | x |
| `velo_client_disconnects_total` | counter | phase: `waiting` (before the response started) / `streaming` (`services/disconnect.py`); not in `velo_requests_total` | x | x |
| `velo_overhead_seconds` | histogram | the gateway's own time per request | x | |
| `velo_cache_lookups_total` | counter | result: hit / miss / error / skipped (a long question whose embedding would take more than a quarter of the time its caller waits: `EdgeServer.lookup`) | | x |
| `velo_cache_hit_rate` | gauge, set at scrape | hits / (hits + misses) | | x |
| `velo_cache_errors_total` | counter | operation: lookup / write / flush / record_hit / ping / reopen / admin_* (Milvus unreachable or no answer within its bound; the cache's lock held past it); decide (the hit rule raised on one request, answered without the cache: `EdgeServer._decided`); embed (the embedder raised on a batch of questions, answered without the cache: `EdgeServer._lookup_many`) | | x |
| `velo_write_backs_total` | counter | answers written into the cache | | x |
| `velo_write_backs_skipped_total` | counter | reason: whole answers not written back: `fallback` (the edge LLM's, in place of the cloud), `language`, `repetition`, `echo` (`services/edge_writeback.py`) | | x |
| `velo_write_backs_pending` | gauge | answers waiting to be written | | x |
| `velo_write_back_seconds` | histogram | cost of a write-back per answer (a batch's insert time / its answers) | | x |
| `velo_write_back_delay_seconds` | histogram | from an answer's queueing (its response's end) to its entry being stored | | x |
| `velo_coalesced_requests_total` | counter | requests answered with an identical request's answer in flight (`services/coalesce.py`); `velo_requests_total` counts them too, under that answer's route | | x |

    metrics = GatewayMetrics()          # or EdgeMetrics()
    metrics.served("cache", 0.012)
    metrics.render()                    # the exposition text of this service's series only
"""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from velo.wire import ROUTES

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
_OVERHEAD_BUCKETS = (0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1)
DISCONNECT_PHASES = ("waiting", "streaming")


class ServiceMetrics:
    """The series every serving app has: answered requests by route, their latency, upstream failures, client disconnects."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = r = CollectorRegistry()
        self.requests = Counter("velo_requests", "Requests answered, by route", ["route"], registry=r)
        self.latency = Histogram("velo_request_latency_seconds", "End-to-end latency by route", ["route"], buckets=_LATENCY_BUCKETS, registry=r)
        self.route_share = Gauge("velo_route_share", "Share of answered requests by route", ["route"], registry=r)
        self.upstream_failures = Counter("velo_upstream_failures", "Failed calls to another service", ["target"], registry=r)
        self.upstream_skips = Counter("velo_upstream_skips", "Requests that did not call an upstream marked down", ["target"], registry=r)
        self.upstreams_down = Gauge("velo_upstreams_down", "Upstreams marked down now (skipped until a trial request answers)", ["target"], registry=r)
        self.client_disconnects = Counter("velo_client_disconnects", "Requests whose client left before their response ended (logged 499)",
                                          ["phase"], registry=r)
        for route in ROUTES:
            self.requests.labels(route)
        for phase in DISCONNECT_PHASES:
            self.client_disconnects.labels(phase)

    def served(self, route: str, seconds: float) -> None:
        self.requests.labels(route).inc()
        self.latency.labels(route).observe(seconds)

    @staticmethod
    def _value(counter: Counter, label: str) -> float:
        return counter.labels(label)._value.get()

    def _derive(self) -> None:
        """Set the gauges computed from the counters (at scrape)."""
        counts = {route: self._value(self.requests, route) for route in ROUTES}
        total = sum(counts.values())
        for route, n in counts.items():
            self.route_share.labels(route).set(n / total if total else 0.0)

    def render(self) -> bytes:
        """The exposition text, with the derived gauges set from the counters first."""
        self._derive()
        return generate_latest(self.registry)


class GatewayMetrics(ServiceMetrics):
    """The gateway's: the common series and its own time per request."""

    def __init__(self) -> None:
        super().__init__()
        self.overhead = Histogram("velo_overhead_seconds", "The gateway's own time per request", buckets=_OVERHEAD_BUCKETS, registry=self.registry)


class EdgeMetrics(ServiceMetrics):
    """An edge server's: the common series, its cache, its write-backs and its in-flight coalescing."""

    def __init__(self) -> None:
        super().__init__()
        r = self.registry
        self.lookups = Counter("velo_cache_lookups", "Cache lookups by result", ["result"], registry=r)
        self.hit_rate = Gauge("velo_cache_hit_rate", "Cache hits / (hits + misses)", registry=r)
        self.cache_errors = Counter("velo_cache_errors", "Cache operations that failed (Milvus unreachable)", ["operation"], registry=r)
        self.write_backs = Counter("velo_write_backs", "Answers written back into the cache", registry=r)
        self.not_written = Counter("velo_write_backs_skipped", "Whole answers not written back, by reason", ["reason"], registry=r)
        self.pending = Gauge("velo_write_backs_pending", "Answers waiting to be written back", registry=r)
        self.write_cost = Histogram("velo_write_back_seconds", "Write-back cost per answer", buckets=_LATENCY_BUCKETS, registry=r)
        self.write_delay = Histogram("velo_write_back_delay_seconds", "From an answer's queueing to its entry being stored",
                                     buckets=_LATENCY_BUCKETS, registry=r)
        self.coalesced = Counter("velo_coalesced_requests", "Requests answered with an identical request's answer in flight", registry=r)
        for result in ("hit", "miss", "error", "skipped"):
            self.lookups.labels(result)

    def _derive(self) -> None:
        super()._derive()
        hits, misses = self._value(self.lookups, "hit"), self._value(self.lookups, "miss")
        self.hit_rate.set(hits / (hits + misses) if hits + misses else 0.0)
