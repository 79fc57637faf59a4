"""One comparison asked to another degree (after rule format 33, a newcomer's finding, nc44): an equality against a
comparative ("Is Python faster than C?" / "Is Python as fast as C?" 0.998, served), a multiplied comparison against a
plain one ("Is a cheetah twice as fast as a lion?" / "Is a cheetah faster than a lion?" 0.971), in English, Spanish,
German, Russian and Chinese. Read by `velo.cache.comparisons.degree_changed`, in the `role_swap` veto. "Is Python
quicker than C?" (a synonym, `same_in_synonyms`) and "two times faster than" against "twice as fast as" (one degree) stay
served.

Token-level tests call `graded` and `degree_changed`; the shipped-rule tests use real e5 + USE embedders, real embedded
Milvus and the shipped rule (weights unchanged). Scores before are main 01bd437's with the answer "the answer to {cached}"
(`velo cache score --pairs`, /work/scratch/place45/probe_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.comparisons import degree_changed, graded
from velo.cache.features import veto_features

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("Is Python faster than C?", "Is Python as fast as C?", 0.998),
    ("Is Python as fast as C?", "Is Python faster than C?", 0.998),
    ("Is a cheetah faster than a lion?", "Is a cheetah twice as fast as a lion?", 0.969),
    ("Is a cheetah twice as fast as a lion?", "Is a cheetah faster than a lion?", 0.971),
    ("Is the Earth bigger than Mars?", "Is the Earth two times bigger than Mars?", 0.957),
    ("¿Es Python más rápido que C?", "¿Es Python tan rápido como C?", 0.982),
    ("Ist Python schneller als C?", "Ist Python so schnell wie C?", 0.997),
    ("Python比C快吗？", "Python和C一样快吗？", 0.993),
    ("Python быстрее, чем C?", "Python так же быстр, как C?", 0.993),
    ("Земля больше Марса?", "Земля в два раза больше Марса?", 0.992),
]

# (cached question, request, score before): refused before by the model, now by the veto at 0.0.
REFUSED_BY_VETO = [
    ("Is the Earth bigger than Mars?", "Is the Earth twice as big as Mars?", 0.920),
    ("Ist die Erde größer als der Mars?", "Ist die Erde doppelt so groß wie der Mars?", 0.665),
    ("¿Es la Tierra más grande que Marte?", "¿Es la Tierra el doble de grande que Marte?", 0.364),
    ("地球比火星大吗？", "地球比火星大两倍吗？", 0.887),
]

# (cached question, request, score): the same comparison, served before and after.
SERVED = [
    ("Is Python faster than C?", "Is Python quicker than C?", 1.000),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED + REFUSED_BY_VETO)
def test_another_degree_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_same_degree_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is Python faster than C?", "Is Python as fast as C?"),
        ("Is Python as fast as C?", "Is C slower than Python?"),  # the other direction, the arguments exchanged
        ("Is a cheetah faster than a lion?", "Is a cheetah twice as fast as a lion?"),
        ("Is the Earth twice as big as Mars?", "Is the Earth three times as big as Mars?"),
        ("Is the Earth bigger than Mars?", "Is the Earth 3 times bigger than Mars?"),
        ("Is gold more expensive than silver?", "Is gold as expensive as silver?"),
        ("Is a car more dangerous than a plane?", "Is a car as dangerous as a plane?"),  # a quality outside the table
        ("¿Es Python más rápido que C?", "¿Es Python tan rápido como C?"),
        ("¿Es la Tierra más grande que Marte?", "¿Es la Tierra el doble de grande que Marte?"),
        ("¿Es la Tierra más grande que Marte?", "¿Es la Tierra dos veces más grande que Marte?"),
        ("Ist Python schneller als C?", "Ist Python so schnell wie C?"),
        ("Ist die Erde größer als der Mars?", "Ist die Erde doppelt so groß wie der Mars?"),
        ("Ist Gold teurer als Silber?", "Ist Gold genauso teuer wie Silber?"),
        ("Python быстрее, чем C?", "Python так же быстр, как C?"),
        ("Золото дороже серебра?", "Золото такое же дорогое, как серебро?"),
        ("Земля больше Марса?", "Земля вдвое больше Марса?"),
        ("Python比C快吗？", "Python和C一样快吗？"),
        ("Python比C快吗？", "Python有C那么快吗？"),
        ("地球比火星大吗？", "地球比火星大两倍吗？"),
    ],
)
def test_another_degree_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert degree_changed(ta, tb) and degree_changed(tb, ta)
    assert veto_features(a, b)["role_swap"] == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is Python faster than C?", "Is Python quicker than C?"),  # a synonym of one degree
        ("Is a cheetah twice as fast as a lion?", "Is a cheetah two times faster than a lion?"),  # x2 either way
        ("Is Python as fast as C?", "Is C as fast as Python?"),  # an equality has no order (no degree changed)
        ("Is Python as fast as C?", "Is Python as fast as Java?"),  # another argument: not this reader's
        ("Is Python faster than C?", "Is Java as fast as C?"),
        ("Is Python faster than C?", "Is Python as popular as C?"),  # another quality
        ("Is there more water than land?", "Is there as much water as land?"),  # an amount: "much" is no size
        ("Do cats see as well as dogs?", "Do cats see better than dogs?"),  # "well" is not read as "good"
        ("Is the Earth bigger than Mars?", "Is Mars smaller than Earth?"),
    ],
)
def test_one_degree_or_another_comparison_is_not_read(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not degree_changed(ta, tb) and not degree_changed(tb, ta)


def test_a_comparison_is_read_with_its_degree() -> None:
    cases = {
        "Is Python as fast as C?": (["python"], "equal", ["c"]),
        "Is a cheetah twice as fast as a lion?": (["cheetah"], "x2", ["lion"]),
        "Is the Earth two times bigger than Mars?": (["earth"], "x2", ["mars"]),
        "Is a mouse half as big as a rat?": (["mouse"], "x0.5", ["rat"]),
        "¿Es Python tan rápido como C?": (["python"], "equal", ["c"]),
        "¿Es la Tierra el doble de grande que Marte?": (["tierra"], "x2", ["marte"]),
        "Ist Python so schnell wie C?": (["python"], "equal", ["c"]),
        "Ist die Erde dreimal so groß wie der Mars?": (["erde"], "x3", ["mars"]),
        "Python так же быстр, как C?": (["python"], "equal", ["c"]),
        "Земля в два раза больше Марса?": (["земля"], "x2", ["марса"]),
        "Python和C一样快吗？": (["python"], "equal", ["c"]),
        "地球比火星大两倍吗？": (["地", "球"], "x2", ["火", "星"]),
    }
    for question, (first, degree, second) in cases.items():
        got = graded(text.tokens(question))
        assert got is not None and (got.first, got.degree, got.second) == (first, degree, second), question
    assert graded(text.tokens("Is Python as fast as or faster than C?")) is None  # two comparisons
