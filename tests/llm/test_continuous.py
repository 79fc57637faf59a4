"""Continuous batching (`velo.llm.continuous`) against one-by-one decoding, with the real edge LLM."""

from __future__ import annotations

import os
import threading
from concurrent.futures import CancelledError

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from velo.llm import LocalLLM  # noqa: E402
from velo.llm.continuous import BatcherClosedError, ContinuousBatcher  # noqa: E402

QUESTIONS = [
    "What is the capital of France?",
    "¿Cuántos planetas hay en el sistema solar?",
    "Explain in one sentence why the sky is blue, then give one example of another blue thing in nature.",
    "Wie viele Beine hat eine Spinne?",
    "Назови три цвета радуги.",
]
TOKENS = 10


@pytest.fixture(scope="module")
def prompts(llm: LocalLLM) -> list[list[int]]:
    return [llm.prompt_ids(q) for q in QUESTIONS]


@pytest.fixture(scope="module")
def alone(llm: LocalLLM, prompts: list[list[int]]) -> list:
    return [llm.generate_ids(p, max_new_tokens=TOKENS) for p in prompts]


def test_requests_joining_a_running_batch_get_their_alone_answers(llm, prompts, alone) -> None:
    """The first request is decoding when the others arrive: they join mid-batch, with other prompt lengths."""
    started = threading.Event()
    seen: list[int] = []

    def first_tokens(token: int) -> None:
        seen.append(token)
        if len(seen) == 3:
            started.set()

    with ContinuousBatcher(llm, max_batch=4) as batcher:
        first = batcher.submit(prompts[2], TOKENS, on_token=first_tokens)
        assert started.wait(120)
        rest = [batcher.submit(p, TOKENS) for i, p in enumerate(prompts) if i != 2]
        answers = {2: first.future.result(120)} | {i: h.future.result(120) for i, h in zip([0, 1, 3, 4], rest)}
        stats = batcher.stats()
    for i, one in enumerate(alone):
        assert answers[i].text == one.text, QUESTIONS[i]
        assert answers[i].output_tokens == one.output_tokens
        assert answers[i].prompt_tokens == len(prompts[i])
    assert seen == first.produced  # streaming saw every token, in order
    assert max(a.batch_size for a in answers.values()) == 4  # max_batch holds: the fifth waited
    assert stats.completed == 5 and stats.running == 0 and stats.waiting == 0
    assert 1.0 < stats.mean_batch <= 4.0


def test_cancel_and_close(llm, prompts) -> None:
    batcher = ContinuousBatcher(llm, max_batch=1)
    running = batcher.submit(prompts[0], 30)
    queued = batcher.submit(prompts[1], 5)
    running.cancel()
    with pytest.raises(CancelledError):
        running.future.result(120)
    assert len(running.produced) < 30
    batcher.close()
    assert queued.future.done()  # finished before close, or cancelled by it: never left hanging
    with pytest.raises(BatcherClosedError):
        batcher.submit(prompts[0], 4)


def test_bad_requests_are_refused_at_submit(llm, prompts) -> None:
    with ContinuousBatcher(llm, kv_budget_tokens=64) as batcher:
        with pytest.raises(ValueError, match="kv_budget_tokens=64"):
            batcher.submit(prompts[2], 60)
        with pytest.raises(ValueError, match="max_new_tokens must be >= 1"):
            batcher.submit(prompts[0], 0)
        with pytest.raises(ValueError, match="prompt is empty"):
            batcher.submit([], 4)
        assert batcher.stats().waiting == 0
    with pytest.raises(ValueError, match="max_batch must be an integer >= 1"):
        ContinuousBatcher(llm, max_batch=0)


def test_sampled_rows_share_a_batch_with_greedy_ones_and_a_seed_reproduces_them(llm, prompts, alone) -> None:
    from velo.llm.sampling import Sampler, SamplingParams

    params = SamplingParams(temperature=1.3, top_p=0.95, seed=5)
    with ContinuousBatcher(llm, max_batch=4) as batcher:
        sampled = batcher.submit(prompts[2], TOKENS, sampler=Sampler(params))
        greedy = [batcher.submit(p, TOKENS) for p in prompts[:2]]
        first = sampled.future.result(120)
        again = batcher.submit(prompts[2], TOKENS, sampler=Sampler(params)).future.result(120)
        assert [g.future.result(120).text for g in greedy] == [a.text for a in alone[:2]]
    assert first.text == again.text and first.text != alone[2].text


