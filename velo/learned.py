"""A trained actor behind the `velo.policy.Policy` interface (imports torch; loaded by `velo.checkpoint`).

The networks themselves are defined in `velo.networks` (encoders and actors import only torch and the
core), which `from_file` reaches by the names in the checkpoint header, from a fixed table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file

from velo.checkpoint import CheckpointHeader
from velo.observation import ObservationLayout
from velo.policy import N_ACTIONS


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
        try:
            weights = load_file(str(path))
        except SafetensorError as exc:  # read_header checks the layout first; this is what it cannot see
            raise ValueError(f"{path}: damaged checkpoint ({exc}); copy it again or retrain") from None
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
        if getattr(self.actor, "recurrent", False):
            obs, mask = self._tensors(np.asarray(observation).reshape(1, -1), np.asarray(action_mask).reshape(1, -1))
            dist, self._state = self.actor.step(obs, mask, self.actor.sample_noise(1, self.generator), self._state,
                                                torch.zeros(1))
            return int(self._choose(dist)[0])
        return int(self.act_many(np.asarray(observation).reshape(1, -1), np.asarray(action_mask).reshape(1, -1))[0])

    @torch.no_grad()
    def act_many(self, observations: np.ndarray, action_masks: np.ndarray) -> np.ndarray:
        """Actions (B,) int64 for B independent requests: `observations` (B, layout.size), `action_masks` (B, 4).

        One forward pass for the batch; a diffusion actor draws the B rows' noise at once from this policy's
        generator, so its actions depend on how requests are grouped (deterministic for the same grouping).
        Raises ValueError for a recurrent actor (its memory follows one stream: use `spawn()` and `act`)."""
        if getattr(self.actor, "recurrent", False):
            raise ValueError(f"{self.name} is recurrent: it acts on one stream of requests at a time (act)")
        obs, mask = self._tensors(observations, action_masks)
        return self._choose(self.actor(obs, mask, self.actor.sample_noise(len(obs), self.generator)))

    def _tensors(self, observations: np.ndarray, action_masks: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        obs = torch.as_tensor(np.asarray(observations, dtype=np.float32))
        if obs.ndim != 2 or obs.shape[1] != self.layout.size:
            raise ValueError(f"observations have shape {tuple(obs.shape)}; this policy reads (B, {self.layout.size})")
        mask = torch.as_tensor(np.asarray(action_masks)).bool()
        if mask.shape != (obs.shape[0], N_ACTIONS):
            raise ValueError(f"action masks have shape {tuple(mask.shape)}; expected ({obs.shape[0]}, {N_ACTIONS})")
        return obs, mask

    def _choose(self, dist) -> np.ndarray:
        if self.deterministic:
            return dist.probs.argmax(-1).numpy()
        return torch.multinomial(dist.probs, 1, generator=self.generator).squeeze(1).numpy()
