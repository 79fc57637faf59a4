"""Issue 8 findings 4 and 5: the client's `user`, `safety_identifier` and `prompt_cache_key` travel the whole way to the
cloud's upstream (an OpenAI-like API, which reads them for abuse monitoring and prompt caching): gateway -> edge ->
cloud service (upstream mode) -> upstream, whole and streamed, and from the gateway's own cloud fallback. The edge had
sent the cloud none of them (finding 4); `safety_identifier` and `prompt_cache_key` had been refused as unknown
fields (finding 5). `safety_identifier` is written in each service's request log line as `user` is.

The upstream is a stand-in that records the bodies it is sent and answers "Forty-two."; everything else is VELO's
own servers on loopback (the edge's LLM is the stand-in too, so no model is loaded)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from openai import BadRequestError, OpenAI

from services import cloud as cloud_service
from services import edge as edge_service
from tests.ports import closed_port
from tests.services.servers import Running, running
from tests.services.stack.apps import KEY, TOKENS, edge_settings, gateway_app

IDENTIFIERS = {"user": "hash-9c1e", "safety_identifier": "sid-41f2", "prompt_cache_key": "faq-v3"}


def recording_upstream(seen: list[dict], answer: str = "Forty-two.") -> FastAPI:
    """An OpenAI-compatible `/v1/chat/completions` that appends each body to `seen` and answers `answer` ("Forty-two."),
    streamed in two pieces when asked to stream."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):  # noqa: ANN202
        body = await request.json()
        seen.append(body)
        usage = {"prompt_tokens": 4, "completion_tokens": 3, "total_tokens": 7}
        if not body.get("stream"):
            return JSONResponse({"id": "x", "object": "chat.completion", "created": 1, "model": "up", "usage": usage,
                                 "choices": [{"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}]})

        def events() -> Iterator[str]:
            half = len(answer) // 2
            for delta, finish in (({"role": "assistant", "content": answer[:half]}, None), ({"content": answer[half:]}, None), ({}, "stop")):
                yield "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "up",
                                             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}) + "\n\n"
            yield "data: " + json.dumps({"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "up", "choices": [], "usage": usage}) + "\n\n"
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


@pytest.fixture(scope="module")
def seen() -> list[dict]:
    return []


@pytest.fixture(scope="module")
def chain(seen: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Running]]:
    """(gateway, cloud service): gateway -> edge (policy rule-cloud: a miss goes to the cloud) -> cloud -> upstream."""
    with running(recording_upstream(seen)) as upstream, \
            running(cloud_service.build_app(cloud_service.CloudSettings(upstream_url=upstream.url, upstream_model="up"))) as cloud:
        settings = edge_settings(tmp_path_factory.mktemp("edge-ids"), cloud.url, None, edge_id="edge-ids", llm=upstream.url, llm_model="up")  # type: ignore[arg-type]
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud.url)) as gateway:
            yield gateway, cloud


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "velo.requests"]


def test_the_clients_identifiers_reach_the_clouds_upstream_through_the_edge(chain: tuple[Running, Running], seen: list[dict],
                                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="velo.requests")
    gateway, _ = chain
    oai = OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)
    asked = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "What is six times seven?"}], max_tokens=TOKENS,
                                        **IDENTIFIERS)  # type: ignore[arg-type]
    assert getattr(asked, "route") == "cloud" and asked.choices[0].message.content == "Forty-two."
    assert {k: seen[-1].get(k) for k in IDENTIFIERS} == IDENTIFIERS, seen[-1]
    streamed = list(oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "What is nine times nine?"}],
                                                max_tokens=TOKENS, stream=True, **IDENTIFIERS))  # type: ignore[arg-type]
    assert "".join(c.choices[0].delta.content or "" for c in streamed if c.choices) == "Forty-two."
    assert seen[-1]["stream"] is True and {k: seen[-1].get(k) for k in IDENTIFIERS} == IDENTIFIERS, seen[-1]
    plain = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "What is two plus two?"}], max_tokens=TOKENS)
    assert plain.choices[0].message.content == "Forty-two." and not set(IDENTIFIERS) & set(seen[-1]), seen[-1]  # none given: none sent
    lines = _lines(caplog)
    for service in ("gateway cloud", "edge cloud", "cloud upstream"):
        assert any(line.startswith(f"{service} user='hash-9c1e' safety_identifier='sid-41f2'") for line in lines), (service, lines)
    assert not any("safety_identifier" in line for line in lines if "user=-" in line), lines


def test_the_gateways_own_cloud_fallback_sends_them_too(chain: tuple[Running, Running], seen: list[dict]) -> None:
    _, cloud = chain
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url)) as cloud_only:
        oai = OpenAI(base_url=f"{cloud_only.url}/v1", api_key=KEY, max_retries=0, timeout=120)
        got = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "What is six times seven?"}], max_tokens=TOKENS,
                                          **IDENTIFIERS)  # type: ignore[arg-type]
    assert getattr(got, "route") == "cloud" and {k: seen[-1].get(k) for k in IDENTIFIERS} == IDENTIFIERS, seen[-1]


def test_they_are_bounded_and_a_completion_takes_neither_new_one(chain: tuple[Running, Running]) -> None:
    """At most 128 characters of safety_identifier (OpenAI's maximum) and 256 of prompt_cache_key; OpenAI's legacy
    `/v1/completions` takes neither."""
    gateway, cloud = chain
    for base in (f"{gateway.url}/v1", f"{cloud.url}/v1"):
        oai = OpenAI(base_url=base, api_key=KEY, max_retries=0, timeout=120)
        for name, length in (("safety_identifier", 129), ("prompt_cache_key", 257)):
            with pytest.raises(BadRequestError) as refused:
                oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Hi"}], max_tokens=TOKENS,
                                            **{name: "x" * length})  # type: ignore[arg-type]
            assert refused.value.param == name and "at most" in refused.value.message, refused.value  # type: ignore[attr-defined]
    oai = OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)
    with pytest.raises(BadRequestError) as refused:
        oai.completions.create(model="velo", prompt="Hi", max_tokens=TOKENS, extra_body={"safety_identifier": "sid-41f2"})
    assert refused.value.param == "safety_identifier" and refused.value.code == "unknown_parameter", refused.value  # type: ignore[attr-defined]
