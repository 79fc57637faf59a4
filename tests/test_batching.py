"""Opportunistic batching: a lone call runs at once, concurrent calls share batches, errors stay with their item."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from velo.batching import OpportunisticBatcher


class Recorder:
    """A batched function that records its batches and refuses negative numbers."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.batches: list[list[int]] = []
        self.delay_s = delay_s
        self.inside = 0
        self.max_inside = 0
        self.lock = threading.Lock()

    def __call__(self, items: list[int]) -> list[int]:
        with self.lock:
            self.inside += 1
            self.max_inside = max(self.max_inside, self.inside)
        try:
            self.batches.append(list(items))
            time.sleep(self.delay_s)
            if any(i < 0 for i in items):
                raise ValueError(f"negative item in {items}")
            return [2 * i for i in items]
        finally:
            with self.lock:
                self.inside -= 1


def test_a_lone_call_is_not_delayed_and_concurrent_calls_share_batches() -> None:
    fn = Recorder(delay_s=0.05)

    async def main() -> list[int]:
        batcher = OpportunisticBatcher(fn, max_batch=4)
        assert await batcher(1) == 2
        assert fn.batches == [[1]]
        results = await asyncio.gather(*(batcher(i) for i in range(10)))
        assert batcher.mean_batch > 1.0
        return results

    assert asyncio.run(main()) == [2 * i for i in range(10)]
    assert fn.max_inside == 1  # never two batches at once
    assert all(len(b) <= 4 for b in fn.batches)
    assert sorted(i for b in fn.batches[1:] for i in b) == list(range(10))
    # the ten calls arrived in one event-loop turn: batches of at most 4, in arrival order
    assert fn.batches[1:] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]


def test_calls_arriving_while_a_batch_runs_form_the_next() -> None:
    fn = Recorder(delay_s=0.1)

    async def main() -> None:
        batcher = OpportunisticBatcher(fn, max_batch=16)
        first = asyncio.ensure_future(batcher(0))
        await asyncio.sleep(0.03)  # the batch [0] is running now
        later = [asyncio.ensure_future(batcher(i)) for i in (1, 2, 3)]
        assert await first == 0 and [await f for f in later] == [2, 4, 6]

    asyncio.run(main())
    assert fn.batches == [[0], [1, 2, 3]]


def test_one_bad_item_fails_only_its_caller() -> None:
    fn = Recorder(delay_s=0.02)

    async def main() -> list:
        batcher = OpportunisticBatcher(fn, max_batch=8)
        return await asyncio.gather(*(batcher(i) for i in (3, -1, 5, 7)), return_exceptions=True)

    results = asyncio.run(main())
    assert results[0] == 6 and results[2] == 10 and results[3] == 14
    assert isinstance(results[1], ValueError) and "negative item in [-1]" in str(results[1])


def test_bad_max_batch_and_wrong_result_count() -> None:
    with pytest.raises(ValueError, match="max_batch must be an integer >= 1"):
        OpportunisticBatcher(lambda items: items, max_batch=0)

    async def main() -> None:
        batcher = OpportunisticBatcher(lambda items: [], max_batch=2)
        with pytest.raises(RuntimeError, match="returned 0 results for 1 items"):
            await batcher(1)

    asyncio.run(main())
