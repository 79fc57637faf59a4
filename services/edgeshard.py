"""An OpenAI-compatible completion server in front of the sharded SmolLM2 (`ShardedLLM`).

Routes (version 1; the shapes are `velo.wire`'s, so the `openai` client works unchanged):

| route | answer |
|---|---|
| `POST /v1/completions` | `text_completion`, n choices per prompt; with `stream`, server-sent `text_completion` chunks |
| `POST /v1/chat/completions` | `chat.completion`; with `stream`, `chat.completion.chunk`s |
| `GET /v1/models`, `GET /v1/models/{id}` | the served model (`services.http.model_routes`: another id -> 404 `model_not_found`) |
| `GET /health` | every worker answered a ping; `prompts_tokenized`, the prompts tokenized since the start |

What each OpenAI request field does here ("400" = HTTP 400 with `param` naming the field):

| field | route | decision |
|---|---|---|
| `model` | both | must be the served model, else 404 `model_not_found` |
| `prompt` | completions | text, token ids, or a batch of either; choice `i * n + j` is sample j of prompt i; empty -> 400 |
| `messages` | chat | roles `system`, `developer` (the newer name of system: passed to the chat template as system), `user`, `assistant`; text or text parts. Roles `tool` / `function`, `tool_calls`, `tool_call_id`, `function_call`, non-text parts, null content -> 400 |
| `messages[i].name` | chat | 400 naming it: the ChatML template has no participant names, and a name dropped would make two speakers' turns one (`velo.wire.text_turns`); write it into `content` |
| `max_tokens` | both | honoured, 1 to `max_tokens_limit`; default 16 (completions), 256 or what the context has left (chat) |
| `max_completion_tokens` | chat | the same limit; given with a different `max_tokens` -> 400; a refusal of the limit names the field the client sent |
| `n` | both | honoured: independent samples, generated one after another (all alike when greedy) |
| `temperature` | both | honoured; default 0, greedy, where `top_p` and `seed` change nothing (OpenAI's default is 1: an edge model answers reproducibly unless asked) |
| `top_p` | both | honoured (nucleus sampling, `velo.llm.sampling`) |
| `seed` | both | honoured: seeds the request's own `torch.Generator`; same seed, same choices |
| `stop` | both | honoured: a string or up to 4; the text ends before the first one, which is not included; reason "stop" |
| `stream` | both | honoured: `data: <chunk>` events, then `data: [DONE]`; a failure mid-stream is sent as an error event |
| `stream_options` | both | `include_usage` honoured (a last chunk with `usage`, `choices` empty); `include_obfuscation` honoured (true: every chunk padded with OpenAI's `obfuscation` field to a multiple of 64 bytes, `velo.wire.sse_chunk`; absent or false: none); without `stream` -> 400 |
| `presence_penalty`, `frequency_penalty` | both | honoured (OpenAI's formula, `velo.llm.sampling`) |
| `logit_bias` | both | honoured; a token id outside the vocabulary -> 400 |
| `logprobs` | completions | null only, a number -> 400 (per-token text of partial characters is not mapped to bytes here) |
| `logprobs`, `top_logprobs` | chat | `logprobs` false / null only; true, or any `top_logprobs` -> 400 |
| `echo` | completions | honoured: the prompt text before the completion (a token-id prompt decoded) |
| `suffix` | completions | null or "" only, text -> 400 (the model does not fill in the middle) |
| `best_of` | completions | null or equal to n only (then the same as n); else 400: ranking samples needs logprobs |
| `response_format` | chat | `{"type": "text"}` only; `json_object` / `json_schema` -> 400 (no constrained decoding) |
| `tools`, `tool_choice`, `functions`, `function_call`, `parallel_tool_calls` | chat | null only, else 400 (the model has no tool calling) |
| `user` | both | at most 256 characters, else 400; written in the request log (`services.http.record_request`); changes no answer |
| `safety_identifier` | chat | at most 128 characters (OpenAI's maximum), else 400; written in the request log as `user` is; changes no answer |
| `prompt_cache_key` | chat | at most 256 characters, else 400; accepted and unused (OpenAI's prefix-cache routing hint: one server has no servers to route among) |
| text, numbers | both | a control character other than tab and line ends in any text, or a number that is not finite (`NaN`, `Infinity`), anywhere in the body -> 400 naming the field (`velo.wire.body_problem`) |
| `store`, `metadata` | chat | false / `{}` or null only, else 400 (`velo.wire.ChatCompletionRequest.refuse_storing`: nothing is stored) |
| any other field | both | 400 `unknown_parameter`, as OpenAI answers (the `openai` client sends only the fields it is given) |

A field given its OpenAI default (`n: 1`, `presence_penalty: 0`, `logprobs: false`, `suffix: ""`, `tool_choice: "none"`,
`response_format: {"type": "text"}`, ...) is read as absent, here as in every VELO service (`velo.wire.requests._GenerationRequest`):
"null only" above means null or that default. `max_tokens: 0` is a 400 naming it (`velo.wire.CompletionRequest`).

Text is the raw continuation (a completion of "The capital of France is" starts with its space), made
of complete characters only (`velo.llm.decoding`). `usage.completion_tokens` counts every token generated,
a final end-of-sequence token included; `usage.prompt_tokens` counts each prompt once, whatever n. Every
failure answers `{"error": {"message", "type", "code", "param"}}` (`velo.wire.ErrorResponse`), request
validation with 400 as OpenAI does, a body over `max_body_bytes` with 413 before it is read or tokenized, text prompts
over `max_prompt_chars` characters in all with 400 `context_length_exceeded` naming `prompt` or `messages` before they are tokenized, a failed
shard chain with 503 `shard_failure` and `Retry-After` (`ShardServerSettings.retry_after_s`, rounded up; `/health` too),
a prompt whose prefill alone outlasts the time its caller waits (`x-velo-timeout-ms`, the OpenAI SDKs' timeout headers)
with 504 `deadline_exceeded` and `x-should-retry: false` before the chain runs anything (`_in_time`; VELO's cloud service
forwards its caller's time here). One request runs through the chain at a time.

    velo shard serve --shards 0:15,15:30 --port 8100
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import anyio
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.http import (
    MAX_PROMPT_CHARS,
    RetryLater,
    check_prompt_chars,
    error_response,
    install_error_handlers,
    json_body,
    json_response,
    model_routes,
    record_request,
)
from services.deadline import caller_budget
from services.llm import refused_prompt
from velo.edgeshard.runtime import ShardedLLM, ShardError, TextStream, as_ranges
from velo.llm.local import SMOLLM2_NAME
from velo.llm.prefill_time import calibration_prompt, past_deadline
from velo.llm.sampling import Sampler, SamplingParams
from velo.wire import (
    API_VERSION,
    DEADLINE_EXCEEDED,
    SSE_DONE,
    APIError,
    AssistantMessage,
    ChatChoice,
    ChatChunkChoice,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionRequest,
    ChatDelta,
    Completion,
    CompletionChoice,
    CompletionRequest,
    Timings,
    Usage,
    sse_chunk,
    sse_event,
    text_turns,
)

COMPLETION_MAX_TOKENS = 16
"""OpenAI's default for /v1/completions."""
CHAT_MAX_TOKENS = 256


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
    max_body_bytes: int = Field(1_000_000, ge=1024)
    """Largest request body accepted; larger -> 413 before it is read (`services.http.BodyLimit`)."""
    max_prompt_chars: int = Field(MAX_PROMPT_CHARS, ge=1)
    """Longest prompt accepted (characters over all messages, or over a completion's text prompts); longer -> 400
    `context_length_exceeded` before it is tokenized (`services.http.check_prompt_chars`; the default's reasoning: `services.http.MAX_PROMPT_CHARS`)."""

    retry_after_s: float = Field(20.0, gt=0)
    """The `Retry-After` (rounded up) of a 503 `shard_failure`, answered when the shard chain fails (a worker lost or
    failing): how long a supervisor takes to restart this server, whose `/health` answers the same 503 then (a lost
    worker is not restarted in place). 20 s: two workers started in 12 s and one in 19 s at load average 5.5 on 2 cores."""

    @field_validator("shards")
    @classmethod
    def _ranges(cls, value: str) -> str:
        as_ranges(value)  # raises with a message that shows the expected form
        return value


