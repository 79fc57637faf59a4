"""The one error shape of every VELO service and the SDK, and reading a request body into its model or the error naming
what is wrong with it (`parse_body`, `APIError.from_validation`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError


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


def not_unicode(value: object, path: str = "") -> APIError | None:
    """400 naming the first text field of a parsed JSON body (`value`) with a lone surrogate (JSON allows "\\ud800",
    UTF-8 cannot hold it: the cache, the tokenizers and the upstreams refuse it), else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            message = f"{path} is not valid Unicode text: a lone surrogate {value[err.start]!r} at character {err.start}"
            return APIError(400, message, code="invalid_value", param=path or None)
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = not_unicode(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """`raw` validated as `model`, or the APIError naming the problem: an empty body, bytes that are not UTF-8, a JSON
    syntax error, a text field with a lone surrogate, or the fields pydantic refuses (`APIError.from_validation`).
    The fast path is pydantic's own JSON parser; only a body it cannot parse is parsed again to say why."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as err:
        errors = err.errors()
    if not any(e.get("type") == "json_invalid" for e in errors):
        raise APIError.from_validation(errors)
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        raise body_not_json(raw) from None
    if (problem := not_unicode(value)) is not None:
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
