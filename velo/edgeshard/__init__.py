"""EdgeShard: plan a layer-wise split of an LLM over edge devices and the cloud (arXiv 2405.14371).

`profile` reads the planner's input (devices, per-layer costs, links), `planner` finds the placement
with the lowest latency or the highest pipeline throughput and the paper's baselines, `devices` holds
documented device and network settings for the benchmark table.
"""

from velo.edgeshard.planner import (
    InfeasibleProfileError,
    InvalidAssignmentError,
    Plan,
    Shard,
    brute_force,
    cloud_edge_even,
    cloud_edge_opt,
    edge_solo,
    evaluate,
    plan,
)
from velo.edgeshard.profile import Profile, ProfileError, load_profile, parse_profile

__all__ = [
    "InfeasibleProfileError",
    "InvalidAssignmentError",
    "Plan",
    "Profile",
    "ProfileError",
    "Shard",
    "brute_force",
    "cloud_edge_even",
    "cloud_edge_opt",
    "edge_solo",
    "evaluate",
    "load_profile",
    "parse_profile",
    "plan",
]
