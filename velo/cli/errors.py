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
            _stderr.print(f"[bold red]error:[/] {escape(_one_line(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _one_line(exc: BaseException) -> str:
    """The message of `exc`; for a pydantic ValidationError (a command's settings, e.g. `velo shard serve --shards
    15:0`) each error as "--field: message" instead of pydantic's multi-line dump with its documentation URL."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return str(exc)
    return "; ".join(
        f"--{'.'.join(map(str, e['loc'])).replace('_', '-')}: {e['msg'].removeprefix('Value error, ')}" if e["loc"] else e["msg"]
        for e in exc.errors()
    )
