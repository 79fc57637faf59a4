"""How the gateway gets an answer: to the nearest edge server, or to all of them keeping the fastest.

The two modes of the VELO paper: `nearest` sends a request to the first edge server of the list (the settings
list edges nearest first), and on failure to the next; `all`
sends it to every edge server that is up at once and keeps the first answer (the others are cancelled).
A call that fails with a connection error, a timeout or a 5xx is retried with exponential back-off
(`backoff_s`, 2x, 4x...) up to `retries` times; an edge that failed is skipped for `down_for_s`. When no edge
answers, the cloud answers directly (if the caller may use it). A 4xx from an edge is the request's fault and
is passed on unchanged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

import httpx

from services.llm import EndpointLLM, UpstreamError
from services.metrics import Metrics
from velo.wire import APIError, ErrorResponse, ServeRequest, ServeResponse

log = logging.getLogger("velo.gateway")


@dataclass(frozen=True)
class Served:
    answer: ServeResponse
    upstream_ms: float
    """Time spent waiting on edge servers or the cloud (everything else is the gateway's own work)."""


class EdgeFailed(Exception):
    """One edge server could not answer (after its retries)."""


class Router:
    def __init__(self, edges: list[str], cloud: EndpointLLM | None, metrics: Metrics, *, mode: str, timeout_s: float,
                 retries: int, backoff_s: float, down_for_s: float) -> None:
        self.edges, self.cloud, self.metrics, self.mode = [e.rstrip("/") for e in edges], cloud, metrics, mode
        self.retries, self.backoff_s, self.down_for_s = retries, backoff_s, down_for_s
        self.http = httpx.AsyncClient(timeout=timeout_s, limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        self._down_until: dict[str, float] = {}

    async def aclose(self) -> None:
        await self.http.aclose()
        if self.cloud is not None:
            await self.cloud.aclose()

    def _up(self, order: list[str]) -> list[str]:
        now = time.monotonic()
        up = [e for e in order if self._down_until.get(e, 0.0) <= now]
        return up or order  # all marked down: try them anyway rather than not at all

    async def _call_edge(self, edge: str, req: ServeRequest) -> ServeResponse:
        payload = req.model_dump(mode="json")
        for attempt in range(self.retries + 1):
            if attempt:
                await asyncio.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = await self.http.post(f"{edge}/v1/serve", json=payload)
            except httpx.TransportError as err:
                problem = f"{type(err).__name__}: {err}"
            else:
                if response.status_code < 400:
                    self._down_until.pop(edge, None)
                    return ServeResponse.model_validate_json(response.content)
                if response.status_code < 500:
                    error = ErrorResponse.model_validate_json(response.content).error
                    raise APIError(response.status_code, error.message, error.type, error.code, error.param)
                problem = f"status {response.status_code}: {response.text[:200]}"
            self.metrics.upstream_failures.labels("edge").inc()
            log.warning("edge %s failed (attempt %d of %d): %s", edge, attempt + 1, self.retries + 1, problem)
        self._down_until[edge] = time.monotonic() + self.down_for_s
        raise EdgeFailed(f"{edge}: {problem}")

    async def serve(self, req: ServeRequest) -> Served:
        t0 = time.perf_counter()
        order = self._up(self.edges)
        failures: list[str] = []
        if self.mode == "all":
            answer = await self._fastest(order, req, failures)
        else:
            answer = None
            for edge in order:
                try:
                    answer = await self._call_edge(edge, req)
                    break
                except EdgeFailed as err:
                    failures.append(str(err))
        if answer is None:
            answer = await self._cloud_fallback(req, failures)
        return Served(answer, (time.perf_counter() - t0) * 1000.0)

    async def _fastest(self, order: list[str], req: ServeRequest, failures: list[str]) -> ServeResponse | None:
        tasks = [asyncio.create_task(self._call_edge(edge, req)) for edge in order]
        try:
            for next_done in asyncio.as_completed(tasks):
                try:
                    return await next_done
                except EdgeFailed as err:
                    failures.append(str(err))
            return None
        finally:
            for task in tasks:
                task.cancel()

    async def _cloud_fallback(self, req: ServeRequest, failures: list[str]) -> ServeResponse:
        why = "; ".join(failures) or "no edge server configured"
        if self.cloud is None or not req.cloud_allowed:
            raise APIError(503, f"no edge server answered ({why}) and the cloud may not be used for this request", "server_error", "no_upstream")
        t0 = time.perf_counter()
        try:
            made = await self.cloud.generate([t.model_dump() for t in req.messages], req.max_tokens or 128, req.stop)
        except UpstreamError as err:
            self.metrics.upstream_failures.labels("cloud").inc()
            raise APIError(503, f"no edge server answered ({why}) and the cloud failed: {err}", "server_error", "no_upstream") from None
        log.warning("answered by the cloud directly: %s", why)
        return ServeResponse(
            answer=made.text, route="cloud", similarity=None, latency_ms=round((time.perf_counter() - t0) * 1000.0, 3),
            finish_reason=made.finish_reason, prompt_tokens=made.prompt_tokens, completion_tokens=made.completion_tokens,
            model=made.model, edge="gateway", cache_error="no edge server answered",
        )
