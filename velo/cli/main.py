"""The `velo` command: one typer app, one sub-app per capability."""

from __future__ import annotations

import os

import typer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a hub look-up without network hangs ~74 s; opt in with HF_HUB_OFFLINE=0

from velo.cli.cache import cache_app  # noqa: E402
import velo.cli.cache_score  # noqa: E402,F401 (registers `velo cache score` on cache_app)
from velo.cli.curves import curves  # noqa: E402
from velo.cli.data import data_app  # noqa: E402
from velo.cli.demo import demo  # noqa: E402
from velo.cli.evaluate import evaluate  # noqa: E402
from velo.cli.serve import serve_app  # noqa: E402
from velo.cli.shard import shard_app  # noqa: E402
from velo.cli.once import OnceGroup  # noqa: E402
from velo.cli.train import train  # noqa: E402
from velo.cli.up import ask, up  # noqa: E402

app = typer.Typer(cls=OnceGroup, no_args_is_help=True, add_completion=False, help="VELO: LLM serving at the network edge.")
app.add_typer(data_app, name="data")
app.add_typer(cache_app, name="cache")
app.command("demo")(demo)
app.command("evaluate")(evaluate)
app.command("train")(train)
app.command("curves")(curves)
app.add_typer(shard_app, name="shard")
app.add_typer(serve_app, name="serve")
app.command("up")(up)
app.command("ask")(ask)


def main() -> None:
    """The `velo` entry point (and `python -m velo`); tests invoke `app` itself, whose help keeps typer's width."""
    from velo.cli.console import widen_piped_help

    widen_piped_help()
    app()
