"""Prompts the LLMs cannot take are refused before anything is spent on them (the lookup's embedding, the tokenizer):
too long for the context window in any script, a max_tokens too large for a prompt that fits, a body over the limit,
a prompt over the service's `max_prompt_chars`, at the gateway, the edge (with its own LLM or an endpoint's) and the
cloud (`velo shard serve`'s: tests/services/test_edgeshard.py)."""

from __future__ import annotations

import json

import httpx
import pytest

import velo
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, metric, post, sync
from tests.services.stack.apps import KEY, TOKENS


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
        assert response.status_code == 400 and (error["code"], error["param"]) == ("context_length_exceeded", "messages"), response.text
        assert "8192-token context window" in error["message"] and "tokens plus max_new_tokens" in error["message"], error
    assert [metric(edge, sample) for sample in lookups] == before
    assert post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": CJK_SENTENCE}], "max_tokens": TOKENS}).status_code == 200


def test_a_max_tokens_too_large_for_a_prompt_that_fits_is_blamed_on_max_tokens(gateway: Running, cloud: Running, edge_c: Running) -> None:
    """Issue: `chat("Say hello", max_tokens=8190)` was told to shorten the conversation (param "messages"). When the
    prompt alone fits, the 400 names max_tokens and its largest value for this prompt: at the gateway (edge with a
    local LLM), at the cloud, and at an edge relaying its endpoint LLM's refusal."""
    with velo.Client(base_url=gateway.url, api_key=KEY) as client, pytest.raises(velo.BadRequestError) as caught:
        client.chat("Say hello", max_tokens=8190)
    assert (caught.value.code, caught.value.param) == ("context_length_exceeded", "max_tokens"), caught.value.message
    assert "ask for max_tokens <= " in caught.value.message, caught.value.message
    largest = int(caught.value.message.rsplit("<= ", 1)[1])
    assert 8000 < largest < 8190 and "shorten the conversation" not in caught.value.message
    long_prompt = [{"role": "user", "content": CJK_SENTENCE * 190}]  # ~7,600 tokens: fits, but not with 1,000 more
    for response in (post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": long_prompt, "max_tokens": 1000}),
                     post(f"{edge_c.url}/v1/serve", json={"messages": long_prompt, "max_tokens": 1000})):
        error = response.json()["error"]
        assert response.status_code == 400 and (error["code"], error["param"]) == ("context_length_exceeded", "max_tokens"), response.text
        assert "ask for max_tokens <= " in error["message"], error


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
    from services.llm_endpoint import EndpointLLM, PromptCounter

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


def _refused_for_its_length(response: httpx.Response, param: str, chars: int, limit: int) -> None:
    error = response.json()["error"]
    assert response.status_code == 400 and (error["code"], error["param"]) == ("context_length_exceeded", param), response.text
    assert error["message"] == f"{param} has {chars} characters, more than this server's limit of {limit} (max_prompt_chars)", error


LOOKUPS = [f'velo_cache_lookups_total{{result="{r}"}}' for r in ("hit", "miss", "error")]


def test_the_edge_refuses_a_prompt_over_max_prompt_chars_before_tokenizing_it(edge: Running) -> None:
    """Issue: a 0.9 MB CJK body (300,000 characters, under the 1,000,000-byte body limit) was refused by the context
    window only after ~0.55 s of tokenizing. Now more than `max_prompt_chars` (64,000) characters over all messages are
    a 400 `context_length_exceeded` naming `messages` and the limit before the tokenizer and the lookup; 64,000 are tokenized (and refused)."""
    llm = edge.app.state.edge.llm
    at_limit = (CJK_SENTENCE * 2_560)[:64_000]
    before = (llm.prompts_tokenized, [metric(edge, sample) for sample in LOOKUPS])
    for turns, chars in (([{"role": "user", "content": CJK_SENTENCE * 12_000}], 300_000),
                         ([{"role": "system", "content": "Be brief."}, {"role": "user", "content": at_limit}], 64_009)):
        _refused_for_its_length(post(f"{edge.url}/v1/serve", json={"messages": turns, "max_tokens": TOKENS}), "messages", chars, 64_000)
    assert (llm.prompts_tokenized, [metric(edge, sample) for sample in LOOKUPS]) == before
    tokenized = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": at_limit}], "max_tokens": TOKENS})
    assert tokenized.status_code == 400 and "8192-token context window" in tokenized.json()["error"]["message"], tokenized.text
    assert llm.prompts_tokenized == before[0] + 1 and [metric(edge, sample) for sample in LOOKUPS] == before[1]


