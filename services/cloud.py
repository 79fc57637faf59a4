"""The cloud service: an OpenAI-compatible front for the cloud LLM that edge servers and the gateway call.

With `upstream_url` set it forwards each request's JSON unchanged to that OpenAI-compatible server (vLLM,
Ollama, a hosted API: `upstream_api_key` is sent as its bearer token, `upstream_model` replaces the
request's `model`) and relays the answer, streams included, so every field the upstream honours works; a failure
is relayed with its status and the upstream's `Retry-After` (`retry-after-ms`, `x-should-retry`).
`max_tokens_limit` holds in both modes: a request asking more (`max_tokens` or `max_completion_tokens`) is a 400 naming
that field, before any upstream call, and one asking no limit is sent with `max_tokens` at the limit (the local model's
default is `DEFAULT_MAX_TOKENS`).
Without it (the embedded default) it answers with a local model (SmolLM2-135M-Instruct through
`velo.llm`, concurrent requests continuously batched and streamed token by token: `services/llm_local.py`), the
fields decided as in `services/openai_chat.py`.

| route | answer |
|---|---|
| `POST /v1/chat/completions` | `chat.completion` (or its stream) |
| `GET /v1/models`, `GET /v1/models/{id}` | the served model (`services.http.model_routes`) |
| `GET /healthz` | `{"status": "ok", "model", "upstream"}` |

    velo serve cloud --port 8300
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.disconnect import CancelOnDisconnect, describe
from services.deadline import caller_budget, timeout_header
from services.http import MAX_PROMPT_CHARS, RetryLater, check_prompt_chars, install_error_handlers, json_body, json_response, model_routes, record_request, sse_response
from services.llm import CLOUD_MAX_TOKENS_LIMIT, AnswerStream, PastDeadline, collect, refused_prompt, sampling_params
from services.llm_local import LocalChatLLM
from services.openai_chat import Chunks, WholeAnswer, chat_max_tokens, chat_turns, check_model, max_tokens_param, sampling_of, stream_flags
from velo.wire import API_VERSION, DEADLINE_EXCEEDED, APIError, ChatCompletionRequest, Usage

DEFAULT_MAX_TOKENS = 256
_RETRY_HEADERS = ("retry-after", "retry-after-ms", "x-should-retry")
"""An upstream's advice on retrying a failed call, relayed with its status (the `openai` client reads all three)."""


class CloudSettings(BaseSettings):
    """Settings of the cloud service; each can be set as VELO_CLOUD_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="VELO_CLOUD_", frozen=True)

    model_name: str = "velo-cloud"
    """The id clients send as `model` (with an upstream too: it is replaced by `upstream_model`)."""
    upstream_url: str | None = None
    """An OpenAI-compatible server's base URL (without /v1); None: answer with the local model."""
    upstream_model: str | None = None
    """The upstream's model id; None: the request's `model` is sent unchanged."""
    upstream_api_key: SecretStr | None = None
    timeout_s: float = Field(120.0, gt=0)
    """Longest wait for the upstream's answer."""
    model_dir: Path | None = None
    """The local model's converted directory (default: SmolLM2 in $VELO_HOME/models)."""
    threads: int | None = Field(None, ge=1)
    """torch threads of the local model (None: torch's default)."""
    max_batch: int = Field(8, ge=1)
    """Most requests the local model decodes together (its continuous batcher's `max_batch`)."""
    max_tokens_limit: int = Field(CLOUD_MAX_TOKENS_LIMIT, ge=1)
    """The most `max_tokens` (or `max_completion_tokens`) a request may ask, with the local model or an upstream: more ->
    400 naming the field; none asked -> `DEFAULT_MAX_TOKENS` locally, this limit sent to an upstream. The edge's and the
    gateway's `cloud_max_tokens` must not exceed it (same default)."""
    max_body_bytes: int = Field(1_000_000, ge=1024)
    """Largest request body accepted; larger -> 413 before it is read (`services.http.BodyLimit`)."""
    max_prompt_chars: int = Field(MAX_PROMPT_CHARS, ge=1)
    """Longest prompt the local model is given (characters over all messages; an upstream judges its own); longer -> 400
    `context_length_exceeded` before it is tokenized (`services.http.check_prompt_chars`; the default's reasoning: `services.http.MAX_PROMPT_CHARS`)."""


