"""The policy contract in the core: actions, named observation readers, rule baselines, checkpoint headers,
and `load_policy` staying light (no environment, PettingZoo, pymilvus or torch until a checkpoint loads)."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from safetensors.numpy import save_file

from velo.cache.factory import hit_rule_for
from velo.checkpoint import FORMAT, CheckpointHeader, IncompatibleCheckpoint, read_header
from velo.observation import OBS_VERSION, ObservationLayout, SystemLoad, encode_observation
from velo.policy import ACTIONS, CACHE, CLOUD, CLOUD_CONTEXT, EDGE, Action, Policy, load_policy

LAYOUT = ObservationLayout(8, 3)


def test_actions_are_the_environments() -> None:
    from envs import velo_edge_v0

    assert (CACHE, EDGE, CLOUD, CLOUD_CONTEXT) == (0, 1, 2, 3) == tuple(Action)
    assert ACTIONS == ("cache", "edge", "cloud", "cloud_context")
    assert (velo_edge_v0.CACHE, velo_edge_v0.CLOUD_CONTEXT, velo_edge_v0.ACTIONS) == (CACHE, CLOUD_CONTEXT, ACTIONS)
    assert all(type(a) is int for a in (CACHE, EDGE, CLOUD, CLOUD_CONTEXT))


def _obs(sims: list[float], rule_hit: bool = False, score: float = 0.0) -> np.ndarray:
    feats = np.linspace(0.0, 1.0, len(__import__("velo.types").types.HitFeatures.names()))
    return encode_observation(LAYOUT, np.ones(8) / np.sqrt(8), "de", True, sims, [True] * len(sims), [3] * len(sims),
                              feats if sims else None, score, rule_hit, SystemLoad(1, 4, 0.0, 1000.0, 0.5))


def test_named_readers_match_the_encoder() -> None:
    obs = _obs([0.93, 0.8], rule_hit=True, score=0.71)
    assert LAYOUT.best_similarity(obs) == np.float32(0.93) and LAYOUT.best_present(obs)
    assert LAYOUT.rule_verdict(obs) and LAYOUT.rule_score(obs) == np.float32(0.71)
    nb = LAYOUT.neighbours(obs)
    assert nb.shape == (3, 4) and nb[1, 0] == np.float32(0.8) and nb[2].tolist() == [0, 0, 0, 0]
    assert LAYOUT.segment(obs, "language").tolist() == [0, 0, 1, 0, 0, 0]
    batch = np.stack([obs, _obs([])])
    assert LAYOUT.best_present(batch).tolist() == [True, False]
    assert LAYOUT.neighbours(batch).shape == (2, 3, 4)
    with pytest.raises(ValueError, match="unknown observation segment 'nope'"):
        LAYOUT.segment(obs, "nope")


def test_rule_cloud_follows_the_verdict_and_the_mask() -> None:
    policy = load_policy("rule-cloud", LAYOUT)
    assert isinstance(policy, Policy)
    assert policy.act(_obs([0.5], rule_hit=True), np.ones(4)) == CACHE
    assert policy.act(_obs([0.99], rule_hit=False), np.ones(4)) == CLOUD
    assert policy.act(_obs([0.5], rule_hit=True), np.array([0, 1, 1, 0])) == CLOUD


def test_core_loader_refuses_what_it_cannot_serve() -> None:
    with pytest.raises(ValueError, match="evaluation-only"):
        load_policy("oracle", LAYOUT)
    with pytest.raises(ValueError, match="greedy-0.2 reads the observation: pass its ObservationLayout"):
        load_policy("greedy-0.2")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_policy("nowhere/policy.safetensors", LAYOUT)
    assert load_policy("greedy-llm").act(np.zeros(LAYOUT.size), np.ones(4)) == CLOUD
    assert load_policy("edge-only").act(np.zeros(LAYOUT.size), np.array([1, 0, 1, 1])) == CLOUD


SHIPPED_RULE = dataclasses.asdict(hit_rule_for("default").identity)
"""The shipped rule's identity as a header stores it (tests/test_checkpoint_rule.py checks the rule check)."""


