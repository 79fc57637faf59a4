"""Upstreams that stopped answering are skipped for a while, then tried again with one request: the gateway's edges
and its direct cloud, an edge's cloud. One `Cooldown` per kind of upstream (`target`), holding each one's state:

| state | a request | leaves it |
|---|---|---|
| up | calls it | `failed(dead=True)`: down for `down_for_s` |
| down, cooling | does not call it (counted in `velo_upstream_skips_total{target}` when it would have): the caller's fallback answers | the cool-down ends: half-open |
| half-open | the first caller is let through, a trial; the others are still skipped | the trial's `answered` (up), `failed` (down again), `released` (no verdict: the next caller tries); a health probe before any caller comes is the trial: answering (`probed_up`: up), or not (`probed_down`: cooling again) |

A health probe during the cool-down changes nothing (`probed_down`, `probed_up`): the trial comes when `/healthz`'s
`next_trial_in_s` said, however often a monitor polls it.

"Dead" is a call that got no answer: refused or reset connections, or no answer within its time (a SIGSTOPped process
accepts connections and says nothing). A 5xx or another error status is an answer: counted and answered elsewhere
per request, never skipped (it costs no waiting). A timeout alone does not tell a hung upstream from a slow one, or
from a caller that gave it little time, so `failed` takes a `recheck` (the health probe, `GET /v1/models` within
`services.health.PROBE_S`): when that answers, the mark is lifted and the next request calls it again.

Logged once per change (through `services/repeats.py`, which collapses a failure repeated on every request): the
failure, and "answers again" (`recovered()`) on the first answer after any failure. `velo_upstreams_down{target}`
counts the ones marked down now (cooling or half-open); a scrape of `/metrics` first probes the half-open ones with no
trial out (`probe_due`: the probe is their trial), so one that recovered while no request or `/healthz` came is not
counted, and one still down is (it had been counted for good once recovered, until traffic came). Both are in
`services/metrics.py`.

    clouds = Cooldown("cloud", 30.0, metrics, log, "answering with the edge LLM meanwhile")
    if (why := clouds.skipped(url)) is None:   # may call it (up, or this request is the trial)
        ...call it...; clouds.answered(url)    # or clouds.failed(url, problem, dead=True) / clouds.released(url)
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from services.metrics import ServiceMetrics
from services.repeats import recovered


@dataclass
class _Mark:
    why: str
    since: float
    until: float
    trial: bool = False
    """A request was let through to try it and has not said how it went."""


class Cooldown:
    """The down marks of one kind of upstream (see the module docstring). `meanwhile`: what the caller does instead, for
    the log ("answering with the edge LLM meanwhile"); `clock` is `time.monotonic` unless a test steps time itself."""

    def __init__(self, target: str, down_for_s: float, metrics: ServiceMetrics, log: logging.Logger, meanwhile: str,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not down_for_s >= 0:
            raise ValueError(f"down_for_s must be >= 0, got {down_for_s}")
        self.target, self.down_for_s, self.metrics, self.log, self.meanwhile, self.clock = target, down_for_s, metrics, log, meanwhile, clock
        self._marks: dict[str, _Mark] = {}
        self._failing: set[str] = set()
        self._rechecks: set[asyncio.Task] = set()
        metrics.upstream_skips.labels(target)
        metrics.upstreams_down.labels(target).set(0)

    def is_down(self, name: str) -> bool:
        return name in self._marks

    def skipping(self, name: str) -> bool:
        """Whether requests skip `name` now: marked down and cooling, or half-open with its trial out. Not once its
        cool-down is over and no trial is out (the next request calls it: `/healthz` says "up", as a probe can tell),
        nor when it is up. Neither counts nor claims a trial (`skipped` does)."""
        mark = self._marks.get(name)
        return mark is not None and (mark.trial or self.clock() < mark.until)

    def skipped(self, name: str) -> str | None:
        """None when a request may call `name` now: it is up, or its cool-down is over and no trial is out (this caller's
        call is the trial: report it with `answered`, `failed` or `released`). Else why it is skipped, for a message;
        the caller counts the request with `count_skip` if it routes it around (a cache hit would not have called it)."""
        mark = self._marks.get(name)
        if mark is None:
            return None
        now = self.clock()
        if now >= mark.until and not mark.trial:
            mark.trial = True
            return None
        return self._describe(name, mark, now)

    def count_skip(self) -> None:
        """A request that would have called a skipped upstream was answered (or refused) without it."""
        self.metrics.upstream_skips.labels(self.target).inc()

    def note(self, name: str) -> str | None:
        """Why `name` is skipped now (as `skipped` says it), without counting or claiming a trial; None when it is up."""
        mark = self._marks.get(name)
        return None if mark is None else self._describe(name, mark, self.clock())

    def report(self, name: str) -> dict | None:
        """What `/healthz` says of `name` while it is marked down, None while it is up: `state` "cooling down" (requests
        skip it for `next_trial_in_s` more seconds), "trial due" (the cool-down is over: the next request that would
        call it does) or "trial out" (a request is calling it now; `next_trial_in_s` None); `why` (what its failure
        said), `down_since_s` (seconds since it gave no answer) and `down_for_s`."""
        mark = self._marks.get(name)
        if mark is None:
            return None
        now = self.clock()
        state = "trial out" if mark.trial else "cooling down" if now < mark.until else "trial due"
        return {"state": state, "why": mark.why, "down_since_s": round(now - mark.since, 1), "down_for_s": self.down_for_s,
                "next_trial_in_s": None if mark.trial else round(max(0.0, mark.until - now), 1)}

    def next_trial_in(self, name: str) -> float | None:
        """Seconds until a request may call `name` again (0 when it may now: up, or its trial is due); None while a
        trial request is out (it decides, at no known time)."""
        mark = self._marks.get(name)
        if mark is None:
            return 0.0
        return None if mark.trial else max(0.0, mark.until - self.clock())

    def due(self, name: str) -> bool:
        """Whether `name`'s trial is due: marked down, its cool-down over and no trial request out (the next request, or
        a health probe, tries it)."""
        mark = self._marks.get(name)
        return mark is not None and not mark.trial and self.clock() >= mark.until

    async def probe_due(self, probes: Mapping[str, Callable[[], Awaitable[str | None]]]) -> None:
        """Probe at once each upstream of `probes` whose trial is due (`due`; a probe returns None when it answers, else
        why not) and take its answer as the trial (`probed_up` / `probed_down`): what `/metrics` runs before it renders,
        so `velo_upstreams_down` is true at scrape time without a request or a `/healthz` to try the upstream. No I/O
        when nothing is due: an upstream cooling down, up, or with a trial request out is not probed."""
        due = [name for name in probes if self.due(name)]
        found = await asyncio.gather(*(probes[name]() for name in due))
        for name, problem in zip(due, found):
            self.probed(name, problem)

    def probed(self, name: str, problem: str | None) -> None:
        """What a health probe of `name` found: None, it answers (`probed_up`), else why not (`probed_down`)."""
        if problem is None:
            self.probed_up(name)
        else:
            self.probed_down(name, problem)

    def _describe(self, name: str, mark: _Mark, now: float) -> str:
        then = "a trial request is out" if mark.trial else f"tried again in {max(0.0, mark.until - now):.1f} s"
        return f"the {self.target} {name} is skipped: no answer {now - mark.since:.1f} s ago ({mark.why}); {then}"

    def probed_down(self, name: str, why: str) -> None:
        """A health probe found `name` down: marked down as a dead call marks it. Already marked: within its cool-down
        nothing changes (its trial stays when `report` announced it); once the cool-down is over (trial due, or a trial
        request out) the probe is a failed trial, as `probed_up` makes one that answers a passed one: the next trial is
        `down_for_s` from now, quietly, and a trial request that is out stays the only one (it may still answer: up).
        Each failing probe had set the cool-down from itself (svc42 item 3): a monitor polling `/healthz` more often than
        `down_for_s` read `next_trial_in_s` at `down_for_s` on every poll, and no request ever tried the upstream again."""
        mark = self._marks.get(name)
        now = self.clock()
        if mark is None:
            self.failed(name, f"health probe: {why}", dead=True)
        elif now >= mark.until:
            mark.until = now + self.down_for_s

    def probed_up(self, name: str) -> None:
        """A health probe found `name` answering. When its cool-down is over and no trial request is out ("trial due":
        the next request would call it), the probe was its trial: up, as `answered` (its "answers again" line). While it
        cools down, or a trial request is out, nothing changes: the probe's `GET /v1/models` says nothing of its chat
        completions during the cool-down a failed call set (svc40 item 2), and the request out decides. An upstream no
        request needs had stayed "trial due" in `/healthz`'s `cooldowns` for good after it recovered (svc41 finding 2:
        the gateway's second edge while its nearest answered, its cloud while edges answered)."""
        mark = self._marks.get(name)
        if mark is not None and not mark.trial and self.clock() >= mark.until:
            self.answered(name)

    def failed(self, name: str, why: str, *, dead: bool, recheck: Callable[[], Awaitable[str | None]] | None = None) -> None:
        """A call to `name` failed. `dead` (no answer at all): marked down for `down_for_s` (again, for a trial); with
        `recheck` (a probe returning None when it answers), the probe runs at once in the background and lifts the mark
        if it answers. Not `dead` (it answered an error): not skipped, a mark is lifted (it is reachable)."""
        self._failing.add(name)
        if not dead:
            self._marks.pop(name, None)
            self.log.warning("%s %s failed, %s: %s", self.target, name, self.meanwhile, why)
            self._count()
            return
        now = self.clock()
        mark = self._marks[name] = _Mark(why, now, now + self.down_for_s)
        self.log.warning("%s %s does not answer (%s): skipped for %g s, %s, then tried with one request", self.target, name, why,
                         self.down_for_s, self.meanwhile)
        self._count()
        if recheck is not None:
            task = asyncio.get_running_loop().create_task(self._recheck(name, mark, recheck))
            self._rechecks.add(task)  # held until done: the loop keeps only weak references to tasks
            task.add_done_callback(self._rechecks.discard)

    async def _recheck(self, name: str, mark: _Mark, probe: Callable[[], Awaitable[str | None]]) -> None:
        problem = await probe()
        if problem is None and self._marks.get(name) is mark:
            del self._marks[name]
            self._count()
            self.log.warning("%s %s answers its health probe after that: slow, not down; called again", self.target, name)

    def answered(self, name: str) -> None:
        """A call to `name` got its answer (or a refusal of the request: it answers): up; the end of a failure is logged once."""
        self._marks.pop(name, None)
        self._count()
        if name in self._failing:
            self._failing.discard(name)
            self.log.warning("%s %s answers again", self.target, name, extra=recovered())

    def released(self, name: str) -> None:
        """A trial that ended without a verdict (the client left, the request's own fault, no cloud action chosen): the
        next caller tries instead."""
        mark = self._marks.get(name)
        if mark is not None:
            mark.trial = False

    def _count(self) -> None:
        self.metrics.upstreams_down.labels(self.target).set(len(self._marks))

    async def aclose(self) -> None:
        for task in list(self._rechecks):
            task.cancel()
