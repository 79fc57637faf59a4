"""Known-answer tests of the oasst1 readers on tiny hand-written files, one per format."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from velo.data.oasst1 import (
    DataFormatError,
    HubUnavailableError,
    SourceFormat,
    UnrecognizedFormatError,
    detect_format,
    first_turn_conversation_id,
    load_from_hub,
    parse_oa_input,
    read_llamafactory,
    read_source,
)
from velo.types import QAPair, Role, Turn

U, A = Role.USER, Role.ASSISTANT


def message(mid: str, parent: str | None, role: str, text: str, tree: str, **extra: Any) -> dict[str, Any]:
    record = {
        "message_id": mid,
        "parent_id": parent,
        "message_tree_id": tree,
        "role": role,
        "text": text,
        "lang": "en",
        "rank": None,
        "deleted": False,
        "review_result": True,
        "created_date": "2023-02-01T00:00:00+00:00",
        "tree_state": "ready_for_export",
    }
    return record | extra


MESSAGES = [
    # tree t1: best rank wins over rank 1 and an unranked reply; a deleted rank-0 reply never counts
    message("p1", None, "prompter", " What is 2+2? ", "t1"),
    message("a1", "p1", "assistant", "Five", "t1", rank=1),
    message("a2", "p1", "assistant", "Four\n", "t1", rank=0),
    message("a3", "p1", "assistant", "4!", "t1"),
    message("a5", "p1", "assistant", "deleted answer", "t1", rank=0, deleted=True, created_date="2023-01-01"),
    # follow-up under the best answer; two unranked replies: the earlier one wins
    message("p2", "a2", "prompter", "And 3+3?", "t1"),
    message("a6", "p2", "assistant", "Six", "t1", created_date="2023-02-03T00:00:00+00:00"),
    message("a7", "p2", "assistant", "6", "t1", created_date="2023-02-02T00:00:00+00:00"),
    message("p3", "a7", "prompter", "Thanks", "t1"),  # no reply: no pair
    message("p4", "a1", "prompter", "bad follow-up", "t1", review_result=False),
    message("a8", "p4", "assistant", "reply to a rejected prompt", "t1", rank=0),
    # tree t2: regional language code; a ranked reply beats an earlier unranked one
    message("q1", None, "prompter", "Olá?", "t2", lang="pt-BR"),
    message("b0", "q1", "assistant", "unranked", "t2", lang="pt-BR", created_date="2023-01-01T00:00:00+00:00"),
    message("b1", "q1", "assistant", "Oi!", "t2", lang="pt-BR", rank=1),
    # tree t3: deleted prompt
    message("r1", None, "prompter", "deleted question", "t3", deleted=True),
    message("c1", "r1", "assistant", "answer to deleted", "t3", rank=0),
    # tree t4: a deleted reply breaks the chain for the follow-up below it
    message("s1", None, "prompter", "root of t4", "t4"),
    message("d1", "s1", "assistant", "deleted reply", "t4", deleted=True),
    message("s2", "d1", "prompter", "follow-up of a deleted reply", "t4"),
    message("d2", "s2", "assistant", "unreachable", "t4", rank=0),
    # tree t5: an aborted tree of an `_all` export
    message("x1", None, "prompter", "spam?", "t5", tree_state="aborted_low_grade"),
    message("e1", "x1", "assistant", "spam reply", "t5", tree_state="aborted_low_grade"),
]

EXPECTED = [
    QAPair("a2", "What is 2+2?", "Four", "en", "t1"),
    QAPair("a7", "And 3+3?", "6", "en", "t1", (Turn(U, "What is 2+2?"), Turn(A, "Four"))),
    QAPair("b1", "Olá?", "Oi!", "pt", "t2"),
]


def write_jsonl(path: Path, records: list[Any]) -> Path:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in records)
    return path


def as_trees(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The HF trees export: each tree one object with replies nested under `prompt`."""
    nodes = {m["message_id"]: {k: v for k, v in m.items() if k not in ("parent_id", "message_tree_id", "tree_state")} | {"replies": []} for m in messages}
    trees = []
    for m in messages:
        if m["parent_id"] is None:
            trees.append({"message_tree_id": m["message_tree_id"], "tree_state": m["tree_state"], "prompt": nodes[m["message_id"]]})
        else:
            nodes[m["parent_id"]]["replies"].append(nodes[m["message_id"]])
    return trees


