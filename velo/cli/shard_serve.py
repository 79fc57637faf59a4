"""`velo shard serve`: the sharded SmolLM2 behind an OpenAI-compatible completion endpoint."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from velo.cli.errors import fail_cleanly
from velo.cli.model_dir import ModelDirOpt, check_model_dir


class Objective(str, Enum):
    latency = "latency"
    throughput = "throughput"


@fail_cleanly
def serve(
    shards: Annotated[
        str | None, typer.Option(help="Contiguous layer ranges, one worker process each, e.g. 0:15,15:30 (the default).")
    ] = None,
    plan: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="A plan JSON with an 'assignment' (device per layer), as `velo shard plan --json` prints.")
    ] = None,
    profile: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="A planner profile (velo/edgeshard/profile.py): plan it now and serve that placement.")
    ] = None,
    objective: Annotated[Objective, typer.Option(help="What --profile is planned for.")] = Objective.latency,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8100,
    threads: Annotated[int, typer.Option(help="torch threads per worker.")] = 1,
    model_dir: ModelDirOpt = None,
) -> None:
    """Serve /v1/completions and /v1/chat/completions from SmolLM2 split layer-wise over worker processes.

    Each shard (a contiguous layer range, or each device's layers in a plan) runs in its own process; the
    hidden states flow from worker to worker over loopback TCP. Greedy by default (temperature 0); temperature, top_p and seed are honoured.
    """
    import uvicorn

    from services.edgeshard import ShardServerSettings, build_app
    from services.http import write_request_log

    check_model_dir(model_dir)
    chosen = [name for name, value in (("--shards", shards), ("--plan", plan), ("--profile", profile)) if value is not None]
    if len(chosen) > 1:
        raise typer.BadParameter(f"give one of --shards, --plan, --profile, not {' and '.join(chosen)}")
    ranges = shards or "0:15,15:30"
    if plan is not None:
        ranges = _ranges_of(_assignment_in(plan))
    elif profile is not None:
        from velo.edgeshard.planner import plan as find_plan
        from velo.edgeshard.profile import load_profile

        ranges = _ranges_of(list(find_plan(load_profile(profile), objective.value).assignment))
    settings = ShardServerSettings(shards=ranges, threads=threads, model_dir=model_dir)
    _check_against_model(settings)
    typer.echo(f"serving {settings.model_name} as shards {settings.shards} on http://{host}:{port}/v1 (starting workers...)", err=True)
    write_request_log()  # uvicorn's "info" configures its own loggers only, not the request log's
    uvicorn.run(build_app(settings), host=host, port=port, log_level="info")


def _assignment_in(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ValueError(f"{path}: not valid JSON ({err})") from None
    assignment = data.get("assignment") if isinstance(data, dict) else None
    if not isinstance(assignment, list) or not assignment or not all(isinstance(d, str) for d in assignment):
        raise ValueError(f"{path}: needs an 'assignment', a list with the device name of each layer (as `velo shard plan --json` prints)")
    return assignment


def _ranges_of(assignment: list[str]) -> str:
    from velo.edgeshard.runtime import ranges_from_assignment

    return ",".join(f"{a}:{b}" for a, b in ranges_from_assignment(assignment))


def _check_against_model(settings) -> None:  # noqa: ANN001
    """Fail before uvicorn starts if the ranges do not fit a model that is already converted."""
    from velo.edgeshard.runtime import as_ranges, check_ranges
    from velo.llm.local import default_cache_dir

    config = (settings.model_dir or default_cache_dir()) / "config.json"
    if config.is_file():
        check_ranges(as_ranges(settings.shards), int(json.loads(config.read_text())["num_hidden_layers"]))
