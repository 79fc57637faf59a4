"""The serving stack for real, on loopback: the cloud service (SmolLM2), an edge server (embedded milvus-lite,
e5 + USE, the learned hit rule then cloud, its own SmolLM2) and gateways in front, driven by the official
`openai` client, the SDK and raw httpx. Generations are a few tokens long so the module stays fast.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import numpy as np
import pytest
from openai import OpenAI

import velo
from services import cloud as cloud_service
from services import edge as edge_service
from services import gateway as gateway_service
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, closed_port, delete, get, metric, post, running, sync

KEY, LIMITED, FALLBACK, REFUSE = "test-key-0001", "limited-key-01", "budget-fallback", "budget-refuse-1"
KEYS = {
    KEY: {"name": "tests", "namespaces": ["default", "team-a", "load", "seed-a", "seed-b", "seed-c"]},
    LIMITED: {"requests_per_minute": 6, "burst": 2},
    FALLBACK: {"namespaces": ["budget"], "cloud_budget": 0, "over_budget": "fallback"},
    REFUSE: {"namespaces": ["budget"], "cloud_budget": 0, "over_budget": "refuse"},
}
TOKENS = 6


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = cloud_service.CloudSettings(model_dir=shared_model_dir(tmp_path_factory), threads=1)
    with running(cloud_service.build_app(settings)) as server:
        yield server


def edge_settings(tmp: Path, cloud_url: str | None, model_dir: Path, **more: object) -> edge_service.EdgeSettings:
    """An edge server whose few-token answers are written back (they are all cut by max_tokens here)."""
    return edge_service.EdgeSettings(
        cache_uri=str(tmp / "edge.db"), cloud_url=cloud_url, model_dir=model_dir, threads=1, default_max_tokens=TOKENS,
        write_back_truncated=True, capacity=None, **more,
    )


@pytest.fixture(scope="module")
def edge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("edge-a")


@pytest.fixture(scope="module")
def edge(cloud: Running, edge_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = edge_settings(edge_dir, cloud.url, edge_id="edge-a", model_dir=shared_model_dir(tmp_path_factory))
    with running(edge_service.build_app(settings)) as server:
        yield server


def gateway_app(edges: list[str], cloud_url: str | None, **more: object):
    settings = gateway_service.GatewaySettings(edges=edges, cloud_url=cloud_url, keys_json=json.dumps(KEYS), **{"retries": 1, "backoff_s": 0.05, **more})
    return gateway_service.build_app(settings)


@pytest.fixture(scope="module")
def gateway(edge: Running, cloud: Running) -> Iterator[Running]:
    with running(gateway_app([edge.url], cloud.url)) as server:
        yield server


@pytest.fixture(scope="module")
def oai(gateway: Running) -> OpenAI:
    return OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)


def ask(oai: OpenAI, question: str, **more: object):
    return oai.chat.completions.with_raw_response.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=TOKENS, **more)


def test_a_new_question_goes_to_the_cloud_and_its_repeat_is_served_from_the_cache(oai: OpenAI, edge: Running, cloud: Running) -> None:
    question = "What is the capital of France?"
    raw = ask(oai, question)
    first = raw.parse()
    direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": [{"role": "user", "content": question}], "max_tokens": TOKENS}, timeout=120).json()
    assert first.route == "cloud" and first.similarity is None  # an empty cache has no candidate: null, not absent
    assert first.choices[0].message.content == direct["choices"][0]["message"]["content"]
    assert float(raw.headers["x-velo-overhead-ms"]) >= 0.0 and first.latency_ms > 0
    sync(edge)
    again = ask(oai, question).parse()
    assert again.route == "cache" and again.similarity == pytest.approx(1.0, abs=1e-3)
    assert again.choices[0].message.content == first.choices[0].message.content
    assert again.usage.completion_tokens == 0


def test_a_question_in_another_language_is_not_served_an_answer_in_the_first(oai: OpenAI, edge: Running) -> None:
    """The gateway states no language: the edge identifies it (`velo.lang_id`) and compares only within it."""
    first = ask(oai, "What is the capital of Germany?").parse()
    assert first.route == "cloud"
    sync(edge)
    spanish = ask(oai, "¿Cuál es la capital de Alemania?").parse()
    assert spanish.route == "cloud"
    reworded = ask(oai, "What's the capital city of Germany?").parse()
    assert reworded.route == "cache" and reworded.choices[0].message.content == first.choices[0].message.content
    found = post(f"{edge.url}/admin/cache/lookup", json={"question": "¿Cuál es la capital de Alemania?", "lang": "en"}, timeout=60).json()
    assert found["entry"]["question"] == "What is the capital of Germany?" and found["entry"]["lang"] == "en"  # stored as English
    stated = ask(oai, "¿Cuál es la capital de Alemania?", extra_body={"lang": "en"}).parse()  # a stated language wins
    assert stated.route == "cache" and stated.choices[0].message.content == first.choices[0].message.content


def test_admin_lookup_without_a_language_identifies_it_as_serving_does(edge: Running) -> None:
    """Issue 8: `/admin/cache/lookup` without `lang` searched every language, so it showed an English entry for a
    Spanish question that `/v1/serve` (and so the gateway) would never compare with it. Both now identify it."""
    english, spanish = "What is the boiling point of water at sea level?", "¿Cuál es el punto de ebullición del agua al nivel del mar?"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": english}], "namespace": "admin-lang", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": english, "namespace": "admin-lang"}).json()
    assert looked["hit"] and looked["lang"] == "en" and looked["entry"]["question"] == english
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": spanish, "namespace": "admin-lang"}).json()
    assert looked["lang"] == "es" and not looked["hit"] and looked["entry"] is None, looked
    stated = post(f"{edge.url}/admin/cache/lookup", json={"question": spanish, "namespace": "admin-lang", "lang": "en"}).json()
    assert stated["lang"] == "en" and stated["entry"]["question"] == english  # a stated language wins, as for /v1/serve


def test_a_question_in_traditional_characters_is_not_served_a_simplified_answer(edge: Running) -> None:
    """Issue 8: zh-Hant and zh-Hans were one language to the cache and "zh" to the identifier. Now the identifier adds
    the script the characters show, and the cache compares within it."""
    simplified, traditional = "长城有多长？", "長城有多長？"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": simplified}], "namespace": "scripts", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": simplified, "namespace": "scripts"}).json()
    assert looked["hit"] and looked["lang"] == "zh-Hans" and looked["entry"]["lang"] == "zh-hans"
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": traditional, "namespace": "scripts"}).json()
    assert looked["lang"] == "zh-Hant" and looked["entry"] is None, looked
    # und was searched as bare zh, so Simplified; full BCP 47 tags (what iOS and macOS send) were a 400
    for lang in ("und", "zh-Hant-TW", "zh-Hant-HK"):
        looked = post(f"{edge.url}/admin/cache/lookup", json={"question": traditional, "namespace": "scripts", "lang": lang})
        assert looked.status_code == 200 and looked.json()["entry"] is None, (lang, looked.text)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": simplified, "namespace": "scripts", "lang": "zh-Hans-CN"}).json()
    assert looked["hit"] and looked["entry"]["lang"] == "zh-hans"
    for lang in ("und-Hant", "zh-yue", "en-Cyrl"):
        refused = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": traditional}], "namespace": "scripts", "lang": lang})
        assert refused.status_code == 400 and refused.json()["error"]["param"] == "lang", refused.text
    again = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": traditional}], "namespace": "scripts", "max_tokens": TOKENS})
    assert again.json()["route"] != "cache", again.text


def test_an_answer_written_back_as_und_is_found_by_its_best_guess(edge: Running) -> None:
    """Issue 8: a question the edge could not identify surely ("Capital of Germany?": en 0.26) was written back as `und`
    and found by `und` requests only. Now it is a candidate for requests in its best guess, English, not Spanish."""
    unsure = "Capital of Germany?"
    served = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": unsure}], "namespace": "und-guess", "max_tokens": TOKENS})
    assert served.status_code == 200, served.text
    sync(edge)
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": "What is the capital of Germany?", "namespace": "und-guess"}).json()
    assert looked["lang"] == "en" and looked["entry"]["question"] == unsure and looked["entry"]["lang"] == "und", looked
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": "¿Cuál es la capital de Alemania?", "namespace": "und-guess"}).json()
    assert looked["lang"] == "es" and looked["entry"] is None, looked


def test_the_sdk_states_a_language_and_a_bad_code_is_refused_naming_lang(gateway: Running) -> None:
    with velo.Client(base_url=gateway.url, api_key=KEY) as client:
        with pytest.raises(velo.BadRequestError) as bad:
            client.chat("Hello there", lang="english", max_tokens=TOKENS)
    assert bad.value.status == 400 and bad.value.param == "lang"


def test_a_cached_answer_streams_like_a_fresh_one(oai: OpenAI, edge: Running) -> None:
    question = "Name three primary colours."
    whole = ask(oai, question).parse()
    sync(edge)
    stream = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=TOKENS, stream=True,
                                         stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == whole.choices[0].message.content and sum(1 for c in chunks if c.choices and c.choices[0].delta.content) >= 2
    finishing = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishing[0].route == "cache" and chunks[-1].usage is not None and not chunks[-1].choices


def test_the_sdk_answers_with_route_latency_and_similarity(gateway: Running, edge: Running) -> None:
    with velo.Client(base_url=gateway.url, api_key=KEY, namespace="team-a") as client:
        answer = client.chat("How many legs does a spider have?", max_tokens=TOKENS)
        assert answer.route == "cloud" and answer.latency_ms > 0 and answer.overhead_ms is not None and answer.text
        sync(edge)
        pieces = list(client.chat_stream("How many legs does a spider have?", max_tokens=TOKENS))
        assert "".join(p.text for p in pieces) == answer.text and pieces[-1].route == "cache" and pieces[-1].similarity > 0.99

    async def twice() -> list[velo.Answer]:
        async with velo.AsyncClient(base_url=gateway.url, api_key=KEY, namespace="team-a") as client:
            return await asyncio.gather(*(client.chat("How many legs does a spider have?", max_tokens=TOKENS) for _ in range(2)))

    assert [a.route for a in asyncio.run(twice())] == ["cache", "cache"]
    with velo.Client(base_url=gateway.url, api_key=KEY) as client:  # namespace "default": another tenant's entry is not served
        assert client.chat("How many legs does a spider have?", max_tokens=TOKENS).route == "cloud"


def test_bad_requests_get_the_one_error_shape_with_the_right_status(gateway: Running) -> None:
    url, body = f"{gateway.url}/v1/chat/completions", {"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2}
    auth = {"Authorization": f"Bearer {KEY}"}
    cases = [
        (post(url, json=body), 401, "missing_api_key", None),
        (post(url, json=body, headers={"Authorization": "Bearer wrong-key-123"}), 401, "invalid_api_key", None),
        (post(url, json=body, headers={**auth, "x-velo-namespace": "budget"}), 403, "namespace_forbidden", "x-velo-namespace"),
        (post(url, content=b'{"model": "velo", "messages": [', headers={**auth, "content-type": "application/json"}), 400, None, None),
        (post(url, json={"model": "velo", "messages": "Hi"}, headers=auth), 400, "invalid_value", "messages"),
        (post(url, json={**body, "temprature": 0}, headers=auth), 400, "unknown_parameter", "temprature"),
        (post(url, json={**body, "temperature": 2.5}, headers=auth), 400, "invalid_value", "temperature"),
        (post(url, json={**body, "tools": [{"type": "function"}]}, headers=auth), 400, "unsupported_parameter", "tools"),
        (post(url, json={**body, "model": "gpt-4o"}, headers=auth), 404, "model_not_found", "model"),
        (post(url, json={**body, "messages": [{"role": "user", "content": "x" * 40_000}]}, headers=auth), 413, "prompt_too_large", "messages"),
    ]
    for response, status, code, param in cases:
        error = response.json()["error"]
        assert (response.status_code, set(error)) == (status, {"message", "type", "code", "param"}), response.text
        assert code is None or error["code"] == code, error
        assert error["param"] == param, error


def test_odd_bodies_are_named_alike_by_the_gateway_and_the_edge(gateway: Running, edge: Running) -> None:
    json_type = {"content-type": "application/json"}
    question = b'"messages": [{"role": "user", "content": "abc\\ud800"}]'  # valid JSON, but no UTF-8 text
    for url, headers, surrogate in ((f"{gateway.url}/v1/chat/completions", {"Authorization": f"Bearer {KEY}", **json_type}, b'{"model": "velo", ' + question + b"}"),
                                    (f"{edge.url}/v1/serve", json_type, b"{" + question + b"}")):
        odd = {
            b"": ("the body is empty", None),
            b'{"user": "caf\xe9"}': ("the body is not valid UTF-8: byte 0xe9 at position 13", None),  # Latin-1
            surrogate: ("messages[0].content is not valid Unicode text: a lone surrogate", "messages[0].content"),
        }
        for raw, (message, param) in odd.items():
            response = post(url, content=raw, headers=headers)
            error = response.json()["error"]
            assert response.status_code == 400 and error["message"].startswith(message) and error["param"] == param, (url, raw, response.text)


CJK_SENTENCE = "这是一个很长的中文提示，用来测试服务器的长度检查。"
"""25 characters, 40 SmolLM2 tokens: a CJK prompt has more tokens than characters."""


def test_a_prompt_too_long_for_the_llm_is_refused_before_the_lookup_in_every_script(gateway: Running, edge: Running, cloud: Running) -> None:
    """A 61k-token CJK prompt (issue: refused only after 41 s, once e5 had embedded all of it) and a CJK prompt under
    the gateway's character bound get a 400 naming the context window, with no cache lookup and nothing written."""
    lookups = [f'velo_cache_lookups_total{{result="{r}"}}' for r in ("hit", "miss", "error")]
    before = [metric(edge, sample) for sample in lookups]
    huge = [{"role": "user", "content": CJK_SENTENCE * 1525}]  # 38,125 characters, 61,000 tokens
    under_gateway_bound = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": CJK_SENTENCE * 800}]
    refusals = [
        post(f"{edge.url}/v1/serve", json={"messages": huge, "max_tokens": TOKENS}),
        post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": under_gateway_bound, "max_tokens": TOKENS},
              headers={"Authorization": f"Bearer {KEY}"}),
        post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": huge, "max_tokens": TOKENS}),
    ]
    for response in refusals:
        error = response.json()["error"]
        assert response.status_code == 400 and error["param"] == "messages", response.text
        assert "8192-token context window" in error["message"] and "tokens plus max_new_tokens" in error["message"], error
    assert [metric(edge, sample) for sample in lookups] == before
    assert post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": CJK_SENTENCE}], "max_tokens": TOKENS}).status_code == 200