@pytest.mark.parametrize("name", ["x.messages.jsonl", "x.messages.jsonl.gz", "en-validation.jsonl"])
def test_messages_jsonl_known_answer(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, MESSAGES)
    assert detect_format(path) is SourceFormat.MESSAGES
    assert read_source(path) == EXPECTED


def test_parquet_known_answer(tmp_path: Path) -> None:
    path = tmp_path / "validation-00000-of-00001.parquet"
    pq.write_table(pa.Table.from_pylist(MESSAGES), path)
    assert detect_format(path) is SourceFormat.MESSAGES_PARQUET
    assert read_source(path) == EXPECTED


@pytest.mark.parametrize("name", ["x.trees.jsonl", "x.trees.jsonl.gz", "trees_by_content.jsonl"])
def test_trees_known_answer(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, as_trees(MESSAGES))
    assert detect_format(path) is SourceFormat.TREES
    assert read_source(path) == EXPECTED


def test_parse_oa_input_keeps_markdown_headings() -> None:
    text = "### Human: Explain X ### Assistant: ### Summary\nX is Y.\n\n### Details\nmore ### Human: Shorter? ### Assistant:"
    context, question = parse_oa_input(text)
    assert context == [Turn(U, "Explain X"), Turn(A, "### Summary\nX is Y.\n\n### Details\nmore")]
    assert question == "Shorter?"
    with pytest.raises(ValueError, match="alternate"):
        parse_oa_input("### Human: a ### Human: b ### Assistant:")
    with pytest.raises(ValueError, match="alternate"):
        parse_oa_input("### Human: a ### Assistant: b")


def oa_record(text: str, output: str, mid: str, parent: str, lang: str = "en") -> dict[str, Any]:
    return {"input": text, "output": output, "message_id": mid, "parent_id": parent, "rank": 0, "lang": lang, "text": text}


def test_oa_questions_single_and_multi_turn_share_a_conversation(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "oa_questions.jsonl",
        [
            oa_record("### Human: Explain X ### Assistant:", "### Summary\nX is Y.", "m1", "root-x"),
            oa_record(
                "### Human: Explain X ### Assistant: ### Summary\nX is Y. ### Human: Shorter? ### Assistant:",
                "Y.\n### Note\nshort",
                "m3",
                "m2",
            ),
            oa_record("### Human: ¿Qué es X? ### Assistant:", " Es Y. ", "m4", "root-es", lang="es"),
        ],
    )
    assert detect_format(path) is SourceFormat.OA_QUESTIONS
    first, follow_up, spanish = read_source(path)
    conversation = first_turn_conversation_id("en", "Explain X")
    assert first == QAPair("m1", "Explain X", "### Summary\nX is Y.", "en", conversation)
    assert follow_up == QAPair("m3", "Shorter?", "Y.\n### Note\nshort", "en", conversation, (Turn(U, "Explain X"), Turn(A, "### Summary\nX is Y.")))
    assert spanish == QAPair("m4", "¿Qué es X?", "Es Y.", "es", first_turn_conversation_id("es", "¿Qué es X?"))
    assert conversation.startswith("oaq-") and conversation != spanish.conversation_id


def test_oa_questions_errors_name_file_and_line(tmp_path: Path) -> None:
    good = oa_record("### Human: a ### Assistant:", "b", "m1", "r")
    path = tmp_path / "oa_questions.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"oa_questions\.jsonl:2: not valid JSON"):
        read_source(path)
    write_jsonl(path, [good, good, oa_record("### Human: a ### Human: b ### Assistant:", "c", "m2", "r")])
    with pytest.raises(DataFormatError, match=r"oa_questions\.jsonl:3: turns must alternate"):
        read_source(path)
    write_jsonl(path, [good | {"input": None}])
    with pytest.raises(DataFormatError, match=r"oa_questions\.jsonl:1: an oa_questions record needs"):
        read_source(path)


