"""`load_policy` for evaluation: everything `velo.policy.load_policy` loads, plus the hindsight oracle."""

from __future__ import annotations

from agents.baselines import OraclePolicy
from agents.policy import Policy
from velo.observation import ObservationLayout
from velo.policy import BASELINE_NAMES
from velo.policy import check_policy_spec as check_serving_spec
from velo.policy import load_policy as load_serving_policy
from velo.policy import trained_layout
from velo.types import HitRuleId


def load_policy(spec: str, layout: ObservationLayout, seed: int = 0, hit_rule: HitRuleId | None = None,
                cache_min_score: float | None = None) -> Policy:
    """A baseline by name (`agents.baselines.BASELINES`; any `greedy-X` with X in [0, 2]), the oracle, or a
    checkpoint path (checked against `layout`, `hit_rule` and `cache_min_score`, the environment's:
    `env.bank.rule.identity`, `env.config.cache_min_score`)."""
    if spec == "oracle":
        return OraclePolicy()
    try:
        return load_serving_policy(spec, layout, seed, hit_rule, cache_min_score)
    except ValueError as exc:
        raise _with_oracle(exc) from None


def check_policy_spec(spec: str, hit_rule: HitRuleId | None = None, cache_min_score: float | None = None) -> str:
    """`spec` if `load_policy` knows it (the oracle too), checked without building anything (a checkpoint's
    header is read, not its weights); else `load_policy`'s ValueError / FileNotFoundError. `velo evaluate` checks
    every spec so before it builds an environment's bank (minutes on the shared data)."""
    if spec == "oracle":
        return spec
    try:
        return check_serving_spec(spec, hit_rule, cache_min_score)
    except ValueError as exc:
        raise _with_oracle(exc) from None


def _with_oracle(exc: ValueError) -> ValueError:
    """velo.policy's "unknown policy" message with the oracle among the choices (evaluation knows it)."""
    if str(exc).startswith("unknown policy"):
        return ValueError(str(exc).replace(", ".join(BASELINE_NAMES), ", ".join((*BASELINE_NAMES, "oracle")), 1))
    return exc


def env_for(env, spec: str):
    """`env`, or a copy sharing its bank with the top_v the checkpoint `spec` was trained with (the same seeded
    episodes: top_v changes what an agent observes and the neighbours a context prompt may use, not the requests)."""
    layout = trained_layout(spec)
    if layout is None or layout.top_v == env.config.top_v:
        return env
    return env.with_config(top_v=layout.top_v)
