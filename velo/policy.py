"""The policy contract: what every scheduler, rule or learned, answers, and the one way to obtain one.

    action = policy.act(observation, action_mask)

`observation` is the flat float32 vector of `velo.observation.encode_observation` (shape (L,)); `action_mask`
(shape (4,), 0/1) marks the actions the edge server can take now. The action is an `int` in `Action`.

`load_policy(spec)` builds a policy from a baseline name (`velo.baselines`) or a checkpoint file written by
`velo train` (`velo.checkpoint`). Importing this module imports neither the environment (`envs`), PettingZoo,
pymilvus nor torch: the edge server loads policies through it. torch is imported when a checkpoint is loaded.
The hindsight oracle is not here: it reads the simulator's counterfactuals, so it lives with the evaluation
code (`agents.baselines.OraclePolicy`, loaded by `agents.registry.load_policy`).
"""

from __future__ import annotations

import re
from enum import IntEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from velo.observation import ObservationLayout
from velo.types import HitRuleId


class Action(IntEnum):
    """What an edge server does with one request (VELO, Yao et al., ICWS 2024, and its journal version)."""

    CACHE = 0
    """Serve the best cached neighbour's answer."""
    EDGE = 1
    """Answer with the edge server's own (small) LLM."""
    CLOUD = 2
    """Send the request to the cloud LLM."""
    CLOUD_CONTEXT = 3
    """Send it to the cloud LLM with the top cached question/answer pairs as context."""


# Plain ints (not enum members) for the environment's hot path: `type(a) is int` checks and list indexing.
CACHE, EDGE, CLOUD, CLOUD_CONTEXT = (int(a) for a in Action)
ACTIONS: tuple[str, ...] = tuple(a.name.lower() for a in Action)
"""Action names, indexed by action: ("cache", "edge", "cloud", "cloud_context")."""
N_ACTIONS = len(Action)


CACHE_MIN_SCORE = 0.5
"""The hit-rule score below which CACHE is not offered (`cache_servable`), where the environment and the edge server
build the action mask alike (`EdgeEnvConfig.cache_min_score`, `EdgeSettings.cache_min_score`; 0: any neighbour). On
the rule's own labelled sets (data/sample/cache_eval: fit, dev, same_topic, 1,024 queries) the best neighbour is right
for 77 of the 471 pairs scoring below 0.5 (16 %) and 519 of the 553 at 0.5 or more (94 %): the floor withholds only
what the rule holds more likely wrong than right. Without it the shipped DLRS served one-word look-alikes live ("What
is the capital of Australia?" the answer to "... of France?", rule score 0.000; commit 60f7efa)."""


def cache_servable(has_neighbour: bool, rule_score: float | None, min_score: float) -> bool:
    """Whether an action mask offers CACHE: a cached neighbour exists and, with `min_score` > 0, the hit rule scores the
    best one (`rule_score`, None when no rule decided) at least `min_score`. A learned policy reads the rule's score as
    one feature among many and may override it; this floor keeps it from serving what the rule itself holds more likely
    wrong than right. The one definition the environment's mask (`envs.velo_edge_v0`) and the edge server's
    (`services.edge_serving.servable_from_cache`) share, so policies train under the mask they serve with."""
    if not has_neighbour:
        return False
    return min_score <= 0.0 or (rule_score is not None and rule_score >= min_score)


@runtime_checkable
class Policy(Protocol):
    """Anything that schedules: `act` returns an allowed action (`action_mask[action] == 1`).

    A policy with internal state (a recurrent actor) keeps it per instance: load one per edge server; if it
    has a `reset()` method, call it when a new stream of requests starts."""

    name: str

    def act(self, observation: np.ndarray, action_mask: np.ndarray) -> int: ...


BASELINE_NAMES = ("random", "greedy-0.1", "greedy-0.3", "greedy-0.5", "greedy-llm", "edge-only", "rule-cloud")
"""Rule baselines `load_policy` knows by name (plus any `greedy-X`, X a cosine distance in [0, 2])."""
GREEDY_NAME = re.compile(r"greedy-(\d+(?:\.\d+)?)")
"""`greedy-X`: Greedy at cosine distance X (the group), as `load_policy` reads it."""
CHECKPOINT_SUFFIXES = (".safetensors",)
SHIPPED_POLICIES = ("dlrs",)
"""Trained checkpoints that ship with the repository (`data/checkpoints/NAME.safetensors`), loadable by name;
`data/checkpoints/README.md` says exactly how each was produced."""


