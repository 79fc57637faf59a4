"""Options that take a comma-separated list (`--policies`, `--scenario`, `--languages`), read by one rule."""

from __future__ import annotations

import typer


def comma_entries(text: str, option: str) -> list[str]:
    """The entries of a comma-separated option, stripped; BadParameter naming `option` and the entry for an empty
    entry anywhere, first, between two names or last. One rule for every empty entry: `--policies random,,oracle` had
    dropped a name left out (nc17 finding 18), and then `random,` ran while `""` alone was refused (nc19 finding 9);
    `--languages en,,de` had been read as en,de."""
    entries = [entry.strip() for entry in text.split(",")]
    if (empty := next((i for i, entry in enumerate(entries, 1) if not entry), None)) is not None:
        raise typer.BadParameter(f"{option}: entry {empty} of {text!r} is empty; give one or more names separated by single commas")
    return entries
