"""Known-answer tests of the scenario conditions: token bucket, client retries, backhaul chain, arrivals."""

from __future__ import annotations

import numpy as np
import pytest

from envs.arrivals import mmpp_times, shared_clock_times
from envs.conditions import (
    DOWN, GOOD, BackhaulConfig, Patience, RateLimit, RateLimitConfig, RetryPolicy, draw_link_timeline,
)


def test_token_bucket_known_answers() -> None:
    bucket = RateLimit(RateLimitConfig(requests_per_minute=60.0))  # one token per second, 60 at most
    assert all(bucket.try_acquire(0.0) for _ in range(60))
    assert not bucket.try_acquire(0.0), "the minute's budget is spent"
    assert not bucket.try_acquire(999.0) and bucket.try_acquire(1000.0), "refilled at 1/s"
    assert bucket.remaining(1000.0) == pytest.approx(0.0)
    assert bucket.try_acquire(2500.0, commit=False) and bucket.try_acquire(2500.0, commit=False), "a peek takes nothing"
    assert bucket.remaining(61_000.0) == pytest.approx(1.0), "never above capacity"


def test_retry_delays_are_the_openai_clients() -> None:
    retry = RetryPolicy()
    assert [retry.delay_ms(n, 0.0) for n in range(6)] == [500, 1000, 2000, 4000, 8000, 8000]
    assert retry.delay_ms(1, 1.0) == pytest.approx(750.0), "jitter shortens by up to 25 %"
    assert retry.max_retries == 2 and retry.connect_timeout_ms == 5000


def test_backhaul_timeline_matches_its_stationary_shares() -> None:
    config = BackhaulConfig(mean_sojourn_s=(60.0, 20.0, 10.0), p_good_to_down=0.25, p_degraded_to_down=0.5)
    tl = draw_link_timeline(config, 3600e3 * 200, np.random.default_rng(0))
    ends = tl.starts_ms[1:] + [3600e3 * 200]
    time_in = np.zeros(3)
    for start, end, state in zip(tl.starts_ms, ends, tl.states):
        time_in[state] += end - start
    assert time_in / time_in.sum() == pytest.approx(config.stationary(), abs=0.01)
    assert tl.state_at(tl.starts_ms[1] - 1) == tl.states[0] and tl.state_at(tl.starts_ms[1]) == tl.states[1]
    assert {GOOD, DOWN} <= set(tl.states)


def test_patience() -> None:
    assert Patience(10_000).abandoned(10_001) and not Patience(10_000).abandoned(10_000)


def test_mmpp_keeps_the_mean_rate_and_bursts_arrive_faster() -> None:
    rates = np.array([0.5, 0.5])
    times, burst = mmpp_times(rates, 20_000, 4.0, 120.0, 30.0, np.random.default_rng(0))
    assert 20_000 / (times[:, -1] / 1000) == pytest.approx([0.5, 0.5], rel=0.05)
    gaps = np.diff(times, axis=1)
    assert gaps[burst[:, 1:]].mean() < 0.5 * gaps[~burst[:, 1:]].mean()


def test_shared_clock_keeps_each_edges_rate_and_ties_the_edges() -> None:
    times, _ = shared_clock_times(np.array([0.5, 0.5, 0.5]), 5_000, np.random.default_rng(1))
    assert 5_000 / (times[:, -1] / 1000) == pytest.approx([0.5] * 3, rel=0.05)
    assert (np.diff(times, axis=1) >= 0).all()
    assert np.ptp(times, axis=0).max() < 60_000, "the k-th requests of all edges fall in the same gap"
