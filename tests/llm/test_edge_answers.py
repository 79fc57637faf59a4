"""`velo data edge-answers` on the bundled sample, with the real edge LLM and tiny budgets."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import velo.data  # noqa: E402
from velo.cli.main import app  # noqa: E402
from velo.llm.edge_answers import (  # noqa: E402
    EdgeAnswer,
    EdgeAnswersError,
    answer_pair,
    chat_messages,
    edge_answers_path,
    generate_edge_answers,
    install_shipped_edge_answers,
    load_edge_answers,
    plan_edge_answers,
)
from velo.llm.local import SMOLLM2_NAME, LocalLLM, load_local_llm  # noqa: E402
from velo.paths import shared_dir  # noqa: E402
from velo.types import QAPair, Role, Turn  # noqa: E402


@pytest.fixture()
def llm_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The VELO home test_local_llm.py converts the model into (whichever module runs first converts it)."""
    home = tmp_path_factory.getbasetemp() / "llm-velo-home"
    monkeypatch.setenv("VELO_HOME", str(home))
    return home


@pytest.fixture()
def prepared(tmp_path: Path) -> Path:
    out = tmp_path / "data"
    velo.data.prepare(None, out)
    return out


def run(*args: str):
    return CliRunner().invoke(app, ["data", "edge-answers", *args])


def flat(output: str) -> str:
    """rich wraps long lines at 80 columns under CliRunner."""
    return " ".join(output.split())


