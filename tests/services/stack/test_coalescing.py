"""Identical concurrent requests that miss the cache share one cloud call (`services/coalesce.py`), counted on the real
cloud service's LLM: N identical whole requests made N cloud calls before. The edge's request log marks the followers
(`coalesced=yes`). Streams are not coalesced; a request the cloud refuses is asked of the cloud once and refused to every
identical one (brk finding 4: each follower asked again), and leaves nothing behind."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.services.servers import Running, metric, post
from tests.services.stack.apps import KEY, TOKENS

COALESCED = "velo_coalesced_requests_total"


def _cloud_answers(cloud: Running) -> int:
    return cloud.app.state.llm.batcher.stats().completed


async def _at_once(url: str, bodies: list[dict], headers: dict[str, str] | None = None) -> list[httpx.Response]:
    async with httpx.AsyncClient(timeout=120) as client:
        return await asyncio.gather(*(client.post(url, json=body, headers=headers or {}) for body in bodies))


@contextmanager
def _cloud_requests(edge: Running) -> Iterator[list[str]]:
    """The URLs of the requests the edge sends its cloud meanwhile, seen on its HTTP client as they leave."""
    sent: list[str] = []

    async def seen(request: httpx.Request) -> None:
        sent.append(str(request.url))

    hooks = edge.app.state.edge.cloud._http.event_hooks["request"]
    hooks.append(seen)
    try:
        yield sent
    finally:
        hooks.remove(seen)


def test_identical_concurrent_misses_make_one_cloud_call(gateway: Running, edge: Running, cloud: Running,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    serve = {"messages": [{"role": "user", "content": "Name one large river in Africa."}], "max_tokens": TOKENS, "namespace": "coalesce"}
    before, coalesced = _cloud_answers(cloud), metric(edge, COALESCED)
    caplog.set_level(logging.INFO, logger="velo.requests")
    # the client's identifiers differ and change no answer: still one flight
    got = asyncio.run(_at_once(f"{edge.url}/v1/serve", [{**serve, "user": f"user-{i % 2}"} for i in range(6)]))
    assert [r.status_code for r in got] == [200] * 6, [r.text for r in got]
    answers = [r.json() for r in got]
    assert {a["route"] for a in answers} == {"cloud"} and len({a["answer"] for a in answers}) == 1, answers
    assert _cloud_answers(cloud) - before == 1 and metric(edge, COALESCED) - coalesced == 5
    lines = [r.getMessage() for r in caplog.records if r.name == "velo.requests" and "namespace=coalesce " in r.getMessage() + " "]
    assert len(lines) == 6 and sum(line.endswith(" coalesced=yes") for line in lines) == 5, lines
    assert len(edge.app.state.flights) == 0

    # through the gateway, as clients send them: the edge behind it coalesces
    chat = {"model": "velo", "messages": [{"role": "user", "content": "Name one large river in Asia."}], "max_tokens": TOKENS}
    before = _cloud_answers(cloud)
    got = asyncio.run(_at_once(f"{gateway.url}/v1/chat/completions", [chat] * 4, {"Authorization": f"Bearer {KEY}", "x-velo-namespace": "team-a"}))
    assert [r.status_code for r in got] == [200] * 4 and {r.json()["route"] for r in got} == {"cloud"}, [r.text for r in got]
    assert len({r.json()["choices"][0]["message"]["content"] for r in got}) == 1 and _cloud_answers(cloud) - before == 1


def test_streams_and_other_fields_are_not_coalesced(edge: Running, cloud: Running) -> None:
    """A stream relays text as it is generated (a follower would join mid-answer): each is answered on its own; a
    request that differs in a field that can change the answer (here max_tokens) is another flight."""
    question = [{"role": "user", "content": "Name one large river in Europe."}]
    before = _cloud_answers(cloud)
    streamed = asyncio.run(_at_once(f"{edge.url}/v1/serve", [{"messages": question, "max_tokens": TOKENS, "namespace": "coalesce-stream",
                                                              "stream": True}] * 3))
    assert [r.status_code for r in streamed] == [200] * 3 and _cloud_answers(cloud) - before == 3
    before = _cloud_answers(cloud)
    differ = asyncio.run(_at_once(f"{edge.url}/v1/serve", [{"messages": question, "max_tokens": n, "namespace": "coalesce-fields"} for n in (3, 4)]))
    assert [r.json()["route"] for r in differ] == ["cloud", "cloud"] and _cloud_answers(cloud) - before == 2


def test_a_refused_flight_is_refused_to_each_request_from_one_call_and_poisons_nothing(edge: Running, cloud: Running) -> None:
    """The cloud refuses max_tokens above its limit (1024), the request's own fault: the cloud is asked once and every
    identical request gets its refusal (each follower asked again before), none hangs, and the same question asked
    right afterwards is answered. (The edge is not told the cloud's limit here: told it, as by default, it would not offer
    the cloud such a request at all, `tests/services/test_max_tokens_routes.py`.)"""
    question = [{"role": "user", "content": "Write a long essay about lakes."}]
    server = edge.app.state.edge
    server.cloud_max_tokens, limit = None, server.cloud_max_tokens
    try:
        with _cloud_requests(edge) as sent:
            refused = asyncio.run(_at_once(f"{edge.url}/v1/serve", [{"messages": question, "max_tokens": 2000, "namespace": "coalesce-refused"}] * 4))
    finally:
        server.cloud_max_tokens = limit
    assert len(sent) == 1, sent
    for response in refused:
        error = response.json()["error"]
        assert response.status_code == 400 and error["param"] == "max_tokens" and error["message"].startswith("the cloud LLM refused the request"), response.text
    assert len(edge.app.state.flights) == 0
    served = post(f"{edge.url}/v1/serve", json={"messages": question, "max_tokens": TOKENS, "namespace": "coalesce-refused"})
    assert served.status_code == 200 and served.json()["route"] == "cloud", served.text
