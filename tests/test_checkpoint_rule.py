"""A checkpoint records the hit rule it was trained with (`velo.checkpoint`, `HitRule.identity`) and is refused where
another rule scores the observations; a header from before the check (`velo.policy/1`) loads unchecked."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file

from velo.cache.decision import RULE_FORMAT, StaticThreshold, load_rule_file, rule_path
from velo.cache.factory import hit_rule_for
from velo.checkpoint import FORMAT, CheckpointHeader, HitRuleMismatch, read_header
from velo.observation import ObservationLayout
from velo.policy import check_policy_spec, load_policy
from velo.types import HitRuleId

LAYOUT = ObservationLayout(8, 3)
SHIPPED = hit_rule_for("default")
"""The shipped logistic rule of e5 + USE: what the training environment decides with (`envs.bank.bank_rule`)."""
STATIC = StaticThreshold(0.9)


def _checkpoint(path: Path, rule: HitRuleId | None, fmt: str = FORMAT) -> Path:
    header = CheckpointHeader("mappo", {"seed": 1}, {"encoder": {"name": "mlp"}, "actor": {"name": "categorical"}},
                              LAYOUT.describe(), 12, None if rule is None else dataclasses.asdict(rule),
                              0.5 if fmt == FORMAT else None, fmt)
    meta = header.to_metadata()
    if rule is None:  # as a velo.policy/1 writer wrote it: no hit_rule field at all
        fields = json.loads(meta["header"])
        del fields["hit_rule"]
        meta["header"] = json.dumps(fields)
    save_file({"w": np.zeros((2, 2), np.float32)}, str(path), metadata=meta)
    return path


def test_a_rules_identity_is_its_parameters(tmp_path: Path) -> None:
    ident = SHIPPED.identity
    assert (ident.name, ident.format, len(ident.fingerprint)) == ("logistic", RULE_FORMAT, 16)
    copy = tmp_path / "elsewhere.json"
    shutil.copyfile(rule_path(SHIPPED.embedder), copy)
    assert load_rule_file(copy).identity == ident  # the same rule from another file
    refit = dataclasses.replace(SHIPPED, threshold=SHIPPED.threshold + 0.01)
    assert refit.identity.fingerprint != ident.fingerprint and refit.identity.format == ident.format
    assert STATIC.identity == StaticThreshold(0.9).identity != StaticThreshold(0.8).identity
    assert (STATIC.identity.name, STATIC.identity.format) == ("static:0.9", "static")


def test_the_header_round_trips_the_rule(tmp_path: Path) -> None:
    path = _checkpoint(tmp_path / "p.safetensors", SHIPPED.identity)
    header = read_header(path)
    assert header.format == FORMAT and header.trained_rule == SHIPPED.identity
    assert header.check(LAYOUT, path, SHIPPED.identity) == LAYOUT
    assert check_policy_spec(str(path), SHIPPED.identity) == str(path)


def test_a_checkpoint_is_refused_under_another_rule(tmp_path: Path) -> None:
    path = _checkpoint(tmp_path / "p.safetensors", SHIPPED.identity)
    with pytest.raises(HitRuleMismatch) as err:
        load_policy(str(path), LAYOUT, hit_rule=STATIC.identity)
    message = str(err.value)
    assert str(SHIPPED.identity) in message and str(STATIC.identity) in message, message
    assert "retrain it with `velo train`" in message and "Use the rule it was trained with" in message
    refit = dataclasses.replace(SHIPPED, threshold=SHIPPED.threshold + 0.01)  # same format, refitted
    with pytest.raises(HitRuleMismatch, match=refit.identity.fingerprint):
        check_policy_spec(str(path), refit.identity)
    static = _checkpoint(tmp_path / "s.safetensors", STATIC.identity)
    with pytest.raises(HitRuleMismatch, match=r"Use the rule it was trained with \(static:0.9\)"):
        check_policy_spec(str(static), SHIPPED.identity)


def test_a_header_from_before_the_check_loads_under_any_rule(tmp_path: Path) -> None:
    """Decision: `velo.policy/1` headers name no rule, so nothing can be checked; they load, unchecked."""
    path = _checkpoint(tmp_path / "old.safetensors", None, fmt="velo.policy/1")
    header = read_header(path)
    assert header.format == "velo.policy/1" and header.trained_rule is None
    assert header.check(LAYOUT, path, STATIC.identity) == LAYOUT
    cut = _checkpoint(tmp_path / "new.safetensors", None, fmt="velo.policy/1")
    meta_fixed = cut.read_bytes().replace(b'"velo.policy/1"', b'"velo.policy/2"')  # a /2 header without its rule
    cut.write_bytes(meta_fixed)
    with pytest.raises(ValueError, match="damaged velo.policy/2 header .*records the hit rule"):
        read_header(cut)


def test_refusing_another_rule_stays_light(tmp_path: Path) -> None:
    """The edge server's check: no simulator, PettingZoo, pymilvus nor torch to refuse a checkpoint of another rule."""
    path = _checkpoint(tmp_path / "p.safetensors", SHIPPED.identity)
    code = f"""
import sys
from velo.policy import load_policy
from velo.observation import ObservationLayout
from velo.types import HitRuleId
try:
    load_policy({str(path)!r}, ObservationLayout(8, 3), hit_rule=HitRuleId("static:0.9", "static", "962543ced22da500"))
except ValueError as exc:
    assert "static:0.9" in str(exc)
else:
    raise SystemExit("not refused")
print(__import__("json").dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("envs", "agents", "pettingzoo", "pymilvus", "torch"))))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_shipped_dlrs_records_the_shipped_rule() -> None:
    """The shipped checkpoint is `velo.policy/2`: it loads under the rule it was trained with and is refused under another."""
    shipped = load_policy("dlrs", ObservationLayout(384, 10), hit_rule=SHIPPED.identity)
    assert shipped.act(np.zeros(shipped.layout.size, np.float32), np.array([0, 0, 1, 0])) == 2
    with pytest.raises(ValueError, match="hit rule"):
        load_policy("dlrs", ObservationLayout(384, 10), hit_rule=STATIC.identity)
