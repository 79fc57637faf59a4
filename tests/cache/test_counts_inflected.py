"""A count against one thing whose noun is in a case: "Сколько калорий в банане?" / "Сколько калорий в 2 бананах?"
(`velo.cache.counts`, in the `number_mismatch` veto after rule format 30; lk40).

Newcomer nc32 found it refused by format 30 only by its score (0.920 here) and served by the withdrawn format 31:
`counts` read a Russian bare singular in the accusative ("книгу") but not in the prepositional, dative or instrumental
("в банане", "с бананом", "с ложкой"): the Cyrillic "е" and "ои" were no endings to it (the Latin "e" was). The
kind in Chinese: a classifier `MEASURE_WORDS` lacks ("一根香蕉" / "两根香蕉"). English, Spanish and German with an article
were refused already. Shipped-rule tests: real e5 + USE embedders, real embedded Milvus, the shipped rule (weights
unchanged); scores before are format 30's on 9ed1bd8 with the answer "the answer to {cached}"
(/work/scratch/lk40/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, counts
from velo.cache.features import _Pair

# (cached question, request, score before): a count against one thing, now refused at 0.0 by the `number_mismatch` veto.
COUNTED = [
    ("Сколько калорий в банане?", "Сколько калорий в 2 бананах?", 0.920),
    ("Сколько калорий в банане?", "Сколько калорий в двух бананах?", 0.913),
    ("Сколько калорий в банане?", "Сколько калорий в трёх бананах?", 0.808),
    ("Сколько сахара в яблоке?", "Сколько сахара в 3 яблоках?", 0.923),
    ("Сколько белка в яйце?", "Сколько белка в 2 яйцах?", 0.671),
    ("Сколько воды в ложке?", "Сколько воды в 5 ложках?", 0.887),
    ("Что делать с бананом?", "Что делать с 2 бананами?", 0.554),
    ("一根香蕉有多少卡路里？", "两根香蕉有多少卡路里？", 0.584),
]

# (cached question, request): refused already, by the same veto.
COUNTED_ALREADY = [
    ("Сколько весит банан?", "Сколько весят 2 банана?"),
    ("How many calories are in a banana?", "How many calories are in 2 bananas?"),
    ("¿Cuántas calorías hay en un plátano?", "¿Cuántas calorías hay en 2 plátanos?"),
    ("Wie viele Kalorien sind in einer Banane?", "Wie viele Kalorien sind in 2 Bananen?"),
    ("一个苹果有多少卡路里？", "两个苹果有多少卡路里？"),
]

# (cached question, request, score before and after): no count against one thing, served or refused by the model as
# before.
NOT_COUNTED = [
    ("Сколько калорий в банане?", "Сколько калорий в бананах?", True, 0.975),  # a plural without a number
    ("Сколько калорий в банане?", "Сколько калорий содержится в банане?", True, 0.962),
    ("Сколько калорий в 2 бананах?", "Сколько калорий в двух бананах?", True, 1.0),
    ("Сколько калорий в банане?", "Какая калорийность банана?", True, 1.0),
    ("Сколько калорий в одном банане?", "Сколько калорий в банане?", False, 0.943),
]


@pytest.mark.parametrize(("cached", "request_", "before"), COUNTED)
def test_a_count_against_one_inflected_thing_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)
    assert_scored(shipped_rule_cache, request_, cached, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "served", "score"), NOT_COUNTED)
def test_no_count_against_one_scores_as_before(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


def _replaced(a: str, b: str) -> bool:
    p = _Pair(b, a)
    return counts.count_replaced(p.tq, p.tc)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in COUNTED] + COUNTED_ALREADY + [
    ("О чём говорится в книге?", "О чём говорится в 3 книгах?"),
    ("Как справиться с проблемой?", "Как справиться с 5 проблемами?"),
    ("Что написано в письме?", "Что написано в двух письмах?"),
    ("一片面包有多少热量？", "三片面包有多少热量？"),
    ("一头牛每天吃多少草？", "两头牛每天吃多少草？"),
])
def test_a_count_against_one_is_a_count_replaced(a: str, b: str) -> None:
    assert _replaced(a, b) and _replaced(b, a)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _, _ in NOT_COUNTED] + [
    ("Сколько стоят 2 банана?", "Сколько стоят два банана?"),  # one count written two ways
    ("Сколько дней в 2 неделях?", "Сколько дней в неделях?"),  # a plural, no singular
    ("我知道三个答案", "我知道答案"),  # 知道 is no classifier 道 after 一
    ("木头有多重？", "两根木头有多重？"),  # no 一 before it: a bare noun, left to the model
])
def test_no_count_against_one(a: str, b: str) -> None:
    assert not _replaced(a, b) and not _replaced(b, a)
