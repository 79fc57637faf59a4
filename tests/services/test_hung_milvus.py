"""A hung Milvus (its milvus-lite server SIGSTOPped: the port open, nothing answering) costs one request no more than a
few times the cache's bound (`VELO_EDGE_CACHE_TIMEOUT_S`), answered by the edge's LLM without the cache, and the
requests after it no wait at all (the cache is marked down); SIGCONT, and the edge uses its cache again, the answers
given meanwhile written once Milvus answers. Real processes and apps on loopback: the milvus-lite server, the edge
app, its LLM a stand-in endpoint (`recording_upstream`, "Forty-two."), so a route says who answered.

Before, the request that reached the cache first held the cache's lock in a search with no time limit until gRPC gave
up (pymilvus logged `[search] ... elapsed: 70339.9 ms`; the client's own 40 s ran out first), and `/healthz` could not
get the lock to find out (`benchmarks/hung_milvus.py`).
"""

from __future__ import annotations

import logging
import signal
import time
from pathlib import Path

import psutil
import pytest

from services import edge as edge_service
from tests.milvus_servers import listening_process, lite_server
from tests.services.servers import Running, get, metric, post, running, sync
from tests.services.stack.test_end_user_fields import recording_upstream

BOUND_S = 0.5
"""The edge's `cache_timeout_s` here; the first request after the hang must end within 6x it (a bound on correctness,
not a speed claim: embedding the question and the stand-in LLM's answer come on top of the search's bound)."""


def serve(edge: Running, question: str) -> tuple[dict, float]:
    t0 = time.monotonic()
    response = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": 8}, timeout=120)
    took = time.monotonic() - t0
    assert response.status_code == 200, response.text
    return response.json(), took


def cache_state(edge: Running, want: str, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while (body := get(f"{edge.url}/healthz", timeout=30).json())["cache"] != want:
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
    return body


def test_a_hung_milvus_costs_one_request_the_bound_and_the_next_none(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="velo.edge.cache")
    to_llm: list[dict] = []
    with running(recording_upstream(to_llm)) as llm, lite_server(tmp_path / "milvus") as uri:
        settings = edge_service.EdgeSettings(cache_uri=uri, llm=llm.url, llm_model="edge-llm", cloud_url=None, edge_id="edge-hm",
                                             cache_timeout_s=BOUND_S, cache_flush_timeout_s=2.0)
        with running(edge_service.build_app(settings)) as edge:
            assert serve(edge, "What do cows drink?")[0]["route"] == "edge"
            sync(edge)
            assert serve(edge, "What do cows drink?")[0]["route"] == "cache"
            time.sleep(1.0)  # the hit's recency update (a background cache call) done before Milvus stops

            server = listening_process(uri)
            server.send_signal(signal.SIGSTOP)
            try:
                why = f"Milvus at {uri} did not answer within {BOUND_S:g} s (the server hangs or is overloaded)"
                first, took = serve(edge, "Why do cats purr?")
                assert first["route"] == "edge" and first["answer"] == "Forty-two." and took < 6 * BOUND_S, (took, first)
                assert first["cache_error"] == f"cache lookup failed: {why}", first
                second, took = serve(edge, "How far away is the Moon?")  # marked down: Milvus is not asked again
                assert second["route"] == "edge" and took < 2 * BOUND_S, (took, second)
                assert second["cache_error"] == f"the cache is down ({why}); reconnecting in the background", second
                body = get(f"{edge.url}/healthz", timeout=30).json()
                assert body["down"] == ["cache"] and body["problems"]["cache"].startswith(f"the cache is down ({why})"), body
                failed = [r.getMessage() for r in caplog.records if r.name == "velo.edge.cache" and r.levelno >= logging.ERROR]
                assert failed == [f"cache lookup failed, serving without the cache: {why}"], failed  # once, plainly
                assert metric(edge, 'velo_cache_lookups_total{result="error"}') == 2.0
            finally:
                server.send_signal(signal.SIGCONT)

            assert cache_state(edge, "up")["status"] == "ok"
            assert [r for r in caplog.records if r.getMessage().startswith("the cache is back")], caplog.text
            assert serve(edge, "What do cows drink?")[0]["route"] == "cache"
            sync(edge)  # the two answers given while Milvus hung waited in the write-back queue
            for question in ("Why do cats purr?", "How far away is the Moon?"):
                looked = post(f"{edge.url}/admin/cache/lookup", json={"question": question}, timeout=60).json()
                assert looked["hit"] and looked["entry"]["question"] == question, looked
            edge.stop()  # before Milvus stops: its clean shutdown closes its client


def test_a_write_back_that_timed_out_is_written_once_milvus_answers(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Milvus stops between a request's lookup and its write-back (the LLM endpoint stops it when asked): the write's
    upsert gets no answer within the bound, marks the cache down, and waits in the queue; after SIGCONT it is written,
    once (an upsert of the same id: the timed-out one, if the resumed server applied it, is replaced, not doubled)."""
    caplog.set_level(logging.WARNING, logger="velo.edge.cache")
    to_llm: list[dict] = []
    hang: list[psutil.Process] = []
    app = recording_upstream(to_llm)

    @app.middleware("http")
    async def stop_milvus(request, call_next):  # noqa: ANN001, ANN202
        while hang:
            hang.pop().send_signal(signal.SIGSTOP)
        return await call_next(request)

    with running(app) as llm, lite_server(tmp_path / "milvus") as uri:
        settings = edge_service.EdgeSettings(cache_uri=uri, llm=llm.url, llm_model="edge-llm", cloud_url=None, edge_id="edge-hw",
                                             cache_timeout_s=BOUND_S, cache_flush_timeout_s=2.0)
        with running(edge_service.build_app(settings)) as edge:
            assert serve(edge, "What do cows drink?")[0]["route"] == "edge"
            sync(edge)
            server = listening_process(uri)
            hang.append(server)
            try:
                answered, _ = serve(edge, "Why do cats purr?")
                assert answered["route"] == "edge" and answered["cache_error"] is None, answered  # looked up before the hang
                deadline = time.monotonic() + 30
                while metric(edge, 'velo_cache_errors_total{operation="write"}') < 1:
                    assert time.monotonic() < deadline, caplog.text
                    time.sleep(0.1)
                why = f"Milvus at {uri} did not answer within {BOUND_S:g} s (the server hangs or is overloaded)"
                failed = [r.getMessage() for r in caplog.records if r.name == "velo.edge.cache" and r.levelno >= logging.ERROR]
                assert failed == [f"cache write failed, serving without the cache: {why}"], failed
                assert metric(edge, "velo_write_backs_total") == 1.0  # the first answer's; this one is held, retried
            finally:
                server.send_signal(signal.SIGCONT)
            cache_state(edge, "up")
            sync(edge)
            looked = post(f"{edge.url}/admin/cache/lookup", json={"question": "Why do cats purr?"}, timeout=60).json()
            assert looked["hit"] and looked["entry"]["question"] == "Why do cats purr?", looked
            assert get(f"{edge.url}/admin/cache/namespaces/default", timeout=60).json()["entries"] == 2
            assert metric(edge, "velo_write_backs_total") == 2.0
            edge.stop()
