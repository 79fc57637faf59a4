"""Outputs that would overwrite what the command reads or could not replace what is there are refused before any work,
naming the options (`velo.cli.outputs`; break-test brk, findings 1-3): `velo cache eval --queries q.jsonl --verdicts
q.jsonl` had overwritten its queries and exited 0; an existing read-only --verdicts failed after the whole evaluation
with "[Errno 1] Operation not permitted"; `--verdicts -` wrote a file named "-"."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.agents.test_curves import write_run
from tests.cli.test_output_paths import IDS, OUTPUTS, _invoke
from velo.cli.main import app
from velo.cli.outputs import check_output

ROOT = Path(__file__).resolve().parents[2]
EVAL = ["cache", "eval", "--seeds", "{seeds}", "--queries", "{queries}"]
# (the command with its inputs, the output option, the input option it is given, that input's path)
INPUT_AS_OUTPUT = [
    (EVAL, "--verdicts", "--queries", "{queries}"),
    (EVAL, "--verdicts", "--seeds", "{seeds}"),
    ([*EVAL, "--rule", "{rule}"], "--verdicts", "--rule", "{rule}"),
    (["cache", "calibrate", "--seeds", "{seeds}", "--queries", "{queries}"], "--out", "--queries", "{queries}"),
    (["shard", "edge-profile", "--layers", "{layers}"], "--out", "--layers", "{layers}"),
    (["curves", "{run}"], "--out", "RUNS", "{event}"),
    (["evaluate", "--edge-profile", "{plots}/satisfaction.png"], "--plots", "--edge-profile", "{plots}"),
]


def _inputs(tmp_path: Path) -> dict[str, Path]:
    seeds, queries = tmp_path / "seeds.jsonl", tmp_path / "queries.jsonl"
    seeds.write_text('{"id": "s1", "question": "What is the capital of France?", "answer": "Paris.", "lang": "en"}\n')
    queries.write_text('{"question": "Capital of France?", "lang": "en", "expect": "hit", "target": "s1"}\n')
    rule = tmp_path / "rule.json"
    shutil.copy(next((ROOT / "velo" / "cache" / "rules").glob("*.json")), rule)
    layers = tmp_path / "layers.json"
    shutil.copy(ROOT / "velo" / "profiles" / "smollm2_layers.json", layers)
    run = write_run(tmp_path / "run", {100: 0.5, 200: 0.6})
    plots = tmp_path / "plots"
    plots.mkdir()
    shutil.copy(ROOT / "velo" / "profiles" / "edge_llm.json", plots / "satisfaction.png")  # an input where a chart goes
    return {"seeds": seeds, "queries": queries, "rule": rule, "layers": layers, "run": run,
            "event": next((run / "tb").glob("events.out.tfevents.*")), "plots": plots}


def _contents(paths: dict[str, Path]) -> dict[str, bytes]:
    return {name: p.read_bytes() for name, p in paths.items() if p.is_file()}


@pytest.mark.parametrize(("args", "option", "input_option", "reused"), INPUT_AS_OUTPUT,
                         ids=[f"{a[0]} {a[1]} {o}={i}" for a, o, i, _ in INPUT_AS_OUTPUT])
@pytest.mark.parametrize("through", ["path", "symlink"])
def test_an_output_that_is_an_input_is_refused_first_naming_both(
        tmp_path: Path, args: list[str], option: str, input_option: str, reused: str, through: str) -> None:
    paths = _inputs(tmp_path)
    before = _contents(paths)
    output = Path(reused.format(**paths))
    if through == "symlink":  # another name of the same file (or directory)
        (tmp_path / "link").symlink_to(output)
        output = tmp_path / "link"
    result = CliRunner().invoke(app, [*(a.format(**paths) for a in args), option, str(output)])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"is the {input_option} file" in text and f"{option} another path" in text, text
    assert text.startswith(f"error: {option} {output}"), text
    assert _contents(paths) == before


def test_an_output_that_an_input_would_create_is_refused_first(tmp_path: Path) -> None:
    """--uri naming a milvus-lite file not there yet and --verdicts the same path: refused before any work (nc24 M2:
    it ran the evaluation, milvus-lite created `e.db/`, and then writing the verdicts failed "Is a directory")."""
    paths = _inputs(tmp_path)
    db = tmp_path / "e.db"
    result = CliRunner().invoke(app, [*(a.format(**paths) for a in EVAL), "--uri", str(db), "--verdicts", str(tmp_path / "x" / ".." / "e.db")])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "is the --uri file" in text and "--verdicts another path" in text, text
    assert not db.exists()


def test_an_output_beside_its_inputs_is_still_written_where_they_differ(tmp_path: Path) -> None:
    """Not over-eager: --out next to --layers (and a --layers file whose name the output shares elsewhere) is fine."""
    paths = _inputs(tmp_path)
    other = tmp_path / "out" / "layers.json"
    result = CliRunner().invoke(app, ["shard", "edge-profile", "--layers", str(paths["layers"]), "--out", str(other)])
    assert result.exit_code == 0 and other.read_text().startswith("{"), result.output


@contextmanager
def _unwritable(path: Path) -> Iterator[None]:
    """`path` made unwritable to this process: `chattr +i` for root (who writes through chmod 444), chmod 444 else."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


