"""What the world does to an edge server's cloud calls: a rate-limited API, a client that retries, a
backhaul link that degrades and fails, and users who give up.

All four are small, seeded, and separately tested; `envs.velo_edge_v1` composes them per scenario.

* `RateLimit`: the cloud API's requests-per-minute limit as a token bucket (capacity one minute's worth,
  refilled continuously), shared by every edge server of a deployment (one organisation, one API key).
  Anthropic documents its limits as continuously replenished buckets (API docs, "Rate limits").
* `RetryPolicy`: what the official `openai` Python client (3.57, `_constants.py`, `_base_client.py`) does
  with a 429 or a connection failure: at most 2 retries, waiting min(0.5 s * 2^n, 8 s) less a random
  0-25 % (jitter); a connection attempt fails after the 5 s connect timeout.
* `BackhaulModel`: each edge's link to the cloud as a continuous-time Markov chain over good / degraded /
  down (a Gilbert-Elliott-style model extended by an outage state). The link is exogenous (no action
  changes it), so its whole timeline is drawn at reset from the environment's generator.
* `Patience`: the time to first token after which a user has left; see `velo_edge_v1` for how an
  abandoned request is scored.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np

from envs.checks import real

GOOD, DEGRADED, DOWN = 0, 1, 2
LINK_STATES = ("good", "degraded", "down")


# ---------------------------------------------------------------------------------------------- rate limit


@dataclass(frozen=True)
class RateLimitConfig:
    requests_per_minute: float
    """The API's limit for the whole deployment (all edges share one key)."""

    def __post_init__(self) -> None:
        real("rate_limit.requests_per_minute", self.requests_per_minute, 0.0, low_open=True)


class RateLimit:
    """Token bucket: capacity `rpm` tokens, refilled at rpm / 60 per second; a request takes one token.

    Times are ms on the environment's clock. Calls may come slightly out of time order (edges are served in
    arrival order, but their network delays differ): a call earlier than the last refill refills nothing.
    """

    def __init__(self, config: RateLimitConfig) -> None:
        self.config = config
        self.capacity = float(config.requests_per_minute)
        self.per_ms = config.requests_per_minute / 60_000.0
        self.tokens = self.capacity
        self.t_ms = 0.0

    def _level(self, t_ms: float) -> float:
        return min(self.capacity, self.tokens + max(0.0, t_ms - self.t_ms) * self.per_ms)

    def remaining(self, t_ms: float) -> float:
        """Share of the bucket left at t (what the `x-ratelimit-remaining-requests` header reports)."""
        return self._level(t_ms) / self.capacity

    def try_acquire(self, t_ms: float, commit: bool = True) -> bool:
        level = self._level(t_ms)
        if level < 1.0:
            return False
        if commit:
            self.tokens, self.t_ms = level - 1.0, max(self.t_ms, t_ms)
        return True


# ---------------------------------------------------------------------------------------------- retries


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    initial_delay_ms: float = 500.0
    max_delay_ms: float = 8_000.0
    jitter: float = 0.25
    """Each wait is shortened by a uniform random share in [0, jitter]."""
    connect_timeout_ms: float = 5_000.0
    """How long a call waits on a link that is down before it fails."""

    def __post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, (int, np.integer)) or self.max_retries < 0:
            raise ValueError(f"retry.max_retries must be an integer >= 0, got {self.max_retries!r}")
        real("retry.initial_delay_ms", self.initial_delay_ms, 0.0)
        real("retry.max_delay_ms", self.max_delay_ms, 0.0)
        real("retry.jitter", self.jitter, 0.0, 1.0)
        real("retry.connect_timeout_ms", self.connect_timeout_ms, 0.0, low_open=True)

    def delay_ms(self, retry: int, u: float) -> float:
        """Wait before retry number `retry` (0 = first retry), with u ~ U(0, 1) drawn by the caller."""
        return min(self.initial_delay_ms * 2.0**retry, self.max_delay_ms) * (1.0 - self.jitter * u)


# ---------------------------------------------------------------------------------------------- backhaul


