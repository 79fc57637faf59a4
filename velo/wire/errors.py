"""The one error shape of every VELO service and the SDK, and reading a request body into its model or the error naming
what is wrong with it (`parse_body`, `APIError.from_validation`)."""

from __future__ import annotations

import functools
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from velo.control_chars import CONTROL_RULE, control_character
from velo.json_limits import MAX_DEPTH, MAX_INT_DIGITS, TOO_DEEP, JSONLimitError, loads, too_long


MAX_NAMED = 5
"""Most problems one error message names (`APIError.from_validation`); the rest are counted ("and 49,995 more
(50,000 fields in all)"), so that a 400 stays a few hundred bytes whatever the body: it had grown with the request."""
MAX_NAMED_CHARS = 200
"""Longest text of a body (a key, a value) an error message quotes; longer is cut with "...". """


CONTEXT_LENGTH_EXCEEDED = "context_length_exceeded"
"""The code of a 400 for a request longer than the model or the server can take: a prompt over a service's
`max_prompt_chars` (`services.http.check_prompt_chars`), or a prompt and its `max_tokens` over the context window
(`services.llm.refused_prompt`). It is OpenAI's code for a prompt over the context window, which clients read to
shorten the conversation and ask again."""


DEADLINE_EXCEEDED = "deadline_exceeded"
"""The code of a 504 for a request an LLM could not begin to answer within the time its caller still waits
(`x-velo-timeout-ms`): its prompt's prefill alone takes longer (`services.llm.PastDeadline`), so it was refused at
once, leaving the time to the next fallback. gRPC's status for a call whose deadline passes, DEADLINE_EXCEEDED."""


def clip(text: str) -> str:
    """`text` as an error message quotes it: at most `MAX_NAMED_CHARS` characters (a 100 KB key is no name to echo)."""
    return text if len(text) <= MAX_NAMED_CHARS else f"{text[:MAX_NAMED_CHARS]}..."


class ErrorDetail(BaseModel):
    message: str
    type: str
    code: str | None = None
    param: str | None = None
    """The request field at fault (`"temperature"`, `"messages[0].role"`), else None."""


class ErrorResponse(BaseModel):
    error: ErrorDetail


def parse_error(body: bytes) -> ErrorDetail | None:
    """The error a failed response's body carries in the one error shape; None for a body of another shape."""
    try:
        return ErrorResponse.model_validate_json(body).error
    except ValueError:
        return None


