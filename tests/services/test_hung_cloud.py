"""A hung cloud (its process SIGSTOPped: it accepts connections and says nothing) costs a request no more than its
budget, and the requests after it nothing: real processes and apps on loopback.

The cloud is `velo serve cloud` in front of a stand-in upstream (`recording_upstream`, which records what reaches it),
run as a process so that it can be stopped and resumed; the edge server's LLM is another stand-in endpoint, so an
answer's route says who answered. The edge's own `timeout_s` is left at 120 s: only the gateway's 4 s budget, passed
down in `x-velo-timeout-ms`, can bound its cloud call. Before, a request waited the edge's whole timeout on the cloud,
the gateway gave up on the edge first and retried it, then asked the hung cloud itself: with 120 s timeouts, 503 after
8 min 0 s; with 5 s ones, 503 after 20.4 s (`benchmarks/hung_cloud.py`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request

from services import edge as edge_service
from tests.milvus_servers import free_ports
from tests.ports import closed_port
from tests.services.servers import Running, metric, post, running, sync
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream

REPO = Path(__file__).resolve().parents[2]
BUDGET_S = 4.0
"""The gateway's `timeout_s` here; every request must end well within 3x it (a bound on correctness, not a speed claim)."""
COOL_DOWN_S = 3.0
AUTH = {"Authorization": f"Bearer {KEY}"}


@contextmanager
def cloud_process(upstream_url: str, log: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    """`velo serve cloud` forwarding to `upstream_url`, healthy; resumed and stopped at the end whatever its state."""
    port = free_ports(1)[0]
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "velo", "serve", "cloud", "--port", str(port), "--upstream-url", upstream_url,
                                 "--upstream-model", "cloud-up"], stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"})
        try:
            deadline = time.monotonic() + 120
            while True:
                assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
                try:
                    if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            yield proc, url
        finally:
            os.kill(proc.pid, signal.SIGCONT)
            proc.terminate()
            proc.wait(timeout=60)


def ask(gateway: Running, question: str, **headers: str) -> tuple[httpx.Response, float]:
    t0 = time.monotonic()
    response = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": 6},
                    headers={**AUTH, **headers}, timeout=60)
    return response, time.monotonic() - t0


def test_a_hung_cloud_is_skipped_by_the_edge_within_the_gateways_budget_then_tried_again(tmp_path: Path) -> None:
    to_cloud: list[dict] = []
    to_edge_llm: list[dict] = []
    cloud_failures, skips, down = 'velo_upstream_failures_total{target="cloud"}', 'velo_upstream_skips_total{target="cloud"}', 'velo_upstreams_down{target="cloud"}'
    with (running(recording_upstream(to_cloud)) as upstream, running(recording_upstream(to_edge_llm)) as edge_llm,
          cloud_process(upstream.url, tmp_path / "cloud.log") as (cloud, cloud_url)):
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud_url, llm=edge_llm.url, llm_model="edge-llm",
                                             edge_id="edge-h", cloud_down_for_s=COOL_DOWN_S)
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud_url, timeout_s=BUDGET_S)) as gateway:
            got, _ = ask(gateway, "What is the tallest mountain in Europe?")
            assert got.status_code == 200 and got.json()["route"] == "cloud" and len(to_cloud) == 1, got.text

            os.kill(cloud.pid, signal.SIGSTOP)
            got, took = ask(gateway, "Why do cats purr?")
            assert got.status_code == 200 and got.json()["route"] == "edge" and took < 3 * BUDGET_S, (took, got.text)
            assert got.json()["choices"][0]["message"]["content"] == "Forty-two." and to_edge_llm[-1]["model"] == "edge-llm"
            assert (metric(edge, cloud_failures), metric(edge, skips), metric(edge, down)) == (1.0, 0.0, 1.0)

            got, took = ask(gateway, "How far away is the Moon?")  # within the cool-down: the cloud is not called at all
            assert got.status_code == 200 and got.json()["route"] == "edge" and took < 3 * BUDGET_S, (took, got.text)
            assert (metric(edge, cloud_failures), metric(edge, skips), metric(edge, down)) == (1.0, 1.0, 1.0)
            assert metric(gateway, 'velo_upstream_failures_total{target="edge"}') == 0  # the edge answered both in time

            os.kill(cloud.pid, signal.SIGCONT)
            time.sleep(COOL_DOWN_S + 0.5)
            got, _ = ask(gateway, "What is the speed of sound in air?")  # the trial request: the cloud answers again
            assert got.status_code == 200 and got.json()["route"] == "cloud", got.text
            assert to_cloud[-1]["messages"][-1]["content"] == "What is the speed of sound in air?"
            assert (metric(edge, cloud_failures), metric(edge, skips), metric(edge, down)) == (1.0, 1.0, 0.0)