# The outputs written in place: every file output; in a directory output, evaluate's charts and the edge answers data
# prepare appends to (train, and data prepare's splits, are replaced by renaming temporary files over them).
IN_DIR = {"evaluate": "satisfaction.png", "data": "edge_answers.jsonl"}
IN_PLACE = [(a, o, d) for a, o, d in OUTPUTS if not d or a[0] in IN_DIR]


@pytest.mark.parametrize(("args", "option", "directory"), IN_PLACE, ids=[i for i, o in zip(IDS, OUTPUTS) if o in IN_PLACE])
def test_an_existing_output_that_cannot_be_written_is_refused_first_and_left_as_it_was(
        tmp_path: Path, args: list[str], option: str, directory: bool) -> None:
    target = tmp_path / "out"
    written = target / IN_DIR[args[0]] if directory else target
    written.parent.mkdir(exist_ok=True)
    written.write_text("keep me")
    stamp = written.stat().st_mtime_ns
    with _unwritable(written):
        result = _invoke(tmp_path, args, option, target)
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"{option} {written}: the file exists and cannot be written" in text, text
    assert written.read_text() == "keep me" and written.stat().st_mtime_ns == stamp


def test_edge_answers_to_append_to_that_cannot_be_written_are_refused_before_the_model_loads(
        tmp_path: Path, prepared_with_edge_answers: Path) -> None:
    """`velo data edge-answers` appends to --data's edge_answers.jsonl as it answers: an unwritable one failed only once
    SmolLM2 was loaded and the first batch answered."""
    data = tmp_path / "data"
    shutil.copytree(prepared_with_edge_answers, data)
    answers = data / "edge_answers.jsonl"
    answers.write_text("".join(answers.read_text().splitlines(keepends=True)[:-1]))  # one pair left to answer
    before = answers.read_bytes()
    with _unwritable(answers):
        result = CliRunner().invoke(app, ["data", "edge-answers", "--data", str(data), "--limit", "1000"])
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and f"--data {answers}: the file exists and cannot be written" in text and "loaded" not in text, text
    assert answers.read_bytes() == before


def test_the_checks_change_nothing(tmp_path: Path) -> None:
    """An existing writable output is opened for appending: its bytes and modification time stay; ./- is a file."""
    out = tmp_path / "verdicts.jsonl"
    out.write_text("old\n")
    stamp = out.stat().st_mtime_ns
    assert check_output("--verdicts", out, inputs={"--queries": tmp_path / "missing.jsonl"}) == out
    assert out.read_text() == "old\n" and out.stat().st_mtime_ns == stamp and sorted(tmp_path.iterdir()) == [out]
    assert check_output("--verdicts", tmp_path / "-") == tmp_path / "-"
    with pytest.raises(ValueError, match="'-' is not standard output"):
        check_output("--verdicts", "-")
