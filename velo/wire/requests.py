"""The OpenAI request models (`POST /v1/completions`, `POST /v1/chat/completions`) and the conversation rules every
service shares (`text_turns`, `check_question`): unknown fields refused, every field of its own JSON type, a field
given its OpenAI default read as absent (`_GenerationRequest`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator, model_validator

from velo.control_chars import blank
from velo.wire.errors import APIError, unknown_keys

MAX_STOP_STRINGS = 4
USER_MAX_CHARS = 256
"""Longest `user` accepted (400 naming `user` beyond). OpenAI documents no maximum for `user`; its successor
`safety_identifier` takes at most 128 (`SAFETY_IDENTIFIER_MAX_CHARS`). 256 holds any hash or id a client sends (a SHA-256 in hex is 64) and
keeps the services' request log lines, where `user` is written (`services.http.record_request`), bounded."""
SAFETY_IDENTIFIER_MAX_CHARS = 128
"""Longest `safety_identifier` accepted (400 naming it beyond): OpenAI's documented maximum (the `openai` client 3.57's
`completion_create_params`: "a maximum length of 128 characters"; its guides had said 64)."""
PROMPT_CACHE_KEY_MAX_CHARS = 256
"""Longest `prompt_cache_key` accepted (400 naming it beyond). OpenAI documents no maximum; the bound keeps what a
cloud forwards upstream as small as `user`'s."""

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
INT32_MAX = 2**31 - 1
Seed = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""OpenAI's `seed` is an int64; `torch.Generator.manual_seed` overflows past 2**64 - 1, which a 500 (`velo shard serve`)
or a 400 blaming `messages` (the gateway) had answered (nc19 finding 2). Every integer field of the request models is
bounded so (`tests/test_wire.py` finds none unbounded): a count by what a server can do, a token id or token count by
int32, which holds every vocabulary and context window."""
TokenCount = Annotated[int, Field(ge=1, le=INT32_MAX)]
"""`max_tokens` and its kin; each server then holds it to its own limit (`max_tokens_limit`, the context window)."""
TokenId = Annotated[int, Field(ge=0, le=INT32_MAX)]
"""A token id (a prompt's, a `logit_bias` key); a server refuses one outside its vocabulary."""


class _Strict(BaseModel):
    """A request model: unknown fields refused, and every field of its own JSON type (`strict`): "max_tokens": "5" or
    true, "stream": "yes", "temperature": "0.5" are a 400 naming the field, as OpenAI answers them, not read as 5, 1,
    True and 0.5 (an integer is a number: "temperature": 1 stays valid)."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class StreamOptions(_Strict):
    include_usage: bool | None = None
    """Send a last chunk with `usage` (and no choices) before `[DONE]`."""
    include_obfuscation: bool | None = None
    """True: every chunk carries an `obfuscation` field of random characters that pads its JSON to a multiple of
    `velo.wire.OBFUSCATION_BLOCK` bytes (`velo.wire.sse_chunk`), OpenAI's mitigation of side channels that read the
    answer's tokens from the sizes of encrypted events. Honoured by every VELO streaming route (the gateway's two, the
    cloud's, `velo shard serve`'s two). Absent or false: no padding. OpenAI pads unless told false; VELO's services
    speak plain HTTP (TLS, where the padding hides anything, is a deployment's proxy in front of them) and an edge link
    is where bytes cost most, so a client behind such a proxy asks for it."""


class ResponseFormat(_Strict):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: dict[str, Any] | None = None


class ContentPart(BaseModel):
    """One part of a message's content; parts other than text have their own fields (`image_url`, ...)."""

    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(_Strict):
    role: Literal["developer", "system", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None
    name: str | None = None
    """OpenAI's participant name; refused by every VELO service with a 400 naming `messages[i].name` (`text_turns`
    says why), where it had been accepted and dropped."""
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    function_call: dict[str, Any] | None = None
    refusal: str | None = None
    annotations: list[dict[str, Any]] | None = None
    audio: dict[str, Any] | None = None
    """`refusal`, `annotations`, `audio` (and `tool_calls`, `function_call`) are fields of OpenAI's assistant message: the
    official `openai` client's `resp.choices[0].message.model_dump()` sends them back as null or [] with the next turn,
    which had been a 400 "unknown parameter 'messages[1].refusal'" (issue 9 finding 4). Null or empty asks for nothing:
    `text_turns` reads it as absent (not a validator, which would run in Python for every message of every body) and
    refuses a value as valid OpenAI that VELO does not serve (`ASSISTANT_ONLY`)."""


ASSISTANT_ONLY = {
    "refusal": "VELO's models read a turn's content only; send the refusal's text as content, or null",
    "annotations": "they cite a web search's sources, which VELO's models do not run; send [] or null",
    "audio": "VELO answers in text only; send the transcript as content, or null",
}
"""The fields of OpenAI's assistant message that no VELO service honours, and why (`text_turns`' 400 for a value)."""


def text_turns(messages: Sequence[ChatMessage], server: str) -> list[dict[str, str]]:
    """Chat messages as plain {role, content} turns for a text-only model (`developer` is read as `system`).

    Raises `APIError` 400 naming the field for what a text-only server cannot honour: tool and function roles
    and fields, missing content, non-text content parts, a participant's `name`. `server` names the refusing side in
    the messages.

    `messages[i].name` is refused, not honoured: SmolLM2's chat template (ChatML: `<|im_start|>user\n...<|im_end|>`)
    renders a role and a text, nothing else, so a name could only be written into the text, in a form the model was
    never tuned on; and the gateway's cache keys a conversation on its turns' text (`velo.wire.cache_context`), so a
    name it dropped would make Ana's "What is my name?" and Ben's the same question, served one answer. Accepted and
    ignored, as it had been, Ben could be answered what was said to Ana; refused, a client that needs names writes them
    into `content` ("Ana: ..."), where the model reads them and the cache tells the two speakers apart.
    """
    turns = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if message.role in ("tool", "function"):
            raise APIError.unsupported(f"{where}.role", f"role {message.role!r} needs tool calling, which {server} does not serve")
        for name in ("tool_calls", "tool_call_id", "function_call"):
            if getattr(message, name) not in (None, []):
                raise APIError.unsupported(f"{where}.{name}", f"it is a field of OpenAI's {'tool' if name == 'tool_call_id' else 'assistant'} "
                                                              f"message, but {server} does not serve tool calling; send null")
        for name, why in ASSISTANT_ONLY.items():
            if getattr(message, name) not in (None, []):
                whose = "" if message.role == "assistant" else f" (not of a {message.role} message)"
                raise APIError.unsupported(f"{where}.{name}", f"it is a field of OpenAI's assistant message{whose} that {server} does not serve: {why}")
        if message.name is not None:
            raise APIError.unsupported(f"{where}.name", "the model's chat template has no participant names and the cache keys on what was said, so "
                                                        "a name would be dropped; write it into content (e.g. 'Ana: ...') or send null")
        if message.content is None:
            raise APIError(400, f"{where}.content is missing: give the message's text", code="invalid_value", param=f"{where}.content")
        if isinstance(message.content, str):
            text = message.content
        else:
            for j, part in enumerate(message.content):
                if part.type != "text" or part.text is None:
                    raise APIError.unsupported(f"{where}.content[{j}]", f"only text parts ({{'type': 'text', 'text': ...}}) are served, got type {part.type!r}")
                if part.model_extra:  # `cache_control` (Anthropic's) had been dropped silently; a top-level one is refused
                    raise unknown_keys([f"{where}.content[{j}].{key}" for key in part.model_extra])
            text = "".join(part.text or "" for part in message.content)
        turns.append({"role": "system" if message.role == "developer" else message.role, "content": text})
    return turns


def check_question(turns: Sequence[Mapping[str, str]]) -> str:
    """The question a conversation (`turns` as {role, content}) asks: its last turn, which must be a user turn with text.
    APIError 400 naming `messages[i]` otherwise. The one rule of the gateway's and the cloud's chat routes
    (`services.openai_chat.chat_turns`) and the edge's `/v1/serve`: a conversation ending with an assistant turn asks
    nothing the cache could answer (the edge had served it the answer cached for the assistant's text)."""
    if not turns:
        raise APIError(400, "messages is empty: give the conversation, the question last", code="invalid_value", param="messages")
    last = f"messages[{len(turns) - 1}]"
    if turns[-1]["role"] != "user":
        raise APIError(400, f"the last message must be a user message with the question, got role {turns[-1]['role']!r}", code="invalid_value", param=last)
    if blank(turns[-1]["content"]):
        raise APIError(400, f"the question is empty: {last}.content has no text (only white space or invisible format characters)", code="invalid_value", param=last)
    return turns[-1]["content"]


class _GenerationRequest(_Strict):
    """Fields both generation routes take.

    A field given the value OpenAI documents as its default, one that asks for nothing (`presence_penalty: 0`,
    `frequency_penalty: 0.0`, `logit_bias: {}`, `n: 1`, `top_p: 1`, `stream: false`, and per route `_NEUTRAL`), is read as
    absent: it is None after validation, so every service's "was it given" is `is not None`, and a service that does not
    honour the field refuses only a value that asks for something (`presence_penalty: 0.5` -> 400 naming it). The
    `openai` client and SDKs of other languages send these defaults explicitly. `temperature` is not among them: VELO's
    default is greedy (0), not OpenAI's 1, so an explicit `temperature: 1` samples."""

    _NEUTRAL: ClassVar[dict[str, object]] = {
        "n": 1, "top_p": 1.0, "stream": False, "presence_penalty": 0.0, "frequency_penalty": 0.0, "logit_bias": {},
    }

    model: str
    n: Annotated[int, Field(ge=1, le=128)] | None = None
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    seed: Seed | None = None
    stop: str | list[str] | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    presence_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    logit_bias: dict[Annotated[TokenId, Strict(False)], Annotated[float, Field(ge=-100, le=100)]] | None = None
    """Token id (a JSON key, so a string of digits) -> bias."""
    user: Annotated[str, Field(max_length=USER_MAX_CHARS)] | None = None
    """OpenAI's end-user identifier, for monitoring and abuse detection: it changes no answer. Every VELO service
    writes it in its line of the request log (`services.http.record_request`: the gateway with the API key's name,
    the edge, the cloud, `velo shard serve`); the gateway passes it to the edge (`ServeRequest.user`), the cloud
    service to its upstream. At most `USER_MAX_CHARS` characters, else 400 naming `user`."""
    lang: str | None = None
    """VELO's extension: the question's language code (ISO 639-1 or "und"; the `openai` client sends it as
    `extra_body={"lang": "es"}`). None: the edge identifies it (`velo.lang_id`). Only cached entries of that language
    are candidates."""

    @field_validator("stop")
    @classmethod
    def _stop_strings(cls, value: str | list[str] | None) -> str | list[str] | None:
        strings = [value] if isinstance(value, str) else value or []
        if len(strings) > MAX_STOP_STRINGS or any(not s for s in strings):
            raise ValueError(f"stop takes a string or a list of up to {MAX_STOP_STRINGS} non-empty strings")
        return value

    @model_validator(mode="after")
    def _neutral_as_absent(self) -> Any:
        for name, neutral in self._NEUTRAL.items():
            if _is_neutral(getattr(self, name), neutral):
                setattr(self, name, None)
        return self

    @property
    def stop_strings(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


def _is_neutral(value: object, neutral: object) -> bool:
    """Whether a field's `value` is its documented default `neutral`; a bool is never a number (`logprobs: 0`, a count,
    is not `false`), and a nested model compares by the fields it was given (`{"type": "text"}`)."""
    if value is None or isinstance(value, bool) != isinstance(neutral, bool):
        return False
    if isinstance(value, BaseModel):
        value = value.model_dump(exclude_none=True)
    return value == neutral


class CompletionRequest(_GenerationRequest):
    prompt: str | list[str] | list[TokenId] | list[list[TokenId]]
    """Text, token ids, or a batch of either (one choice per prompt and n)."""
    max_tokens: TokenCount | None = None
    """At least 1 in every VELO service: OpenAI takes 0 to return only an echoed prompt's log probabilities, which no
    VELO service returns (0 had been read as "no limit" by the gateway)."""
    echo: bool | None = None
    suffix: str | None = None
    best_of: Annotated[int, Field(ge=0, le=20)] | None = None
    logprobs: Annotated[int, Field(ge=0, le=5)] | None = None
    """A count of most likely tokens (0: the chosen token's only), so 0 is not absent, unlike chat's `false`."""

    _NEUTRAL: ClassVar[dict[str, object]] = {**_GenerationRequest._NEUTRAL, "echo": False, "suffix": "", "best_of": 1}


class ChatCompletionRequest(_GenerationRequest):
    messages: Annotated[list[ChatMessage], Field(min_length=1)]
    max_tokens: TokenCount | None = None
    """Deprecated by OpenAI in favour of `max_completion_tokens`; the same limit."""
    max_completion_tokens: TokenCount | None = None
    logprobs: bool | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] | None = None
    response_format: ResponseFormat | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    functions: list[dict[str, Any]] | None = None
    function_call: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    metadata: dict[str, str] | None = None
    """Tags of a stored completion; with `store`, refused by every VELO service (`refuse_storing`)."""
    store: bool | None = None
    safety_identifier: Annotated[str, Field(max_length=SAFETY_IDENTIFIER_MAX_CHARS)] | None = None
    """OpenAI's successor of `user` for abuse monitoring (a hash of the end user's name or email): it changes no answer.
    Honoured as `user` is: written in every service's line of the request log (`services.http.record_request`), passed by
    the gateway to the edge (`ServeRequest.safety_identifier`), sent by the edge with a request it asks the cloud
    (`ServeRequest.upstream_fields`) and by the cloud service to its upstream. At most `SAFETY_IDENTIFIER_MAX_CHARS`."""
    prompt_cache_key: Annotated[str, Field(max_length=PROMPT_CACHE_KEY_MAX_CHARS)] | None = None
    """OpenAI's hint that routes requests sharing a long prompt prefix to the same servers (its prompt caching, which
    "replaces the `user` field" for that purpose). VELO's own models have no prefix cache and VELO's semantic cache keys
    on the question, so nothing here reads it; it travels where a prefix cache may: gateway -> edge -> cloud ->
    upstream, as `safety_identifier`. At most `PROMPT_CACHE_KEY_MAX_CHARS` characters."""

    _NEUTRAL: ClassVar[dict[str, object]] = {
        **_GenerationRequest._NEUTRAL, "logprobs": False, "top_logprobs": 0, "response_format": {"type": "text"}, "tool_choice": "none",
        "function_call": "none", "parallel_tool_calls": True, "store": False, "metadata": {},
    }

    def refuse_storing(self) -> None:
        """APIError 400 naming `store` (true) or `metadata` (not empty): OpenAI keeps such a completion for its
        distillation and evals products and tags it with `metadata`; no VELO service stores completions, so neither
        can be honoured. They had been accepted and ignored while the README promised a 400 for every field a
        service cannot honour (nc19 finding 7); `false` and `{}` ask for nothing and are read as absent."""
        if self.store is not None:
            raise APIError.unsupported("store", "VELO stores no completions (OpenAI's stored completions for distillation and evals); send false or null")
        if self.metadata is not None:
            raise APIError.unsupported("metadata", "it tags a stored completion, and VELO stores none; send null")
