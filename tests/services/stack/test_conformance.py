"""What OpenAI clients rely on, through the gateway, the edge and the cloud (issue 8, "conformance to the OpenAI API"):
explicit defaults read as absent, `max_tokens: 0`, `models.retrieve`, one rule for the question, sampled answers and the
cache, and an upstream's answers outside VELO's own (a fake OpenAI upstream on loopback: the thing outside VELO).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse
from openai import BadRequestError, NotFoundError, OpenAI

from services import edge as edge_service
from tests.services.servers import Running, get, metric, post, running, sync
from tests.services.stack.apps import KEY, TOKENS, edge_settings, gateway_app

DEFAULT_CHAT = {"presence_penalty": 0, "frequency_penalty": 0.0, "logit_bias": {}, "n": 1, "top_p": 1, "logprobs": False, "top_logprobs": 0,
                "response_format": {"type": "text"}, "tool_choice": "none", "parallel_tool_calls": True, "stream": False}
DEFAULT_COMPLETION = {"presence_penalty": 0, "frequency_penalty": 0.0, "logit_bias": {}, "n": 1, "top_p": 1, "best_of": 1, "echo": False, "suffix": ""}


def test_every_optional_field_given_its_openai_default_is_read_as_absent(oai: OpenAI, cloud: Running) -> None:
    """Issue 8 (M6): chat refused `presence_penalty: 0` and `frequency_penalty: 0.0` (OpenAI's defaults) with a 400 while
    /v1/completions let them through a truthiness check. Now every default given explicitly answers as absent, at the
    gateway (both routes) and the cloud, and a value that asks for something unsupported is a 400 naming the field."""
    question = [{"role": "user", "content": "Which metal is best for electrical wiring?"}]
    chat = oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, **DEFAULT_CHAT)  # type: ignore[arg-type]
    assert chat.choices[0].message.content
    text = oai.completions.create(model="velo", prompt="Which metal is best for electrical wiring?", max_tokens=TOKENS, **DEFAULT_COMPLETION)
    assert text.choices[0].text == chat.choices[0].message.content  # the same question, the same (cached) answer
    direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": question, "max_tokens": TOKENS, **DEFAULT_CHAT})
    assert direct.status_code == 200, direct.text
    for name, value in (("presence_penalty", 0.5), ("frequency_penalty", -1.0), ("logit_bias", {"5": 1}), ("n", 2), ("logprobs", True)):
        with pytest.raises(BadRequestError) as refused:
            oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, **{name: value})  # type: ignore[arg-type]
        assert refused.value.param == name, refused.value  # type: ignore[attr-defined]
    for name, value in (("presence_penalty", 0.5), ("logprobs", 0), ("echo", True), ("suffix", "!"), ("best_of", 2)):
        with pytest.raises(BadRequestError) as refused:
            oai.completions.create(model="velo", prompt="Which metal is best for electrical wiring?", max_tokens=TOKENS, **{name: value})  # type: ignore[arg-type]
        assert refused.value.param == name, refused.value  # type: ignore[attr-defined]


def test_a_completion_of_zero_tokens_is_refused_naming_max_tokens(oai: OpenAI) -> None:
    """Issue 8 (M7): `max_tokens: 0` on /v1/completions was read as no limit (`body.max_tokens or None`)."""
    with pytest.raises(BadRequestError) as refused:
        oai.completions.create(model="velo", prompt="Count from one to ten.", max_tokens=0)
    assert refused.value.param == "max_tokens"  # type: ignore[attr-defined]


def test_the_openai_client_retrieves_the_served_model_and_an_unknown_one_is_a_404(oai: OpenAI, gateway: Running, cloud: Running) -> None:
    """Issue 8 (L7): `GET /v1/models/{id}` (`models.retrieve`) was a 404 for the served model too."""
    card = oai.models.retrieve("velo")
    assert (card.id, card.object) == ("velo", "model")
    with pytest.raises(NotFoundError) as unknown:
        oai.models.retrieve("gpt-4o")
    assert unknown.value.body["code"] == "model_not_found"  # type: ignore[index]
    assert get(f"{gateway.url}/v1/models/velo").status_code == 401  # the key is checked first, as for /v1/models
    assert get(f"{cloud.url}/v1/models/velo-cloud").json()["id"] == "velo-cloud"
    error = get(f"{cloud.url}/v1/models/velo").json()["error"]
    assert (error["code"], error["param"]) == ("model_not_found", "model")


def test_a_conversation_ending_with_an_assistant_turn_is_refused_alike_by_the_edge_and_the_gateway(gateway: Running, edge: Running) -> None:
    """Issue 8 (L4): the edge's /v1/serve served such a request (from the cache) while the gateway refused it."""
    turns = [{"role": "user", "content": "What is the capital of France?"}, {"role": "assistant", "content": "Paris."}]
    at_edge = post(f"{edge.url}/v1/serve", json={"messages": turns, "max_tokens": TOKENS})
    at_gateway = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": turns, "max_tokens": TOKENS},
                      headers={"Authorization": f"Bearer {KEY}"})
    assert at_edge.status_code == at_gateway.status_code == 400
    assert at_edge.json()["error"] == at_gateway.json()["error"] and at_edge.json()["error"]["param"] == "messages[1]", at_edge.text
    blank = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "  "}]}).json()["error"]
    assert blank["param"] == "messages[0]" and "the question is empty" in blank["message"]


