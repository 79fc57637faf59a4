"""The models of VELO's own routes (the edge server's `/v1/serve` and admin routes) and the rules of namespaces and API
keys that the gateway, the edge and the SDK share."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from velo.wire.errors import ErrorDetail
from velo.wire.requests import MAX_STOP_STRINGS, PROMPT_CACHE_KEY_MAX_CHARS, SAFETY_IDENTIFIER_MAX_CHARS, USER_MAX_CHARS, Seed, TokenCount, _Strict
from velo.wire.responses import FinishReason, Route, _none

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
    max_tokens: TokenCount | None = None
    stop: Annotated[list[Annotated[str, Field(min_length=1)]], Field(max_length=MAX_STOP_STRINGS)] = []
    """Up to `MAX_STOP_STRINGS` non-empty strings, as the OpenAI routes take (an empty one had reached the LLM's stop
    matcher, whose ValueError was answered as a 400 blaming `messages`)."""
    user: Annotated[str, Field(max_length=USER_MAX_CHARS)] | None = Field(None, exclude_if=_none)
    """The client's `user` (the gateway passes it on): written in the edge's request log line, changes no answer. Left
    out of the body when absent, so a gateway sends an edge of the release before this field what it reads."""
    safety_identifier: Annotated[str, Field(max_length=SAFETY_IDENTIFIER_MAX_CHARS)] | None = Field(None, exclude_if=_none)
    """The client's `safety_identifier` (`ChatCompletionRequest.safety_identifier`): logged as `user`; left out when absent."""
    prompt_cache_key: Annotated[str, Field(max_length=PROMPT_CACHE_KEY_MAX_CHARS)] | None = Field(None, exclude_if=_none)
    """The client's `prompt_cache_key`, for the cloud's upstream (`upstream_fields`); left out when absent."""
    cloud_allowed: bool = True
    """False when the caller's cloud budget is spent: the edge answers from its cache or its own LLM."""
    temperature: Annotated[float, Field(ge=0, le=2)] | None = None
    top_p: Annotated[float, Field(ge=0, le=1)] | None = None
    seed: Seed | None = None
    """Sampling of a generated answer (`services/llm.py` says how); a cached answer is served as it is."""
    stream: bool = False
    """True: answer with server-sent `ServeEvent`s (start, text deltas as they are generated, done)."""

    def upstream_fields(self) -> dict[str, str]:
        """The client's identifiers an edge sends with a request it asks the cloud (CLOUD, CLOUD_CONTEXT), as the cloud
        service forwards them to its upstream: `user`, `safety_identifier`, `prompt_cache_key`, those given. They change
        no answer; an upstream such as OpenAI reads them for abuse monitoring and prompt caching. The edge had sent
        none (issue 8 finding 4), so the cloud's upstream saw every end user as the edge."""
        return {name: value for name in ("user", "safety_identifier", "prompt_cache_key") if (value := getattr(self, name)) is not None}


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
