"""What acts: every policy, learned or not, answers `act(observation, action_mask) -> action`.

`observation` is the flat vector of `velo.observation.encode_observation`; `action_mask` marks the
actions the edge can take now (1) and cannot (0). Services load policies through `load_policy` and never
import training code.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Policy(Protocol):
    name: str

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int: ...


class HindsightPolicy(Policy, Protocol):
    """A policy that may look at the environment's counterfactual outcomes (evaluation only)."""

    def observe_env(self, env, agent: str) -> None: ...
