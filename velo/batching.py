"""Opportunistic batching of concurrent async calls: requests that arrive while a batch runs form the next one.

An edge server's decision path (embed, Milvus search, hit features) costs less per request in a batch: one
embedder call and one search call serve many requests (USE embeds 16 short questions for ~1/4 of the CPU time
per question of single calls; a Milvus search call has a fixed cost per call). `OpportunisticBatcher` wraps a
function of a list, `fn(items) -> results`, run in a worker thread, and lets many coroutines call it one item
at a time:

* no timer: a request that finds the worker idle starts a batch of one at once, so a lone client pays no
  waiting; requests arriving while a batch runs wait for it and go together in the next (up to `max_batch`).
  Batch sizes therefore grow with load by themselves (the policy of Triton's dynamic batcher with zero
  queue delay, and of vLLM's scheduler between steps);
* one batch at a time, in arrival order: `fn` never runs concurrently with itself (a Milvus client or an
  embedder that is not thread-safe needs no lock of its own);
* errors stay with their request: if `fn` raises for a batch, each item is retried alone, so one bad item
  fails only its own caller (with `fn`'s exception).

Shapes: `fn(items: list[T]) -> list[R]` with `len(results) == len(items)`, in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class OpportunisticBatcher(Generic[T, R]):
    def __init__(self, fn: Callable[[list[T]], Sequence[R]], max_batch: int = 16) -> None:
        if not isinstance(max_batch, int) or max_batch < 1:
            raise ValueError(f"max_batch must be an integer >= 1, got {max_batch!r}")
        self.fn, self.max_batch = fn, max_batch
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._running = False
        self.batches = 0
        self.items = 0

    @property
    def mean_batch(self) -> float:
        """Mean items per call of `fn` so far."""
        return self.items / self.batches if self.batches else 0.0

    async def __call__(self, item: T) -> R:
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[: self.max_batch], self._queue[self.max_batch :]
                batch = [(item, fut) for item, fut in batch if not fut.cancelled()]
                if batch:
                    await self._run([item for item, _ in batch], [fut for _, fut in batch])
        finally:
            self._running = False

    async def _run(self, items: list[T], futures: list[asyncio.Future[R]]) -> None:
        self.batches += 1
        self.items += len(items)
        try:
            results = await asyncio.to_thread(self.fn, items)
            if len(results) != len(items):
                raise RuntimeError(f"batched function returned {len(results)} results for {len(items)} items")
        except Exception as error:
            if len(items) == 1:
                _settle(futures[0], error=error)
                return
            for item, future in zip(items, futures):  # find the culprit: each item alone
                await self._run([item], [future])
            return
        for future, result in zip(futures, results):
            _settle(future, result=result)


def _settle(future: asyncio.Future, result: object = None, error: BaseException | None = None) -> None:
    if future.done():  # the caller was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
