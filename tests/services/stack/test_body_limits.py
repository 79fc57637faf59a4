"""Issue 9 findings 1, 3, 4 and 6 through the running stack (`velo.wire.parse_body`, `text_turns`; the rules:
tests/test_body_limits.py): deep JSON and an integer of 5,000 digits are a 400 in the one error shape from the gateway
(with a valid key), the edge and the cloud, and the connection serves the next request; an error stays small whatever
the body; the official `openai` client's assistant message is taken back; a text part's extra key is refused."""

from __future__ import annotations

import httpx
import pytest
from openai import BadRequestError, OpenAI

from tests.services.servers import Running
from tests.services.stack.apps import KEY, TOKENS

DEEP = b'{"model": "velo", "messages": ' + b"[" * 2000 + b"]" * 2000 + b"}"
LONG = b'{"model": "velo", "messages": [{"role": "user", "content": "Why is the sea salty?"}], "max_tokens": ' + b"9" * 5000 + b"}"


def _routes(gateway: Running, edge: Running, cloud: Running) -> list[str]:
    return [f"{gateway.url}/v1/chat/completions", f"{gateway.url}/v1/completions", f"{edge.url}/v1/serve", f"{edge.url}/admin/cache/lookup",
            f"{cloud.url}/v1/chat/completions"]


def test_deep_json_and_a_huge_integer_are_a_400_and_the_connection_lives_on(gateway: Running, edge: Running, cloud: Running) -> None:
    """They had been a 500 with a RecursionError / "Exceeds the limit (4300 digits)" traceback in the log, and once a
    "Connection reset by peer" for the next request on the reused connection."""
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    with httpx.Client(headers=headers, timeout=60) as http:
        for url in _routes(gateway, edge, cloud):
            for raw, param, says in [(DEEP, None, "nested more than 64 levels deep"),
                                     (LONG, "max_tokens", "an integer of 5000 digits: at most 4300 digits are read")]:
                answer = http.post(url, content=raw)
                error = answer.json()["error"]
                assert answer.status_code == 400 and error["code"] == "invalid_value", (url, answer.text)
                assert says in error["message"] and error["param"] in (param, None), (url, answer.text)
            assert http.get(url.split("/v1/")[0].split("/admin/")[0] + "/healthz").status_code == 200  # the same connection


def test_an_error_stays_small_whatever_the_body(gateway: Running, cloud: Running) -> None:
    """A 0.54 MB body of 50,000 unknown keys had got a 3.0 MB 400, 20,000 messages with an extra key one of 1.5 MB."""
    keys = b", ".join(b'"key%d": 1' % i for i in range(50_000))
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    for url in (f"{gateway.url}/v1/chat/completions", f"{cloud.url}/v1/chat/completions"):
        answer = httpx.post(url, content=b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], ' + keys + b"}", headers=headers, timeout=60)
        assert answer.status_code == 400 and len(answer.content) < 1000, (url, len(answer.content))
        assert answer.json()["error"]["message"].endswith("and 49,995 more (50,000 fields in all)"), answer.text


def test_the_openai_clients_assistant_message_is_taken_back(oai: OpenAI, cloud: Running) -> None:
    """`messages.append(resp.choices[0].message.model_dump())` had been 400 "unknown parameter 'messages[1].refusal'"."""
    messages: list = [{"role": "user", "content": "Name a primary colour."}]
    first = oai.chat.completions.create(model="velo", messages=messages, max_tokens=TOKENS)
    messages += [first.choices[0].message.model_dump(), {"role": "user", "content": "Name another one."}]
    assert {"refusal", "annotations", "audio"} <= set(messages[1]), messages[1]
    assert oai.chat.completions.create(model="velo", messages=messages, max_tokens=TOKENS).choices[0].message.content
    cloud_client = OpenAI(base_url=f"{cloud.url}/v1", api_key="unused", max_retries=0)
    assert cloud_client.chat.completions.create(model="velo-cloud", messages=messages, max_tokens=TOKENS).choices[0].message.content
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=[messages[0], {**messages[1], "refusal": "No."}, messages[2]], max_tokens=TOKENS)
    assert refused.value.param == "messages[1].refusal" and "field of OpenAI's assistant message" in refused.value.message  # type: ignore[attr-defined]


def test_an_extra_key_in_a_text_part_is_refused(oai: OpenAI) -> None:
    part = {"type": "text", "text": "Why is the sea salty?", "cache_control": {"type": "ephemeral"}}
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": [part]}], max_tokens=TOKENS)  # type: ignore[list-item]
    assert refused.value.param == "messages[0].content[0].cache_control" and refused.value.code == "unknown_parameter"  # type: ignore[attr-defined]