def test_a_max_tokens_too_large_for_a_prompt_that_fits_is_blamed_on_max_tokens(gateway: Running, cloud: Running, edge_c: Running) -> None:
    """Issue: `chat("Say hello", max_tokens=8190)` was told to shorten the conversation (param "messages"). When the
    prompt alone fits, the 400 names max_tokens and its largest value for this prompt: at the gateway (edge with a
    local LLM), at the cloud, and at an edge relaying its endpoint LLM's refusal."""
    with velo.Client(base_url=gateway.url, api_key=KEY) as client, pytest.raises(velo.BadRequestError) as caught:
        client.chat("Say hello", max_tokens=8190)
    assert caught.value.param == "max_tokens" and "ask for max_tokens <= " in caught.value.message, caught.value.message
    largest = int(caught.value.message.rsplit("<= ", 1)[1])
    assert 8000 < largest < 8190 and "shorten the conversation" not in caught.value.message
    long_prompt = [{"role": "user", "content": CJK_SENTENCE * 190}]  # ~7,600 tokens: fits, but not with 1,000 more
    for response in (post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": long_prompt, "max_tokens": 1000}),
                     post(f"{edge_c.url}/v1/serve", json={"messages": long_prompt, "max_tokens": 1000})):
        error = response.json()["error"]
        assert response.status_code == 400 and error["param"] == "max_tokens" and "ask for max_tokens <= " in error["message"], response.text


