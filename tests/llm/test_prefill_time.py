"""The least prefill time of a prompt (`velo.llm.prefill_time`): its FLOPs by hand, the rate kept from measured
prefills, and the batcher's estimate with the real edge LLM (a cached prefix not counted)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.llm import LocalLLM  # noqa: E402
from velo.llm.continuous import ContinuousBatcher  # noqa: E402
from velo.llm.prefill_time import LOAD_WINDOW_S, MIN_LOAD_CPU_S, MIN_TOKENS, PrefillClock  # noqa: E402


def small_clock() -> PrefillClock:
    return PrefillClock(non_embedding_params=1_000, layers=2, attention_width=8, hidden=4, vocab=10)


def test_flops_by_hand() -> None:
    """3 new tokens after 2 cached: 2*1000*3 weights, 4*2*8 per (query, key) pair over 3*2 + 3*4/2 = 12 pairs, the
    output layer 2*4*10 once."""
    clock = small_clock()
    assert clock.flops(3, 2) == 6_000 + 64 * 12 + 80
    assert clock.flops(1) == 2_000 + 64 * 1 + 80
    with pytest.raises(ValueError, match="new_tokens >= 1"):
        clock.flops(0)
    with pytest.raises(ValueError, match="cached_tokens >= 0"):
        clock.flops(5, -1)


def test_the_fastest_rate_measured_is_kept_and_short_prefills_are_not_measured() -> None:
    clock = small_clock()
    assert clock.seconds(500) is None
    clock.observe(MIN_TOKENS - 1, 0, 1.0)  # too short to tell the rate: its fixed cost per call dominates
    clock.observe(MIN_TOKENS, 0, 0.0)  # no CPU time counted
    assert clock.seconds(500) is None
    clock.observe(MIN_TOKENS, 0, 2.0 * clock.flops(MIN_TOKENS))
    assert clock.seconds(500) == pytest.approx(2.0 * clock.flops(500))
    clock.observe(300, 10, 1.0 * clock.flops(300, 10))  # faster: kept
    clock.observe(200, 0, 3.0 * clock.flops(200))  # slower (the machine busy): not kept
    assert clock.seconds(500, 20) == pytest.approx(clock.flops(500, 20))
    assert clock.measured_tokens == 300


def test_the_estimate_is_stretched_by_the_least_slowdown_of_the_recent_work() -> None:
    """nc46: CPU time alone let a prompt into a share of time it could not meet at load 3-5 on two cores. The estimate is
    multiplied by the least wall / CPU time of the work of the last `LOAD_WINDOW_S`; work too small to tell, and work
    older than the window, count for nothing; a ratio under 1 (a timer's rounding) counts as 1."""
    clock = small_clock()
    clock.observe(MIN_TOKENS, 0, clock.flops(MIN_TOKENS))
    assert clock.slowdown(now=100.0) == 1.0 and clock.seconds(500, now=100.0) == pytest.approx(clock.flops(500))
    clock.note_load(1.0, 3.0, now=100.0)
    clock.note_load(0.5, 1.25, now=110.0)  # 2.5: the least
    clock.note_load(MIN_LOAD_CPU_S / 2, 1.0, now=110.0)  # too little CPU to tell
    assert clock.slowdown(now=115.0) == 2.5
    assert clock.seconds(500, now=115.0) == pytest.approx(2.5 * clock.flops(500))
    assert clock.slowdown(now=110.0 + LOAD_WINDOW_S + 1) == 1.0  # all of it older than the window
    clock.note_load(1.0, 0.9, now=200.0)
    assert clock.slowdown(now=200.0) == 1.0


def test_invalid_model_sizes_are_refused_naming_them() -> None:
    with pytest.raises(ValueError, match="layers must be an integer >= 1, got 0"):
        PrefillClock(non_embedding_params=1, layers=0, attention_width=1, hidden=1, vocab=1)


def test_smollm2_sizes_and_the_batchers_estimate(llm: LocalLLM) -> None:
    """SmolLM2-135M: 106.2 M non-embedding weights, 30 layers, 9 heads of 64. No rate before a prefill of
    `MIN_TOKENS`; after one, the estimate of that prompt is its measured CPU time, a longer prompt's is larger, and a
    prompt extending a cached one counts only its new tokens (`PrefixCache.shared`)."""
    clock = PrefillClock.for_model(llm.model)
    assert (clock.non_embedding_params, clock.layers, clock.attention_width) == (106_203_456, 30, 576)
    with ContinuousBatcher(llm, max_batch=2) as batcher:
        prompt = llm.prompt_ids("Summarize this. " + "The river rose after the storm and the town moved uphill. " * 20)
        assert len(prompt) > MIN_TOKENS and batcher.prefill_seconds(prompt) is None
        batcher.generate(prompt, 1)
        rate = batcher.clock.seconds_per_flop
        assert rate is not None and batcher.clock.measured_tokens == len(prompt)
        longer = prompt + llm.tokenizer.encode(" And then the bridge was rebuilt." * 10, add_special_tokens=False)
        fresh = [t + 1 for t in longer]  # shares no prefix with anything prefilled
        slowdown = batcher.clock.slowdown()  # its prefill's and decode step's wall over CPU time, just measured
        assert slowdown >= 1.0
        assert batcher.prefill_seconds(fresh) == pytest.approx(rate * clock.flops(len(fresh)) * slowdown, rel=1e-3)
        shared = batcher.prefixes.shared(longer)
        assert shared == len(prompt)  # the whole earlier prompt is cached
        assert batcher.prefill_seconds(longer) == pytest.approx(rate * clock.flops(len(longer) - shared, shared) * slowdown, rel=1e-3)
        assert batcher.prefill_seconds(longer) < batcher.prefill_seconds(fresh)