def test_a_sampled_answer_is_never_written_back_and_a_sampled_request_reads_the_cache(edge: Running) -> None:
    """Issue 8 (M1): a sampled answer (temperature 1.0, seed 3) was written back and then served to the same question
    asked greedily, at similarity 1.0. Only greedy answers are written back (even with `write_back_truncated`, which this
    edge has); a sampled request is served the cached greedy answer (`services/edge_serving.py` says why)."""
    url, namespace = f"{edge.url}/v1/serve", "sampling"
    question = [{"role": "user", "content": "Say hello to my friend number 3."}]
    sampled = post(url, json={"messages": question, "namespace": namespace, "temperature": 1.0, "seed": 3, "max_tokens": TOKENS}).json()
    assert sampled["route"] == "cloud", sampled
    sync(edge)
    greedy = post(url, json={"messages": question, "namespace": namespace, "max_tokens": TOKENS}).json()
    assert greedy["route"] == "cloud" and greedy["similarity"] is None, greedy  # nothing was cached
    sync(edge)
    again = post(url, json={"messages": question, "namespace": namespace, "max_tokens": TOKENS}).json()
    assert again["route"] == "cache" and again["answer"] == greedy["answer"], again
    resampled = post(url, json={"messages": question, "namespace": namespace, "temperature": 1.0, "seed": 4, "max_tokens": TOKENS}).json()
    assert resampled["route"] == "cache" and resampled["answer"] == greedy["answer"], resampled
    other = "Describe a quiet morning by the sea."
    top_p_alone = post(url, json={"messages": [{"role": "user", "content": other}], "namespace": namespace, "top_p": 0.5,
                                  "max_tokens": TOKENS}).json()  # top_p < 1 alone samples at temperature 1
    assert top_p_alone["route"] == "cloud"
    sync(edge)
    found = post(f"{edge.url}/admin/cache/lookup", json={"question": other, "namespace": namespace}).json()
    assert found["entry"] is None or found["entry"]["question"] != other, found


# --- an OpenAI upstream's answers outside VELO's own ------------------------------------------------

