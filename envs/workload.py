"""Request streams for the edge environment: new questions and reworded repeats of earlier ones.

Per edge, requests arrive as a Poisson process (`arrival_rate_per_s`). Each request is either *new* (an
item nobody asked yet, drawn by popularity) or *similar* (an item asked earlier in the episode: with
probability `locality` one asked at the same edge, else at any edge; drawn by popularity), worded
verbatim with probability `p_exact_repeat` and otherwise as one of its paraphrases when it has any.
Popularity is Zipf(`zipf_s`) over a seeded random ranking of the items. The whole stream is exogenous to
the agents' actions, so it is drawn once at reset from the environment's generator.

Options of `velo_edge_v1`'s scenarios (all off by default, and then the draws are exactly v0's):

* `arrival="mmpp"`: bursty arrivals, a Markov-modulated Poisson process shared by all edges
  (`envs.arrivals`), with the same long-run rate;
* `reworded_only`: only items that have rewordings are ever repeated, and never verbatim when
  `p_exact_repeat` is 0 (the papers' similar requests rephrase earlier questions);
* `p_lookalike`: the share of new requests that are look-alikes: an item not asked yet whose question
  is within cosine `lookalike_min_similarity` (e5) of an item already asked, but a different question
  with its own reference answer (mined from the bank's nearest-text candidates);
* `p_written_lookalike`: the share of new requests that are the team's written look-alikes (`envs.bank`'s
  `item_lookalike_of`) of items already asked (where one is left): a different question worded like a cached
  one, whose cached neighbour's answer is wrong. Drawn before the mined look-alikes and fresh items; a
  look-alike is asked once per episode (never repeated, never a similar request): it counts as *new*;
* `balance_languages`: popularity re-weighted so that each language is drawn equally often.

Fresh items are drawn from the bank's oasst1 items only (`RequestBank.n_questions`), so a bank's written
look-alikes change no draw while `p_written_lookalike` is 0.
"""

from __future__ import annotations

import bisect
import math
import numbers
from dataclasses import dataclass

import numpy as np

from envs.arrivals import mmpp_times, poisson_times, shared_clock_times
from envs.bank import RequestBank


