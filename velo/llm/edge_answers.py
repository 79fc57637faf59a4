"""`velo data edge-answers`: what the edge LLM answers to each prepared question, with its cost.

The environment needs, for every prepared pair, the answer the edge server's own LLM would give (to
score an EDGE action's quality against the oasst1 answer) and how long it took. Generating them takes
seconds per pair on CPU, so it runs once, offline, into the prepared directory:

| file                  | content                                                                                                |
| --------------------- | ------------------------------------------------------------------------------------------------------ |
| `edge_answers.jsonl`  | one line per pair: id, answer, prompt_tokens, output_tokens, prefill_ms, decode_ms, model, batch_size, max_new_tokens |

`id` is the pair's id (`QAPair.id`). The question is asked with its conversation context as earlier chat
turns, exactly as the edge server would. Pending questions are sorted by prompt length and answered in
batches (`velo.llm.batch_generate`, greedy, left-padded); each batch's lines are appended and flushed when
it finishes, so an interrupted run resumes where it stopped; a last line cut short by a crash is dropped
and regenerated.

**What the times mean.** `batch_size` is the number of questions answered together. `prefill_ms` is
always the prompt's own prefill, run alone (batches share decode steps only: `velo.llm.batch_generate`).
With `batch_size` 1 (`--batch-size 1`, or a batch of one) `decode_ms` is that request's own decode time,
as `LocalLLM.generate_ids` measures it. With `batch_size` > 1 it is NOT a single request's decode time:
it is the summed wall time of the batch's decode steps that produced this answer's tokens after the
first, each step a forward pass over every question of the batch still being answered
(`BatchedGeneration`). Records written before the field existed have no `batch_size` and were generated
one by one: they read as 1. The edge latency the environment simulates comes from the measured profiles
(`velo/profiles/`), not from these numbers.

**One file, one generation setting.** `max_new_tokens` (`--max-new-tokens`, the answer's length cap) is recorded
with every answer: a run with another cap is refused (its answers would be cut at another length and EDGE scored on
a mixture), as a run with another model is. Records written before the field existed have none; they were all
generated with the default cap (`DEFAULT_MAX_NEW_TOKENS`, the shipped files: their longest answers have exactly
200 tokens) and read as it.

Answers generated once ship with the repository (`data/sample/edge_answers.jsonl` for the bundled sample,
`data/edge_answers/*.jsonl` for the shared oasst1 subsets, keyed by oasst1 ids): `velo data prepare`
installs those whose ids it prepared (`install_shipped_edge_answers`).
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from velo.data.prepare import SPLITS, load_manifest, load_prepared, resolve_languages
from velo.files import write_text_atomic
from velo.json_limits import loads as load_json
from velo.llm.batch_generate import BatchedGeneration, generate_batch
from velo.llm.local import LocalLLM, Message
from velo.paths import BUNDLED_EDGE_ANSWERS, SHIPPED_EDGE_ANSWERS, require_bundled_data
from velo.types import QAPair

EDGE_ANSWERS_FILE = "edge_answers.jsonl"
DEFAULT_MAX_NEW_TOKENS = 200
"""`velo data edge-answers --max-new-tokens` by default; the cap of every shipped answer."""


class EdgeAnswersError(ValueError):
    """`edge_answers.jsonl` is missing, damaged, or from another model than the one asked for."""


@dataclass(frozen=True)
class EdgeAnswer:
    """The edge LLM's answer to one prepared pair (`id` = `QAPair.id`) and what it cost on this machine.

    With `batch_size` > 1, `decode_ms` is the batch's decode steps, not this request's alone (see the
    module docstring).
    """

    id: str
    answer: str
    prompt_tokens: int
    output_tokens: int
    prefill_ms: float
    decode_ms: float
    model: str
    batch_size: int = 1
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    """The cap the answer was generated under (an answer of `output_tokens == max_new_tokens` was cut there)."""

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: dict) -> EdgeAnswer:
        return cls(
            id=str(record["id"]),
            answer=str(record["answer"]),
            prompt_tokens=int(record["prompt_tokens"]),
            output_tokens=int(record["output_tokens"]),
            prefill_ms=float(record["prefill_ms"]),
            decode_ms=float(record["decode_ms"]),
            model=str(record["model"]),
            batch_size=int(record.get("batch_size", 1)),
            max_new_tokens=int(record.get("max_new_tokens", DEFAULT_MAX_NEW_TOKENS)),
        )


@dataclass(frozen=True)
class EdgeAnswerPlan:
    """The pairs selected for a run, and those of them that still need an answer."""

    path: Path
    selected: tuple[QAPair, ...]
    todo: tuple[QAPair, ...]

    @property
    def done(self) -> int:
        return len(self.selected) - len(self.todo)


def edge_answers_path(data_dir: Path) -> Path:
    return Path(data_dir) / EDGE_ANSWERS_FILE


def load_edge_answers(data_dir: Path) -> dict[str, EdgeAnswer]:
    """Answers by pair id. A cut-short last line (a crash mid-write) is ignored; a damaged line elsewhere raises."""
    path = edge_answers_path(data_dir)
    if not path.is_file():
        raise EdgeAnswersError(f"{path} does not exist; run `velo data edge-answers --data {data_dir}`")
    answers, _ = _read(path)
    return answers


def shipped_edge_answer_files() -> list[Path]:
    """The answers files that ship with the repository: the bundled sample's, then `data/edge_answers/*.jsonl`."""
    require_bundled_data()
    files = [BUNDLED_EDGE_ANSWERS, *sorted(SHIPPED_EDGE_ANSWERS.glob("*.jsonl"))]
    return [path for path in files if path.is_file()]


