"""`velo cache eval` refuses a seeds or queries line whose language code the cache would refuse, naming the line,
the field and the allowed codes, before any model is loaded (it counted a silent miss for "xx" before)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from velo.cache.evaluation import EvalDataError, load_pairs, load_queries, load_seeds
from velo.cli.main import app

SEED = {"id": "s1", "question": "Why is the sky blue?", "answer": "Rayleigh scattering.", "lang": "en"}
QUERY = {"question": "Why's the sky blue?", "lang": "en", "expect": "hit", "target": "s1"}


def write(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["xx", "english", "en_US", ""])
def test_a_bad_language_code_in_queries_or_seeds_names_the_line(tmp_path: Path, lang: str) -> None:
    seeds = write(tmp_path / "seeds.jsonl", SEED)
    with pytest.raises(EvalDataError, match=r"queries.jsonl:2: .*'lang'"):
        load_queries(write(tmp_path / "queries.jsonl", QUERY, {**QUERY, "lang": lang}), {"s1"})
    with pytest.raises(EvalDataError, match=r"seeds2.jsonl:1: .*'lang'"):
        load_seeds(write(tmp_path / "seeds2.jsonl", {**SEED, "lang": lang}))
    assert [s.lang for s in load_seeds(seeds)] == ["en"]
    assert [q.lang for q in load_queries(write(tmp_path / "ok.jsonl", {**QUERY, "lang": "pt-BR"}), {"s1"})] == ["pt-BR"]


def test_cache_eval_refuses_xx_in_one_line(tmp_path: Path) -> None:
    seeds = write(tmp_path / "seeds.jsonl", SEED)
    queries = write(tmp_path / "queries.jsonl", {**QUERY, "lang": "xx"})
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries)])
    out = " ".join(result.output.split())
    assert result.exit_code != 0 and "Traceback" not in result.output, result.output
    assert "queries.jsonl:1" in out and "('xx') is not a language code" in out and "ISO 639-1" in out, out


@pytest.mark.parametrize(("code", "stored"), [("en", "en"), ("EN", "en"), ("pt-BR", "pt-br"), ("zh-Hant", "zh-hant"), ("und", "und")])
def test_language_codes_the_cache_accepts(code: str, stored: str) -> None:
    from velo.cache.input_checks import check_lang

    assert check_lang(code) == stored


@pytest.mark.parametrize(("row", "message"), [
    ({**QUERY, "contxt": ["Hi"]}, "unknown field 'contxt' (did you mean 'context'?)"),
    ({**QUERY, "extra": 1}, "unknown field 'extra'"),
    ({**QUERY, "question": "Why \ud800 blue?"}, "field 'question' is not valid Unicode text: a lone surrogate"),
    ({**QUERY, "question": "Why\u0000 blue?"}, "field 'question' holds the control character U+0000 (NUL) at character 3"),
    ({**QUERY, "context": ["Hi\u001b"]}, "field 'context' turn #0 holds the control character U+001B (ESC) at character 2"),
    ({**QUERY, "question": "\u200b\ufeff"}, "field 'question' must be a non-empty string"),  # invisible only: empty
    ({**QUERY, "question": "x" * 8001}, "field 'question' has 8001 characters; the cache accepts at most 8000"),
    ({"question": "Who wrote Hamlet?", "lang": "en", "expect": "miss", "target": "s1"}, "a query expecting a miss has no 'target'"),
])
def test_bad_query_lines_are_refused_naming_file_and_line(tmp_path: Path, row: dict, message: str) -> None:
    """Issue 8: a typo ("contxt") or an unknown key ran silently (without the context), a lone surrogate was reported as
    "question #0" with no file or line, and a miss with a target was taken."""
    with pytest.raises(EvalDataError, match=r"queries.jsonl:2: ") as err:
        load_queries(write(tmp_path / "queries.jsonl", QUERY, row), {"s1"})
    assert message in str(err.value)
    meta = load_queries(write(tmp_path / "ok.jsonl", {**QUERY, "kind": "paraphrase", "of": "s1", "source": "x"}), {"s1"})[0].meta
    assert meta == {"kind": "paraphrase", "of": "s1", "source": "x"}


@pytest.mark.parametrize(("row", "message"), [
    ({**SEED, "anwser": "x"}, "unknown field 'anwser' (did you mean 'answer'?)"),
    ({**SEED, "answer": "Rayleigh \udfff."}, "field 'answer' is not valid Unicode text"),
    ({**SEED, "answer": " \u200d "}, "field 'answer' must be a non-empty string"),
    ({**SEED, "answer": "长" * 8001}, "field 'answer' has 8001 characters; the cache accepts at most 8000"),
])
def test_bad_seed_lines_are_refused_naming_file_and_line(tmp_path: Path, row: dict, message: str) -> None:
    with pytest.raises(EvalDataError, match=r"seeds.jsonl:1: ") as err:
        load_seeds(write(tmp_path / "seeds.jsonl", row))
    assert message in str(err.value)


def test_cache_eval_matches_und_by_its_best_guess_as_the_edge_does(tmp_path: Path) -> None:
    """Issue 8: `velo cache eval` built its cache without the edge's language identifier, so an `und` query missed what
    the edge serves: "Capital of Germany?" (und: en 0.26) finds the English seed."""
    seeds = write(tmp_path / "seeds.jsonl", {"id": "de", "question": "What is the capital of Germany?", "answer": "Berlin.", "lang": "en"})
    queries = write(tmp_path / "queries.jsonl", {"question": "Capital of Germany?", "lang": "und", "expect": "hit", "target": "de"})
    result = CliRunner().invoke(app, ["cache", "eval", "--seeds", str(seeds), "--queries", str(queries), "--json", "--rule", "static:0.85"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["hits"] == 1 and report["recall"] == 1.0, report


@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80abc"])
def test_bytes_that_are_not_utf8_are_refused_naming_file_line_and_byte(tmp_path: Path, bad: bytes) -> None:
    """nc43: a bad byte in a seeds, queries or pairs file gave "'utf-8' codec can't decode byte 0xff in position 41"
    with no file or line (`velo.files.utf8_lines`); a CRLF file reads as before."""
    path = tmp_path / "queries.jsonl"
    path.write_bytes(json.dumps(QUERY).encode() + b"\r\n" + b'{"question": "Why is the sky ' + bad + b' blue?"}\r\n')
    with pytest.raises(EvalDataError, match=rf"queries\.jsonl:2: not valid UTF-8: byte 0x{bad[0]:02x} at byte 30 of the line"):
        load_queries(path, {"s1"})
    path.write_bytes(json.dumps(QUERY).encode() + b"\r\n")
    assert [q.question for q in load_queries(path, {"s1"})] == [QUERY["question"]]


@pytest.mark.parametrize(("row", "message"), [
    ({"cached": "What is it?", "request": "x" * 13200}, "field 'request' has 13200 characters; the cache accepts at most 8000"),
    ({"cached": "What\u0007 is it?", "request": "What is it?"}, "field 'cached' holds the control character U+0007 (BEL)"),
    ({"cached": "What is it?", "request": "What is it?", "answer": "x" * 9000}, "field 'answer' has 9000 characters"),
])
def test_a_pairs_line_the_cache_would_refuse_is_named_before_any_model_loads(tmp_path: Path, row: dict, message: str) -> None:
    """nc44: a 13,200-character request in a pairs file stopped `velo cache score --pairs` after 18 s of work with "question
    #0 has 13200 characters" (no file, no line), and a control character in a pair's question reached the cache."""
    good = {"cached": "What is it?", "request": "What's it?"}
    with pytest.raises(EvalDataError, match=r"pairs.jsonl:2: ") as err:
        load_pairs(write(tmp_path / "pairs.jsonl", good, row), "the answer", "en")
    assert message in str(err.value)
