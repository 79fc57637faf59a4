"""Every option that names an output follows `velo.cli.outputs`: missing directories are created when the output is
written; a path that could never be written is refused before any work, naming the option, and nothing is created."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.agents.test_curves import write_run
from velo.cli.main import app

# (command before the output option, the option, whether it names a directory)
OUTPUTS = [
    (["curves", "{run}"], "--out", False),
    (["evaluate", "--data", "{data}"], "--plots", True),
    (["train", "--algo", "mappo", "--total-steps", "30", "--data", "{data}"], "--out", True),
    (["data", "prepare"], "--out", True),
    (["shard", "edge-profile"], "--out", False),
    (["cache", "calibrate", "--seeds", "{jsonl}", "--queries", "{jsonl}"], "--out", False),
    (["cache", "eval", "--seeds", "{jsonl}", "--queries", "{jsonl}"], "--verdicts", False),
]
IDS = [f"{' '.join(a[:2])} {o}" for a, o, _ in OUTPUTS]


def _invoke(tmp_path: Path, args: list[str], option: str, path: Path):
    run = write_run(tmp_path / "run", {100: 0.5, 200: 0.6})
    jsonl = tmp_path / "empty.jsonl"
    jsonl.write_text("")
    filled = [a.format(run=run, data=tmp_path / "no-data", jsonl=jsonl) for a in args]
    return CliRunner().invoke(app, [*filled, option, str(path)])


@pytest.mark.parametrize(("args", "option", "directory"), OUTPUTS, ids=IDS)
def test_an_output_under_a_file_is_refused_first_naming_the_option(tmp_path: Path, args: list[str], option: str, directory: bool) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    before = sorted(tmp_path.rglob("*"))
    result = _invoke(tmp_path, args, option, blocker / "sub" / ("out" if directory else "out.png"))
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"{option} {blocker / 'sub'}" in text and f"{blocker} is a file, not a directory" in text, text
    assert sorted(p for p in tmp_path.rglob("*") if p.name != "empty.jsonl" and "run" not in p.parts) == [
        p for p in before if p.name != "empty.jsonl" and "run" not in p.parts]


@pytest.mark.parametrize(("args", "option", "directory"), OUTPUTS, ids=IDS)
def test_the_wrong_kind_of_existing_path_is_refused_naming_the_option(tmp_path: Path, args: list[str], option: str, directory: bool) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("x") if directory else wrong.mkdir()
    result = _invoke(tmp_path, args, option, wrong)
    text = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2 and option in text and ("is a file" if directory else "is a directory") in text, text  # typer's own words for dir_okay=False


def test_missing_directories_of_an_output_are_created_as_it_is_written(tmp_path: Path) -> None:
    """The issue's example, `velo curves --out a/b/c.png`, and `velo shard edge-profile --out`: the convention, not a slip."""
    run = write_run(tmp_path / "run", {100: 0.5, 200: 0.6})
    png, profile = tmp_path / "a" / "b" / "c.png", tmp_path / "x" / "y" / "edge.json"
    assert CliRunner().invoke(app, ["curves", str(run), "--out", str(png), "--smooth", "1"]).exit_code == 0
    assert CliRunner().invoke(app, ["shard", "edge-profile", "--out", str(profile)]).exit_code == 0
    assert png.read_bytes()[:4] == b"\x89PNG" and profile.read_text().startswith("{")


@pytest.mark.parametrize("unwritable", ["/proc/velo-x/sub", "/sys/velo"])
@pytest.mark.parametrize(("args", "option", "directory"), OUTPUTS, ids=IDS)
def test_an_output_nothing_can_be_created_in_is_refused_first_even_as_root(
        tmp_path: Path, args: list[str], option: str, directory: bool, unwritable: str) -> None:
    """os.access says yes to root on /proc and /sys: the check creates (and removes) a real file instead."""
    path = Path(unwritable) / ("out" if directory else "out.png")
    result = _invoke(tmp_path, args, option, path)
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"{option} {path}: cannot write into /{path.parts[1]}" in text, text
    assert not Path("/proc/velo-x").exists()


@pytest.mark.parametrize(("value", "message"), [("", "is empty; give a path"), ("-", "'-' is not standard output here")],
                         ids=["empty", "dash"])
@pytest.mark.parametrize(("args", "option", "directory"), OUTPUTS, ids=IDS)
def test_an_empty_or_dash_output_is_refused_not_written_in_the_current_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], option: str, directory: bool, value: str,
        message: str) -> None:
    """"" is not the current directory and "-" is not standard output (which carries each command's report): both
    are refused, naming the option, and nothing is written where the command runs (a file named "-" had been)."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    result = _invoke(tmp_path, args, option, value)
    text = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2 and f"'{option}'" in text and message in text, text
    assert list(work.iterdir()) == []


def test_the_write_probe_leaves_nothing_behind(tmp_path: Path) -> None:
    from velo.cli.outputs import check_output

    assert check_output("--out", tmp_path / "a" / "b", directory=True) == tmp_path / "a" / "b"
    assert check_output("--out", tmp_path / "x.png") == tmp_path / "x.png"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="--out is empty"):
        check_output("--out", "")
