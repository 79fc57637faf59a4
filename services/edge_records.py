"""The records one edge request passes between its stages (`services/edge_serving.py`): its lookup key and language, what
the lookup found, a cached answer as served, the started answer, and an answer queued for write-back."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from services.llm import AnswerStream
from velo.types import HitDecision, Neighbour, Source
from velo.wire import FinishReason, ServeRequest


@dataclass(frozen=True)
class WriteBack:
    question: str
    answer: str
    lang: str
    namespace: str
    context: tuple[str, ...]
    source: Source
    vector: np.ndarray | None
    """The question's embedding from its lookup; None when the lookup failed (the writer embeds it)."""
    queued_at: float = field(default_factory=time.perf_counter)
    """When the answer was queued (`time.perf_counter`), for the write-back's delay."""


@dataclass(frozen=True)
class RequestLang:
    """The language a request is looked up and written back under (`EdgeServer.request_lang`)."""

    lang: str
    """The stated language, else the identified one ("und" when unsure)."""
    guess: str | None = None
    """The identifier's best guess when it identified the question (`Identified.guess`; None for a stated language),
    given to the cache, which matches an "und" question as it and would otherwise identify the question again."""


@dataclass(frozen=True)
class LookupKey:
    question: str
    namespace: str
    context: tuple[str, ...]
    lang: RequestLang


@dataclass(frozen=True)
class Looked:
    vector: np.ndarray | None
    neighbours: tuple[Neighbour, ...]
    decision: HitDecision | None
    error: str | None
    rule_failed: bool = False
    """The hit rule raised on this request (a reader's bug, `EdgeServer._decided`): answered as if the cache held nothing
    near it, and its answer not written back (as a neighbour it could fail the lookups of others)."""


@dataclass(frozen=True)
class HitText:
    """A cached answer as one request is served it (`EdgeServer.hit_answer`)."""

    text: str
    finish_reason: FinishReason
    tokens: int | None
    """`text`'s tokens in the edge LLM's tokenizer; None when it has none (an endpoint without `llm_tokenizer`)."""


class Begun(NamedTuple):
    """An LLM's answer under way (`EdgeServer._generate`): its stream, route, model, and `fallback`."""

    stream: AnswerStream
    route: str
    model: str
    fallback: str | None = None
    """Why the edge LLM answers in place of the cloud it was to answer or would have (the cloud cooling down, failed,
    out of the caller's time): such an answer is not written back (`services/edge_writeback.py`). None otherwise."""


@dataclass
class Started:
    """A request whose route is chosen and whose answer has started (`EdgeServer.start`)."""

    request: ServeRequest
    question: str
    lang: str
    """The stated language, else the identified one ("und" when unsure): the lookup's and the write-back's."""
    context: tuple[str, ...]
    looked: Looked
    route: str
    model: str
    similarity: float | None
    stream: AnswerStream
    t0: float
    """When this answer was started (the edge LLM's time, which the policy observes, is counted from it)."""
    arrived: float
    """When the request arrived: its `latency_ms` and its latency histogram count from it (t0, but for a coalesced
    request that waited on an identical one's failed flight before running on its own: `services/coalesce.py`)."""
    fallback: str | None = None
    """`Begun.fallback`: why the edge LLM answered in place of the cloud, or None."""
