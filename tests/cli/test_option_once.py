"""A file option given twice is refused naming it, in every `velo` command (nc42 finding M1: `velo cache eval --queries
a.jsonl --queries b.jsonl` replayed b's queries alone and said nothing); a setting given twice keeps click's rule, the
last one wins (how an alias's default is overridden)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from velo.cli.main import app
from velo.cli.once import is_path_option


def _commands(group: TyperGroup, path: tuple[str, ...] = ()):  # noqa: ANN202 (pairs of path and command)
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


_ROOT = typer.main.get_command(app)
PATHS = [(path, option) for path, command in _commands(_ROOT) for option in command.params if is_path_option(option)]


def _said(result) -> str:  # noqa: ANN001 (click Result)
    return " ".join(result.output.replace("│", " ").split())


def test_the_path_options_are_found() -> None:
    """If typer stopped telling an option's type, every check below would pass vacuously: the known ones must be found."""
    found = {(" ".join(path), option.opts[0]) for path, option in PATHS}
    assert {("cache eval", "--queries"), ("cache eval", "--seeds"), ("train", "--out"), ("evaluate", "--plots"),
            ("cache score", "--pairs"), ("serve gateway", "--keys-file")} <= found, found


@pytest.mark.parametrize(("path", "option"), PATHS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v.opts[0])
def test_a_path_option_given_twice_is_refused_naming_it(path: tuple[str, ...], option: TyperOption) -> None:
    result = CliRunner().invoke(app, [*path, option.opts[0], "a", option.opts[0], "b"])
    assert result.exit_code == 2 and f"{option.opts[0]} given more than once" in _said(result), _said(result)


def test_the_issue_example_replays_nothing(tmp_path: Path) -> None:
    seeds = tmp_path / "s.jsonl"
    seeds.write_text(json.dumps({"id": "s1", "question": "How do I boil an egg?", "answer": "Ten minutes.", "lang": "en"}) + "\n")
    queries = [tmp_path / f"q{i}.jsonl" for i in range(2)]
    for q in queries:
        q.write_text(json.dumps({"question": "Who wrote Hamlet?", "lang": "en", "expect": "miss", "target": None}) + "\n")
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries[0]), "--queries", str(queries[1])])
    assert result.exit_code == 2 and "--queries given more than once" in _said(result)
    assert "precision" not in result.output


def test_a_setting_given_twice_takes_the_last(tmp_path: Path) -> None:
    """`--rule static:0.5 ... --rule static:2` is refused for its last value: the last is the one read."""
    result = CliRunner().invoke(app, ["cache", "score", "a?", "b?", "--rule", "static:0.5", "--rule", "static:2"])
    assert result.exit_code == 2 and "--rule static:2" in _said(result) and "more than once" not in _said(result)
