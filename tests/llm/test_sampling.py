"""The sampler against hand-computed distributions (velo/llm/sampling.py's formulas)."""

from __future__ import annotations

import math
from collections import Counter

import pytest
import torch

from velo.llm.sampling import Sampler, SamplingParams

# probabilities 0.5, 0.3, 0.2, 0 (the logits are their logs)
PROBS = [0.5, 0.3, 0.2, 0.0]
LOGITS = torch.tensor([math.log(p) if p else -1e9 for p in PROBS])


def draws(params: SamplingParams, count: int = 2000, produced: tuple[int, ...] = ()) -> Counter[int]:
    sampler = Sampler(params)
    return Counter(sampler.choose(LOGITS, produced) for _ in range(count))


def test_greedy_is_the_argmax_and_needs_no_logits() -> None:
    assert Sampler().choose(LOGITS) == 0
    assert not SamplingParams().needs_logits and SamplingParams(temperature=0.5).needs_logits


def test_logit_bias_moves_the_argmax() -> None:
    params = SamplingParams(logit_bias={2: math.log(0.5 / 0.2) + 0.01})
    assert params.needs_logits and Sampler(params).choose(LOGITS) == 2


def test_penalties_follow_openais_formula() -> None:
    # token 0 appeared twice: its logit drops by 2 * frequency + presence
    logits = torch.tensor([2.0, 1.0, 0.0, -5.0])
    presence = Sampler(SamplingParams(presence_penalty=1.01))
    assert presence.choose(logits, produced=(0,)) == 1  # 2 - 1.01 < 1
    frequency = Sampler(SamplingParams(frequency_penalty=0.6))
    assert frequency.choose(logits, produced=(0,)) == 0  # 2 - 0.6 > 1
    assert frequency.choose(logits, produced=(0, 0)) == 1  # 2 - 1.2 < 1


def test_temperature_one_samples_the_softmax() -> None:
    counts = draws(SamplingParams(temperature=1.0, seed=7))
    for token, p in enumerate(PROBS):
        assert counts[token] / 2000 == pytest.approx(p, abs=0.04)


def test_top_p_keeps_the_smallest_set_reaching_the_mass() -> None:
    assert set(draws(SamplingParams(temperature=1.0, top_p=0.5, seed=1), 300)) == {0}
    only_two = draws(SamplingParams(temperature=1.0, top_p=0.6, seed=1))
    assert set(only_two) == {0, 1} and only_two[0] / 2000 == pytest.approx(0.5 / 0.8, abs=0.04)
    assert set(draws(SamplingParams(temperature=1.0, top_p=0.0, seed=1), 100)) == {0}


def test_a_seed_reproduces_the_draws_and_choices_in_a_row_differ() -> None:
    params = SamplingParams(temperature=1.5, seed=42)
    first, again = Sampler(params), Sampler(params)
    a = [first.choose(LOGITS) for _ in range(50)]
    assert a == [again.choose(LOGITS) for _ in range(50)]
    assert len(set(a)) > 1


@pytest.mark.parametrize(
    "kwargs, field",
    [({"temperature": 2.5}, "temperature"), ({"top_p": 1.5}, "top_p"), ({"presence_penalty": -3}, "presence_penalty"), ({"logit_bias": {1: 200}}, "logit_bias")],
)
def test_out_of_range_parameters_are_refused(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=field):
        SamplingParams(**kwargs)
