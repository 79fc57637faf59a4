"""Upstreams failing, refusing or slow: an edge server down is skipped, `all` keeps the fastest edge, a cloud's refusal
is passed on without counting as its failure, a key over its cloud budget is served by the edge or refused, and with
the cloud down an edge whose LLM is an OpenAI endpoint still answers."""

from __future__ import annotations

import time

import pytest

import velo
from tests.ports import closed_port
from tests.services.servers import Running, get, metric, post, running, sync
from tests.services.stack.apps import FALLBACK, KEY, REFUSE, TOKENS, gateway_app


def test_a_request_the_cloud_refuses_is_passed_on_and_not_counted_as_a_cloud_failure(gateway: Running, edge: Running, cloud: Running) -> None:
    """Issue: the cloud's 400 (here max_tokens above its limit of 1024, the edge not told that limit) counted in the edge's cloud-failure EMA, which
    the policy observes, and the edge LLM answered instead. A refusal is the request's fault: the client gets the
    cloud's 400 through the edge, through the gateway (streamed or not) and from the gateway's own cloud fallback,
    and nothing is counted, retried or answered elsewhere. A 404 (an edge's misnamed cloud model, a gateway's edge
    URL where no edge listens) says the settings are wrong: a failure of that upstream, answered elsewhere."""
    from services.llm_endpoint import EndpointLLM

    server, cloud_failures, edge_failures = edge.app.state.edge, 'velo_upstream_failures_total{target="cloud"}', 'velo_upstream_failures_total{target="edge"}'
    before = (metric(edge, cloud_failures), server._cloud_failures, server.llm.batcher.stats().rows_decoded, metric(gateway, edge_failures))
    turns = [{"role": "user", "content": "Write a long essay about rivers."}]
    auth = {"Authorization": f"Bearer {KEY}"}
    server.cloud_max_tokens, limit = None, server.cloud_max_tokens  # an edge not told its cloud's limit asks it (test_max_tokens_routes.py)
    try:
        # a gateway not told its cloud's limit asks it too (one told answers the 400 itself: test_gateway_cloud_limit.py)
        with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url, cloud_max_tokens=None)) as cloud_only:
            refusals = [post(f"{edge.url}/v1/serve", json={"messages": turns, "max_tokens": 2000})] + [
                post(f"{gw.url}/v1/chat/completions", json={"model": "velo", "messages": turns, "max_tokens": 2000, "stream": stream}, headers=auth)
                for gw, stream in ((gateway, False), (gateway, True), (cloud_only, False))]
            assert metric(cloud_only, cloud_failures) == 0
    finally:
        server.cloud_max_tokens = limit
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


def test_a_key_over_its_cloud_budget_is_served_by_the_edge_or_refused(gateway: Running) -> None:
    with velo.Client(base_url=gateway.url, api_key=FALLBACK, namespace="budget") as client:
        assert client.chat("Why is the sky blue?", max_tokens=TOKENS).route == "edge"
    with velo.Client(base_url=gateway.url, api_key=REFUSE, namespace="budget") as client, pytest.raises(velo.RateLimitError) as caught:
        client.chat("Why is the grass green?", max_tokens=TOKENS)
    assert caught.value.code == "insufficient_quota"


def test_an_edge_server_down_is_skipped_and_with_none_left_the_cloud_answers(edge: Running, cloud: Running) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    question = {"model": "velo", "messages": [{"role": "user", "content": "What is the capital of France?"}], "max_tokens": TOKENS}
    post(f"{edge.url}/v1/serve", json={"messages": question["messages"], "max_tokens": TOKENS})
    sync(edge)
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
        assert health.status_code == 503 and health.json()["status"] == "unavailable" and "retry-after" in health.headers, health.text
        got = post(f"{gw.url}/v1/chat/completions", json=question, headers={"Authorization": f"Bearer {KEY}"}, timeout=120)
        assert got.status_code == 503 and got.json()["error"]["code"] == "no_upstream" and got.headers["retry-after"] == health.headers["retry-after"], got.text
    with running(gateway_app([edge.url], None)) as gw:
        assert get(f"{gw.url}/healthz").json()["status"] == "ok"


