"""Issue 8 findings 1 and 2, at the one body path (`velo.wire.parse_body`) every service reads a request with, and in the
SDK before sending: a control character in any text (NUL, ESC, ...; tab and line ends stay) and a number that is not
finite (`NaN`, `Infinity`, `1e999`) are a 400 naming the field, the character's position or "must be a finite number";
`safety_identifier` and `prompt_cache_key` are chat fields with bounds. The services' answers to such bodies:
tests/services/stack/test_body_problems.py."""

from __future__ import annotations

import json
from typing import get_args

import pytest

import velo
from velo.control_chars import control_character
from velo.wire import (
    APIError,
    CacheLookupRequest,
    ChatCompletionRequest,
    ChatMessage,
    CompletionRequest,
    ContentPart,
    ResponseFormat,
    ServeRequest,
    StreamOptions,
    Turn,
    parse_body,
)

CHAT = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}
MODELS = (CompletionRequest, ChatCompletionRequest, ChatMessage, ContentPart, StreamOptions, ResponseFormat, ServeRequest, CacheLookupRequest, Turn)


def _refusal(model: type, raw: bytes) -> APIError:
    with pytest.raises(APIError) as caught:
        parse_body(model, raw)
    assert caught.value.status == 400 and caught.value.code == "invalid_value", caught.value.message
    return caught.value


@pytest.mark.parametrize(("model", "body", "param", "says"), [
    (ChatCompletionRequest, {"model": "m", "messages": [{"role": "user", "content": "What is\u0000 2+2?"}]},
     "messages[0].content", "the control character U+0000 (NUL) at character 7"),
    (ChatCompletionRequest, {"model": "m", "messages": [{"role": "system", "content": "Be\u001b[31m red"}, {"role": "user", "content": "Hi"}]},
     "messages[0].content", "U+001B (ESC) at character 2"),
    (ChatCompletionRequest, {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "a\u0008b"}]}]},
     "messages[0].content[0].text", "U+0008 (BS) at character 1"),
    (ChatCompletionRequest, {**CHAT, "stop": ["\u0000"]}, "stop[0]", "U+0000 (NUL) at character 0"),
    (ChatCompletionRequest, {**CHAT, "user": "u\u0001"}, "user", "U+0001 (SOH)"),
    (ChatCompletionRequest, {**CHAT, "safety_identifier": "s\u000c"}, "safety_identifier", "U+000C (FF)"),
    (CompletionRequest, {"model": "m", "prompt": "Why\u0000?"}, "prompt", "U+0000 (NUL) at character 3"),
    (CompletionRequest, {"model": "m", "prompt": ["fine", "\u000bno"]}, "prompt[1]", "U+000B (VT) at character 0"),
    (ServeRequest, {"messages": [{"role": "user", "content": "Hi\u0000"}]}, "messages[0].content", "U+0000 (NUL) at character 2"),
    (CacheLookupRequest, {"question": "Hi\u0000"}, "question", "U+0000 (NUL)"),
    (CacheLookupRequest, {"question": "Hi", "context": ["earlier\u001f"]}, "context[0]", "U+001F (US) at character 7"),
])
def test_a_control_character_in_any_text_is_a_400_naming_the_field_and_where(model: type, body: dict, param: str, says: str) -> None:
    """A NUL in a question had been accepted, looked up, answered and written back (finding 1)."""
    refused = _refusal(model, json.dumps(body).encode())
    assert refused.param == param and says in refused.message and "tab, line feed and carriage return" in refused.message, refused.message


def test_tab_line_ends_and_lookalike_text_are_accepted() -> None:
    """The fast path's signs (`\\u00`, `\\b`, "NaN", ...) only send a body to the slow path, which accepts these."""
    text = "Col1\tCol2\r\nWhat is NaN, and Infinity? C:\\bin\\foo e500 \u00e9\u0085\u007f"
    got = parse_body(ChatCompletionRequest, json.dumps({"model": "m", "messages": [{"role": "user", "content": text}]}).encode())
    assert got.messages[0].content == text
    assert control_character(text) is None and control_character("\u0000") == "the control character U+0000 (NUL) at character 0"


def _float_fields(model: type) -> list[str]:
    """The fields of `model` that take a float (in a union or not); `logit_bias` takes floats as values."""
    def floats(annotation: object) -> bool:
        return annotation is float or any(floats(arg) for arg in get_args(annotation))
    return [name for name, field in model.model_fields.items() if floats(field.annotation)]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
