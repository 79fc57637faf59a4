"""The edge LLM's latency profile as the environment should see it when the local shard runs EdgeShard.

The environment's EDGE action costs `prefill_ms_base + prefill_ms_per_token * prompt + decode_ms_per_token *
output` (`velo.latency.EdgeLLMProfile`). For a sharded model those numbers come from the latency-optimal
placements of the measured layer profile on a device cluster and network: the prefill plan for the
profile's prompt length (scaled per prompt token) and the plan for one decode step.
"""

from __future__ import annotations

from velo.edgeshard.devices import Cluster, Network, build_profile
from velo.edgeshard.layer_profile import LayerProfile
from velo.edgeshard.planner import plan
from velo.latency import EdgeLLMProfile


def sharded_edge_profile(layers: LayerProfile, cluster: Cluster, network: Network) -> tuple[EdgeLLMProfile, dict]:
    """The EDGE latency profile of the best placements, and the placements themselves (for the record)."""
    prefill = plan(build_profile(layers, cluster, network, "prefill"), "latency")
    decode = plan(build_profile(layers, cluster, network, "decode"), "latency")
    profile = EdgeLLMProfile(
        model=f"{layers.model} EdgeShard on {cluster.name}, {network.label}",
        prefill_ms_base=0.0,
        prefill_ms_per_token=prefill.latency_ms / layers.prompt_tokens,
        decode_ms_per_token=decode.latency_ms,
    )
    placements = {"prefill": list(prefill.assignment), "decode": list(decode.assignment)}
    return profile, placements
