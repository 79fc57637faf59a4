"""Issue 9 findings 1, 3, 4 and 6 at the one body path (`velo.wire.parse_body`, `text_turns`), in the SDK and in every
reader of a user's JSON file: JSON nested too deep or holding an integer of thousands of digits is a 400 (a clear
error for a file) where it had been a 500 with a traceback; an error names at most `MAX_NAMED` fields and quotes at most
`MAX_NAMED_CHARS` of one, where it had grown with the body (3.0 MB for 50,000 unknown keys); the assistant message the
`openai` client hands back is accepted; a text part's extra key is refused as a top-level one is.
Through the running stack: tests/services/stack/test_body_limits.py."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

import velo
from velo.cache.evaluation import EvalDataError, load_seeds
from velo.data.oasst1 import DataFormatError, read_source
from velo.json_limits import MAX_DEPTH, JSONLimitError, depth_beyond, loads
from velo.wire import APIError, ChatCompletionRequest, CompletionRequest, parse_body, text_turns
from velo.wire.errors import MAX_NAMED

HI = [{"role": "user", "content": "Hi"}]
DEEP = b"[" * 2000 + b"]" * 2000
LONG = b"9" * 5000


def _refused(model: type, raw: bytes) -> APIError:
    with pytest.raises(APIError) as caught:
        parse_body(model, raw)
    assert caught.value.status == 400 and caught.value.code == "invalid_value", caught.value.message
    return caught.value


@pytest.mark.parametrize("raw", [
    b'{"model": "velo", "messages": ' + DEEP + b"}",  # the finding: RecursionError in parse_body
    b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "tools": [' + b'{"a": ' * 2000 + b"1" + b"}" * 2000 + b"]}",
    b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "tools": [' + b'{"a": ' * 150 + b"1" + b"}" * 150 + b"]}",
    b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "x": ' + DEEP + b"}",
    b'{"model": "velo", "messages": [{"role": "user", "content": "Hi\\u0000"}], "tools": ' + DEEP + b"}",  # the slow path
    DEEP,
])
def test_json_nested_too_deep_is_a_400(raw: bytes) -> None:
    """150 levels passed pydantic's parser (its limit is 200) and 2,000 crashed `json`; both are refused at 64."""
    refused = _refused(ChatCompletionRequest, raw)
    assert refused.param is None and f"nested more than {MAX_DEPTH} levels deep" in refused.message, refused.message


def test_nesting_up_to_the_limit_is_read() -> None:
    """A tool schema 62 objects deep is 64 levels with the body and `tools`: read, on the fast path and the slow one."""
    for text in ("Hi", "Hi NaN"):
        raw = json.dumps({"model": "velo", "messages": [{"role": "user", "content": text}]})[:-1] + ', "tools": [' + '{"a": ' * 62 + "1" + "}" * 62 + "]}"
        assert parse_body(ChatCompletionRequest, raw.encode()).tools is not None
        refused = _refused(ChatCompletionRequest, raw.replace('[{"a": ', '[{"a": {"a": ').replace("]}", "}]}").encode())
        assert "nested more than 64" in refused.message


