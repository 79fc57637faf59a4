"""The Python SDK: `velo.Client` and `velo.AsyncClient`, thin httpx clients of a VELO gateway.

    client = velo.Client(base_url="http://127.0.0.1:8000", api_key="velo-...")  # a trailing /v1 is fine too
    answer = client.chat("What is the capital of France?")
    answer.text, answer.route, answer.latency_ms, answer.similarity
    for piece in client.chat_stream("Tell me a story"):   # StreamPiece(text=..., route=None ... last: route set)
        print(piece.text, end="")
    client.chat_stream("Hi", stream_options={"include_usage": True})  # the last piece carries `usage` too

Both clients build requests and read responses with the same functions (`_chat_body`, `_answer_of`,
`_raise_for`, `_piece_of`); only the transport differs. Responses are `velo.wire` models; every failure is
a typed exception: `APIStatusError` subclasses by HTTP status (400 `BadRequestError`, and its `InvalidRequestError`
for a request the SDK refuses before sending it: a field of the wrong type, text with a lone surrogate or a control
character other than tab and line ends (`velo.control_chars`), a number that is not finite (NaN, infinity); 401
`AuthenticationError`, 403 `PermissionDeniedError`, 404 `NotFoundError`, 413 `PayloadTooLargeError`, 429
`RateLimitError`, 5xx `ServerError`), each with the server's `message`, `code` and `param`; a gateway that
cannot be reached raises `APIConnectionError`, a timeout `APITimeoutError`; a success whose body is not the
route's shape `APIResponseValidationError`.

What the SDK refuses before sending (`InvalidRequestError` naming the field), because it could not read the
answer or because the method sets the field itself: `stream` in `chat` / `complete` (they return one whole
answer: stream with `chat_stream`), `stream` in `chat_stream`, `messages` / `prompt` among the fields (the
method's first argument), a `complete` prompt that is not one text and `n` / `best_of` other than 1 (an `Answer`
holds one choice), `logprobs` / `top_logprobs` and tools (`tools`, `tool_choice`, `functions`, `function_call`) given
anything but their OpenAI default: an `Answer` carries text only. Header values
are checked when the client is built (`InvalidRequestError`, a ValueError, naming the argument): `namespace` by the
rule the gateway applies (`velo.wire.namespace_problem`), `api_key` as an HTTP header can carry it
(`velo.wire.api_key_problem`); a `base_url` that is no http(s) URL is a ValueError.

`base_url` is the gateway's address; the address the openai client takes (ending in `/v1`) works as well: a
trailing `/v1` is dropped, since the SDK adds it to every path.

Imports httpx, pydantic and `velo.wire` only: an application can depend on the SDK without torch,
pymilvus or the simulator (tests/test_sdk.py checks `sys.modules`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx

from pydantic import BaseModel, ValidationError

from velo.wire import (
    APIError, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Completion, CompletionRequest, ModelList, Usage,
    api_key_problem, body_problem, namespace_problem, parse_error,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_MODEL = "velo"
NAMESPACE_HEADER = "x-velo-namespace"
OVERHEAD_HEADER = "x-velo-overhead-ms"
TIMEOUT_HEADER = "x-velo-timeout-ms"
"""The milliseconds a caller still waits for its response: the SDK sends its `timeout`, so the gateway answers (or
gives up) within it; the gateway sends each edge its time left (`services/deadline.py`)."""

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


class APIResponseValidationError(VeloError):
    """The server answered with a success status but a body that is not the route's shape (`velo.wire`): not a
    VELO gateway or OpenAI-compatible server, or one that sent what the SDK cannot read."""


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
    finish_reason: str | None = None
    """Why the text ended, as the OpenAI API says it: "stop" (the model ended it or a `stop` string did), "length"
    (`max_tokens` cut it), None when the server sent none (nc40: it had been only in `raw.choices[0]`)."""


@dataclass(frozen=True)
class StreamPiece:
    """A streamed piece of text; the last piece (text "") carries `finish_reason`, `route`, `latency_ms`,
    `similarity`, and `usage` when the request asked for it (the server's separate usage chunk is folded into it)."""

    text: str
    finish_reason: str | None = None
    route: str | None = None
    latency_ms: float | None = None
    similarity: float | None = None
    usage: Usage | None = None
    """Token counts, on the last piece when asked for with `stream_options={"include_usage": True}`."""


# --- shared request and response code ---------------------------------------------------------------


def _messages(question: Messages) -> list[dict[str, Any]]:
    if isinstance(question, str):
        return [{"role": "user", "content": question}]
    if not isinstance(question, (list, tuple)):
        raise TypeError(f"question must be a str or a list of {{'role': ..., 'content': ...}} messages, got {type(question).__name__}")
    for i, message in enumerate(question):
        if not isinstance(message, Mapping):  # chat(["a", "b"]) had been "... messages, got list": the list was not the fault
            hint = " (a list of strings: wrap each in {'role': 'user', 'content': ...}, or join them into one str)" if isinstance(message, str) else ""
            raise TypeError(f"question[{i}] must be a {{'role': ..., 'content': ...}} message, got {type(message).__name__}{hint}")
    return [dict(m) for m in question]


_ONE_TEXT = "an Answer carries one text answer"
_UNREADABLE: dict[str, str] = {
    "n": f"{_ONE_TEXT}; send 1 or leave it out",
    "best_of": f"{_ONE_TEXT}; send 1 or leave it out",
    "logprobs": f"{_ONE_TEXT} without log probabilities; leave it out",
    "top_logprobs": f"{_ONE_TEXT} without log probabilities; leave it out",
    "tools": f"{_ONE_TEXT}, never a tool call; leave it out",
    "tool_choice": f"{_ONE_TEXT}, never a tool call; leave it out",
    "functions": f"{_ONE_TEXT}, never a function call; leave it out",
    "function_call": f"{_ONE_TEXT}, never a function call; leave it out",
}
"""Request fields whose answer the SDK could not read (its wire models type them None) -> why: refused when the request
model holds them after validation, i.e. given anything but their OpenAI default, which it reads as absent
(`velo.wire.requests._GenerationRequest`: `n: 1`, `logprobs: false`, `tool_choice: "none"`). Judged on the value
(`tools=[]` asks for tools; `bool([])` had let it through, nc19 finding 6)."""


def _refused(param: str, message: str) -> InvalidRequestError:
    return InvalidRequestError(400, f"refused before sending: {message}", "invalid_request_error", "invalid_value", param)


def _readable(fields: dict[str, Any], method: str, streamed: bool, own: str) -> dict[str, Any]:
    """`fields` without None values, else `InvalidRequestError` for one the method sets itself (`stream`, `own`: the
    question's field) or whose answer it cannot read (`_UNREADABLE`); nothing is sent."""
    given = {k: v for k, v in fields.items() if v is not None}
    if own in given:
        raise _refused(own, f"{method}() takes the {own} as its first argument, not as {own}=")
    if not streamed and given.get("stream") is True:
        instead = "chat_stream(prompt, ...) (the gateway serves a prompt as one user turn)" if own == "prompt" else "chat_stream() with the same arguments"
        raise _refused("stream", f"stream=True: {method}() returns one whole answer; for a streamed answer call {instead}")
    if streamed and "stream" in given:
        raise _refused("stream", f"stream={given['stream']!r}: chat_stream() always streams; leave stream out")
    return given


def _chat_body(question: Messages, model: str, stream: bool, fields: dict[str, Any]) -> dict[str, Any]:
    method = "chat_stream" if stream else "chat"
    body = {"model": model, "messages": _messages(question), **_readable(fields, method, stream, "messages")}
    if stream:
        body["stream"] = True
    return _checked(ChatCompletionRequest, body)


def _completion_body(prompt: str, model: str, fields: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(prompt, str):  # a batch has one choice per prompt; only choice 0 had been read (nc19 finding 6)
        raise _refused("prompt", f"complete() takes one text prompt, got {type(prompt).__name__}: {_ONE_TEXT}; call it once per prompt")
    return _checked(CompletionRequest, {"model": model, "prompt": prompt, **_readable(fields, "complete", False, "prompt")})


def _checked(model: type[BaseModel], body: dict[str, Any]) -> dict[str, Any]:
    """`body`, validated as the gateway validates it (`velo.wire`'s request model, the one schema), else
    `InvalidRequestError` naming the field; nothing is sent."""
    problem = body_problem(body)
    if problem is None:
        try:
            request = model.model_validate(body)
        except ValidationError as err:
            problem = APIError.from_validation(err.errors())
        else:
            for name, why in _UNREADABLE.items():
                if getattr(request, name, None) is not None:
                    raise _refused(name, f"{name}={body[name]!r}: {why}")
    if problem is not None:
        raise InvalidRequestError(problem.status, f"refused before sending: {problem.message}", problem.type, problem.code, problem.param)
    return body


def _gateway_url(base_url: str) -> str:
    """`base_url` without trailing slashes or a trailing `/v1` (the openai client's form): the SDK's paths start with /v1."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def url_problem(url: object) -> str | None:
    """Why `url` is no http(s) base URL with a host, else None (httpx would fail each request on it, as with a server
    that is down): the SDK's `base_url`, the gateway's edge and cloud URLs."""
    if not isinstance(url, str):
        return f"must be a str such as {DEFAULT_BASE_URL!r}, got {type(url).__name__}"
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as err:
        return f"{url[:200]!r} is not a URL: {err}"
    if parsed.scheme not in ("http", "https") or not parsed.host:
        return f"{url[:200]!r} is not an http(s) URL with a host, such as {DEFAULT_BASE_URL!r}"
    return None


def _gateway(base_url: object) -> str:
    """`base_url` checked (`url_problem`, ValueError naming it) and without a trailing `/v1`."""
    if (problem := url_problem(base_url)) is not None:
        raise ValueError(f"base_url {problem}")
    return _gateway_url(base_url)  # type: ignore[arg-type]


def _headers(api_key: object, namespace: object, timeout: float) -> dict[str, str]:
    """The headers every request carries, each checked when the client is built: `InvalidRequestError` (a ValueError)
    naming the argument (httpx would fail at the first request, with a bare UnicodeEncodeError for a non-ASCII value);
    the client's `timeout` as its budget (`TIMEOUT_HEADER`)."""
    headers = {TIMEOUT_HEADER: str(max(1, int(timeout * 1000)))}
    if api_key is not None:
        if (problem := api_key_problem(api_key)) is not None:
            raise _refused("api_key", f"api_key: {problem}")
        headers["Authorization"] = f"Bearer {api_key}"
    if namespace is not None:
        if (problem := namespace_problem(namespace)) is not None:
            raise _refused("namespace", f"namespace: {problem}")
        headers[NAMESPACE_HEADER] = namespace  # type: ignore[assignment]
    return headers


def _parsed(model: type[BaseModel], content: bytes | str, what: str) -> Any:
    """`content` read as `model`, else `APIResponseValidationError` saying what the server sent instead."""
    try:
        return model.model_validate_json(content)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(map(str, first["loc"])) or "the body"
        text = content if isinstance(content, str) else content.decode(errors="replace")
        raise APIResponseValidationError(f"the server's answer is not {what}: {where}: {first['msg']} (body: {text[:200]!r})") from None


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
    raw = _parsed(Completion, response.content, "a text_completion") if completion else _parsed(ChatCompletion, response.content, "a chat.completion")
    choice = raw.choices[0] if raw.choices else None
    text = "" if choice is None else (choice.text if completion else choice.message.content)  # type: ignore[union-attr]
    overhead = response.headers.get(OVERHEAD_HEADER)
    finish = None if choice is None else choice.finish_reason
    return Answer(text, raw.route, raw.latency_ms, raw.similarity, float(overhead) if overhead else None, raw.usage, raw, finish)


def _piece_of(line: str) -> StreamPiece | None:
    """One server-sent event line as a piece; None for blank lines, comments and `[DONE]`; `ServerError` for an error
    event (a stream that failed after it started), `APIResponseValidationError` for an event that is no chunk."""
    if not line.startswith("data:"):
        return None
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    if (detail := parse_error(data.encode())) is not None:
        raise ServerError(500, detail.message, detail.type, detail.code, detail.param)
    chunk = _parsed(ChatCompletionChunk, data, "a chat.completion.chunk")
    choice = chunk.choices[0] if chunk.choices else None
    text = (choice.delta.content or "") if choice else ""
    return StreamPiece(text, choice.finish_reason if choice else None, chunk.route, chunk.latency_ms, chunk.similarity, chunk.usage)


class _Pieces:
    """A stream's lines in, its pieces out (both clients feed it): the piece that ends the answer (`finish_reason` or
    `route` set) is held until the next event, so that the usage chunk that may follow it (`include_usage`: no choices,
    `usage`) is folded into it and the last piece carries everything; an event that carries nothing (the role chunk)
    is no piece."""

    def __init__(self) -> None:
        self._held: StreamPiece | None = None

    def feed(self, line: str) -> list[StreamPiece]:
        piece = _piece_of(line)
        if piece is None:
            return self.end() if line.startswith("data:") else []  # [DONE]
        out = []
        if piece.usage is not None and not piece.text and piece.finish_reason is None and piece.route is None:
            out = [replace(self._held, usage=piece.usage)] if self._held is not None else [piece]
            self._held = None
            return out
        out = self.end()
        if piece.finish_reason is not None or piece.route is not None:
            self._held = piece
        elif piece.text or piece.usage is not None:
            out.append(piece)
        return out

    def end(self) -> list[StreamPiece]:
        held, self._held = self._held, None
        return [held] if held is not None else []


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
        self._http = httpx.Client(base_url=_gateway(base_url), headers=_headers(api_key, namespace, timeout), timeout=timeout)

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
        """A completion of `prompt` (served as one question), whole; `stream=True` is refused: use `chat_stream`."""
        body = _completion_body(prompt, self.model, {"max_tokens": max_tokens, "lang": lang, **fields})
        return _answer_of(self._post("/v1/completions", body), completion=True)

    def chat_stream(self, question: Messages, *, max_tokens: int | None = None, lang: str | None = None, **fields: Any) -> Iterator[StreamPiece]:
        """The answer as it is made, piece by piece; the last piece (text "") carries `finish_reason`, `route`,
        `latency_ms`, `similarity`, and `usage` with `stream_options={"include_usage": True}`."""
        body = _chat_body(question, self.model, True, {"max_tokens": max_tokens, "lang": lang, **fields})
        try:
            with self._http.stream("POST", "/v1/chat/completions", json=body) as response:
                if response.status_code >= 400:
                    _raise_for(response.status_code, response.read())
                pieces = _Pieces()
                for line in response.iter_lines():
                    yield from pieces.feed(line)
                yield from pieces.end()
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    def models(self) -> ModelList:
        try:
            response = self._http.get("/v1/models")
        except httpx.TransportError as err:
            raise _transport_error(err) from None
        _raise_for(response.status_code, response.content)
        return _parsed(ModelList, response.content, "a model list")


class AsyncClient:
    """The asyncio twin of `Client`: the same methods, awaited (`chat_stream` is an async iterator)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, api_key: str | None = None, *, namespace: str | None = None,
                 model: str = DEFAULT_MODEL, timeout: float = 120.0) -> None:
        self.model = model
        self._http = httpx.AsyncClient(base_url=_gateway(base_url), headers=_headers(api_key, namespace, timeout), timeout=timeout)

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
                pieces = _Pieces()
                async for line in response.aiter_lines():
                    for piece in pieces.feed(line):
                        yield piece
                for piece in pieces.end():
                    yield piece
        except httpx.TransportError as err:
            raise _transport_error(err) from None

    async def models(self) -> ModelList:
        try:
            response = await self._http.get("/v1/models")
        except httpx.TransportError as err:
            raise _transport_error(err) from None
        _raise_for(response.status_code, response.content)
        return _parsed(ModelList, response.content, "a model list")
