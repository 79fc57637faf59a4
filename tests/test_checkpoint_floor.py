"""A checkpoint records the CACHE floor of the action mask it was trained under (`velo.policy/3`, `cache_min_score`)
and is refused where another floor masks CACHE; a /2 header (the shipped DLRS) reads as trained under 0.5 when its
encoder is `velo.obs/4`, a /1 header as trained with no floor (`velo.checkpoint`'s version table)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from velo.cache.factory import hit_rule_for
from velo.checkpoint import FORMAT, CheckpointHeader, FloorMismatch, read_header
from velo.observation import ObservationLayout
from velo.policy import CACHE_MIN_SCORE, check_policy_spec, load_policy, trained_floor

LAYOUT = ObservationLayout(8, 3)
RULE = hit_rule_for("default").identity


def _checkpoint(path: Path, floor: float | None, fmt: str = FORMAT, observation: dict | None = None) -> Path:
    """A header as the writer of `fmt` wrote it: /3 with `cache_min_score`, /2 and /1 without the field at all."""
    header = CheckpointHeader("mappo", {"seed": 1}, {"encoder": {"name": "mlp"}, "actor": {"name": "categorical"}},
                              observation or LAYOUT.describe(), 12, dataclasses.asdict(RULE), floor, fmt)
    meta = header.to_metadata()
    if floor is None:
        fields = json.loads(meta["header"])
        del fields["cache_min_score"]
        if fmt == "velo.policy/1":
            del fields["hit_rule"]
        meta["header"] = json.dumps(fields)
    save_file({"w": np.zeros((2, 2), np.float32)}, str(path), metadata=meta)
    return path


def test_the_header_round_trips_the_floor(tmp_path: Path) -> None:
    path = _checkpoint(tmp_path / "p.safetensors", 0.3)
    header = read_header(path)
    assert header.format == FORMAT == "velo.policy/3" and header.cache_min_score == header.trained_floor == 0.3
    assert header.check(LAYOUT, path, RULE, 0.3) == LAYOUT
    assert check_policy_spec(str(path), RULE, 0.3) == str(path) and trained_floor(str(path)) == 0.3


def test_a_checkpoint_is_refused_under_another_floor_naming_both(tmp_path: Path) -> None:
    path = _checkpoint(tmp_path / "p.safetensors", 0.3)
    for call in (lambda: load_policy(str(path), LAYOUT, hit_rule=RULE, cache_min_score=0.5),
                 lambda: check_policy_spec(str(path), RULE, 0.5)):
        with pytest.raises(FloorMismatch) as err:
            call()
        assert (err.value.trained, err.value.given) == (0.3, 0.5)
        assert "hit-rule score 0.3 (cache_min_score), but here the floor is 0.5" in str(err.value), err.value
    assert check_policy_spec(str(path), RULE) == str(path)  # nothing said about the floor: nothing checked


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", True])
def test_a_floor_outside_zero_one_is_a_damaged_header(tmp_path: Path, bad) -> None:
    with pytest.raises(ValueError, match="cache_min_score must be a number in \\[0, 1\\]"):
        CheckpointHeader("mappo", {}, {}, LAYOUT.describe(), 0, dataclasses.asdict(RULE), bad)


def test_a_v3_header_without_the_floor_is_refused_as_damaged(tmp_path: Path) -> None:
    path = _checkpoint(tmp_path / "p.safetensors", None, "velo.policy/2")
    meta = {**read_header(path).to_metadata(), "format": FORMAT}  # a /3 writer that left the floor out
    save_file({"w": np.zeros((2, 2), np.float32)}, str(path), metadata=meta)
    with pytest.raises(ValueError, match="damaged velo.policy/3 header.*cache_min_score"):
        read_header(path)


def test_a_v2_header_loads_as_trained_under_the_floor_of_its_time(tmp_path: Path) -> None:
    """/2 of velo.obs/4 (f7df31e on; e7c7524 put 0.5 in the environment's mask before): 0.5, checked; /2 of velo.obs/3:
    unknown, unchecked; /1 (before e7c7524): 0."""
    v2 = _checkpoint(tmp_path / "v2.safetensors", None, "velo.policy/2")
    header = read_header(v2)
    assert (header.format, header.cache_min_score, header.trained_floor) == ("velo.policy/2", None, 0.5)
    assert check_policy_spec(str(v2), RULE, 0.5) == str(v2)
    with pytest.raises(FloorMismatch, match="hit-rule score 0.5 .* the floor is 0"):
        check_policy_spec(str(v2), RULE, 0.0)
    older = _checkpoint(tmp_path / "obs3.safetensors", None, "velo.policy/2", {**LAYOUT.describe(), "version": "velo.obs/3"})
    assert read_header(older).trained_floor is None
    v1 = _checkpoint(tmp_path / "v1.safetensors", None, "velo.policy/1")
    assert read_header(v1).trained_floor == 0.0 and read_header(v1).trained_rule is None


def test_the_shipped_dlrs_reads_as_trained_under_the_default_floor() -> None:
    """It is a /2 header of velo.obs/4 (0cc6e30), so 0.5; a retrained one records 0.5 itself. Its rule is not checked
    here: a hit rule format change refuses it until it is retrained (test_checkpoint_rule.py says so)."""
    from velo.paths import SHIPPED_CHECKPOINTS

    header = read_header(SHIPPED_CHECKPOINTS / "dlrs.safetensors")
    assert header.format in ("velo.policy/2", FORMAT) and header.trained_floor == trained_floor("dlrs") == CACHE_MIN_SCORE
    assert check_policy_spec("dlrs", None, CACHE_MIN_SCORE) == "dlrs"
    with pytest.raises(FloorMismatch, match="hit-rule score 0.5 .* the floor is 0:"):
        check_policy_spec("dlrs", None, 0.0)
