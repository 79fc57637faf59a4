"""`--cache-min-score`, the CACHE floor of the action mask, as `velo train` and `velo evaluate` take it (None when left
out: the command then takes `velo.policy.CACHE_MIN_SCORE`, imported inside it, since `velo.policy` imports numpy and
the CLI's start-up imports neither)."""

from __future__ import annotations

from typing import Annotated

import typer


def _in_unit_interval(value: float | None) -> float | None:
    """A hit-rule score in [0, 1] (NaN refused too: click's range check lets it through)."""
    if value is not None and not 0.0 <= value <= 1.0:
        raise typer.BadParameter(f"a hit-rule score in [0, 1] (0: CACHE whenever there is a neighbour), got {value}")
    return value


CacheMinScore = Annotated[float | None, typer.Option(
    "--cache-min-score", callback=_in_unit_interval, show_default=False,
    help="CACHE is in the action mask only when the hit rule scores the best neighbour at least this, in [0, 1] (0: "
         "whenever there is one; velo.policy.cache_servable, as the edge server's VELO_EDGE_CACHE_MIN_SCORE). A "
         "checkpoint records the floor it was trained under and is judged and served under that one only. Default: "
         "velo.policy.CACHE_MIN_SCORE (0.5), the edge server's default.")]
