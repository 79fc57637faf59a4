"""A request's time budget, passed down: the gateway tells each edge how long it will still wait, and every call an edge
or the gateway makes to an upstream comes out of that one budget.

| header | sent by | value | read by |
|---|---|---|---|
| `x-velo-timeout-ms` | the gateway on each call to an edge; the SDK (`velo.Client`) with its `timeout` | milliseconds the caller still waits for this response, counted from when it sent it | the edge, the gateway |
| `x-stainless-timeout` | the official OpenAI / Anthropic SDKs for Node (the request's timeout) | seconds | the gateway |
| `x-stainless-read-timeout` | the official `openai` Python client (its read timeout, which bounds the wait for the response to start) | seconds | the gateway |

A relative time, not a clock time: the gateway's and an edge's clocks need not agree (gRPC's `grpc-timeout` and Envoy's
`x-envoy-expected-rq-timeout-ms` carry the time left the same way). `x-velo-timeout-ms` that is no positive integer
is refused (400 `invalid_value` naming it: `budget_ms`); the SDKs' headers are hints, a value that is no positive
finite number ignored (the Node SDK sends `"0"` for a timeout under 1 s), the receiver's own `timeout_s` still bounding
it. The OpenAI API itself has no request field for a time budget.

A timeout marks an upstream down (`services/cooldown.py`) only within the service's own full bound for it: a budget a
client lowered (`Deadline.cut`, passed down to the edges as `x-velo-timeout-cut: 1`) fails its own request when it
runs out, and marks nothing down: a client's 1 ms says nothing of the upstreams.

An LLM of VELO's own refuses at once what it cannot begin within its caller's time (504 `deadline_exceeded`:
`services.llm.PastDeadline`, from the least prefill time of the prompt, `velo.llm.prefill_time`), so the time goes to
the next fallback whole rather than running out on a call that could not end in it; the edge and the gateway tell the
cloud service its time in `x-velo-timeout-ms` for that (`timeout_header`).

The budget covers a whole answer, or a stream until it starts (its first event: after that each piece may take up to
`timeout_s`, as before). Who spends it:
- the gateway's `timeout_s`, lowered by a client's header, is the budget of one client request, all its attempts,
  retries, back-off and the direct cloud together (`services.gateway_routing.Router`; gRPC's retry design A6 keeps
  retries within the call's deadline the same way);
- a call that is followed by a fallback gets at most `FALLBACK_SHARE` of what is left, so the fallback still has the
  rest: the gateway's call to an edge when another edge or its own cloud could still answer, and an edge's call to its
  cloud, whose fallback is the edge's own LLM (`services.edge_serving.EdgeServer`).

    deadline = Deadline.within(4.0)           # 4 s from now
    deadline.for_call(fallback_after=True)    # -> 2.0 (s): this call's bound
    deadline.header(2.0)                      # -> {"x-velo-timeout-ms": "2000"}
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from services.llm import UpstreamError
from velo.sdk import TIMEOUT_HEADER
from velo.wire import APIError

T = TypeVar("T")

CLIENT_TIMEOUT_HEADERS: tuple[tuple[str, float], ...] = ((TIMEOUT_HEADER, 0.001), ("x-stainless-timeout", 1.0), ("x-stainless-read-timeout", 1.0))
"""The headers a client states its budget in, and each one's unit in seconds."""
CUT_HEADER = "x-velo-timeout-cut"
"""Sent `1` by the gateway with `x-velo-timeout-ms` when a client's budget lowered its own: the edge's timeouts within it
mark nothing down (`Deadline.cut`)."""
FALLBACK_SHARE = 0.5
"""The most of the time left that a call with a fallback after it may take: half, so a hung upstream leaves the
fallback as much time as it took (with the gateway's 120 s: an edge gets 60 s when the gateway has a cloud of its own,
the edge's cloud 30 s of those, the edge's LLM the rest)."""

SPENT_SLACK_S = 0.005
"""What may be left of a budget a timeout has used up: uvloop's timers count in whole milliseconds and fire up to one
early (a 503 for a client's spent 30 ms budget had found 0.4 ms left)."""


def budget_ms(headers: Mapping[str, str]) -> float | None:
    """The seconds `x-velo-timeout-ms` states; None when absent. APIError 400 `invalid_value` naming the header when it
    is no positive integer of milliseconds (0, -5, "abc", "1.5"): a budget the caller meant and the service would
    otherwise silently replace with its own."""
    raw = headers.get(TIMEOUT_HEADER)
    if raw is None:
        return None
    text = raw.strip()
    if not (text.isascii() and text.isdigit()) or int(text) <= 0:
        raise APIError(400, f"{TIMEOUT_HEADER} must be a positive integer of milliseconds (the time the caller still waits), got {raw[:40]!r}",
                       code="invalid_value", param=TIMEOUT_HEADER)
    return int(text) / 1000.0


