"""OpenAI requests in, answers out (whole or streamed): what the gateway and the cloud service's local model share.

A request's fields are honoured or refused here once. What each field does:

| field | decision |
|---|---|
| `model` | must be the served model name, else 404 `model_not_found` |
| `messages` | roles `system`, `developer` (= system), `user`, `assistant`; text or text parts; the last must be a user turn; `tool` / `function` roles, tool calls, non-text parts, null content -> 400 |
| `messages[i].name` | 400 naming it (`velo.wire.text_turns` says why: the cache keys on what was said, and a name dropped would serve one speaker what another was answered; write the name into `content`) |
| `prompt` (completions) | one text; a batch or token ids -> 400 (the cache keys on text) |
| `max_tokens`, `max_completion_tokens` | honoured for generated answers; a cached answer is served whole |
| `stop` | honoured for every answer, cached ones too: the text ends before the first stop string |
| `stream`, `stream_options.include_usage` | honoured: a generated answer streams token by token as the LLM makes it, a cached answer in word pieces, in the same chunks |
| `stream_options.include_obfuscation` | honoured: true pads every chunk with OpenAI's `obfuscation` field to a multiple of 64 bytes (`velo.wire.sse_chunk`); absent or false, none (OpenAI's default is true: `velo.wire.StreamOptions` says why VELO's is not) |
| `temperature`, `top_p`, `seed` | honoured for generated answers (`services/llm.py`: absent temperature = greedy, VELO's default; `seed` reproduces a sampled answer); a cached answer is served as it is, whatever they say |
| `n`, `best_of` | 1 or null only, else 400 (one answer per request) |
| `max_tokens` (completions) | at least 1 (`velo.wire.CompletionRequest`); 0 -> 400 (it had meant no limit) |
| `user` | at most 256 characters, else 400; written in the request log of the gateway (with the API key's name), the edge and the cloud (`services.http.record_request`) and passed to the edge, which sends it with a request it asks the cloud, and to the cloud's upstream; it changes no answer |
| `safety_identifier` (chat) | at most 128 characters (OpenAI's maximum), else 400; written in the request log as `user` is, passed to the edge, which sends it with a request it asks the cloud, and to the cloud's upstream; it changes no answer |
| `prompt_cache_key` (chat) | at most 256 characters, else 400; OpenAI's prefix-cache routing hint: nothing of VELO's reads it (its cache keys on the question), it is passed on as `safety_identifier` is, to the upstream |
| text anywhere in a body | no lone surrogate and no control character but tab, line feed and carriage return, else 400 naming the field and the character's position (`velo.wire.body_problem`, `velo.control_chars`) |
| numbers anywhere in a body | finite: `NaN`, `Infinity` (which Python's JSON parsers read) and `1e999` -> 400 naming the field, "must be a finite number" |
| `store`, `metadata` | false / `{}` or null only, else 400 (`ChatCompletionRequest.refuse_storing`: VELO stores no completions) |
| `lang` (VELO's extension; `extra_body` in the `openai` client) | the question's language code: only cached entries of it are candidates; absent -> the edge identifies it; a code the cache does not know -> 400 naming `lang` (from the edge) |
| `presence_penalty`, `frequency_penalty`, `logit_bias`, `logprobs`, `top_logprobs`, `echo`, `suffix`, `response_format` other than text, `tools`, `tool_choice`, `functions`, `function_call`, `parallel_tool_calls` | 400 naming the field, unless given their OpenAI default (0, `{}`, false, 0, false, "", `{"type": "text"}`, -, "none", -, "none", true), which is read as absent (`velo.wire.requests._GenerationRequest`); completions' `logprobs: 0` asks for the chosen tokens' log probabilities: 400 |
| any other field | 400 `unknown_parameter` (`velo.wire`'s strict models) |
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

from velo.control_chars import blank
from velo.wire import (
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
    FinishReason,
    Usage,
    check_question,
    sse_chunk,
    sse_event,
    text_turns,
)

_REFUSED_CHAT = ("presence_penalty", "frequency_penalty", "logit_bias", "top_logprobs", "tools", "tool_choice", "functions", "function_call", "parallel_tool_calls")
_REFUSED_COMPLETION = ("presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "suffix")


def check_model(model: str, served: str) -> None:
    if model != served:
        raise APIError.model_not_found(model, served)


def _common(body: ChatCompletionRequest | CompletionRequest) -> None:
    if body.n is not None:  # n: 1 is read as absent (`velo.wire.requests._GenerationRequest`), as every field's default
        raise APIError.unsupported("n", "one answer per request; send 1 or null")
    if body.stream_options is not None and not body.stream:
        raise APIError(400, "stream_options is only allowed when stream is true", code="invalid_value", param="stream_options")


def chat_turns(body: ChatCompletionRequest) -> list[dict[str, str]]:
    """The request's messages as plain {role, content} turns, after refusing what is not honoured."""
    _common(body)
    body.refuse_storing()
    for name in _REFUSED_CHAT:
        if getattr(body, name) is not None:
            raise APIError.unsupported(name, "send null or its default: VELO serves plain text answers (no tools, penalties or biases)")
    if body.logprobs is not None:
        raise APIError.unsupported("logprobs", "send false or null; no log probabilities are returned")
    if body.response_format is not None:
        raise APIError.unsupported("response_format", f"only {{'type': 'text'}} is served, got {body.response_format.type!r}")
    turns = text_turns(body.messages, "VELO")
    check_question(turns)
    return turns


