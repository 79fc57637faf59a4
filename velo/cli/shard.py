"""`velo shard ...`: place an LLM's layers over edge devices and the cloud (EdgeShard, arXiv 2405.14371)."""

from __future__ import annotations

import json
import math
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from velo.cli import json_out
from velo.cli.console import make_console
from velo.cli.errors import fail_cleanly
from velo.cli.once import OnceGroup
from velo.cli.outputs import check_output, output_path

shard_app = typer.Typer(cls=OnceGroup, no_args_is_help=True, help="Plan a layer-wise split of an LLM over edge devices and the cloud (EdgeShard).")
console = make_console()


class ObjectiveName(str, Enum):
    latency = "latency"
    throughput = "throughput"


def _wire(p) -> dict:
    """A plan as JSON; an infinite throughput (every stage and transfer takes 0 ms) becomes null."""
    throughput = None if math.isinf(p.throughput_per_s) else p.throughput_per_s
    return {"assignment": list(p.assignment), "latency_ms": p.latency_ms, "throughput_per_s": throughput}


def _summary(profile, p) -> None:
    from velo.edgeshard.planner import shards

    layers = profile.layers
    runs = shards(p.assignment)
    table = Table(title=f"{p.method} placement ({p.objective or 'fixed'}), source {profile.source}")
    for col in ("stage", "device", "layers", "memory used / available", "compute ms", "then sends ms"):
        table.add_column(col, justify="right")
    for k, run in enumerate(runs):
        used = sum(la.memory_bytes for la in layers[run.start : run.stop])
        compute = sum(la.compute_ms[run.device] for la in layers[run.start : run.stop])
        to = runs[k + 1].device if k + 1 < len(runs) else profile.source
        send = profile.transfer_ms(layers[run.stop - 1].activation_bytes, run.device, to)
        table.add_row(
            str(k),
            run.device,
            f"{run.start}-{run.stop - 1}",
            f"{used:,} / {profile.memory(run.device):,} B",
            f"{compute:.3f}",
            f"{send:.3f} -> {to}" if to != run.device else "-",
        )
    console.print(table)
    console.print(f"latency {p.latency_ms:.3f} ms, pipeline throughput {p.throughput_per_s:.3f} per s")


@shard_app.command("plan")
@fail_cleanly
def plan_cmd(
    profile: Annotated[
        Path, typer.Option(exists=True, dir_okay=False, help="Profile JSON: source, devices, layers, bandwidth_bytes_per_s (velo/edgeshard/profile.py).")
    ],
    objective: Annotated[
        ObjectiveName, typer.Option(help="latency: one request, sequential; throughput: pipelined requests.")
    ] = ObjectiveName.latency,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object: assignment, latency_ms, throughput_per_s.")] = False,
    compare: Annotated[
        bool, typer.Option("--compare", help="Also run the baselines Edge-Solo, Cloud-Edge-Even and Cloud-Edge-Opt.")
    ] = False,
) -> None:
    """Find the placement of PROFILE's layers with the lowest latency or the highest pipeline throughput."""
    from velo.edgeshard.planner import Plan, baselines, plan
    from velo.edgeshard.profile import load_profile

    prof = load_profile(profile)
    best = plan(prof, objective.value)
    others = baselines(prof, objective.value) if compare else {}
    if as_json:
        report = _wire(best)
        if compare:
            report["baselines"] = {k: _wire(v) if isinstance(v, Plan) else {"error": str(v)} for k, v in others.items()}
        print(json_out.dumps(report))
        return
    _summary(prof, best)
    if compare:
        table = Table(title=f"{best.method} vs the baselines ({objective.value})")
        for col in ("method", "latency ms", "throughput per s", "shards"):
            table.add_column(col, justify="right")
        for name, result in {**others, best.method: best}.items():
            if isinstance(result, Plan):
                runs = " | ".join(f"{s.device} {s.start}-{s.stop - 1}" for s in result.shards)
                table.add_row(name, f"{result.latency_ms:.3f}", f"{result.throughput_per_s:.3f}", runs)
            else:
                table.add_row(name, "-", "-", f"skipped: {result}")
        console.print(table)


@shard_app.command("edge-profile")
@fail_cleanly
def edge_profile_cmd(
    out: Annotated[Path, typer.Option(parser=output_path, help="Where to write the EDGE latency profile (JSON).")],
    cluster: Annotated[str, typer.Option(help="Device cluster from velo/edgeshard/devices.py.")] = "source 1 GiB",
    lan_mbit: Annotated[float, typer.Option(help="Edge-edge bandwidth, Mbit/s.")] = 1000.0,
    cloud_mbit: Annotated[float, typer.Option(help="Edge-cloud bandwidth, Mbit/s.")] = 10.0,
    layers: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help="Measured layer profile; default velo/profiles/smollm2_layers.json.")] = None,
) -> None:
    """Plan the local shard on a cluster and write the latency profile `velo evaluate --edge-profile` reads."""
    from dataclasses import asdict

    from velo.edgeshard.devices import CLUSTERS, Mbit, Network, read_layer_profile
    from velo.edgeshard.edge_profile import sharded_edge_profile
    from velo.edgeshard.layer_profile import DEFAULT_PROFILE

    check_output("--out", out, inputs={"--layers": layers})
    found = [c for c in CLUSTERS if c.name == cluster]
    if not found:
        raise typer.BadParameter(f"unknown cluster {cluster!r}; choose one of {', '.join(c.name for c in CLUSTERS)}")
    if lan_mbit <= 0 or cloud_mbit <= 0:
        raise typer.BadParameter("bandwidths must be > 0")
    profile, placements = sharded_edge_profile(
        read_layer_profile(layers or DEFAULT_PROFILE), found[0], Network(lan_mbit * Mbit, cloud_mbit * Mbit)
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**asdict(profile), "placements": placements}, indent=2) + "\n")
    console.print(
        f"prefill {profile.prefill_ms_per_token:.2f} ms/token, decode {profile.decode_ms_per_token:.1f} ms/token; "
        f"wrote {out}"
    )


from velo.cli.shard_serve import serve  # noqa: E402  (its own module: the server's imports stay out of `plan`)

shard_app.command("serve")(serve)
