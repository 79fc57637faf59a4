"""The OpenAI wire models: light to import, strict about fields, one error shape that names the field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from velo.wire import (
    SSE_DONE,
    APIError,
    ChatChunkChoice,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatDelta,
    Completion,
    CompletionChoice,
    CompletionRequest,
    parse_body,
    sse_event,
)

CHAT = {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}


def test_importing_the_wire_models_imports_neither_torch_nor_pymilvus() -> None:
    code = "import sys, velo.wire; print(json.dumps(sorted(m for m in ('torch', 'pymilvus', 'transformers') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", f"import json; {code}"], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_every_wire_model_is_fully_defined() -> None:
    """A model whose annotation names something its module does not import (`Literal`, after velo/wire.py was split) is
    built only at its first request, which then fails with 500: every public model builds here."""
    import velo.wire
    from pydantic import BaseModel

    models = [obj for name in velo.wire.__all__ if isinstance(obj := getattr(velo.wire, name), type) and issubclass(obj, BaseModel)]
    assert len(models) > 25
    for model in models:
        model.model_rebuild(raise_errors=True)
        assert model.__pydantic_complete__, model


def error_for(model: type, body: object) -> APIError:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    return APIError.from_validation(caught.value.errors())


@pytest.mark.parametrize(
    "body, param, code",
    [
        ({**CHAT, "foo": 1}, "foo", "unknown_parameter"),
        ({**CHAT, "messages": [{"role": "user", "content": "Hi", "reasoning_content": "x"}]}, "messages[0].reasoning_content", "unknown_parameter"),
        ({**CHAT, "messages": [{"role": "robot", "content": "Hi"}]}, "messages[0].role", "invalid_value"),
        ({**CHAT, "stop": ["a", "b", "c", "d", "e"]}, "stop", "invalid_value"),
        ({**CHAT, "stop": ""}, "stop", "invalid_value"),
        ({**CHAT, "temperature": 3}, "temperature", "invalid_value"),
        ({**CHAT, "logit_bias": {"not-an-id": 1}}, "logit_bias", "invalid_value"),
        ({**CHAT, "stream_options": {"include_usage": True, "x": 1}}, "stream_options.x", "unknown_parameter"),
        ({"model": "m"}, "messages", "missing_required_parameter"),
        ([], None, "invalid_value"),
    ],
)
def test_validation_errors_become_a_400_naming_the_field(body: object, param: str | None, code: str) -> None:
    err = error_for(ChatCompletionRequest, body)
    assert (err.status, err.param, err.code, err.type) == (400, param, code, "invalid_request_error")
    assert param is None or param in err.message
    assert set(err.body.model_dump()["error"]) == {"message", "type", "code", "param"}


def test_a_union_mismatch_is_one_problem_of_its_field() -> None:
    err = error_for(CompletionRequest, {"model": "m", "prompt": 5, "max_tokens": -1})
    assert err.param == "prompt" and err.message.count("'prompt'") == 1 and "'max_tokens'" in err.message


def test_logit_bias_keys_are_token_ids_and_stop_strings_normalize() -> None:
    request = CompletionRequest.model_validate({"model": "m", "prompt": "x", "logit_bias": {"42": -100}, "stop": ","})
    assert request.logit_bias == {42: -100.0} and request.stop_strings == [","]
    assert CompletionRequest.model_validate({"model": "m", "prompt": "x"}).stop_strings == []


def test_stream_chunks_are_server_sent_events_in_openais_shape() -> None:
    chunk = ChatCompletionChunk(id="c", created=1, model="m", choices=[ChatChunkChoice(index=0, delta=ChatDelta(role="assistant", content=""))])
    event = sse_event(chunk)
    assert event.startswith("data: ") and event.endswith("\n\n") and SSE_DONE == "data: [DONE]\n\n"
    data = json.loads(event.removeprefix("data: "))
    assert data["object"] == "chat.completion.chunk" and data["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert json.loads(sse_event(ChatDelta(content="x")).removeprefix("data: ")) == {"content": "x"}
    text = Completion(id="t", created=1, model="m", choices=[CompletionChoice(index=0, text="a", finish_reason=None)])
    assert "velo" not in json.loads(text.model_dump_json())  # VELO's timings only where measured


@pytest.mark.parametrize(("raw", "message", "param"), [
    (b"", "the body is empty: send a JSON object of the request's fields", None),
    (b"\xff\xfe{}", "the body is not valid UTF-8: byte 0xff at position 0", None),
    (b'{"model": "velo", "messages": [', "the body is not valid JSON: Expecting value at line 1 column 32", None),
    (b'{"model": "velo", "messages": [{"role": "user", "content": "abc\\ud800"}]}',
     "messages[0].content is not valid Unicode text: a lone surrogate '\\ud800' at character 3", "messages[0].content"),
    (b'{"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "user": "\\udc00"}',
     "user is not valid Unicode text: a lone surrogate '\\udc00' at character 0", "user"),
])
def test_a_body_that_is_no_request_is_refused_naming_the_problem(raw: bytes, message: str, param: str | None) -> None:
    with pytest.raises(APIError) as caught:
        parse_body(ChatCompletionRequest, raw)
    assert (caught.value.status, caught.value.message, caught.value.param) == (400, message, param)


def test_a_valid_body_parses_the_same_on_both_paths() -> None:
    raw = b'{"model": "velo", "messages": [{"role": "user", "content": "Caf\\u00e9"}], "lang": "fr"}'
    assert parse_body(ChatCompletionRequest, raw) == ChatCompletionRequest.model_validate(json.loads(raw))
    assert parse_body(ChatCompletionRequest, raw).lang == "fr"


DEFAULTS_GIVEN = [
    (ChatCompletionRequest, {"presence_penalty": 0, "frequency_penalty": 0.0, "logit_bias": {}, "n": 1, "top_p": 1, "stream": False, "logprobs": False,
                             "top_logprobs": 0, "response_format": {"type": "text"}, "tool_choice": "none", "function_call": "none",
                             "parallel_tool_calls": True}),
    (CompletionRequest, {"presence_penalty": 0.0, "frequency_penalty": 0, "logit_bias": {}, "n": 1, "top_p": 1.0, "stream": False, "echo": False,
                         "suffix": "", "best_of": 1}),
]
ASKING = [
    (ChatCompletionRequest, {"presence_penalty": 0.5, "frequency_penalty": -0.1, "logit_bias": {"5": 1}, "n": 2, "top_p": 0.9, "stream": True,
                             "logprobs": True, "top_logprobs": 1, "response_format": {"type": "json_object"}, "tool_choice": "auto",
                             "parallel_tool_calls": False}),
    (CompletionRequest, {"logprobs": 0, "echo": True, "suffix": "x", "best_of": 2, "temperature": 1.0}),  # logprobs 0 is a count, not false
]


@pytest.mark.parametrize("model, fields", DEFAULTS_GIVEN)
def test_a_field_given_its_openai_default_reads_as_absent(model: type, fields: dict) -> None:
    """Issue 8 (M6): chat refused `presence_penalty: 0` with a 400 while /v1/completions let falsy values through by a
    truthiness check. One rule in the wire model: OpenAI's default given explicitly is None, as if absent."""
    base = CHAT if model is ChatCompletionRequest else {"model": "m", "prompt": "x"}
    request = model.model_validate({**base, **fields})
    assert {name: getattr(request, name) for name in fields} == dict.fromkeys(fields)


