"""Documented device and network settings, and the planner profile they give a measured layer profile.

Speeds are relative to this machine's CPU (2 cores, no GPU, where the layer profile is measured): a
device of speed s runs a layer in (measured ms) / s. They are assumptions chosen to span the range
the EdgeShard paper (arXiv 2405.14371) covers, from a weak board to a cloud GPU, not measurements:

| device      | kind  | speed | memory          | stands for                                         |
|-------------|-------|-------|-----------------|----------------------------------------------------|
| edge-weak   | edge  | 0.5x  | 1 GiB / 384 MiB | the user's device (source): a small ARM board/phone |
| edge-mid    | edge  | 1x    | 1 GiB           | a laptop-class CPU like this machine               |
| edge-strong | edge  | 2x    | 2 GiB           | an edge box with a small accelerator               |
| cloud-gpu   | cloud | 20x   | 24 GiB          | a cloud server with one 24 GB GPU                  |

The 384 MiB source cannot hold SmolLM2-135M in float32 (~540 MB), so Edge-Solo is out of memory in
that cluster, but it can hold half the layers (Cloud-Edge-Even still runs).

Networks: edge-edge links are a 1 Gbit/s or a 100 Mbit/s LAN; edge-cloud links 1, 10, 50 or
100 Mbit/s (every edge device reaches the cloud at the same rate). Links are symmetric.

The layer profile (`velo/profiles/smollm2_layers.json`, format: `velo/edgeshard/layer_profile.py`)
gives, per decoder layer, parameter bytes, prefill and decode milliseconds on this machine and the
bytes of the hidden states it hands on. Two readings of it here:

* the last layer's output does not travel as hidden states: the last stage returns the next token's id
  (the shard runtime's `result.token`, logits only if asked), so its `activation_bytes`, which the
  planner uses only for the return to the source, is `RESULT_BYTES`;
* memory: layer 0 includes the embedding matrix and the last layer the (tied) LM head, so a placement's
  memory counts that matrix at both ends, as the shard runtime stores it; only a device holding the
  whole model would store it once (~540 MB instead of ~650 MB for SmolLM2-135M), which changes no
  Edge-Solo verdict against 1 GiB or 384 MiB;
* the profile's per-shard overhead (rotary embeddings, causal mask; `shard_overhead_ms`) is not a layer
  cost and is left out: the planner's cost model has no per-stage term (the benchmark prints its size).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from velo.edgeshard.layer_profile import LayerCost, LayerProfile
from velo.edgeshard.profile import Profile, parse_profile

Phase = Literal["prefill", "decode"]
PHASES: tuple[Phase, ...] = ("prefill", "decode")
MiB = 2**20
GiB = 2**30
Mbit = 1e6
RESULT_BYTES = 4
"""What the last stage sends back to the source per step: the next token's id (int32)."""


@dataclass(frozen=True)
class DeviceSpec:
    name: str
    speed: float
    """Relative to this machine's CPU: compute_ms on the device = measured ms / speed."""
    memory_bytes: int
    kind: Literal["edge", "cloud"] = "edge"


@dataclass(frozen=True)
class Cluster:
    name: str
    source: str
    devices: tuple[DeviceSpec, ...]


@dataclass(frozen=True)
class Network:
    edge_edge_bits_per_s: float
    edge_cloud_bits_per_s: float

    @property
    def label(self) -> str:
        return f"LAN {rate_label(self.edge_edge_bits_per_s)}, cloud {rate_label(self.edge_cloud_bits_per_s)}"


def rate_label(bits_per_s: float) -> str:
    return f"{bits_per_s / 1e9:g} Gbit/s" if bits_per_s >= 1e9 else f"{bits_per_s / 1e6:g} Mbit/s"


def _cluster(name: str, source_memory: int) -> Cluster:
    return Cluster(
        name=name,
        source="edge-weak",
        devices=(
            DeviceSpec("edge-weak", 0.5, source_memory),
            DeviceSpec("edge-mid", 1.0, 1 * GiB),
            DeviceSpec("edge-strong", 2.0, 2 * GiB),
            DeviceSpec("cloud-gpu", 20.0, 24 * GiB, kind="cloud"),
        ),
    )


CLUSTERS: tuple[Cluster, ...] = (_cluster("source 1 GiB", 1 * GiB), _cluster("source 384 MiB", 384 * MiB))
LAN_BITS_PER_S: tuple[float, ...] = (1000 * Mbit, 100 * Mbit)
CLOUD_BITS_PER_S: tuple[float, ...] = (1 * Mbit, 10 * Mbit, 50 * Mbit, 100 * Mbit)
NETWORKS: tuple[Network, ...] = tuple(Network(lan, cloud) for lan in LAN_BITS_PER_S for cloud in CLOUD_BITS_PER_S)


def read_layer_profile(path: Path | str) -> LayerProfile:
    """The measured layer profile at `path`; ValueError naming the file if it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
        return LayerProfile(**{**data, "layers": tuple(LayerCost(**layer) for layer in data["layers"])})
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None
    except (KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not a layer profile ({exc}); format: velo/edgeshard/layer_profile.py") from None


def build_profile(layers: LayerProfile, cluster: Cluster, network: Network, phase: Phase) -> Profile:
    """The planner profile of `layers` on `cluster` over `network`, for one inference phase."""
    names = [d.name for d in cluster.devices]
    bandwidth: dict[str, dict[str, float]] = {}
    for i, a in enumerate(cluster.devices):
        for b in cluster.devices[i + 1 :]:
            edge_edge = a.kind == "edge" and b.kind == "edge"
            bits = network.edge_edge_bits_per_s if edge_edge else network.edge_cloud_bits_per_s
            bandwidth.setdefault(a.name, {})[b.name] = bits / 8
    return parse_profile(
        {
            "source": cluster.source,
            "devices": [{"name": d.name, "memory_bytes": d.memory_bytes, "kind": d.kind} for d in cluster.devices],
            "layers": [
                {
                    "memory_bytes": layer.memory_bytes,
                    "activation_bytes": RESULT_BYTES if last else getattr(layer, f"activation_bytes_{phase}"),
                    "compute_ms": {d.name: getattr(layer, f"{phase}_ms") / d.speed for d in cluster.devices},
                }
                for layer, last in zip(layers.layers, [False] * (len(layers.layers) - 1) + [True])
            ],
            "bandwidth_bytes_per_s": bandwidth,
        },
        where=f"{cluster.name}, {network.label}, {phase} ({', '.join(names)})",
    )
