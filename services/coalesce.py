"""In-flight coalescing ("singleflight", after Go's `golang.org/x/sync/singleflight`) of identical requests.

N identical requests that arrive while the first is being answered share its answer: one lookup, one upstream call,
N responses. Without it, N identical concurrent misses of the cache made N upstream calls (each missed, none was
written back yet). The edge server (`services/edge.py`) keys its whole (non-streaming) `/v1/serve` answers by
`coalescing_key`.

What makes it safe:
- The shared work runs in a task of its own, not in the first requester's: a requester that is cancelled (its client
  gone, its handler cancelled) leaves the others waiting on an answer that goes on; the work is cancelled only when no
  requester waits for it any longer, and is then taken out of the table first, so no one joins a cancelled flight.
- A flight leaves the table as it ends, whatever its end: a failure is never handed to a later request.
- A failed flight is not shared either: its first requester gets its failure, as it would alone, and each of the others
  runs its request once on its own, uncoalesced (so at most N upstream calls, as without coalescing, and a transient
  failure of one call fails one request). A refusal of the request itself (a 400) is then met again by each, cheaply.

    flights = Coalescer()
    answer, joined = await flights.run(key, lambda: serve(request))   # joined: another request's answer was shared
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from services.llm import sampling_params
from velo.wire import ServeRequest

T = TypeVar("T")

NOT_THE_ANSWER = frozenset({"user", "safety_identifier", "prompt_cache_key", "stream"})
"""`ServeRequest` fields left out of `coalescing_key`: the client's identifiers change no answer (the cloud's upstream is
sent the first requester's only), and a stream is never coalesced. Every other field is in the key, so a field added
later splits flights rather than merging requests it tells apart."""


def coalescing_key(req: ServeRequest) -> str | None:
    """The key under which identical requests share one answer: the request's fields but `NOT_THE_ANSWER`, as canonical
    JSON (namespace, messages, lang, max_tokens, stop, cloud_allowed, sampling ...). None for a request that is never
    coalesced: a stream (its text is relayed as it is generated, and a follower would have to join mid-answer) and a
    sampled request (each is one draw of many: two clients asking `temperature: 1` expect two draws)."""
    if req.stream or not sampling_params(req.temperature, req.top_p, req.seed).greedy:
        return None
    return json.dumps(req.model_dump(exclude=set(NOT_THE_ANSWER)), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class _Flight(Generic[T]):
    task: asyncio.Task[T]
    waiters: int = 0


class Coalescer(Generic[T]):
    """The flights in progress of one event loop, by key (touched only on the loop: no lock needed, no await between
    a look-up and an insert)."""

    def __init__(self) -> None:
        self._flights: dict[str, _Flight[T]] = {}

    def __len__(self) -> int:
        return len(self._flights)

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """`work()`'s result, shared with every request of the same `key` that arrives while it runs; and whether this
        request joined another's flight (False for the first, and for a follower that ran alone after the flight failed)."""
        flight = self._flights.get(key)
        joined = flight is not None
        if flight is None:
            flight = _Flight(asyncio.get_running_loop().create_task(_call(work)))
            self._flights[key] = flight
            flight.task.add_done_callback(lambda _, f=flight: self._land(key, f))
        flight.waiters += 1
        try:
            result = await asyncio.shield(flight.task)
        except asyncio.CancelledError:
            flight.waiters -= 1
            current = asyncio.current_task()
            if current is not None and current.cancelling():  # this request was cancelled, not the flight
                if flight.waiters == 0 and not flight.task.done():
                    self._land(key, flight)
                    flight.task.cancel()
                raise
            if not joined:  # the flight was cancelled under its first requester (a shutdown): as it would be alone
                raise
            return await work(), False
        except Exception:
            flight.waiters -= 1
            if not joined:
                raise
            return await work(), False
        flight.waiters -= 1
        return result, joined

    def _land(self, key: str, flight: _Flight[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()
