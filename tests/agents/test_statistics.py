"""Known answers for the evaluation's confidence intervals."""

from __future__ import annotations

import math

import pytest

from agents.statistics import episode_means, mean_interval, paired_difference


def test_student_t_interval_by_hand() -> None:
    ci = mean_interval([1.0, 2.0, 3.0])
    # mean 2, s = 1, t_{0.975, 2} = 4.302652729911275
    assert ci.mean == pytest.approx(2.0)
    assert ci.half_width == pytest.approx(4.302652729911275 / math.sqrt(3))
    assert ci.low < 2.0 < ci.high and ci.n == 3
    assert mean_interval([1.0, 2.0, 3.0], level=0.5).half_width < ci.half_width


def test_degenerate_and_bad_inputs() -> None:
    assert math.isnan(mean_interval([0.7]).half_width) and mean_interval([0.7]).mean == 0.7
    assert mean_interval([]).n == 0
    assert mean_interval([0.5, float("nan"), 0.5]).half_width == 0.0
    with pytest.raises(ValueError, match="level must lie in"):
        mean_interval([1.0, 2.0], level=1.0)
    with pytest.raises(ValueError, match="subset must be"):
        episode_means([], subset="old")


def test_episode_means_and_paired_difference() -> None:
    records = [
        {"episode": 0, "similar": True, "satisfaction": 1.0},
        {"episode": 0, "similar": False, "satisfaction": 0.0},
        {"episode": 1, "similar": False, "satisfaction": 0.5},
    ]
    assert episode_means(records) == {0: 0.5, 1: 0.5}
    assert episode_means(records, subset="similar") == {0: 1.0}
    assert episode_means(records, subset="new") == {0: 0.0, 1: 0.5}
    # b is a shifted by a constant: the paired interval has zero width although each varies a lot
    a, b = {0: 0.9, 1: 0.1, 2: 0.5}, {0: 0.8, 1: 0.0, 2: 0.4, 3: 1.0}
    diff = paired_difference(a, b)
    assert diff.mean == pytest.approx(0.1) and diff.half_width == pytest.approx(0.0, abs=1e-12) and diff.n == 3
