"""An option of one value given twice is refused naming it, in every `velo` command (nc42 finding M1: `velo cache eval
--queries a.jsonl --queries b.jsonl` replayed b's queries alone and said nothing); options that take many values are
not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup, TyperOption
from typer.testing import CliRunner

from velo.cli.main import app


def _commands(group: TyperGroup, path: tuple[str, ...] = ()):  # noqa: ANN202 (pairs of path and command)
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


_ROOT = typer.main.get_command(app)
ONE_VALUE = [
    (path, option) for path, command in _commands(_ROOT) for option in command.params
    if isinstance(option, TyperOption) and not option.multiple and not option.count and option.name != "help"
]


def test_every_command_is_covered() -> None:
    commands = {path for path, _ in _commands(_ROOT)}
    assert {("evaluate",), ("train",), ("cache", "eval"), ("cache", "score"), ("serve", "gateway"), ("shard", "serve")} <= commands
    assert len(ONE_VALUE) > 80, len(ONE_VALUE)


@pytest.mark.parametrize(("path", "option"), ONE_VALUE, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v.opts[0])
def test_an_option_of_one_value_given_twice_is_refused_naming_it(path: tuple[str, ...], option: TyperOption) -> None:
    given = [option.opts[0]] if option.is_flag else [option.opts[0], "1"]
    result = CliRunner().invoke(app, [*path, *given, *given])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.replace("│", " ").split())
    assert f"{option.opts[0]}" in said and "given more than once" in said, said


def test_a_flag_and_its_negation_count_as_one_option_twice() -> None:
    path, option = next((p, o) for p, o in ONE_VALUE if o.secondary_opts)
    result = CliRunner().invoke(app, [*path, option.opts[0], option.secondary_opts[0]])
    named = "/".join(option.opts + option.secondary_opts)
    assert result.exit_code == 2 and f"{named} given more than once" in " ".join(result.output.split()), result.output


def test_the_issue_example_replays_nothing(tmp_path: Path) -> None:
    seeds = tmp_path / "s.jsonl"
    seeds.write_text(json.dumps({"id": "s1", "question": "How do I boil an egg?", "answer": "Ten minutes.", "lang": "en"}) + "\n")
    queries = [tmp_path / f"q{i}.jsonl" for i in range(2)]
    for q in queries:
        q.write_text(json.dumps({"question": "Who wrote Hamlet?", "lang": "en", "expect": "miss", "target": None}) + "\n")
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries[0]), "--queries", str(queries[1])])
    assert result.exit_code == 2 and "--queries given more than once" in " ".join(result.output.split())
    assert "precision" not in result.output


def test_an_option_of_many_values_may_be_given_twice() -> None:
    many = [(path, option) for path, command in _commands(_ROOT) for option in command.params
            if isinstance(option, TyperOption) and option.multiple]
    assert many, "no option of many values: the exemption is untested"
    path, option = many[0]
    result = CliRunner().invoke(app, [*path, option.opts[0], "x", option.opts[0], "y", "--help"])
    assert "given more than once" not in result.output