def test_answers_are_written_resumed_and_repaired(llm_home: Path, prepared: Path) -> None:
    args = ("--data", str(prepared), "--limit", "2", "--max-new-tokens", "8", "--batch-size", "1")
    first = run(*args)
    assert first.exit_code == 0, first.output
    path = prepared / "edge_answers.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    pairs = velo.data.load_prepared(prepared)[:2]
    assert sorted(r["id"] for r in records) == sorted(p.id for p in pairs)
    for record in records:
        assert set(record) == {"id", "answer", "prompt_tokens", "output_tokens", "prefill_ms", "decode_ms", "model", "batch_size",
                               "max_new_tokens"}
        assert record["model"] == SMOLLM2_NAME and record["answer"] and record["batch_size"] == 1 and record["max_new_tokens"] == 8
        assert record["prompt_tokens"] > 0 and 0 < record["output_tokens"] <= 8
        assert record["prefill_ms"] > 0 and record["decode_ms"] > 0

    before = path.read_bytes()
    again = run(*args)
    assert again.exit_code == 0, again.output
    assert "nothing to generate" in again.output and "2 already answered" in flat(again.output)
    assert path.read_bytes() == before

    # Issue: answers cut at 8 tokens counted as answered in a 200-token run, and EDGE was scored on them silently
    other_cap = run("--data", str(prepared), "--limit", "3", "--max-new-tokens", "200", "--batch-size", "1")
    text = flat(other_cap.output)
    assert other_cap.exit_code == 2 and "holds answers generated with --max-new-tokens 8, not 200" in text, other_cap.output
    assert "continue with --max-new-tokens 8, or move the file away" in text and path.read_bytes() == before

    path.write_bytes(before[: len(before) - len(lines[-1]) // 2 - 1])  # a crash in the middle of the last line
    assert set(load_edge_answers(prepared)) == {records[0]["id"]}
    repaired = run(*args)
    assert repaired.exit_code == 0, repaired.output
    assert "1 already answered" in flat(repaired.output)
    after = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert after[0] == records[0]
    assert [r["id"] for r in after] == [r["id"] for r in records]
    assert after[1]["answer"] == records[1]["answer"]  # greedy: regenerated identically
    assert set(load_edge_answers(prepared)) == {p.id for p in pairs}


def test_questions_are_asked_in_their_conversation(prepared: Path) -> None:
    follow_up = next(p for p in velo.data.load_prepared(prepared) if len(p.context) >= 2)
    messages = chat_messages(follow_up)
    assert [m["role"] for m in messages] == [t.role.value for t in follow_up.context] + ["user"]
    assert messages[0]["content"] == follow_up.context[0].text and messages[-1]["content"] == follow_up.question


def test_selection_by_split_language_and_limit(prepared: Path) -> None:
    test_only = plan_edge_answers(prepared, split="test")
    assert test_only.selected and {p.split for p in test_only.selected} == {"test"}
    russian = plan_edge_answers(prepared, languages=["ru"], limit=3)
    assert len(russian.selected) == 3 and {p.lang for p in russian.selected} == {"ru"}
    assert len(plan_edge_answers(prepared).selected) == len(velo.data.load_prepared(prepared))


def test_bad_input_fails_cleanly(tmp_path: Path, prepared: Path) -> None:
    unprepared = run("--data", str(tmp_path / "nothing"))
    assert unprepared.exit_code == 2 and "run `velo data prepare" in flat(unprepared.output)
    assert run("--data", str(prepared), "--split", "dev").exit_code == 2
    assert run("--data", str(prepared), "--batch-size", "0").exit_code == 2
    assert run("--data", str(prepared), "--languages", "xx").exit_code == 2
    assert run("--data", str(prepared), "--languages", "fr").exit_code == 2  # valid code, not prepared
    with pytest.raises(EdgeAnswersError, match="velo data edge-answers"):
        load_edge_answers(prepared)

    path = prepared / "edge_answers.jsonl"
    record = '{"id": "y", "answer": "a", "prompt_tokens": 1, "output_tokens": 1, "prefill_ms": 1, "decode_ms": 1, "model": "%s"}\n'
    path.write_text('{"id": "x"}\n' + record % SMOLLM2_NAME, encoding="utf-8")
    damaged = run("--data", str(prepared), "--limit", "1")
    assert damaged.exit_code == 2 and "damaged" in flat(damaged.output)
    path.write_text(record % "other-llm", encoding="utf-8")
    other = run("--data", str(prepared), "--limit", "1")
    assert other.exit_code == 2 and "other-llm" in flat(other.output)


def test_long_conversations_are_cut_to_the_context_window(llm_home: Path) -> None:
    llm = load_local_llm()

    class ShortWindow(LocalLLM):
        context_window = 96

    short = ShortWindow(llm.name, llm.model, llm.tokenizer)
    context = (Turn(Role.USER, "Tell me about rivers. " * 20), Turn(Role.ASSISTANT, "Rivers flow to the sea. " * 20))
    follow_up = QAPair("a1", "Which is the longest?", "The Nile.", "en", "c1", context)
    answer = answer_pair(short, follow_up, max_new_tokens=8)
    assert answer.prompt_tokens == len(llm.prompt_ids("Which is the longest?"))  # oldest turns dropped first
    long_question = QAPair("a2", "Some words. " * 60 + "What is two plus two?", "Four.", "en", "c2")
    answer = answer_pair(short, long_question, max_new_tokens=8)
    assert answer.prompt_tokens <= 96 - 8 and answer.output_tokens <= 8
    with pytest.raises(ValueError, match="max_new_tokens"):
        answer_pair(short, follow_up, max_new_tokens=60)


def test_batched_answers_resume_after_an_interruption(llm_home: Path, prepared: Path) -> None:
    llm = load_local_llm()
    plan = plan_edge_answers(prepared, split="test", limit=5, model=llm.name)
    lengths = {p.id: len(llm.prompt_ids(chat_messages(p))) for p in plan.todo}
    answers = generate_edge_answers(llm, plan, max_new_tokens=6, batch_size=2)
    first = [next(answers), next(answers)]
    answers.close()  # interrupted after the first batch: its answers are on disk, nothing else
    assert lengths[first[0].id] <= lengths[first[1].id] <= min(v for k, v in lengths.items() if k not in {a.id for a in first})
    assert {a.batch_size for a in first} == {2}
    path = edge_answers_path(prepared)
    assert set(load_edge_answers(prepared)) == {a.id for a in first}
    on_disk = path.read_bytes()

    resumed = plan_edge_answers(prepared, split="test", limit=5, model=llm.name)
    assert resumed.done == 2 and {p.id for p in resumed.todo} == set(lengths) - {a.id for a in first}
    rest = list(generate_edge_answers(llm, resumed, max_new_tokens=6, batch_size=2))
    assert [a.batch_size for a in rest] == [2, 2, 1]  # two left in a batch, the last one alone
    assert path.read_bytes().startswith(on_disk)
    assert set(load_edge_answers(prepared)) == set(lengths)
    assert plan_edge_answers(prepared, split="test", limit=5).todo == ()


def test_the_sample_ships_with_the_edge_llms_answers_to_every_question(tmp_path: Path) -> None:
    out = tmp_path / "data"
    result = CliRunner().invoke(app, ["data", "prepare", "--out", str(out)])
    assert result.exit_code == 0, result.output
    pairs = velo.data.load_prepared(out)
    answers = load_edge_answers(out)
    assert set(answers) == {pair.id for pair in pairs}
    assert {answer.model for answer in answers.values()} == {SMOLLM2_NAME}
    assert all(answer.answer.strip() and answer.output_tokens > 0 for answer in answers.values())
    assert f"edge LLM answers to {len(pairs)} prepared" in flat(result.output)

    kept = edge_answers_path(out).read_text(encoding="utf-8").splitlines()[:3]
    edge_answers_path(out).write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert install_shipped_edge_answers(out) == len(pairs) - 3, "the answers missing are added"
    assert edge_answers_path(out).read_text(encoding="utf-8").splitlines()[:3] == kept
    assert set(load_edge_answers(out)) == {pair.id for pair in pairs}
    assert install_shipped_edge_answers(out) == 0
    # answers generated with another cap get no shipped ones (200 tokens) mixed in
    cut = [json.dumps({**json.loads(line), "max_new_tokens": 16}) for line in kept]
    edge_answers_path(out).write_text("\n".join(cut) + "\n", encoding="utf-8")
    assert install_shipped_edge_answers(out) == 0 and len(load_edge_answers(out)) == 3
    assert {a.max_new_tokens for a in load_edge_answers(out).values()} == {16}


SHARED_OASST1 = shared_dir() / "data" / "oasst1"


@pytest.mark.skipif(not SHARED_OASST1.is_dir(), reason="the shared oasst1 subsets (../shared) are not on this machine")
def test_the_shared_oasst1_data_ships_with_the_edge_llms_answers_to_every_question(tmp_path: Path) -> None:
    """`data/edge_answers/oasst1_validation.jsonl` (test split) and `oasst1_train.jsonl` (train split) together answer
    every question `velo data prepare --source ../shared/data/oasst1` prepares with the default seed."""
    out = tmp_path / "data"
    result = CliRunner().invoke(app, ["data", "prepare", "--source", str(SHARED_OASST1), "--out", str(out)])
    assert result.exit_code == 0, result.output
    answers = load_edge_answers(out)
    for split in ("train", "test"):
        assert {pair.id for pair in velo.data.load_prepared(out, split)} <= set(answers), split
    assert len(answers) == len(velo.data.load_prepared(out))
    assert {answer.model for answer in answers.values()} == {SMOLLM2_NAME}
    assert f"edge LLM answers to {len(answers)} prepared" in flat(result.output)


def shipped_file(path: Path, answers: list[EdgeAnswer]) -> Path:
    path.write_text("".join(answer.to_json() + "\n" for answer in answers), encoding="utf-8")
    return path


def answer_to(pair_id: str, text: str, model: str = SMOLLM2_NAME) -> EdgeAnswer:
    return EdgeAnswer(pair_id, text, 10, 3, 5.0, 20.0, model, batch_size=8)


def test_shipped_answers_are_installed_for_the_prepared_ids_of_any_source(tmp_path: Path, prepared: Path) -> None:
    pairs = velo.data.load_prepared(prepared)
    shipped = [
        shipped_file(tmp_path / "a.jsonl", [answer_to(pairs[0].id, "first"), answer_to("not-prepared", "x")]),
        shipped_file(tmp_path / "b.jsonl", [answer_to(pairs[1].id, "second"), answer_to(pairs[0].id, "later copy")]),
    ]
    assert install_shipped_edge_answers(prepared, shipped) == 2
    installed = load_edge_answers(prepared)
    assert {key: a.answer for key, a in installed.items()} == {pairs[0].id: "first", pairs[1].id: "second"}
    assert installed[pairs[0].id].batch_size == 8

    # an existing file is never overwritten: what it lacks is appended, after a cut-short last line is dropped
    path = edge_answers_path(prepared)
    own = answer_to(pairs[0].id, "generated here").to_json() + "\n"
    path.write_text(own + answer_to(pairs[2].id, "cut").to_json()[:20], encoding="utf-8")
    assert install_shipped_edge_answers(prepared, shipped) == 1
    assert path.read_text(encoding="utf-8").startswith(own)
    assert {key: a.answer for key, a in load_edge_answers(prepared).items()} == {pairs[0].id: "generated here", pairs[1].id: "second"}

    path.write_text(answer_to(pairs[2].id, "other", model="other-llm").to_json() + "\n", encoding="utf-8")
    before = path.read_bytes()
    assert install_shipped_edge_answers(prepared, shipped) == 0, "one file holds one model's answers"
    assert path.read_bytes() == before


def test_old_records_without_batch_size_read_as_one_by_one() -> None:
    record = {"id": "y", "answer": "a", "prompt_tokens": 1, "output_tokens": 1, "prefill_ms": 1, "decode_ms": 1, "model": "m"}
    assert EdgeAnswer.from_dict(record).batch_size == 1
