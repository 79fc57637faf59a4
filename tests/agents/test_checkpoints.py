"""A run's checkpoint pair (`agents.checkpoints`): Ctrl-C at every point of writing it leaves a run that resumes from a
matching policy and training state; a resume under another hit rule or other settings is refused."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
import torch

from agents.checkpoints import (
    POLICY_FILE,
    TRAIN_STATE,
    policy_bytes,
    read_state,
    restore_policy,
    resume_state,
    saved_steps,
    write_checkpoint,
)
from agents.mappo import MAPPOConfig
from velo.cache.decision import StaticThreshold
from velo.cache.factory import hit_rule_for
from velo.checkpoint import read_header
from velo.networks import build_actor
from velo.observation import ObservationLayout

LAYOUT = ObservationLayout(8, 3)
CONFIG = MAPPOConfig(algo="mappo", hidden=16, seed=3)
RULE = hit_rule_for("default").identity
FLOOR = 0.5


def checkpoint(out: Path, steps: int) -> Path:
    """A real checkpoint of a real (untrained) actor at `steps`, as `agents.mappo.train` writes one."""
    torch.manual_seed(steps)
    actor = build_actor(CONFIG.actor_spec(), LAYOUT)
    state = {"rollout": steps // 30, "config": dataclasses.asdict(CONFIG), "actor": actor.state_dict()}
    return write_checkpoint(out, policy_bytes(actor, CONFIG, LAYOUT, steps, RULE, FLOOR), state, steps, RULE, FLOOR)


class Interrupt:
    """Ctrl-C (KeyboardInterrupt) at the n-th call of `os.fsync` (a temporary file written) or of `os.replace` (a
    file renamed into place) on a checkpoint file."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, call: str, n: int) -> None:
        self.seen = 0
        real = getattr(os, call)

        def interrupted(*args, **kwargs):
            if call == "fsync" or Path(args[1]).name in (TRAIN_STATE, POLICY_FILE):
                self.seen += 1
                if self.seen == n:
                    raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(os, call, interrupted)


POINTS = [("fsync", 1), ("fsync", 2), ("replace", 1), ("replace", 2)]
"""Writing the state's temporary, the policy's, renaming the state, renaming the policy."""


@pytest.mark.parametrize(("call", "n"), POINTS)
def test_ctrl_c_at_any_point_of_a_checkpoint_leaves_a_pair_that_resumes(tmp_path: Path, monkeypatch, call: str, n: int) -> None:
    out = tmp_path / "run"
    checkpoint(out, 30)
    with monkeypatch.context() as patch:
        Interrupt(patch, call, n)
        with pytest.raises(KeyboardInterrupt):
            checkpoint(out, 60)
    assert sorted(p.name for p in out.iterdir()) == [POLICY_FILE, TRAIN_STATE]  # no temporary left
    state_ahead = (call, n) == ("replace", 2)  # the state renamed, the policy not yet
    assert saved_steps(out) == (60 if state_ahead else 30)
    assert read_header(out / POLICY_FILE).steps == 30
    said = restore_policy(out)
    assert (said is not None) == state_ahead
    if state_ahead:
        assert "was the policy at 30 agent-steps" in said and "at 60 agent-steps" in said, said
    assert read_header(out / POLICY_FILE).steps == saved_steps(out)
    assert (out / POLICY_FILE).read_bytes() == read_state(out)["policy_file"].numpy().tobytes()
    assert restore_policy(out) is None  # a matching pair is left alone


@pytest.mark.parametrize(("call", "n"), POINTS)
def test_ctrl_c_during_the_first_checkpoint(tmp_path: Path, monkeypatch, call: str, n: int) -> None:
    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        Interrupt(patch, call, n)
        with pytest.raises(KeyboardInterrupt):
            checkpoint(out, 30)
    if (call, n) != ("replace", 2):
        assert sorted(p.name for p in out.iterdir()) == [] and saved_steps(out) is None and restore_policy(out) is None
        return
    assert sorted(p.name for p in out.iterdir()) == [TRAIN_STATE]
    assert "was missing" in restore_policy(out)
    assert read_header(out / POLICY_FILE).steps == saved_steps(out) == 30


def test_resume_refuses_another_rule_or_other_settings_and_restores_the_policy(tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "run"
    checkpoint(out, 30)
    with monkeypatch.context() as patch:
        Interrupt(patch, "replace", 2)
        with pytest.raises(KeyboardInterrupt):
            checkpoint(out, 60)
    before = (out / POLICY_FILE).read_bytes()
    static = StaticThreshold(0.9).identity
    with pytest.raises(ValueError, match=f"trained with hit rule {re.escape(str(RULE))}.*now decides with "
                                         f"{re.escape(str(static))}.*start a new run"):
        resume_state(out, CONFIG, static, FLOOR)
    with pytest.raises(ValueError, match="other settings \\(seed: seed=3\\)"):
        resume_state(out, dataclasses.replace(CONFIG, seed=4), RULE, FLOOR)
    assert (out / POLICY_FILE).read_bytes() == before  # a refused resume changes nothing
    saved = resume_state(out, dataclasses.replace(CONFIG, total_steps=90), RULE, FLOOR)
    assert saved["steps"] == 60 and read_header(out / POLICY_FILE).steps == 60


def test_resume_refuses_another_floor_also_for_a_state_from_before_the_floor_was_stored(tmp_path: Path) -> None:
    """A state written before `cache_min_score` was stored in it takes the floor of the policy saved with it."""
    out = tmp_path / "run"
    checkpoint(out, 30)
    assert read_state(out)["cache_min_score"] == FLOOR == read_header(out / POLICY_FILE).cache_min_score
    for state in (read_state(out), {k: v for k, v in read_state(out).items() if k != "cache_min_score"}):
        torch.save(state, out / TRAIN_STATE)
        files = {f: f.read_bytes() for f in out.iterdir()}
        with pytest.raises(ValueError, match="trained with --cache-min-score 0.5, not 0.3: continuing would train one "
                                             "policy under two action masks"):
            resume_state(out, dataclasses.replace(CONFIG, total_steps=90), RULE, 0.3)
        assert {f: f.read_bytes() for f in out.iterdir()} == files
        assert resume_state(out, dataclasses.replace(CONFIG, total_steps=90), RULE, FLOOR)["steps"] == 30


def test_the_same_weights_and_header_give_the_same_bytes(tmp_path: Path) -> None:
    """nc18 finding 10: safetensors wrote the metadata keys ("format", "header") in a random order (a Rust HashMap),
    so one seed's policy came out as two files; here the header is written in one order (`canonical_bytes`)."""
    torch.manual_seed(0)
    actor = build_actor(CONFIG.actor_spec(), LAYOUT)
    written = {policy_bytes(actor, CONFIG, LAYOUT, 30, RULE, FLOOR) for _ in range(12)}
    assert len(written) == 1
    (data,) = written
    assert data[8:].startswith(b'{"__metadata__":{"format":"velo.policy/3","header":')
    path = checkpoint(tmp_path / "a", 30)
    assert path.read_bytes() == checkpoint(tmp_path / "b", 30).read_bytes()
    assert (tmp_path / "a" / TRAIN_STATE).read_bytes() == (tmp_path / "b" / TRAIN_STATE).read_bytes()
    assert read_header(path).steps == 30