def test_a_request_the_cloud_refuses_is_passed_on_and_not_counted_as_a_cloud_failure(gateway: Running, edge: Running, cloud: Running) -> None:
    """Issue: the cloud's 400 (here max_tokens above its limit of 1024) counted in the edge's cloud-failure EMA, which
    the policy observes, and the edge LLM answered instead. A refusal is the request's fault: the client gets the
    cloud's 400 through the edge, through the gateway (streamed or not) and from the gateway's own cloud fallback,
    and nothing is counted, retried or answered elsewhere. A 404 (an edge's misnamed cloud model, a gateway's edge
    URL where no edge listens) says the settings are wrong: a failure of that upstream, answered elsewhere."""
    from services.llm import EndpointLLM

    server, cloud_failures, edge_failures = edge.app.state.edge, 'velo_upstream_failures_total{target="cloud"}', 'velo_upstream_failures_total{target="edge"}'
    before = (metric(edge, cloud_failures), server._cloud_failures, server.llm.batcher.stats().rows_decoded, metric(gateway, edge_failures))
    turns = [{"role": "user", "content": "Write a long essay about rivers."}]
    auth = {"Authorization": f"Bearer {KEY}"}
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url)) as cloud_only:
        refusals = [post(f"{edge.url}/v1/serve", json={"messages": turns, "max_tokens": 2000})] + [
            post(f"{gw.url}/v1/chat/completions", json={"model": "velo", "messages": turns, "max_tokens": 2000, "stream": stream}, headers=auth)
            for gw, stream in ((gateway, False), (gateway, True), (cloud_only, False))]
        assert metric(cloud_only, cloud_failures) == 0
    for response in refusals:
        error = response.json()["error"]
        assert response.status_code == 400 and error["param"] == "max_tokens", response.text
        assert error["message"].startswith("the cloud LLM refused the request: max_tokens is at most 1024"), error
    assert (metric(edge, cloud_failures), server._cloud_failures, server.llm.batcher.stats().rows_decoded, metric(gateway, edge_failures)) == before

    server.cloud, right = EndpointLLM(cloud.url, "no-such-model"), server.cloud
    try:
        misnamed = post(f"{edge.url}/v1/serve", json={"messages": turns, "max_tokens": TOKENS, "namespace": "misnamed"})
    finally:
        server.cloud = right
    assert misnamed.status_code == 200 and misnamed.json()["route"] == "edge", misnamed.text
    assert metric(edge, cloud_failures) == before[0] + 1 and server._cloud_failures > before[1]
    with running(gateway_app([cloud.url, edge.url], None)) as misconfigured:  # the cloud answers 404 at /v1/serve
        got = post(f"{misconfigured.url}/v1/chat/completions", json={"model": "velo", "messages": turns, "max_tokens": TOKENS}, headers=auth)
        assert got.status_code == 200 and got.headers["x-velo-edge"] == "edge-a" and metric(misconfigured, edge_failures) == 2, got.text


