"""Confidence intervals for evaluation results, over episodes (the independent unit of an evaluation).

Requests of one episode share a cache, queues and link states, so they are not independent; episodes are
(each has its own seed). An interval is therefore computed over per-episode means: a Student-t interval,
mean +- t_{(1+level)/2, n-1} * s / sqrt(n) (s the sample standard deviation of the n episode means).
Every policy is evaluated on the same seeds, so two policies are compared on their paired per-episode
differences, which removes the episode-to-episode variance both share (`paired_difference`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np


class Interval(NamedTuple):
    mean: float
    half_width: float
    """`nan` with fewer than two episodes."""
    n: int

    @property
    def low(self) -> float:
        return self.mean - self.half_width

    @property
    def high(self) -> float:
        return self.mean + self.half_width


def mean_interval(values: Sequence[float], level: float = 0.95) -> Interval:
    """Student-t interval of the mean of `values` (per-episode numbers); raises ValueError if level is not in (0, 1)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie in (0, 1), got {level}")
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=float)
    if x.size == 0:
        return Interval(float("nan"), float("nan"), 0)
    if x.size == 1:
        return Interval(float(x[0]), float("nan"), 1)
    from scipy.stats import t

    half = float(t.ppf(0.5 + level / 2, x.size - 1) * x.std(ddof=1) / math.sqrt(x.size))
    return Interval(float(x.mean()), half, int(x.size))


def episode_means(records: Sequence[dict], key: str = "satisfaction", subset: str = "all") -> dict[int, float]:
    """Mean of `key` per episode over all, `similar` or `new` requests (episodes without such requests left out)."""
    if subset not in ("all", "similar", "new"):
        raise ValueError(f"subset must be all, similar or new, got {subset!r}")
    sums: dict[int, list[float]] = {}
    for r in records:
        if subset == "similar" and not r["similar"] or subset == "new" and r["similar"]:
            continue
        sums.setdefault(int(r["episode"]), []).append(float(r[key]))
    return {ep: float(np.mean(v)) for ep, v in sorted(sums.items())}


def paired_difference(a: dict[int, float], b: dict[int, float], level: float = 0.95) -> Interval:
    """Interval of mean(a - b) over the episodes both have (same seeds, so the pairs share their workload)."""
    common = sorted(set(a) & set(b))
    return mean_interval([a[e] - b[e] for e in common], level)
