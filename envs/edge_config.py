"""The configuration contract of the edge environments (`velo_edge_v0`, and `velo_edge_v1` on top of it): the
`EdgeEnvConfig` fields with their defaults, and the checks that run at construction, field by field, before a
bank is loaded, so a typo fails in milliseconds and never half-way through a reset. The table of what is accepted
and what raises is in `envs/velo_edge_v0.py`'s docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import numpy as np

from envs.checks import integer, real
from envs.workload import WorkloadConfig
from velo.cache.memory_cache import MemoryCacheConfig
from velo.data.prepare import SPLITS
from velo.latency import CloudProfile, EdgeLLMProfile
from velo.policy import CACHE_MIN_SCORE
from velo.satisfaction import SatisfactionWeights


@dataclass(frozen=True)
class EdgeEnvConfig:
    n_edges: int = 3
    max_steps: int = 200
    """Requests per edge per episode."""
    top_v: int = 10
    """Vector-search results in each observation."""
    data_dir: Path | None = None
    """Prepared data (`velo data prepare`); default `$VELO_HOME/data`."""
    split: str | None = "train"
    paraphrase_files: tuple[Path, ...] | None = None
    """Paraphrases of prepared questions; default: the bundled ones."""
    workload: WorkloadConfig = field(default_factory=WorkloadConfig)
    cache_capacity: int = 300
    eviction: str = "lru"
    ttl_s: float | None = None
    write_back_edge: bool = True
    """Also cache the edge LLM's answers (source = edge)."""
    edge_queue_capacity: int = 4
    edge_profile: EdgeLLMProfile | None = None
    """Default: the measured single-device profile (`velo/profiles/edge_llm.json`). With the local shard run
    by EdgeShard, pass the profile of its placement: `velo shard edge-profile --out F.json`, then
    `velo.latency.load_edge_profile(F)` (or `velo evaluate --edge-profile F.json`)."""
    cloud_profile: CloudProfile | None = None
    edge_quality_fallback: float = 0.5
    """Quality of an edge answer when `velo data edge-answers` was not run."""
    weights: SatisfactionWeights = field(default_factory=SatisfactionWeights)
    cache_min_score: float = CACHE_MIN_SCORE
    """CACHE is in the action mask only when the hit rule scores the best neighbour at least this
    (`velo.policy.cache_servable`, as the live edge server's `EdgeSettings.cache_min_score`); 0: whenever there is a
    neighbour (the mask before this field existed)."""

    def __post_init__(self) -> None:
        # Checked before a bank is loaded (a typo fails in milliseconds) and never half-way through a reset.
        for name in ("n_edges", "max_steps", "top_v", "cache_capacity", "edge_queue_capacity"):
            object.__setattr__(self, name, integer(name, getattr(self, name), minimum=1))
        if self.split is not None and self.split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)} or None (both), got {self.split!r}")
        if self.ttl_s is not None:
            real("ttl_s", self.ttl_s, low=0.0, low_open=True)
        real("edge_quality_fallback", self.edge_quality_fallback, low=0.0, high=1.0)
        real("cache_min_score", self.cache_min_score, low=0.0, high=1.0)  # a hit-rule score: 1.5 had never offered CACHE (nc19 finding 9)
        if not isinstance(self.write_back_edge, (bool, np.bool_)):
            raise TypeError(f"write_back_edge must be a bool, got {self.write_back_edge!r}")
        for name, cls in (("workload", WorkloadConfig), ("weights", SatisfactionWeights),
                          ("edge_profile", EdgeLLMProfile), ("cloud_profile", CloudProfile)):
            value = getattr(self, name)
            if not isinstance(value, cls) and not (value is None and name.endswith("_profile")):
                alternative = " or None" if name.endswith("_profile") else " (or, via parallel_env, a dict of its fields)"
                raise TypeError(f"{name} must be {cls.__name__}{alternative}, got {type(value).__name__}")
        try:
            self.workload.rates(self.n_edges)
        except ValueError as exc:
            raise ValueError(f"workload.arrival_rate_per_s: {exc} (give one rate, or one per edge)") from None
        # The cache's own check names the evictions it knows.
        MemoryCacheConfig(dim=1, capacity=self.cache_capacity, eviction=self.eviction, ttl_s=self.ttl_s,
                          top_k=self.top_v)
        for name in ("edge_profile", "cloud_profile"):
            if getattr(self, name) is not None:
                _check_profile(name, getattr(self, name))


_POSITIVE_PROFILE_FIELDS = {"tokens_per_s", "uplink_bytes_per_s", "downlink_bytes_per_s"}
"""Divisors of the cloud model: zero would divide by zero inside `step`."""


def _check_profile(name: str, profile: EdgeLLMProfile | CloudProfile) -> None:
    """The profile numbers the environment computes with (`velo.latency` does not check them itself)."""
    for f in fields(profile):
        value, label = getattr(profile, f.name), f"{name}.{f.name}"
        if f.name in ("name", "model"):
            continue
        if f.name == "decode_ms_per_token_by_batch":  # batched edge profile: one time per batch size
            for b, v in enumerate(value, 1):
                real(f"{label}[{b - 1}] (batch of {b})", v, low=0.0)
        elif f.name == "parallel_slots":  # the cloud's queue: with no slot, a CLOUD request could start nowhere
            integer(label, value, minimum=1)
        elif f.name == "context_neighbours":
            integer(label, value, minimum=0)
        else:
            real(label, value, low=0.0, high=1.0 if f.name == "context_reuse" else None,
                  low_open=f.name in _POSITIVE_PROFILE_FIELDS)


def _check_names(what: str, given: Mapping, cls: type) -> None:
    allowed = [f.name for f in fields(cls)]
    unknown = [k for k in given if k not in allowed]
    if unknown:
        raise TypeError(f"unknown {what} argument(s) {unknown}; allowed: {', '.join(allowed)}")


def config_with(changes: dict, base: EdgeEnvConfig | None = None, env_id: str = "velo_edge_v0") -> EdgeEnvConfig:
    """`base` (or the defaults) with `changes`; `workload` and `weights` may be given as dicts. Unknown names raise
    `TypeError` naming `env_id`'s arguments."""
    _check_names(env_id, changes, EdgeEnvConfig)
    for name, cls in (("workload", WorkloadConfig), ("weights", SatisfactionWeights)):
        if isinstance(changes.get(name), Mapping):
            _check_names(name, changes[name], cls)
            changes[name] = cls(**changes[name])
    return replace(base, **changes) if base is not None else EdgeEnvConfig(**changes)
