"""The baselines learned agents are measured against: the rules of `velo.baselines` (re-exported) and the
hindsight oracle, which reads the simulator and so stays on the evaluation side."""

from __future__ import annotations

import numpy as np

from velo.baselines import (
    ConstantPolicy,
    GreedyThresholdPolicy,
    RandomPolicy,
    RuleCloudPolicy,
)
from velo.policy import BASELINE_NAMES

__all__ = ["BASELINES", "ConstantPolicy", "GreedyThresholdPolicy", "OraclePolicy", "RandomPolicy", "RuleCloudPolicy"]


class OraclePolicy:
    """The hindsight best action for each request (the environment's `action_outcomes`): a reference no
    causal policy is given (see `envs.velo_edge_v1` for why it is not a strict upper bound)."""

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


BASELINES = (*BASELINE_NAMES, "oracle")