@pytest.mark.parametrize("model, fields", ASKING)
def test_a_field_that_asks_for_something_is_kept(model: type, fields: dict) -> None:
    base = CHAT if model is ChatCompletionRequest else {"model": "m", "prompt": "x"}
    request = model.model_validate({**base, **fields})
    assert all(getattr(request, name) is not None for name in fields)


def test_a_completion_of_zero_tokens_is_refused_naming_max_tokens() -> None:
    """Issue 8 (M7): the gateway read `max_tokens: 0` as no limit (`body.max_tokens or None`); `velo shard serve` refused it."""
    assert error_for(CompletionRequest, {"model": "m", "prompt": "x", "max_tokens": 0}).param == "max_tokens"


def _unbounded_ints(annotation: object, metadata: list) -> list[str]:
    """The integers in `annotation` (a field's type, with `metadata` for its top level) that have no upper bound."""
    from typing import Annotated, get_args, get_origin

    if get_origin(annotation) is Annotated:
        base, *more = get_args(annotation)
        return _unbounded_ints(base, [*metadata, *more])
    if annotation is int:
        bounds = [m for item in metadata for m in (getattr(item, "metadata", None) or [item])]
        return [] if any(getattr(m, "le", None) is not None or getattr(m, "lt", None) is not None for m in bounds) else ["int"]
    return [found for arg in get_args(annotation) for found in _unbounded_ints(arg, [])]


