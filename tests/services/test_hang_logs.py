"""An upstream that says nothing until a client's budget runs out, or stalls mid-stream, has a log line of its own
naming it and the wait (svc40 item 3): with a client's short budget the edge's and the gateway's lines were at INFO,
which `velo serve` does not write, and the gateway's own cloud had none, so the request log's `gateway error ...
status=503` was all an operator saw of a hung upstream. Real servers on loopback; the upstreams are stand-ins that
take longer than the budget (their `GET /v1/models` answers at once, so nothing is found down)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from services import edge as edge_service
from tests.ports import closed_port
from tests.services.servers import post, running
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream
from tests.services.test_hung_cloud import slow_upstream

AUTH = {"Authorization": f"Bearer {KEY}"}
BUDGET = {"x-velo-timeout-ms": "1000"}


def warnings(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


def ask(url: str, question: str, **more: object):  # noqa: ANN201 - the httpx response
    return post(f"{url}/v1/chat/completions", headers={**AUTH, **BUDGET}, timeout=60,
                json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": 6, **more})


def test_each_upstream_a_clients_budget_ran_out_on_is_named_with_its_wait(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    with running(slow_upstream([], 3.0)) as slow, running(recording_upstream([])) as quick:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=slow.url, llm=quick.url, llm_model="edge-llm", edge_id="edge-l")
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], None)) as gateway:
            got = ask(gateway.url, "Why do cats purr?")  # the edge's cloud hangs past its half of the budget: the edge LLM answers
            assert got.status_code == 200 and got.json()["route"] == "edge", got.text
            said = warnings(caplog, "velo.edge.cloud")
            assert any(line.startswith(f"cloud {slow.url} gave no answer within 0.") and "client's budget of" in line for line in said), said
        slow_llm = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge2.db"), llm=slow.url, llm_model="edge-llm", edge_id="edge-s")
        with running(edge_service.build_app(slow_llm)) as edge, running(gateway_app([edge.url], None)) as gateway:
            got = ask(gateway.url, "Why is the sea salty?")  # the edge itself says nothing in the budget
            assert got.status_code == 503 and "retry-after" not in got.headers, got.text
            said = warnings(caplog, "velo.gateway")
            assert any(line.startswith(f"edge {edge.url} gave no answer within 0.9") or line.startswith(f"edge {edge.url} gave no answer within 1 s")
                       for line in said), said
        with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], slow.url)) as gateway:
            got = ask(gateway.url, "Why is the sky blue?")  # no edge: the gateway's own cloud hangs past the budget
            assert got.status_code == 503, got.text
            said = warnings(caplog, "velo.gateway")
            assert any(line.startswith(f"cloud {slow.url} gave no answer within") and "not marked down" in line for line in said), said


def stalling_upstream(stall_s: float) -> FastAPI:
    """An OpenAI-compatible stream that sends its first piece, then nothing for `stall_s`."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):  # noqa: ANN202
        await request.json()

        async def events() -> AsyncIterator[str]:
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "up",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Forty-"}, "finish_reason": None}]}
            yield "data: " + json.dumps(chunk) + "\n\n"
            await asyncio.sleep(stall_s)

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


def test_a_stream_that_stalls_mid_answer_is_named_in_the_edges_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    with running(stalling_upstream(5.0)) as cloud, running(recording_upstream([])) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm",
                                             edge_id="edge-m", timeout_s=1.0)
        with running(edge_service.build_app(settings)) as edge:
            got = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why?"}], "max_tokens": 6, "stream": True})
            assert got.status_code == 200 and '"upstream_failed"' in got.text, got.text
    said = warnings(caplog, "velo.edge.cloud")
    assert any(line.startswith("the cloud LLM (") and f"{cloud.url} broke off its stream: ReadTimeout" in line for line in said), said


def test_a_request_whose_client_left_before_its_body_arrived_is_a_499_line_not_an_unexpected_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """What a hung edge found when it resumed: the gateway's request, its client gone before the body was read whole.
    It had been logged as `unexpected error on /v1/serve` with Starlette's ClientDisconnect traceback."""
    import socket

    caplog.set_level(logging.INFO)
    with running(recording_upstream([])) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), llm=llm.url, llm_model="edge-llm", edge_id="edge-d")
        with running(edge_service.build_app(settings)) as edge:
            with socket.create_connection(("127.0.0.1", edge.port)) as sock:
                sock.sendall(b"POST /v1/serve HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mess")
            deadline = time.monotonic() + 10
            while not [r for r in caplog.records if r.name == "velo.requests" and "status=499" in r.getMessage()]:
                assert time.monotonic() < deadline, [r.getMessage() for r in caplog.records]
                time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.name == "velo.requests"]
    assert any(line.startswith("edge client_closed user=- status=499 phase=waiting") and "path=/v1/serve" in line for line in lines), lines
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
