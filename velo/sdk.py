"""The Python SDK: `velo.Client` and `velo.AsyncClient`, thin httpx clients of a VELO gateway.

    client = velo.Client(base_url="http://127.0.0.1:8000", api_key="velo-...")  # a trailing /v1 is fine too
    answer = client.chat("What is the capital of France?")
    answer.text, answer.route, answer.latency_ms, answer.similarity
    for piece in client.chat_stream("Tell me a story"):   # StreamPiece(text=..., route=None ... last: route set)
        print(piece.text, end="")

Both clients build requests and read responses with the same functions (`_chat_body`, `_answer_of`,
`_raise_for`, `_piece_of`); only the transport differs. Responses are `velo.wire` models; every failure is
a typed exception: `APIStatusError` subclasses by HTTP status (400 `BadRequestError`, and its `InvalidRequestError`
for a request the SDK refuses before sending it: a field of the wrong type, text with a lone surrogate; 401
`AuthenticationError`, 403 `PermissionDeniedError`, 404 `NotFoundError`, 413 `PayloadTooLargeError`, 429
`RateLimitError`, 5xx `ServerError`), each with the server's `message`, `code` and `param`; a gateway that
cannot be reached raises `APIConnectionError`, a timeout `APITimeoutError`.

`base_url` is the gateway's address; the address the openai client takes (ending in `/v1`) works as well: a
trailing `/v1` is dropped, since the SDK adds it to every path.

Imports httpx, pydantic and `velo.wire` only: an application can depend on the SDK without torch,
pymilvus or the simulator (tests/test_sdk.py checks `sys.modules`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from pydantic import BaseModel, ValidationError

from velo.wire import (
    APIError, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, CompletionRequest, ErrorResponse, ModelList, Usage,
    not_unicode, parse_error,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_MODEL = "velo"
NAMESPACE_HEADER = "x-velo-namespace"
OVERHEAD_HEADER = "x-velo-overhead-ms"

Messages = str | Sequence[dict[str, Any]]
"""A question (one user turn) or OpenAI chat messages."""


class VeloError(Exception):
    """Any failure of an SDK call."""


class APIConnectionError(VeloError):
    """The gateway could not be reached (refused, reset, DNS)."""


class APITimeoutError(APIConnectionError):
    """The gateway did not answer within the client's timeout."""


class APIStatusError(VeloError):
    """The gateway answered with an error status and the one error shape (`velo.wire.ErrorResponse`)."""

    def __init__(self, status: int, message: str, type: str | None = None, code: str | None = None, param: str | None = None) -> None:
        super().__init__(f"{status} {message}")
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param


class BadRequestError(APIStatusError): ...


class InvalidRequestError(BadRequestError, ValueError):
    """A request the SDK refused before sending it, with the 400 the gateway would answer (`param` names the field):
    a field of the wrong type or range (`max_tokens=True`), or text with a lone surrogate, which no JSON body in
    UTF-8 can carry (httpx would fail on it with a bare UnicodeEncodeError at an offset into the body)."""


class AuthenticationError(APIStatusError): ...
class PermissionDeniedError(APIStatusError): ...
class NotFoundError(APIStatusError): ...
class PayloadTooLargeError(APIStatusError): ...
class RateLimitError(APIStatusError): ...
class ServerError(APIStatusError): ...


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError, 404: NotFoundError,
    413: PayloadTooLargeError, 429: RateLimitError,
}


@dataclass(frozen=True)
class Answer:
    """One answer and how VELO served it."""

    text: str
    route: str | None
    """cache / edge / cloud / cloud_context."""
    latency_ms: float | None
    """VELO's end-to-end time for the request (ms)."""
    similarity: float | None
    """Cosine similarity of the request to the best cached question; None when there was no candidate."""
    overhead_ms: float | None
    """Time the gateway itself added (its `x-velo-overhead-ms` header), ms."""
    usage: Usage | None
    raw: ChatCompletion | Completion


@dataclass(frozen=True)
class StreamPiece:
    """A streamed piece of text; the last piece (text "") carries `route`, `latency_ms`, `similarity`."""

    text: str
    finish_reason: str | None = None
    route: str | None = None
    latency_ms: float | None = None
    similarity: float | None = None


# --- shared request and response code ---------------------------------------------------------------


def _messages(question: Messages) -> list[dict[str, Any]]:
    if isinstance(question, str):
        return [{"role": "user", "content": question}]
    if not isinstance(question, (list, tuple)) or not all(isinstance(m, Mapping) for m in question):
        raise TypeError(f"question must be a str or a list of {{'role': ..., 'content': ...}} messages, got {type(question).__name__}")
    return [dict(m) for m in question]


def _chat_body(question: Messages, model: str, stream: bool, fields: dict[str, Any]) -> dict[str, Any]:
    body = {"model": model, "messages": _messages(question), **{k: v for k, v in fields.items() if v is not None}}
    if stream:
        body["stream"] = True
    return _checked(ChatCompletionRequest, body)


def _completion_body(prompt: str, model: str, fields: dict[str, Any]) -> dict[str, Any]:
    return _checked(CompletionRequest, {"model": model, "prompt": prompt, **{k: v for k, v in fields.items() if v is not None}})


