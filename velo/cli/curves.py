"""`velo curves`: learning curves of `velo train` runs on the same axes (one PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from velo.cli.errors import fail_cleanly
from velo.cli.outputs import check_output, output_path


@fail_cleanly
def curves(
    runs: Annotated[list[str], typer.Argument(help="Training runs: DIR (labelled by its name) or LABEL=DIR.")],
    out: Annotated[Path, typer.Option(parser=output_path, help="The PNG to write (missing directories are created).")],
    smooth: Annotated[int, typer.Option(min=1, help="Moving average over this many rollouts.")] = 20,
    tag: Annotated[str, typer.Option(help="TensorBoard scalar to plot, e.g. reward/paper.")] = "train/reward",
) -> None:
    """Plot the training reward of each run against agent-steps on shared axes."""
    from agents.curves import plot_curves

    # a run's event files are its inputs (RUNS): an --out that is one would overwrite a training log
    logs = [f for run in runs for f in Path(run.rpartition("=")[2]).glob("tb/events.out.tfevents.*")]
    check_output("--out", out, inputs={"RUNS": logs})
    labelled: dict[str, Path] = {}
    for run in runs:
        label, _, path = run.rpartition("=")
        path_ = Path(path)
        label = label or path_.name
        if label in labelled:
            raise ValueError(f"two runs are labelled {label!r}: name them LABEL=DIR")
        if (twice := next((other for other, p in labelled.items() if p.resolve() == path_.resolve()), None)) is not None:
            raise ValueError(f"run {path} is given twice (as {twice!r} and {label!r}): its curve would be drawn twice; give each run once")
        labelled[label] = path_
    try:
        written = plot_curves(labelled, out, smooth, tag)
    except KeyError as exc:
        raise ValueError(exc.args[0]) from None
    typer.echo(f"wrote {written}")
