"""An OpenAI-compatible completion server in front of the sharded SmolLM2 (`ShardedLLM`).

Routes (version 1, the OpenAI API's shapes, so the `openai` client works unchanged):

| route | body | answer |
|---|---|---|
| `POST /v1/completions` | `model`, `prompt` (text, token ids, or a list of either), `max_tokens` (16), `temperature` | `text_completion`, one choice per prompt |
| `POST /v1/chat/completions` | `model`, `messages`, `max_tokens` / `max_completion_tokens` (256), `temperature` | `chat.completion` |
| `GET /v1/models` | | the served model |
| `GET /health` | | every worker answered a ping |

Decoding is greedy only: `temperature` must be absent or 0 (a 400 otherwise), and `n` 1, `stream` false.
A completion prompt is raw text, continued as is; a chat is formatted with the model's chat template.
`usage.completion_tokens` counts every token generated, including a final end-of-sequence token.
Every failure, including request validation (422), answers `{"error": {"message", "type", "code"}}`.

    velo shard serve --shards 0:15,15:30 --port 8100
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from velo.edgeshard.runtime import ShardedGeneration, ShardedLLM, ShardError, as_ranges
from velo.llm.local import SMOLLM2_NAME

API_VERSION = "v1"
OWNER = "velo"


class ShardServerSettings(BaseSettings):
    """Settings of the sharded completion server; each field can be set as VELO_SHARD_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="VELO_SHARD_", frozen=True)

    shards: str = "0:15,15:30"
    """Contiguous layer ranges, one worker process each: START:END,START:END,..."""
    model_dir: Path | None = None
    """The converted model directory; default: SmolLM2 in $VELO_HOME/models (converted on first use)."""
    model_name: str = SMOLLM2_NAME
    """The id clients send as `model` and /v1/models lists."""
    threads: int = Field(1, ge=1)
    """torch threads per worker."""
    max_tokens_limit: int = Field(1024, ge=1)
    """Largest max_tokens a request may ask for."""

    @field_validator("shards")
    @classmethod
    def _ranges(cls, value: str) -> str:
        as_ranges(value)  # raises with a message that shows the expected form
        return value


