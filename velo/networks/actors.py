"""The actor interface every learner in `agents/` trains, and the plain categorical actor.

An actor maps an observation, its action mask and optional per-transition sampling noise to a categorical
distribution over the actions (CACHE, EDGE, CLOUD, CLOUD_CONTEXT):

    noise = actor.sample_noise(B, generator)          # (B, noise_dim); noise_dim is 0 for a plain actor
    dist = actor(obs, mask, noise)                    # torch.distributions.Categorical over A actions

The trainer stores `noise` with each transition and passes it again at update time, so a stochastic actor (the
diffusion actor of `velo.networks.diffusion`) is scored on exactly the distribution it sampled from: collection-time and
update-time log-probabilities agree. Unavailable actions get logit -1e10 before the softmax, as in the MAPPO
reference code (Yu et al. 2022), so they have probability 0 and are never sampled.
"""

from __future__ import annotations

from typing import Protocol

import torch
from torch import nn
from torch.distributions import Categorical

MASKED_LOGIT = -1e10


def masked_categorical(logits: torch.Tensor, mask: torch.Tensor) -> Categorical:
    """Categorical over `logits` (B, A) with the actions where `mask` (B, A) is 0/False removed."""
    return Categorical(logits=logits.masked_fill(~mask.bool(), MASKED_LOGIT))


def orthogonal(layer: nn.Linear, gain: float) -> nn.Linear:
    """Orthogonal weights, zero bias (PPO implementation details; gain 0.01 on the policy head)."""
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


class Actor(Protocol):
    noise_dim: int

    def sample_noise(self, batch: int, generator: torch.Generator | None = None) -> torch.Tensor: ...

    def __call__(self, obs: torch.Tensor, mask: torch.Tensor, noise: torch.Tensor) -> Categorical: ...


class CategoricalActor(nn.Module):
    """encoder -> linear head -> masked softmax. Deterministic given the observation: `noise_dim` is 0."""

    noise_dim = 0

    def __init__(self, encoder: nn.Module, n_actions: int = 4) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = orthogonal(nn.Linear(encoder.out_dim, n_actions), gain=0.01)

    def sample_noise(self, batch: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.zeros(batch, 0)

    def forward(self, obs: torch.Tensor, mask: torch.Tensor, noise: torch.Tensor | None = None) -> Categorical:
        return masked_categorical(self.head(self.encoder(obs)), mask)