def header_seconds(headers: Mapping[str, str], name: str, unit_s: float) -> float | None:
    """The positive finite budget `headers[name]` states, in seconds; None when absent or no such number
    (`x-velo-timeout-ms`: `budget_ms`, which refuses one)."""
    if name == TIMEOUT_HEADER:
        return budget_ms(headers)
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw) * unit_s
    except ValueError:
        return None
    return value if math.isfinite(value) and value > 0 else None


def caller_budget(headers: Mapping[str, str]) -> float | None:
    """The seconds a caller states it waits (the smallest of `CLIENT_TIMEOUT_HEADERS`), None when it states none.
    APIError 400: `budget_ms`."""
    stated = [s for name, unit_s in CLIENT_TIMEOUT_HEADERS if (s := header_seconds(headers, name, unit_s)) is not None]
    return min(stated) if stated else None


class Deadline:
    """The moment (`clock()` time) by which a request must be answered; `clock` is `time.monotonic` unless a test steps it.
    `cut`: a client's budget made it sooner than the service's own bound, so a call that runs out of it fails this
    request only and marks no upstream down (`services/cooldown.py`)."""

    def __init__(self, at: float, clock: Callable[[], float] = time.monotonic, cut: bool = False) -> None:
        self.at, self.clock, self.cut = at, clock, cut
        self.budget_s = at - clock()
        """The seconds the budget held when it was made (for the log line of what ran it out)."""

    @classmethod
    def within(cls, seconds: float, clock: Callable[[], float] = time.monotonic, cut: bool = False) -> Deadline:
        return cls(clock() + seconds, clock, cut)

    @classmethod
    def of_client(cls, headers: Mapping[str, str], ceiling_s: float) -> Deadline:
        """The gateway's deadline for a client request: its `timeout_s` (`ceiling_s`) from now, or sooner when the client
        stated a smaller budget (`CLIENT_TIMEOUT_HEADERS`, the smallest of them: then `cut`). APIError 400: `budget_ms`."""
        stated = caller_budget(headers)
        seconds = ceiling_s if stated is None else min(ceiling_s, stated)
        return cls.within(seconds, cut=seconds < ceiling_s)

    @classmethod
    def of_caller(cls, headers: Mapping[str, str]) -> Deadline | None:
        """An edge's deadline from its caller's `x-velo-timeout-ms` (`cut` when `x-velo-timeout-cut` is `1`); None
        without one (the edge's own `timeout_s` bounds it). APIError 400: `budget_ms`."""
        seconds = budget_ms(headers)
        return None if seconds is None else cls.within(seconds, cut=headers.get(CUT_HEADER) == "1")

    def left(self) -> float:
        """Seconds until the deadline (negative once past)."""
        return self.at - self.clock()

    def cut_line(self, who: str, waited_s: float) -> str:
        """The log line of an upstream `who` that gave no answer in the `waited_s` seconds a client's cut budget left it:
        which upstream hung, for how long, and that nothing is marked down for it (`services/cooldown.py`)."""
        return (f"{who} gave no answer within {waited_s:.3g} s, what the client's budget of {self.budget_s:.3g} s left it "
                "(x-velo-timeout-ms or the SDK's timeout): not marked down, a slow or hung upstream alike")

    def spent(self) -> bool:
        """Whether the budget has run out: at most `SPENT_SLACK_S` left (a timer set to it may fire that early)."""
        return self.left() <= SPENT_SLACK_S

    def for_call(self, fallback_after: bool, ceiling_s: float | None = None) -> float:
        """The seconds one upstream call may take now: what is left, `FALLBACK_SHARE` of it when a fallback must still fit
        after the call, at most `ceiling_s`; 0 when nothing is left."""
        left = max(0.0, self.left())
        bound = left * FALLBACK_SHARE if fallback_after else left
        return bound if ceiling_s is None else min(bound, ceiling_s)

    def header(self, seconds: float) -> dict[str, str]:
        """`x-velo-timeout-ms` for a call bounded by `seconds` (`timeout_header`), and `x-velo-timeout-cut` when `cut`."""
        return timeout_header(seconds) | ({CUT_HEADER: "1"} if self.cut else {})


def timeout_header(seconds: float) -> dict[str, str]:
    """`x-velo-timeout-ms` for a call its caller waits `seconds` for (at least 1 ms)."""
    return {TIMEOUT_HEADER: str(max(1, int(seconds * 1000)))}


async def bounded(call: Awaitable[T], seconds: float, who: str) -> T:
    """`await call` within `seconds`; else it is cancelled (its connection closed) and UpstreamError `timed_out` names
    `who`: a SIGSTOPped upstream accepts the connection and says nothing, which only a bound on the whole call ends."""
    try:
        async with asyncio.timeout(seconds):
            return await call
    except TimeoutError:
        raise UpstreamError(f"{who} gave no answer within {seconds:.3g} s", timed_out=True) from None
