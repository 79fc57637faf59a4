"""`velo cache eval --bank-split holdout`: a rule judged on the train split's hold-out (`velo.data.holdout`); any other
split is refused before any work (train is what calibration fits on, test judges the schedulers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from envs.bank import all_paraphrase_files, build_bank
from envs.bank_pairs import labelled_pairs, of_questions, served_counts
from velo.cache.decision import default_rule
from velo.cli.main import app
from velo.data.holdout import held_out_questions

SEEDS = Path("data/sample/cache_eval/fit.seeds.jsonl").resolve()
QUERIES = Path("data/sample/cache_eval/fit.queries.jsonl").resolve()


def _said(result) -> str:  # noqa: ANN001 (click Result)
    return " ".join(result.output.replace("│", " ").split())


@pytest.mark.parametrize(("args", "says"), [
    (["--bank-split", "test"], "judge the schedulers"),
    (["--bank-split", "train"], "its own fitting data"),
    (["--bank-split", "bogus"], "'bogus': unknown split; the only split a rule is judged on is holdout"),
    (["--bank-split", "holdout", "--embedder", "minilm"], "e5-small + use-multilingual, not minilm"),
    (["--seeds", str(SEEDS)], "give --seeds and --queries together"),
    ([], "or --bank-split holdout"),
])
def test_other_splits_and_missing_inputs_are_refused_before_any_work(tmp_path: Path, monkeypatch, args, says) -> None:
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["cache", "eval", *args])
    assert result.exit_code == 2 and says in _said(result), result.output
    assert not (tmp_path / "home").exists()


def test_holdout_without_prepared_data_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["cache", "eval", "--bank-split", "holdout"])
    assert result.exit_code == 2 and "no prepared train split" in _said(result), result.output


def test_holdout_bank_figures_are_the_rules_decisions_on_held_out_pairs(prepared_sample: Path) -> None:
    result = CliRunner().invoke(app, ["cache", "eval", "--bank-split", "holdout", "--json"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)["holdout_bank"]  # stdout alone: a first run's bank build is told on stderr
    bank = build_bank(prepared_sample, "train", all_paraphrase_files())  # the bank the command read (cached by it)
    pairs = of_questions(labelled_pairs(bank), held_out_questions(prepared_sample))
    rule = default_rule(bank.rule.embedder)
    false, right = served_counts(pairs, lambda x: rule.accepts(rule.score_vector(x)))
    assert (got["false_served"], got["right_served"]) == (false, right)
    assert (got["false_pairs"], got["right_pairs"]) == (int((~pairs.right).sum()), int(pairs.right.sum()))
    assert got["questions"] == len(set(pairs.question)) > 0
    assert got["recall"] == pytest.approx(right / int(pairs.right.sum()))
    assert got["precision"] == pytest.approx(right / (right + false))
