"""The one function that turns an edge server's state into a scheduling agent's observation.

The environment and the live edge server both call `encode_observation`, so a policy sees the same
numbers in training and in service. Checkpoints record `OBS_VERSION` and the layout's sizes; a policy
refuses to load against another encoder.

Layout of the flat float32 vector (`ObservationLayout` gives the slices):

| segment | size | content |
|---|---|---|
| request | dim | the request's embedding (question; follow-ups are matched within their context) |
| language | 6 | one-hot over en, es, de, zh, ru, other |
| follow_up | 1 | 1.0 if the request continues a conversation |
| neighbours | V x 4 | per top-V search result, best first: similarity, present (0/1), written by the edge LLM (0/1), log1p(hit count) / 5 |
| decision | F + 2 | the F = 18 hit-decision features of the best neighbour (`HitFeatures` order), the rule's score, its verdict (0/1) |
| system | 12 | edge LLM queue length / queue capacity, edge LLM wait (s) / 10, recent cloud latency (s) / 10, cache fill ratio, recent cloud failures (EMA of 0/1 per cloud call), recent rate-limit refusals (EMA of 0/1 per attempt), the cloud API's remaining-requests share at the last response, this edge's cloud calls in flight / 10, the backhaul state at the last probe (one-hot good / degraded / down), request tokens / 1000 |

Everything in `system` is what an edge server observes itself: its queues, the answers and errors of its
own cloud calls (latency, 429s, timeouts), the API's rate-limit headers (`x-ratelimit-remaining-requests`),
and a periodic probe of its uplink; nothing only a simulator knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np

from velo.types import LANGUAGES, HitFeatures

OBS_VERSION = "velo.obs/4"
"""2: the decision block gained the `symbol_swap` and `role_swap` hit features. 3: the system block gained
cloud failures, rate-limit state, cloud calls in flight, the backhaul probe and the request's length. 4: the decision
block gained the `added_words_similarity` hit feature (after `content_diff_similarity`; F = 18, hit rule format 15)."""
NEIGHBOUR_FIELDS = 4
NEIGHBOUR_SIMILARITY, NEIGHBOUR_PRESENT, NEIGHBOUR_FROM_EDGE, NEIGHBOUR_HITS = range(NEIGHBOUR_FIELDS)
"""Field indices within one neighbour's entry (`ObservationLayout.neighbours(obs)[..., k, field]`)."""
SYSTEM_FIELDS = 12
N_FEATURES = len(HitFeatures.names())
LANG_INDEX = {lang: i for i, lang in enumerate(LANGUAGES)}


@dataclass(frozen=True)
class ObservationLayout:
    dim: int
    top_v: int

    @cached_property
    def sizes(self) -> dict[str, int]:
        return {
            "request": self.dim,
            "language": len(LANGUAGES) + 1,
            "follow_up": 1,
            "neighbours": self.top_v * NEIGHBOUR_FIELDS,
            "decision": N_FEATURES + 2,
            "system": SYSTEM_FIELDS,
        }

    @cached_property
    def slices(self) -> dict[str, slice]:
        out, start = {}, 0
        for name, size in self.sizes.items():
            out[name] = slice(start, start + size)
            start += size
        return out

    @cached_property
    def offsets(self) -> dict[str, int]:
        return {name: sl.start for name, sl in self.slices.items()}

    @cached_property
    def size(self) -> int:
        return sum(self.sizes.values())

    def describe(self) -> dict:
        """What a checkpoint stores to prove it was trained against this encoder."""
        return {"version": OBS_VERSION, "dim": self.dim, "top_v": self.top_v, "size": self.size}

    # Named readers: baselines and encoders read the observation through these, never by raw offsets.
    # Each takes one observation (L,) or a batch (..., L) and returns a view (or scalar) of the same lead shape.
    def segment(self, obs: np.ndarray, name: str) -> np.ndarray:
        """One segment of the table above (`request`, `language`, ..., `system`): shape (..., size)."""
        try:
            return obs[..., self.slices[name]]
        except KeyError:
            raise ValueError(f"unknown observation segment {name!r}; segments: {', '.join(self.sizes)}") from None

    def neighbours(self, obs: np.ndarray) -> np.ndarray:
        """The top-V search results, best first: shape (..., V, NEIGHBOUR_FIELDS), fields `NEIGHBOUR_*`."""
        return self.segment(obs, "neighbours").reshape(*obs.shape[:-1], self.top_v, NEIGHBOUR_FIELDS)

    def best_similarity(self, obs: np.ndarray) -> np.ndarray:
        """Cosine similarity of the best cached neighbour (0 when there is none): shape (...)."""
        return obs[..., self.offsets["neighbours"] + NEIGHBOUR_SIMILARITY]

    def best_present(self, obs: np.ndarray) -> np.ndarray:
        """Whether the search returned any neighbour: bool, shape (...)."""
        return obs[..., self.offsets["neighbours"] + NEIGHBOUR_PRESENT] > 0.5

    def rule_score(self, obs: np.ndarray) -> np.ndarray:
        """The cache's hit rule's score of the best neighbour (`velo.cache.decision`): shape (...)."""
        return obs[..., self.offsets["decision"] + N_FEATURES]

    def rule_verdict(self, obs: np.ndarray) -> np.ndarray:
        """Whether the hit rule accepts the best neighbour: bool, shape (...)."""
        return obs[..., self.offsets["decision"] + N_FEATURES + 1] > 0.5


