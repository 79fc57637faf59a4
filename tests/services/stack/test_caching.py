"""What the edge caches and how it serves from its cache, through the gateway (official `openai` client, the SDK) and
its own `/v1/serve`: a new question goes to an LLM and its repeat to the cache, namespaces and conversations keep
entries apart, only whole answers are written back, sampling fields and concurrent load."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from openai import OpenAI

import velo
from tests.services.servers import Running, get, post, sync
from tests.services.stack.apps import KEY, TOKENS, ask


def test_a_new_question_goes_to_the_cloud_and_its_repeat_is_served_from_the_cache(oai: OpenAI, edge: Running, cloud: Running) -> None:
    """In a namespace of its own: its cache is empty whatever the other tests stored."""
    question, fresh = "What is the capital of France?", {"x-velo-namespace": "first"}
    raw = ask(oai, question, extra_headers=fresh)
    first = raw.parse()
    direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": [{"role": "user", "content": question}], "max_tokens": TOKENS}, timeout=120).json()
    assert first.route == "cloud" and first.similarity is None  # an empty cache has no candidate: null, not absent
    assert first.choices[0].message.content == direct["choices"][0]["message"]["content"]
    assert float(raw.headers["x-velo-overhead-ms"]) >= 0.0 and first.latency_ms > 0
    sync(edge)
    again = ask(oai, question, extra_headers=fresh).parse()
    assert again.route == "cache" and again.similarity == pytest.approx(1.0, abs=1e-3)
    assert again.choices[0].message.content == first.choices[0].message.content
    assert again.usage.prompt_tokens == first.usage.prompt_tokens > 0 and again.usage.completion_tokens > 0  # a hit counts (issue 8)


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


def test_only_an_answer_the_llm_ended_itself_is_written_back(edge: Running) -> None:
    """With `write_back_truncated` off (the default; the other tests turn it on to keep generations short), an answer
    cut by max_tokens (finish_reason "length") or by the request's stop strings is not cached: the next requester
    would be served the cut answer. The same question answered whole (7 tokens) is."""
    server, question = edge.app.state.edge, "What is 2+2? Answer with one number."
    server.writer.write_back_truncated = False
    try:
        for fields, finish in (({"max_tokens": 3}, "length"), ({"max_tokens": 16, "stop": [" is"]}, "stop"), ({"max_tokens": 16}, "stop")):
            got = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "namespace": "whole", **fields}).json()
            sync(edge)
            assert got["route"] == "cloud" and got["finish_reason"] == finish, got
        assert got["answer"] == "The answer is 4."
        entry = post(f"{edge.url}/admin/cache/lookup", json={"question": question, "namespace": "whole"}).json()["entry"]
        assert get(f"{edge.url}/admin/cache/namespaces/whole").json()["entries"] == 1 and entry["answer"] == got["answer"]
    finally:
        server.writer.write_back_truncated = True


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
    unsampled = sampled("seed-a", temperature=0.0, seed=99)  # the sampled answers were not written back (issue 8, M1)
    assert unsampled.route == "cloud" and unsampled.choices[0].message.content == greedy.text
    sync(edge)
    cached = sampled("seed-a", temperature=1.5, seed=11)  # a cached (greedy) answer is served as it is, whatever the sampling fields
    assert cached.route == "cache" and cached.choices[0].message.content == greedy.text


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