class APIError(Exception):
    """A failure a service answers with `ErrorResponse` and HTTP `status`; the SDK raises it for one too."""

    def __init__(self, status: int, message: str, type: str = "invalid_request_error", code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param

    @property
    def body(self) -> ErrorResponse:
        return ErrorResponse(error=ErrorDetail(message=self.message, type=self.type, code=self.code, param=self.param))

    @classmethod
    def unsupported(cls, param: str, why: str) -> APIError:
        """400 for a field the service understands but does not honour; `why` says what to send instead."""
        return cls(400, f"{param} is not supported: {why}", code="unsupported_parameter", param=param)

    @classmethod
    def model_not_found(cls, model: str, served: str) -> APIError:
        """404 for a model id this server does not serve (a request's `model`, `GET /v1/models/{id}`), as OpenAI answers."""
        return cls(404, f"the model {clip(model)!r} does not exist; this server serves {served!r}", "not_found_error", "model_not_found", "model")

    @classmethod
    def from_validation(cls, errors: Sequence[Mapping[str, Any]]) -> APIError:
        """400 for pydantic validation errors of a request body (`loc` starting with "body" or a field),
        naming every offending field in the message and the first as `param`."""
        problems: dict[str | None, tuple[str, list[str]]] = {}  # param -> (error type, messages)
        for err in errors:
            kind = str(err.get("type", ""))
            param = err["param"] if "param" in err else _param(err.get("loc", ()), unknown=kind == "extra_forbidden")
            param = None if param is None else clip(param)
            if kind == "json_invalid":
                param = None
            text = str(err.get("ctx", {}).get("error", "")) if kind == "json_invalid" else str(err.get("msg", ""))
            messages = problems.setdefault(param, (kind, []))[1]
            if text.removeprefix("Value error, ") not in messages:
                messages.append(text.removeprefix("Value error, "))
        described = [_describe(param, kind, messages) for param, (kind, messages) in itertools.islice(problems.items(), MAX_NAMED)]
        if len(problems) > MAX_NAMED:  # 50,000 unknown keys had made a 3.0 MB 400 (issue 9 finding 3)
            described.append(f"and {len(problems) - MAX_NAMED:,} more ({len(problems):,} fields in all)")
        message = "; ".join(described)
        first = next(iter(problems.items()), (None, ("", [])))
        code = {"extra_forbidden": "unknown_parameter", "missing": "missing_required_parameter"}.get(first[1][0], "invalid_value")
        return cls(400, message or "invalid request", code=code, param=first[0])


def unknown_keys(params: Sequence[str]) -> APIError:
    """400 for fields a model that keeps extra keys has (a text content part's), worded and bounded as pydantic's
    `extra_forbidden` errors are by `APIError.from_validation`."""
    return APIError.from_validation([{"type": "extra_forbidden", "loc": (), "msg": "", "param": p} for p in params])


def _describe(param: str | None, kind: str, messages: list[str]) -> str:
    if kind == "extra_forbidden":
        return f"unknown parameter {param!r}: this server does not accept it"
    if kind == "missing" and param is None:
        return "the body is empty: send a JSON object of the request's fields"
    if kind == "missing":
        return f"missing required parameter {param!r}"
    if kind == "json_invalid":
        return f"the body is not valid JSON: {' '.join(messages)}"
    if kind == "finite_number":  # a model built in Python (`parse_body` refuses such a body first: `body_problem`)
        return f"{param or 'the body'} must be a finite number: JSON has no NaN or Infinity (RFC 8259 6)"
    if param is None:
        return f"the body must be a JSON object of the request's fields: {' or '.join(messages)}"
    return f"invalid {param!r}: {' or '.join(messages)}"


def body_not_json(raw: bytes) -> APIError:
    """400 saying why `raw` is no JSON text: empty, not UTF-8 (RFC 8259 8.1), or the JSON syntax error and where."""
    if not raw.strip():
        return APIError(400, "the body is empty: send a JSON object of the request's fields", code="invalid_value")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return APIError(400, f"the body is not valid UTF-8: byte 0x{raw[err.start]:02x} at position {err.start}", code="invalid_value")
    try:
        loads(text)
    except json.JSONDecodeError as err:
        return APIError(400, f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}", code="invalid_value")
    except JSONLimitError as err:
        return too_big(str(err))
    return APIError(400, "the body is not valid JSON", code="invalid_value")


def too_big(problem: str, path: str | None = None) -> APIError:
    """400 for JSON beyond `velo.json_limits` (nested more than `MAX_DEPTH` deep, an integer of more than
    `MAX_INT_DIGITS` digits), naming the field that holds such an integer: they had been a 500 (issue 9 finding 1)."""
    return APIError(400, f"{path or 'the body'} holds {problem}", code="invalid_value", param=path)


class _LongInt(str):
    """An integer of more than `MAX_INT_DIGITS` digits, as `parse_body` reads it: kept as its digits so that
    `body_problem` names the field holding it."""


def _mark_long(digits: str) -> int | _LongInt:
    return _LongInt(digits) if len(digits) > MAX_INT_DIGITS else int(digits)


def _field_path(path: str, key: str | int) -> str:
    """The path of field `key` inside the field at `path` ("" for the body), as a refusal names it: `messages[0]`,
    `messages[0].content`, `tools[0].parameters.x`."""
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)


def body_problem(value: object, path: str = "") -> APIError | None:
    """400 naming the first field of a parsed JSON body (`value`, or the SDK's body before it is sent) that no VELO
    service takes, else None; `path` is the field's (`messages[0].content`, `tools[0].parameters.x`):

    - a text with a lone surrogate (JSON allows "\\ud800", UTF-8 cannot hold it: the cache, the tokenizers and the
      upstreams refuse it);
    - a text with a control character other than tab, line feed and carriage return (`velo.control_chars` says why),
      named with its position: "\\u0000" in a question had been looked up, answered and written back (issue 8);
    - a number that is not finite: Python's `json` (and pydantic's parser) read the literals `NaN`, `Infinity` and
      `-Infinity`, which RFC 8259 has no place for, and `1e999` as infinity; `temperature: NaN` had been refused as
      "Input should be less than or equal to 2", a NaN inside `tools` accepted, and a cloud would forward it upstream;
    - an integer of more than `MAX_INT_DIGITS` digits (`parse_body` reads one as `_LongInt`): a 500 (issue 9).
    """
    if isinstance(value, _LongInt):
        return too_big(too_long(value), clip(path) or None)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            message = f"{clip(path)} is not valid Unicode text: a lone surrogate {value[err.start]!r} at character {err.start}"
            return APIError(400, message, code="invalid_value", param=clip(path) or None)
        if (control := control_character(value)) is not None:
            return APIError(400, f"{clip(path)} holds {control}: {CONTROL_RULE}", code="invalid_value", param=clip(path) or None)
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else not_finite(clip(path), value)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        found = body_problem(item, _field_path(path, key))
        if found is not None:
            return found
    return None


def not_finite(path: str | None, value: float) -> APIError:
    """400 naming the field `path` whose number is NaN or an infinity, as JSON spells it (`NaN`, `Infinity`)."""
    return APIError(400, f"{path or 'the body'} must be a finite number, got {json.dumps(value)}: JSON has no NaN or Infinity (RFC 8259 6)",
                    code="invalid_value", param=path or None)


