"""A trained actor behind the `velo.policy.Policy` interface (imports torch; loaded by `velo.checkpoint`).

The networks themselves are defined in `velo.networks` (encoders and actors import only torch and the
core), which `from_file` reaches by the names in the checkpoint header, from a fixed table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file

from velo.checkpoint import CheckpointHeader
from velo.observation import ObservationLayout


class LearnedPolicy:
    """Acts with the actor's most probable allowed action (`deterministic`, the default, as MAPPO's
    evaluation does) or samples from it; the actor's sampling noise (diffusion actors) comes from this
    policy's own generator seeded with `seed`."""

    def __init__(self, actor: torch.nn.Module, name: str, layout: ObservationLayout, seed: int = 0,
                 deterministic: bool = True) -> None:
        self.actor = actor.eval()
        self.name = name
        self.layout = layout
        self.deterministic = deterministic
        self.seed = seed
        self.generator = torch.Generator().manual_seed(seed)
        self._state = None
        self.reset()

    @classmethod
    def from_file(cls, path: Path, header: CheckpointHeader, layout: ObservationLayout, seed: int = 0) -> LearnedPolicy:
        from velo.networks import build_actor

        actor = build_actor(header.actor, layout)
        weights = load_file(str(path))
        missing, unexpected = actor.load_state_dict(weights, strict=False)
        if missing or unexpected:
            raise ValueError(f"{path}: weights do not fit the {header.actor} network "
                             f"(missing {list(missing)[:5]}, unexpected {list(unexpected)[:5]})")
        return cls(actor, path.stem, layout, seed)

    @property
    def stateful(self) -> bool:
        """A recurrent actor remembers the requests it has seen: give each edge its own `spawn()`."""
        return bool(getattr(self.actor, "recurrent", False))

    def spawn(self) -> LearnedPolicy:
        """The same weights with a memory (and a generator) of its own."""
        return LearnedPolicy(self.actor, self.name, self.layout, self.seed, self.deterministic)

    def reset(self) -> None:
        """Start a new stream of requests (clears a recurrent actor's memory)."""
        if getattr(self.actor, "recurrent", False):
            self._state = self.actor.initial_state(1)

    @torch.no_grad()
    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        obs = torch.as_tensor(np.asarray(observation, dtype=np.float32)).reshape(1, -1)
        if obs.shape[1] != self.layout.size:
            raise ValueError(f"observation has {obs.shape[1]} values; this policy reads {self.layout.size}")
        mask = torch.as_tensor(np.asarray(action_mask)).reshape(1, -1).bool()
        noise = self.actor.sample_noise(1, self.generator)
        if getattr(self.actor, "recurrent", False):
            dist, self._state = self.actor.step(obs, mask, noise, self._state, torch.zeros(1))
        else:
            dist = self.actor(obs, mask, noise)
        if self.deterministic:
            return int(dist.probs.argmax(-1).item())
        return int(torch.multinomial(dist.probs, 1, generator=self.generator).item())