@pytest.mark.parametrize(("model", "raw", "param"), [
    (ChatCompletionRequest, b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": ' + LONG + b"}", "max_tokens"),
    (ChatCompletionRequest, b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "seed": -' + LONG + b"}", "seed"),
    (ChatCompletionRequest, b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "tools": [{"x": ' + LONG + b"}]}", "tools[0].x"),
    (CompletionRequest, b'{"model": "velo", "prompt": [1, ' + LONG + b"]}", "prompt[1]"),
    (CompletionRequest, b'{"model": "velo", "prompt": "Hi", "logit_bias": {"5": ' + LONG + b"}}", "logit_bias.5"),
])
def test_an_integer_of_thousands_of_digits_is_a_400_naming_its_field(model: type, raw: bytes, param: str) -> None:
    """`"max_tokens": 99...9` (5,000 digits) had raised "Exceeds the limit (4300 digits)"; 4,300 digits are read (and
    then refused as out of range by a typed field)."""
    refused = _refused(model, raw)
    assert refused.param == param and "an integer of 5000 digits: at most 4300 digits are read" in refused.message, refused.message
    in_range = _refused(model, raw.replace(LONG, b"9" * 4300)) if param != "tools[0].x" else None
    assert in_range is None or "4300" not in in_range.message


def test_a_huge_float_is_refused_as_not_finite() -> None:
    raw = b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "temperature": ' + LONG + b".5}"
    assert _refused(ChatCompletionRequest, raw).param == "temperature"


def test_depth_ignores_brackets_in_strings_and_costs_nothing_when_shallow() -> None:
    assert depth_beyond(b'{"a": "' + b"[" * 500 + b'"}') is None
    assert depth_beyond(b"[" * 65 + b"]" * 65) == 65 and depth_beyond(b"[" * 64 + b"]" * 64) is None
    assert depth_beyond(b'{"a": [' + b'"[\\"]", ' * 100 + b"1]}") is None
    with pytest.raises(JSONLimitError, match="an integer of 4301 digits"):
        loads("-" + "1" * 4301)
    assert loads("1" * 4300) == int("1" * 4300)


def test_error_messages_are_bounded_whatever_the_body() -> None:
    """50,000 unknown keys (0.54 MB) had made a 3.0 MB 400, 20,000 messages with an extra key one of 1.5 MB."""
    body: dict = {"model": "velo", "messages": HI, **{f"key{i}": 1 for i in range(50_000)}}
    refused = _refused_any(ChatCompletionRequest, json.dumps(body).encode())
    assert refused.code == "unknown_parameter" and refused.param == "key0", refused.message
    assert refused.message.count("unknown parameter") == MAX_NAMED and refused.message.endswith("and 49,995 more (50,000 fields in all)")
    assert len(refused.body.model_dump_json()) < 1000
    many = {"model": "velo", "messages": [{"role": "user", "content": "Hi", "extra": 1}] * 20_000}
    refused = _refused_any(ChatCompletionRequest, json.dumps(many).encode())
    assert refused.param == "messages[0].extra" and "and 19,995 more (20,000 fields in all)" in refused.message
    assert len(refused.body.model_dump_json()) < 1000
    long_key = {"model": "velo", "messages": HI, "k" * 100_000: 1}
    refused = _refused_any(ChatCompletionRequest, json.dumps(long_key).encode())
    assert len(refused.body.model_dump_json()) < 1000 and refused.param == "k" * 200 + "..."
    assert len(APIError.model_not_found("m" * 100_000, "velo").message) < 400
    nul_in_key = {"model": "velo", "messages": HI, "tools": [{"k" * 100_000: "a\u0000"}]}
    assert len(_refused(ChatCompletionRequest, json.dumps(nul_in_key).encode()).message) < 600


def _refused_any(model: type, raw: bytes) -> APIError:
    with pytest.raises(APIError) as caught:
        parse_body(model, raw)
    return caught.value


OPENAI_ASSISTANT = {"role": "assistant", "content": "Hello!", "refusal": None, "annotations": [], "audio": None, "function_call": None, "tool_calls": None}
"""`openai` 1.x's `resp.choices[0].message.model_dump()` (ChatCompletionMessage) as it sends it back."""


def test_the_assistant_message_the_openai_client_returns_is_accepted() -> None:
    """It had been 400 "unknown parameter 'messages[1].refusal' ... 'annotations' ... 'audio'" (finding 4)."""
    for assistant in (OPENAI_ASSISTANT, {**OPENAI_ASSISTANT, "annotations": None, "tool_calls": []}):
        body = {"model": "velo", "messages": [*HI, assistant, {"role": "user", "content": "And you?"}]}
        request = parse_body(ChatCompletionRequest, json.dumps(body).encode())
        assert text_turns(request.messages, "VELO")[1] == {"role": "assistant", "content": "Hello!"}


@pytest.mark.parametrize(("field", "value", "says"), [
    ("refusal", "I cannot help with that.", "send the refusal's text as content"),
    ("annotations", [{"type": "url_citation", "url_citation": {"url": "https://example.org"}}], "web search"),
    ("audio", {"id": "audio_1"}, "text only"),
    ("tool_calls", [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}], "tool calling"),
    ("function_call", {"name": "f", "arguments": "{}"}, "tool calling"),
])
def test_a_value_in_an_assistant_only_field_is_refused_as_valid_openai_not_served(field: str, value: object, says: str) -> None:
    body = {"model": "velo", "messages": [*HI, {**OPENAI_ASSISTANT, field: value}, {"role": "user", "content": "And you?"}]}
    request = parse_body(ChatCompletionRequest, json.dumps(body).encode())
    with pytest.raises(APIError) as caught:
        text_turns(request.messages, "VELO")
    refused = caught.value
    assert refused.param == f"messages[1].{field}" and refused.code == "unsupported_parameter", refused.message
    assert "field of OpenAI's assistant message" in refused.message and says in refused.message and "unknown" not in refused.message


def test_an_extra_key_in_a_text_part_is_refused_as_an_unknown_parameter() -> None:
    """`cache_control` (Anthropic's prompt caching) in a text part had been accepted and dropped (finding 6)."""
    for part, param in [({"type": "text", "text": "Hi", "cache_control": {"type": "ephemeral"}}, "messages[0].content[0].cache_control"),
                        ({"type": "text", "text": "Hi", "weight": 1}, "messages[0].content[0].weight")]:
        body = {"model": "velo", "messages": [{"role": "user", "content": [{"type": "text", "text": "Be brief."}, part]}]}
        request = parse_body(ChatCompletionRequest, json.dumps(body).encode())
        with pytest.raises(APIError) as caught:
            text_turns(request.messages, "VELO")
        param = param.replace("content[0]", "content[1]")
        assert caught.value.code == "unknown_parameter" and caught.value.param == param, caught.value.message
        assert f"unknown parameter '{param}'" in caught.value.message


def test_the_sdk_says_a_list_of_strings_is_no_list_of_messages() -> None:
    """`chat(["a", "b"])` had been TypeError "... messages, got list": the list was right, its items were not."""
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client:
        with pytest.raises(TypeError, match=r"question\[0\] must be a .* got str \(a list of strings: wrap each in \{'role': 'user'"):
            client.chat(["a", "b"])
        with pytest.raises(TypeError, match=r"question\[1\] must be a .* got int$"):
            client.chat([{"role": "user", "content": "a"}, 5])


def test_the_sdk_refuses_a_deep_or_huge_response_as_invalid() -> None:
    """The SDK reads a response with pydantic, whose parser stops at 200 levels and at a number out of range: a
    server (or a proxy) sending one is an APIResponseValidationError, not a RecursionError."""
    for raw in (b'{"id": "x", "choices": ' + DEEP + b"}", b'{"id": "x", "created": ' + LONG + b"}"):
        transport = httpx.MockTransport(lambda request, raw=raw: httpx.Response(200, content=raw, headers={"content-type": "application/json"}))
        with velo.Client(base_url="http://gateway.test", timeout=5) as client:
            client._http = httpx.Client(transport=transport, base_url="http://gateway.test")  # type: ignore[attr-defined]
            with pytest.raises(velo.APIResponseValidationError):
                client.chat("Hi")


def test_user_data_files_refuse_deep_json_and_huge_integers_naming_the_line(tmp_path: Path) -> None:
    """`velo cache eval` data and `velo data prepare` inputs (oasst1 JSONL and JSON) had let RecursionError and the
    int-digits ValueError escape."""
    seed = json.dumps({"id": "s1", "question": "Why?", "answer": "Because.", "lang": "en"})
    for bad, says in [("[" * 2000 + "]" * 2000, "arrays and objects nested more than 64"), ('{"id": ' + "9" * 5000 + "}", "an integer of 5000 digits")]:
        (tmp_path / "seeds.jsonl").write_text(seed + "\n" + bad + "\n", encoding="utf-8")
        with pytest.raises(EvalDataError, match=rf"seeds.jsonl:2: {says}"):
            load_seeds(tmp_path / "seeds.jsonl")
        (tmp_path / "oa_questions.jsonl").write_text(bad + "\n", encoding="utf-8")
        with pytest.raises(DataFormatError, match=rf"oa_questions.jsonl:1: {says}"):
            read_source(tmp_path / "oa_questions.jsonl")
        (tmp_path / "oaast_rm_zh.json").write_text(bad, encoding="utf-8")
        with pytest.raises(DataFormatError, match=rf"oaast_rm_zh.json: {says}"):
            read_source(tmp_path / "oaast_rm_zh.json")


def test_an_assistant_field_on_another_role_says_so() -> None:
    body = {"model": "velo", "messages": [{"role": "user", "content": "Hi", "audio": {"id": "a1"}}]}
    with pytest.raises(APIError) as caught:
        text_turns(parse_body(ChatCompletionRequest, json.dumps(body).encode()).messages, "VELO")
    assert caught.value.param == "messages[0].audio" and "assistant message (not of a user message)" in caught.value.message