def stream_flags(body: ChatCompletionRequest | CompletionRequest) -> tuple[bool, bool]:
    """(`stream_options.include_usage`, `stream_options.include_obfuscation`) of a request, false when absent."""
    options = body.stream_options
    return bool(options and options.include_usage), bool(options and options.include_obfuscation)


def sampling_of(body: ChatCompletionRequest | CompletionRequest) -> dict[str, float | int | None]:
    """The request's honoured sampling fields (`temperature`, `top_p`, `seed`) as given, None when absent."""
    return {"temperature": body.temperature, "top_p": body.top_p, "seed": body.seed}


def identifiers(body: ChatCompletionRequest | CompletionRequest) -> dict[str, str]:
    """A chat request's `safety_identifier` and `prompt_cache_key`, those given (a completion has neither, as OpenAI's
    `/v1/completions` takes neither): what the gateway passes to the edge beside `user` (`ServeRequest`)."""
    if not isinstance(body, ChatCompletionRequest):
        return {}
    return {name: value for name in ("safety_identifier", "prompt_cache_key") if (value := getattr(body, name)) is not None}


def max_tokens_param(body: ChatCompletionRequest | CompletionRequest) -> str:
    """The field that set the answer's token limit, as the client named it: `max_completion_tokens` when a chat request
    sent that one alone, else `max_tokens` (given, or what a default would be changed by). A refusal of the limit
    (`services.llm.refused_prompt`, a service's `max_tokens_limit`) names this one."""
    if isinstance(body, ChatCompletionRequest) and body.max_tokens is None and body.max_completion_tokens is not None:
        return "max_completion_tokens"
    return "max_tokens"


def chat_max_tokens(body: ChatCompletionRequest) -> int | None:
    if body.max_tokens is not None and body.max_completion_tokens not in (None, body.max_tokens):
        raise APIError(400, f"max_tokens ({body.max_tokens}) and max_completion_tokens ({body.max_completion_tokens}) differ; send one", code="invalid_value", param="max_tokens")
    return body.max_tokens if body.max_tokens is not None else body.max_completion_tokens


def completion_prompt(body: CompletionRequest) -> str:
    _common(body)
    for name in _REFUSED_COMPLETION:
        if getattr(body, name) is not None:
            raise APIError.unsupported(name, "send null or its default")
    if body.echo is not None:
        raise APIError.unsupported("echo", "send false or null")
    if body.best_of is not None:
        raise APIError.unsupported("best_of", "one answer per request; send 1 or null")
    if not isinstance(body.prompt, str) or blank(body.prompt):
        raise APIError(400, "prompt must be one non-empty text (batches and token ids are not served)", code="invalid_value", param="prompt")
    return body.prompt