def _write(path, observation: dict, fmt: str = FORMAT) -> None:
    header = CheckpointHeader("mappo", {"seed": 1}, {"encoder": {"name": "mlp"}, "actor": {"name": "categorical"}},
                              observation, steps=12, hit_rule=SHIPPED_RULE, cache_min_score=0.5)
    meta = header.to_metadata() | {"format": fmt}
    save_file({"w": np.zeros((2, 2), np.float32)}, str(path), metadata=meta)


def test_header_round_trip(tmp_path) -> None:
    path = tmp_path / "p.safetensors"
    _write(path, LAYOUT.describe())
    header = read_header(path)
    assert (header.algo, header.steps, header.config, header.format) == ("mappo", 12, {"seed": 1}, FORMAT)
    assert header.check(LAYOUT, path) == LAYOUT and header.check(None) == LAYOUT


def test_checkpoint_of_another_encoder_is_refused(tmp_path) -> None:
    path = tmp_path / "old.safetensors"
    _write(path, {**LAYOUT.describe(), "version": "velo.obs/2"})
    with pytest.raises(IncompatibleCheckpoint, match="trained against observation encoder 'velo.obs/2'.*"
                                                     f"this VELO encodes '{OBS_VERSION}'"):
        load_policy(str(path), LAYOUT)
    other = tmp_path / "v5.safetensors"
    _write(other, ObservationLayout(8, 5).describe())
    with pytest.raises(IncompatibleCheckpoint, match="top_v 5 .*this deployment gives dim 8, top_v 3"):
        load_policy(str(other), LAYOUT)
    future = tmp_path / "future.safetensors"
    _write(future, LAYOUT.describe(), fmt="velo.policy/9")
    with pytest.raises(IncompatibleCheckpoint, match="format 'velo.policy/9'"):
        load_policy(str(future), LAYOUT)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
    with pytest.raises(ValueError, match="is not a VELO policy checkpoint"):
        load_policy(str(junk), LAYOUT)


def test_loading_a_policy_stays_light(tmp_path) -> None:
    """What an edge server pays to load a policy: no simulator, PettingZoo, pymilvus, nor torch for a rule or
    for refusing a checkpoint of another encoder."""
    path = tmp_path / "old.safetensors"
    _write(path, {**LAYOUT.describe(), "version": "velo.obs/0"})
    code = f"""
import sys, numpy as np
from velo.policy import load_policy
from velo.observation import ObservationLayout
layout = ObservationLayout(8, 3)
for spec in ("random", "greedy-0.2", "greedy-llm", "edge-only", "rule-cloud"):
    load_policy(spec, layout).act(np.zeros(layout.size, np.float32), np.ones(4, np.int8))
try:
    load_policy({str(path)!r}, layout)
except ValueError as exc:
    assert "velo.obs/0" in str(exc)
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("envs", "agents", "pettingzoo", "pymilvus", "torch", "gymnasium"))
print(__import__("json").dumps(heavy))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


@pytest.mark.parametrize("cut", ["truncated", "padded"])
def test_a_damaged_checkpoint_is_refused_from_its_header_naming_the_file(tmp_path, cut: str) -> None:
    """Issue: a checkpoint cut short (header intact) passed the spec check, then failed with safetensors'
    "incomplete metadata" traceback after the environments were built. The layout is checked with the header."""
    from velo.policy import check_policy_spec

    whole = tmp_path / "whole.safetensors"
    _write(whole, LAYOUT.describe())
    data = whole.read_bytes()
    path = tmp_path / "cut.safetensors"
    path.write_bytes(data[:-5] if cut == "truncated" else data + b"\0" * 7)
    message = "truncated" if cut == "truncated" else "trailing bytes"
    with pytest.raises(ValueError, match=f"cut.safetensors: damaged checkpoint.*{message}"):
        check_policy_spec(str(path))
    with pytest.raises(ValueError, match=f"cut.safetensors: damaged checkpoint.*{message}"):
        load_policy(str(path), LAYOUT)