def test_a_key_over_its_rate_gets_429_and_the_openai_client_names_the_field(gateway: Running, oai: OpenAI) -> None:
    url = f"{gateway.url}/v1/chat/completions"
    statuses = [post(url, json={"model": "velo", "messages": "x"}, headers={"Authorization": f"Bearer {LIMITED}"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]  # the limit counts requests before their body is judged
    import openai

    with pytest.raises(openai.BadRequestError) as caught:
        oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Hi"}], n=2)
    assert caught.value.body["param"] == "n"


def test_a_key_over_its_cloud_budget_is_served_by_the_edge_or_refused(gateway: Running) -> None:
    with velo.Client(base_url=gateway.url, api_key=FALLBACK, namespace="budget") as client:
        assert client.chat("Why is the sky blue?", max_tokens=TOKENS).route == "edge"
    with velo.Client(base_url=gateway.url, api_key=REFUSE, namespace="budget") as client, pytest.raises(velo.RateLimitError) as caught:
        client.chat("Why is the grass green?", max_tokens=TOKENS)
    assert caught.value.code == "insufficient_quota"


def test_an_edge_server_down_is_skipped_and_with_none_left_the_cloud_answers(edge: Running, cloud: Running) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    question = {"model": "velo", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": TOKENS}
    for mode in ("nearest", "all"):
        with running(gateway_app([down, edge.url], cloud.url, mode=mode)) as gw:
            got = post(f"{gw.url}/v1/chat/completions", json=question, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
            assert got.status_code == 200 and got.json()["route"] == "cache" and got.headers["x-velo-edge"] == "edge-a", got.text
            # nearest: the call and its one retry (retries=1); all: the retry is cancelled once edge-a has answered
            assert metric(gw, 'velo_upstream_failures_total{target="edge"}') in ({2.0} if mode == "nearest" else {1.0, 2.0})
            with velo.Client(base_url=gw.url, api_key=KEY) as client:  # a stream is routed the same way
                pieces = list(client.chat_stream(question["messages"][0]["content"], max_tokens=TOKENS))
            assert "".join(p.text for p in pieces) == got.json()["choices"][0]["message"]["content"] and pieces[-1].route == "cache"
            health = get(f"{gw.url}/healthz")
            assert health.status_code == 200 and health.json()["status"] == "degraded" and health.json()["edges"] == {down: "down", edge.url: "up"}
    with running(gateway_app([down], cloud.url)) as gw:
        got = post(f"{gw.url}/v1/chat/completions", json=question, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
        assert got.status_code == 200 and got.json()["route"] == "cloud" and got.headers["x-velo-edge"] == "gateway", got.text
        health = get(f"{gw.url}/healthz")
        assert health.status_code == 200 and health.json()["status"] == "degraded" and health.json()["edges"] == {down: "down"}
    with running(gateway_app([down], None)) as gw:  # nothing can answer: a load balancer must take this gateway out
        health = get(f"{gw.url}/healthz")
        assert health.status_code == 503 and health.json()["status"] == "unavailable", health.text
        got = post(f"{gw.url}/v1/chat/completions", json=question, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
        assert got.status_code >= 500
    with running(gateway_app([edge.url], None)) as gw:
        assert get(f"{gw.url}/healthz").json()["status"] == "ok"


@pytest.fixture(scope="module")
def edge_c(cloud: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A second edge server whose cloud is down and whose LLM, by config, is an OpenAI-compatible server (as in
    docker-compose, a server apart from the cloud): here the SmolLM2 server the other tests use as the cloud."""
    settings = edge_settings(tmp_path_factory.mktemp("edge-c"), f"http://127.0.0.1:{closed_port()}", edge_id="edge-c",
                             model_dir=shared_model_dir(tmp_path_factory), llm=cloud.url, llm_model="velo-cloud")
    with running(edge_service.build_app(settings)) as server:
        yield server


def test_an_edge_whose_llm_is_an_endpoint_refuses_a_prompt_too_long_without_embedding_it(edge_c: Running) -> None:
    """edge-c cannot count its LLM's tokens: a question longer than the cache holds is not looked up (it used to be
    embedded first, ~41 s for this one), and the endpoint's own refusal comes back as a 400, not as a failed LLM."""
    lookups = [f'velo_cache_lookups_total{{result="{r}"}}' for r in ("hit", "miss", "error")]
    before = [metric(edge_c, sample) for sample in lookups] + [metric(edge_c, 'velo_upstream_failures_total{target="llm"}')]
    refused = post(f"{edge_c.url}/v1/serve", json={"messages": [{"role": "user", "content": CJK_SENTENCE * 1525}], "max_tokens": TOKENS})
    error = refused.json()["error"]
    assert refused.status_code == 400 and error["param"] == "messages" and "8192-token context window" in error["message"], refused.text
    assert [metric(edge_c, sample) for sample in lookups] + [metric(edge_c, 'velo_upstream_failures_total{target="llm"}')] == before
    long_enough = "Name a colour. " + "-" * 8_100  # more characters than the cache holds in ~130 tokens (a quick prefill)
    answered = post(f"{edge_c.url}/v1/serve", json={"messages": [{"role": "user", "content": long_enough}], "max_tokens": TOKENS})
    assert answered.status_code == 200 and answered.json()["route"] == "edge", answered.text
    assert "not looked up: the question has" in answered.json()["cache_error"] and "at most 8000" in answered.json()["cache_error"]
    sync(edge_c)  # an answer the cache cannot hold is not queued for write-back
    assert [metric(edge_c, sample) for sample in lookups] == before[:3]


def test_every_limit_is_checked_before_the_lookup(edge: Running, cloud: Running, edge_c: Running, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Issue: a 3 MB CJK body took seconds to be refused (its 1.6 million tokens counted), a bad language code was
    refused after the embedding, and an edge whose LLM is an endpoint embedded a question of up to 8,000 characters
    before the endpoint refused it. Now: 413 naming the body limit at the edge and the cloud; 400 naming `lang`; and,
    given the endpoint model's tokenizer (`llm_tokenizer`), 400 naming its context window; no lookup for any."""
    from services.llm import EndpointLLM, PromptCounter

    lookups = [f'velo_cache_lookups_total{{result="{r}"}}' for r in ("hit", "miss", "error")]
    before = [metric(server, sample) for server in (edge, edge_c) for sample in lookups]
    huge = json.dumps({"model": "velo-cloud", "messages": [{"role": "user", "content": CJK_SENTENCE * 40_000}]}, ensure_ascii=False).encode()
    for url in (f"{edge.url}/v1/serve", f"{cloud.url}/v1/chat/completions"):
        refused = post(url, content=huge, headers={"content-type": "application/json"})
        assert refused.status_code == 413 and "limit of 1000000" in refused.json()["error"]["message"], refused.text
    for bad_lang in (post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Hello there"}], "lang": "english"}),
                     post(f"{edge.url}/admin/cache/lookup", json={"question": "Hello there", "lang": "english"})):
        assert bad_lang.status_code == 400 and bad_lang.json()["error"]["param"] == "lang", bad_lang.text
    server = edge_c.app.state.edge
    server.llm, endpoint = EndpointLLM(cloud.url, "velo-cloud", counter=PromptCounter(shared_model_dir(tmp_path_factory))), server.llm
    try:
        cacheable = [{"role": "user", "content": CJK_SENTENCE * 300}]  # 7,500 characters (the cache holds 8,000), 12,000 tokens
        refused = post(f"{edge_c.url}/v1/serve", json={"messages": cacheable, "max_tokens": TOKENS})
        assert refused.status_code == 400 and "8192-token context window of velo-cloud" in refused.json()["error"]["message"], refused.text
        assert post(f"{edge_c.url}/v1/serve", json={"messages": [{"role": "user", "content": CJK_SENTENCE}], "max_tokens": TOKENS,
                                                      "namespace": "counted"}).status_code == 200
    finally:
        server.llm = endpoint
    after = [metric(server, sample) for server in (edge, edge_c) for sample in lookups]
    assert after == [*before[:4], before[4] + 1, before[5]]  # only the last request was looked up (a miss at edge-c)


def test_all_mode_keeps_the_fastest_edge_and_a_slow_edge_times_out(edge: Running, edge_c: Running) -> None:
    """edge-c is made slow (its lookup held at the cache lock): `all` keeps edge-a's answer without waiting for it, and
    `nearest` with edge-c first gives up on it after `timeout_s` (no retry here) and asks edge-a, which has the
    answer cached (a hit: well within the timeout)."""
    question = {"model": "velo", "messages": [{"role": "user", "content": "What is the capital of Spain?"}], "max_tokens": TOKENS}
    auth = {"Authorization": f"Bearer {KEY}"}
    post(f"{edge.url}/v1/serve", json={"messages": question["messages"], "max_tokens": TOKENS})
    sync(edge)
    with (running(gateway_app([edge_c.url, edge.url], None, mode="all")) as fastest,
          running(gateway_app([edge_c.url, edge.url], None, timeout_s=3.0, retries=0)) as impatient):
        with edge_c.app.state.edge._cache_mutex:
            t0 = time.monotonic()
            got = post(f"{fastest.url}/v1/chat/completions", json=question, headers=auth)
            assert got.status_code == 200 and got.headers["x-velo-edge"] == "edge-a" and time.monotonic() - t0 < 30, got.text
            got = post(f"{impatient.url}/v1/chat/completions", json=question, headers=auth)
            assert got.status_code == 200 and got.headers["x-velo-edge"] == "edge-a", got.text
        edge_failures = 'velo_upstream_failures_total{target="edge"}'
        assert (metric(impatient, edge_failures), metric(fastest, edge_failures)) == (1.0, 0.0)


def test_with_the_cloud_down_the_cache_and_an_edge_llm_at_an_openai_endpoint_still_answer(cloud: Running, edge_c: Running) -> None:
    """edge-c's answers are its LLM server's, streamed token by token through the gateway, and written back; with
    that LLM server down too, the edge answers 502 and the gateway, with no edge and no cloud left, 503."""
    from services.llm import EndpointLLM

    question, story = "What does a bee make?", "Describe the longest river in Africa."

    def direct(content: str, tokens: int) -> str:
        body = {"model": "velo-cloud", "messages": [{"role": "user", "content": content}], "max_tokens": tokens, "temperature": 0}
        return post(f"{cloud.url}/v1/chat/completions", json=body).json()["choices"][0]["message"]["content"]

    cloud_failures = 'velo_upstream_failures_total{target="cloud"}'
    failed_before = metric(edge_c, cloud_failures)
    with running(gateway_app([edge_c.url], None)) as gw:
        with velo.Client(base_url=gw.url, api_key=KEY) as client:
            first = client.chat(question, max_tokens=TOKENS)
            assert first.route == "edge" and first.text == direct(question, TOKENS)
            sync(edge_c)
            assert client.chat(question, max_tokens=TOKENS).route == "cache"
            pieces = list(client.chat_stream(story, max_tokens=12))
            assert pieces[-1].route == "edge" and "".join(p.text for p in pieces) == direct(story, 12) and len(pieces) >= 4
        assert metric(edge_c, cloud_failures) == failed_before + 2  # the cache hit did not call it
        server = edge_c.app.state.edge
        server.llm = EndpointLLM(f"http://127.0.0.1:{closed_port()}", "velo-cloud")  # the edge's LLM server goes down too
        nothing = post(f"{edge_c.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why do bees buzz?"}], "max_tokens": TOKENS})
        assert nothing.status_code == 502 and nothing.json()["error"]["code"] == "upstream_failed", nothing.text
        through = post(f"{gw.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Why do bees buzz?"}]},
                        headers={"Authorization": f"Bearer {KEY}"})
        assert through.status_code == 503 and through.json()["error"]["code"] == "no_upstream", through.text


def test_the_completions_route_answers_whole_and_streamed(oai: OpenAI, edge: Running) -> None:
    """`/v1/completions` through the gateway with the official client: the prompt is served as one question."""
    prompt = "Name the largest ocean on Earth."
    raw = oai.completions.with_raw_response.create(model="velo", prompt=prompt, max_tokens=TOKENS)
    whole = raw.parse()
    assert whole.object == "text_completion" and whole.choices[0].text and whole.route == "cloud" and float(raw.headers["x-velo-overhead-ms"]) >= 0
    sync(edge)
    chunks = list(oai.completions.create(model="velo", prompt=prompt, max_tokens=TOKENS, stream=True))
    assert "".join(c.choices[0].text for c in chunks if c.choices) == whole.choices[0].text
    assert next(c for c in chunks if c.choices and c.choices[0].finish_reason).route == "cache"


def test_admin_lookup_delete_flush_and_metrics(oai: OpenAI, edge: Running) -> None:
    question = "What is the tallest mountain on Earth?"
    ask(oai, question)
    sync(edge)
    ask(oai, question)  # a hit, for the hit rate
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": question}).json()
    assert looked["hit"] and looked["entry"]["question"] == question and looked["similarity"] > 0.99
    entry_id = looked["entry"]["id"]
    assert delete(f"{edge.url}/admin/cache/entries/{entry_id}").json() == {"deleted": 1}
    assert delete(f"{edge.url}/admin/cache/entries/{entry_id}").json() == {"deleted": 0}
    assert not post(f"{edge.url}/admin/cache/lookup", json={"question": question}).json()["hit"]
    bad = delete(f"{edge.url}/admin/cache/namespaces/no%20spaces")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "namespace"
    bad = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "lang": "not a language"})
    assert bad.status_code == 400 and "language code" in bad.json()["error"]["message"]
    text = get(f"{edge.url}/metrics").text
    for name in ("velo_cache_hit_rate", 'velo_route_share{route="cache"}', 'velo_request_latency_seconds_bucket{le="0.5",route="cache"}',
                 'velo_cache_lookups_total{result="hit"}', "velo_write_backs_total"):
        assert name in text, name
    hit_rate = float(next(line.split()[-1] for line in text.splitlines() if line.startswith("velo_cache_hit_rate ")))
    assert 0.0 < hit_rate < 1.0