def _checked(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """`body`, validated as the gateway validates it (`velo.wire`'s request model, the one schema), else
    `InvalidRequestError` naming the field; nothing is sent."""
    problem = not_unicode(body)
    if problem is None:
        try:
            model.model_validate(body)
        except ValidationError as err:
            problem = APIError.from_validation(err.errors())
    if problem is not None:
        raise InvalidRequestError(problem.status, f"refused before sending: {problem.message}", problem.type, problem.code, problem.param)
    return body


def _gateway_url(base_url: str) -> str:
    """`base_url` without trailing slashes or a trailing `/v1` (the openai client's form): the SDK's paths start with /v1."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _headers(api_key: str | None, namespace: str | None) -> dict[str, str]:
    headers = {}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    if namespace:
        headers[NAMESPACE_HEADER] = namespace
    return headers


def _raise_for(status: int, body: bytes) -> None:
    if status < 400:
        return
    if (detail := parse_error(body)) is not None:
        message, kind, code, param = detail.message, detail.type, detail.code, detail.param
    else:
        message, kind, code, param = body.decode(errors="replace")[:500] or "no body", None, None, None
    cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIStatusError)
    raise cls(status, message, kind, code, param)


def _answer_of(response: httpx.Response, completion: bool = False) -> Answer:
    _raise_for(response.status_code, response.content)
    raw = (Completion if completion else ChatCompletion).model_validate_json(response.content)
    choice = raw.choices[0] if raw.choices else None
    text = "" if choice is None else (choice.text if completion else choice.message.content)  # type: ignore[union-attr]
    overhead = response.headers.get(OVERHEAD_HEADER)
    return Answer(text, raw.route, raw.latency_ms, raw.similarity, float(overhead) if overhead else None, raw.usage, raw)


def _piece_of(line: str) -> StreamPiece | None:
    """One server-sent event line as a piece; None for blank lines, comments and `[DONE]`."""
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    payload = json.loads(data)
    if "error" in payload:
        detail = ErrorResponse.model_validate(payload).error
        raise ServerError(500, detail.message, detail.type, detail.code, detail.param)
    chunk = ChatCompletionChunk.model_validate(payload)
    choice = chunk.choices[0] if chunk.choices else None
    text = (choice.delta.content or "") if choice else ""
    return StreamPiece(text, choice.finish_reason if choice else None, chunk.route, chunk.latency_ms, chunk.similarity)


def _transport_error(err: httpx.TransportError) -> VeloError:
    if isinstance(err, httpx.TimeoutException):
        return APITimeoutError(f"the gateway did not answer in time: {err}")
    return APIConnectionError(f"cannot reach the gateway: {type(err).__name__}: {err}")


# --- the clients ------------------------------------------------------------------------------------


class Client:
    """A blocking client of a VELO gateway (or anything OpenAI-compatible). Use as a context manager or `close()`."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: str | None = None, *, namespace: str | None = None,
                 model: str = DEFAULT_MODEL, timeout: float = 120.0) -> None:
        self.model = model
        self._http = httpx.Client(base_url=_gateway_url(base_url), headers=_headers(api_key, namespace), timeout=timeout)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return self._http.post(path, json=body)
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    def chat(self, question: Messages, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Answer:
        """Ask a question (or send chat messages); `lang`: its language code (None: the edge identifies it; only cached
        entries of that language are candidates); `fields` are further OpenAI request fields."""
        body = _chat_body(question, self.model, False, {"max_tokens": max_tokens, "lang": lang, **fields})
        return _answer_of(self._post("/v1/chat/completions", body))

    def complete(self, prompt: str, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Answer:
        body = _completion_body(prompt, self.model, {"max_tokens": max_tokens, "lang": lang, **fields})
        return _answer_of(self._post("/v1/completions", body), completion=True)

    def chat_stream(self, question: Messages, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Iterator[StreamPiece]:
        body = _chat_body(question, self.model, True, {"max_tokens": max_tokens, "lang": lang, **fields})
        try:
            with self._http.stream("POST", "/v1/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    _raise_for(response.status_code, response.read())
                for line in response.iter_lines():
                    if (piece := _piece_of(line)) is not None:
                        yield piece
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    def models(self) -> ModelList:
        try:
            response = self._http.get("/v1/models")
        except httpx.TransportError as err:
            raise _transport_error(err) from None
        _raise_for(response.status_code, response.content)
        return ModelList.model_validate_json(response.content)


class AsyncClient:
    """The asyncio twin of `Client`: the same methods, awaited (`chat_stream` is an async iterator)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: str | None = None, *, namespace: str | None = None,
                 model: str = DEFAULT_MODEL, timeout: float = 120.0) -> None:
        self.model = model
        self._http = httpx.AsyncClient(base_url=_gateway_url(base_url), headers=_headers(api_key, namespace), timeout=timeout)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        try:
            return await self._http.post(path, json=body)
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    async def chat(self, question: Messages, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Answer:
        body = _chat_body(question, self.model, False, {"max_tokens": max_tokens, "lang": lang, **fields})
        return _answer_of(await self._post("/v1/chat/completions", body))

    async def complete(self, prompt: str, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Answer:
        body = _completion_body(prompt, self.model, {"max_tokens": max_tokens, "lang": lang, **fields})
        return _answer_of(await self._post("/v1/completions", body), completion=True)

    async def chat_stream(self, question: Messages, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> AsyncIterator[StreamPiece]:
        body = _chat_body(question, self.model, True, {"max_tokens": max_tokens, "lang": lang, **fields})
        try:
            async with self._http.stream("POST", "/v1/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    _raise_for(response.status_code, await response.aread())
                async for line in response.aiter_lines():
                    if (piece := _piece_of(line)) is not None:
                        yield piece
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    async def models(self) -> ModelList:
        try:
            response = await self._http.get("/v1/models")
        except httpx.TransportError as err:
            raise _transport_error(err) from None
        _raise_for(response.status_code, response.content)
        return ModelList.model_validate_json(response.content)
