"""The OpenAI API's wire shapes, version 1: requests, responses, streamed chunks and the one error shape.

Pydantic only (no torch, no pymilvus): the EdgeShard server, later gateway and edge services and the SDK
all import this module, and a client pays nothing for it. There is no second copy of these schemas.

| model | route | notes |
|---|---|---|
| `CompletionRequest` -> `Completion` | `POST /v1/completions` | `Completion` is also each streamed chunk (OpenAI streams `text_completion` objects) |
| `ChatCompletionRequest` -> `ChatCompletion` | `POST /v1/chat/completions` | streamed as `ChatCompletionChunk`s |
| `ModelList` of `ModelCard` | `GET /v1/models` | |
| `ModelCard` | `GET /v1/models/{id}` | the `openai` client's `models.retrieve`; an unknown id -> 404 `model_not_found` |
| `ErrorResponse` | every failure | `{"error": {"message", "type", "code", "param"}}`, `param` naming the offending field |

Requests accept the OpenAI fields with their documented types and ranges, and refuse any other field
(`extra="forbid"`, as OpenAI does), and a value of another JSON type than the field's (`strict`: no "5" for 5). Whether a service honours a field it accepts is that service's
decision, stated in its own docstring (services/edgeshard.py for the EdgeShard server) and answered with
`APIError.unsupported`. `APIError.from_validation` turns pydantic's errors into a 400 naming the field as
`param`: a top-level name (`"stop"`) or a path (`"messages[1].role"`). Streams are server-sent events:
`data: <chunk JSON>` per chunk, then `data: [DONE]` (`sse_event`, `SSE_DONE`).

VELO's additions ride in fields the official `openai` client keeps (its models allow extra keys) and other
clients ignore: `route` (how the answer was served: cache / edge / cloud / cloud_context), `latency_ms`
(VELO's end-to-end time for the request) and `similarity` (cosine similarity of the request to the best
cached question, None when the cache had no candidate) on `Completion`, `ChatCompletion` and a stream's
last chunk; `velo` carries the EdgeShard server's timings. Each is left out when None.

VELO's own routes (the edge server's `/v1/serve`, the admin routes) take and return the models at the end
of this module: `ServeRequest` / `ServeResponse` (or, streamed, `ServeEvent`s), `CacheLookupRequest` / `CacheLookupResponse`,
`CacheEntryOut`, `DeletedCount`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, Strict, ValidationError, field_validator, model_serializer, model_validator

API_VERSION = "v1"
MAX_STOP_STRINGS = 4
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


# --- errors ----------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    message: str
    type: str
    code: str | None = None
    param: str | None = None
    """The request field at fault (`"temperature"`, `"messages[0].role"`), else None."""


class ErrorResponse(BaseModel):
    error: ErrorDetail


def parse_error(body: bytes) -> ErrorDetail | None:
    """The error a failed response's body carries in the one error shape; None for a body of another shape."""
    try:
        return ErrorResponse.model_validate_json(body).error
    except ValueError:
        return None


