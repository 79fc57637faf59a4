"""Latency and cost of each way to answer a request, from measured and documented profiles.

* cache lookup (embed + search + decide): measured by `benchmarks/cache_latency.py`, written to
  `velo/profiles/cache_lookup.json`;
* edge LLM (prefill ms per prompt token, decode ms per output token): measured on this machine with
  SmolLM2-135M by `benchmarks/edge_llm_speed.py` (`velo/profiles/edge_llm.json`), or taken from an
  EdgeShard placement; served one request at a time. The batched profile (`--batched`,
  `velo/profiles/edge_llm_batched.json`) adds the decode time per token of one row when b rows decode
  together, as `velo.llm.continuous.ContinuousBatcher` runs them;
* cloud LLM: a documented profile (`velo/profiles/cloud.json`): round trip, link bandwidth, time to first
  token, output speed, parallel slots and prices.

Queueing is not here: the environment keeps the queues and adds their waits.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, fields
from pathlib import Path

PROFILES = Path(__file__).parent / "profiles"


def _load(path: Path, cls):
    """`cls` from the JSON object at `path`; ValueError naming the file for anything else (not JSON, not an
    object, a required field missing, a number field that is not a number)."""
    try:
        data = json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a JSON latency profile ({exc})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a latency profile is a JSON object, got {type(data).__name__}")
    required = {f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING}
    missing = required - data.keys()
    if missing:
        raise ValueError(f"{path}: missing {sorted(missing)}")
    for f in fields(cls):
        value = data.get(f.name)
        if f.type == "float" and f.name in data and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{path}: {f.name} must be a number, got {value!r}")
    return cls(**{f.name: tuple(v) if isinstance(v := data[f.name], list) else v for f in fields(cls) if f.name in data})


@dataclass(frozen=True)
class CacheProfile:
    embed_ms: float
    search_ms: float
    decide_ms: float

    @property
    def lookup_ms(self) -> float:
        return self.embed_ms + self.search_ms + self.decide_ms


@dataclass(frozen=True)
class EdgeLLMProfile:
    model: str
    prefill_ms_base: float
    prefill_ms_per_token: float
    decode_ms_per_token: float
    decode_ms_per_token_by_batch: tuple[float, ...] = ()
    """Batched profile: a row's decode ms per output token when b rows decode together, at index b - 1 (one
    forward pass per step serves every row); its length is the batch's row limit. Empty: one request at a time."""

    @property
    def max_batch(self) -> int:
        """Rows decoded together: 1 for a profile without `decode_ms_per_token_by_batch`."""
        return max(1, len(self.decode_ms_per_token_by_batch))

    def service_ms(self, prompt_tokens: float, output_tokens: float, batch: int = 1) -> float:
        """Prefill alone, then `output_tokens` decode steps in a batch of `batch` rows (1: alone)."""
        decode = self.decode_ms_per_token if batch == 1 else self.decode_ms_per_token_by_batch[batch - 1]
        return self.prefill_ms_base + self.prefill_ms_per_token * prompt_tokens + decode * output_tokens


@dataclass(frozen=True)
class CloudProfile:
    name: str
    rtt_ms: float
    rtt_jitter_ms: float
    uplink_bytes_per_s: float
    downlink_bytes_per_s: float
    ttft_ms: float
    tokens_per_s: float
    parallel_slots: int
    usd_per_1k_input_tokens: float
    usd_per_1k_output_tokens: float
    bytes_per_token: float
    context_neighbours: int
    """Cached neighbours (question + answer) sent along with CLOUD_CONTEXT."""
    context_reuse: float
    """Assumption, not measured: the share of a relevant cached answer the cloud can reuse instead of
    generating, with CLOUD_CONTEXT (scaled by how relevant the neighbour is)."""

    def service_ms(self, prompt_tokens: float, output_tokens: float) -> float:
        """Time in the cloud's slot: first token, then output tokens."""
        return self.ttft_ms + 1000.0 * output_tokens / self.tokens_per_s

    def network_ms(self, prompt_tokens: float, output_tokens: float) -> float:
        up = prompt_tokens * self.bytes_per_token / self.uplink_bytes_per_s
        down = output_tokens * self.bytes_per_token / self.downlink_bytes_per_s
        return self.rtt_ms + 1000.0 * (up + down)

    def cost_usd(self, prompt_tokens: float, output_tokens: float) -> float:
        return (prompt_tokens * self.usd_per_1k_input_tokens + output_tokens * self.usd_per_1k_output_tokens) / 1000.0


def load_cache_profile(path: Path = PROFILES / "cache_lookup.json") -> CacheProfile:
    return _load(path, CacheProfile)


def load_edge_profile(path: Path = PROFILES / "edge_llm.json") -> EdgeLLMProfile:
    """The measured single-request profile by default; `PROFILES / "edge_llm_batched.json"` is the batched one."""
    return _load(path, EdgeLLMProfile)


def load_cloud_profile(path: Path = PROFILES / "cloud.json") -> CloudProfile:
    return _load(path, CloudProfile)
