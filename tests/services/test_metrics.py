"""Each service's `/metrics` holds only the series it produces (`services/metrics.py`): the gateway's had shown
`velo_coalesced_requests_total 0` and the cache's series at 0, though coalescing and the cache live on the edge only
(nc24 M7). The gateway is its real app (its lifespan contacts no edge); the edge's series are its `EdgeMetrics`, whose
app needs the models (tests/services/stack/test_cache_admin.py scrapes the running edge)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from services import gateway as gateway_service
from services.metrics import EdgeMetrics, GatewayMetrics

COMMON = {"velo_requests_total", "velo_request_latency_seconds", "velo_route_share", "velo_upstream_failures_total", "velo_client_disconnects_total",
          "velo_upstream_skips_total", "velo_upstreams_down"}
EDGE_ONLY = {"velo_cache_lookups_total", "velo_cache_hit_rate", "velo_cache_errors_total", "velo_write_backs_total", "velo_write_backs_skipped_total",
             "velo_write_backs_pending", "velo_write_back_seconds", "velo_write_back_delay_seconds", "velo_coalesced_requests_total"}


def _series(text: str) -> set[str]:
    """The metric names of an exposition text (`# TYPE name kind`; a counter's samples end `_total`; prometheus_client's
    `_created` timestamps left out)."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE ") and not line.split()[2].endswith("_created"):
            _, _, name, kind = line.split()
            names.add(f"{name}_total" if kind == "counter" and not name.endswith("_total") else name)
    return names


def test_the_gateway_exposes_its_series_and_none_of_the_edges() -> None:
    settings = gateway_service.GatewaySettings(edges=["http://127.0.0.1:9"], keys_json=json.dumps({"metrics-key-01": {}}))
    with TestClient(gateway_service.build_app(settings)) as client:
        text = client.get("/metrics").text
    assert _series(text) == COMMON | {"velo_overhead_seconds"}, _series(text)
    assert "velo_coalesced" not in text and "velo_cache" not in text and "velo_write_back" not in text


def test_the_edge_exposes_its_series_and_not_the_gateways_overhead() -> None:
    edge, gateway = _series(EdgeMetrics().render().decode()), _series(GatewayMetrics().render().decode())
    assert edge == COMMON | EDGE_ONLY, edge ^ (COMMON | EDGE_ONLY)
    assert not edge & {"velo_overhead_seconds"} and not gateway & EDGE_ONLY