def test_every_integer_field_of_a_request_model_is_bounded() -> None:
    """nc19 finding 2: `seed` had no bound, and 2**64 reached torch (`manual_seed`: a 500, or a 400 blaming `messages`).
    Every integer a request model takes (counts, token ids, seeds, nested and in unions) has an upper bound, so a
    number no server can take is a 400 naming its field from every service and the SDK before sending."""
    from velo.wire import CacheLookupRequest, ChatMessage, ContentPart, ResponseFormat, ServeRequest, StreamOptions, Turn

    models = (CompletionRequest, ChatCompletionRequest, ChatMessage, ContentPart, StreamOptions, ResponseFormat, ServeRequest, CacheLookupRequest, Turn)
    unbounded = [f"{model.__name__}.{name}" for model in models for name, field in model.model_fields.items()
                 if _unbounded_ints(field.annotation, list(field.metadata))]
    assert unbounded == []


@pytest.mark.parametrize(("model", "fields", "param"), [
    (ChatCompletionRequest, {"seed": 2**64}, "seed"),  # the newcomer's example
    (ChatCompletionRequest, {"seed": 2**63}, "seed"),
    (ChatCompletionRequest, {"seed": -(2**63) - 1}, "seed"),
    (CompletionRequest, {"seed": 2**70}, "seed"),
    (ChatCompletionRequest, {"max_tokens": 2**31}, "max_tokens"),
    (ChatCompletionRequest, {"max_completion_tokens": 2**40}, "max_completion_tokens"),
    (CompletionRequest, {"prompt": [2**31]}, "prompt"),
    (CompletionRequest, {"prompt": [[1, -1]]}, "prompt"),
    (ChatCompletionRequest, {"logit_bias": {str(2**40): 1}}, "logit_bias"),
    (ChatCompletionRequest, {"store": True}, None),  # valid here; every service refuses it (`refuse_storing`)
])
def test_an_integer_out_of_range_is_a_400_naming_its_field(model: type, fields: dict, param: str | None) -> None:
    body = {**CHAT, **fields} if model is ChatCompletionRequest else {"model": "m", "prompt": "Hi", **fields}
    if param is None:
        parse_body(model, json.dumps(body).encode())
        return
    with pytest.raises(APIError) as caught:
        parse_body(model, json.dumps(body).encode())
    assert (caught.value.status, caught.value.param) == (400, param), caught.value.message
    assert "than or equal to" in caught.value.message


def test_the_ends_of_every_integer_range_are_accepted() -> None:
    for seed in (2**63 - 1, -(2**63)):
        assert parse_body(ChatCompletionRequest, json.dumps({**CHAT, "seed": seed, "max_tokens": 2**31 - 1}).encode()).seed == seed
    assert parse_body(CompletionRequest, b'{"model": "m", "prompt": [[0, 2147483647]], "logit_bias": {"2147483647": 1}}').prompt == [[0, 2**31 - 1]]


def test_store_and_metadata_are_refused_unless_they_ask_for_nothing() -> None:
    """nc19 finding 7: `store: true` and `metadata` were accepted and ignored; false and {} ask for nothing."""
    for fields, param in (({"store": True}, "store"), ({"metadata": {"a": "b"}}, "metadata")):
        with pytest.raises(APIError) as caught:
            ChatCompletionRequest.model_validate({**CHAT, **fields}).refuse_storing()
        assert (caught.value.status, caught.value.code, caught.value.param) == (400, "unsupported_parameter", param)
    ChatCompletionRequest.model_validate({**CHAT, "store": False, "metadata": {}}).refuse_storing()