def install_shipped_edge_answers(data_dir: Path, shipped: Sequence[Path] | None = None) -> int:
    """Give the pairs prepared in `data_dir` the answers generated for them once and shipped (`shipped`,
    default `shipped_edge_answer_files()`), matched by pair id, so the environment scores EDGE with real
    answers without generating them again. Returns the number of answers installed.

    An answers file already in `data_dir` is never overwritten: answers to the prepared pairs it lacks are
    appended to it (a cut-short last line is dropped first, as a resumed run does). A file holding another
    model's answers, or answers generated with another `max_new_tokens`, gets none (one file, one setting).
    """
    path = edge_answers_path(data_dir)
    ids = {pair.id for pair in load_prepared(data_dir, None)}
    available: dict[str, EdgeAnswer] = {}
    for file in shipped_edge_answer_files() if shipped is None else shipped:
        for answer in _read(Path(file))[0].values():
            if answer.id in ids:
                available.setdefault(answer.id, answer)
    if not available:
        return 0
    if not path.exists():
        write_text_atomic(path, (answer.to_json() + "\n" for answer in available.values()))
        return len(available)
    existing = _repair(path)
    if {_setting(a) for a in existing.values()} - {_setting(a) for a in available.values()}:
        return 0  # another model's answers, or answers cut at another length
    missing = [answer for answer in available.values() if answer.id not in existing]
    if missing:
        with path.open("a", encoding="utf-8") as stream:
            stream.writelines(answer.to_json() + "\n" for answer in missing)
            stream.flush()
            os.fsync(stream.fileno())
    return len(missing)


def plan_edge_answers(
    data_dir: Path,
    split: str = "all",
    languages: Sequence[str] | None = None,
    limit: int | None = None,
    model: str | None = None,
    max_new_tokens: int | None = None,
) -> EdgeAnswerPlan:
    """Select pairs (train then test, in file order, filtered by language, the first `limit`) and drop
    those already answered. Repairs a cut-short last line of the answers file.

    `model` and `max_new_tokens`, when given, must match those of the answers already in the file (one file holds
    one model's answers, all generated with one cap): `EdgeAnswersError` saying how to go on otherwise.
    """
    data_dir = Path(data_dir)
    if split not in (*SPLITS, "all"):
        raise ValueError(f"split must be one of {', '.join((*SPLITS, 'all'))}, got {split!r}")
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    manifest = load_manifest(data_dir)
    pairs = load_prepared(data_dir, None if split == "all" else split)
    if languages is not None:
        wanted = resolve_languages(languages)
        missing = [lang for lang in wanted if lang not in manifest.languages]
        if missing:
            raise ValueError(
                f"{data_dir} was prepared for {', '.join(manifest.languages)}, not {', '.join(missing)}; "
                f"run `velo data prepare --out {data_dir} --languages ...` with the languages you need"
            )
        pairs = [pair for pair in pairs if pair.lang in wanted]
    selected = tuple(pairs[:limit] if limit is not None else pairs)

    path = edge_answers_path(data_dir)
    existing = _repair(path) if path.is_file() else {}
    models = {answer.model for answer in existing.values()}
    if model is not None and models - {model}:
        raise EdgeAnswersError(
            f"{path} holds answers from {', '.join(sorted(models))}, not {model}; one file holds one model's "
            "answers: move it away (or delete it) to generate answers with another model"
        )
    caps = {answer.max_new_tokens for answer in existing.values()}
    if max_new_tokens is not None and caps - {max_new_tokens}:
        had = ", ".join(map(str, sorted(caps)))
        raise EdgeAnswersError(
            f"{path} holds answers generated with --max-new-tokens {had}, not {max_new_tokens}: they would count as "
            f"answered, cut at another length, and EDGE be scored on them; continue with --max-new-tokens {had}, or "
            "move the file away (or delete it) to generate every answer with the new cap"
        )
    return EdgeAnswerPlan(path, selected, tuple(pair for pair in selected if pair.id not in existing))


def chat_messages(pair: QAPair) -> list[Message]:
    """The pair's conversation as the edge server sees it: earlier turns, then the question."""
    return [{"role": turn.role.value, "content": turn.text} for turn in pair.context] + [{"role": "user", "content": pair.question}]