def test_flushing_a_namespace_larger_than_one_milvus_query_window(edge: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window is shrunk to 64 rows (as tests/cache/test_large_namespace.py does on servers): filling 16,500
    entries takes minutes on 2 cores; the same paging runs here over 200."""
    from velo.cache import semantic_cache

    monkeypatch.setattr(semantic_cache, "_QUERY_WINDOW", 64)
    edge_server = edge.app.state.edge
    n = 200
    vectors = np.random.default_rng(0).standard_normal((n, edge_server.cache.embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # written straight into the edge's cache (nothing else uses it meanwhile): the stored rows are under test, not the route
    edge_server.cache.insert_many([(f"synthetic question {i}", f"answer {i}", "en") for i in range(n)], namespace="bulk", vectors=vectors)
    assert get(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json()["entries"] == n
    assert delete(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json() == {"deleted": n}
    assert get(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json()["entries"] == 0


def test_a_generated_answer_streams_token_by_token_and_is_written_back_whole(oai: OpenAI, edge: Running, cloud: Running) -> None:
    """Its first text reaches the official client while the cloud's LLM is still generating the rest; the whole
    answer reaches it while its write-back cannot be stored (the edge's cache lock held here), so the answer
    never waits for its write-back."""
    question, tokens = "Write a long story about a dragon who learns to bake bread.", 24
    batcher, server = cloud.app.state.llm.batcher, edge.app.state.edge
    sync(edge)
    done_before = batcher.stats().completed
    stream = oai.chat.completions.with_raw_response.create(model="velo", messages=[{"role": "user", "content": question}],
                                                          max_tokens=tokens, stream=True, stream_options={"include_usage": True})
    assert stream.headers["x-velo-route"] == "cloud" and float(stream.headers["x-velo-overhead-ms"]) >= 0.0
    chunks, still_generating = [], None
    with server._cache_mutex:  # the lookup is done (the stream has started); the writer cannot store until released
        for chunk in stream.parse():
            chunks.append(chunk)
            if still_generating is None and chunk.choices and chunk.choices[0].delta.content:
                still_generating = batcher.stats().completed == done_before
        assert server.writes._unfinished_tasks == 1  # the answer was delivered, its write-back still waits
    assert still_generating, "the first text arrived only after the whole answer was generated"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    pieces = sum(1 for c in chunks if c.choices and c.choices[0].delta.content)
    usage = chunks[-1].usage
    assert usage is not None and usage.completion_tokens == tokens and pieces >= tokens // 2  # about a piece per token
    assert next(c for c in chunks if c.choices and c.choices[0].finish_reason).route == "cloud"
    sync(edge)
    again = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=tokens)
    assert again.route == "cache" and again.choices[0].message.content == text


def test_only_an_answer_the_llm_ended_itself_is_written_back(edge: Running) -> None:
    """With `write_back_truncated` off (the default; the other tests turn it on to keep generations short), an answer
    cut by max_tokens (finish_reason "length") or by the request's stop strings is not cached: the next requester
    would be served the cut answer. The same question answered whole (7 tokens) is."""
    server, question = edge.app.state.edge, "What is 2+2? Answer with one number."
    server.write_back_truncated = False
    try:
        for fields, finish in (({"max_tokens": 3}, "length"), ({"max_tokens": 16, "stop": [" is"]}, "stop"), ({"max_tokens": 16}, "stop")):
            got = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "namespace": "whole", **fields}).json()
            sync(edge)
            assert got["route"] == "cloud" and got["finish_reason"] == finish, got
        assert got["answer"] == "The answer is 4."
        entry = post(f"{edge.url}/admin/cache/lookup", json={"question": question, "namespace": "whole"}).json()["entry"]
        assert get(f"{edge.url}/admin/cache/namespaces/whole").json()["entries"] == 1 and entry["answer"] == got["answer"]
    finally:
        server.write_back_truncated = True


def test_sampling_fields_are_honoured_and_a_seed_reproduces_the_answer(gateway: Running, edge: Running) -> None:
    """Namespaces keep the cache out of it: each request is a miss answered by the cloud's LLM."""
    question = "Invent a name for a new colour."
    openai_client = {ns: OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120, default_headers={"x-velo-namespace": ns})
                     for ns in ("seed-a", "seed-b", "seed-c")}

    def sampled(ns: str, **fields: object):
        return openai_client[ns].chat.completions.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=8, **fields)

    first, same = sampled("seed-a", temperature=1.5, seed=11), sampled("seed-b", temperature=1.5, seed=11)
    other = sampled("seed-c", temperature=1.5, top_p=0.95, seed=12)
    assert {first.route, same.route, other.route} == {"cloud"}
    assert first.choices[0].message.content == same.choices[0].message.content
    assert other.choices[0].message.content != first.choices[0].message.content
    with velo.Client(base_url=gateway.url, api_key=KEY) as client:
        greedy = client.chat(question, max_tokens=8)
    assert greedy.route == "cloud" and greedy.text != first.choices[0].message.content
    sync(edge)
    cached = sampled("seed-a", temperature=0.0, seed=99)  # a cached answer is served as it is, whatever the sampling fields
    assert cached.route == "cache" and cached.choices[0].message.content == first.choices[0].message.content


