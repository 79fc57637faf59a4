"""`prepare` / `load_prepared` / `velo data prepare` on tiny files written under tmp_path, plus one check
against the real oasst1 subsets in ../shared when they are present."""

from __future__ import annotations

import hashlib
import importlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from velo.cli.data import data_app
from velo.data import DataFormatError, PreparedDataError, UnrecognizedFormatError, load_manifest, load_prepared, prepare
from velo.data.prepare import FORMAT_VERSION, split_of
from velo.types import QAPair, Role, Turn

prepare_module = importlib.import_module("velo.data.prepare")  # `velo.data.prepare` the attribute is the function
REAL_OASST1 = Path("/work/shared/data/oasst1")


def message(mid: str, parent: str | None, role: str, text: str, tree: str, lang: str = "en", rank: int | None = None) -> dict[str, Any]:
    return {
        "message_id": mid, "parent_id": parent, "message_tree_id": tree, "role": role, "text": text, "lang": lang,
        "rank": rank, "deleted": False, "review_result": True, "created_date": "2023-02-01T00:00:00+00:00",
    }  # fmt: skip


def conversation(tree: str, lang: str, depth: int = 2) -> list[dict[str, Any]]:
    """A chain prompt -> answer -> prompt -> answer ... of `depth` question/answer pairs."""
    records, parent = [], None
    for turn in range(depth):
        records.append(message(f"{tree}-q{turn}", parent, "prompter", f"question {turn} of {tree}", tree, lang))
        records.append(message(f"{tree}-a{turn}", f"{tree}-q{turn}", "assistant", f"answer {turn} of {tree}", tree, lang, 0))
        parent = f"{tree}-a{turn}"
    return records


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def oa_record(turns: list[str], output: str, mid: str, lang: str = "en") -> dict[str, Any]:
    """QLoRA's layout: alternating human/assistant turns, ending with the question being answered."""
    text = " ".join(f"### {'Human' if i % 2 == 0 else 'Assistant'}: {t}" for i, t in enumerate(turns)) + " ### Assistant:"
    return {"input": text, "output": output, "message_id": mid, "parent_id": "p", "rank": 0, "lang": lang}


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """40 two-turn conversations in four languages (160 pairs), one file per export format."""
    directory = tmp_path / "src"
    directory.mkdir()
    records = [r for i in range(30) for r in conversation(f"t{i}", ("en", "es", "de")[i % 3])]
    write_jsonl(directory / "a.messages.jsonl", records)
    write_jsonl(directory / "b.messages.jsonl", [r for i in range(10) for r in conversation(f"r{i}", "ru")])
    (directory / "README.md").write_text("not data", encoding="utf-8")
    return directory


def test_prepare_writes_split_files_and_manifest(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = prepare([sources], out, test_fraction=0.3, seed=7)
    manifest = load_manifest(out)
    assert manifest == result.manifest and manifest.format == FORMAT_VERSION
    assert (manifest.seed, manifest.test_fraction, manifest.languages) == (7, 0.3, ("en", "es", "de", "zh", "ru"))
    assert [Path(s.path).name for s in manifest.sources] == ["a.messages.jsonl", "b.messages.jsonl"]
    assert manifest.sources[0].sha256 == hashlib.sha256((sources / "a.messages.jsonl").read_bytes()).hexdigest()
    assert manifest.skipped == (str(sources / "README.md"),)
    assert {lang: sum(c.values()) for lang, c in manifest.counts.items()} == {"en": 20, "es": 20, "de": 20, "zh": 0, "ru": 20}
    assert manifest.total("test") == len(result.test) > 0 and manifest.total("train") == len(result.train) > 0
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "test.jsonl", "train.jsonl"]  # no temp files left

    assert load_prepared(out, "train") == list(result.train)
    assert load_prepared(out) == list(result.train) + list(result.test)
    line = json.loads((out / "train.jsonl").read_text(encoding="utf-8").splitlines()[1])
    assert set(line) == {"id", "question", "answer", "lang", "conversation_id", "context", "split"}
    follow_up = next(p for p in result.train + result.test if p.id == "t0-a1")
    assert follow_up.context == (Turn(Role.USER, "question 0 of t0"), Turn(Role.ASSISTANT, "answer 0 of t0"))


