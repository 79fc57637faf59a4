"""`velo cache eval` on tiny real files: undefined rates are n/a, not 1.0; a `context` field is replayed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from velo.cli.main import app

SEEDS = [{"id": "s1", "question": "How do I boil an egg?", "answer": "Ten minutes in boiling water.", "lang": "en"},
         {"id": "s2", "question": "What is the capital of France?", "answer": "Paris.", "lang": "en"}]
MISSES = [{"question": "How many legs does a spider have?", "lang": "en", "expect": "miss", "target": None},
          {"question": "Who wrote Hamlet?", "lang": "en", "expect": "miss", "target": None}]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_recall_with_no_expected_hit_is_undefined(tmp_path: Path) -> None:
    """Issue: a query set with no expected hit showed recall 1.000. Also: a milvus-lite --uri in an existing
    directory is used as given."""
    argv = ["cache", "eval", "--seeds", str(_write(tmp_path / "s.jsonl", SEEDS)), "--queries",
            str(_write(tmp_path / "q.jsonl", MISSES)), "--uri", str(tmp_path / "eval.db")]
    result = CliRunner().invoke(app, [*argv, "--json", "--rule", "static:0.99"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["recall"] is None and report["by_lang"]["en"]["recall"] is None
    assert report["hits"] == 0 and report["precision"] is None and report["false_hit_rate"] == 0.0
    table = CliRunner().invoke(app, [*argv, "--rule", "static:0.99"])
    assert table.exit_code == 0 and "n/a" in table.stdout and "1.000" not in table.stdout, table.output


def test_a_context_field_is_replayed(tmp_path: Path, monkeypatch) -> None:
    """Issue 8: `context` used to be refused (before that, ignored). Now a seed is stored under its conversation and a
    query looked up under its own: "How old is he?" after Messi is served Messi's answer, not Obama's, and is a miss
    as a first turn; a context that is not a list of strings is refused naming the line and the field."""
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    obama, messi = ["Who is Barack Obama?"], ["Who is Lionel Messi?"]
    seeds = _write(tmp_path / "s.jsonl", [
        {"id": "obama", "question": "How old is he?", "answer": "He was born in 1961.", "lang": "en", "context": obama},
        {"id": "messi", "question": "How old is he?", "answer": "He was born in 1987.", "lang": "en", "context": messi},
    ])
    queries = _write(tmp_path / "q.jsonl", [
        {"question": "How old is he?", "lang": "en", "expect": "hit", "target": "messi", "context": messi},
        {"question": "how old is he", "lang": "en", "expect": "hit", "target": "obama", "context": obama},
        {"question": "How old is he?", "lang": "en", "expect": "miss", "target": None},
    ])
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["hits"], report["precision"], report["recall"], report["false_hit_rate"]) == (2, 1.0, 1.0, 0.0), report
    bad = _write(tmp_path / "bad.jsonl", [MISSES[0], {**MISSES[1], "context": "Tell me about Shakespeare."}])
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(bad)])
    text = " ".join(result.output.split())
    assert result.exit_code != 0 and f"{bad}:2:" in text and "'context'" in text and "Traceback" not in text, result.output
