"""Options that take a comma-separated list (`--policies`, `--scenario`, `--languages`), read by one rule."""

from __future__ import annotations

from collections.abc import Callable

import typer

from velo.repeated import first_repeat


def comma_entries(text: str, option: str, same: Callable[[str], str] | None = None) -> list[str]:
    """The entries of a comma-separated option, stripped; BadParameter naming `option` and the entry for an empty
    entry anywhere, first, between two names or last. One rule for every empty entry: `--policies random,,oracle` had
    dropped a name left out (nc17 finding 18), and then `random,` ran while `""` alone was refused (nc19 finding 9);
    `--languages en,,de` had been read as en,de.

    An entry given twice is a BadParameter too, naming it and both places; `same` maps an entry to what it names when two
    spellings name one thing (`pt` and `pt-BR` are one language). `--scenario paper,paper` had run paper once, silently
    (svc42 item 2): a typo for another name looks the same as a repeat, so neither is guessed at."""
    entries = [entry.strip() for entry in text.split(",")]
    if (empty := next((i for i, entry in enumerate(entries, 1) if not entry), None)) is not None:
        raise typer.BadParameter(f"{option}: entry {empty} of {text!r} is empty; give one or more names separated by single commas")
    named = entries if same is None else [same(entry) for entry in entries]
    if (repeat := first_repeat(named)) is not None:
        first, i = repeat
        entry = entries[i]
        again = f"{entry!r} is given twice" if entries[first] == entry else f"{entries[first]!r} and {entry!r} both name {named[i]!r}"
        raise typer.BadParameter(f"{option}: {again} in {text!r} (entries {first + 1} and {i + 1}); give each once")
    return entries