def test_split_is_deterministic_by_conversation(sources: Path, tmp_path: Path) -> None:
    first = prepare([sources], tmp_path / "one", seed=3)
    again = prepare([sources], tmp_path / "two", seed=3)
    assert (tmp_path / "one" / "test.jsonl").read_bytes() == (tmp_path / "two" / "test.jsonl").read_bytes()
    assert first.test == again.test
    other_seed = prepare([sources], tmp_path / "three", seed=4)
    assert {p.id for p in other_seed.test} != {p.id for p in first.test}
    for result in (first, other_seed):
        assert not {p.conversation_id for p in result.train} & {p.conversation_id for p in result.test}
        assert all(p.split == "test" for p in result.test) and all(p.split == "train" for p in result.train)
    assert [split_of(f"c{i}", 0, 0.2) for i in range(2000)].count("test") == pytest.approx(400, abs=60)
    assert {split_of("c", 0, 0.0), split_of("c", 0, 1.0)} == {"train", "test"}


def test_language_filter_normalizes_and_rejects_unknown_codes(sources: Path, tmp_path: Path) -> None:
    write_jsonl(sources / "c.messages.jsonl", conversation("pt0", "pt-BR"))
    result = prepare([sources], tmp_path / "out", languages=["pt-BR", "ru"])
    assert Counter(p.lang for p in result.train + result.test) == {"pt": 2, "ru": 20}
    assert result.manifest.dropped["language"] == 60
    with pytest.raises(ValueError, match="unknown language code.*xx.*oasst1 languages are: ar, bg"):
        prepare([sources], tmp_path / "bad", languages=["en", "xx"])


def test_dedup_across_sources_unifies_conversations(tmp_path: Path) -> None:
    """The oa_questions copy of a tree (other whitespace, derived ids) is dropped and its extra
    follow-up joins the tree's conversation, whichever order the files are given in."""
    tree = write_jsonl(tmp_path / "en-validation.jsonl", conversation("t0", "en", depth=1))
    oa = write_jsonl(
        tmp_path / "oa_questions.jsonl",
        [
            oa_record(["question  0 of t0"], "answer 0 of t0", "t0-a0"),
            oa_record(["question 0 of t0", "answer 0 of t0", "why?"], "a later answer", "x-a1"),
            oa_record(["   "], "answer to nothing", "x-empty"),
        ],
    )
    result = prepare([oa, tree], tmp_path / "out", test_fraction=0.5)
    pairs = result.train + result.test
    assert [(p.id, p.conversation_id) for p in pairs] == [("t0-a0", "t0"), ("x-a1", "t0")]
    assert [s.format for s in result.manifest.sources] == ["messages", "oa_questions"]
    assert (result.manifest.dropped["duplicate"], result.manifest.dropped["empty"]) == (1, 1)


def test_max_chars_and_whitespace(tmp_path: Path) -> None:
    oa = write_jsonl(
        tmp_path / "oa_questions.jsonl",
        [oa_record(["  short?  "], "  fine \n", "m1"), oa_record(["long?"], "x" * 101, "m2"), oa_record(["no answer"], " \n ", "m3")],
    )
    result = prepare([oa], tmp_path / "out", test_fraction=0.0, max_chars=100)
    with pytest.raises(ValueError, match="test_fraction=0.5 leaves the (test|train) split empty"):  # one conversation
        prepare([oa], tmp_path / "out2", test_fraction=0.5, max_chars=100, require_both_splits=True)
    assert not (tmp_path / "out2").exists()
    assert result.train == (QAPair("m1", "short?", "fine", "en", result.train[0].conversation_id, (), "train"),)
    assert (result.manifest.dropped["too_long"], result.manifest.dropped["empty"]) == (1, 1)


