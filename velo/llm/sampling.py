"""Choosing the next token from the logits, as the OpenAI API's sampling parameters describe.

For logits `mu` [vocab] of the last position and the counts `c[j]` of each token in the answer so far
(OpenAI API reference, "frequency and presence penalties"):

    mu[j] += logit_bias[j]
    mu[j] -= c[j] * frequency_penalty + (c[j] > 0) * presence_penalty
    temperature == 0:  argmax(mu)                                  (greedy)
    temperature  > 0:  sample softmax(mu / temperature), restricted to the smallest set of most likely
                       tokens whose probability reaches top_p (nucleus sampling, Holtzman et al. 2020,
                       arXiv 1904.09751, Sec. 3.1), renormalized

Every draw comes from the sampler's own `torch.Generator`, seeded with `seed` (or from the OS when None),
so a seed reproduces the answers of a request, n choices included. torch is imported on first use only.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class SamplingParams:
    """The OpenAI request's sampling fields; the defaults are greedy decoding."""

    temperature: float = 0.0
    """0 (greedy) to 2."""
    top_p: float = 1.0
    """Probability mass of the most likely tokens kept, in (0, 1]; 0 keeps only the most likely one."""
    seed: int | None = None
    presence_penalty: float = 0.0
    """-2 to 2, subtracted from the logit of every token already in the answer."""
    frequency_penalty: float = 0.0
    """-2 to 2, subtracted once per occurrence in the answer so far."""
    logit_bias: Mapping[int, float] = field(default_factory=dict)
    """Token id -> -100 to 100, added to its logit."""

    def __post_init__(self) -> None:
        if not 0.0 <= self.temperature <= 2.0:
            raise ValueError(f"temperature must be in [0, 2], got {self.temperature}")
        if not 0.0 <= self.top_p <= 1.0:
            raise ValueError(f"top_p must be in [0, 1], got {self.top_p}")
        for name in ("presence_penalty", "frequency_penalty"):
            if not -2.0 <= getattr(self, name) <= 2.0:
                raise ValueError(f"{name} must be in [-2, 2], got {getattr(self, name)}")
        if any(not -100.0 <= bias <= 100.0 for bias in self.logit_bias.values()):
            raise ValueError("logit_bias values must be in [-100, 100]")

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0

    @property
    def needs_logits(self) -> bool:
        """False when the next token is the plain argmax of the logits (the shard chain's own choice)."""
        return not self.greedy or bool(self.presence_penalty or self.frequency_penalty or self.logit_bias)


class Sampler:
    """Chooses next tokens for one request; its generator advances over the request's choices, so n
    choices sampled one after another differ, and the same seed gives the same n answers again."""

    def __init__(self, params: SamplingParams | None = None) -> None:
        import torch

        self.params = params or SamplingParams()
        self.seed = self.params.seed if self.params.seed is not None else secrets.randbits(63)
        self._generator = torch.Generator().manual_seed(self.seed)

    @property
    def needs_logits(self) -> bool:
        return self.params.needs_logits

    def choose(self, logits: torch.Tensor, produced: Sequence[int] = ()) -> int:
        """The next token id, from the logits [vocab] of the last position and the tokens of the answer so far."""
        import torch

        p = self.params
        if logits.dim() != 1:
            raise ValueError(f"choose takes the logits of one position, shape [vocab], got {list(logits.shape)}")
        mu = logits.detach().to(torch.float32).clone()
        if p.logit_bias:
            ids = torch.tensor(list(p.logit_bias), dtype=torch.int64)
            mu[ids] += torch.tensor(list(p.logit_bias.values()), dtype=torch.float32)
        if produced and (p.presence_penalty or p.frequency_penalty):
            counts = torch.bincount(torch.tensor(list(produced), dtype=torch.int64), minlength=mu.shape[0]).to(torch.float32)
            mu -= counts * p.frequency_penalty + (counts > 0).to(torch.float32) * p.presence_penalty
        if p.greedy:
            return int(mu.argmax())
        probs = torch.softmax(mu / p.temperature, dim=-1)
        if p.top_p < 1.0:
            sorted_probs, order = probs.sort(descending=True)
            # keep a token if the mass before it is still short of top_p: the first one always stays
            drop = sorted_probs.cumsum(0) - sorted_probs >= p.top_p
            drop[0] = False
            sorted_probs[drop] = 0.0
            probs = torch.zeros_like(probs).scatter_(0, order, sorted_probs)
        return int(torch.multinomial(probs, 1, generator=self._generator))