def build_app(settings: CloudSettings) -> FastAPI:
    """The cloud app; its lifespan loads the local model or opens the upstream connection pool."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.started = int(time.time())
        app.state.llm, app.state.upstream = None, None
        if settings.upstream_url:
            key = settings.upstream_api_key.get_secret_value() if settings.upstream_api_key else None
            app.state.upstream = httpx.AsyncClient(
                base_url=settings.upstream_url.rstrip("/"), timeout=settings.timeout_s,
                headers={"Authorization": f"Bearer {key}"} if key else {},
            )
        else:
            import asyncio

            app.state.llm = await asyncio.to_thread(LocalChatLLM, settings.model_dir, settings.threads, settings.max_batch)
        try:
            yield
        finally:
            if app.state.upstream is not None:
                await app.state.upstream.aclose()
            if app.state.llm is not None:
                await app.state.llm.aclose()

    app = FastAPI(title="VELO cloud LLM", version=API_VERSION, lifespan=lifespan)
    install_error_handlers(app, settings.max_body_bytes)
    app.add_middleware(CancelOnDisconnect, service="cloud")  # a caller that left cancels the generation (logged 499)

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok", "model": settings.model_name, "upstream": settings.upstream_url}

    model_routes(app, settings.model_name)

    @app.post(f"/{API_VERSION}/chat/completions", response_model=None)
    async def chat_completions(body: Annotated[ChatCompletionRequest, Depends(json_body(ChatCompletionRequest))], request: Request) -> Response:
        describe(request, body.user, body.safety_identifier)
        if request.app.state.upstream is not None:
            asked = _limited_tokens(body, settings.max_tokens_limit)
            record_request("cloud", "upstream", body.user, body.safety_identifier)
            return await _forward(request.app.state.upstream, body, settings, settings.max_tokens_limit if asked is None else None,
                                  caller_budget(request.headers))
        check_model(body.model, settings.model_name)
        turns = chat_turns(body)
        check_prompt_chars((t["content"] for t in turns), settings.max_prompt_chars, "messages")
        max_tokens = _limited_tokens(body, settings.max_tokens_limit)
        max_tokens = DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens
        limit_param = max_tokens_param(body)
        llm: LocalChatLLM = request.app.state.llm
        sampling = sampling_params(**sampling_of(body))
        try:
            stream = await llm.stream(turns, max_tokens, body.stop_strings, sampling, within_s=caller_budget(request.headers))
        except ValueError as err:  # the prompt does not fit the context window: the request's fault
            raise refused_prompt(err, "messages", limit_param) from None
        except PastDeadline as err:  # its prefill alone outlasts the caller's wait: refused at once, the caller's fallback has the time
            raise RetryLater(504, str(err), DEADLINE_EXCEEDED, None) from None
        record_request("cloud", "local", body.user, body.safety_identifier)
        if body.stream:
            include_usage, obfuscate = stream_flags(body)
            return sse_response(_chunks(stream, settings.model_name, include_usage, obfuscate), on_close=stream.aclose)
        made = await collect(stream)
        usage = Usage(prompt_tokens=made.prompt_tokens, completion_tokens=made.completion_tokens, total_tokens=made.prompt_tokens + made.completion_tokens)
        return json_response(WholeAnswer(settings.model_name, made.text, made.finish_reason, usage).chat())

    return app


async def _chunks(stream: AnswerStream, model: str, include_usage: bool, obfuscate: bool) -> AsyncIterator[str]:
    """The local model's answer as chat chunks, each piece of text sent as the model produces it."""
    chunks = Chunks(model, chat=True, obfuscate=obfuscate)
    try:
        yield chunks.chat_start()
        async for delta in stream:
            yield chunks.chat_delta(delta)
    finally:
        await stream.aclose()  # a client that left stops the generation
    made = stream.generated
    assert made is not None
    usage = Usage(prompt_tokens=made.prompt_tokens, completion_tokens=made.completion_tokens,
                  total_tokens=made.prompt_tokens + made.completion_tokens) if include_usage else None
    for chunk in chunks.chat_end(made.finish_reason, usage):
        yield chunk


def _limited_tokens(body: ChatCompletionRequest, limit: int) -> int | None:
    """The answer's token limit the request asks (`max_tokens` or `max_completion_tokens`; None: neither), checked
    against the service's `max_tokens_limit` in every mode: more -> 400 naming the field the client sent. The upstream
    mode had forwarded any limit unchanged (svc42 item 5), so the edge and the gateway, which plan with this limit,
    were wrong about what the cloud takes."""
    asked = chat_max_tokens(body)  # 400 for two limits that differ
    if asked is not None and asked > limit:
        param = max_tokens_param(body)
        raise APIError(400, f"{param} is at most {limit} here, got {asked}", code="invalid_value", param=param)
    return asked


async def _forward(upstream: httpx.AsyncClient, body: ChatCompletionRequest, settings: CloudSettings, cap: int | None,
                   within_s: float | None = None) -> Response:
    """Relay the request to the upstream and its answer back, status and stream included; `cap` (a request that states
    no limit) is sent as its `max_tokens`: the upstream's own default may be longer than the service's limit. The time
    its caller waits, `within_s`, is passed on as `x-velo-timeout-ms` (`velo shard serve` refuses at once what it cannot
    begin in it; other servers ignore the header)."""
    payload = body.model_dump(exclude_none=True)
    if cap is not None:
        payload["max_tokens"] = cap
    if settings.upstream_model:
        payload["model"] = settings.upstream_model
    try:
        request = upstream.build_request("POST", "/v1/chat/completions", json=payload, headers={} if within_s is None else timeout_header(within_s))
        response = await upstream.send(request, stream=bool(body.stream))
    except httpx.TransportError as err:
        raise APIError(502, f"the cloud upstream {settings.upstream_url} is unreachable: {type(err).__name__}", "server_error", "upstream_unreachable") from None
    if not body.stream or response.status_code >= 400:
        content = await response.aread()
        await response.aclose()
        retry = {name: response.headers[name] for name in _RETRY_HEADERS if name in response.headers}  # when to ask again, as the upstream said
        return Response(content, status_code=response.status_code, media_type=response.headers.get("content-type", "application/json"), headers=retry)

    async def relay() -> AsyncIterator[bytes]:
        """The upstream's events unchanged (a finish_reason VELO's own model never gives, "content_filter", included: the
        edge decides what it relays); an upstream that breaks off ends the stream with an error event and [DONE]."""
        try:
            async for part in response.aiter_raw():
                yield part
        except httpx.TransportError as err:
            failed = APIError(502, f"the cloud upstream {settings.upstream_url} broke off its stream: {type(err).__name__}", "server_error", "upstream_failed")
            for chunk in Chunks.failed(failed):
                yield ("\n\n" + chunk).encode()  # after whatever part of an event came last
        finally:
            await response.aclose()

    return sse_response(relay(), on_close=response.aclose)
