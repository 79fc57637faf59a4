"""Issue 8 findings 1 and 2 through the running stack: a control character in a question (NUL, ESC, ...) and a number
that is not finite (`temperature: NaN`) are a 400 naming the field from the gateway (the official `openai` client),
the edge (`/v1/serve`, `/admin/cache/lookup`) and the cloud alike, and a refused call changes nothing in the cache
(`velo.wire.parse_body`, `velo.control_chars`; `velo shard serve`'s: tests/services/test_edgeshard.py)."""

from __future__ import annotations

import httpx
import pytest
from openai import BadRequestError, OpenAI

from tests.services.servers import Running, get, post, sync
from tests.services.stack.apps import KEY, TOKENS

NUL_QUESTION = "What is\u0000 the boiling point of water?"
"""A NUL at character 7."""


def _entries(edge: Running) -> int:
    sync(edge)
    return get(f"{edge.url}/admin/cache/namespaces/default").json()["entries"]


def test_a_control_character_in_a_question_is_a_400_naming_it_on_every_route(oai: OpenAI, gateway: Running, edge: Running, cloud: Running) -> None:
    """A NUL had been looked up, answered by an LLM and written back under a question that shows as another."""
    before = _entries(edge)
    with pytest.raises(BadRequestError) as refused:
        oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": NUL_QUESTION}], max_tokens=TOKENS)
    assert refused.value.param == "messages[0].content" and "U+0000 (NUL) at character 7" in refused.value.message, refused.value  # type: ignore[attr-defined]
    with pytest.raises(BadRequestError) as refused:
        oai.completions.create(model="velo", prompt="Colour \u001b[31mred?", max_tokens=TOKENS, stream=True)
    assert refused.value.param == "prompt" and "U+001B (ESC) at character 7" in refused.value.message, refused.value  # type: ignore[attr-defined]
    turns = [{"role": "user", "content": NUL_QUESTION}]
    for url, body, param in [
        (f"{edge.url}/v1/serve", {"messages": turns, "max_tokens": TOKENS}, "messages[0].content"),
        (f"{edge.url}/v1/serve", {"messages": [{"role": "user", "content": "Hi\u0007"}, {"role": "assistant", "content": "Hello"}, *turns]},
         "messages[0].content"),
        (f"{edge.url}/admin/cache/lookup", {"question": NUL_QUESTION}, "question"),
        (f"{edge.url}/admin/cache/lookup", {"question": "Why?", "context": ["earlier\u0000"]}, "context[0]"),
        (f"{cloud.url}/v1/chat/completions", {"model": "velo-cloud", "messages": turns, "max_tokens": TOKENS}, "messages[0].content"),
    ]:
        answer = post(url, json=body)
        error = answer.json()["error"]
        assert answer.status_code == 400 and error["param"] == param and "control character" in error["message"], (url, answer.text)
    assert _entries(edge) == before  # a refused call wrote nothing
    spaced = oai.chat.completions.create(model="velo", messages=[{"role": "user", "content": "Name\tthree\r\nprimary colours."}], max_tokens=TOKENS)
    assert spaced.choices[0].message.content  # tab and line ends are text


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_a_400_naming_the_field_on_every_route(gateway: Running, edge: Running, cloud: Running, literal: str) -> None:
    """`temperature: NaN` (Python's JSON parsers read it) had been "Input should be less than or equal to 2". The
    `openai` client (httpx) refuses to encode a NaN itself ("Out of range float values are not JSON compliant"); Python's
    `json.dumps` writes it as the literal NaN by default, as a client built on it (`requests`) sends it: these bodies."""
    turns = '[{"role": "user", "content": "Why is the sea salty?"}]'
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    for url, raw, param in [
        (f"{gateway.url}/v1/chat/completions", f'{{"model": "velo", "messages": {turns}, "temperature": {literal}}}', "temperature"),
        (f"{gateway.url}/v1/completions", f'{{"model": "velo", "prompt": "Why?", "top_p": {literal}}}', "top_p"),
        (f"{gateway.url}/v1/chat/completions", f'{{"model": "velo", "messages": {turns}, "presence_penalty": {literal}}}', "presence_penalty"),
        (f"{gateway.url}/v1/chat/completions", f'{{"model": "velo", "messages": {turns}, "logit_bias": {{"5": {literal}}}}}', "logit_bias"),
        (f"{gateway.url}/v1/chat/completions", f'{{"model": "velo", "messages": {turns}, "tools": [{{"x": {literal}}}]}}', "tools[0].x"),
        (f"{edge.url}/v1/serve", f'{{"messages": {turns}, "temperature": {literal}}}', "temperature"),
        (f"{cloud.url}/v1/chat/completions", f'{{"model": "velo-cloud", "messages": {turns}, "frequency_penalty": {literal}}}', "frequency_penalty"),
    ]:
        answer = httpx.post(url, content=raw.encode(), headers=headers, timeout=60)
        error = answer.json()["error"]
        assert answer.status_code == 400 and error["param"] in (param, f"{param}.5"), (url, answer.text)
        assert "must be a finite number" in error["message"], (url, answer.text)