def test_a_consumer_that_has_enough_finishes_its_request_with_the_answer_so_far(llm, prompts) -> None:
    with ContinuousBatcher(llm) as batcher:
        handle = batcher.submit(prompts[2], 30, on_token=lambda token: True)
        answer = handle.future.result(120)
    assert answer.output_tokens == 1 == len(handle.produced)


def test_rows_of_very_different_lengths_and_a_repeated_prompt_get_their_alone_answers(llm, prompts, alone) -> None:
    """Per-row KV and attention (`velo.llm.row_cache`): a ~300-token prompt decodes beside short ones; a repeat
    reuses all but its last token's KV and a new question the template's (`velo.llm.prefix_cache`). The model's
    other callers, switched to the per-row attention by the batcher, still compute what they did."""
    from velo.llm.batch_generate import generate_batch

    long_prompt = llm.prompt_ids("Summarize this paragraph in one sentence. " + "The river rises in the hills, "
                                 "turns the mill wheels of three villages and reaches the sea in a wide delta. " * 12)
    assert len(long_prompt) > 250
    with ContinuousBatcher(llm, max_batch=4) as batcher:
        handles = [batcher.submit(p, TOKENS) for p in (long_prompt, prompts[0], prompts[1], prompts[0])]
        answers = [h.future.result(120) for h in handles]
        assert batcher.prefixes.reused_tokens >= len(prompts[0]) - 1 + 16
    assert [a.text for a in answers[1:]] == [alone[0].text, alone[1].text, alone[0].text]
    assert answers[0].text == llm.generate_ids(long_prompt, TOKENS).text
    assert llm.model.config._attn_implementation == "velo_rows"
    assert llm.generate_ids(prompts[3], TOKENS).text == alone[3].text
    assert [g.text for g in generate_batch(llm, prompts[3:5], TOKENS)] == [alone[3].text, alone[4].text]


LONG = "Summarize the following notes. " + "The river rose after three days of rain, and the town moved its market uphill. " * 14
"""~250 SmolLM2 tokens: four chunks of 64."""


def test_a_prompt_prefilled_in_chunks_gets_its_alone_answer_and_short_requests_go_between_its_chunks(llm) -> None:
    """nc46: a long prompt's prefill held every other request of the LLM until it ended. With chunks of 64 tokens, the
    short request submitted with it is answered before the long prompt's first token, and the long prompt's answer is
    the one it gets alone (its chunks compute the same function, up to float rounding)."""
    long_ids, short_ids = llm.prompt_ids(LONG), llm.prompt_ids(QUESTIONS[0])
    alone = llm.generate_ids(long_ids, max_new_tokens=TOKENS).output_tokens
    order: list[str] = []
    with ContinuousBatcher(llm, max_batch=4, prefill_chunk_tokens=64, prefix_cache_entries=0) as batcher:
        first = batcher.submit(long_ids, TOKENS, on_token=lambda token: order.append("long") if "long" not in order else None)
        short = batcher.submit(short_ids, 3)
        short.future.add_done_callback(lambda _: order.append("short"))
        result, chunks = first.future.result(120), batcher.stats().prefill_chunks
    assert order[:2] == ["short", "long"], order
    assert chunks == -(-len(long_ids) // 64) and chunks >= 4
    assert result.output_tokens == alone and result.text == llm.generate_ids(long_ids, max_new_tokens=TOKENS).text


def test_a_request_cancelled_while_its_prompt_is_prefilled_in_chunks_stops_there(llm) -> None:
    """The rest of an abandoned long prompt is not prefilled: its future is cancelled after the chunk it was in."""
    ids = llm.prompt_ids(LONG * 3)
    with ContinuousBatcher(llm, prefill_chunk_tokens=32, prefix_cache_entries=0) as batcher:
        handle = batcher.submit(ids, TOKENS)
        while batcher.stats().prefill_chunks == 0:
            threading.Event().wait(0.01)
        handle.cancel()
        with pytest.raises(CancelledError):
            handle.future.result(120)
        done = batcher.stats().prefill_chunks
    assert done < -(-len(ids) // 32), (done, len(ids))
