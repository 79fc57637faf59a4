"""Cache evaluation: build a fresh cache from seed Q/A pairs, replay labelled queries, count right and wrong hits.

SEEDS.jsonl lines: {"id", "question", "answer", "lang"}, optionally "context".
QUERIES.jsonl lines: {"question", "lang", "expect": "hit"|"miss", "target": seed id (null or absent for a miss)},
optionally "context", and the metadata keys `QUERY_METADATA` ("kind": paraphrase / hard_negative / unrelated, "of", "source"),
kept as `Query.meta`. Any other key is refused naming the line (a typo, "contxt", would otherwise run without context).
"context" is the conversation's earlier user turns (a list of strings, as `SemanticCache.insert` / `lookup` take
it; absent or [] for a first turn): a seed is stored under its context and a query looked up under its own, so a
follow-up only ever meets the entries of the same conversation.

A hit is correct iff the query expects a hit and the served entry is its target.

Each outcome has a verdict (`VERDICTS`): `right_hit` (served its target), `wrong_hit` (expects a hit, served another
seed), `false_hit` (expects a miss, served a seed), `missed` (expects a hit, served nothing), `right_miss`. `velo cache
eval --verdicts FILE` writes one JSON line per query (`verdict_record`), so a user tuning a cache sees which queries
were wrong and why: the best neighbour, the rule's score, the similarity and the vetoes that fired:

    {"line": 3, "question": "Is coffee not bad for you?", "lang": "en", "context": [], "expect": "miss", "target": null,
     "best": {"id": "coffee", "question": "Is coffee bad for you?"}, "served": null, "score": 0.0, "similarity": 0.97,
     "vetoes": ["negation_mismatch"], "verdict": "right_miss"}
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from velo.cache.decision import StaticThreshold
from velo.cache.input_checks import CacheInputError, check_asked, check_context, check_lang, check_length, check_unicode
from velo.cache.lang_codes import lang_key, primary_language
from velo.cache.semantic_cache import CacheConfig, SemanticCache
from velo.control_chars import blank
from velo.lang_id import UNDETERMINED
from velo.files import utf8_lines
from velo.json_limits import JSONLimitError, loads as load_json
from velo.types import HitFeatures


SEED_FIELDS = ("id", "question", "answer", "lang", "context")
PAIR_FIELDS = ("cached", "request", "answer", "lang")
QUERY_FIELDS = ("question", "lang", "expect", "target", "context")
QUERY_METADATA = ("kind", "of", "source")
"""Keys a query may carry besides `QUERY_FIELDS`, kept as metadata (`scripts/*_to_cache_eval.py` write them)."""


class EvalDataError(ValueError):
    """A seeds or queries file that cannot be evaluated; the message names the file and line."""


@dataclass(frozen=True)
class Seed:
    id: str
    question: str
    answer: str
    lang: str
    context: tuple[str, ...] = ()
    """The conversation's earlier user turns (empty: a first turn)."""


@dataclass(frozen=True)
class Query:
    question: str
    lang: str
    expect: str
    target: str | None
    meta: dict = field(default_factory=dict, compare=False)
    context: tuple[str, ...] = ()
    """The conversation's earlier user turns (empty: a first turn)."""
    line: int | None = field(default=None, compare=False)
    """Its line in the queries file (from 1), when read from one."""


VERDICTS = ("right_hit", "wrong_hit", "false_hit", "missed", "right_miss")
"""What became of a query (`QueryOutcome.verdict`): served its target / expects a hit and was served another seed /
expects a miss and was served a seed / expects a hit and was served nothing / expects a miss and was served nothing."""


