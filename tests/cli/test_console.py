"""Output piped into another program is never wrapped (velo/cli/console.py): Rich used to lay everything out for 80
columns when stdout was not a terminal, so `velo data prepare | grep wrote` got half a path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from velo.cli.console import PIPED_HELP_WIDTH, PIPED_WIDTH, RULE_WIDTH, make_console, section

REPO = Path(__file__).resolve().parents[2]


def test_a_piped_command_prints_each_line_whole(tmp_path: Path) -> None:
    out = tmp_path / ("a-directory-name-long-enough-that-the-wrote-line-passes-eighty-columns-" * 2) / "prepared"
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"} | {"VELO_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-m", "velo", "data", "prepare", "--out", str(out)], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert f"wrote train.jsonl, test.jsonl and manifest.json to {out}" in lines, result.stdout
    assert any(line.startswith("│ total │") for line in lines), result.stdout


def test_a_console_on_a_pipe_does_not_wrap_and_a_section_rule_stays_short(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    console = make_console()
    assert not console.is_terminal and console.width == PIPED_WIDTH and console.soft_wrap
    console.print("word " * 100)
    section(console, "title")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].rstrip() == ("word " * 100).rstrip() and len(lines[1]) == RULE_WIDTH and "title" in lines[1]


def test_columns_set_by_the_user_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert make_console().width == 60


@pytest.mark.parametrize(("setting", "width"), [({}, PIPED_HELP_WIDTH), ({"COLUMNS": "90"}, 90), ({"TERMINAL_WIDTH": "100"}, 100)])
def test_piped_help_boxes_are_laid_out_wider_than_80_columns_unless_the_user_says(setting: dict, width: int) -> None:
    """Issue: `velo train --help | less` squeezed each option's help into 14 columns (Rich's 80 on a pipe)."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "TERMINAL_WIDTH")} | {"HF_HUB_OFFLINE": "1"} | setting
    result = subprocess.run([sys.executable, "-m", "velo", "train", "--help"], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) == width, result.stdout
    if width == PIPED_HELP_WIDTH:
        assert "Learner: mappo, g-mappo, t-mappo, lrs, dlrs," in result.stdout, result.stdout
