"""What acts: the `Policy` contract lives in the core (`velo.policy`); this module adds the evaluation-only
kind, a policy that may read the simulator's counterfactual outcomes."""

from __future__ import annotations

from typing import Protocol

from velo.policy import Policy

__all__ = ["HindsightPolicy", "Policy"]


class HindsightPolicy(Policy, Protocol):
    """A policy that may look at the environment's counterfactual outcomes (evaluation only)."""

    def observe_env(self, env, agent: str) -> None: ...