def test_bad_sources_raise_clear_errors(sources: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    prepare([sources], out)
    before = (out / "train.jsonl").read_bytes()
    with pytest.raises(UnrecognizedFormatError, match="README.md: not a recognized oasst1 file; supported formats"):
        prepare([sources / "README.md"], out)
    (sources / "z.messages.jsonl").write_text(json.dumps(message("m", None, "prompter", "q", "z")) + "\n[oops\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"z\.messages\.jsonl:2: not valid JSON"):
        prepare([sources], out)
    with pytest.raises(FileNotFoundError, match="missing.jsonl"):
        prepare([tmp_path / "missing.jsonl"], out)
    with pytest.raises(ValueError, match="test_fraction"):
        prepare([sources], out, test_fraction=1.5)
    assert (out / "train.jsonl").read_bytes() == before and len(load_prepared(out)) == 80


def test_none_reads_the_bundled_sample(sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prepare_module, "BUNDLED_OASST1", sources)
    assert len(prepare(None, tmp_path / "out").manifest.sources) == 2


def test_load_prepared_errors(sources: Path, tmp_path: Path) -> None:
    with pytest.raises(PreparedDataError, match="no prepared data.*velo data prepare --out"):
        load_prepared(tmp_path / "nothing")
    out = tmp_path / "out"
    prepare([sources], out)
    with pytest.raises(ValueError, match="split must be one of"):
        load_prepared(out, "validation")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    (out / "manifest.json").write_text(json.dumps(manifest | {"format": "velo.prepared/0"}), encoding="utf-8")
    with pytest.raises(PreparedDataError, match="format 'velo.prepared/0'.*velo data prepare"):
        load_prepared(out)
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "test.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(PreparedDataError, match="test.jsonl holds 0 pairs, the manifest says"):
        load_prepared(out, "test")


def test_cli_prepare_prints_counts_and_fails_cleanly(sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    ok = runner.invoke(data_app, ["prepare", "--source", str(sources), "--out", str(out), "--languages", "en,ru", "--seed", "1"])
    assert ok.exit_code == 0, ok.output
    assert "en" in ok.output and "total" in ok.output and len(load_prepared(out)) == 40
    assert load_manifest(out).seed == 1

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for args, message in [
        (["--source", str(sources / "README.md")], "not a recognized oasst1 file"),
        (["--source", str(sources), "--languages", "en,klingon"], "unknown language code"),
        (["--source", str(sources), "--test-fraction", "2"], "--test-fraction must lie strictly between 0 and 1"),
        (["--source", str(sources), "--test-fraction", "0"], "--test-fraction must lie strictly between 0 and 1"),
        (["--source", str(sources), "--test-fraction", "1"], "--test-fraction must lie strictly between 0 and 1"),
        (["--from-hub"], "HF_HUB_OFFLINE"),
    ]:
        failed = runner.invoke(data_app, ["prepare", "--out", str(out), *args])
        assert failed.exit_code == 2, failed.output
        assert message in " ".join(failed.output.split()) and "Traceback" not in failed.output
        assert failed.exception is None or isinstance(failed.exception, SystemExit)


@pytest.mark.skipif(not REAL_OASST1.is_dir(), reason="real oasst1 subsets not on this machine")
def test_real_oasst1_counts(tmp_path: Path) -> None:
    result = prepare([REAL_OASST1], tmp_path / "out")
    totals = {lang: sum(per_split.values()) for lang, per_split in result.manifest.counts.items()}
    assert totals["en"] >= 400 and totals["es"] >= 250 and totals["zh"] >= 300 and totals["ru"] >= 70 and totals["de"] >= 25
    assert totals["en"] < 600  # en-validation.jsonl and oa_questions.jsonl overlap: English must not count twice
    assert not {p.conversation_id for p in result.train} & {p.conversation_id for p in result.test}
    for lang in result.manifest.languages:
        assert 0.1 < result.manifest.counts[lang]["test"] / totals[lang] < 0.4
    assert len({p.id for p in result.train + result.test}) == len(result.train) + len(result.test)
