"""The gateway knows what its cloud takes (`GatewaySettings.cloud_max_tokens`, as the edge's `cloud_max_tokens`).

svc41 finding 1: through the gateway, `max_tokens: 2000` on a cache miss had the edge LLM cut at half the budget (the
other half kept for the direct cloud), then the cloud asked directly, which refused it (400 naming max_tokens); the
gateway had no setting for the cloud's limit, and a direct cloud call that answered an error left no line in its log.
Now a request the cloud would refuse is never sent to it: the edges answer it with the whole budget, and when no edge
answers (none configured, all skipped or failed) it is a 400 naming max_tokens and the limit at once. Real servers on
loopback: the gateway, an edge server (milvus-lite), and stand-in OpenAI endpoints as the cloud (recording what reaches
it and refusing a max_tokens above 1024 as the cloud service does) and as the edge LLM.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from services import cloud as cloud_service
from services import edge as edge_service
from services import gateway as gateway_service
from tests.ports import closed_port
from tests.services.servers import post, running
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream
from tests.services.test_hung_cloud import slow_upstream

AUTH = {"Authorization": f"Bearer {KEY}"}
LLM_S = 2.0
"""The edge LLM's time to answer: more than half the gateway's budget, less than all of it."""


def chat(gateway_url: str, question: str, **fields: object):  # noqa: ANN201 - the httpx response
    return post(f"{gateway_url}/v1/chat/completions", headers=AUTH, json={"model": "velo", "messages": [{"role": "user", "content": question}], **fields})


def limited_cloud(seen: list[dict], answer: str = "The cloud's answer.", limit: int = 1024) -> FastAPI:
    """`recording_upstream` refusing a `max_tokens` above `limit` with the cloud service's 400 (its local model's
    `max_tokens_limit`, 1024 by default); a refused body is recorded too."""
    app = recording_upstream(seen, answer)

    @app.middleware("http")
    async def refuse(request: Request, call_next):  # noqa: ANN001, ANN202
        body = json.loads(await request.body() or b"{}")
        if request.url.path.endswith("/chat/completions") and body.get("max_tokens", 0) > limit:
            seen.append(body)
            return JSONResponse({"error": {"message": f"max_tokens is at most {limit} here, got {body['max_tokens']}", "type": "invalid_request_error",
                                           "code": "invalid_value", "param": "max_tokens"}}, 400)
        return await call_next(request)

    return app


def test_the_gateways_cloud_limit_is_the_edges_and_the_cloud_services() -> None:
    gateway = gateway_service.GatewaySettings(cloud_url="http://127.0.0.1:1", api_key="k" * 12)
    assert gateway.cloud_max_tokens == edge_service.EdgeSettings().cloud_max_tokens == cloud_service.CloudSettings().max_tokens_limit == 1024
    with pytest.raises(ValueError, match="cloud_max_tokens"):
        gateway_service.GatewaySettings(cloud_url="http://127.0.0.1:1", api_key="k" * 12, cloud_max_tokens=0)


def test_a_max_tokens_the_cloud_refuses_gets_the_edge_the_whole_budget(tmp_path: Path) -> None:
    to_cloud: list[dict] = []
    with running(limited_cloud(to_cloud)) as cloud, running(slow_upstream([], LLM_S)) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm", edge_id="edge-l")
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud.url, timeout_s=LLM_S * 1.75)) as gateway:
            got = chat(gateway.url, "Why is the sky blue?", max_tokens=2000)  # before: the edge cut at 1.75 s, then the cloud's 400
            assert got.status_code == 200 and got.json()["route"] == "edge", got.text
            assert to_cloud == []  # the cloud not asked, by the edge nor by the gateway


def test_with_no_edge_answering_a_max_tokens_the_cloud_refuses_is_a_400_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="velo.gateway")
    to_cloud: list[dict] = []
    with running(limited_cloud(to_cloud)) as cloud:
        with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url)) as gateway, running(gateway_app([], cloud.url)) as cloud_only:
            for url in (gateway.url, gateway.url, cloud_only.url):  # the edge refusing connections, then skipped; no edge at all
                for field in ("max_tokens", "max_completion_tokens"):
                    t0 = time.perf_counter()
                    got = chat(url, "Why is the sky blue?", **{field: 2000})
                    error = got.json()["error"]
                    assert got.status_code == 400 and error["param"] == field and error["type"] == "invalid_request_error", got.text
                    assert f"{field} 2000 is more than the cloud takes (1024)" in error["message"] and "no edge server answered" in error["message"], error
                    assert time.perf_counter() - t0 < 1.0
            streamed = chat(gateway.url, "Why is the sky blue?", max_tokens=2000, stream=True)  # refused before a stream starts
            assert streamed.status_code == 400 and streamed.json()["error"]["param"] == "max_tokens", streamed.text
            completion = post(f"{cloud_only.url}/v1/completions", headers=AUTH, json={"model": "velo", "prompt": "The sky is", "max_tokens": 2000})
            assert completion.status_code == 400 and "max_tokens 2000 is more than the cloud takes (1024)" in completion.json()["error"]["message"]
            assert to_cloud == []  # never asked
            assert chat(gateway.url, "Why is the sky blue?", max_tokens=1024).json()["route"] == "cloud"  # within the limit: the cloud answers
            assert [body["max_tokens"] for body in to_cloud] == [1024]
    assert any("not asking the cloud" in r.getMessage() and "max_tokens 2000" in r.getMessage() for r in caplog.records), caplog.text


def test_every_error_of_the_direct_cloud_has_a_warning_naming_it_and_its_status(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="velo.gateway")
    dead_edge = f"http://127.0.0.1:{closed_port()}"
    with running(limited_cloud([])) as cloud:
        with running(gateway_app([dead_edge], cloud.url, cloud_max_tokens=None)) as gateway:  # a gateway not told the cloud's limit
            got = chat(gateway.url, "Why is the sky blue?", max_tokens=2000)
            assert got.status_code == 400 and got.json()["error"]["param"] == "max_tokens", got.text  # the cloud's own refusal, relayed
    refused = [r for r in caplog.records if r.getMessage().startswith(f"cloud {cloud.url} refused the request (status 400)")]
    assert len(refused) == 1 and refused[0].levelname == "WARNING" and "at most 1024" in refused[0].getMessage(), caplog.text
    caplog.clear()
    with running(failing_upstream(502)) as cloud, running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url)) as gateway:
        got = chat(gateway.url, "Why is the sky blue?", max_tokens=16)
        assert got.status_code == 503 and got.json()["error"]["code"] == "no_upstream", got.text
    failed = [r for r in caplog.records if r.getMessage().startswith(f"cloud {cloud.url} failed") and "answered 502" in r.getMessage()]
    assert len(failed) == 1 and failed[0].levelname == "WARNING", caplog.text


def failing_upstream(status: int) -> FastAPI:
    """An OpenAI-compatible endpoint whose chat completions answer `status` with an OpenAI error body."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat() -> JSONResponse:
        return JSONResponse({"error": {"message": "the model is overloaded", "type": "server_error", "code": None, "param": None}}, status)

    return app