@dataclass(frozen=True)
class QueryOutcome:
    query: Query
    hit: bool
    served: str | None
    """Seed id the cache served (None on a miss)."""
    best: str | None
    """Seed id of the best neighbour, served or not."""
    features: HitFeatures | None
    score: float
    latency_ms: float
    best_question: str | None = None
    """The best neighbour's question (None without one)."""
    vetoes: tuple[str, ...] = ()
    """The rule's vetoes that fired on the best neighbour (`HitRule.vetoes`; () for a rule without vetoes)."""
    looked_up_as: str | None = None
    """The language an `und` query was searched as: its question's best guess (`lang_codes.lang_key` form, "en",
    "zh-hant"), as the cache's identifier makes it; None for a query in a stated language or a cache without one."""

    @property
    def correct_hit(self) -> bool:
        return self.hit and self.query.expect == "hit" and self.served == self.query.target

    @property
    def verdict(self) -> str:
        """One of `VERDICTS`."""
        if self.hit:
            return "false_hit" if self.query.expect == "miss" else "right_hit" if self.correct_hit else "wrong_hit"
        return "missed" if self.query.expect == "hit" else "right_miss"

    @property
    def best_is_right(self) -> bool:
        """Serving the best neighbour would be right (the label a hit rule is calibrated on)."""
        return self.query.expect == "hit" and self.best == self.query.target


def _read_jsonl(path: Path) -> list[tuple[int, dict]]:
    if not path.exists():
        raise EvalDataError(f"{path}: no such file")
    rows = []
    try:
        lines = utf8_lines(path)
    except ValueError as exc:
        raise EvalDataError(str(exc)) from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = load_json(line)
        except json.JSONDecodeError as exc:
            raise EvalDataError(f"{path}:{n}: not JSON ({exc.msg})") from None
        except JSONLimitError as exc:  # a RecursionError or a bare int-digits ValueError had escaped (issue 9)
            raise EvalDataError(f"{path}:{n}: {exc}") from None
        if not isinstance(row, dict):
            raise EvalDataError(f"{path}:{n}: expected a JSON object")
        rows.append((n, row))
    if not rows:
        raise EvalDataError(f"{path}: no records")
    return rows


def _known_keys(path: Path, n: int, row: dict, allowed: tuple[str, ...]) -> None:
    """EvalDataError naming the line and the first key of `row` not in `allowed` (with the field it may be a typo of)."""
    for key in row:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.7)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise EvalDataError(f"{path}:{n}: unknown field {key!r}{hint}; a line has {', '.join(allowed)}")


def _field(path: Path, n: int, row: dict, key: str, nullable: bool = False) -> str | None:
    value = row.get(key)
    if value is None and nullable:
        return None
    if not isinstance(value, str) or blank(value):
        raise EvalDataError(f"{path}:{n}: field {key!r} must be a non-empty string (not only white space or invisible format characters)")
    try:
        check_unicode(value, f"field {key!r}")
        if key in ("question", "cached", "request"):  # asked: the cache refuses a control character in it (`check_asked`)
            check_asked(value, f"field {key!r}")
        # what the cache would refuse at insert or lookup, said with the line (nc44: a 13,200-character request in a pairs
        # file stopped `velo cache score` after 18 s with "question #0 has 13200 characters", no file or line)
        check_length(value, f"field {key!r}", CacheConfig.max_chars)
    except CacheInputError as exc:
        raise EvalDataError(f"{path}:{n}: {exc}") from None
    return value


def _lang(path: Path, n: int, row: dict) -> str:
    """The row's "lang", a language code the cache accepts (`check_lang`); an EvalDataError naming the line."""
    value = _field(path, n, row, "lang")
    try:
        check_lang(value, "field 'lang'")
    except CacheInputError as exc:
        raise EvalDataError(f"{path}:{n}: {exc}") from None
    return str(value)


def _context(path: Path, n: int, row: dict) -> tuple[str, ...]:
    """The row's "context" (absent: a first turn), checked as the cache checks it; an EvalDataError naming the line."""
    try:
        return tuple(check_context(row.get("context", []), "field 'context'"))
    except CacheInputError as exc:
        raise EvalDataError(f"{path}:{n}: {exc}") from None


