"""What every VELO app shares: the one error shape for every failure, JSON and server-sent-event responses.

Every failure of every app answers `{"error": {"message", "type", "code", "param"}}` (`velo.wire.ErrorResponse`):
request validation with 400 as OpenAI does (FastAPI's own 422 is replaced), unknown routes with 404, a body
larger than the app's `max_body_bytes` with 413 before it is read, a prompt longer than its `max_prompt_chars` with
400 `context_length_exceeded` naming the prompt's field before it is tokenized or embedded (`check_prompt_chars`), and
any unexpected exception with 500 and its type, never a stack trace. Every 503 and 429 is a `RetryLater`, which says
when to ask again in the headers the official `openai` client obeys.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Literal, TextIO, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from velo.wire import API_VERSION, CONTEXT_LENGTH_EXCEEDED, APIError, ModelCard, ModelList, body_not_json, parse_body

log = logging.getLogger("velo.services")
requests_log = logging.getLogger("velo.requests")
"""One INFO line per answered OpenAI request (`record_request`), the request log."""


def record_request(service: str, route: str, user: str | None, safety_identifier: str | None = None, **fields: object) -> None:
    """The request log's line for an answered request: the service, its route, the client's `user` (OpenAI's end-user
    identifier for monitoring and abuse detection: what VELO does with it, as it changes no answer; quoted, so no
    identifier can forge a line), its `safety_identifier` (`user`'s successor, written only when given, so a line
    without one reads as before) and `fields` (the gateway's API key name and namespace, how it was served). Logged
    once the answer is decided: the whole answer's status, or a stream's start.

        gateway cache user='hash-9c1e' safety_identifier='sid-41f2' key='tests' namespace=default"""
    extra = "".join(f" {name}={value}" for name, value in fields.items())
    if safety_identifier is not None:
        extra = f" safety_identifier={safety_identifier!r}{extra}"
    requests_log.info("%s %s user=%s%s", service, route, "-" if user is None else repr(user), extra)


def write_request_log(stream: TextIO | None = None) -> None:
    """Write the request log's INFO lines to `stream` (stderr when None), whatever level uvicorn runs at: what `velo
    serve` and `velo shard serve` call before they start a service, so each line reaches the service's log
    (`velo up` sends a child's stderr to `$VELO_HOME/up/logs/<service>.log`, docker to its log driver). Nothing had
    configured `velo.requests`: its INFO lines were dropped (Python's last-resort handler writes WARNING and up) and
    no log held the `user` the README says is written there (issue 9 finding 2). Idempotent; the lines do not
    propagate, so a root logger configured later does not write them twice.

        2026-12-02 10:41:07,512 velo.requests cloud upstream user='hash-9c1e'"""
    if any(getattr(handler, "velo_request_log", False) for handler in requests_log.handlers):
        return
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    handler.velo_request_log = True  # type: ignore[attr-defined]
    requests_log.addHandler(handler)
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False


M = TypeVar("M", bound=BaseModel)


def json_body(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """The dependency that reads a request's body as `model` by `velo.wire.parse_body`, whatever its `Content-Type`:
    a route takes `body: Annotated[ChatCompletionRequest, Depends(json_body(ChatCompletionRequest))]`. The one way every
    VELO service reads a body (the gateway calls `parse_body` itself, after its key checks), so every service answers an
    odd body alike: empty, not UTF-8, not JSON, a text field with a lone surrogate, a field pydantic refuses, each a 400
    naming it. FastAPI's own body parameters had let `velo shard serve` pass a lone surrogate to its tokenizer (a 500)
    and refuse a JSON object sent as `text/plain` that the gateway served (nc19 findings 1 and 8);
    tests/services/test_one_body_path.py finds no route that reads its body otherwise."""

    async def read(request: Request) -> M:
        return parse_body(model, await request.body())  # type: ignore[no-any-return]

    return read


def retry_after(wait_s: float) -> dict[str, str]:
    """The `Retry-After` header of a wait of `wait_s` seconds: whole seconds (RFC 9110 10.2.3 has no fractions), rounded
    up so a client that obeys it never comes back early, and at least 1 (0 would have the `openai` client fall back on
    its own backoff). A limit that said "retry in 59.48 s" had sent `Retry-After: 1` (tests/services/test_gateway_keys.py)."""
    return {"Retry-After": str(max(1, math.ceil(wait_s)))}


class RetryLater(APIError):
    """A 503 (this server cannot answer now), 429 (the caller asked too often) or 504 (no LLM could begin the answer in
    the caller's time: `velo.wire.DEADLINE_EXCEEDED`) and when to ask again: `wait_s` goes out as `Retry-After`
    (`retry_after`); None says waiting will not lift the refusal (a spent budget, one too short for the prompt), as
    `x-should-retry: false`, which the official `openai` client reads before retrying. The one way a VELO service answers
    503 or 429 (`tests/services/test_retry_later.py` finds no other), so none is sent without its wait."""

    def __init__(self, status: Literal[429, 503, 504], message: str, code: str, wait_s: float | None, type: str = "server_error") -> None:
        super().__init__(status, message, type, code)
        self.wait_s = wait_s
        self.headers = retry_after(wait_s) if wait_s is not None else {"x-should-retry": "false"}


def error_response(err: APIError, headers: dict[str, str] | None = None) -> JSONResponse:
    """`err` in the one error shape, with a `RetryLater`'s headers."""
    if isinstance(err, RetryLater):
        headers = {**err.headers, **(headers or {})}
    return JSONResponse(status_code=err.status, content=err.body.model_dump(), headers=headers)


def json_response(model: BaseModel, headers: dict[str, str] | None = None) -> Response:
    return Response(model.model_dump_json(), media_type="application/json", headers=headers)


def model_routes(app: FastAPI, model_name: str, authenticate: Callable[[Request], object] | None = None) -> None:
    """`GET /v1/models` (the one served model) and `GET /v1/models/{id}` (its card, the `openai` client's
    `models.retrieve`; another id -> 404 `model_not_found` in the one error shape, as OpenAI answers), each after
    `authenticate(request)` if given. The card's `created` is the app's start (`app.state.started`, set in its lifespan)."""

    def card(request: Request) -> ModelCard:
        if authenticate is not None:
            authenticate(request)
        return ModelCard(id=model_name, created=request.app.state.started)

    @app.get(f"/{API_VERSION}/models")
    async def models(request: Request) -> ModelList:
        return ModelList(data=[card(request)])

    @app.get(f"/{API_VERSION}/models/{{model_id:path}}")  # ids may hold a slash ("HuggingFaceTB/SmolLM2-135M-Instruct")
    async def model(model_id: str, request: Request) -> ModelCard:
        found = card(request)
        if model_id != model_name:
            raise APIError.model_not_found(model_id, model_name)
        return found


class ClosingStreamingResponse(StreamingResponse):
    """A stream that calls `on_close` however it ends: sent whole, the client gone mid-stream, or gone before its first
    byte. Starlette only stops iterating when the client leaves (ASGI spec 2.3: it cancels the sending task): an
    async generator never started, or suspended outside its `try`, then never runs its `finally`, so the answer
    behind it (an LLM generating for nobody, an upstream connection) would stay open; `on_close` is the owner's
    explicit release (idempotent)."""

    def __init__(self, content: AsyncIterator[str], on_close: Callable[[], Awaitable[None]] | None, **kwargs: object) -> None:
        super().__init__(content, **kwargs)  # type: ignore[arg-type]
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            if self.on_close is not None:
                await self.on_close()


def sse_response(events: AsyncIterator[str], headers: dict[str, str] | None = None,
                 on_close: Callable[[], Awaitable[None]] | None = None) -> StreamingResponse:
    """Server-sent events; `on_close` releases what produces them once the response ends, however it ends."""
    return ClosingStreamingResponse(events, on_close, media_type="text/event-stream", headers={"Cache-Control": "no-cache", **(headers or {})})


Admit = Callable[[str, str | None], APIError | None]
"""An app's first check of a request, from its path and `Authorization` header alone: its 401 (`APIError`), or None."""


class BodyLimit:
    """ASGI middleware: a request whose body is larger than `max_bytes` is answered 413 naming the limit before any of it
    is parsed, tokenized or embedded: a declared `Content-Length` before the route runs, a chunked body as soon as
    what was read passes the limit (an HTTPException, which FastAPI's body reading lets through to the handler of
    every app). A 3 MB CJK prompt otherwise cost an app seconds (`benchmarks/oversized_refusal.py`), tokenizing 1.6
    million tokens to find them longer than an 8,192-token context window.

    `admit` (the gateway's API keys, an edge's internal token) runs before anything else, the size included: a client
    without a key learns nothing but that it needs one (svc40 item 5: a keyless body over the limit had been told the
    limit in a 413, a bad `x-velo-timeout-ms` had been a 400 before the 401). It needs no byte of the body."""

    def __init__(self, app: ASGIApp, max_bytes: int, admit: Admit | None = None) -> None:
        self.app, self.max_bytes, self.admit = app, max_bytes, admit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.admit is not None:
            sent = dict(scope["headers"]).get(b"authorization")
            if (refused := self.admit(scope["path"], None if sent is None else sent.decode("latin-1"))) is not None:
                return await error_response(refused)(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            message = f"the body is {int(declared)} bytes, more than this server's limit of {self.max_bytes}"
            return await error_response(APIError(413, message, code="request_too_large"))(scope, receive, send)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise StarletteHTTPException(413, f"the body is more than this server's limit of {self.max_bytes} bytes")
            return message

        await self.app(scope, counted, send)


MAX_PROMPT_CHARS = 64_000
"""The default `max_prompt_chars` of the services that tokenize a prompt (the edge server, the cloud service, `velo shard
serve`): twice the characters of English text filling SmolLM2's 8,192-token context window (about 4 a token), so a
prompt refused by it could have fit only if made mostly of long runs (SmolLM2 has tokens of up to 81 spaces or '#');
tokenizing 64,000 CJK characters (~100,000 tokens) before the context window refuses them costs ~0.1 s."""


def check_prompt_chars(texts: Iterable[str], limit: int, param: str) -> None:
    """400 `context_length_exceeded` naming `param` (the prompt's field: "messages", "prompt") and the limit for a prompt
    whose `texts` (its messages' or its prompts' text) have more than `limit` characters in all: the status and code
    OpenAI answers a prompt too long for the model with, which clients read to shorten a conversation and ask again (it
    had been a 413 `prompt_too_large`, which they read as a body too large). Counting takes microseconds,
    so every service asks this before its tokenizer or embedder sees the prompt: a 0.9 MB CJK body, under
    `max_body_bytes`, had taken ~0.55 s of tokenizing to be refused by the context window (`benchmarks/oversized_refusal.py`)."""
    chars = sum(len(text) for text in texts)
    if chars > limit:
        raise APIError(400, f"{param} has {chars} characters, more than this server's limit of {limit} (max_prompt_chars)",
                       code=CONTEXT_LENGTH_EXCEEDED, param=param)


def install_error_handlers(app: FastAPI, max_body_bytes: int | None = None, admit: Admit | None = None) -> None:
    """Answer every failure with the one error shape; with `max_body_bytes`, a larger body with 413 (`BodyLimit`), after
    `admit`'s 401 if it refuses the request."""
    if max_body_bytes is not None:
        app.add_middleware(BodyLimit, max_bytes=max_body_bytes, admit=admit)

    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(APIError.from_validation(exc.errors()))  # OpenAI answers 400, not FastAPI's 422

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.__cause__, UnicodeDecodeError):  # FastAPI's "There was an error parsing the body": say why
            return error_response(body_not_json(exc.__cause__.object))
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        code = "request_too_large" if exc.status_code == 413 else kind.removesuffix("_error")
        message = str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":  # no such route: say where the API is (nc46: a base_url without /v1)
            message = (f"{request.method} {request.url.path} is no route of this server: its API is under /{API_VERSION}/ "
                       f"(an OpenAI client's base_url ends in /{API_VERSION})")
        return error_response(APIError(exc.status_code, message, kind, code))

    @app.exception_handler(ClientDisconnect)
    async def client_left(request: Request, exc: ClientDisconnect) -> Response:
        return Response(status_code=499)  # nobody reads it: `services.disconnect.CancelOnDisconnect` logged the 499 line

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s", request.url.path)
        return error_response(APIError(500, f"internal error: {type(exc).__name__}: {exc}", "server_error", "internal_error"))
