"""Streamed answers: a cached one streams like a fresh one, a generated one token by token while the LLM still
generates (and is written back whole), the completions route whole and streamed, and an abandoned stream stops
its generation and frees its place in the edge LLM."""

from __future__ import annotations

import json
import socket
import time

import httpx
from openai import OpenAI

from tests.services.servers import Running, get, sync
from tests.services.stack.apps import FALLBACK, TOKENS, ask


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