class APIError(Exception):
    """A failure a service answers with `ErrorResponse` and HTTP `status`; the SDK raises it for one too."""

    def __init__(self, status: int, message: str, type: str = "invalid_request_error", code: str | None = None, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.type, self.code, self.param = status, message, type, code, param

    @property
    def body(self) -> ErrorResponse:
        return ErrorResponse(error=ErrorDetail(message=self.message, type=self.type, code=self.code, param=self.param))

    @classmethod
    def unsupported(cls, param: str, why: str) -> APIError:
        """400 for a field the service understands but does not honour; `why` says what to send instead."""
        return cls(400, f"{param} is not supported: {why}", code="unsupported_parameter", param=param)

    @classmethod
    def model_not_found(cls, model: str, served: str) -> APIError:
        """404 for a model id this server does not serve (a request's `model`, `GET /v1/models/{id}`), as OpenAI answers."""
        return cls(404, f"the model {model!r} does not exist; this server serves {served!r}", "not_found_error", "model_not_found", "model")

    @classmethod
    def from_validation(cls, errors: Sequence[Mapping[str, Any]]) -> APIError:
        """400 for pydantic validation errors of a request body (`loc` starting with "body" or a field),
        naming every offending field in the message and the first as `param`."""
        problems: dict[str | None, tuple[str, list[str]]] = {}  # param -> (error type, messages)
        for err in errors:
            kind = str(err.get("type", ""))
            param = _param(err.get("loc", ()), unknown=kind == "extra_forbidden")
            if kind == "json_invalid":
                param = None
            text = str(err.get("ctx", {}).get("error", "")) if kind == "json_invalid" else str(err.get("msg", ""))
            messages = problems.setdefault(param, (kind, []))[1]
            if text.removeprefix("Value error, ") not in messages:
                messages.append(text.removeprefix("Value error, "))
        message = "; ".join(_describe(param, kind, messages) for param, (kind, messages) in problems.items())
        first = next(iter(problems.items()), (None, ("", [])))
        code = {"extra_forbidden": "unknown_parameter", "missing": "missing_required_parameter"}.get(first[1][0], "invalid_value")
        return cls(400, message or "invalid request", code=code, param=first[0])


def _describe(param: str | None, kind: str, messages: list[str]) -> str:
    if kind == "extra_forbidden":
        return f"unknown parameter {param!r}: this server does not accept it"
    if kind == "missing" and param is None:
        return "the body is empty: send a JSON object of the request's fields"
    if kind == "missing":
        return f"missing required parameter {param!r}"
    if kind == "json_invalid":
        return f"the body is not valid JSON: {' '.join(messages)}"
    if param is None:
        return f"the body must be a JSON object of the request's fields: {' or '.join(messages)}"
    return f"invalid {param!r}: {' or '.join(messages)}"


def body_not_json(raw: bytes) -> APIError:
    """400 saying why `raw` is no JSON text: empty, not UTF-8 (RFC 8259 8.1), or the JSON syntax error and where."""
    if not raw.strip():
        return APIError(400, "the body is empty: send a JSON object of the request's fields", code="invalid_value")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return APIError(400, f"the body is not valid UTF-8: byte 0x{raw[err.start]:02x} at position {err.start}", code="invalid_value")
    try:
        json.loads(text)
    except json.JSONDecodeError as err:
        return APIError(400, f"the body is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}", code="invalid_value")
    return APIError(400, "the body is not valid JSON", code="invalid_value")


def not_unicode(value: object, path: str = "") -> APIError | None:
    """400 naming the first text field of a parsed JSON body (`value`) with a lone surrogate (JSON allows "\\ud800",
    UTF-8 cannot hold it: the cache, the tokenizers and the upstreams refuse it), else None."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            message = f"{path} is not valid Unicode text: a lone surrogate {value[err.start]!r} at character {err.start}"
            return APIError(400, message, code="invalid_value", param=path or None)
        return None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = not_unicode(item, f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}" if path else str(key))
        if found is not None:
            return found
    return None


def parse_body(model: type[BaseModel], raw: bytes) -> Any:
    """`raw` validated as `model`, or the APIError naming the problem: an empty body, bytes that are not UTF-8, a JSON
    syntax error, a text field with a lone surrogate, or the fields pydantic refuses (`APIError.from_validation`).
    The fast path is pydantic's own JSON parser; only a body it cannot parse is parsed again to say why."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as err:
        errors = err.errors()
    if not any(e.get("type") == "json_invalid" for e in errors):
        raise APIError.from_validation(errors)
    try:
        value = json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        raise body_not_json(raw) from None
    if (problem := not_unicode(value)) is not None:
        raise problem
    try:
        return model.model_validate(value)
    except ValidationError as err:
        raise APIError.from_validation(err.errors()) from None


def sse_event(chunk: BaseModel) -> str:
    """One server-sent event carrying a chunk (or, when a stream fails, an `ErrorResponse`) as JSON."""
    return f"data: {chunk.model_dump_json()}\n\n"


# --- requests --------------------------------------------------------------------------------------


class _Strict(BaseModel):
    """A request model: unknown fields refused, and every field of its own JSON type (`strict`): "max_tokens": "5" or
    true, "stream": "yes", "temperature": "0.5" are a 400 naming the field, as OpenAI answers them, not read as 5, 1,
    True and 0.5 (an integer is a number: "temperature": 1 stays valid)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class StreamOptions(_Strict):
    include_usage: bool | None = None
    """Send a last chunk with `usage` (and no choices) before `[DONE]`."""
    include_obfuscation: bool | None = None


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
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    function_call: dict[str, Any] | None = None


def text_turns(messages: Sequence[ChatMessage], server: str) -> list[dict[str, str]]:
    """Chat messages as plain {role, content} turns for a text-only model (`developer` is read as `system`).

    Raises `APIError` 400 naming the field for what a text-only server cannot honour: tool and function roles
    and fields, missing content, non-text content parts. `server` names the refusing side in the messages.
    """
    turns = []
    for i, message in enumerate(messages):
        where = f"messages[{i}]"
        if message.role in ("tool", "function"):
            raise APIError.unsupported(f"{where}.role", f"role {message.role!r} needs tool calling, which {server} does not serve")
        for name in ("tool_calls", "tool_call_id", "function_call"):
            if getattr(message, name) is not None:
                raise APIError.unsupported(f"{where}.{name}", f"{server} does not serve tool calling")
        if message.content is None:
            raise APIError(400, f"{where}.content is missing: give the message's text", code="invalid_value", param=f"{where}.content")
        if isinstance(message.content, str):
            text = message.content
        else:
            for j, part in enumerate(message.content):
                if part.type != "text" or part.text is None:
                    raise APIError.unsupported(f"{where}.content[{j}]", f"only text parts ({{'type': 'text', 'text': ...}}) are served, got type {part.type!r}")
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
    if not turns[-1]["content"].strip():
        raise APIError(400, f"the question is empty: {last}.content has no text", code="invalid_value", param=last)
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
    seed: int | None = None
    stop: str | list[str] | None = None
    stream: bool | None = None
    stream_options: StreamOptions | None = None
    presence_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    frequency_penalty: Annotated[float, Field(ge=-2, le=2)] | None = None
    logit_bias: dict[Annotated[int, Strict(False)], Annotated[float, Field(ge=-100, le=100)]] | None = None
    """Token id (a JSON key, so a string of digits) -> bias."""
    """Token id -> bias (JSON object keys are the ids as strings)."""
    user: str | None = None
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
    prompt: str | list[str] | list[int] | list[list[int]]
    """Text, token ids, or a batch of either (one choice per prompt and n)."""
    max_tokens: Annotated[int, Field(ge=1)] | None = None
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
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    """Deprecated by OpenAI in favour of `max_completion_tokens`; the same limit."""
    max_completion_tokens: Annotated[int, Field(ge=1)] | None = None
    logprobs: bool | None = None
    top_logprobs: Annotated[int, Field(ge=0, le=20)] | None = None
    response_format: ResponseFormat | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    functions: list[dict[str, Any]] | None = None
    function_call: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    metadata: dict[str, str] | None = None
    store: bool | None = None

    _NEUTRAL: ClassVar[dict[str, object]] = {
        **_GenerationRequest._NEUTRAL, "logprobs": False, "top_logprobs": 0, "response_format": {"type": "text"}, "tool_choice": "none",
        "function_call": "none", "parallel_tool_calls": True,
    }


# --- responses -------------------------------------------------------------------------------------


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


# --- VELO's own routes ------------------------------------------------------------------------------

NAMESPACE_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
"""A cache namespace: 1-64 letters, digits, _ and - (the edge's `namespace` fields, the gateway's x-velo-namespace)."""
NAMESPACE_RULE = "1-64 ASCII letters, digits, _ and -"
API_KEY_RULE = "visible ASCII characters (no spaces, control or non-ASCII characters: an HTTP header carries it)"


def namespace_problem(value: object) -> str | None:
    """Why `value` is no cache namespace (`NAMESPACE_PATTERN`), else None: the one check behind the SDK's `namespace`,
    the gateway's `x-velo-namespace` header and the `namespaces` of its keys file (the edge's models use the pattern)."""
    if not isinstance(value, str):
        return f"a namespace is a string, got {type(value).__name__}"
    if not re.fullmatch(NAMESPACE_PATTERN, value):
        return f"{value[:80]!r} is not a namespace: {NAMESPACE_RULE}"
    return None


def api_key_problem(value: object) -> str | None:
    """Why `value` cannot be an API key sent as `Authorization: Bearer <key>`, else None (`API_KEY_RULE`). The message
    never quotes the key: it is a secret."""
    if not isinstance(value, str):
        return f"an API key is a string, got {type(value).__name__}"
    if not value:
        return "the API key is empty"
    bad = next((i for i, c in enumerate(value) if not "!" <= c <= "~"), None)
    if bad is not None:
        return f"the API key must be {API_KEY_RULE}; its character {bad} is not"
    return None


class Turn(_Strict):
    role: Literal["system", "user", "assistant"]
    content: str


def cache_context(turns: Sequence[Mapping[str, str]]) -> tuple[str, ...]:
    """The conversation context a question is cached and looked up under: the text of each earlier turn but the
    assistant's (`turns` as {role, content}, the question excluded), in order; user turns, and system / developer
    instructions, which change the answer as much as the words asked.

    The assistant's replies are left out: they differ with the tier that wrote them (a repeat of a conversation served
    from the cache, by the cloud or by the edge LLM, or sampled again, one character apart) while the follow-up is the
    same request; keyed on them nearly every follow-up would miss. The cost, accepted: the same user turns answered
    differently ("Who is the best footballer?": one tier names Messi, another Ronaldo) share a follow-up's answer
    ("How old is he?"), as they share the first question's. What `SemanticCache.insert` / `lookup` take as `context`,
    `/admin/cache/lookup`'s `context` and a `velo cache eval` line's "context" are this list; `envs.bank` keys on user
    turns alone, which is the same for oasst1's conversations (they have no system turns)."""
    return tuple(t["content"] for t in turns if t["role"] != "assistant")