def test_concurrent_load_has_no_errors_and_loses_no_write_back(gateway: Running, edge: Running, cloud: Running) -> None:
    """200 requests from 16 clients; the cloud's LLM batches the misses, each answer what it would be alone."""
    questions = [f"In one word, what colour is fruit number {i}?" for i in range(25)]
    schedule = questions + [questions[i] for i in np.random.default_rng(0).integers(0, len(questions), 175)]

    def one(question: str) -> tuple[str, str]:
        with velo.Client(base_url=gateway.url, api_key=KEY, namespace="load") as client:
            answer = client.chat(question, max_tokens=2)
            return answer.route or "", answer.text

    steps_before = cloud.app.state.llm.batcher.stats()
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(one, schedule))
    steps = cloud.app.state.llm.batcher.stats()
    assert len(results) == 200 and {r for r, _ in results} <= {"cache", "cloud", "cloud_context", "edge"}
    sync(edge)
    by_llm: dict[str, set[str]] = {}
    for q, (route, text) in zip(schedule, results):
        if route != "cache":
            by_llm.setdefault(q, set()).add(text)
    assert set(by_llm) == set(questions)  # each question's first request went to an LLM
    assert get(f"{edge.url}/admin/cache/namespaces/load").json()["entries"] == len(questions)
    assert (steps.rows_decoded - steps_before.rows_decoded) > (steps.steps - steps_before.steps)  # misses shared decode steps
    for q in questions:
        entry = post(f"{edge.url}/admin/cache/lookup", json={"question": q, "namespace": "load"}, timeout=60).json()["entry"]
        alone = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": [{"role": "user", "content": q}], "max_tokens": 2}).json()
        assert entry["question"] == q and by_llm[q] == {entry["answer"]} == {alone["choices"][0]["message"]["content"]}


