"""Milvus down: an edge server keeps answering without its cache, says so in its logs, health and metrics,
keeps the answers it could not write, and uses the cache again when Milvus returns (a milvus-lite server
stopped and restarted on the same port and data)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import httpx
import pytest

from services import edge as edge_service
from tests.milvus_servers import free_ports, lite_server
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, running
from tests.services.stack.apps import gateway_app

TOKENS = 4


def serve(url: str, question: str) -> dict:
    response = httpx.post(f"{url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": TOKENS}, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def test_milvus_down_then_back(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, caplog: pytest.LogCaptureFixture) -> None:
    port, data = free_ports(1)[0], tmp_path / "milvus"
    with lite_server(data, port=port) as uri:
        settings = edge_service.EdgeSettings(cache_uri=uri, cloud_url=None, model_dir=shared_model_dir(tmp_path_factory), threads=1,
                                             default_max_tokens=TOKENS, write_back_truncated=True, edge_id="edge-m")
        edge = Running(edge_service.build_app(settings))
        try:
            assert serve(edge.url, "What do cows drink?")["route"] == "edge"
            httpx.post(f"{edge.url}/admin/cache/sync", timeout=120)
            assert serve(edge.url, "What do cows drink?")["route"] == "cache"
        except BaseException:
            edge.stop()
            raise
    try:  # Milvus is stopped now
        with caplog.at_level(logging.ERROR, logger="velo.edge"):
            down = serve(edge.url, "What do cows drink?")
            # either this lookup is the first to find Milvus gone, or a background operation found it first
            assert down["route"] == "edge" and down["answer"]
            assert "lookup failed" in down["cache_error"] or "the cache is down" in down["cache_error"], down["cache_error"]
            assert any("serving without the cache" in r.getMessage() for r in caplog.records)
            assert serve(edge.url, "Where do penguins live?")["route"] == "edge"  # its write-back waits for Milvus
        assert httpx.get(f"{edge.url}/healthz").json()["cache"] == "down"
        with running(gateway_app([edge.url], None)) as gateway:  # nc17 finding 19: it said "ok"
            health = httpx.get(f"{gateway.url}/healthz").json()
            assert health["status"] == "degraded" and health["edges"] == {edge.url: "cache down"}, health
        admin = httpx.post(f"{edge.url}/admin/cache/lookup", json={"question": "What do cows drink?"}, timeout=120)
        assert admin.status_code == 503 and admin.json()["error"]["code"] == "cache_unavailable", admin.text
        assert admin.headers["retry-after"] == "1", admin.headers  # the edge tries Milvus again every second (reopen_after_s)
        metrics = httpx.get(f"{edge.url}/metrics").text
        assert 'velo_cache_errors_total{operation=' in metrics and 'velo_cache_lookups_total{result="error"} 2.0' in metrics
        with lite_server(data, port=port):
            deadline = time.monotonic() + 60  # the edge retries every second (reopen_after_s)
            while httpx.get(f"{edge.url}/healthz").json()["cache"] == "down":
                assert time.monotonic() < deadline, "the edge did not reconnect to Milvus"
                time.sleep(0.2)
            assert serve(edge.url, "What do cows drink?")["route"] == "cache"
            with running(gateway_app([edge.url], None)) as gateway:
                assert httpx.get(f"{gateway.url}/healthz").json()["status"] == "ok"
            httpx.post(f"{edge.url}/admin/cache/sync", timeout=120)
            looked = httpx.post(f"{edge.url}/admin/cache/lookup", json={"question": "Where do penguins live?"}, timeout=120).json()
            assert looked["hit"], "the answer given while Milvus was down was written once it returned"
            edge.stop()  # before Milvus stops: the edge's clean shutdown closes its client
    finally:
        edge.stop()
