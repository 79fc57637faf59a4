"""The consoles every command prints through: a terminal gets Rich's usual layout; a pipe or a file gets lines
that are never wrapped, so `velo ... | grep` and scripts that parse the output see each line whole.

Rich lays out for 80 columns when its output is not a terminal, so a table was squeezed and a long line
("wrote ... to <path>") broken in two as soon as stdout was piped. Here a console whose file is not a terminal
(and with no COLUMNS in the environment, which Rich honours as the user's choice) does not soft-wrap text and lays
tables out for `PIPED_WIDTH` columns: a table takes only the width its cells need (`expand` is off), so this only
stops the squeezing. Full-width decorations (`section`) stay at `RULE_WIDTH` (wider for a title that needs it:
never cut), typer's help boxes at `PIPED_HELP_WIDTH` (`widen_piped_help`), and a table cell's excerpt of a long
text is cut only in a terminal (`excerpt`).
"""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

PIPED_HELP_WIDTH = 120
"""Columns of typer's help boxes when the output is not a terminal (`widen_piped_help`)."""
PIPED_WIDTH = 1000
"""Columns a table may take when the output is not a terminal (no table of ours comes near it)."""
RULE_WIDTH = 100
_RULE_ENDS = 4
"""Columns a `Rule` adds around a centred title ("─ " and " ─"); a title with fewer columns left is cut with "…"."""


def make_console(stderr: bool = False) -> Console:
    """A console on stdout (or stderr) that wraps nothing when that stream is not a terminal."""
    probe = Console(stderr=stderr, emoji=False)  # ":x:" in a message or a question is text ("--rule static:x:" printed "static❌")
    if probe.is_terminal or "COLUMNS" in os.environ:
        return probe
    return Console(stderr=stderr, width=PIPED_WIDTH, soft_wrap=True, emoji=False)


def widen_piped_help() -> None:
    """Lay typer's help and error boxes out for `PIPED_HELP_WIDTH` columns when stdout is not a terminal.

    Typer draws them with Rich, which assumes 80 columns on a pipe: `velo train --help | less` squeezed each option's
    help into a column of 14 characters. Typer takes its width from `TERMINAL_WIDTH`, read once when it first renders
    (typer.rich_utils), so the command's entry point sets it before running; a `TERMINAL_WIDTH` or `COLUMNS` the
    user set wins. Panels fill their width, so a pipe gets a bounded width, not `PIPED_WIDTH`."""
    if not sys.stdout.isatty() and "TERMINAL_WIDTH" not in os.environ and "COLUMNS" not in os.environ:
        os.environ["TERMINAL_WIDTH"] = str(PIPED_HELP_WIDTH)


def section(console: Console, title: str) -> None:
    """A titled horizontal rule, `RULE_WIDTH` columns wide (a piped console's width would draw 1000), or as wide as its
    title needs: the title is never cut. Rich's `Rule` cuts a title wider than itself with "…", and `velo demo | cat`
    printed "... a multilingual workload thr…" for its 111-column section 5. In a terminal narrower than the title, the
    title is printed under an untitled rule, wrapped."""
    needed = console.render_str(title).cell_len + _RULE_ENDS
    width = min(console.width, max(RULE_WIDTH, needed))
    if needed > width:
        console.print(Rule(), width=width)
        console.print(title)
    else:
        console.print(Rule(title), width=width)


def excerpt(console: Console, text: str, chars: int) -> Text:
    """`text` for a table cell: in a terminal its first `chars` characters, with "…" when cut, so the table fits the
    screen; on a pipe (or a file) whole, as every line there. Plain text: brackets in an answer are not read as markup."""
    if console.is_terminal and len(text) > chars:
        text = text[: chars - 1] + "…"
    return Text(text)
