"""Issue 8 ("conformance to the OpenAI API that clients rely on"): the request fields that had been accepted and
silently ignored, and the refusal that blamed the wrong field, through the gateway, the edge and the cloud with the
official `openai` client (`velo shard serve`'s: tests/services/test_edgeshard.py).

- `messages[i].name`: a 400 naming it (`velo.wire.text_turns` says why it is refused, not honoured);
- `user`: the request log's line of every service (`services.http.record_request`), at most 256 characters;
- `stream_options.include_obfuscation`: every chunk padded with OpenAI's `obfuscation` field (`velo.wire.sse_chunk`);
- a limit or a prompt an LLM cannot take is blamed on the field the client sent (`max_completion_tokens`, a
  completion's `prompt`), not on `max_tokens` / `messages`, which the gateway asks the edge with.
"""

from __future__ import annotations

import json

import httpx
import pytest
from openai import BadRequestError, OpenAI

from tests.services.servers import Running, post
from tests.services.stack.apps import KEY, TOKENS

CJK_SENTENCE = "这是一个很长的中文提示，用来测试服务器的长度检查。"
"""25 characters, 40 SmolLM2 tokens."""


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "velo.requests"]


def test_a_participant_name_is_a_400_naming_it_at_the_gateway_and_the_cloud(oai: OpenAI, cloud: Running) -> None:
    """`name` had been accepted and dropped: Ana's and Ben's "What is my name?" were one question to the cache."""
    asked = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "What is my name?", "name": "ana"}]
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=asked, max_tokens=TOKENS)  # type: ignore[arg-type]
    assert refused.value.param == "messages[1].name" and "write it into content" in refused.value.message, refused.value  # type: ignore[attr-defined]
    direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": asked, "max_tokens": TOKENS})
    assert direct.status_code == 400 and direct.json()["error"]["param"] == "messages[1].name", direct.text


def test_user_is_written_in_each_services_request_log_and_bounded(oai: OpenAI, edge: Running, cloud: Running,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """The gateway's line names the API key and the namespace, the edge's its id; the answer is the one without `user`."""
    caplog.set_level("INFO", logger="velo.requests")
    question = [{"role": "user", "content": "Which gas do plants take in from the air?"}]
    plain = oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS)  # type: ignore[arg-type]
    tagged = oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, user="hash-9c1e")  # type: ignore[arg-type]
    assert tagged.choices[0].message.content == plain.choices[0].message.content
    streamed = list(oai.completions.create(model="velo", prompt="Which gas do plants take in from the air?", max_tokens=TOKENS, stream=True,
                                           user="hash-9c1e"))
    assert "".join(c.choices[0].text for c in streamed if c.choices) == plain.choices[0].message.content
    cloud_asked = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": question, "max_tokens": TOKENS, "user": "hash-9c1e"})
    assert cloud_asked.status_code == 200, cloud_asked.text
    lines = _lines(caplog)
    route = getattr(tagged, "route")  # VELO's field on the answer
    assert f"gateway {route} user='hash-9c1e' key='tests' namespace=default" in lines, lines
    assert f"edge {route} user='hash-9c1e' edge=edge-a namespace=default" in lines, lines
    assert "cloud local user='hash-9c1e'" in lines, lines
    assert sum("user='hash-9c1e' key='tests'" in line for line in lines) == 2 and any("gateway" in line and "user=-" in line for line in lines), lines
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, user="u" * 257)  # type: ignore[arg-type]
    assert refused.value.param == "user", refused.value  # type: ignore[attr-defined]
    served = post(f"{edge.url}/v1/serve", json={"messages": question, "max_tokens": TOKENS, "user": "u" * 257})
    assert served.status_code == 400 and served.json()["error"]["param"] == "user", served.text


def _events(url: str, route: str, body: dict, headers: dict | None = None) -> list[str]:
    with httpx.stream("POST", f"{url}{route}", json={"stream": True, **body}, headers=headers, timeout=120) as response:
        assert response.status_code == 200, response.read()
        return [line[6:] for line in response.iter_lines() if line.startswith("data: ")]