class ServeRequest(_Strict):
    """`POST /v1/serve` on an edge server: one question, served by the edge's scheduling policy."""

    messages: Annotated[list[Turn], Field(min_length=1)]
    """The conversation, the question last (a user turn, else 400 naming it: `check_question`, the gateway's rule); cache
    entries match within its earlier turns but the assistant's (`cache_context`)."""
    namespace: Annotated[str, Field(pattern=NAMESPACE_PATTERN)] = "default"
    lang: str | None = None
    """The question's language code; None: the edge identifies it (`velo.lang_id`: "und" when unsure, then compared as
    its best guess)."""
    max_tokens: Annotated[int, Field(ge=1)] | None = None
    stop: list[str] = []
    cloud_allowed: bool = True
    """False when the caller's cloud budget is spent: the edge answers from its cache or its own LLM."""
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    seed: int | None = None
    """Sampling of a generated answer (`services/llm.py` says how); a cached answer is served as it is."""
    stream: bool = False
    """True: answer with server-sent `ServeEvent`s (start, text deltas as they are generated, done)."""


class ServeResponse(BaseModel):
    answer: str
    route: Route
    similarity: float | None
    """Cosine similarity of the question to the best cached one (None: no candidate, or the cache was down)."""
    latency_ms: float
    """The edge server's time for the request, lookup and generation included."""
    finish_reason: FinishReason
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str
    edge: str
    """The edge server's id."""
    cache_error: str | None = None
    """Why the cache could not be used for this request (Milvus down), else None."""


