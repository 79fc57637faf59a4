"""`load_policy`: the one way services and the evaluation CLI obtain a policy by name or checkpoint."""

from __future__ import annotations

import re

from agents.baselines import (
    BASELINES, ConstantPolicy, GreedyThresholdPolicy, OraclePolicy, RandomPolicy, RuleCloudPolicy,
)
from agents.policy import Policy
from envs.velo_edge_v0 import CLOUD, EDGE
from velo.observation import ObservationLayout


def load_policy(spec: str, layout: ObservationLayout, seed: int = 0) -> Policy:
    """A baseline by name (see `BASELINES`; any `greedy-X` with X in [0, 2]) or a checkpoint path."""
    if spec == "random":
        return RandomPolicy(seed)
    if spec == "greedy-llm":
        return ConstantPolicy(CLOUD, "greedy-llm")
    if spec == "edge-only":
        return ConstantPolicy(EDGE, "edge-only")
    if spec == "oracle":
        return OraclePolicy()
    if spec == "rule-cloud":
        return RuleCloudPolicy(layout)
    if m := re.fullmatch(r"greedy-(\d+(?:\.\d+)?)", spec):
        distance = float(m.group(1))
        if not 0.0 <= distance <= 2.0:
            raise ValueError(f"{spec}: a cosine distance lies in [0, 2]")
        return GreedyThresholdPolicy(layout, distance)
    raise ValueError(f"unknown policy {spec!r}; choose from {', '.join(BASELINES)}, greedy-X, or a checkpoint file")
