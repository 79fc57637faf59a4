"""A file option given twice is refused naming it: click keeps the last path and drops the others without a word.

`velo cache eval --seeds s.jsonl --queries a.jsonl --queries b.jsonl` replayed only b's queries and reported on them as
if they were all (nc42 finding M1); `--seeds`, `--data`, `--out`, `--plots` alike: a file or directory named twice is
one the user meant to be read or written, and one of them would not be. Every `velo` sub-app is a `OnceGroup`: before a
command's context is made, its arguments are read with the command's own parser, and an option whose value is a path
met twice is a usage error. A setting given twice (`--episodes 5 ... --episodes 10`, `--rule`, `--policies`) keeps
click's rule, the last one wins: the way a shell alias or a script's default arguments are overridden. Options that
take many values (`multiple=True`: `velo data prepare --source`, the gateway's `--edge`) check their own repeats
(`velo.cli.comma_list`); an argument list the parser refuses (an unknown option) is left for click to refuse.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption


def is_path_option(option: object) -> bool:
    """Whether `option` is a typer option of one value whose type is a path (`Path` or `Path | None`)."""
    annotation = getattr(getattr(option, "type_descriptor", None), "annotation", None)
    return isinstance(option, TyperOption) and not option.multiple and annotation is Path


def repeated_paths(command: TyperCommand, ctx: typer.Context, args: list[str]) -> list[TyperOption]:
    """The path options of `command` (`is_path_option`) that occur more than once in `args` (its own arguments, as its
    group passes them), in the order first met; [] when the parser refuses `args` (click reports that itself, as
    before). Typer carries its own copy of click, so the classes are typer's."""
    try:
        _, _, order = command.make_parser(ctx).parse_args(args=list(args))
    except Exception:  # noqa: BLE001 (an unknown option, a missing value: the command's own parse reports it)
        return []
    met = Counter(p for p in order if is_path_option(p))
    return [p for p in dict.fromkeys(order) if met.get(p, 0) > 1]


class OnceGroup(TyperGroup):
    """A typer group whose commands refuse a path option given twice (module docstring)."""

    def resolve_command(self, ctx: typer.Context, args: list[str]):  # noqa: ANN201 (click's own tuple)
        name, command, rest = super().resolve_command(ctx, args)
        if isinstance(command, TyperCommand) and (twice := repeated_paths(command, ctx, rest)):
            names = ", ".join(p.opts[0] for p in twice)
            raise typer.BadParameter(
                f"{names} given more than once: it names one file or directory, and all but the last would be "
                "ignored; give it once"
            )
        return name, command, rest
