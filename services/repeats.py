"""One line per failure, not one per request: a logging filter that lets a failure's first record through and holds
back the identical ones that follow, then says how many it held back when the failure changes, recovers, or has gone on
for `remind_s`.

Why: with Milvus stopped, an edge server wrote 2,950 lines to stderr in 6 s (pymilvus logs each failed call with a
147-line traceback, `[ERROR][_log_rpc_error]`, and the edge retried every second, "the cache is still down" each time);
a cloud that is down put "cloud call failed" on every request. What matters in such a log is when it started, what it
was, when it changed and when it ended.

The rules, for records at WARNING and above (lower ones pass untouched):
- identical: the same logger, the same call (its `msg` before formatting) and the same text once formatted, with the
  same exception type and message if it carries one, durations aside (`4.2ms`, `2.0 s`: pymilvus writes each failed
  call's elapsed time);
- the first of a run is written as it is, its traceback included (once); the identical records after it are counted and
  dropped;
- a record of the same call with another text (the failure changed: another error, another edge) is written with the
  count of its predecessor appended: `[before: '...' repeated 41 more times]`;
- a record logged with `extra=recovered(...)` ("the cache is back") ends the runs of its own logger and of the loggers
  it names (their prefixes: `recovered("pymilvus")`) and is written with their counts;
- a run that goes on is written again every `remind_s` seconds, without its traceback, with its count since the last
  time: `[repeated 120 times in the last 300 s]`.

A record is judged once however many handlers it reaches (the decision is kept on the record). `install()` puts one
filter on a stderr handler of the root logger (the services' own loggers reach it; `velo.requests`, the request log,
does not propagate and is never filtered) and on the handlers of the loggers it is given (pymilvus writes through its
own handlers and does not propagate): `velo serve` calls it before a service starts.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from velo.plural import counted

REMIND_S = 300.0
"""A failure that goes on is written again this often (with its count): a log read an hour later still shows it going on."""
MAX_RUNS = 512
"""Calls remembered at once (the oldest is forgotten first): messages built with f-strings make a call of each text."""
_DECIDED = "velo_repeats_passed"
_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def recovered(*loggers: str) -> dict[str, object]:
    """`extra=` of a record that says a failure is over: `log.warning("the cache is back", extra=recovered("pymilvus"))`
    ends the runs of its own logger and of the loggers named (and their children)."""
    return {"velo_recovers": loggers}


@dataclass
class _Run:
    text: str
    logger: str
    held: int = 0
    """Identical records dropped since the run was last written."""
    written_at: float = 0.0
    same: str = ""
    """`_same(text)`, worked out once: every record of the call is compared with it."""


_DURATION = re.compile(r"\d+(?:\.\d+)?\s?(?:ms|s)\b")


def _same(text: str) -> str:
    """`text` with its durations blanked, for telling identical records apart: pymilvus ends every failed call's line
    with its elapsed time (`<elapsed:4.2ms>`), so no two were identical."""
    return _DURATION.sub("#", text)


def _text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        err = record.exc_info[1]
        text += f" | {type(err).__name__}: {err}"
    return text


def _short(text: str, limit: int = 160) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Repeats(logging.Filter):
    """The filter (see the module docstring); `clock` is `time.monotonic` unless a test steps time itself."""

    def __init__(self, remind_s: float = REMIND_S, clock: Callable[[], float] = time.monotonic, max_runs: int = MAX_RUNS) -> None:
        super().__init__()
        if not remind_s > 0 or max_runs < 1:
            raise ValueError(f"remind_s must be > 0 and max_runs >= 1, got {remind_s} and {max_runs}")
        self.remind_s, self.clock, self.max_runs = remind_s, clock, max_runs
        self._runs: OrderedDict[tuple[str, str], _Run] = OrderedDict()
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        decided = getattr(record, _DECIDED, None)
        if decided is not None:  # reached another handler with this filter: judged already
            return decided
        with self._lock:
            passed = self._judge(record)
        setattr(record, _DECIDED, passed)
        return passed

    def _judge(self, record: logging.LogRecord) -> bool:
        notes: list[str] = []
        recovers = getattr(record, "velo_recovers", None)
        if recovers is not None:
            notes += self._end(record.name, *recovers)
        elif record.levelno >= logging.WARNING:
            call, text, now = (record.name, _same(str(record.msg))), _text(record), self.clock()
            run, same = self._runs.get(call), _same(text)
            if run is not None and run.same == same:
                if now - run.written_at < self.remind_s:
                    run.held += 1
                    return False
                notes.append(f"repeated {counted(run.held, 'time')} in the last {now - run.written_at:.0f} s")
                record.exc_info, record.exc_text = None, None  # its traceback was written with the first
                run.held, run.written_at = 0, now
            else:
                if run is not None and run.held:
                    notes.append(f"before: {_short(run.text)!r} repeated {counted(run.held, 'more time')}")
                self._runs[call] = _Run(text, record.name, 0, now, same)
                self._runs.move_to_end(call)
                while len(self._runs) > self.max_runs:
                    self._runs.popitem(last=False)
        if notes:
            record.msg, record.args = f"{record.getMessage()} [{'; '.join(notes)}]", None
        return True

    def _end(self, *loggers: str) -> list[str]:
        """Forget the runs of `loggers` (and their children); what each held back since it was last written."""
        def ours(name: str) -> bool:
            return any(name == prefix or name.startswith(prefix + ".") for prefix in loggers)

        ended = [call for call, run in self._runs.items() if ours(run.logger)]
        notes = []
        for call in ended:
            run = self._runs.pop(call)
            if run.held:
                notes.append(f"{_short(run.text)!r} repeated {counted(run.held, 'more time')} until now")
        return notes


def install(loggers: Iterable[str] = (), remind_s: float = REMIND_S) -> Repeats:
    """One `Repeats` on a stderr handler of the root logger (added once, at WARNING) and on every handler of `loggers`
    and their children that exist now (import the package first: pymilvus adds its handlers when imported)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "velo_repeats", None) is not None), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.velo_repeats = Repeats(remind_s)  # type: ignore[attr-defined]
        handler.addFilter(handler.velo_repeats)  # type: ignore[attr-defined]
        root.addHandler(handler)
    repeats: Repeats = handler.velo_repeats  # type: ignore[attr-defined]
    names = tuple(loggers)
    for name in [n for n in list(logging.root.manager.loggerDict) if any(n == p or n.startswith(p + ".") for p in names)]:
        for each in getattr(logging.getLogger(name), "handlers", ()):
            if repeats not in each.filters:
                each.addFilter(repeats)
    return repeats
