"""Rule baselines that need no simulator (VELO / DLRS, Yao, Tang et al., IEEE TSC 2025, and stronger rules).

Each reads the observation through `velo.observation.ObservationLayout`'s named readers. Obtain them with
`velo.policy.load_policy(name, layout)`; the hindsight oracle lives in `agents.baselines`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from velo.observation import ObservationLayout
from velo.policy import CACHE, CLOUD


@dataclass
class RandomPolicy:
    """Uniform over the allowed actions, from its own seeded generator."""

    seed: int = 0
    name: str = "random"
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        allowed = [a for a, m in enumerate(np.asarray(action_mask).tolist()) if m]  # np.flatnonzero, as ints
        return allowed[self.rng.integers(len(allowed))]


@dataclass
class GreedyThresholdPolicy:
    """Greedy-θ: serve from the cache iff the cosine distance to the best neighbour is <= `max_distance`,
    else cloud."""

    layout: ObservationLayout
    max_distance: float
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"greedy-{self.max_distance:g}"

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        layout = self.layout
        if (action_mask[CACHE] and layout.best_present(observation)
                and 1.0 - layout.best_similarity(observation) <= self.max_distance):
            return CACHE
        return CLOUD


@dataclass
class RuleCloudPolicy:
    """Serve from the cache iff the cache's learned hit rule accepts the best neighbour, else cloud: what a
    deployment of VELO's cache alone does (a stronger baseline than any cosine threshold on look-alikes)."""

    layout: ObservationLayout
    name: str = "rule-cloud"

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        if action_mask[CACHE] and self.layout.rule_verdict(observation):
            return CACHE
        return CLOUD


@dataclass
class ConstantPolicy:
    """Always one action (falls back to cloud when it is masked): Greedy-LLM = always cloud, Edge-only."""

    action: int
    name: str

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        return self.action if action_mask[self.action] else CLOUD