class ServeStart(BaseModel):
    """How a streamed answer is being served, sent before its first text."""

    route: Route
    similarity: float | None
    model: str
    edge: str
    cache_error: str | None = None


class ServeEvent(BaseModel):
    """One server-sent event of a streamed `/v1/serve`: exactly one field is set. `start` first, then `delta`s
    (pieces of the answer's text, in order), then `done` (the whole `ServeResponse`); `error` ends a stream
    that failed after it started."""

    start: ServeStart | None = Field(None, exclude_if=_none)
    delta: str | None = Field(None, exclude_if=_none)
    done: ServeResponse | None = Field(None, exclude_if=_none)
    error: ErrorDetail | None = Field(None, exclude_if=_none)


class CacheLookupRequest(_Strict):
    question: Annotated[str, Field(min_length=1)]
    context: list[str] = []
    """The conversation's earlier user (and system) turns, without the assistant's replies: what `/v1/serve` stores
    a follow-up under (`cache_context`)."""
    namespace: Annotated[str, Field(pattern=NAMESPACE_PATTERN)] = "default"
    lang: str | None = None
    """As `ServeRequest.lang`: None, the edge identifies the question's language, as it does for `/v1/serve`."""


class CacheEntryOut(BaseModel):
    id: str
    question: str
    answer: str
    lang: str
    namespace: str
    source: str
    created_at: float
    hit_count: int


class CacheLookupResponse(BaseModel):
    hit: bool
    score: float
    """The hit rule's score of the best neighbour."""
    similarity: float | None
    entry: CacheEntryOut | None
    """The best neighbour (served iff `hit`)."""
    lang: str | None = None
    """The language the lookup compared within: the request's `lang`, else the one the edge identified."""


class DeletedCount(BaseModel):
    deleted: int


_REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    CompletionRequest, ChatCompletionRequest, ChatMessage, ContentPart, StreamOptions, ResponseFormat, ServeRequest, CacheLookupRequest,
)
_FIELD_NAMES = frozenset(name for model in _REQUEST_MODELS for name in model.model_fields)


def _param(loc: Sequence[str | int], unknown: bool = False) -> str | None:
    """A pydantic error location as a request field path: ("body", "messages", 1, "role") -> "messages[1].role".

    Union member tags ("list[int]") and dict keys are no fields and are left out, except the last part of
    an `unknown` field's location, which is its name."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    name = str(parts.pop()) if unknown and parts else None
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]" if path else ""
        elif part in _FIELD_NAMES:
            path = f"{path}.{part}" if path else part
    if name is not None:
        path = f"{path}.{name}" if path else name
    return path or None
