"""The least time a prompt's prefill can take here: its arithmetic, at the fastest rate this process has measured.

A caller that stops waiting at a deadline (the gateway's budget, passed down as `x-velo-timeout-ms`) gains nothing
from a prefill that cannot end before it: the request fails at the deadline anyway, the budget of its fallbacks spent
on it and a core busy for nothing. A 20,000-character prompt (~5,000 tokens) takes SmolLM2-135M ~28 s of prefill on
one core (below); under `velo up` it had been given to the cloud's 30 s, then the edge LLM's 30 s, then the
gateway's direct cloud's 60 s, each too short, and ended in a 503 after 120 s. `PrefillClock.seconds` tells in
microseconds, before anything runs, so the LLM can refuse it at once and leave the whole budget to what comes next.

Cost model: the FLOPs of a decoder-only transformer's forward pass (Kaplan et al. 2020, "Scaling Laws for Neural
Language Models", Table 1), for `n` new prompt tokens after `p` tokens whose keys and values are cached already
(`velo.llm.prefix_cache`):

    flops(n, p) = 2 N n  +  4 L d_attn (n p + n (n + 1) / 2)  +  2 d V

2 N per token for the N non-embedding weights (each multiplied once per token); per layer and per (query, key) pair
under the causal mask, 2 d_attn for the QKᵀ logit and 2 d_attn for its share of A·V (Kaplan's table counts the
logits only); the output layer (d x V) for the last position alone (`logits_to_keep=1`). SmolLM2-135M: N = 106.2 M,
L = 30, d_attn = 576 (9 heads of 64), so attention adds 17 % to a 1,024-token prefill and 81 % to a 5,000-token one.

Rate: seconds of CPU per FLOP, the least over the prefills measured (`observe`), in the CPU time of the thread that
ran them (`time.thread_time`), not wall time: other processes on the machine stretch wall time, not the CPU a
prefill needs, so a rate measured under load (a `velo up` starting five processes on two cores) is no slower. With
torch's intra-op threads the calling thread does its share of each parallel region, so its CPU time is about the
unloaded wall time. Prefills of fewer than `MIN_TOKENS` new tokens are not measured: their fixed cost per call
(Python, ~30 layers of small kernels) makes them slower per FLOP, and a rate from them would refuse prompts that could
finish. Measured here on one thread, unloaded (`python benchmarks/prefill_time.py --lengths 32,64,128,256,1024,2048,5000`,
medians of 3-5): 32 tokens 41 GFLOP/s, 64 tokens 52, 128 tokens 63, 256 tokens 69-73, 1,024 tokens 71, 2,048 tokens
65, 5,000 tokens 69 (27.9 s): from a 256-token calibration the estimate is 0.89-0.97 of the CPU time measured for 256
to 5,000 tokens, on the low side as a least time must be.

Load: CPU time is what the prefill needs, not how long it takes on a machine whose cores other processes share: at a
load of 3-5 on two cores a 20,000-character prompt estimated at 17.8 s of CPU was let into the cloud's 30 s under
`velo up`, took longer, was abandoned and prefilled again by the next fallback (nc46). So the estimate is stretched by
the least slowdown measured on this LLM's own work in the last `LOAD_WINDOW_S` (wall time over thread CPU time of its
prefills and decode steps, `note_load`; 1 when it has done none): what the prefill takes at the load seen just now.

`seconds(n, p)` is therefore the least time the prefill could take at the load just measured: a request refused on it
could not have begun its answer in time unless the machine got quieter (only its prefill is counted, not the decode
steps or the wait for a place in the batch, which a greedy answer may end after one token).
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from transformers import PreTrainedModel

MIN_TOKENS = 128
"""The fewest new tokens of a prefill whose time sets the rate (see the module docstring)."""
CALIBRATION_TOKENS = 256
"""The prompt tokens an LLM server prefills once at start (`calibration_prompt`; ~0.8 s of one core for SmolLM2-135M),
so that its rate is known before the first long prompt (at least `MIN_TOKENS`)."""
LOAD_WINDOW_S = 30.0
"""How recent the work is whose slowdown (wall over CPU time) stretches the estimate (`PrefillClock.slowdown`)."""
MIN_LOAD_CPU_S = 0.02
"""Work of less CPU than this (a decode step of one row is ~45 ms) says too little of the load to be counted."""


class PrefillClock:
    """The least prefill time of a prompt for one model (`for_model`), from the fastest rate measured so far.

    `observe` is called by the thread that runs prefills, `seconds` by any other: a float assignment is atomic."""

    def __init__(self, non_embedding_params: int, layers: int, attention_width: int, hidden: int, vocab: int) -> None:
        for name, value in (("non_embedding_params", non_embedding_params), ("layers", layers), ("attention_width", attention_width),
                            ("hidden", hidden), ("vocab", vocab)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        self.non_embedding_params, self.layers, self.attention_width = non_embedding_params, layers, attention_width
        self.head_flops = 2 * hidden * vocab
        self.seconds_per_flop: float | None = None
        """The fastest rate measured (CPU seconds per FLOP); None before a prefill of `MIN_TOKENS` was measured."""
        self.measured_tokens = 0
        """New tokens of the prefill that set `seconds_per_flop`."""
        self._load: deque[tuple[float, float]] = deque(maxlen=256)
        """(monotonic time, wall / CPU time) of the recent work (`note_load`)."""

    @classmethod
    def for_model(cls, model: PreTrainedModel) -> PrefillClock:
        """The clock of a transformers causal LM (its config's layers, heads and head width; its own parameter count)."""
        config = model.config
        heads = config.num_attention_heads
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
        return cls(int(model.num_parameters(exclude_embeddings=True)), int(config.num_hidden_layers), int(heads * head_dim),
                   int(config.hidden_size), int(config.vocab_size))

    def flops(self, new_tokens: int, cached_tokens: int = 0) -> float:
        """FLOPs of prefilling `new_tokens` after `cached_tokens` already in the KV cache (the module docstring's formula)."""
        if new_tokens < 1 or cached_tokens < 0:
            raise ValueError(f"a prefill needs new_tokens >= 1 and cached_tokens >= 0, got {new_tokens} and {cached_tokens}")
        pairs = new_tokens * cached_tokens + new_tokens * (new_tokens + 1) / 2
        return 2.0 * self.non_embedding_params * new_tokens + 4.0 * self.layers * self.attention_width * pairs + self.head_flops

    def observe(self, new_tokens: int, cached_tokens: int, cpu_seconds: float) -> None:
        """Take note of a prefill that took `cpu_seconds` of its thread's CPU; one of fewer than `MIN_TOKENS` new tokens,
        or with no CPU time counted, is ignored."""
        if new_tokens < MIN_TOKENS or not cpu_seconds > 0:
            return
        rate = cpu_seconds / self.flops(new_tokens, cached_tokens)
        if self.seconds_per_flop is None or rate < self.seconds_per_flop:
            self.seconds_per_flop, self.measured_tokens = rate, new_tokens

    def note_load(self, cpu_seconds: float, wall_seconds: float, now: float | None = None) -> None:
        """Take note of work of this LLM (a prefill, a decode step) that took `cpu_seconds` of its thread and
        `wall_seconds` of wall time: its slowdown, for `slowdown`. Work of less than `MIN_LOAD_CPU_S` is ignored."""
        if cpu_seconds >= MIN_LOAD_CPU_S:
            self._load.append((time.monotonic() if now is None else now, max(1.0, wall_seconds / cpu_seconds)))

    def slowdown(self, now: float | None = None) -> float:
        """The least wall / CPU time of this LLM's work in the last `LOAD_WINDOW_S` (>= 1); 1 when it did none then."""
        since = (time.monotonic() if now is None else now) - LOAD_WINDOW_S
        recent = [ratio for at, ratio in list(self._load) if at >= since]
        return min(recent, default=1.0)

    def seconds(self, new_tokens: int, cached_tokens: int = 0, now: float | None = None) -> float | None:
        """The least seconds the prefill takes here at the load just measured (`slowdown`); None before any rate was
        measured."""
        rate = self.seconds_per_flop
        return None if rate is None else rate * self.flops(new_tokens, cached_tokens) * self.slowdown(now)


def past_deadline(model: str, prompt_tokens: int, least_s: float | None, within_s: float) -> str | None:
    """Why `model` cannot begin an answer within the `within_s` seconds its caller waits: the least prefill time
    `least_s` of its `prompt_tokens`-token prompt (`PrefillClock.seconds`) is longer; None when it is not (or unknown).
    The one message of every LLM server of VELO that refuses for it (`services.llm.PastDeadline`, `velo shard serve`)."""
    if least_s is None or least_s <= within_s:
        return None
    return (f"{model} cannot begin this answer within the {max(within_s, 0.0):.1f} s its caller waits: prefilling the "
            f"{prompt_tokens:,}-token prompt takes at least {least_s:.1f} s here at the present load; shorten the prompt or give "
            "the request more time")


def calibration_prompt() -> list[int]:
    """The token ids an LLM server prefills at start to set its rate (`CALIBRATION_TOKENS` of them; any ids do: the
    FLOPs depend on the count only): `services.llm_local.LocalChatLLM`, `velo shard serve`."""
    return list(range(1000, 1000 + CALIBRATION_TOKENS))