def approx_tokens(text: str) -> int:
    """BPE tokenizers average ~4 UTF-8 bytes per token across our five languages (Han: ~1 per character)."""
    return max(1, round(len(text.encode()) / 4))


def request_tokens(texts: Iterable[str]) -> float:
    """`SystemLoad.request_tokens` of a request whose question and earlier turns are `texts`: their `approx_tokens`,
    summed. The environment's bank counts its requests' prompts so (`envs.bank`), and the edge server calls this."""
    return float(sum(approx_tokens(t) for t in texts))


class SystemLoad(NamedTuple):
    """The edge server's load as its agent sees it (a tuple: built once per request on the hot path)."""

    edge_queue: int
    edge_queue_capacity: int
    edge_wait_ms: float
    cloud_latency_ms: float
    cache_fill: float
    cloud_failures: float = 0.0
    """EMA (weight 0.2) of 1 per failed cloud call (timeouts, refusals after the last retry), 0 per success."""
    rate_limited: float = 0.0
    """EMA (weight 0.2) of 1 per cloud attempt refused with 429, 0 per accepted attempt."""
    rate_limit_remaining: float = 1.0
    """Share of the API's request budget left at this edge's last cloud response (1.0 without a limit)."""
    cloud_inflight: int = 0
    """This edge's cloud calls not answered yet."""
    link_state: int = 0
    """Backhaul state at the last probe: 0 good, 1 degraded, 2 down."""
    request_tokens: float = 0.0
    """Prompt tokens of the request (question and conversation context), as `request_tokens` counts them."""


def encode_observation(
    layout: ObservationLayout,
    request_vector: np.ndarray,
    lang: str,
    follow_up: bool,
    neighbour_sims: Sequence[float],
    neighbour_from_edge: Sequence[bool],
    neighbour_hits: Sequence[int],
    features: Sequence[float] | None,
    rule_score: float,
    rule_hit: bool,
    load: SystemLoad,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Fill (or allocate) the observation vector (L,) float32; neighbours are given best first, at most
    `layout.top_v` are used. The same as `encode_request` followed by `encode_context`."""
    return encode_context(
        layout, encode_request(layout, request_vector, lang, follow_up, out), neighbour_sims, neighbour_from_edge,
        neighbour_hits, features, rule_score, rule_hit, load,
    )


def encode_request(
    layout: ObservationLayout, request_vector: np.ndarray, lang: str, follow_up: bool, out: np.ndarray | None = None
) -> np.ndarray:
    """The observation's `request`, `language` and `follow_up` segments filled and the rest zero: (L,) float32.

    They depend on the request alone, so a caller that sees the same request text again (the environment)
    may keep this vector and pass a copy to `encode_context`."""
    obs = np.zeros(layout.size, dtype=np.float32) if out is None else out
    if out is not None:
        obs[:] = 0.0
    o = layout.offsets
    obs[: layout.dim] = request_vector
    index = LANG_INDEX.get(lang)
    if index is None:  # a code with a region or script ("zh-Hant", "en-US", as the edge serves them): its language
        index = LANG_INDEX.get(lang.split("-", 1)[0].lower(), len(LANGUAGES))
    obs[o["language"] + index] = 1.0
    obs[o["follow_up"]] = float(follow_up)
    return obs


def encode_context(
    layout: ObservationLayout,
    obs: np.ndarray,
    neighbour_sims: Sequence[float],
    neighbour_from_edge: Sequence[bool],
    neighbour_hits: Sequence[int],
    features: Sequence[float] | None,
    rule_score: float,
    rule_hit: bool,
    load: SystemLoad,
) -> np.ndarray:
    """Fill the `neighbours`, `decision` and `system` segments of `obs` (L,), whose other segments
    `encode_request` filled and which are still zero (a fresh copy), in place; returns `obs`."""
    o = layout.offsets
    n = min(len(neighbour_sims), layout.top_v)
    if n:
        start = o["neighbours"]
        stop = start + n * NEIGHBOUR_FIELDS
        obs[start:stop:NEIGHBOUR_FIELDS] = neighbour_sims[:n]
        obs[start + 1 : stop : NEIGHBOUR_FIELDS] = 1.0
        obs[start + 2 : stop : NEIGHBOUR_FIELDS] = neighbour_from_edge[:n]
        obs[start + 3 : stop : NEIGHBOUR_FIELDS] = np.log1p(neighbour_hits[:n]) / 5.0
    if features is not None:
        d = o["decision"]
        obs[d : d + N_FEATURES] = features
        obs[d + N_FEATURES] = rule_score
        obs[d + N_FEATURES + 1] = float(rule_hit)
    obs[o["system"] : o["system"] + SYSTEM_FIELDS] = _system_values(load)
    return obs


def _system_values(load: SystemLoad) -> list[float]:
    values = [
        load.edge_queue / max(1, load.edge_queue_capacity),
        load.edge_wait_ms / 10_000.0,
        load.cloud_latency_ms / 10_000.0,
        load.cache_fill,
        load.cloud_failures,
        load.rate_limited,
        load.rate_limit_remaining,
        load.cloud_inflight / 10.0,
        0.0, 0.0, 0.0,
    ]
    values[8 + load.link_state] = 1.0  # one-hot: good, degraded, down
    values.append(load.request_tokens / 1000.0)
    return values


def encode_system(load: SystemLoad, out: np.ndarray) -> np.ndarray:
    """Fill the `system` block (SYSTEM_FIELDS floats) from the edge server's load."""
    out[:] = _system_values(load)
    return out