def test_all_mode_keeps_the_fastest_edge_and_a_slow_edge_times_out(edge: Running, edge_c: Running) -> None:
    """edge-c is made slow (its lookup held at the cache lock): `all` keeps edge-a's answer without waiting for it, and
    `nearest` with edge-c first gives up on it after half of `timeout_s` (another edge comes after it:
    `services/deadline.py`; a timeout is not retried) and asks edge-a, which has the answer cached (a hit: well within
    the other half)."""
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
    """edge-c's answers are its LLM server's, streamed token by token through the gateway; they are fallbacks (the cloud
    does not answer), so none is written back (`services/edge_writeback.py`), and an answer the cache held before is
    served from it; with that LLM server down too, the edge answers 502 and the gateway, with no edge and no cloud left,
    503."""
    from services.llm_endpoint import EndpointLLM

    question, story = "What does a bee make?", "Describe the longest river in Africa."

    def direct(content: str, tokens: int) -> str:
        body = {"model": "velo-cloud", "messages": [{"role": "user", "content": content}], "max_tokens": tokens, "temperature": 0}
        return post(f"{cloud.url}/v1/chat/completions", json=body).json()["choices"][0]["message"]["content"]

    cloud_failures, cloud_skips = 'velo_upstream_failures_total{target="cloud"}', 'velo_upstream_skips_total{target="cloud"}'
    failed_before, skipped_before = metric(edge_c, cloud_failures), metric(edge_c, cloud_skips)
    fallbacks = 'velo_write_backs_skipped_total{reason="fallback"}'
    not_written = metric(edge_c, fallbacks)
    server = edge_c.app.state.edge
    with running(gateway_app([edge_c.url], None)) as gw:
        with velo.Client(base_url=gw.url, api_key=KEY) as client:
            first = client.chat(question, max_tokens=TOKENS)
            assert first.route == "edge" and first.text == direct(question, TOKENS)
            sync(edge_c)
            assert client.chat(question, max_tokens=TOKENS).route == "edge" and metric(edge_c, fallbacks) == not_written + 2
            known = "What does a cow give?"
            with server._cache_mutex:  # an answer cached before the cloud went down
                server.cache.insert(known, "Milk.", lang="en")
            cached = client.chat(known, max_tokens=TOKENS)
            assert (cached.route, cached.text) == ("cache", "Milk.")
            pieces = list(client.chat_stream(story, max_tokens=12))
            assert pieces[-1].route == "edge" and "".join(p.text for p in pieces) == direct(story, 12) and len(pieces) >= 4
        # a refused connection marks the cloud down (`services/cooldown.py`), and so does a health probe of edge-c (a gateway
        # that timed out on it asks its /healthz, earlier in this file): of the three generated answers at most the first
        # called the cloud, the others were counted as skipping it, and the cache hit did neither
        failed, skipped = metric(edge_c, cloud_failures) - failed_before, metric(edge_c, cloud_skips) - skipped_before
        assert failed <= 1 and failed + skipped == 3, (failed, skipped)
        server.llm, endpoint = EndpointLLM(f"http://127.0.0.1:{closed_port()}", "velo-cloud"), server.llm  # the edge's LLM server goes down too
        try:
            nothing = post(f"{edge_c.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why do bees buzz?"}], "max_tokens": TOKENS})
            assert nothing.status_code == 502 and nothing.json()["error"]["code"] == "upstream_failed", nothing.text
            through = post(f"{gw.url}/v1/chat/completions", json={"model": "velo", "messages": [{"role": "user", "content": "Why do bees buzz?"}]},
                           headers={"Authorization": f"Bearer {KEY}"})
            assert through.status_code == 503 and through.json()["error"]["code"] == "no_upstream", through.text
        finally:
            server.llm = endpoint
