"""`services.coalesce.Coalescer` on a real event loop: identical requests in flight share one call; the first requester's
cancellation neither cancels the call the others wait on nor hangs them; a failed call is not handed to the others, who
each run alone (their wait counted from their arrival), nor to a later request, unless it is the request's own fault
(`shared_failure`), which every one gets from the one call; a call no one waits for any longer is cancelled. The edge's
use of it, against real servers: tests/services/stack/test_coalescing.py."""

from __future__ import annotations

import asyncio
import time

import pytest

from services.coalesce import NOT_THE_ANSWER, Coalescer, coalescing_key, requests_fault
from services.llm import UpstreamError
from services.http import RetryLater
from velo.wire import APIError, ServeRequest


class Upstream:
    """Counts its calls; each waits for `release`, then answers with its number, or fails if its number is in `failing`."""

    def __init__(self, failing: frozenset[int] = frozenset(), failure: Exception | None = None) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.failing = failing
        self.failure = failure or RuntimeError("upstream failed")

    async def answer(self) -> str:
        self.calls += 1
        n = self.calls
        await self.release.wait()
        if n in self.failing:
            raise self.failure
        return f"answer {n}"


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_identical_requests_share_one_call_and_a_cancelled_first_requester_leaves_the_others_served() -> None:
    async def scenario() -> None:
        flights, upstream = Coalescer[str](), Upstream()
        first = asyncio.create_task(flights.run("k", upstream.answer))
        await _settle()
        others = [asyncio.create_task(flights.run("k", upstream.answer)) for _ in range(3)]
        other_key = asyncio.create_task(flights.run("other", upstream.answer))
        await _settle()
        first.cancel()  # its client went away
        await _settle()
        upstream.release.set()
        assert await asyncio.wait_for(asyncio.gather(*others), 5) == [("answer 1", True)] * 3
        assert await asyncio.wait_for(other_key, 5) == ("answer 2", False)
        assert first.cancelled() and upstream.calls == 2 and len(flights) == 0
        assert await flights.run("k", upstream.answer) == ("answer 3", False)  # a flight ends with its call: a new one after

    asyncio.run(scenario())


def test_a_call_no_one_waits_for_is_cancelled_and_no_one_joins_it() -> None:
    async def scenario() -> None:
        flights, upstream = Coalescer[str](), Upstream()
        waiting = [asyncio.create_task(flights.run("k", upstream.answer)) for _ in range(2)]
        await _settle()
        shared = next(iter(flights._flights.values())).task
        for task in waiting:
            task.cancel()
        await _settle()
        assert shared.cancelled() and len(flights) == 0
        upstream.release.set()
        assert await asyncio.wait_for(flights.run("k", upstream.answer), 5) == ("answer 2", False)

    asyncio.run(scenario())


def test_a_failed_call_fails_its_first_requester_only_and_the_others_run_alone() -> None:
    async def scenario() -> None:
        flights, upstream = Coalescer[str](), Upstream(failing=frozenset({1}))  # a transient failure: the next calls are answered
        first = asyncio.create_task(flights.run("k", upstream.answer))
        await _settle()
        others = [asyncio.create_task(flights.run("k", upstream.answer)) for _ in range(2)]
        await _settle()
        upstream.release.set()
        with pytest.raises(RuntimeError, match="upstream failed"):
            await asyncio.wait_for(first, 5)
        got = await asyncio.wait_for(asyncio.gather(*others), 5)
        assert sorted(got) == [("answer 2", False), ("answer 3", False)] and upstream.calls == 3 and len(flights) == 0

    asyncio.run(scenario())


def test_a_follower_that_runs_alone_after_a_failure_counts_its_whole_wait() -> None:
    """As the edge does: each request's work counts from its own arrival, so a follower's time holds the failed flight's
    (brk finding 4: its latency_ms counted only its own run)."""
    async def scenario() -> None:
        flights, upstream = Coalescer[str](), Upstream(failing=frozenset({1}))

        async def request() -> float:
            arrived = time.perf_counter()

            async def work() -> float:
                await upstream.answer()
                return time.perf_counter() - arrived

            return (await flights.run("k", work))[0]

        first = asyncio.create_task(request())
        await _settle()
        follower = asyncio.create_task(request())
        await asyncio.sleep(0.2)  # the flight runs 0.2 s, then fails
        upstream.release.set()
        with pytest.raises(RuntimeError):
            await first
        assert await asyncio.wait_for(follower, 5) >= 0.2 and upstream.calls == 2

    asyncio.run(scenario())


def test_a_failure_that_is_the_requests_own_fault_is_handed_to_every_follower_from_one_call() -> None:
    async def scenario() -> None:
        refusal = APIError(400, "the cloud LLM refused the request: max_tokens is at most 1024 here", code="invalid_value", param="max_tokens")
        flights, upstream = Coalescer[str](shared_failure=requests_fault), Upstream(failing=frozenset({1}), failure=refusal)
        first = asyncio.create_task(flights.run("k", upstream.answer))
        await _settle()
        others = [asyncio.create_task(flights.run("k", upstream.answer)) for _ in range(3)]
        await _settle()
        upstream.release.set()
        got = await asyncio.wait_for(asyncio.gather(first, *others, return_exceptions=True), 5)
        assert all(err is refusal for err in got) and upstream.calls == 1 and len(flights) == 0

    asyncio.run(scenario())


def test_only_a_refusal_of_the_request_itself_is_its_own_fault() -> None:
    """The edge's rule (`services.llm.refused_request`): 400 / 413 / 422 are the request's; an upstream's state (502, 503,
    429, 408) or its configuration (401, 403, 404) is not, nor is an exception that is not an answer."""
    assert all(requests_fault(APIError(status, "x")) for status in (400, 413, 422))
    assert not any(requests_fault(APIError(status, "x")) for status in (401, 403, 404, 408, 429, 500, 502))
    assert not requests_fault(RetryLater(503, "cache down", "cache_unavailable", 5))
    assert not requests_fault(UpstreamError("unreachable")) and not requests_fault(RuntimeError("x"))


def test_the_key_is_every_field_but_the_clients_identifiers_and_streams_and_draws_have_none() -> None:
    ask = {"messages": [{"role": "user", "content": "Why is the sky blue?"}], "max_tokens": 8}
    key = coalescing_key(ServeRequest(**ask))
    assert key is not None and key == coalescing_key(ServeRequest(**ask, user="a", safety_identifier="s", prompt_cache_key="p"))
    for other in ({"namespace": "team-a"}, {"lang": "en"}, {"max_tokens": 9}, {"stop": ["."]}, {"cloud_allowed": False},
                  {"temperature": 0.0}, {"seed": 1}):
        assert coalescing_key(ServeRequest(**{**ask, **other})) not in (None, key), other
    assert coalescing_key(ServeRequest(**ask, stream=True)) is None
    assert coalescing_key(ServeRequest(**ask, temperature=0.7)) is None and coalescing_key(ServeRequest(**ask, top_p=0.9)) is None
    assert NOT_THE_ANSWER < set(ServeRequest.model_fields)