@dataclass(frozen=True)
class _Prompt:
    ids: list[int]
    echo: str
    """Text sent before the generated text (the prompt itself, for completions with `echo`)."""


@dataclass(frozen=True)
class _Plan:
    """A checked request: what to generate for it, and how."""

    prompts: list[_Prompt]
    n: int
    max_tokens: int | None
    """None: the route's default, within what the context window leaves."""
    sampling: SamplingParams
    stop: list[str]
    stream: bool
    include_usage: bool
    obfuscate: bool
    """`stream_options.include_obfuscation`: every chunk padded (`velo.wire.sse_chunk`)."""
    prompt_param: str
    """The field a prompt the model cannot take is blamed on: "prompt" or "messages"."""
    max_tokens_param: str
    """The field a token limit the model cannot take is blamed on: "max_tokens" or "max_completion_tokens"."""


def build_app(settings: ShardServerSettings) -> FastAPI:
    """The completion app; its lifespan starts the shard workers and stops them on shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # starting the workers blocks for seconds: keep the event loop free meanwhile
        llm = await asyncio.to_thread(ShardedLLM, settings.shards, settings.model_dir, settings.threads, settings.model_name)
        await asyncio.to_thread(llm.run_ids, calibration_prompt(), 1)  # the prefill rate: `_in_time`
        app.state.llm, app.state.tokenizer, app.state.started = llm, _Tokenizer(llm), int(time.time())
        try:
            yield
        finally:
            await asyncio.to_thread(llm.close)

    app = FastAPI(title="VELO EdgeShard completions", version=API_VERSION, lifespan=lifespan)
    _install_error_handlers(app, settings.max_body_bytes, settings.retry_after_s)

    @app.get("/health")
    def health(request: Request) -> dict:
        llm: ShardedLLM = request.app.state.llm
        return {"status": "ok", "model": settings.model_name, "workers": llm.ping(), "prompts_tokenized": request.app.state.tokenizer.prompts}

    model_routes(app, settings.model_name)

    @app.post(f"/{API_VERSION}/completions", response_model=None, responses={200: {"model": Completion}})
    def completions(body: Annotated[CompletionRequest, Depends(json_body(CompletionRequest))], request: Request) -> Response:
        llm: ShardedLLM = request.app.state.llm
        plan = _plan_completion(body, request.app.state.tokenizer, settings)
        _in_time(llm, plan, request.headers)
        streams = _start(llm, plan, COMPLETION_MAX_TOKENS)
        record_request("shard", "completions", body.user, choices=len(streams))
        answer = _CompletionAnswer(f"cmpl-{uuid.uuid4().hex}", settings.model_name, plan, llm, streams, settings.retry_after_s)
        return _stream_response(answer.chunks()) if plan.stream else json_response(answer.whole())

    @app.post(f"/{API_VERSION}/chat/completions", response_model=None, responses={200: {"model": ChatCompletion}})
    def chat_completions(body: Annotated[ChatCompletionRequest, Depends(json_body(ChatCompletionRequest))], request: Request) -> Response:
        llm: ShardedLLM = request.app.state.llm
        plan = _plan_chat(body, request.app.state.tokenizer, settings)
        _in_time(llm, plan, request.headers)
        streams = _start(llm, plan, CHAT_MAX_TOKENS)
        record_request("shard", "chat", body.user, body.safety_identifier, choices=len(streams))
        answer = _ChatAnswer(f"chatcmpl-{uuid.uuid4().hex}", settings.model_name, plan, llm, streams, settings.retry_after_s)
        return _stream_response(answer.chunks()) if plan.stream else json_response(answer.whole())

    return app


# --- checking a request against what this server honours (the docstring's table) -----------------


def _plan_completion(body: CompletionRequest, tokenizer: _Tokenizer, settings: ShardServerSettings) -> _Plan:
    _check_model(body, settings)
    if body.logprobs is not None:
        raise APIError.unsupported("logprobs", "send null; this server returns no log probabilities")
    if body.suffix is not None:  # "" is read as absent (`velo.wire.CompletionRequest`)
        raise APIError.unsupported("suffix", "the model does not fill in the middle; send null")
    n = 1 if body.n is None else body.n
    if body.best_of is not None and body.best_of != n:
        raise APIError.unsupported("best_of", f"send null or best_of = n ({n}); ranking samples needs log probabilities")
    listed = _prompt_list(body.prompt)
    check_prompt_chars((p for p in listed if isinstance(p, str)), settings.max_prompt_chars, "prompt")
    vocab = len(tokenizer.llm.tokenizer)
    if any(not 0 <= t < vocab for p in listed if not isinstance(p, str) for t in p):
        raise APIError(400, f"prompt token ids must be in 0..{vocab - 1}", code="invalid_value", param="prompt")
    return _common_plan(body, tokenizer.llm, settings, lambda: [_completion_prompt(p, tokenizer, bool(body.echo)) for p in listed],
                        (body.max_tokens, "max_tokens"), "prompt")


def _plan_chat(body: ChatCompletionRequest, tokenizer: _Tokenizer, settings: ShardServerSettings) -> _Plan:
    _check_model(body, settings)
    if body.logprobs is not None:  # false is read as absent (`velo.wire.ChatCompletionRequest`)
        raise APIError.unsupported("logprobs", "send false or null; this server returns no log probabilities")
    if body.top_logprobs is not None:
        raise APIError.unsupported("top_logprobs", "send null; this server returns no log probabilities")
    if body.response_format is not None:  # {"type": "text"} is read as absent
        raise APIError.unsupported("response_format", f"only {{'type': 'text'}} is served, got {body.response_format.type!r} (no constrained decoding)")
    for name in ("tools", "tool_choice", "functions", "function_call", "parallel_tool_calls"):
        if getattr(body, name) is not None:
            raise APIError.unsupported(name, "the model has no tool calling; send null")
    body.refuse_storing()
    max_tokens, param = body.max_completion_tokens, "max_completion_tokens"
    if body.max_tokens is not None:
        if max_tokens is not None and max_tokens != body.max_tokens:
            raise APIError(400, f"max_tokens ({body.max_tokens}) and max_completion_tokens ({max_tokens}) differ; send one", code="invalid_value", param="max_tokens")
        max_tokens, param = body.max_tokens, "max_tokens"
    turns = text_turns(body.messages, "the model")
    check_prompt_chars((t["content"] for t in turns), settings.max_prompt_chars, "messages")
    return _common_plan(body, tokenizer.llm, settings, lambda: [_Prompt(tokenizer.chat(turns), echo="")], (max_tokens, param), "messages")


def _in_time(llm: ShardedLLM, plan: _Plan, headers: Mapping[str, str]) -> None:
    """504 `deadline_exceeded` (`x-should-retry: false`), before the chain runs anything, when the first prompt's prefill
    alone outlasts what the caller waits (`services.deadline.caller_budget`: `x-velo-timeout-ms`, the OpenAI SDKs'
    timeout headers), as VELO's other LLM servers refuse it (`services.llm.PastDeadline`): the caller's fallback gets
    the time. Its least time: `ShardedLLM.prefill_seconds`, its rate set by a 256-token prefill at start."""
    within = caller_budget(headers)
    if within is None:
        return
    ids = plan.prompts[0].ids
    if (why := past_deadline(llm.name, len(ids), llm.prefill_seconds(ids), within)) is not None:
        raise RetryLater(504, why, DEADLINE_EXCEEDED, None)


def _check_model(body: CompletionRequest | ChatCompletionRequest, settings: ShardServerSettings) -> None:
    if body.model != settings.model_name:
        raise APIError.model_not_found(body.model, settings.model_name)


def _common_plan(
    body: CompletionRequest | ChatCompletionRequest,
    llm: ShardedLLM,
    settings: ShardServerSettings,
    make_prompts: Callable[[], list[_Prompt]],
    limit: tuple[int | None, str],
    prompt_param: str,
) -> _Plan:
    """The checks and choices both routes share; `limit` is (max tokens asked for, the field that asked). The prompts
    are made (tokenized) by `make_prompts` last, once every check of the request passed: a field refused costs no
    tokenizing (`/health`'s `prompts_tokenized` does not move)."""
    max_tokens, param = limit
    if max_tokens is not None and max_tokens > settings.max_tokens_limit:
        raise APIError(400, f"{param} is at most {settings.max_tokens_limit} on this server, got {max_tokens}", code="invalid_value", param=param)
    if body.stream_options is not None and not body.stream:
        raise APIError(400, "stream_options is only allowed when stream is true", code="invalid_value", param="stream_options")
    vocab = len(llm.tokenizer)
    if body.logit_bias is not None and any(not 0 <= token < vocab for token in body.logit_bias):
        raise APIError(400, f"logit_bias keys must be token ids in 0..{vocab - 1}", code="invalid_value", param="logit_bias")
    sampling = SamplingParams(
        temperature=0.0 if body.temperature is None else body.temperature,
        top_p=1.0 if body.top_p is None else body.top_p,
        seed=body.seed,
        presence_penalty=0.0 if body.presence_penalty is None else body.presence_penalty,
        frequency_penalty=0.0 if body.frequency_penalty is None else body.frequency_penalty,
        logit_bias={} if body.logit_bias is None else dict(body.logit_bias),
    )
    options = body.stream_options
    include_usage, obfuscate = bool(options and options.include_usage), bool(options and options.include_obfuscation)
    return _Plan(make_prompts(), 1 if body.n is None else body.n, max_tokens, sampling, body.stop_strings, bool(body.stream), include_usage, obfuscate,
                 prompt_param, param)


def _prompt_list(prompt: str | list[str] | list[int] | list[list[int]]) -> list[str | list[int]]:
    if isinstance(prompt, str):
        return [prompt]
    if not prompt:
        raise APIError(400, "prompt is empty", code="invalid_value", param="prompt")
    if all(isinstance(p, int) for p in prompt):
        return [prompt]  # type: ignore[list-item]
    return list(prompt)  # type: ignore[arg-type]


def _completion_prompt(prompt: str | list[int], tokenizer: _Tokenizer, echo: bool) -> _Prompt:
    """A text prompt tokenized, or token ids (checked against the vocabulary by `_plan_completion`) with their text for `echo`."""
    if isinstance(prompt, str):
        return _Prompt(tokenizer.text(prompt), prompt if echo else "")
    text = tokenizer.llm.tokenizer.decode(prompt, skip_special_tokens=False, clean_up_tokenization_spaces=False) if echo else ""
    return _Prompt(list(prompt), text)


class _Tokenizer:
    """The served model's tokenizer, counting the prompts it has tokenized (`/health` reports the count: a request
    refused before its prompt was tokenized leaves it unchanged)."""

    def __init__(self, llm: ShardedLLM) -> None:
        self.llm, self.prompts, self._lock = llm, 0, threading.Lock()  # the routes run in worker threads

    def _counted(self) -> None:
        with self._lock:
            self.prompts += 1

    def text(self, prompt: str) -> list[int]:
        self._counted()
        return list(self.llm.tokenizer.encode(prompt))

    def chat(self, turns: list[dict[str, str]]) -> list[int]:
        """The chat template's prompt for `turns` ({role, content})."""
        self._counted()
        return self.llm.prompt_ids(turns)


# --- generating and answering ----------------------------------------------------------------------


def _start(llm: ShardedLLM, plan: _Plan, default_max_tokens: int) -> list[TextStream]:
    """One text stream per choice, in choice order; all requests are checked before any generates."""
    sampler = Sampler(plan.sampling)  # one generator for the request: the n samples differ
    streams = []
    for prompt in plan.prompts:
        room = llm.context_window - len(prompt.ids)
        max_tokens = plan.max_tokens if plan.max_tokens is not None else max(1, min(default_max_tokens, room))
        for _ in range(plan.n):
            try:
                streams.append(llm.stream_text(prompt.ids, max_tokens, sampler, plan.stop))
            except ValueError as err:  # empty prompt, context window exceeded: the request's fault
                raise refused_prompt(err, plan.prompt_param, plan.max_tokens_param) from None
    return streams


class _Answer:
    """The answer to one planned request, as a whole or as stream chunks; subclasses shape the route's objects."""

    def __init__(self, id: str, model: str, plan: _Plan, llm: ShardedLLM, streams: list[TextStream], retry_after_s: float) -> None:
        self.id, self.model, self.plan, self.llm, self.streams, self.retry_after_s = id, model, plan, llm, streams, retry_after_s
        self.created = int(time.time())

    def echo(self, index: int) -> str:
        return self.plan.prompts[index // self.plan.n].echo

    @property
    def usage(self) -> Usage:
        prompt = sum(len(p.ids) for p in self.plan.prompts)
        completion = sum(s.tokens for s in self.streams)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)

    @property
    def timings(self) -> Timings:
        return Timings(
            prefill_ms=round(sum(s.prefill_ms for s in self.streams), 3),
            decode_ms=round(sum(s.decode_ms for s in self.streams), 3),
            shards=[f"{a}:{b}" for a, b in self.llm.ranges],
        )

    def chunks(self) -> Generator[str, None, None]:
        """Server-sent events: each choice's chunks in turn, the usage chunk if asked for, then [DONE]."""
        try:
            for index, stream in enumerate(self.streams):
                yield from self.choice_chunks(index, stream)
            if self.plan.include_usage:
                yield sse_chunk(self.usage_chunk(), self.plan.obfuscate)
        # the status line is sent already: a failure can only be reported in the stream
        except ShardError as err:
            yield sse_event(shard_failure(err, self.retry_after_s).body)
        except Exception as err:
            yield sse_event(APIError(500, f"internal error: {type(err).__name__}: {err}", "server_error", "internal_error").body)
        yield SSE_DONE

    def choice_chunks(self, index: int, stream: TextStream) -> Iterator[str]:
        raise NotImplementedError

    def usage_chunk(self) -> Completion | ChatCompletionChunk:
        raise NotImplementedError


class _CompletionAnswer(_Answer):
    def whole(self) -> Completion:
        choices = [
            CompletionChoice(index=i, text=self.echo(i) + "".join(stream), finish_reason=stream.finish_reason)
            for i, stream in enumerate(self.streams)
        ]
        return Completion(id=self.id, created=self.created, model=self.model, choices=choices, usage=self.usage, velo=self.timings)

    def chunk(self, index: int, text: str, finish_reason: str | None = None) -> str:
        choice = CompletionChoice(index=index, text=text, finish_reason=finish_reason)  # type: ignore[arg-type]
        return sse_chunk(Completion(id=self.id, created=self.created, model=self.model, choices=[choice]), self.plan.obfuscate)

    def choice_chunks(self, index: int, stream: TextStream) -> Iterator[str]:
        if echo := self.echo(index):
            yield self.chunk(index, echo)
        for text in stream:
            yield self.chunk(index, text)
        yield self.chunk(index, "", stream.finish_reason)

    def usage_chunk(self) -> Completion:
        return Completion(id=self.id, created=self.created, model=self.model, choices=[], usage=self.usage)


class _ChatAnswer(_Answer):
    def whole(self) -> ChatCompletion:
        choices = [
            ChatChoice(index=i, message=AssistantMessage(content="".join(stream)), finish_reason=stream.finish_reason)  # type: ignore[arg-type]
            for i, stream in enumerate(self.streams)
        ]
        return ChatCompletion(id=self.id, created=self.created, model=self.model, choices=choices, usage=self.usage, velo=self.timings)

    def chunk(self, index: int, delta: ChatDelta, finish_reason: str | None = None) -> str:
        choice = ChatChunkChoice(index=index, delta=delta, finish_reason=finish_reason)  # type: ignore[arg-type]
        return sse_chunk(ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=[choice]), self.plan.obfuscate)

    def choice_chunks(self, index: int, stream: TextStream) -> Iterator[str]:
        yield self.chunk(index, ChatDelta(role="assistant", content=""))
        for text in stream:
            yield self.chunk(index, ChatDelta(content=text))
        yield self.chunk(index, ChatDelta(), stream.finish_reason)

    def usage_chunk(self) -> ChatCompletionChunk:
        return ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=[], usage=self.usage)


def _stream_response(events: Generator[str, None, None]) -> StreamingResponse:
    return StreamingResponse(_pulled_in_threads(events), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def _pulled_in_threads(events: Generator[str, None, None]) -> AsyncIterator[str]:
    """The events of a blocking generator, each pulled in a worker thread (the chain never holds the event
    loop). When the client leaves, Starlette cancels the stream; the generator is then closed at once,
    which ends the generation and frees the chain, rather than whenever the garbage collector finds it."""
    try:
        while (event := await anyio.to_thread.run_sync(next, events, None)) is not None:
            yield event
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(events.close)


# --- errors of the shard chain ---------------------------------------------------------------------


def _install_error_handlers(app: FastAPI, max_body_bytes: int, retry_after_s: float) -> None:
    install_error_handlers(app, max_body_bytes)

    @app.exception_handler(ShardError)
    async def shard_failed(request: Request, exc: ShardError) -> JSONResponse:
        return error_response(shard_failure(exc, retry_after_s))


def shard_failure(err: ShardError, retry_after_s: float) -> RetryLater:
    """503 `shard_failure`; streamed, the error event after the status line, which can carry no header."""
    return RetryLater(503, f"the shard chain failed: {err}", "shard_failure", retry_after_s)