def test_an_answer_of_the_edge_llm_tokenizes_its_conversation_once(edge: Running) -> None:
    """The edge counts a conversation's tokens before its lookup (the context window's check) and its LLM generated from
    a second tokenization of it: 2 per answer. Now `check`'s ids are generated from: 1, streamed or not."""
    llm = edge.app.state.edge.llm
    for question, stream in (("Name one colour of the rainbow.", False), ("What is the boiling point of mercury in kelvin?", True)):
        before = llm.prompts_tokenized
        body = {"messages": [{"role": "user", "content": question}], "max_tokens": TOKENS,
                "cloud_allowed": False, "stream": stream}
        served = post(f"{edge.url}/v1/serve", json=body)
        assert served.status_code == 200 and '"edge"' in served.text, served.text
        assert llm.prompts_tokenized == before + 1


def test_the_cloud_refuses_a_prompt_over_max_prompt_chars_before_tokenizing_it(cloud: Running) -> None:
    """As the edge: 400 `context_length_exceeded` naming `messages` and the limit (64,000) before its SmolLM2's tokenizer; 64,000 are tokenized."""
    llm, body = cloud.app.state.llm, {"model": "velo-cloud", "max_tokens": TOKENS}
    at_limit = (CJK_SENTENCE * 2_560)[:64_000]
    before = llm.prompts_tokenized
    refused = post(f"{cloud.url}/v1/chat/completions", json={**body, "messages": [{"role": "user", "content": CJK_SENTENCE * 12_000}]})
    _refused_for_its_length(refused, "messages", 300_000, 64_000)
    assert llm.prompts_tokenized == before
    tokenized = post(f"{cloud.url}/v1/chat/completions", json={**body, "messages": [{"role": "user", "content": at_limit}]})
    assert tokenized.status_code == 400 and "8192-token context window" in tokenized.json()["error"]["message"], tokenized.text
    assert llm.prompts_tokenized == before + 1


def test_the_gateway_refuses_a_prompt_over_max_prompt_chars_before_any_edge_sees_it(gateway: Running, edge: Running) -> None:
    """The gateway's bound (32,000 characters), on both routes, naming `messages` or `prompt`. The edge would tokenize
    32,001 characters (under its own 64,000): its tokenized prompts and lookups do not move, so nothing reached it;
    32,000 do reach it, whose tokenizer counts them and its context window refuses them."""
    auth, llm = {"Authorization": f"Bearer {KEY}"}, edge.app.state.edge.llm
    at_limit = (CJK_SENTENCE * 1_280)[:32_000]

    def edge_counts() -> tuple[int, list[float]]:
        return llm.prompts_tokenized, [metric(edge, sample) for sample in LOOKUPS]

    before = edge_counts()
    chat = post(f"{gateway.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "system", "content": "x"}, {"role": "user", "content": at_limit}]},
                headers=auth)
    _refused_for_its_length(chat, "messages", 32_001, 32_000)
    completion = post(f"{gateway.url}/v1/completions", json={"model": "velo", "prompt": at_limit + "x"}, headers=auth)
    _refused_for_its_length(completion, "prompt", 32_001, 32_000)
    assert edge_counts() == before
    tokenized = post(f"{gateway.url}/v1/completions", json={"model": "velo", "prompt": at_limit, "max_tokens": TOKENS}, headers=auth)
    assert tokenized.status_code == 400 and "8192-token context window" in tokenized.json()["error"]["message"], tokenized.text
    assert edge_counts() == (before[0] + 1, before[1])