_MAYBE_REFUSED = (b"\\u00", b"\\b", b"\\f", b"NaN", b"Infinity")
"""Bytes of a JSON body that may hold what `body_problem` refuses and pydantic's parser lets through: an escaped control
character (the only way valid JSON holds one: `\\u0000`-`\\u001f`, and `\\b`, `\\f` for backspace and form feed) and
the `NaN` and `Infinity` literals. Only such a body is parsed a second time to look; a false alarm ("NaN" in a
question, `C:\\\\bin`) costs that parse, never a refusal. Plain substring searches: a regular expression over a
64 KB body had cost the fast path ~1 ms on a loaded core, against ~15 us for pydantic's whole parse."""


def _infinite(value: object) -> APIError | None:  # and too deep: see _infinite_at
    """`not_finite` for the first number of a validated request (`value`) that is not finite: what a body without the
    `NaN` / `Infinity` literals may still hold, an exponent beyond float's range (`1e999`, read as infinity). A typed
    float field refuses it itself (`allow_inf_nan=False`); this finds one in an untyped field (`tools`, `json_schema`),
    which a cloud in upstream mode forwards. Texts are not read and the path is spelled only for a find: microseconds."""
    found = _infinite_at(value)
    if found is None:
        return None
    keys, number = found
    path = ""
    for key in keys:
        path = _field_path(path, key)
    return not_finite(clip(path), number)


def _infinite_at(value: object, depth: int = 0) -> tuple[list[str | int], float] | None:
    """(the keys down to the first non-finite number in `value`, innermost last; that number), else None. Raises
    `too_big` for a container more than `MAX_DEPTH` deep: pydantic's parser reads 200 levels, and the walk that looks
    for numbers is where a body's depth is known for free (an untyped field, `tools`, is where a body nests)."""
    if depth >= MAX_DEPTH:  # `value` is at level depth + 1 (the body is level 1)
        raise too_big(TOO_DEEP)
    if isinstance(value, float):
        return None if math.isfinite(value) else ([], value)
    if isinstance(value, BaseModel):
        items: Any = [*value.__dict__.items(), *(value.__pydantic_extra__ or {}).items()]  # the fields' values, extra ones too
    elif isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if isinstance(item, (float, BaseModel, dict, list)) and (found := _infinite_at(item, depth + 1)) is not None:
            found[0].insert(0, key)
            return found
    return None


def parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """`raw` validated as `model`, or the APIError naming the problem: an empty body, bytes that are not UTF-8, a JSON
    syntax error, JSON nested more than `velo.json_limits.MAX_DEPTH` deep, a field `body_problem` refuses (a lone
    surrogate or a control character in a text, a number that is not finite, an integer of more than `MAX_INT_DIGITS`
    digits, anywhere in the body), or the fields pydantic refuses (`APIError.from_validation`).
    The fast path is pydantic's own JSON parser; a body it cannot parse, or that may hold what `body_problem` looks for
    (`_MAYBE_REFUSED`), is parsed by `json` to say why."""
    if not any(sign in raw for sign in _MAYBE_REFUSED):
        try:
            request = model.model_validate_json(raw)
        except ValidationError as err:
            errors = err.errors()
        else:
            if (problem := _infinite(request)) is not None:
                raise problem
            return request
        if not any(e.get("type") == "json_invalid" for e in errors):
            raise APIError.from_validation(errors)
    try:
        value = loads(raw.decode("utf-8"), parse_int=_mark_long)
    except JSONLimitError as err:  # nested too deep: a RecursionError of `json` had been a 500 (issue 9)
        raise too_big(str(err)) from None
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        raise body_not_json(raw) from None
    if (problem := body_problem(value)) is not None:
        raise problem
    try:
        return model.model_validate(value)
    except ValidationError as err:
        raise APIError.from_validation(err.errors()) from None


def _param(loc: Sequence[str | int], unknown: bool = False) -> str | None:
    """A pydantic error location as a request field path: ("body", "messages", 1, "role") -> "messages[1].role".

    Union member tags ("list[int]") and dict keys are no fields and are left out, except the last part of
    an `unknown` field's location, which is its name."""
    fields = _field_names()
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    name = str(parts.pop()) if unknown and parts else None
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]" if path else ""
        elif part in fields:
            path = f"{path}.{part}" if path else part
    if name is not None:
        path = f"{path}.{name}" if path else name
    return path or None


@functools.cache
def _field_names() -> frozenset[str]:
    """Every field name of the request models: what `_param` keeps of a pydantic error location."""
    # imported here, not at the top: the request models import this module for `APIError`
    from velo.wire.requests import ChatCompletionRequest, ChatMessage, CompletionRequest, ContentPart, ResponseFormat, StreamOptions
    from velo.wire.velo_routes import CacheLookupRequest, ServeRequest

    models: tuple[type[BaseModel], ...] = (
        CompletionRequest, ChatCompletionRequest, ChatMessage, ContentPart, StreamOptions, ResponseFormat, ServeRequest, CacheLookupRequest,
    )
    return frozenset(name for model in models for name in model.model_fields)