def load_seeds(path: Path) -> list[Seed]:
    seeds, seen = [], set()
    for n, row in _read_jsonl(path):
        _known_keys(path, n, row, SEED_FIELDS)
        seed = Seed(
            *(str(_field(path, n, row, k)) for k in ("id", "question", "answer")), _lang(path, n, row), _context(path, n, row)
        )
        if seed.id in seen:
            raise EvalDataError(f"{path}:{n}: duplicate seed id {seed.id!r}")
        seen.add(seed.id)
        seeds.append(seed)
    return seeds


def load_queries(path: Path, seed_ids: set[str]) -> list[Query]:
    queries = []
    for n, row in _read_jsonl(path):
        _known_keys(path, n, row, QUERY_FIELDS + QUERY_METADATA)
        expect = row.get("expect")
        if expect not in ("hit", "miss"):
            raise EvalDataError(f"{path}:{n}: 'expect' must be \"hit\" or \"miss\", got {expect!r}")
        target = _field(path, n, row, "target", nullable=True)
        if expect == "hit" and target is None:
            raise EvalDataError(f"{path}:{n}: a query expecting a hit needs a 'target' seed id")
        if expect == "miss" and target is not None:
            raise EvalDataError(f"{path}:{n}: a query expecting a miss has no 'target' (null or left out), got {target!r}")
        if target is not None and target not in seed_ids:
            raise EvalDataError(f"{path}:{n}: target {target!r} is not a seed id")
        meta = {k: v for k, v in row.items() if k in QUERY_METADATA}
        queries.append(
            Query(str(_field(path, n, row, "question")), _lang(path, n, row), expect, target, meta, _context(path, n, row), n)
        )
    return queries


class Pair(NamedTuple):
    """One (cached question, request) pair to score (`velo cache score`): the cached question, the request, the cached
    answer and the language both are stored and looked up as (`und`: any)."""

    cached: str
    request: str
    answer: str
    lang: str


def answer_for(template: str, cached: str) -> str:
    """`template` with `{cached}` replaced by the cached question, the result cut to the cache's `max_chars`: a stand-in
    answer ("the answer to {cached}") for a question of the cache's longest had been refused as too long, though the
    user wrote neither (nc45). A template without `{cached}` is returned whole, and checked as any answer."""
    if "{cached}" not in template:
        return template
    return template.replace("{cached}", cached)[: CacheConfig.max_chars]


def load_pairs(path: Path, answer: str, lang: str) -> list[Pair]:
    """The pairs of a JSONL file, one `{"cached", "request"[, "answer"][, "lang"]}` object per line (blank lines
    skipped), each field read as a seed's is; `answer` (its `{cached}` replaced by the line's cached question) and
    `lang` where a line gives none. EvalDataError naming the file and line, as `load_seeds`."""
    pairs = []
    for n, row in _read_jsonl(path):
        _known_keys(path, n, row, PAIR_FIELDS)
        cached, request = (str(_field(path, n, row, k)) for k in ("cached", "request"))
        pairs.append(Pair(
            cached, request, str(_field(path, n, row, "answer")) if "answer" in row else answer_for(answer, cached),
            _lang(path, n, row) if "lang" in row else lang,
        ))
    return pairs


def run_queries(cache: SemanticCache, seeds: Sequence[Seed], queries: Sequence[Query]) -> list[QueryOutcome]:
    """Fill `cache` (fresh) with `seeds`, each under its context, then look every query up under its own context
    without recording hits (order-independent)."""
    entries = cache.insert_many([(s.question, s.answer, s.lang) for s in seeds], contexts=[s.context for s in seeds])
    seed_of = {e.id: s for e, s in zip(entries, seeds)}
    outcomes = []
    for q in queries:
        # An `und` query is searched as its best guess (`SemanticCache.search`): identified once here, handed to the
        # lookup and reported as `looked_up_as`.
        und = cache.languages is not None and primary_language(q.lang.lower()) == UNDETERMINED
        guess = cache.languages.identify(q.question).guess if und else None
        result = cache.lookup(q.question, lang=q.lang, context=q.context, record=False, guess=guess)
        d = result.decision
        seed = seed_of.get(d.neighbour.entry.id) if d.neighbour else None
        best = seed.id if seed else None
        vetoes = cache.rule.vetoes(d.features) if d.features is not None else ()
        looked_up_as = lang_key(guess) if guess is not None else None
        outcomes.append(QueryOutcome(
            q, d.hit, best if d.hit else None, best, d.features, d.score, result.timings_ms["total"], seed.question if seed else None, vetoes,
            looked_up_as,
        ))
    return outcomes


