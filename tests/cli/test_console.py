"""Output piped into another program is never wrapped (velo/cli/console.py): Rich used to lay everything out for 80
columns when stdout was not a terminal, so `velo data prepare | grep wrote` got half a path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rich.console import Console

from velo.cli.console import PIPED_HELP_WIDTH, PIPED_WIDTH, RULE_WIDTH, excerpt, make_console, section
from velo.cli.demo import SECTIONS

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


def test_a_piped_section_title_is_never_cut(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    """`velo demo | cat` printed its section 5 as "... a multilingual workload thr… ─": a rule cut its 111-column title."""
    monkeypatch.delenv("COLUMNS", raising=False)
    console = make_console()
    for title in SECTIONS:
        section(console, title)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SECTIONS) and "…" not in "".join(lines)
    for title, line in zip(SECTIONS, lines):
        assert line.startswith("─") and line.endswith("─") and f" {title} " in line and len(line) == max(RULE_WIDTH, len(title) + 4), line


def test_a_title_wider_than_the_terminal_is_wrapped_under_its_rule() -> None:
    console = Console(force_terminal=True, width=60, record=True, color_system=None)
    section(console, SECTIONS[4])
    lines = console.export_text().splitlines()
    assert lines[0] == "─" * 60 and " ".join(lines[1:]) == SECTIONS[4]


def test_an_answer_excerpt_is_whole_on_a_pipe_and_marked_when_cut_in_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo's tables cut answers to 70 and 40 characters with no mark, piped too; brackets were read as markup."""
    monkeypatch.delenv("COLUMNS", raising=False)
    answer = "Canberra [not Sydney] was built as a compromise between Sydney and Melbourne, early in the 20th century."
    assert excerpt(make_console(), answer, 40).plain == answer
    cut = excerpt(Console(force_terminal=True, width=120), answer, 40).plain
    assert cut == answer[:39] + "…" and len(cut) == 40
    assert excerpt(Console(force_terminal=True), "short", 40).plain == "short"


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


def test_every_command_listing_is_one_paragraph_without_hard_line_breaks() -> None:
    """nc17 finding 20: `velo cache --help` listed `eval` with its docstring's line breaks ("(n/a where" /
    "undefined: ..." on separate lines): in rich markup mode typer keeps the single newlines of a command's first
    paragraph, the one a group's listing shows. A command's first paragraph is one source line."""
    import inspect

    import typer

    from velo.cli.main import app

    broken = []

    def walk(command, path: str) -> None:  # noqa: ANN001 (a click command)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")
        if "\n" in inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]:
            broken.append(path)

    walk(typer.main.get_command(app), "velo")
    assert not broken, broken
