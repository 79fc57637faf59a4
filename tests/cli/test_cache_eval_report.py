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


def test_verdicts_say_which_queries_were_wrong_and_why(tmp_path: Path) -> None:
    """A newcomer tuning a cache: `velo cache eval` gave rates and no word on which queries were wrong. `--verdicts FILE`
    writes one line per query, each of the five verdicts here under a static threshold whose hits are known (the same
    words: cosine 1.0), and the counts agree with the report's rates."""
    seeds = _write(tmp_path / "s.jsonl", SEEDS)
    queries = _write(tmp_path / "q.jsonl", [
        {"question": "How do I boil an egg?", "lang": "en", "expect": "hit", "target": "s1", "kind": "paraphrase"},
        {"question": "What is the capital of France?", "lang": "en", "expect": "hit", "target": "s1"},  # served s2
        {"question": "What is the capital of France?", "lang": "en", "expect": "miss", "target": None, "kind": "hard_negative"},
        {"question": "How do you boil an egg?", "lang": "en", "expect": "hit", "target": "s1"},  # cosine < 0.999
        {"question": "Who wrote Hamlet?", "lang": "en", "expect": "miss"},
    ])
    out = tmp_path / "not-yet" / "verdicts.jsonl"  # a missing directory is created as the file is written
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--rule", "static:0.999", "--json",
                                      "--verdicts", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # stdout still holds the one JSON object; the file's line goes to stderr
    assert "verdicts of 5 queries (1 right_hit, 1 wrong_hit, 1 false_hit, 1 missed, 1 right_miss) written to" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["verdict"] for r in rows] == ["right_hit", "wrong_hit", "false_hit", "missed", "right_miss"]
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5] and rows[0]["kind"] == "paraphrase" and "kind" not in rows[1]
    france = {"id": "s2", "question": "What is the capital of France?"}
    assert [(r["best"], r["served"]) for r in rows[:3]] == [({"id": "s1", "question": "How do I boil an egg?"}, "s1"), (france, "s2"), (france, "s2")]
    assert rows[3]["best"]["id"] == "s1" and rows[3]["served"] is None and 0.9 < rows[3]["similarity"] < 0.999
    assert all(r["similarity"] > 0.999 and r["score"] == r["similarity"] for r in rows[:3])
    assert all(r["vetoes"] == [] and r["context"] == [] for r in rows)  # a static threshold has no vetoes
    assert set(rows[4]) == {"line", "question", "lang", "context", "expect", "target", "best", "served", "score", "similarity", "vetoes", "verdict"}
    # the report's rates are these verdicts': 1 right of 3 hits, 1 of 3 expected hits, 1 false hit of 2 expected misses
    assert (report["hits"], report["precision"], report["recall"], report["false_hit_rate"]) == (3, 1 / 3, 1 / 3, 0.5), report

    table = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--rule", "static:0.999",
                                     "--verdicts", str(out)])
    assert table.exit_code == 0 and f"written to {out}" in " ".join(table.stdout.split()), table.output


def test_a_verdict_names_the_veto_that_fired(tmp_path: Path, monkeypatch) -> None:
    """Under the default rule a negation put in is vetoed (score 0.0, a miss however close the question), and the
    verdict line says which veto, as `velo.cache.decision.fired_vetoes` names it."""
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "home"))
    seeds = _write(tmp_path / "s.jsonl", [{"id": "coffee", "question": "Is coffee bad for you?", "answer": "Not in moderation.", "lang": "en"}])
    queries = _write(tmp_path / "q.jsonl", [
        {"question": "Is coffee not bad for you?", "lang": "en", "expect": "miss"},
        {"question": "Is coffee bad for you?", "lang": "en", "expect": "hit", "target": "coffee"},
    ])
    out = tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--verdicts", str(out)])
    assert result.exit_code == 0, result.output
    negated, same = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert (negated["vetoes"], negated["score"], negated["served"], negated["verdict"]) == (["negation_mismatch"], 0.0, None, "right_miss"), negated
    assert negated["best"] == {"id": "coffee", "question": "Is coffee bad for you?"} and negated["similarity"] > 0.9
    assert (same["vetoes"], same["verdict"]) == ([], "right_hit"), same


def test_fired_vetoes_names_what_vetoed_reads() -> None:
    """Known answers on feature vectors built by hand: each veto alone, the graded halves that are no veto, two at once."""
    import numpy as np

    from velo.cache.decision import VETO_NAMES, fired_vetoes, vetoed
    from velo.types import HitFeatures

    names = HitFeatures.names()

    def features(**set_to: float) -> np.ndarray:
        x = np.zeros(len(names))
        for name, value in set_to.items():
            x[names.index(name)] = value
        return x

    cases = [({}, ()), ({"number_mismatch": 0.5, "negation_mismatch": 0.5}, ()),
             ({"symbol_swap": 1.0, "negation_mismatch": 1.0}, ("symbol_swap", "negation_mismatch"))]
    cases += [({name: 1.0}, (name,)) for name in VETO_NAMES]
    for set_to, fired in cases:
        x = features(**set_to)
        assert fired_vetoes(x) == fired and vetoed(x) == bool(fired), set_to


def test_an_und_querys_verdict_says_the_language_it_was_looked_up_as(tmp_path: Path) -> None:
    """brk finding 8: an `und` query is searched as its best guess (the edge's identifier), which decides the seeds it can
    find, and its verdict line did not say which; a query in a stated language has no such field."""
    seeds = _write(tmp_path / "s.jsonl", SEEDS)
    queries = _write(tmp_path / "q.jsonl", [
        {"question": "What is the capital of France?", "lang": "und", "expect": "hit", "target": "s2"},
        {"question": "你好吗？今天天气怎么样？", "lang": "und", "expect": "miss"},
        {"question": "What is the capital of France?", "lang": "en", "expect": "hit", "target": "s2"},
    ])
    out = tmp_path / "verdicts.jsonl"
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--rule", "static:0.999",
                                      "--verdicts", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("looked_up_as") for r in rows] == ["en", "zh-hans", None], rows
    assert [r["verdict"] for r in rows] == ["right_hit", "right_miss", "right_hit"] and "looked_up_as" not in rows[2]
