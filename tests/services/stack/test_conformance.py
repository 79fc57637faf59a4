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
