"""One way for every command to fail on bad input: a one-line message and exit code 2, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.markup import escape

from velo.cli.console import make_console

F = TypeVar("F", bound=Callable)
_stderr = make_console(stderr=True)

# Errors that mean "the input or the environment is wrong", each subclass carrying a message that says what.
EXPECTED = (ValueError, OSError)


def fail_cleanly(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except typer.BadParameter:
            raise
        except EXPECTED as exc:
            _stderr.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
