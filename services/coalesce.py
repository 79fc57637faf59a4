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
- A failed flight's failure is shared only when it is the request's own fault (`shared_failure`; the edge's:
  `requests_fault`, a 4xx refusal of the body or prompt, such as the cloud's "max_tokens is at most 1024"), which each
  identical request would meet again: its followers get it too, and the upstream is asked once, not N times. Any other
  failure (the upstream down, timed out, rate-limited) fails its first requester only, as it would alone, and each of
  the others runs its request once on its own, uncoalesced (so at most N upstream calls, as without coalescing, and a
  transient failure of one call fails one request). Such a follower's `latency_ms` is its whole wait, the failed
  flight's time included (the edge counts from its arrival: brk finding 4 had it count only its own run).

What the upstream sees: only the first requester's request, with its `user` / `safety_identifier` (the fields the key
leaves out, `NOT_THE_ANSWER`); a follower's identifiers never reach it, as a cache hit's never do. They are in the edge's
request log, where a follower's line ends `coalesced=yes`.

    flights = Coalescer(shared_failure=requests_fault)
    answer, joined = await flights.run(key, lambda: serve(request))   # joined: another request's answer was shared
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from services.llm import refused_request, sampling_params
from velo.wire import APIError, ServeRequest

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


def requests_fault(err: Exception) -> bool:
    """Whether a failed flight's `err` is the request's own fault, met again by every identical request: an APIError whose
    status says the request itself is wrong (`services.llm.refused_request`: a 4xx but 401 / 403 / 404 / 405 / 407 /
    408 / 429), such as an upstream's refusal of its max_tokens or a prompt too long for the LLM."""
    return isinstance(err, APIError) and refused_request(err.status)


@dataclass
class _Flight(Generic[T]):
    task: asyncio.Task[T]
    waiters: int = 0


class Coalescer(Generic[T]):
    """The flights in progress of one event loop, by key (touched only on the loop: no lock needed, no await between
    a look-up and an insert)."""

    def __init__(self, shared_failure: Callable[[Exception], bool] = lambda err: False) -> None:
        self._flights: dict[str, _Flight[T]] = {}
        self.shared_failure = shared_failure
        """Which failures of a flight its followers get too (default: none; each then runs alone)."""

    def __len__(self) -> int:
        return len(self._flights)

    async def run(self, key: str, work: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """`work()`'s result, shared with every request of the same `key` that arrives while it runs; and whether this
        request joined another's flight (False for the first, and for a follower that ran alone after the flight failed).
        A failure of the flight is raised to its first requester, and to the others when `shared_failure` says so."""
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
        except Exception as err:
            flight.waiters -= 1
            if not joined or self.shared_failure(err):
                raise
            return await work(), False
        flight.waiters -= 1
        return result, joined

    def _land(self, key: str, flight: _Flight[T]) -> None:
        if self._flights.get(key) is flight:
            del self._flights[key]


async def _call(work: Callable[[], Awaitable[T]]) -> T:
    return await work()
