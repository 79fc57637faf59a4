"""`velo cache calibrate --bank-split`: only the train split, once, refused before any work (nc31 finding 9: `--bank-split
test` had fitted a rule on the questions that judge the schedulers, and `train` given twice weighed its source twice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app


@pytest.mark.parametrize(("splits", "says"), [
    (["test"], "tuned on test data"),
    (["bogus"], "only split a rule may be fitted on is train"),
    (["train", "train"], "given 2 times"),
])
def test_a_bank_split_other_than_train_once_is_refused_before_any_work(tmp_path: Path, monkeypatch, splits, says) -> None:
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    seeds = Path("data/sample/cache_eval/fit.seeds.jsonl").resolve()
    queries = Path("data/sample/cache_eval/fit.queries.jsonl").resolve()
    out = tmp_path / "rule.json"
    args = ["cache", "calibrate", "--seeds", str(seeds), "--queries", str(queries), "--out", str(out)]
    for split in splits:
        args += ["--bank-split", split]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and says in " ".join(result.output.replace("│", " ").split()), result.output
    assert not out.exists() and not (tmp_path / "home").exists()
