"""Long builds are shown on stderr, one way for every command (`velo.cli.progress`; svc42 item 1): a line every half
minute on a pipe or in a log, a live bar in a terminal, and stdout left to the command's output (`--json` parses)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.envs.test_bank_progress import small_data  # noqa: F401 (a fixture: a dozen prepared pairs)
from velo.cli.main import app
from velo.cli.progress import ConsoleSteps


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_pipe_a_stage_is_a_line_every_half_minute_and_one_where_it_ended() -> None:
    out, clock = io.StringIO(), Clock()
    steps = ConsoleSteps(Console(file=out, force_terminal=False, width=200), clock=clock)
    steps.note("building the request bank of the test split")
    steps.start("featurizing pairs", 1000)
    for _ in range(3):  # 30 s pass in 10-s steps, 100 pairs each
        clock.now += 10.0
        steps.advance(100)
    clock.now += 15.0
    steps.advance(100)  # 15 s after the last line: none
    steps.close()
    assert out.getvalue().splitlines() == [
        "building the request bank of the test split",
        "featurizing pairs: 0 of 1,000",
        "featurizing pairs: 300 of 1,000 (30 %) in 30 s, about 70 s left",
        "featurizing pairs: 400 of 1,000 (40 %) in 45 s, about 68 s left",  # where it ended: an error stopped it
    ]


def test_in_a_terminal_a_stage_is_a_live_bar_not_lines() -> None:
    out = io.StringIO()
    steps = ConsoleSteps(Console(file=out, force_terminal=True, width=120))
    steps.start("embedding questions and answers (e5)", 10)
    steps.advance(10)
    steps.close()
    shown = out.getvalue()
    assert "embedding questions and answers (e5)" in shown and "10/10" in shown and " of 10" not in shown, shown


def test_a_first_evaluate_says_it_builds_the_bank_on_stderr_and_json_stays_on_stdout(small_data: Path, tmp_path: Path,  # noqa: F811
                                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))  # no bank built there yet
    result = CliRunner().invoke(app, ["evaluate", "--policies", "random,oracle", "--episodes", "1", "--steps", "5", "--edges", "2",
                                      "--data", str(small_data), "--split", "test", "--json"])
    assert result.exit_code == 0, result.output
    assert set(json.loads(result.stdout)) == {"random", "oracle"}  # stdout: the JSON document alone
    said = " ".join(result.stderr.split())
    assert f"building the request bank of the test split of {small_data}" in said and "first run" in said, result.stderr
    assert f"kept in {tmp_path / 'home' / 'banks'}" in said and "featurizing pairs" in said, result.stderr
