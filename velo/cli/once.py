"""An option that takes one value, given twice, is refused naming it: click keeps the last and drops the others
without a word.

`velo cache eval --seeds s.jsonl --queries a.jsonl --queries b.jsonl` replayed only b's queries and reported on them as
if they were all (nc42 finding M1); `--rule R1 --rule R2`, `--out A --out B` alike. Every `velo` sub-app is a
`OnceGroup`: before a command's context is made, its arguments are read with the command's own parser and an option of
one value met twice (under any of its names: `--sweep --no-sweep` too) is a usage error. Options that take many values
(`multiple=True`) and counters are left as they are; an argument list the parser itself refuses (an unknown option)
is left for click to refuse as it always has.
"""

from __future__ import annotations

from collections import Counter

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption


def repeated_options(command: TyperCommand, ctx: typer.Context, args: list[str]) -> list[TyperOption]:
    """The options of `command` that take one value and occur more than once in `args` (its own arguments, as its
    group passes them), in the order first met; [] when the parser refuses `args` (click reports that itself, as
    before). Typer carries its own copy of click, so its classes are typer's."""
    try:
        _, _, order = command.make_parser(ctx).parse_args(args=list(args))
    except Exception:  # noqa: BLE001 (an unknown option, a missing value: the command's own parse reports it)
        return []
    met = Counter(p for p in order if isinstance(p, TyperOption) and not p.multiple and not p.count)
    return [p for p in dict.fromkeys(order) if met.get(p, 0) > 1]


class OnceGroup(TyperGroup):
    """A typer group whose commands refuse an option of one value given twice (module docstring)."""

    def resolve_command(self, ctx: typer.Context, args: list[str]):  # noqa: ANN201 (click's own tuple)
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, TyperCommand):
            if twice := repeated_options(command, ctx, rest):
                names = ", ".join("/".join(p.opts + p.secondary_opts) for p in twice)
                raise typer.BadParameter(
                    f"{names} given more than once: each takes one value and only the last would be used; give it once"
                )
        return name, command, rest