@dataclass(frozen=True)
class WorkloadConfig:
    p_similar: float = 0.5
    """Share of requests that repeat an earlier question (verbatim or reworded)."""
    p_exact_repeat: float = 0.3
    """Share of similar requests asked verbatim; the rest use a paraphrase where one exists."""
    zipf_s: float = 1.0
    """Popularity skew: item of popularity rank r is drawn with weight 1 / r^s."""
    locality: float = 0.8
    """Probability a similar request repeats something asked at the same edge."""
    arrival_rate_per_s: float | tuple[float, ...] = 0.5
    """Requests per second per edge (one number for all edges, or one per edge)."""
    arrival: str = "poisson"
    """`poisson`, or `mmpp` (bursts; see `envs.arrivals`)."""
    clock: str = "independent"
    """`independent` (each edge its own arrival process, v0) or `shared` (one clock; see `envs.arrivals`)."""
    burst_rate_factor: float = 4.0
    """MMPP: arrival rate in a burst relative to the calm phase."""
    mean_calm_s: float = 120.0
    """MMPP: mean length of a calm phase (s)."""
    mean_burst_s: float = 30.0
    """MMPP: mean length of a burst (s)."""
    reworded_only: bool = False
    """Repeat only items that have rewordings."""
    p_lookalike: float = 0.0
    """Share of new requests drawn as look-alikes of items already asked (where any is left)."""
    lookalike_min_similarity: float = 0.88
    """e5 cosine from which a different question counts as a look-alike."""
    p_written_lookalike: float = 0.0
    """Share of new requests drawn as written look-alikes of items already asked (where any is left)."""
    balance_languages: bool = False
    """Draw each language equally often (popularity re-weighted within each language)."""

    def __post_init__(self) -> None:
        if self.arrival not in ("poisson", "mmpp"):
            raise ValueError(f"arrival must be 'poisson' or 'mmpp', got {self.arrival!r}")
        if self.clock not in ("independent", "shared"):
            raise ValueError(f"clock must be 'independent' or 'shared', got {self.clock!r}")
        for name in ("reworded_only", "balance_languages"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be a bool, got {getattr(self, name)!r}")
        for name, low in (("burst_rate_factor", 1.0), ("mean_calm_s", 0.0), ("mean_burst_s", 0.0)):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number, got {value!r}")
            if not (low <= value < math.inf) or (low == 0.0 and value == 0.0):
                raise ValueError(f"{name} must be a finite number {'>= 1' if low else '> 0'}, got {value!r}")
        for name in ("p_lookalike", "lookalike_min_similarity", "p_written_lookalike"):
            value = getattr(self, name)
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number, got {value!r}")
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {value!r}")
        rates = self.arrival_rate_per_s
        if isinstance(rates, np.ndarray):
            rates = rates.ravel().tolist()
        elif not isinstance(rates, (tuple, list)):
            rates = [rates]
        numbers_given = [(n, getattr(self, n)) for n in ("p_similar", "p_exact_repeat", "locality", "zipf_s")]
        for name, value in numbers_given + [("arrival_rate_per_s", r) for r in rates]:
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
                raise TypeError(f"{name} must be a number, got {value!r} ({type(value).__name__})")
        # Written as `not inside` so that NaN, which compares False with everything, is rejected too.
        for name in ("p_similar", "p_exact_repeat", "locality"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")
        if not 0.0 <= self.zipf_s < math.inf:
            raise ValueError(f"zipf_s must be a finite number >= 0, got {self.zipf_s}")
        if not rates or not all(0.0 < r < math.inf for r in rates):
            raise ValueError(f"arrival_rate_per_s: arrival rates must be finite and > 0, got {self.arrival_rate_per_s}")

    def rates(self, n_edges: int) -> np.ndarray:
        rates = np.atleast_1d(np.asarray(self.arrival_rate_per_s, dtype=np.float64))
        if rates.size == 1:
            return np.full(n_edges, rates[0])
        if rates.size != n_edges:
            raise ValueError(f"{rates.size} arrival rates given for {n_edges} edges")
        return rates


@dataclass(frozen=True)
class Stream:
    """Per edge e and step k: the text asked, its arrival time (ms), whether it repeats an earlier item,
    the round-trip jitter drawn for it (so counterfactual outcomes are deterministic), whether it is a
    look-alike of an item asked before (mined or written), and whether it arrived during a burst."""

    text: np.ndarray  # (E, K) int
    time_ms: np.ndarray  # (E, K) float
    similar: np.ndarray  # (E, K) bool
    jitter: np.ndarray  # (E, K) float in N(0, 1)
    lookalike: np.ndarray | None = None  # (E, K) bool
    burst: np.ndarray | None = None  # (E, K) bool


def lookalikes(bank: RequestBank, min_similarity: float) -> list[list[int]]:
    """Per item, the other items whose original question is within `min_similarity` (e5 cosine) of its own,
    nearest first: the bank's candidate lists, which hold each text's nearest texts of the same language
    and conversation context."""
    questions = bank.item_lookalike_of[bank.text_item] < 0
    originals = np.flatnonzero(bank.text_is_original & questions)
    out: list[list[int]] = [[] for _ in range(bank.n_items)]
    for t in originals.tolist():
        item = int(bank.text_item[t])
        for c in bank.cand[t].tolist():
            if c < 0 or not bank.text_is_original[c] or not questions[c] or int(bank.text_item[c]) == item:
                continue
            if float(bank.text_vecs[t] @ bank.text_vecs[c]) >= min_similarity:
                out[item].append(int(bank.text_item[c]))
    return out


def generate(bank: RequestBank, n_edges: int, steps: int, cfg: WorkloadConfig, rng: np.random.Generator) -> Stream:
    rates = cfg.rates(n_edges)
    burst = None
    mmpp = (cfg.burst_rate_factor, cfg.mean_calm_s, cfg.mean_burst_s) if cfg.arrival == "mmpp" else None
    if cfg.clock == "shared":
        times, burst = shared_clock_times(rates, steps, rng, mmpp)
    elif mmpp is not None:
        times, burst = mmpp_times(rates, steps, *mmpp, rng)
    else:
        times = poisson_times(rates, steps, rng)
    n_questions = bank.n_questions  # the oasst1 items come first; written look-alikes are never drawn fresh
    weights = np.zeros(bank.n_items)
    weights[rng.permutation(n_questions)] = 1.0 / np.arange(1, n_questions + 1) ** cfg.zipf_s
    if cfg.balance_languages:
        totals = np.bincount(bank.item_lang[:n_questions], weights=weights[:n_questions])
        weights[:n_questions] = weights[:n_questions] / totals[bank.item_lang[:n_questions]]
    # Items in order of first appearance: weighted sampling without replacement (Efraimidis-Spirakis).
    first_seen = np.argsort(-(np.log(weights[:n_questions]) + rng.gumbel(size=n_questions))).tolist()
    originals = dict(zip(bank.text_item[bank.text_is_original].tolist(), np.flatnonzero(bank.text_is_original).tolist()))
    paraphrases = bank.paraphrase_table()
    repeatable = [not cfg.reworded_only or paraphrases[i].size > 0 for i in range(n_questions)]
    repeatable += [False] * (bank.n_items - n_questions)
    near = lookalikes(bank, cfg.lookalike_min_similarity) if cfg.p_lookalike > 0 else None
    written = bank.lookalike_table() if cfg.p_written_lookalike > 0 else None

    text = np.zeros((n_edges, steps), dtype=np.int64)
    similar = np.zeros((n_edges, steps), dtype=bool)
    lookalike = np.zeros((n_edges, steps), dtype=bool)
    order = np.argsort(times, axis=None, kind="stable")
    everywhere, here = _Pool(weights), [_Pool(weights) for _ in range(n_edges)]
    asked: set[int] = set()
    candidates: list[int] = []
    """Look-alikes of asked items not asked yet (may hold items asked since: skipped when drawn)."""
    written_left: list[int] = []
    """Written look-alikes of asked items, not asked yet (each is asked once)."""
    next_new = questions_asked = 0
    u = rng.random((n_edges * steps, 4)).tolist()  # Python floats: the same numbers, faster to index
    u_look = rng.random(n_edges * steps).tolist() if near is not None else None
    u_written = rng.random((n_edges * steps, 2)).tolist() if written is not None else None
    for n, flat in enumerate(order.tolist()):
        e, k = divmod(flat, steps)
        exhausted = questions_asked >= n_questions
        if exhausted and not len(everywhere):  # nothing new left and nothing reworded: repeat verbatim
            everywhere, here = _Pool(weights), [_Pool(weights) for _ in range(n_edges)]
            for i in asked:
                if i < n_questions:
                    everywhere.add(i)
            repeatable = [True] * n_questions + [False] * (bank.n_items - n_questions)
        if len(everywhere) and (u[n][0] < cfg.p_similar or exhausted):
            pool = here[e] if len(here[e]) and u[n][1] < cfg.locality else everywhere
            item = pool.draw(u[n][2])
            para = paraphrases[item]
            if para.size and u[n][3] >= cfg.p_exact_repeat:
                text[e, k] = para[int(u[n][3] * 1e6) % para.size]
            else:
                text[e, k] = originals[item]
            similar[e, k] = True
        else:
            item = -1
            if u_written is not None and written_left and u_written[n][0] < cfg.p_written_lookalike:
                item = written_left.pop(int(u_written[n][1] * len(written_left)) % len(written_left))
                lookalike[e, k] = True
            if item < 0 and u_look is not None and u_look[n] < cfg.p_lookalike:
                while candidates and item < 0:
                    pick = candidates.pop(int(u[n][2] * len(candidates)) % len(candidates))
                    item = -1 if pick in asked else pick
                lookalike[e, k] = item >= 0
            if item < 0:
                while first_seen[next_new] in asked:
                    next_new += 1
                item = first_seen[next_new]
                next_new += 1
            asked.add(item)
            questions_asked += item < n_questions
            if repeatable[item]:
                everywhere.add(item)
            if near is not None and item < n_questions:
                candidates += [j for j in near[item] if j not in asked]
            if written is not None and item < n_questions:
                written_left += written[item]
            text[e, k] = originals[item]
        if repeatable[item]:
            here[e].add(item)
    return Stream(text, times, similar, rng.standard_normal((n_edges, steps)), lookalike, burst)


class _Pool:
    """Items asked so far, drawn by popularity weight (cumulative sums kept as items arrive)."""

    def __init__(self, weights: np.ndarray) -> None:
        self._weights = weights
        self._items: list[int] = []
        self._seen: set[int] = set()
        self._cum: list[float] = []

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: int) -> None:
        if item not in self._seen:
            self._seen.add(item)
            self._items.append(item)
            self._cum.append((self._cum[-1] if self._cum else 0.0) + float(self._weights[item]))

    def draw(self, u: float) -> int:
        return self._items[min(bisect.bisect_right(self._cum, u * self._cum[-1]), len(self._items) - 1)]
