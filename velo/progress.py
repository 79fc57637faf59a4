"""How a long build tells its user what it does: one protocol the builders report to and the CLI shows.

A first `velo evaluate` printed nothing for the 42 minutes its test-split request bank took to build (svc42 item 1).
A builder that may take minutes (`envs.bank.build_bank`) takes a `Steps` and says, through it, what it builds, why,
about how long it takes and where it keeps it (`note`), then each stage's progress (`start`, `advance`). The builder
knows nothing of terminals: `velo.cli.progress.console_steps` shows it on stderr (a live bar in a terminal, a line
every half minute on a pipe or in a log), so stdout stays the command's output (`--json` included). Library callers
that pass nothing get `QUIET`.
"""

from __future__ import annotations

from typing import Protocol


class Steps(Protocol):
    """Where a long build reports. `note(text)`: a sentence for the user (what, why, how long, where). `start(what,
    total)`: a stage of `total` units (texts, pairs) begins; `advance(n)`: `n` more of its units are done."""

    def note(self, text: str) -> None: ...

    def start(self, what: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _Quiet:
    """Reports nowhere: what a builder uses when its caller gave no `Steps`."""

    def note(self, text: str) -> None:
        pass

    def start(self, what: str, total: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


QUIET: Steps = _Quiet()


def duration(seconds: float) -> str:
    """`seconds` as a person reads a wait: "40 s", "12 min", "2 h 35 min"."""
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60} min"
