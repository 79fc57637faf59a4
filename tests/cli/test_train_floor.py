"""`--cache-min-score` of `velo train` and `velo evaluate`: a run trains under the floor it is given and its checkpoint
records it (`velo.policy/3`); the run resumes under that floor only, and `velo evaluate` judges the checkpoint under
that floor only (`velo.checkpoint`). Every refusal names both floors and comes before anything is built."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from velo.checkpoint import read_header
from velo.cli.main import app


def _run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result, " ".join(result.output.split())


@pytest.fixture(scope="module")
def floor_run(tmp_path_factory: pytest.TempPathFactory, prepared_with_edge_answers: Path) -> Path:
    """A real 30-step MAPPO run trained with CACHE offered from hit-rule score 0.3."""
    out = tmp_path_factory.mktemp("floor") / "m"
    result, text = _run("train", "--algo", "mappo", "--total-steps", "30", "--n-envs", "1", "--episode-steps", "10",
                        "--seed", "2", "--data", str(prepared_with_edge_answers), "--out", str(out), "--cache-min-score", "0.3")
    assert result.exit_code == 0 and "CACHE offered from hit-rule score 0.3" in text, result.output
    return out


def test_the_run_records_its_floor(floor_run: Path) -> None:
    header = read_header(floor_run / "policy.safetensors")
    assert (header.format, header.cache_min_score, header.steps) == ("velo.policy/3", 0.3, 30)
    assert torch.load(floor_run / "train_state.pt", weights_only=True)["cache_min_score"] == 0.3


def test_resume_under_another_floor_is_refused_and_without_one_takes_the_runs(floor_run: Path, prepared_with_edge_answers: Path,
                                                                             tmp_path: Path) -> None:
    out = tmp_path / "m"
    out.mkdir()
    for f in ("policy.safetensors", "train_state.pt"):
        (out / f).write_bytes((floor_run / f).read_bytes())
    files = {f: f.read_bytes() for f in out.rglob("*") if f.is_file()}
    resume = ("train", "--algo", "mappo", "--total-steps", "60", "--data", str(prepared_with_edge_answers), "--out", str(out), "--resume")
    for given in ("0.5", "0"):
        refused, text = _run(*resume, "--cache-min-score", given)
        assert refused.exit_code == 2 and "building" not in text, refused.output
        assert f"was trained with --cache-min-score 0.3, not {given}" in text and "give --cache-min-score 0.3" in text, text
        assert {f: f.read_bytes() for f in out.rglob("*") if f.is_file()} == files
    result, text = _run(*resume)
    assert result.exit_code == 0 and "CACHE offered from hit-rule score 0.3" in text, result.output
    header = read_header(out / "policy.safetensors")
    assert (header.steps, header.cache_min_score) == (60, 0.3)


def test_evaluate_judges_a_checkpoint_under_its_own_floor_only(floor_run: Path, prepared_with_edge_answers: Path) -> None:
    path = floor_run / "policy.safetensors"
    base = ("evaluate", "--policies", f"random,{path}", "--episodes", "1", "--steps", "10", "--edges", "1", "--data",
            str(prepared_with_edge_answers), "--split", "train")
    for extra, given in (((), "0.5"), (("--cache-min-score", "0.6"), "0.6"), (("--scenario", "paper"), "0.5")):
        refused, text = _run(*base, *extra)
        assert refused.exit_code == 2 and "Traceback" not in text, refused.output
        assert f"hit-rule score 0.3 (cache_min_score), but here the floor is {given}" in text, text
        assert "Pass --cache-min-score 0.3" in text, text
    result = CliRunner().invoke(app, [*base, "--cache-min-score", "0.3", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["m"]["invalid_actions"] == 0.0


@pytest.mark.parametrize("command", [["train", "--algo", "mappo", "--total-steps", "30"], ["evaluate"]])
@pytest.mark.parametrize("value", ["1.5", "-0.1", "nan", "half"])
def test_a_floor_outside_zero_one_is_refused_naming_the_flag(command: list[str], value: str, tmp_path: Path) -> None:
    out = ["--out", str(tmp_path / "x")] if command[0] == "train" else []
    result, text = _run(*command, *out, "--data", str(tmp_path / "nodata"), "--cache-min-score", value)
    assert result.exit_code == 2 and "--cache-min-score" in text, result.output
    assert not (tmp_path / "x").exists()