def load_policy(spec: str, layout: ObservationLayout | None = None, seed: int = 0,
                hit_rule: HitRuleId | None = None, cache_min_score: float | None = None) -> Policy:
    """A baseline by name (`BASELINE_NAMES`, or `greedy-X`), a shipped checkpoint by name (`SHIPPED_POLICIES`) or a
    checkpoint file (`velo train`'s `.safetensors`).

    `layout`: the observation layout the policy will be given; required by the rules that read the
    observation (greedy-X, rule-cloud), checked against a checkpoint's (a mismatch raises `ValueError`).
    `seed`: the random baseline's generator, and the sampling noise of a learned policy.
    `hit_rule`: the identity (`HitRule.identity`) of the hit rule whose score and verdict the observations carry,
    checked against the rule a checkpoint was trained with (a mismatch raises `ValueError`); None checks nothing,
    so whoever knows the rule passes it (`velo evaluate`: its environment's; the edge server: its cache's).
    `cache_min_score`: the floor of the action masks the policy will be given (`cache_servable`), checked against the
    floor a checkpoint was trained with (`velo.checkpoint.FloorMismatch`, a `ValueError`); None checks nothing.
    Errors: `ValueError` naming the unknown spec, the bad threshold or the incompatible checkpoint;
    `FileNotFoundError` for a checkpoint path that does not exist.
    """
    from velo import baselines

    if not isinstance(spec, (str, Path)):
        raise TypeError(f"a policy spec is a name or a checkpoint path, got {type(spec).__name__}")
    text = str(spec)
    if text == "random":
        return baselines.RandomPolicy(seed)
    if text == "greedy-llm":
        return baselines.ConstantPolicy(CLOUD, "greedy-llm")
    if text == "edge-only":
        return baselines.ConstantPolicy(EDGE, "edge-only")
    if text == "oracle":
        raise ValueError("the oracle reads the simulator's counterfactual outcomes: it is evaluation-only "
                         "(agents.registry.load_policy, velo evaluate), not a policy a server can run")
    if text == "rule-cloud":
        return baselines.RuleCloudPolicy(_needs(layout, text))
    if m := GREEDY_NAME.fullmatch(text):
        distance = float(m.group(1))
        if not 0.0 <= distance <= 2.0:
            raise ValueError(f"{text}: a cosine distance lies in [0, 2]")
        return baselines.GreedyThresholdPolicy(_needs(layout, text), distance)
    if (path := checkpoint_file(text)) is not None:
        from velo.checkpoint import load_checkpoint_policy

        return load_checkpoint_policy(path, layout, seed, hit_rule, cache_min_score)
    raise ValueError(
        f"unknown policy {text!r}; choose from {', '.join(BASELINE_NAMES + SHIPPED_POLICIES)}, greedy-X "
        f"(X a cosine distance), or a checkpoint file ({', '.join(CHECKPOINT_SUFFIXES)})"
    )


def trained_floor(spec: str) -> float | None:
    """The CACHE floor (`cache_min_score`) a checkpoint was trained with, read from its header without torch
    (`velo.checkpoint.CheckpointHeader.trained_floor`); None for a rule, or a checkpoint whose floor is unknown."""
    path = checkpoint_file(spec)
    if path is None:
        return None
    from velo.checkpoint import read_header

    return read_header(path).trained_floor


def is_rule(spec: str) -> bool:
    """Whether `spec` names a rule baseline (`BASELINE_NAMES` or any `greedy-X`), not a checkpoint."""
    return str(spec) in BASELINE_NAMES or GREEDY_NAME.fullmatch(str(spec)) is not None


def checkpoint_file(spec: str) -> Path | None:
    """The checkpoint file `spec` names (a shipped name or a `.safetensors` / existing path), or None for a rule."""
    text = str(spec)
    if is_rule(text) or text == "oracle":
        return None
    if text in SHIPPED_POLICIES:
        from velo.paths import SHIPPED_CHECKPOINTS, require_bundled_data

        require_bundled_data()
        return SHIPPED_CHECKPOINTS / f"{text}.safetensors"
    path = Path(text)
    return path if path.suffix in CHECKPOINT_SUFFIXES or path.exists() else None


def trained_layout(spec: str) -> ObservationLayout | None:
    """The observation layout (embedding dim, top_v) a checkpoint was trained with, read from its header without
    torch; None for a rule. An evaluation runs a checkpoint with another top_v (the DLRS-V ablations) on an
    environment built with that top_v."""
    path = checkpoint_file(spec)
    if path is None:
        return None
    from velo.checkpoint import read_header

    return read_header(path).layout


def check_policy_spec(spec: str, hit_rule: HitRuleId | None = None, cache_min_score: float | None = None) -> str:
    """Check, without building anything, that `load_policy` knows `spec`: a rule name, `greedy-X`, a shipped
    checkpoint, or a checkpoint file whose header this VELO can read (its encoder version is checked too, its
    hit rule against `hit_rule` and its CACHE floor against `cache_min_score` when given). Returns `spec`; raises `ValueError` / `FileNotFoundError` with
    `load_policy`'s message. For servers, to refuse a bad policy before they open anything."""
    text = str(spec)
    if text in BASELINE_NAMES:
        return text
    if m := GREEDY_NAME.fullmatch(text):
        if not 0.0 <= float(m.group(1)) <= 2.0:
            raise ValueError(f"{text}: a cosine distance lies in [0, 2]")
        return text
    if (path := checkpoint_file(text)) is not None:
        from velo.checkpoint import read_header

        read_header(path).check(None, path, hit_rule, cache_min_score)
        return text
    load_policy(text)  # raises the one "unknown policy" message
    return text


def _needs(layout: ObservationLayout | None, spec: str) -> ObservationLayout:
    if layout is None:
        raise ValueError(f"{spec} reads the observation: pass its ObservationLayout (load_policy(spec, layout))")
    return layout
