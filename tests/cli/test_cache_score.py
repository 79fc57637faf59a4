"""`velo cache score`: a pair scored as the cache decides it, with the real embedders and the shipped rule; bad pairs
files refused naming the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cli.main import app


def _json_rows(result) -> list[dict]:  # noqa: ANN001 (click Result)
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_a_look_alike_is_a_miss_with_its_veto_and_a_rewording_a_hit(tmp_path: Path) -> None:
    """The issue's example ("Convert 5 km to miles" / "Convert 5 miles to km": vetoed as arguments exchanged) and a
    rewording served, from a pairs file; the answer default and a line's own answer and language."""
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"cached": "Convert 5 km to miles", "request": "Convert 5 miles to km"},
        {"cached": "What is the capital of France?", "request": "what's the capital of france",
         "answer": "Paris is the capital of France.", "lang": "en"},
    ]) + "\n\n", encoding="utf-8")
    rows = _json_rows(CliRunner().invoke(app, ["cache", "score", "--pairs", str(pairs), "--json"]))
    swap, same = rows
    assert not swap["hit"] and swap["score"] < 0.5 and "role_swap" in swap["vetoes"] and swap["similarity"] > 0.9
    assert swap["answer"] == "the answer to Convert 5 km to miles" and swap["lang"] == "und"
    assert same["hit"] and same["score"] >= 0.943 and same["vetoes"] == [] and same["lang"] == "en"
    assert swap["rule"].startswith("logistic (velo.hit_rule/")
    assert swap["readers"]["role_swap"] == ["roles.role_swap", "order.exchanged"] and same["readers"] == {}


def test_the_table_names_the_reader_behind_a_role_swap() -> None:
    """nc43: "role_swap" alone named a tense, a place, a modal and an answer language alike."""
    result = CliRunner().invoke(app, ["cache", "score", "Can I eat eggs while pregnant?", "Should I eat eggs while pregnant?"])
    assert result.exit_code == 0, result.output
    assert "role_swap (modals.modal_change)" in " ".join(result.stdout.split()), result.stdout


def test_two_arguments_print_a_table() -> None:
    result = CliRunner().invoke(app, ["cache", "score", "Who wrote Hamlet?", "Who wrote Macbeth?"])
    assert result.exit_code == 0, result.output
    assert "miss" in result.stdout and "Who wrote Macbeth?" in result.stdout
    assert "stood in for the cached answer" in result.stdout  # nc43: the verdict near the threshold moves with it
    given = CliRunner().invoke(app, ["cache", "score", "Who wrote Hamlet?", "Who wrote Macbeth?", "--answer", "Shakespeare."])
    assert given.exit_code == 0 and "stood in" not in given.stdout, given.output


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"cached": "a?"}'], "pairs.jsonl:1: field 'request' must be a non-empty string"),
        (['{"cached": "a?", "request": "b?"}', "not json"], "pairs.jsonl:2: not JSON"),
        (['["a?", "b?"]'], "pairs.jsonl:1: expected a JSON object"),
        (['{"cached": "a?", "request": "b?", "questoin": "c"}'], "pairs.jsonl:1: unknown field 'questoin'"),
        (['{"cached": " ", "request": "b?"}'], "pairs.jsonl:1: field 'cached' must be a non-empty string"),
        (["", "  "], "pairs.jsonl: no records"),
    ],
)
def test_a_bad_pairs_file_is_refused_naming_the_line(tmp_path: Path, lines: list[str], message: str) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["cache", "score", "--pairs", str(pairs)])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["only one question"], "give CACHED and REQUEST"), (["a?", "b?", "--pairs", "README.md"], "not both"),
     (["a?", "b?", "--rule", "static:2"], "--rule static:2"), (["a?", "\u200b "], "REQUEST is empty"),
     (["a?", "b?", "--lang", "xx"], "--lang"), (["a?", "b?", "--answer", " \u200b"], "--answer is empty")],
)
def test_bad_arguments_are_refused_before_any_model_loads(argv: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["cache", "score", *argv])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output


def test_the_stand_in_answer_of_a_question_of_the_caches_longest_fits_and_a_long_argument_is_named(tmp_path: Path) -> None:
    """nc45 LOW: a pair whose cached question has 8,000 characters was refused with "answer #0 has 8014 characters",
    an answer the user never wrote (the stand-in "the answer to {cached}"); a REQUEST over the limit was "question
    has 8008 characters". The stand-in is cut to the cache's limit; an argument too long is named."""
    from velo.cache.evaluation import answer_for

    long = "Why is the sky blue? " * 400
    assert len(answer_for("the answer to {cached}", long[:8000])) == 8000
    assert answer_for("Ten minutes.", long) == "Ten minutes."  # no {cached}: the user's own answer, whole
    result = CliRunner().invoke(app, ["cache", "score", "How do I boil an egg?", long[:8008]], env={"COLUMNS": "200"})
    said = " ".join(result.output.replace("│", " ").split())
    assert result.exit_code == 2 and "REQUEST has 8008 characters; the cache accepts at most 8000" in said, result.output