def test_llamafactory_rm_and_sft(tmp_path: Path) -> None:
    rm = tmp_path / "oaast_rm_zh.json"
    rm.write_text(
        json.dumps(
            [
                {"instruction": "什么是X？", "input": "", "output": ["最好的回答", "次好的回答"], "history": []},
                {"instruction": "再短一点", "input": "", "output": ["", "短"], "history": [["什么是X？", "最好的回答"]]},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    sft = tmp_path / "oaast_sft_zh.json"
    sft.write_text(json.dumps([{"instruction": "你好", "input": "", "output": "你好！", "history": []}], ensure_ascii=False), encoding="utf-8")
    assert detect_format(rm) is SourceFormat.LLAMAFACTORY_RM
    assert detect_format(sft) is SourceFormat.LLAMAFACTORY_SFT

    root, follow_up = read_source(rm)
    conversation = first_turn_conversation_id("zh", "什么是X？")
    assert (root.question, root.answer, root.lang, root.conversation_id, root.context) == ("什么是X？", "最好的回答", "zh", conversation, ())
    assert (follow_up.question, follow_up.answer, follow_up.conversation_id) == ("再短一点", "短", conversation)
    assert follow_up.context == (Turn(U, "什么是X？"), Turn(A, "最好的回答"))
    assert root.id.startswith("lf-") and root.id != follow_up.id
    assert read_source(rm) == [root, follow_up]  # ids are derived from content, so stable

    (only,) = read_source(sft)
    assert (only.question, only.answer, only.lang) == ("你好", "你好！", "zh")


def test_llamafactory_language_and_record_errors(tmp_path: Path) -> None:
    path = tmp_path / "oaast_sft.json"
    path.write_text(json.dumps([{"instruction": "q", "input": "", "output": "a", "history": []}]), encoding="utf-8")
    with pytest.raises(DataFormatError, match="cannot tell the language"):
        read_source(path)
    assert read_llamafactory(path, lang="de")[0].lang == "de"
    bad = tmp_path / "oaast_rm_zh.json"
    bad.write_text(json.dumps([{"instruction": "q", "output": ["a"], "history": [["only user"]]}]), encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"oaast_rm_zh\.json: record 1"):
        read_source(bad)


def test_unrecognized_and_malformed_files(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# not data\n", encoding="utf-8")
    other = write_jsonl(tmp_path / "other.jsonl", [{"question": "q", "answer": "a"}])
    array = tmp_path / "other.json"
    array.write_text("[1, 2]", encoding="utf-8")
    config = tmp_path / "config.json"
    config.write_text('{"not": "an array"', encoding="utf-8")
    for path in (notes, other, array, config):
        with pytest.raises(UnrecognizedFormatError, match=rf"{path.name}: not a recognized oasst1 file; supported formats: .*messages"):
            detect_format(path)
    broken = tmp_path / "x.messages.jsonl"
    broken.write_text(json.dumps(MESSAGES[0]) + "\n\n" + '{"message_id": "z", "role": "prompter"}\n', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"x\.messages\.jsonl:3: an oasst1 message needs text"):
        read_source(broken)
    named = tmp_path / "oaast_rm_zh.json"
    named.write_text('[{"instruction": "q",\n "output": ["a"] "history": []}]', encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"oaast_rm_zh\.json:2: not valid JSON"):
        read_source(named)
    gz = tmp_path / "y.messages.jsonl.gz"
    gz.write_bytes(b"not gzip at all")
    with pytest.raises(DataFormatError, match=r"y\.messages\.jsonl\.gz: cannot read"):
        read_source(gz)
    latin = tmp_path / "z.messages.jsonl"  # nc43: no line was named for a byte that is not UTF-8
    latin.write_bytes(json.dumps(MESSAGES[0]).encode() + b"\n" + '{"message_id": "z", "text": "caf\u00e9"}\n'.encode("latin-1"))
    with pytest.raises(DataFormatError, match=r"z\.messages\.jsonl:2: not valid UTF-8: byte 0xe9 at byte 33 of the line"):
        read_source(latin)


def test_hub_fails_fast_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    start = time.monotonic()
    with pytest.raises(HubUnavailableError, match="HF_HUB_OFFLINE"):
        load_from_hub()
    assert time.monotonic() - start < 1.0
