"""Batched greedy decoding (`velo.llm.batch_generate`) against one-by-one decoding, with the real edge LLM."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.llm import LocalLLM  # noqa: E402
from velo.llm.batch_generate import BatchedGeneration, generate_batch  # noqa: E402

CONVERSATIONS = [
    "What is the capital of France?",
    [
        {"role": "user", "content": "I am planning a trip to Spain next spring with two friends."},
        {"role": "assistant", "content": "That sounds lovely! Spain is beautiful in spring."},
        {"role": "user", "content": "Which three cities should we visit, and why?"},
    ],
    "¿Cuántos planetas hay en el sistema solar?",
    (
        "Explain in one sentence why the sky is blue, then give one example of another blue thing in nature, "
        "such as a bird, a flower or a stone, and say where it can be found."
    ),
]
"""Prompts of different lengths (a follow-up in its conversation, two languages): rows get different padding."""


@pytest.fixture(scope="module")
def prompts(llm: LocalLLM) -> list[list[int]]:
    ids = [llm.prompt_ids(conversation) for conversation in CONVERSATIONS]
    assert len({len(p) for p in ids}) == len(ids)
    return ids


@pytest.fixture(scope="module")
def alone(llm: LocalLLM, prompts: list[list[int]]) -> list:
    return [llm.generate_ids(p, max_new_tokens=12) for p in prompts]


@pytest.mark.parametrize("batch_size", [2, 4])
def test_batched_greedy_answers_equal_one_by_one_answers(
    llm: LocalLLM, prompts: list[list[int]], alone: list, batch_size: int
) -> None:
    batched: list[BatchedGeneration] = []
    for start in range(0, len(prompts), batch_size):
        batched += generate_batch(llm, prompts[start : start + batch_size], max_new_tokens=12)
    assert [g.text for g in batched] == [g.text for g in alone]
    assert [g.output_tokens for g in batched] == [g.output_tokens for g in alone]
    assert [g.prompt_tokens for g in batched] == [len(p) for p in prompts]
    assert {g.batch_size for g in batched} == {batch_size}
    assert all(g.prefill_ms > 0 and (g.decode_ms > 0) == (g.output_tokens > 1) for g in batched)


def test_rows_stop_on_their_own(llm: LocalLLM, prompts: list[list[int]]) -> None:
    short, long = generate_batch(llm, [prompts[0], prompts[3]], max_new_tokens=40)
    assert short.output_tokens < long.output_tokens <= 40  # "Paris" ends early, the long question does not
    assert short.text == llm.generate_ids(prompts[0], max_new_tokens=40).text
    assert short.decode_ms < long.decode_ms, "a finished row is not charged for the steps after it"


def test_a_single_prompt_is_the_single_request_path(llm: LocalLLM, prompts: list[list[int]], alone: list) -> None:
    (one,) = generate_batch(llm, [prompts[1]], max_new_tokens=12)
    assert one.batch_size == 1 and one.text == alone[1].text and one.output_tokens == alone[1].output_tokens
    assert generate_batch(llm, [], max_new_tokens=12) == []
    with pytest.raises(ValueError, match="max_new_tokens"):
        generate_batch(llm, prompts[:2], max_new_tokens=0)