def _stopped_early(server, rows_before: int, max_tokens: int) -> None:  # noqa: ANN001
    """Wait until the edge LLM holds no request; it must have stopped well before `max_tokens` (nobody was reading)."""
    deadline = time.monotonic() + 60
    while server.llm.waiting or server.llm.batcher.stats().running:
        assert time.monotonic() < deadline, f"the abandoned answer still holds the edge LLM (waiting={server.llm.waiting})"
        time.sleep(0.05)
    assert server.llm.batcher.stats().rows_decoded - rows_before < max_tokens // 2, "the abandoned answer was generated to its end"


def test_an_abandoned_stream_stops_generating_and_frees_its_place_in_the_edge_llm(edge: Running, gateway: Running) -> None:
    """A client leaving after the first text, one leaving before the first byte (its request held at the lookup
    meanwhile), and one leaving the gateway's stream: each time the edge's LLM stops that answer and its queue
    count (which the policy observes and which masks EDGE at capacity) returns to 0; nothing is written back."""
    server, tokens = edge.app.state.edge, 200
    body = {"messages": [{"role": "user", "content": "Tell me a very long story about a lighthouse."}], "max_tokens": tokens,
            "stream": True, "cloud_allowed": False, "namespace": "abandoned"}
    rows = server.llm.batcher.stats().rows_decoded
    with httpx.Client(timeout=120) as leaving, leaving.stream("POST", f"{edge.url}/v1/serve", json=body) as response:
        events = (json.loads(line[5:]) for line in response.iter_lines() if line.startswith("data:"))
        assert next(events)["start"]["route"] == "edge" and next(events)["delta"]
    _stopped_early(server, rows, tokens)

    rows, payload = server.llm.batcher.stats().rows_decoded, json.dumps(body).encode()
    request = (f"POST /v1/serve HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n").encode()
    with server._cache_mutex:  # the lookup waits here: the client is gone before the response starts
        with socket.create_connection(("127.0.0.1", edge.port)) as sock:
            sock.sendall(request + payload)
            time.sleep(2.0)  # the server has read the body and waits at the lookup
    _stopped_early(server, rows, tokens)

    rows, budget = server.llm.batcher.stats().rows_decoded, get(f"{edge.url}/admin/cache/namespaces/budget").json()["entries"]
    chat = {"model": "velo", "messages": body["messages"], "max_tokens": tokens, "stream": True}
    headers = {"Authorization": f"Bearer {FALLBACK}", "x-velo-namespace": "budget"}  # no cloud budget: the edge LLM answers
    with httpx.Client(timeout=120) as leaving, leaving.stream("POST", f"{gateway.url}/v1/chat/completions", json=chat, headers=headers) as response:
        assert response.headers["x-velo-route"] == "edge"
        assert any('"content"' in line for line in response.iter_lines())
    _stopped_early(server, rows, tokens)
    sync(edge)
    assert get(f"{edge.url}/admin/cache/namespaces/abandoned").json()["entries"] == 0
    assert get(f"{edge.url}/admin/cache/namespaces/budget").json()["entries"] == budget


def test_a_follow_up_is_cached_under_the_earlier_user_turns_not_the_assistants_replies(edge: Running) -> None:
    """Issue 8 (newcomer report): the edge keyed a follow-up on "role: content" of every earlier turn, so the admin
    lookup with the documented context (the earlier user turns) found nothing /v1/serve had stored, and the same
    follow-up after a reply one character apart missed. A system instruction still tells two conversations apart."""
    first, follow_up = "Who is Barack Obama?", "How old is he?"

    def serve(*turns: tuple[str, str]) -> dict:
        messages = [{"role": role, "content": content} for role, content in turns]
        return post(f"{edge.url}/v1/serve", json={"messages": messages, "namespace": "follow-ups", "lang": "en"}, timeout=120).json()

    stored = serve(("user", first), ("assistant", "x"), ("user", follow_up))
    sync(edge)
    assert stored["route"] != "cache", stored
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": follow_up, "context": [first], "namespace": "follow-ups"}).json()
    assert looked["hit"] and looked["entry"]["answer"] == stored["answer"], looked
    assert post(f"{edge.url}/admin/cache/lookup", json={"question": follow_up, "namespace": "follow-ups"}).json()["entry"] is None
    again = serve(("user", first), ("assistant", "y"), ("user", follow_up))
    assert again["route"] == "cache" and again["answer"] == stored["answer"], again
    instructed = serve(("system", "Answer in one word."), ("user", first), ("assistant", "x"), ("user", follow_up))
    assert instructed["route"] != "cache", instructed