def test_the_gateways_own_hung_cloud_answers_503_within_the_clients_budget_then_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """No edge answers: the gateway asks its cloud within what the client's budget leaves (`x-stainless-read-timeout`, as
    the openai Python client sends its timeout): 503 within it, the cloud not marked down (the client's short budget
    says nothing of it), but logged as hanging in it. Within the gateway's own 2 s it is marked, then skipped: 503 at once,
    naming it, until the cool-down ends. Each 503 has its request-log line, as an answer has; the dead edge's failure is
    one warning."""
    caplog.set_level(logging.INFO, logger="velo.requests")
    to_cloud: list[dict] = []
    skips, failures = 'velo_upstream_skips_total{target="cloud"}', 'velo_upstream_failures_total{target="cloud"}'
    with running(recording_upstream(to_cloud)) as upstream, cloud_process(upstream.url, tmp_path / "cloud.log") as (cloud, cloud_url):
        with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud_url, timeout_s=2.0, cloud_down_for_s=COOL_DOWN_S)) as gateway:
            os.kill(cloud.pid, signal.SIGSTOP)
            got, took = ask(gateway, "Why is the sea salty?", **{"x-stainless-read-timeout": "1.0"})
            error = got.json()["error"]
            assert got.status_code == 503 and error["code"] == "no_upstream" and took < 3 * 1.0, (took, got.text)
            assert f"the cloud gave no answer within the client's budget: {cloud_url} gave no answer within" in error["message"], error
            assert (metric(gateway, failures), metric(gateway, 'velo_upstreams_down{target="cloud"}')) == (0.0, 0.0)
            got, took = ask(gateway, "Why is the sea salty?")
            error = got.json()["error"]
            assert got.status_code == 503 and error["code"] == "no_upstream" and took < 3 * 2.0, (took, got.text)
            assert f"the cloud failed: {cloud_url} gave no answer within" in error["message"], error
            got, took = ask(gateway, "Why is the sky blue?")
            error = got.json()["error"]
            assert got.status_code == 503 and f"the cloud {cloud_url} is skipped: no answer" in error["message"] and took < 2.0, (took, error)
            assert (metric(gateway, failures), metric(gateway, skips)) == (1.0, 1.0)
            logged = [r.getMessage() for r in caplog.records if r.name == "velo.requests" and r.getMessage().startswith("gateway ")]
            assert logged == ["gateway error user=- status=503 code=no_upstream key='tests' namespace=default"] * 3, logged
            warned = [r.getMessage() for r in caplog.records if r.name == "velo.gateway" and r.levelno >= logging.WARNING]
            assert len(warned) == 3 and "(attempt 2 of 2)" in warned[0] and warned[2].startswith(f"cloud {cloud_url} does not answer"), warned
            assert warned[1].startswith(f"cloud {cloud_url} gave no answer within") and "not marked down" in warned[1], warned  # the client's budget

            os.kill(cloud.pid, signal.SIGCONT)
            time.sleep(COOL_DOWN_S + 0.5)
            got, _ = ask(gateway, "What is the capital of Peru?")
            assert got.status_code == 200 and got.json()["route"] == "cloud" and got.headers["x-velo-edge"] == "gateway", got.text
            assert to_cloud[-1]["messages"][-1]["content"] == "What is the capital of Peru?"