def edge_prompt(llm: LocalLLM, pair: QAPair, max_new_tokens: int) -> list[int]:
    """The prompt token ids the edge LLM answers the pair's question from, in its conversation.

    A conversation too long for the model's context window loses its oldest turns first (a user turn
    and the answer to it), then the question its beginning: the edge server could not do better.
    """
    budget = llm.context_window - max_new_tokens
    if budget < llm.context_window // 2:
        raise ValueError(
            f"max_new_tokens={max_new_tokens} leaves too little of the {llm.context_window}-token context window "
            f"of {llm.name} for the question; use at most {llm.context_window // 2}"
        )
    messages = chat_messages(pair)
    ids = llm.prompt_ids(messages)
    while len(ids) > budget and len(messages) > 1:
        messages = messages[2:] if len(messages) > 2 else messages[1:]
        ids = llm.prompt_ids(messages)
    while len(ids) > budget:
        question = messages[-1]["content"]
        messages = [{"role": "user", "content": question[len(question) // 4 :]}]
        ids = llm.prompt_ids(messages)
    return ids


def answer_pair(llm: LocalLLM, pair: QAPair, max_new_tokens: int) -> EdgeAnswer:
    """Ask the edge LLM the pair's question in its conversation, alone (`batch_size` 1)."""
    (generation,) = generate_batch(llm, [edge_prompt(llm, pair, max_new_tokens)], max_new_tokens)
    return _edge_answer(llm, pair, generation, max_new_tokens)


def generate_edge_answers(
    llm: LocalLLM, plan: EdgeAnswerPlan, max_new_tokens: int = 200, batch_size: int = 8
) -> Iterator[EdgeAnswer]:
    """Answer the plan's remaining pairs, shortest prompt first, `batch_size` at a time, appending each
    batch's answers to the file as soon as the batch is done."""
    if max_new_tokens < 1:
        raise ValueError(f"max_new_tokens must be >= 1, got {max_new_tokens}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    # every decode step of a batch attends over its longest prompt: similar lengths together pad least
    prompts = sorted(((edge_prompt(llm, pair, max_new_tokens), pair) for pair in plan.todo), key=lambda item: len(item[0]))
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    with plan.path.open("a", encoding="utf-8") as stream:
        for start in range(0, len(prompts), batch_size):
            batch = prompts[start : start + batch_size]
            generations = generate_batch(llm, [ids for ids, _ in batch], max_new_tokens)
            answers = [_edge_answer(llm, pair, generation, max_new_tokens) for (_, pair), generation in zip(batch, generations)]
            stream.writelines(answer.to_json() + "\n" for answer in answers)
            stream.flush()
            os.fsync(stream.fileno())
            yield from answers


def _setting(answer: EdgeAnswer) -> tuple[str, int]:
    """What must be the same for every answer of one file: the model and the length cap."""
    return answer.model, answer.max_new_tokens


def _edge_answer(llm: LocalLLM, pair: QAPair, generation: BatchedGeneration, max_new_tokens: int) -> EdgeAnswer:
    return EdgeAnswer(
        id=pair.id,
        answer=generation.text,
        prompt_tokens=generation.prompt_tokens,
        output_tokens=generation.output_tokens,
        prefill_ms=round(generation.prefill_ms, 3),
        decode_ms=round(generation.decode_ms, 3),
        model=llm.name,
        batch_size=generation.batch_size,
        max_new_tokens=max_new_tokens,
    )


def _repair(path: Path) -> dict[str, EdgeAnswer]:
    """The answers in `path`, after dropping a last line cut short by a crash (the next run regenerates it)."""
    existing, valid_bytes = _read(path)
    if valid_bytes < path.stat().st_size:
        with path.open("r+b") as stream:
            stream.truncate(valid_bytes)
    return existing


def _read(path: Path) -> tuple[dict[str, EdgeAnswer], int]:
    """Answers in the file and the number of bytes of whole, valid lines at its start."""
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    answers: dict[str, EdgeAnswer] = {}
    valid = 0
    for number, line in enumerate(lines, start=1):
        is_last = number == len(lines)
        if not line.strip():
            valid += len(line) + (0 if is_last else 1)
            continue
        try:
            answer = EdgeAnswer.from_dict(load_json(line))  # JSONLimitError is a ValueError
        except (ValueError, KeyError, TypeError) as err:
            # only the last line may be cut short (by a crash mid-write); the next run regenerates it
            if is_last or (number == len(lines) - 1 and not lines[-1].strip()):
                break
            raise EdgeAnswersError(f"{path}:{number} is damaged ({err!r}); delete the line or the file and run again") from err
        if is_last:
            break  # a valid record without its newline was still being written: regenerate it too
        answers[answer.id] = answer
        valid += len(line) + 1
    return answers, valid