@pytest.mark.parametrize("model", [ChatCompletionRequest, CompletionRequest, ServeRequest])
def test_every_float_field_refuses_a_number_that_is_not_finite(model: type, literal: str) -> None:
    """`temperature: NaN` had been refused as "Input should be less than or equal to 2" (finding 2); Python's json and
    pydantic's parser read NaN and Infinity, which JSON has no place for, and 1e999 as infinity."""
    base = {"model": "m", "prompt": "Hi"} if model is CompletionRequest else CHAT if model is ChatCompletionRequest else {"messages": CHAT["messages"]}
    fields = _float_fields(model)
    assert {"temperature", "top_p"} <= set(fields), fields
    for name in fields:
        value = f'{{"5": {literal}}}' if name == "logit_bias" else literal
        raw = json.dumps(base)[:-1].encode() + f', "{name}": {value}}}'.encode()
        refused = _refusal(model, raw)
        assert refused.param in (name, f"{name}.5") and "must be a finite number" in refused.message, (name, refused.message)


@pytest.mark.parametrize(("extra", "param"), [
    ('"tools": [{"type": "function", "function": {"parameters": {"x": NaN}}}]', "tools[0].function.parameters.x"),
    ('"tools": [{"type": "function", "function": {"parameters": {"x": 1e999}}}]', "tools[0].function.parameters.x"),
    ('"response_format": {"type": "json_schema", "json_schema": {"maximum": -Infinity}}', "response_format.json_schema.maximum"),
    ('"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi", "weight": 1e400}]}]', "messages[0].content[0].weight"),
])
def test_a_number_that_is_not_finite_is_refused_anywhere_in_a_body(extra: str, param: str) -> None:
    """Untyped fields too: a cloud in upstream mode forwards them (`json.dumps` would write `NaN`, no JSON)."""
    raw = b'{"model": "m", "messages": [{"role": "user", "content": "Hi"}], ' + extra.encode() + b"}"
    if '"messages"' in extra:
        raw = b'{"model": "m", ' + extra.encode() + b"}"
    refused = _refusal(ChatCompletionRequest, raw)
    assert refused.param == param and "must be a finite number" in refused.message, refused.message


def test_safety_identifier_and_prompt_cache_key_are_bounded_chat_fields() -> None:
    """OpenAI documents at most 128 characters for safety_identifier; prompt_cache_key has VELO's bound of 256; the
    legacy completions route takes neither, as OpenAI's."""
    ok = parse_body(ChatCompletionRequest, json.dumps({**CHAT, "safety_identifier": "s" * 128, "prompt_cache_key": "k" * 256}).encode())
    assert (len(ok.safety_identifier), len(ok.prompt_cache_key)) == (128, 256)
    for name, length in (("safety_identifier", 129), ("prompt_cache_key", 257)):
        with pytest.raises(APIError) as caught:
            parse_body(ChatCompletionRequest, json.dumps({**CHAT, name: "x" * length}).encode())
        assert caught.value.param == name and "at most" in caught.value.message
    with pytest.raises(APIError) as caught:
        parse_body(CompletionRequest, b'{"model": "m", "prompt": "Hi", "safety_identifier": "s"}')
    assert caught.value.code == "unknown_parameter" and caught.value.param == "safety_identifier"
    serve = ServeRequest(messages=[Turn(role="user", content="Hi")], user="u", safety_identifier="s")
    assert serve.upstream_fields() == {"user": "u", "safety_identifier": "s"}
    assert "prompt_cache_key" not in serve.model_dump_json()  # absent: not sent, so an older edge reads the body


@pytest.mark.parametrize(("fields", "param", "says"), [
    ({"temperature": float("nan")}, "temperature", "temperature must be a finite number, got NaN"),
    ({"top_p": float("inf")}, "top_p", "got Infinity"),
    ({"user": "a\u0000b"}, "user", "U+0000 (NUL) at character 1"),
])
def test_the_sdk_refuses_them_before_sending(fields: dict, param: str, says: str) -> None:
    """The SDK's body is checked as the gateway checks it; the gateway is a closed port here: a sent request would be
    an APIConnectionError. A NaN temperature had been refused as "less than or equal to 2"."""
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client:
        for ask in (lambda: client.chat("Hi", **fields), lambda: client.chat("Why\u0000?")):
            with pytest.raises(velo.InvalidRequestError) as caught:
                ask()
            assert caught.value.param in (param, "messages[0].content"), caught.value
        with pytest.raises(velo.InvalidRequestError) as caught:
            client.chat("Hi", **fields)
        assert caught.value.param == param and says in str(caught.value.message), caught.value.message
