"""The recurrent actor of G-MAPPO: encoder -> GRU cell (one hidden state per agent) -> masked categorical.

As the recurrent variant of the MAPPO reference code (rMAPPO, Yu et al. 2022); trained by `agents.recurrent`.
Shapes: `step(obs (B, L), mask (B, A), noise (B, 0), state (B, hidden), start (B,))` -> (Categorical, (B, hidden)).
"""

from __future__ import annotations

import torch
from torch import nn

from velo.networks.actors import masked_categorical, orthogonal


class GRUActor(nn.Module):
    """encoder -> GRU cell (state per agent) -> linear head -> masked softmax."""

    noise_dim = 0
    recurrent = True

    def __init__(self, encoder: nn.Module, n_actions: int = 4, hidden: int = 64) -> None:
        super().__init__()
        self.encoder, self.hidden = encoder, hidden
        self.gru = nn.GRUCell(encoder.out_dim, hidden)
        self.head = orthogonal(nn.Linear(hidden, n_actions), gain=0.01)

    def sample_noise(self, batch: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.zeros(batch, 0)

    def initial_state(self, batch: int) -> torch.Tensor:
        return torch.zeros(batch, self.hidden)

    def step(self, obs, mask, noise, state, start):
        """One request per row: (dist, next state); `start` (B,) 1 where a new episode begins (state reset)."""
        h = self.gru(self.encoder(obs), state * (1.0 - start).unsqueeze(-1))
        return masked_categorical(self.head(h), mask), h

    def forward(self, obs, mask, noise=None):
        """Without a history: the first request of an episode."""
        return self.step(obs, mask, noise, self.initial_state(obs.shape[0]), torch.ones(obs.shape[0]))[0]
