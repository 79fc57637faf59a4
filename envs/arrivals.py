"""Request arrival times: Poisson per edge, or a Markov-modulated Poisson process (MMPP) shared by all edges.

The MMPP (Fischer and Meier-Hellstern, "The Markov-modulated Poisson process (MMPP) cookbook", Performance
Evaluation 18, 1993) alternates between a calm phase (each edge's base rate) and a burst phase (the base
rate times `burst_rate_factor`), with exponential phase durations. One modulating chain drives every edge:
a burst is a deployment-wide surge (a news event, a class starting an exercise), which is what makes a
shared cloud rate limit bind. LLM serving traces show such bursts (BurstGPT, Wang et al., 2024).

The calm rate is scaled so that the long-run mean rate equals the given rate: a bursty scenario offers
the same load as a Poisson one, only unevenly.

**Clocks.** The environment steps all edges together: step k serves the k-th request of every edge. With
an independent Poisson clock per edge, the edges' k-th arrivals drift apart (by ~30 s after 200 requests
at 0.5/s), and a resource they share (the cloud's slots, the rate limit) then sees one edge's requests
from another's future, and queues that do not exist. `shared_clock_times` ties the clocks: one arrival
process (Poisson or MMPP at the edges' mean rate) gives the step times, and each edge's k-th request
arrives at a uniform point in the k-th gap. Each edge keeps its rate; the edges' arrivals are correlated.
"""

from __future__ import annotations

import numpy as np


def poisson_times(rates: np.ndarray, steps: int, rng: np.random.Generator) -> np.ndarray:
    """(E, steps) arrival times in ms: exponential gaps at `rates` (requests/s per edge)."""
    gaps = rng.exponential(1000.0 / rates[:, None], size=(rates.size, steps))
    return np.cumsum(gaps, axis=1)


def mmpp_times(
    rates: np.ndarray, steps: int, burst_rate_factor: float, mean_calm_s: float, mean_burst_s: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(E, steps) arrival times in ms and (E, steps) bool "arrived during a burst".

    Exact simulation by time change: within a phase of rate multiplier m, an edge's unit-rate Poisson
    clock runs m times faster. The phase sequence starts in its stationary distribution.
    """
    p_burst = mean_burst_s / (mean_calm_s + mean_burst_s)
    rates = rates / (1.0 - p_burst + p_burst * burst_rate_factor)
    # Phase boundaries until every edge has `steps` arrivals: draw unit-rate arrival "work" per edge, then
    # map work to time through the piecewise-linear clock of the modulating chain.
    work = np.cumsum(rng.exponential(1.0, size=(rates.size, steps)), axis=1) * (1000.0 / rates[:, None])
    need = float(work[:, -1].max())
    starts, mults = [0.0], []
    burst = bool(rng.random() < p_burst)
    clock_work, t = [0.0], 0.0
    while clock_work[-1] < need:
        m = burst_rate_factor if burst else 1.0
        length = rng.exponential(1000.0 * (mean_burst_s if burst else mean_calm_s))
        mults.append(m)
        t += length
        starts.append(t)
        clock_work.append(clock_work[-1] + m * length)
        burst = not burst
    starts_a, cw, m_a = np.array(starts), np.array(clock_work), np.array(mults)
    seg = np.clip(np.searchsorted(cw, work, side="right") - 1, 0, len(m_a) - 1)
    times = starts_a[seg] + (work - cw[seg]) / m_a[seg]
    return times, m_a[seg] > 1.0


def shared_clock_times(
    rates: np.ndarray, steps: int, rng: np.random.Generator, mmpp: tuple[float, float, float] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(E, steps) arrival times (ms) on one clock, and the burst flags when `mmpp` = (burst_rate_factor,
    mean_calm_s, mean_burst_s) is given. The clock runs at the mean of `rates`."""
    base = np.array([float(np.mean(rates))])
    if mmpp is None:
        ticks, burst = poisson_times(base, steps, rng), None
    else:
        ticks, burst = mmpp_times(base, steps, *mmpp, rng)
    ticks = ticks[0]
    gaps = np.diff(ticks, prepend=0.0)
    times = (ticks - gaps)[None, :] + rng.random((rates.size, steps)) * gaps[None, :]
    return times, None if burst is None else np.repeat(burst, rates.size, axis=0)