def _padded(events: list[str]) -> None:
    assert events[-1] == "[DONE]" and len(events) > 2, events
    for data in events[:-1]:
        assert len(data.encode()) % 64 == 0 and json.loads(data)["obfuscation"].isalnum(), data


def test_stream_obfuscation_pads_every_chunk_on_every_streaming_route(oai: OpenAI, gateway: Running, cloud: Running) -> None:
    """Generated and cached answers alike, chat and completions at the gateway, chat at the cloud; the `openai` client
    reads the same answer and the field; absent or false, no chunk carries it."""
    question = [{"role": "user", "content": "What colour is a ripe banana?"}]
    asked = {"include_usage": True, "include_obfuscation": True}
    first = list(oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, stream=True, stream_options=asked))  # type: ignore[arg-type]
    again = list(oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, stream=True, stream_options=asked))  # type: ignore[arg-type]
    plain = list(oai.chat.completions.create(model="velo", messages=question, max_tokens=TOKENS, stream=True))  # type: ignore[arg-type]
    texts = ["".join(c.choices[0].delta.content or "" for c in chunks if c.choices) for chunks in (first, again, plain)]
    assert texts[0] and texts[0] == texts[1] == texts[2], texts
    assert all(c.obfuscation for c in first + again) and first[-1].usage is not None
    assert all(c.obfuscation is None for c in plain)
    headers = {"Authorization": f"Bearer {KEY}"}
    _padded(_events(gateway.url, "/v1/completions", {"model": "velo", "prompt": "What colour is a ripe banana?", "max_tokens": TOKENS,
                                                      "stream_options": asked}, headers))
    _padded(_events(cloud.url, "/v1/chat/completions", {"model": "velo-cloud", "messages": question, "max_tokens": TOKENS, "stream_options": asked}))
    for data in _events(gateway.url, "/v1/chat/completions", {"model": "velo", "messages": question, "max_tokens": TOKENS,
                                                             "stream_options": {"include_obfuscation": False}}, headers)[:-1]:
        assert "obfuscation" not in json.loads(data), data


def test_a_refusal_names_the_field_the_client_sent(oai: OpenAI, cloud: Running) -> None:
    """`services.llm.refused_prompt` named `max_tokens` for a client's `max_completion_tokens`, and the gateway relayed
    the edge's `messages` for a completion's `prompt`."""
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Say hello"}], max_completion_tokens=8190)
    assert refused.value.param == "max_completion_tokens" and "ask for max_completion_tokens <= " in refused.value.message, refused.value  # type: ignore[attr-defined]
    with pytest.raises(BadRequestError) as refused:
        oai.completions.create(model="velo", prompt=CJK_SENTENCE * 800, max_tokens=TOKENS)  # 20,000 characters, 32,000 tokens
    assert refused.value.param == "prompt" and refused.value.body["message"].startswith("prompt: "), refused.value  # type: ignore[attr-defined, index]
    assert "8192-token context window" in refused.value.message and "messages" not in refused.value.message, refused.value.message
    with pytest.raises(BadRequestError) as refused:
        oai.completions.create(model="velo", prompt="Say hello", max_tokens=8190)
    assert refused.value.param == "max_tokens", refused.value  # type: ignore[attr-defined]
    long_prompt = [{"role": "user", "content": CJK_SENTENCE * 190}]  # ~7,600 tokens: fits, but not with 1,000 more
    direct = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": long_prompt, "max_completion_tokens": 1000})
    error = direct.json()["error"]
    assert direct.status_code == 400 and error["param"] == "max_completion_tokens" and "ask for max_completion_tokens <= " in error["message"], direct.text
    too_many = post(f"{cloud.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": long_prompt, "max_completion_tokens": 5000})
    assert too_many.status_code == 400 and too_many.json()["error"]["param"] == "max_completion_tokens", too_many.text