class APIError(Exception):
    """A failure answered with the error shape; `type` and `code` follow the OpenAI API's vocabulary."""

    def __init__(self, status: int, message: str, type: str = "invalid_request_error", code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code = status, message, type, code


class _Request(BaseModel):
    model_config = ConfigDict(extra="ignore")  # clients send fields we need not read (user, top_p, ...)

    model: str
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    n: Annotated[int, Field(ge=1)] = 1
    stream: bool = False

    def check_greedy(self) -> None:
        if self.temperature:
            raise APIError(400, f"only greedy decoding is served: temperature must be 0 or absent, got {self.temperature}", code="unsupported_temperature")
        if self.n != 1:
            raise APIError(400, f"greedy decoding gives one answer per prompt: n must be 1, got {self.n}", code="unsupported_n")
        if self.stream:
            raise APIError(400, "streaming is not supported: send stream=false", code="unsupported_stream")


class CompletionRequest(_Request):
    prompt: str | list[str] | list[int] | list[list[int]]
    max_tokens: Annotated[int, Field(ge=1)] | None = 16


class ContentPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant"]
    content: str | list[ContentPart]

    @property
    def text(self) -> str:
        return self.content if isinstance(self.content, str) else "".join(part.text for part in self.content)


class ChatCompletionRequest(_Request):
    messages: Annotated[list[ChatMessage], Field(min_length=1)]
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Timings(BaseModel):
    """VELO's addition to the OpenAI shapes (clients ignore it): where the time went, summed over choices."""

    prefill_ms: float
    decode_ms: float
    shards: list[str]


class CompletionChoice(BaseModel):
    index: int
    text: str
    logprobs: None = None
    finish_reason: Literal["stop", "length"]


class Completion(BaseModel):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage
    velo: Timings


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoice(BaseModel):
    index: int
    message: AssistantMessage
    logprobs: None = None
    finish_reason: Literal["stop", "length"]


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage
    velo: Timings


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = OWNER


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def build_app(settings: ShardServerSettings) -> FastAPI:
    """The completion app; its lifespan starts the shard workers and stops them on shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # starting the workers blocks for seconds: keep the event loop free meanwhile
        llm = await asyncio.to_thread(ShardedLLM, settings.shards, settings.model_dir, settings.threads, settings.model_name)
        app.state.llm, app.state.started = llm, int(time.time())
        try:
            yield
        finally:
            await asyncio.to_thread(llm.close)

    app = FastAPI(title="VELO EdgeShard completions", version=API_VERSION, lifespan=lifespan)
    _install_error_handlers(app)

    @app.get("/health")
    def health(request: Request) -> dict:
        llm: ShardedLLM = request.app.state.llm
        return {"status": "ok", "model": settings.model_name, "workers": llm.ping()}

    @app.get(f"/{API_VERSION}/models")
    def models(request: Request) -> ModelList:
        return ModelList(data=[ModelCard(id=settings.model_name, created=request.app.state.started)])

    @app.post(f"/{API_VERSION}/completions")
    def completions(body: CompletionRequest, request: Request) -> Completion:
        llm: ShardedLLM = request.app.state.llm
        _check(body, settings)
        max_tokens = _limit(body.max_tokens or 16, settings)
        runs = [_run(llm, _prompt_ids(llm, prompt), max_tokens) for prompt in _prompts(body.prompt)]
        choices = [CompletionChoice(index=i, text=run.generation.text, finish_reason=_finish(run)) for i, run in enumerate(runs)]
        return Completion(
            id=f"cmpl-{uuid.uuid4().hex}", created=int(time.time()), model=settings.model_name, choices=choices,
            usage=_usage(runs), velo=_timings(llm, runs),
        )  # fmt: skip

    @app.post(f"/{API_VERSION}/chat/completions")
    def chat_completions(body: ChatCompletionRequest, request: Request) -> ChatCompletion:
        llm: ShardedLLM = request.app.state.llm
        _check(body, settings)
        max_tokens = _limit(body.max_completion_tokens or body.max_tokens or 256, settings)
        try:
            prompt_ids = llm.prompt_ids([{"role": m.role, "content": m.text} for m in body.messages])
        except ValueError as err:
            raise APIError(400, str(err), code="invalid_messages") from None
        run = _run(llm, prompt_ids, max_tokens)
        choice = ChatChoice(index=0, message=AssistantMessage(content=run.generation.text), finish_reason=_finish(run))
        return ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}", created=int(time.time()), model=settings.model_name, choices=[choice],
            usage=_usage([run]), velo=_timings(llm, [run]),
        )  # fmt: skip

    return app


def _check(body: _Request, settings: ShardServerSettings) -> None:
    if body.model != settings.model_name:
        raise APIError(404, f"the model {body.model!r} does not exist; this server serves {settings.model_name!r}", code="model_not_found")
    body.check_greedy()


def _limit(max_tokens: int, settings: ShardServerSettings) -> int:
    if max_tokens > settings.max_tokens_limit:
        raise APIError(400, f"max_tokens is at most {settings.max_tokens_limit} on this server, got {max_tokens}", code="max_tokens_too_large")
    return max_tokens


def _prompts(prompt: str | list[str] | list[int] | list[list[int]]) -> list[str | list[int]]:
    if isinstance(prompt, str):
        return [prompt]
    if prompt and all(isinstance(p, int) for p in prompt):
        return [prompt]  # type: ignore[list-item]
    if not prompt:
        raise APIError(400, "prompt is empty", code="empty_prompt")
    return list(prompt)  # type: ignore[arg-type]


def _prompt_ids(llm: ShardedLLM, prompt: str | list[int]) -> list[int]:
    if isinstance(prompt, str):
        return list(llm.tokenizer.encode(prompt))
    vocab = len(llm.tokenizer)
    if any(not 0 <= t < vocab for t in prompt):
        raise APIError(400, f"prompt token ids must be in 0..{vocab - 1}", code="invalid_token_id")
    return list(prompt)


def _run(llm: ShardedLLM, prompt_ids: list[int], max_tokens: int) -> ShardedGeneration:
    try:
        return llm.run_ids(prompt_ids, max_tokens)
    except ValueError as err:  # empty prompt, context window exceeded: the request's fault
        raise APIError(400, str(err), code="invalid_prompt") from None


def _finish(run: ShardedGeneration) -> Literal["stop", "length"]:
    return "stop" if run.stopped else "length"


def _usage(runs: list[ShardedGeneration]) -> Usage:
    prompt = sum(r.generation.prompt_tokens for r in runs)
    completion = sum(r.generation.output_tokens for r in runs)
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def _timings(llm: ShardedLLM, runs: list[ShardedGeneration]) -> Timings:
    return Timings(
        prefill_ms=round(sum(r.generation.prefill_ms for r in runs), 3),
        decode_ms=round(sum(r.generation.decode_ms for r in runs), 3),
        shards=[f"{a}:{b}" for a, b in llm.ranges],
    )


def _error(status: int, message: str, type: str, code: str | None) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": {"message": message, "type": type, "code": code}})


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.type, exc.code)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"] if p != "body")
            problems.append(f"{where}: {err['msg']}" if where else err["msg"])
        return _error(422, "; ".join(problems), "invalid_request_error", "validation_error")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        return _error(exc.status_code, str(exc.detail), kind, kind.removesuffix("_error"))

    @app.exception_handler(ShardError)
    async def shard_failed(request: Request, exc: ShardError) -> JSONResponse:
        return _error(503, f"the shard chain failed: {exc}", "server_error", "shard_failure")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error: {type(exc).__name__}: {exc}", "server_error", "internal_error")
