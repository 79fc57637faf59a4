"""The one error shape of every VELO service and the SDK, and reading a request body into its model or the error naming
what is wrong with it (`parse_body`, `APIError.from_validation`)."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from velo.control_chars import CONTROL_RULE, control_character


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
        return cls(404, f"the model {model!r} does not exist; this server serves {served!r}", "not_found_error", "model_not_found", "model")

    @classmethod
    def from_validation(cls, errors: Sequence[Mapping[str, Any]]) -> APIError:
        """400 for pydantic validation errors of a request body (`loc` starting with "body" or a field),
        naming every offending field in the message and the first as `param`."""
        problems: dict[str | None, tuple[str, list[str]]] = {}  # param -> (error type, messages)
        for err in errors:
            kind = str(err.get("type", ""))
            param = _param(err.get("loc", ()), unknown=kind == "extra_forbidden")
            if kind == "json_invalid":
                param = None
            text = str(err.get("ctx", {}).get("error", "")) if kind == "json_invalid" else str(err.get("msg", ""))
            messages = problems.setdefault(param, (kind, []))[1]
            if text.removeprefix("Value error, ") not in messages:
                messages.append(text.removeprefix("Value error, "))
        message = "; ".join(_describe(param, kind, messages) for param, (kind, messages) in problems.items())
        first = next(iter(problems.items()), (None, ("", [])))
        code = {"extra_forbidden": "unknown_parameter", "missing": "missing_required_parameter"}.get(first[1][0], "invalid_value")
        return cls(400, message or "invalid request", code=code, param=first[0])


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
        json.loads(text)
    except json.JSONDecodeError as err:
        return APIError(400, f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}", code="invalid_value")
    return APIError(400, "the body is not valid JSON", code="invalid_value")


def body_problem(value: object, path: str = "") -> APIError | None:
    """400 naming the first field of a parsed JSON body (`value`, or the SDK's body before it is sent) that no VELO
    service takes, else None; `path` is the field's (`messages[0].content`, `tools[0].parameters.x`):

    - a text with a lone surrogate (JSON allows "\\ud800", UTF-8 cannot hold it: the cache, the tokenizers and the
      upstreams refuse it);
    - a text with a control character other than tab, line feed and carriage return (`velo.control_chars` says why),
      named with its position: "\\u0000" in a question had been looked up, answered and written back (issue 8);
    - a number that is not finite: Python's `json` (and pydantic's parser) read the literals `NaN`, `Infinity` and
      `-Infinity`, which RFC 8259 has no place for, and `1e999` as infinity; `temperature: NaN` had been refused as
      "Input should be less than or equal to 2", a NaN inside `tools` accepted, and a cloud would forward it upstream.
    """
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            message = f"{path} is not valid Unicode text: a lone surrogate {value[err.start]!r} at character {err.start}"
            return APIError(400, message, code="invalid_value", param=path or None)
        if (control := control_character(value)) is not None:
            return APIError(400, f"{path} holds {control}: {CONTROL_RULE}", code="invalid_value", param=path or None)
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else not_finite(path, value)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, (list, tuple)) else ()
    for key, item in items:
        found = body_problem(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key))
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


def _infinite(value: object) -> APIError | None:
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
        path = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key)
    return not_finite(path, number)


def _infinite_at(value: object) -> tuple[list[str | int], float] | None:
    """(the keys down to the first non-finite number in `value`, innermost last; that number), else None."""
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
        if isinstance(item, (float, BaseModel, dict, list)) and (found := _infinite_at(item)) is not None:
            found[0].insert(0, key)
            return found
    return None


def parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """`raw` validated as `model`, or the APIError naming the problem: an empty body, bytes that are not UTF-8, a JSON
    syntax error, a field `body_problem` refuses (a lone surrogate or a control character in a text, a number that is
    not finite, anywhere in the body), or the fields pydantic refuses (`APIError.from_validation`).
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
        value = json.loads(raw.decode("utf-8"))
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