def verdict_record(outcome: QueryOutcome) -> dict:
    """One line of `velo cache eval --verdicts`: the query (its line, question, language, context, expectation,
    target and metadata `QUERY_METADATA`), its best neighbour (seed id and question; null without one), the seed
    served (null on a miss), the rule's score, the best neighbour's cosine similarity (null without one), the vetoes
    that fired and the verdict (`VERDICTS`). An `und` query's line also says the language it was looked up as
    (`looked_up_as`, its best guess: brk finding 8), which decides the seeds it could find."""
    q = outcome.query
    best = None if outcome.best is None else {"id": outcome.best, "question": outcome.best_question}
    guessed = {} if outcome.looked_up_as is None else {"looked_up_as": outcome.looked_up_as}
    return {
        "line": q.line, "question": q.question, "lang": q.lang, **guessed, "context": list(q.context), "expect": q.expect, "target": q.target,
        **q.meta, "best": best, "served": outcome.served, "score": outcome.score,
        "similarity": outcome.features.similarity if outcome.features is not None else None,
        "vetoes": list(outcome.vetoes), "verdict": outcome.verdict,
    }


def verdict_counts(outcomes: Sequence[QueryOutcome]) -> dict[str, int]:
    """How many queries got each verdict, in `VERDICTS` order."""
    return {v: sum(o.verdict == v for o in outcomes) for v in VERDICTS}


def _counts(hit: np.ndarray, right: np.ndarray, expect_hit: np.ndarray) -> dict[str, float]:
    hits, correct = int(hit.sum()), int((hit & right).sum())
    misses_expected = int((~expect_hit).sum())
    return {
        "precision": correct / hits if hits else 1.0,
        "recall": correct / int(expect_hit.sum()) if expect_hit.any() else 1.0,
        "false_hit_rate": int((hit & ~expect_hit).sum()) / misses_expected if misses_expected else 0.0,
        "hits": hits,
    }


def summarize(outcomes: Sequence[QueryOutcome]) -> dict:
    """The `velo cache eval --json` object, with a per-language breakdown."""
    hit = np.array([o.hit for o in outcomes])
    right = np.array([o.correct_hit for o in outcomes])
    expect_hit = np.array([o.query.expect == "hit" for o in outcomes])
    lat = np.array([o.latency_ms for o in outcomes])
    report: dict = {**_counts(hit, right, expect_hit), "queries": len(outcomes)}
    report["p50_ms"] = float(np.percentile(lat, 50))
    report["p95_ms"] = float(np.percentile(lat, 95))
    langs = sorted({o.query.lang for o in outcomes})
    report["by_lang"] = {}
    for lang in langs:
        m = np.array([o.query.lang == lang for o in outcomes])
        report["by_lang"][lang] = {**_counts(hit[m], right[m], expect_hit[m]), "queries": int(m.sum())}
    return report


def static_sweep(outcomes: Sequence[QueryOutcome], thresholds: Sequence[float] | None = None) -> list[dict]:
    """Precision / recall of the plain static threshold on the same lookups (best-neighbour cosine >= t)."""
    sims = np.array([o.features.similarity if o.features else -1.0 for o in outcomes])
    best_right = np.array([o.best_is_right for o in outcomes])
    expect_hit = np.array([o.query.expect == "hit" for o in outcomes])
    grid = thresholds if thresholds is not None else [round(t, 3) for t in np.arange(0.80, 1.0001, 0.01)]
    rows = []
    for t in grid:
        rule = StaticThreshold(float(t))
        hit = np.array([rule.accepts(s) for s in sims])
        rows.append({"threshold": float(t), **_counts(hit, best_right, expect_hit)})
    return rows
