"""Request streams for the edge environment: new questions and reworded repeats of earlier ones.

Per edge, requests arrive as a Poisson process (`arrival_rate_per_s`). Each request is either *new* (an
item nobody asked yet, drawn by popularity) or *similar* (an item asked earlier in the episode: with
probability `locality` one asked at the same edge, else at any edge; drawn by popularity), worded
verbatim with probability `p_exact_repeat` and otherwise as one of its paraphrases when it has any.
Popularity is Zipf(`zipf_s`) over a seeded random ranking of the items. The whole stream is exogenous to
the agents' actions, so it is drawn once at reset from the environment's generator.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

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

    def __post_init__(self) -> None:
        for name in ("p_similar", "p_exact_repeat", "locality"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], got {getattr(self, name)}")
        if self.zipf_s < 0:
            raise ValueError(f"zipf_s must be >= 0, got {self.zipf_s}")
        rates = np.atleast_1d(self.arrival_rate_per_s)
        if (rates <= 0).any():
            raise ValueError(f"arrival rates must be > 0, got {self.arrival_rate_per_s}")

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
    and the round-trip jitter drawn for it (so counterfactual outcomes are deterministic)."""

    text: np.ndarray  # (E, K) int
    time_ms: np.ndarray  # (E, K) float
    similar: np.ndarray  # (E, K) bool
    jitter: np.ndarray  # (E, K) float in N(0, 1)


def generate(bank: RequestBank, n_edges: int, steps: int, cfg: WorkloadConfig, rng: np.random.Generator) -> Stream:
    rates = cfg.rates(n_edges)
    gaps = rng.exponential(1000.0 / rates[:, None], size=(n_edges, steps))
    times = np.cumsum(gaps, axis=1)
    weights = np.empty(bank.n_items)
    weights[rng.permutation(bank.n_items)] = 1.0 / np.arange(1, bank.n_items + 1) ** cfg.zipf_s
    # Items in order of first appearance: weighted sampling without replacement (Efraimidis-Spirakis).
    first_seen = np.argsort(-(np.log(weights) + rng.gumbel(size=bank.n_items)))
    originals = {int(bank.text_item[t]): int(t) for t in np.flatnonzero(bank.text_is_original)}
    paraphrases = {i: bank.paraphrases_of(i) for i in range(bank.n_items)}

    text = np.zeros((n_edges, steps), dtype=np.int64)
    similar = np.zeros((n_edges, steps), dtype=bool)
    order = np.argsort(times, axis=None, kind="stable")
    everywhere, here = _Pool(weights), [_Pool(weights) for _ in range(n_edges)]
    next_new = 0
    u = rng.random((n_edges * steps, 4))
    for n, flat in enumerate(order):
        e, k = divmod(int(flat), steps)
        if len(everywhere) and (u[n, 0] < cfg.p_similar or next_new >= bank.n_items):
            pool = here[e] if len(here[e]) and u[n, 1] < cfg.locality else everywhere
            item = pool.draw(u[n, 2])
            para = paraphrases[item]
            if para.size and u[n, 3] >= cfg.p_exact_repeat:
                text[e, k] = para[int(u[n, 3] * 1e6) % para.size]
            else:
                text[e, k] = originals[item]
            similar[e, k] = True
        else:
            item = int(first_seen[next_new])
            next_new += 1
            everywhere.add(item)
            text[e, k] = originals[item]
        here[e].add(item)
    return Stream(text, times, similar, rng.standard_normal((n_edges, steps)))


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
