"""The rules the learned agents are measured against (VELO / DLRS, Yao, Tang et al., IEEE TSC 2025)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from envs.velo_edge_v0 import CACHE, CLOUD
from velo.observation import ObservationLayout


@dataclass
class RandomPolicy:
    """Uniform over the allowed actions, from its own seeded generator."""

    seed: int = 0
    name: str = "random"
    rng: np.random.Generator = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        allowed = np.flatnonzero(action_mask)
        return int(allowed[self.rng.integers(allowed.size)])


@dataclass
class GreedyThresholdPolicy:
    """Serve from the cache iff the cosine distance to the best neighbour is <= `max_distance`, else cloud."""

    layout: ObservationLayout
    max_distance: float
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"greedy-{self.max_distance:g}"
        self._best = self.layout.slices["neighbours"].start

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        present = observation[self._best + 1] > 0.5
        if action_mask[CACHE] and present and 1.0 - observation[self._best] <= self.max_distance:
            return CACHE
        return CLOUD


@dataclass
class RuleCloudPolicy:
    """Serve from the cache iff the cache's learned hit rule accepts the best neighbour, else cloud: what a
    deployment of VELO's cache alone does (a stronger baseline than any cosine threshold on look-alikes)."""

    layout: ObservationLayout
    name: str = "rule-cloud"

    def __post_init__(self) -> None:
        decision = self.layout.slices["decision"]
        self._verdict = decision.stop - 1  # the decision block ends with (rule score, rule verdict)

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        if action_mask[CACHE] and observation[self._verdict] > 0.5:
            return CACHE
        return CLOUD


@dataclass
class ConstantPolicy:
    """Always one action (falls back to cloud when it is masked): Greedy-LLM = always cloud, Edge-only."""

    action: int
    name: str

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        return self.action if action_mask[self.action] else CLOUD


class OraclePolicy:
    """The hindsight best action for each request: the upper bound no causal policy reaches."""

    name = "oracle"

    def __init__(self) -> None:
        self._outcomes: np.ndarray | None = None

    def observe_env(self, env, agent: str) -> None:
        self._outcomes = env.action_outcomes(agent)

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int:
        if self._outcomes is None:
            raise RuntimeError("the oracle needs observe_env(env, agent) before each act()")
        scores = np.where(action_mask.astype(bool), self._outcomes, -np.inf)
        return int(np.argmax(scores))


BASELINES = ("random", "greedy-0.1", "greedy-0.3", "greedy-0.5", "greedy-llm", "edge-only", "rule-cloud", "oracle")