def test_a_field_of_the_wrong_json_type_is_refused_by_the_gateway_the_edge_and_the_sdk(gateway: Running, edge: Running) -> None:
    """Issue 8 (newcomer report): "max_tokens": "5" and true (served 1 token), "stream": "yes", "temperature": "0.5"
    were read as 5, 1, True, 0.5. Now a 400 naming the field from the gateway and the edge, the SDK refuses them (and a
    lone surrogate, which had raised a bare UnicodeEncodeError at an offset into the body) before sending; nothing is
    served (the edge's served count does not move). An integer temperature is still a number."""
    url, body = f"{gateway.url}/v1/chat/completions", {"model": "velo", "messages": [{"role": "user", "content": "Hi there"}], "max_tokens": 2}
    def served_count() -> float:
        return sum(float(line.split()[-1]) for line in get(f"{edge.url}/metrics").text.splitlines() if line.startswith("velo_requests_total{"))

    served = served_count()
    for field, value in (("max_tokens", "5"), ("max_tokens", True), ("max_tokens", 5.0), ("stream", "yes"), ("temperature", "0.5"), ("n", "1")):
        for where, json_body, headers in ((url, {**body, field: value}, {"Authorization": f"Bearer {KEY}"}),
                                          (f"{edge.url}/v1/serve", {"messages": body["messages"], field: value}, {})):
            if field == "n" and "serve" in where:
                continue
            response = post(where, json=json_body, headers=headers)
            error = response.json()["error"]
            assert response.status_code == 400 and error["param"] == field and field in error["message"], (where, field, value, response.text)
    assert served_count() == served
    with velo.Client(gateway.url, api_key=KEY) as client:
        for kwargs, param in (({"max_tokens": True}, "max_tokens"), ({"max_tokens": "5"}, "max_tokens"), ({"temperature": "0.5"}, "temperature")):
            with pytest.raises(velo.InvalidRequestError, match=f"refused before sending: invalid '{param}'") as refused:
                client.chat("Hi there", **kwargs)
            assert refused.value.param == param
        with pytest.raises(velo.InvalidRequestError, match="messages\\[0\\].content is not valid Unicode text") as refused:
            client.chat("a\ud800")
        assert refused.value.param == "messages[0].content" and isinstance(refused.value, ValueError)
        with pytest.raises(velo.InvalidRequestError, match="prompt is not valid Unicode"):
            client.complete("a\ud800")
        assert client.chat("Hi there", max_tokens=2, temperature=0).text
    assert served_count() == served + 1


def test_an_admin_lookup_too_long_for_the_cache_names_question(edge: Running) -> None:
    """Issue 8 (newcomer report): it said "question #0 has 9000 characters" with param null; the cache's own lookup
    names the argument as the caller wrote it, and `langs` given as a string is named as such, not as a count."""
    response = post(f"{edge.url}/admin/cache/lookup", json={"question": "x" * 9000})
    error = response.json()["error"]
    assert response.status_code == 400 and error["param"] == "question" and error["message"].startswith("the question has 9000 characters"), error
    cache = edge.app.state.edge.cache
    with pytest.raises(ValueError, match=r"^question has 9000 characters"):
        cache.lookup("x" * 9000)
    with pytest.raises(ValueError, match=r"^langs must be a list with one language code \(or None\) per request, got str"):
        cache.lookup_many(["a"], langs="en")


def test_velo_ask_states_a_language_and_a_malformed_namespace_is_a_400(gateway: Running) -> None:
    """Issue 8 (newcomer report): `velo ask` had no --lang (the gateway and the SDK take one), and a namespace that is
    no namespace ("a/b") was a 403 "may not use" rather than a 400 saying what a namespace is."""
    from typer.testing import CliRunner

    from velo.cli.main import app

    def ask_cli(*more: str):
        return CliRunner().invoke(app, ["ask", "What is the capital of Italy?", "--url", gateway.url, "--key", KEY, "--max-tokens", "2", *more])

    answered = ask_cli("--lang", "en")
    assert answered.exit_code == 0 and answered.stdout.strip() and "route=" in answered.stderr, answered.output
    refused = ask_cli("--lang", "english")
    assert refused.exit_code != 0 and "400" in refused.output and "lang" in refused.output, refused.output
    malformed = ask_cli("--namespace", "a/b")
    assert malformed.exit_code != 0 and "400 x-velo-namespace 'a/b' is not a namespace" in " ".join(malformed.output.split()), malformed.output
    response = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Hi"}]},
                    headers={"Authorization": f"Bearer {KEY}", "x-velo-namespace": "a/b"})
    assert response.status_code == 400 and response.json()["error"]["param"] == "x-velo-namespace", response.text
    forbidden = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Hi"}]},
                     headers={"Authorization": f"Bearer {KEY}", "x-velo-namespace": "team-b"})
    assert forbidden.status_code == 403 and forbidden.json()["error"]["code"] == "namespace_forbidden", forbidden.text


def test_a_restarted_edge_server_keeps_its_cache_and_serves_with_the_shipped_checkpoint(
        oai: OpenAI, edge: Running, edge_dir: Path, cloud: Running, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Restarted with `policy="dlrs"`: the route of each request is the learned policy's action on the observation
    the server built (the real policy, its calls recorded; a second copy loaded apart agrees)."""
    from velo.learned import LearnedPolicy
    from velo.policy import Action, load_policy

    question = {"question": "Name three primary colours."}
    ask(oai, question["question"])
    sync(edge)
    assert post(f"{edge.url}/admin/cache/lookup", json=question).json()["hit"]
    edge.stop()
    settings = edge_settings(edge_dir, cloud.url, edge_id="edge-a", model_dir=shared_model_dir(tmp_path_factory), policy="dlrs")
    with running(edge_service.build_app(settings)) as again:
        assert post(f"{again.url}/admin/cache/lookup", json=question, timeout=120).json()["hit"]
        server = again.app.state.edge
        policy = server.policy
        assert isinstance(policy, LearnedPolicy) and get(f"{again.url}/healthz").json()["policy"] == "dlrs"
        calls: list[tuple[np.ndarray, np.ndarray, int]] = []

        class Recorded:
            def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
                action = policy.act(observation, action_mask)
                calls.append((observation.copy(), action_mask.copy(), action))
                return action

        server.policy = Recorded()
        routes = [post(f"{again.url}/v1/serve", json={"messages": [{"role": "user", "content": q}], "max_tokens": TOKENS}).json()["route"]
                  for q in (question["question"], "What is the boiling point of water?")]
        apart = load_policy("dlrs", server.layout)
        for (observation, mask, action), route in zip(calls, routes):
            assert observation.shape == (server.layout.size,) and mask[action]
            assert route == Action(action).name.lower() and apart.act(observation, mask) == action