ANSWERS: dict[str, tuple[dict, str]] = {
    # keyword in the question -> (the message, finish_reason)
    "filtered": ({"role": "assistant", "content": "I cannot", "refusal": None}, "content_filter"),
    "blanked": ({"role": "assistant", "content": None}, "content_filter"),
    "toolish": ({"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
                "tool_calls"),
    "calling": ({"role": "assistant", "content": None, "function_call": {"name": "f", "arguments": "{}"}}, "function_call"),
    "nothing": ({"role": "assistant", "content": None}, "stop"),
    "refusing": ({"role": "assistant", "content": None, "refusal": "I'm sorry, I cannot help."}, "refusal-only"),
    "uncounted": ({"role": "assistant", "content": "Plain answer."}, "stop"),
}


def fake_upstream() -> FastAPI:
    """An OpenAI-compatible upstream whose answer to a question holding a keyword of `ANSWERS` is that answer, in OpenAI's
    full shape (whole: usage with details, system_fingerprint; streamed: chunks, then [DONE]); "uncounted" leaves usage out."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request):  # noqa: ANN202
        body = await request.json()
        keyword = next(k for k in ANSWERS if k in body["messages"][-1]["content"])
        message, finish = ANSWERS[keyword]
        finish = "stop" if finish == "refusal-only" else finish
        if body.get("stream"):
            delta = {k: v for k, v in message.items() if v is not None}

            def events() -> Iterator[str]:
                for piece in ({**delta, "content": None} if "content" not in delta else delta, {}):
                    chunk = {"id": "x", "object": "chat.completion.chunk", "created": 1, "model": "up",
                             "choices": [{"index": 0, "delta": piece, "logprobs": None, "finish_reason": None if piece else finish}]}
                    yield f"data: {json.dumps(chunk)}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(events(), media_type="text/event-stream")
        answer = {"id": "x", "object": "chat.completion", "created": 1, "model": "up", "system_fingerprint": "fp",
                  "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                  "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8, "prompt_tokens_details": {"cached_tokens": 0}}}
        if keyword == "uncounted":
            del answer["usage"]
        return JSONResponse(answer)

    return app


@pytest.fixture(scope="module")
def upstream() -> Iterator[Running]:
    with running(fake_upstream()) as server:
        yield server


@pytest.fixture(scope="module")
def edge_up(upstream: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """An edge whose cloud and whose own LLM are the fake upstream: what the cloud cannot relay, its LLM cannot either."""
    settings = edge_settings(tmp_path_factory.mktemp("edge-up"), upstream.url, None, edge_id="edge-up", llm=upstream.url, llm_model="up")  # type: ignore[arg-type]
    with running(edge_service.build_app(settings)) as server:
        yield server


@pytest.fixture(scope="module")
def gateway_up(edge_up: Running) -> Iterator[Running]:
    with running(gateway_app([edge_up.url], None)) as server:
        yield server


def serve(edge: Running, question: str, **more: object) -> httpx.Response:
    return post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": TOKENS, **more})


def events_of(response: httpx.Response) -> list[str]:
    return [line[5:].strip() for line in response.text.splitlines() if line.startswith("data:")]


def test_a_filtered_upstream_answer_is_relayed_and_never_cached(edge_up: Running, gateway_up: Running, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 8 (M2): `finish_reason: "content_filter"` was a 400 blamed on the client's `messages`, and streamed, it cut
    the stream with a traceback in the edge's log. It is relayed, whole and streamed, with null content as "", and never
    written back (this edge writes back even cut answers)."""
    oai = OpenAI(base_url=f"{gateway_up.url}/v1", api_key=KEY, max_retries=0, timeout=120)
    whole = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Is this filtered?"}], max_tokens=TOKENS)
    assert (whole.choices[0].finish_reason, whole.choices[0].message.content, whole.route) == ("content_filter", "I cannot", "cloud")  # type: ignore[attr-defined]
    blanked = serve(edge_up, "Is this blanked?").json()
    assert (blanked["finish_reason"], blanked["answer"]) == ("content_filter", ""), blanked
    chunks = list(oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Is this filtered too?"}], max_tokens=TOKENS,
                                              stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "I cannot"
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["content_filter"]
    sync(edge_up)
    for question in ("Is this filtered?", "Is this blanked?", "Is this filtered too?"):
        assert serve(edge_up, question).json()["route"] == "cloud", question  # not cached
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]


def test_an_upstream_answer_that_cannot_be_relayed_is_a_502_naming_it(edge_up: Running, gateway_up: Running, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 8 (M2): a tool call, null content or a refusal from an upstream was a 400 blamed on `messages`. It is the
    upstream's failure: 502 `upstream_failed` naming what it sent (the edge's cloud failed, then its own LLM), and
    through the gateway, which tries the edge again, 503 with the same words; streamed, an error event, then [DONE]."""
    for keyword, words in (("toolish", "answered with a tool call"), ("calling", "answered with a tool call"), ("refusing", "refused to answer")):
        response = serve(edge_up, f"Is this {keyword}?")
        error = response.json()["error"]
        assert (response.status_code, error["code"]) == (502, "upstream_failed") and words in error["message"], response.text
        through = post(f"{gateway_up.url}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"},
                       json={"model": "velo", "messages": [{"role": "user", "content": f"Is this {keyword}?"}], "max_tokens": TOKENS})
        assert through.status_code in (502, 503) and words in through.json()["error"]["message"], through.text
        streamed = post(f"{gateway_up.url}/v1/chat/completions", headers={"Authorization": f"Bearer {KEY}"},
                        json={"model": "velo", "messages": [{"role": "user", "content": f"Is this {keyword}?"}], "max_tokens": TOKENS, "stream": True})
        events = events_of(streamed)
        assert events[-1] == "[DONE]" and json.loads(events[-2])["error"]["code"] == "upstream_failed", streamed.text
        assert words in json.loads(events[-2])["error"]["message"], events
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records if r.exc_info]


def test_null_content_is_a_failure_of_the_cloud(edge_up: Running) -> None:
    """`message.content: null` with "stop" is no answer: the cloud failed (counted, as the policy observes it) and the edge's
    own LLM answered, streamed (a stream has no null content: this upstream's deltas join to "", an empty answer, which
    is relayed and not written back)."""
    failures = 'velo_upstream_failures_total{target="cloud"}'
    before = metric(edge_up, failures)
    answer = serve(edge_up, "Is this nothing?").json()
    assert (answer["route"], answer["answer"]) == ("edge", ""), answer
    assert metric(edge_up, failures) == before + 1


def test_an_upstream_answer_without_usage_is_relayed_with_no_counts(edge_up: Running) -> None:
    """OpenAI always sends `usage`; an OpenAI-compatible upstream may not. Its answer is no less an answer."""
    answer = serve(edge_up, "Is this uncounted?").json()
    assert (answer["answer"], answer["finish_reason"], answer["completion_tokens"]) == ("Plain answer.", "stop", 0), answer