@dataclass(frozen=True)
class BackhaulConfig:
    mean_sojourn_s: tuple[float, float, float] = (600.0, 60.0, 20.0)
    """Mean time in good, degraded, down (s): exponential sojourns."""
    p_good_to_down: float = 0.2
    """Leaving good, the share of transitions straight to down (the rest go to degraded)."""
    p_degraded_to_down: float = 0.3
    """Leaving degraded, the share that goes down (the rest recover to good); down always recovers to good."""
    degraded_rtt_factor: float = 5.0
    """Round trip multiplied by this while degraded."""
    degraded_bandwidth_factor: float = 0.1
    """Up- and downlink bandwidth multiplied by this while degraded."""
    probe_interval_ms: float = 5_000.0
    """The edge server probes its link this often; its agent sees the state of the last probe."""

    def __post_init__(self) -> None:
        if len(self.mean_sojourn_s) != 3:
            raise ValueError(f"backhaul.mean_sojourn_s needs 3 values (good, degraded, down), got {self.mean_sojourn_s!r}")
        for name, v in zip(LINK_STATES, self.mean_sojourn_s):
            real(f"backhaul.mean_sojourn_s[{name}]", v, 0.0, low_open=True)
        real("backhaul.p_good_to_down", self.p_good_to_down, 0.0, 1.0)
        real("backhaul.p_degraded_to_down", self.p_degraded_to_down, 0.0, 1.0)
        real("backhaul.degraded_rtt_factor", self.degraded_rtt_factor, 1.0)
        real("backhaul.degraded_bandwidth_factor", self.degraded_bandwidth_factor, 0.0, 1.0, low_open=True)
        real("backhaul.probe_interval_ms", self.probe_interval_ms, 0.0, low_open=True)

    def stationary(self) -> np.ndarray:
        """Long-run share of time in each state (embedded jump chain weighted by mean sojourns)."""
        p = np.array([
            [0.0, 1.0 - self.p_good_to_down, self.p_good_to_down],
            [1.0 - self.p_degraded_to_down, 0.0, self.p_degraded_to_down],
            [1.0, 0.0, 0.0],
        ])
        w, v = np.linalg.eig(p.T)
        pi = np.real(v[:, np.argmin(np.abs(w - 1.0))])
        share = pi / pi.sum() * np.asarray(self.mean_sojourn_s)
        return share / share.sum()


@dataclass
class LinkTimeline:
    """One edge's link states over an episode: state `states[i]` from `starts_ms[i]` on."""

    starts_ms: list[float] = field(default_factory=lambda: [0.0])
    states: list[int] = field(default_factory=lambda: [GOOD])

    def state_at(self, t_ms: float) -> int:
        return self.states[bisect.bisect_right(self.starts_ms, t_ms) - 1]

    def next_change_ms(self, t_ms: float) -> float:
        i = bisect.bisect_right(self.starts_ms, t_ms)
        return self.starts_ms[i] if i < len(self.starts_ms) else math.inf


def draw_link_timeline(config: BackhaulConfig, horizon_ms: float, rng: np.random.Generator) -> LinkTimeline:
    """A timeline from 0 to `horizon_ms`, starting in the stationary distribution."""
    state = int(rng.choice(3, p=config.stationary()))
    t, starts, states = 0.0, [0.0], [state]
    while True:
        t += rng.exponential(1000.0 * config.mean_sojourn_s[state])
        if t >= horizon_ms:
            return LinkTimeline(starts, states)
        u = rng.random()
        if state == GOOD:
            state = DOWN if u < config.p_good_to_down else DEGRADED
        elif state == DEGRADED:
            state = DOWN if u < config.p_degraded_to_down else GOOD
        else:
            state = GOOD
        starts.append(t)
        states.append(state)


# ---------------------------------------------------------------------------------------------- patience


@dataclass(frozen=True)
class Patience:
    first_token_ms: float = 10_000.0
    """A user who has seen nothing after this long has left (Nielsen, Usability Engineering, 1993, ch. 5:
    10 s is the limit for keeping a user's attention on a task without feedback)."""

    def __post_init__(self) -> None:
        real("patience.first_token_ms", self.first_token_ms, 0.0, low_open=True)

    def abandoned(self, first_token_ms: float) -> bool:
        return first_token_ms > self.first_token_ms
