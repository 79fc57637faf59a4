"""Long builds shown on stderr (`velo.progress.Steps`): every command that may build a request bank (`velo evaluate`,
`velo train`, `velo cache calibrate --bank-split`, `velo cache eval --bank-split`, `velo demo`) shows it this one way.

In a terminal, each stage is a live bar with its count, elapsed and remaining time; on a pipe or in a log file (no
live bar there) a line every `LINE_EVERY_S` seconds says how far it got and about how long is left, and one when the
stage ends. Both go to stderr, so stdout keeps the command's output (`--json` stays one JSON document).

    with console_steps(make_console(stderr=True)) as steps:
        env = velo_edge_v0.parallel_env(..., steps=steps)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from velo.progress import duration

LINE_EVERY_S = 30.0
"""Seconds between two progress lines on a console that is no terminal."""


class ConsoleSteps:
    """`velo.progress.Steps` on a Rich console (see the module docstring); `clock` is `time.monotonic` unless a test
    steps time itself. `close` ends the stage that runs."""

    def __init__(self, console: Console, every_s: float = LINE_EVERY_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.console, self.every_s, self.clock = console, every_s, clock
        self._bar: Progress | None = None
        self._what: str | None = None
        self._total = self._done = 0
        self._started = self._said = 0.0

    def note(self, text: str) -> None:
        self.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def start(self, what: str, total: int) -> None:
        self.close()
        self._what, self._total, self._done = what, total, 0
        self._started = self._said = self.clock()
        if self.console.is_terminal:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                 TimeRemainingColumn(), console=self.console)
            self._bar.start()
            self._bar.add_task(what, total=total)
        else:
            self.note(f"{what}: 0 of {total:,}")

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._bar is not None:
            self._bar.advance(self._bar.task_ids[0], n)
        elif self._what is not None and self.clock() - self._said >= self.every_s:
            self._line()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        elif self._what is not None:
            self._line()  # where the stage ended (all of it, or as far as it got before an error)
        self._what = None

    def _line(self) -> None:
        now = self.clock()
        elapsed, self._said = now - self._started, now
        left = f", about {duration(elapsed * (self._total - self._done) / self._done)} left" if 0 < self._done < self._total else ""
        share = f" ({100 * self._done / self._total:.0f} %)" if self._total else ""
        self.note(f"{self._what}: {self._done:,} of {self._total:,}{share} in {duration(elapsed)}{left}")


@contextmanager
def console_steps(console: Console) -> Iterator[ConsoleSteps]:
    """A `ConsoleSteps` on `console` whose running stage ends with the block, however it ends (a live bar stopped)."""
    steps = ConsoleSteps(console)
    try:
        yield steps
    finally:
        steps.close()