def slow_upstream(seen: list[dict], delay_s: float) -> FastAPI:
    """`recording_upstream`, healthy but taking `delay_s` to answer a chat (its `GET /v1/models`, the health probe, at once)."""
    app = recording_upstream(seen)

    @app.middleware("http")
    async def slow(request: Request, call_next):  # noqa: ANN001, ANN202
        if request.url.path.endswith("/chat/completions"):
            await asyncio.sleep(delay_s)
        return await call_next(request)

    app.get("/v1/models")(lambda: {"object": "list", "data": [{"id": "up", "object": "model", "created": 1, "owned_by": "test"}]})
    return app


def test_a_clients_short_budget_fails_its_own_request_and_marks_no_upstream_down(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A healthy stack whose LLMs take 0.3 s: a client's 1 ms or 30 ms budget (`x-velo-timeout-ms`) fails its request
    (the edge's cloud, the gateway's edge and its cloud all run out of it), but says nothing of the upstreams: none is
    marked down (no "does not answer" warning, `velo_upstreams_down` 0), and the next request's cached answer comes
    from the edge's cache (before, the gateway skipped the edge for 5 s and the cloud for 30 s: a cloud call paid)."""
    caplog.set_level(logging.WARNING)
    to_cloud: list[dict] = []
    question = "What is the tallest mountain in Europe?"
    downs = [(side, f'velo_upstreams_down{{target="{target}"}}') for side, target in (("gateway", "edge"), ("gateway", "cloud"), ("edge", "cloud"))]
    with running(slow_upstream(to_cloud, 0.3)) as cloud, running(slow_upstream([], 0.3)) as edge_llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=edge_llm.url, llm_model="edge-llm",
                                             edge_id="edge-b")
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud.url, timeout_s=BUDGET_S)) as gateway:
            servers = {"gateway": gateway, "edge": edge}
            got, _ = ask(gateway, question)
            assert got.status_code == 200 and got.json()["route"] == "cloud", got.text
            sync(edge)
            for budget_ms, asked in (("1", question), ("30", "Why do cats purr?")):
                got, took = ask(gateway, asked, **{"x-velo-timeout-ms": budget_ms})
                assert got.status_code == 503 and got.json()["error"]["code"] == "no_upstream" and took < BUDGET_S, (budget_ms, took, got.text)
                assert [metric(servers[side], sample) for side, sample in downs] == [0.0, 0.0, 0.0], (budget_ms, got.text)
            calls = len(to_cloud)
            got, _ = ask(gateway, question)
            assert got.status_code == 200 and got.json()["route"] == "cache" and got.headers["x-velo-edge"] == "edge-b", got.text
            assert len(to_cloud) == calls and metric(gateway, 'velo_upstream_skips_total{target="edge"}') == 0  # no cloud call paid
            marked = [r.getMessage() for r in caplog.records if "does not answer" in r.getMessage()]
            assert marked == [], marked


def test_a_velo_budget_that_is_no_positive_integer_is_refused_by_the_gateway_and_the_edge(tmp_path: Path) -> None:
    """400 naming `x-velo-timeout-ms` for 0, -5 and "abc", in the one error shape, at both; the Node SDK's "0" (its
    `x-stainless-timeout` for a timeout under 1 s) is a hint and never refused."""
    with running(recording_upstream([])) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), llm=llm.url, llm_model="edge-llm", edge_id="edge-v")
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], None, timeout_s=BUDGET_S)) as gateway:
            for bad in ("0", "-5", "abc"):
                for got in (ask(gateway, "Why is the sky blue?", **{"x-velo-timeout-ms": bad})[0],
                            post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 6},
                                 headers={"x-velo-timeout-ms": bad})):
                    error = got.json()["error"]
                    assert got.status_code == 400 and error["type"] == "invalid_request_error" and error["code"] == "invalid_value", got.text
                    assert error["param"] == "x-velo-timeout-ms" and "positive integer of milliseconds" in error["message"], error
            got, _ = ask(gateway, "Why is the sky blue?", **{"x-stainless-timeout": "0"})
            assert got.status_code == 200 and got.json()["route"] == "edge", got.text
