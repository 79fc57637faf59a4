"""The OpenAI response models (completions, chat completions, their streamed chunks, the model list) with VELO's
additions (`route`, `latency_ms`, `similarity`, `velo`), and server-sent events."""

from __future__ import annotations

import secrets
from typing import Any, Literal

from pydantic import BaseModel, Field, SerializerFunctionWrapHandler, model_serializer

SSE_DONE = "data: [DONE]\n\n"

FinishReason = Literal["stop", "length", "content_filter"]
"""Why an answer VELO serves ended: OpenAI's reasons for a text answer (a completion's are exactly these). VELO's own LLMs
end with "stop" or "length"; "content_filter" is relayed from an upstream that filtered its answer."""
ChatFinishReason = Literal["stop", "length", "content_filter", "tool_calls", "function_call"]
"""Every reason OpenAI defines for a chat choice: an upstream's answer is read with these, and `services.llm` decides what
it can relay (a tool call it cannot: VELO asks for text)."""
Route = Literal["cache", "edge", "cloud", "cloud_context"]
"""How VELO served a request: the four actions of the scheduling agent."""
ROUTES: tuple[str, ...] = ("cache", "edge", "cloud", "cloud_context")


def sse_event(chunk: BaseModel) -> str:
    """One server-sent event carrying a chunk (or, when a stream fails, an `ErrorResponse`) as JSON."""
    return f"data: {chunk.model_dump_json()}\n\n"


OBFUSCATION_BLOCK = 64
"""Bytes an obfuscated chunk's JSON is padded to a multiple of (`sse_chunk`): a text delta of a token or a word (under
~40 bytes) leaves every chunk of a stream the same size."""
_PAD_FIELD = ',"obfuscation":""'


def sse_chunk(chunk: BaseModel, obfuscate: bool = False) -> str:
    """`sse_event` of a stream's chunk; with `obfuscate` (the request's `stream_options.include_obfuscation`) the chunk
    carries OpenAI's `obfuscation` field, random letters and digits (1 to `OBFUSCATION_BLOCK`) that bring its JSON to
    a multiple of `OBFUSCATION_BLOCK` bytes, so an event's size no longer tells its text's length. The `openai`
    client reads the field as any extra one."""
    data = chunk.model_dump_json()
    if not obfuscate:
        return f"data: {data}\n\n"
    assert data.endswith("}")
    pad = OBFUSCATION_BLOCK - (len(data.encode()) + len(_PAD_FIELD)) % OBFUSCATION_BLOCK
    return f'data: {data[:-1]},"obfuscation":"{secrets.token_hex(pad)[:pad]}"}}\n\n'


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class Timings(BaseModel):
    """VELO's addition to the OpenAI shapes (clients ignore it): where the time went, summed over choices."""

    prefill_ms: float
    decode_ms: float
    shards: list[str] = []


def _none(value: object) -> bool:
    return value is None


class _Served(BaseModel):
    """VELO's additions: present (`similarity` as null when there was no candidate) exactly when `route` is set."""

    route: Route | None = None
    latency_ms: float | None = None
    similarity: float | None = None

    @model_serializer(mode="wrap")
    def _drop_unrouted(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        added = {name: data.pop(name, None) for name in ("route", "latency_ms", "similarity")}
        return data if self.route is None else {**data, **added}  # after OpenAI's own fields


class CompletionChoice(BaseModel):
    index: int
    text: str
    logprobs: None = None
    finish_reason: FinishReason | None
    """None in every streamed chunk of the choice but its last."""


class Completion(_Served):
    """A completion, and (with `usage` None until the optional last chunk) each chunk of a streamed one."""

    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    choices: list[CompletionChoice]
    usage: Usage | None = None
    velo: Timings | None = Field(None, exclude_if=_none)


class AssistantMessage(BaseModel):
    """An answer's message. VELO's own always has `content`; OpenAI's schema (what an upstream is read with) allows null
    content beside a `refusal` or `tool_calls`, which VELO never sends (left out when None)."""

    role: Literal["assistant"] = "assistant"
    content: str | None
    refusal: str | None = Field(None, exclude_if=_none)
    tool_calls: list[dict[str, Any]] | None = Field(None, exclude_if=_none)
    function_call: dict[str, Any] | None = Field(None, exclude_if=_none)


class ChatChoice(BaseModel):
    index: int
    message: AssistantMessage
    logprobs: dict[str, Any] | None = None
    """Always null from VELO (it returns no log probabilities); an upstream's object is read, not relayed."""
    finish_reason: ChatFinishReason


class ChatCompletion(_Served):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoice]
    usage: Usage | None = None
    """Always set by VELO; an OpenAI-compatible upstream may leave it out (its counts are then read as 0)."""
    velo: Timings | None = Field(None, exclude_if=_none)


class ChatDelta(BaseModel):
    """What a chunk adds to the message: the role in a choice's first chunk, then content."""

    role: Literal["assistant"] | None = Field(None, exclude_if=_none)
    content: str | None = Field(None, exclude_if=_none)
    refusal: str | None = Field(None, exclude_if=_none)
    """OpenAI's schema, read from an upstream; never sent by VELO (as `tool_calls`, `function_call`)."""
    tool_calls: list[dict[str, Any]] | None = Field(None, exclude_if=_none)
    function_call: dict[str, Any] | None = Field(None, exclude_if=_none)


class ChatChunkChoice(BaseModel):
    index: int
    delta: ChatDelta
    logprobs: dict[str, Any] | None = None
    finish_reason: ChatFinishReason | None = None


class ChatCompletionChunk(_Served):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChatChunkChoice]
    usage: Usage | None = None
    """Only in the last chunk when `stream_options.include_usage`, whose `choices` is empty."""


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "velo"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]
