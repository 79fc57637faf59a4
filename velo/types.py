"""Plain, frozen records passed between VELO's stages.

Nothing here imports torch or pymilvus: the SDK and the wire models may depend on this module alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import Enum

LANGUAGES: tuple[str, ...] = ("en", "es", "de", "zh", "ru")
"""The five oasst1 languages VELO is built and evaluated for (the default selection)."""


class Role(str, Enum):
    USER = "user"
    ASSISTANT = "assistant"


@dataclass(frozen=True)
class Turn:
    """One earlier message of a conversation."""

    role: Role
    text: str


@dataclass(frozen=True)
class QAPair:
    """A question with its best-ranked answer, as prepared from oasst1.

    `id` is the oasst1 message id of the answer; `conversation_id` is the message tree id, the unit of
    the train/test split; `context` holds the earlier turns of the conversation, oldest first.
    """

    id: str
    question: str
    answer: str
    lang: str
    conversation_id: str
    context: tuple[Turn, ...] = ()
    split: str = "train"

    @property
    def is_follow_up(self) -> bool:
        return bool(self.context)


class Source(str, Enum):
    """Which tier produced a cached answer."""

    CLOUD = "cloud"
    EDGE = "edge"


@dataclass(frozen=True)
class CacheEntry:
    """One question/answer pair stored in an edge server's semantic cache."""

    id: str
    question: str
    answer: str
    lang: str
    namespace: str
    source: Source
    created_at: float
    last_hit_at: float
    hit_count: int
    context_key: str = ""
    """Digest of the conversation context the question was asked in ("" for a first turn)."""


@dataclass(frozen=True)
class Neighbour:
    """One top-k search result: a cached entry, its cosine similarity to the request, and its stored vector."""

    entry: CacheEntry
    similarity: float
    vector: tuple[float, ...] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class HitFeatures:
    """What the hit-decision stage looked at for the best neighbour; agents observe these too.

    "Content words" are tokens outside a small per-language list of function words, cut to six characters
    so inflected forms (столица / столицы) count as one word.
    """

    similarity: float
    """Cosine similarity of request and best neighbour under the search embedder."""
    margin: float
    """Best similarity minus the second best (1.0 when there is a single neighbour)."""
    alt_similarity: float
    """Cosine similarity of the two questions under the second (diff) embedder: a second opinion."""
    lexical_overlap: float
    """Jaccard overlap of the two questions' tokens."""
    content_overlap: float
    """Jaccard overlap of their content words."""
    sequence_overlap: float
    """Order-aware token overlap (difflib ratio): high when one question is the other with a word swapped."""
    diff_similarity: float
    """Similarity of the words only the request has and the words only the cached question has (1.0 if one side has none)."""
    content_diff_similarity: float
    """The least similar pair of content words put in place of each other, each stretch where the questions
    differ scored on its own (second embedder; 1.0 if no content word is replaced; a stretch with content words on one
    side only is scored with all the words of the other): low when a term is swapped for a different one ("largest
    city" / "capital", "calorías plato" / "como se hace una"), high for a near-synonym."""
    added_words_similarity: float
    """The least similar stretch of content words one question adds to the other (inserted, not put in place of
    others, and not moved from elsewhere in it), scored against the whole other question (second embedder; 1.0 when
    no content word is added: the same words, words only replaced or moved, or only function words added). Words on
    the question's subject score higher than words about how to answer it ("WLAN和WiFi有什么区别" / "WLAN": 0.63;
    "Can you briefly explain why the sky is blue?" / "Why is the sky blue?": 0.02), but a word that changes what is
    asked can score as low as a filler ("green banana" / "banana" 0.01, "capital city" / "capital" 0.22): the model
    weighs it with the other features (README, the semantic cache)."""
    request_only_words: float
    """Number of content words only the request has."""
    cached_only_words: float
    """Number of content words only the cached question has."""
    answer_relevance: float
    """Relevance of the cached answer to the request (e5 query/passage similarity)."""
    answer_gap: float
    """How much less relevant the cached answer is to the request than to its own question."""
    number_mismatch: float
    """1.0 when a number is replaced by another (each question has a number the other lacks; digits of any
    script, Han numerals, small number words), 0.5 when numbers differ otherwise (on one side only), 0.0 when
    the same: see `velo.cache.numbers.number_change`."""
    negation_mismatch: float
    """1.0 when a negation is put in where the questions differ ("bad" / "not bad", "有害" / "无害"), 0.5 when exactly
    one of the two questions is negated otherwise, 0.0 when both or neither: see `velo.cache.negation.negation_change`."""
    order_swap: float
    """1.0 when the questions have the same words in a different order."""
    symbol_swap: float
    """1.0 when each question has a symbol the other lacks (🙂 / 🙃, `:)` / `:(`, `*` / `**`), or two questions the same word
    for word after folding spell a word otherwise in a way that names another thing (an accent on a content word "papa" /
    "papá", an acronym's capitals "US" / "us"): see `text.symbol_swap` and `text.spelling_swap`."""
    role_swap: float
    """1.0 when a role word takes swapped arguments ("5 km to miles" / "5 miles to km"): see `velo.cache.roles.role_swap`."""

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(getattr(self, n) for n in self.names())

    @staticmethod
    def names() -> tuple[str, ...]:
        return tuple(f.name for f in fields(HitFeatures))


@dataclass(frozen=True)
class HitRuleId:
    """Which hit rule decided (`velo.cache.decision.HitRule.identity`). Its score and verdict of the best neighbour are
    part of every observation (`velo.observation`), so a checkpoint records the rule it was trained with
    (`velo.checkpoint`) and is refused where another rule scores the observations."""

    name: str
    """`logistic` (a fitted rule) or `static:T`."""
    format: str
    """A fitted rule's file format (`velo.cache.decision.RULE_FORMAT`), `static` for a threshold."""
    fingerprint: str
    """16 hex digits of the sha256 of the rule's parameters as canonical JSON (its format included): two rules
    with the same fingerprint give every observation the same score and verdict."""

    def __str__(self) -> str:
        return f"{self.name} ({self.format}, fingerprint {self.fingerprint})"


@dataclass(frozen=True)
class HitDecision:
    """The decision stage's verdict on a lookup: serve `neighbour` or not, with the evidence."""

    hit: bool
    score: float
    """The rule's own confidence that the best neighbour answers the request (0..1 for the default rule)."""
    neighbour: Neighbour | None
    features: HitFeatures | None
    rule: str


@dataclass(frozen=True)
class LookupResult:
    """Everything one cache lookup produced, with its timing."""

    neighbours: tuple[Neighbour, ...]
    decision: HitDecision
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def answer(self) -> str | None:
        if self.decision.hit and self.decision.neighbour is not None:
            return self.decision.neighbour.entry.answer
        return None
