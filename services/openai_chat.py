"""OpenAI requests in, whole answers out: what the gateway and the cloud service's local model share.

Both answer from a whole text (a cached answer, or an LLM's), so a request's fields are honoured or refused
here once. What each field does:

| field | decision |
|---|---|
| `model` | must be the served model name, else 404 `model_not_found` |
| `messages` | roles `system`, `developer` (= system), `user`, `assistant`; text or text parts; the last must be a user turn; `tool` / `function` roles, tool calls, non-text parts, null content -> 400 |
| `prompt` (completions) | one text; a batch or token ids -> 400 (the cache keys on text) |
| `max_tokens`, `max_completion_tokens` | honoured for generated answers; a cached answer is served whole |
| `stop` | honoured for every answer, cached ones too: the text ends before the first stop string |
| `stream`, `stream_options.include_usage` | honoured: a cached answer streams in word pieces like a generated one |
| `n`, `best_of` | 1 or null only, else 400 (one answer per request) |
| `temperature`, `top_p`, `seed`, `user`, `metadata`, `store` | accepted; answers are deterministic (greedy LLMs, cached answers), so sampling fields change nothing |
| `presence_penalty`, `frequency_penalty`, `logit_bias`, `logprobs`, `top_logprobs`, `echo`, `suffix`, `response_format` other than text, `tools`, `tool_choice`, `functions`, `function_call`, `parallel_tool_calls` | 400 naming the field |
| any other field | 400 `unknown_parameter` (`velo.wire`'s strict models) |
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

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
    sse_event,
    text_turns,
)

_REFUSED_CHAT = ("presence_penalty", "frequency_penalty", "logit_bias", "top_logprobs", "tools", "tool_choice", "functions", "function_call", "parallel_tool_calls")
_REFUSED_COMPLETION = ("presence_penalty", "frequency_penalty", "logit_bias", "logprobs", "suffix")
_PIECE = re.compile(r"\S+\s*|\s+")


def check_model(model: str, served: str) -> None:
    if model != served:
        raise APIError(404, f"the model {model!r} does not exist; this server serves {served!r}", "not_found_error", "model_not_found", "model")


def _common(body: ChatCompletionRequest | CompletionRequest) -> None:
    if body.n not in (None, 1):
        raise APIError.unsupported("n", "one answer per request; send 1 or null")
    if body.stream_options is not None and not body.stream:
        raise APIError(400, "stream_options is only allowed when stream is true", code="invalid_value", param="stream_options")


def chat_turns(body: ChatCompletionRequest) -> list[dict[str, str]]:
    """The request's messages as plain {role, content} turns, after refusing what is not honoured."""
    _common(body)
    for name in _REFUSED_CHAT:
        value = getattr(body, name)
        if value is not None and value != {}:
            raise APIError.unsupported(name, "send null: VELO serves plain text answers (no tools, penalties or biases)")
    if body.logprobs:
        raise APIError.unsupported("logprobs", "send false or null; no log probabilities are returned")
    if body.response_format is not None and body.response_format.type != "text":
        raise APIError.unsupported("response_format", f"only {{'type': 'text'}} is served, got {body.response_format.type!r}")
    turns = text_turns(body.messages, "VELO")
    if turns[-1]["role"] != "user" or not turns[-1]["content"].strip():
        raise APIError(400, "the last message must be a user message with the question", code="invalid_value", param=f"messages[{len(turns) - 1}]")
    return turns


def chat_max_tokens(body: ChatCompletionRequest) -> int | None:
    if body.max_tokens is not None and body.max_completion_tokens not in (None, body.max_tokens):
        raise APIError(400, f"max_tokens ({body.max_tokens}) and max_completion_tokens ({body.max_completion_tokens}) differ; send one", code="invalid_value", param="max_tokens")
    return body.max_tokens or body.max_completion_tokens


def completion_prompt(body: CompletionRequest) -> str:
    _common(body)
    for name in _REFUSED_COMPLETION:
        if getattr(body, name):
            raise APIError.unsupported(name, "send null")
    if body.echo:
        raise APIError.unsupported("echo", "send false or null")
    if body.best_of not in (None, 1):
        raise APIError.unsupported("best_of", "one answer per request; send 1 or null")
    if not isinstance(body.prompt, str) or not body.prompt.strip():
        raise APIError(400, "prompt must be one non-empty text (batches and token ids are not served)", code="invalid_value", param="prompt")
    return body.prompt


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

    def chat_events(self, include_usage: bool) -> Iterator[str]:
        """A role chunk, one chunk per word piece, a finishing chunk with VELO's fields, usage if asked, [DONE]."""
        cid = f"chatcmpl-{uuid.uuid4().hex}"

        def chunk(delta: ChatDelta, finish: FinishReason | None = None, **extra: object) -> str:
            choice = ChatChunkChoice(index=0, delta=delta, finish_reason=finish)
            return sse_event(ChatCompletionChunk(id=cid, created=self.created, model=self.model, choices=[choice], **extra))  # type: ignore[arg-type]

        yield chunk(ChatDelta(role="assistant", content=""))
        for piece in _PIECE.findall(self.text):
            yield chunk(ChatDelta(content=piece))
        yield chunk(ChatDelta(), self.finish_reason, **self.velo_fields)
        if include_usage:
            yield sse_event(ChatCompletionChunk(id=cid, created=self.created, model=self.model, choices=[], usage=self.usage))
        yield SSE_DONE

    def completion_events(self, include_usage: bool) -> Iterator[str]:
        cid = f"cmpl-{uuid.uuid4().hex}"

        def chunk(text: str, finish: FinishReason | None = None, **extra: object) -> str:
            choice = CompletionChoice(index=0, text=text, finish_reason=finish)
            return sse_event(Completion(id=cid, created=self.created, model=self.model, choices=[choice], **extra))  # type: ignore[arg-type]

        for piece in _PIECE.findall(self.text):
            yield chunk(piece)
        yield chunk("", self.finish_reason, **self.velo_fields)
        if include_usage:
            yield sse_event(Completion(id=cid, created=self.created, model=self.model, choices=[], usage=self.usage))
        yield SSE_DONE
