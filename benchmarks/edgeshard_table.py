"""EdgeShard vs its baselines on SmolLM2-135M, paper-style (Zhang et al., 2024, arXiv 2405.14371, Table IV).

Reads the per-layer profile measured on this machine (`velo/profiles/smollm2_layers.json`), turns it
into planner profiles for the documented clusters and networks of `velo/edgeshard/devices.py`
(compute = measured ms / device speed), and prints one markdown table per cluster and phase (prefill
of the profile's prompt, one decode step):

* rows: Edge-Solo (all on the source), Cloud-Edge-Even (first half on the source, rest on the cloud),
  Cloud-Edge-Opt (best split between source and cloud), EdgeShard (all devices) for each LAN speed,
  and EdgeShard's gain over the best baseline;
* columns: latency (ms) and pipeline throughput (per s) for each edge-cloud bandwidth.

Latency columns use each optimizing method's latency plan, throughput columns its throughput plan.
The baselines use no edge-edge link, so they do not depend on the LAN. "OOM": no placement of that
method fits the devices' memory.

    python benchmarks/edgeshard_table.py [--layers velo/profiles/smollm2_layers.json]

Exits with status 2 if the layer profile is missing or malformed.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from velo.edgeshard.devices import (  # noqa: E402
    CLOUD_BITS_PER_S,
    CLUSTERS,
    LAN_BITS_PER_S,
    PHASES,
    Cluster,
    LayerProfile,
    Network,
    Phase,
    rate_label,
    build_profile,
    read_layer_profile,
)
from velo.edgeshard.planner import (  # noqa: E402
    InfeasibleProfileError,
    Plan,
    cloud_edge_even,
    cloud_edge_opt,
    edge_solo,
    plan,
    shards,
)

DEFAULT_LAYERS = REPO_ROOT / "velo" / "profiles" / "smollm2_layers.json"
BASELINES = ("Edge-Solo", "Cloud-Edge-Even", "Cloud-Edge-Opt")


def _try(make) -> Plan | None:
    try:
        return make()
    except InfeasibleProfileError:
        return None


def _cells(layers: LayerProfile, cluster: Cluster, lan: float, cloud: float, phase: Phase) -> dict[str, tuple[Plan | None, Plan | None]]:
    """Method -> (plan judged on latency, plan judged on throughput)."""
    profile = build_profile(layers, cluster, Network(lan, cloud), phase)
    solo, even = _try(lambda: edge_solo(profile)), _try(lambda: cloud_edge_even(profile))
    return {
        "Edge-Solo": (solo, solo),
        "Cloud-Edge-Even": (even, even),
        "Cloud-Edge-Opt": (_try(lambda: cloud_edge_opt(profile, "latency")), _try(lambda: cloud_edge_opt(profile, "throughput"))),
        "EdgeShard": (_try(lambda: plan(profile, "latency")), _try(lambda: plan(profile, "throughput"))),
    }


def _lat(p: Plan | None) -> str:
    return "OOM" if p is None else f"{p.latency_ms:.1f}"


def _thr(p: Plan | None) -> str:
    return "OOM" if p is None else ("inf" if math.isinf(p.throughput_per_s) else f"{p.throughput_per_s:.2f}")


def _gain(ours: Plan | None, theirs: list[Plan | None], latency: bool) -> str:
    feasible = [p for p in theirs if p is not None]
    if ours is None or not feasible:
        return "n/a"
    if latency:
        return f"{min(p.latency_ms for p in feasible) / ours.latency_ms:.2f}x"
    return f"{ours.throughput_per_s / max(p.throughput_per_s for p in feasible):.2f}x"


def _placement(p: Plan | None) -> str:
    return "OOM" if p is None else " | ".join(f"{s.device} {s.start}-{s.stop - 1}" for s in shards(p.assignment))


def table(layers: LayerProfile, cluster: Cluster, phase: Phase) -> str:
    what = f"prefill of a {layers.prompt_tokens}-token prompt" if phase == "prefill" else "one decode step"
    grid = {(lan, cloud): _cells(layers, cluster, lan, cloud, phase) for lan in LAN_BITS_PER_S for cloud in CLOUD_BITS_PER_S}
    head = ["method"] + [f"{h} @ cloud {rate_label(c)}" for c in CLOUD_BITS_PER_S for h in ("latency ms", "thr/s")]
    lines = [f"### {layers.model}, {what}; cluster: {cluster.name}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lan0 = LAN_BITS_PER_S[0]
    for name in BASELINES:
        row = [name] + [f(grid[lan0, c][name][k]) for c in CLOUD_BITS_PER_S for k, f in ((0, _lat), (1, _thr))]
        lines.append("| " + " | ".join(row) + " |")
    for lan in LAN_BITS_PER_S:
        row = [f"EdgeShard (LAN {rate_label(lan)})"]
        row += [f(grid[lan, c]["EdgeShard"][k]) for c in CLOUD_BITS_PER_S for k, f in ((0, _lat), (1, _thr))]
        lines.append("| " + " | ".join(row) + " |")
    for lan in LAN_BITS_PER_S:
        row = [f"EdgeShard / best baseline (LAN {rate_label(lan)})"]
        for c in CLOUD_BITS_PER_S:
            cell = grid[lan, c]
            for k in (0, 1):
                row.append(_gain(cell["EdgeShard"][k], [cell[b][k] for b in BASELINES], latency=k == 0))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"EdgeShard placements (layers per device, LAN {rate_label(lan0)}):", ""]
    for c in CLOUD_BITS_PER_S:
        lat_plan, thr_plan = grid[lan0, c]["EdgeShard"]
        lines.append(f"* cloud {rate_label(c)}: latency: {_placement(lat_plan)}; throughput: {_placement(thr_plan)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=Path, default=DEFAULT_LAYERS, help="per-layer profile JSON")
    args = parser.parse_args(argv)
    if not args.layers.exists():
        print(
            f"error: {args.layers} not found: it is the per-layer profile of SmolLM2-135M measured on this machine;"
            " write it first (format: velo/edgeshard/devices.py)",
            file=sys.stderr,
        )
        return 2
    try:
        layers = read_layer_profile(args.layers)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    devices = "; ".join(
        f"{c.name}: " + ", ".join(f"{d.name} {d.speed:g}x {d.memory_bytes / 2**20:.0f} MiB" for d in c.devices) for c in CLUSTERS
    )
    memory = sum(layer.memory_bytes for layer in layers.layers)
    print(f"# EdgeShard on {layers.model}: {len(layers.layers)} layers, {memory / 1e6:.0f} MB (tied head counted at both ends)\n")
    print(
        f"Measured on this machine ({layers.threads} torch thread(s), {layers.measured_at}): prefill"
        f" {layers.prefill_ms:.1f} ms, decode {layers.decode_ms:.1f} ms per step over all layers; per-shard overhead"
        f" (not modeled) prefill {layers.shard_overhead_ms.get('prefill', 0):.2f} ms, decode"
        f" {layers.shard_overhead_ms.get('decode', 0):.2f} ms.\n"
    )
    print(f"Devices (speed relative to this machine's CPU; source edge-weak): {devices}.\n")
    if layers.prompt_tokens != 128:
        print(f"Note: the layer profile was measured with a {layers.prompt_tokens}-token prompt, not 128.\n")
    for cluster in CLUSTERS:
        for phase in PHASES:
            print(table(layers, cluster, phase) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