class Chunks:
    """One answer's server-sent events, piece by piece: `chat_start`, `chat_delta` per piece of text, `chat_end`
    (the finishing chunk with VELO's fields, the usage chunk if asked, `[DONE]`); `completion_*` likewise."""

    def __init__(self, model: str, chat: bool, obfuscate: bool = False) -> None:
        """`obfuscate`: the request's `stream_options.include_obfuscation` (`velo.wire.sse_chunk`)."""
        self.model, self.created, self.obfuscate = model, int(time.time()), obfuscate
        self.id = f"{'chatcmpl' if chat else 'cmpl'}-{uuid.uuid4().hex}"

    def _chat(self, delta: ChatDelta, finish: FinishReason | None = None, **extra: object) -> str:
        choice = ChatChunkChoice(index=0, delta=delta, finish_reason=finish)
        return sse_chunk(ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=[choice], **extra), self.obfuscate)  # type: ignore[arg-type]

    def chat_start(self) -> str:
        return self._chat(ChatDelta(role="assistant", content=""))

    def chat_delta(self, text: str) -> str:
        return self._chat(ChatDelta(content=text))

    def chat_end(self, finish_reason: FinishReason, usage: Usage | None, velo_fields: dict | None = None) -> Iterator[str]:
        """`usage` None: no usage chunk (the client did not ask for one)."""
        yield self._chat(ChatDelta(), finish_reason, **(velo_fields or {}))
        if usage is not None:
            yield sse_chunk(ChatCompletionChunk(id=self.id, created=self.created, model=self.model, choices=[], usage=usage), self.obfuscate)
        yield SSE_DONE

    def _completion(self, text: str, finish: FinishReason | None = None, **extra: object) -> str:
        choice = CompletionChoice(index=0, text=text, finish_reason=finish)
        return sse_chunk(Completion(id=self.id, created=self.created, model=self.model, choices=[choice], **extra), self.obfuscate)  # type: ignore[arg-type]

    def completion_delta(self, text: str) -> str:
        return self._completion(text)

    def completion_end(self, finish_reason: FinishReason, usage: Usage | None, velo_fields: dict | None = None) -> Iterator[str]:
        yield self._completion("", finish_reason, **(velo_fields or {}))
        if usage is not None:
            yield sse_chunk(Completion(id=self.id, created=self.created, model=self.model, choices=[], usage=usage), self.obfuscate)
        yield SSE_DONE

    @staticmethod
    def failed(error: APIError) -> Iterator[str]:
        """A stream that fails after its status line was sent can only say so in the stream: the error shape, [DONE]."""
        yield sse_event(error.body)
        yield SSE_DONE


class WholeAnswer:
    """One whole answer shaped as the route's response, or as server-sent events in word pieces."""

    def __init__(self, model: str, text: str, finish_reason: FinishReason, usage: Usage, velo_fields: dict | None = None) -> None:
        self.model, self.text, self.finish_reason, self.usage = model, text, finish_reason, usage
        self.velo_fields = velo_fields or {}
        self.created = int(time.time())

    def chat(self) -> ChatCompletion:
        choice = ChatChoice(index=0, message=AssistantMessage(content=self.text), finish_reason=self.finish_reason)
        return ChatCompletion(id=f"chatcmpl-{uuid.uuid4().hex}", created=self.created, model=self.model, choices=[choice], usage=self.usage, **self.velo_fields)

    def completion(self) -> Completion:
        choice = CompletionChoice(index=0, text=self.text, finish_reason=self.finish_reason)
        return Completion(id=f"cmpl-{uuid.uuid4().hex}", created=self.created, model=self.model, choices=[choice], usage=self.usage, **self.velo_fields)
