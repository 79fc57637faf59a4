"""User satisfaction of one answered request: quality, latency and cost in one number.

    satisfaction = w_quality * quality + w_latency * latency_score - w_cost * cost / cost_ref
    latency_score = 1 / (1 + latency_ms / latency_half_ms)

* quality in [0, 1]: how close the served answer is to the request's reference answer (the cloud LLM's,
  i.e. oasst1's best-ranked reply), as a rescaled embedding similarity (see `answer_quality`);
* latency_score is 1 for an instant answer and 0.5 at `latency_half_ms`;
* cost is the request's cloud spend in USD, divided by `cost_ref_usd` (about one typical cloud answer).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SatisfactionWeights:
    quality: float = 0.6
    latency: float = 0.4
    cost: float = 0.1
    latency_half_ms: float = 2000.0
    """Latency at which the latency score halves."""
    cost_ref_usd: float = 0.0002

    def __post_init__(self) -> None:
        if min(self.quality, self.latency, self.cost) < 0:
            raise ValueError("satisfaction weights must be >= 0")
        if self.latency_half_ms <= 0 or self.cost_ref_usd <= 0:
            raise ValueError("latency_half_ms and cost_ref_usd must be > 0")


def latency_score(latency_ms: float, weights: SatisfactionWeights) -> float:
    return 1.0 / (1.0 + latency_ms / weights.latency_half_ms)


def satisfaction(quality: float, latency_ms: float, cost_usd: float, weights: SatisfactionWeights) -> float:
    return (
        weights.quality * quality
        + weights.latency * latency_score(latency_ms, weights)
        - weights.cost * cost_usd / weights.cost_ref_usd
    )


def answer_quality(cosine: float, floor: float) -> float:
    """Rescale an answer-to-reference cosine to [0, 1]: `floor` is the typical similarity of two unrelated
    answers under the same embedder (measured on the data: e5 scores even unrelated texts ~0.75), so an
    unrelated answer scores 0 and the reference itself 1."""
    return min(1.0, max(0.0, (cosine - floor) / (1.0 - floor)))
