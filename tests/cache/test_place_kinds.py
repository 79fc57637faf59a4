"""A place named with its kind against the same name bare or with another kind (after rule format 33, a newcomer's
finding, nc44: "What is the capital of Georgia?" / "What is the capital of the state of Georgia?" 0.969, served): the
kind says which place of that name is meant, and the cached answer may be for the other. Read by
`velo.cache.places.type_changed` inside `places.place_changed`, in the `role_swap` veto.

Token-level tests call `type_changed` and `place_changed`; the shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule (weights unchanged). Scores before are main 01bd437's with the answer "the answer to
{cached}" (`velo cache score --pairs`, /work/scratch/place45/probe_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.features import veto_features
from velo.cache.places import place_changed, type_changed

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("What is the capital of Georgia?", "What is the capital of the state of Georgia?", 0.969),
    ("What is the capital of the state of Georgia?", "What is the capital of Georgia?", 0.972),
    ("What is the area of Georgia?", "What is the area of the country of Georgia?", 0.959),
    ("Какая столица Джорджии?", "Какая столица штата Джорджия?", 0.994),
]

# (cached question, request, score before): refused before by the model, now by the veto at 0.0.
REFUSED_BY_VETO = [
    ("What is the population of Washington?", "What is the population of Washington, D.C.?", 0.880),
    ("What is the population of New York?", "What is the population of New York City?", 0.863),
    ("What is the population of Washington?", "What is the population of Washington State?", 0.605),
    ("What is the population of Mexico?", "What is the population of Mexico City?", 0.692),
    ("What is the capital of Punjab?", "What is the capital of the province of Punjab?", 0.882),
    ("¿Cuál es la capital de México?", "¿Cuál es la capital del estado de México?", 0.943),
    ("Was ist die Hauptstadt von Georgia?", "Was ist die Hauptstadt des Bundesstaates Georgia?", 0.789),
    ("华盛顿的人口是多少？", "华盛顿州的人口是多少？", 0.869),
]

# (cached question, request, score): the same place, served before and after.
SERVED = [
    ("What is the capital of Georgia?", "Capital of Georgia?", 0.998),
    ("What is the population of New York City?", "How many people live in New York City?", 0.994),
    ("What is the capital of the state of Georgia?", "What is the capital city of the state of Georgia?", 0.947),
    # a city named as what it is, left to the model: the replay's labelled rewordings do it ("la ciudad de Maracaibo")
    ("What is the population of New York?", "What is the population of the city of New York?", 0.964),
    ("¿Cuántos habitantes tiene Nueva York?", "¿Cuántos habitantes tiene la ciudad de Nueva York?", 0.991),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED + REFUSED_BY_VETO)
def test_a_place_of_another_kind_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_same_place_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the capital of Georgia?", "What is the capital of the state of Georgia?"),
        ("What is the capital of the state of Georgia?", "What is the capital of the country of Georgia?"),
        ("What is the population of Washington?", "What is the population of Washington State?"),
        ("What is the population of Washington State?", "What is the population of Washington, D.C.?"),
        ("How big is Washington?", "How big is Washington DC?"),
        ("What is the population of Mexico?", "What is the population of Mexico City?"),
        ("What is the capital of Punjab?", "What is the capital of the province of Punjab?"),
        ("¿Cuántos habitantes tiene Texas?", "¿Cuántos habitantes tiene el estado de Texas?"),
        ("Wie viele Einwohner hat Washington?", "Wie viele Einwohner hat Washington State?"),
        ("Wo liegt Georgia?", "Wo liegt das Land Georgia?"),
        ("Сколько людей живёт в Вашингтоне?", "Сколько людей живёт в штате Вашингтон?"),
        ("Где находится Пасха?", "Где находится остров Пасхи?"),
        ("格鲁吉亚的首都是哪里？", "格鲁吉亚国的首都是哪里？"),
        ("How many people live in New York?", "What is the population of New York City?"),  # among other rewording
        ("¿Cuál es la capital de México?", "¿Cuál es la capital del estado de México?"),
        ("Was ist die Hauptstadt von Georgia?", "Was ist die Hauptstadt des Bundesstaates Georgia?"),
        ("Какая столица Джорджии?", "Какая столица штата Джорджия?"),
        ("华盛顿的人口是多少？", "华盛顿州的人口是多少？"),
    ],
)
def test_a_kind_put_with_a_name_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert type_changed(ta, tb, a, b) and type_changed(tb, ta, b, a)
    assert place_changed(ta, tb, a, b) and veto_features(a, b)["role_swap"] == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the capital of the state of Georgia?", "What is the capital city of the state of Georgia?"),
        ("What is the population of New York City?", "How many people live in New York City?"),
        ("What is the state of the economy?", "How is the economy?"),  # the kind is no place's
        ("What is the state of the US economy?", "How is the US economy doing?"),
        ("What is the city's population?", "How many people live in the city?"),
        ("Which state of Australia is the largest?", "What is the largest state in Australia?"),  # no name's apposition
        ("What is the biggest city in Texas?", "What is the biggest Texas city?"),
        ("Welcher Staat Europas ist am größten?", "Welches Land Europas ist am größten?"),
        ("Какой штат США самый большой?", "Какой самый большой штат в США?"),
        # a city or a province named as what it is: labelled rewordings of the replay (nc44's "the city of New York"
        # / "New York", 0.964, is left served with them)
        ("10 frases típicas de Maracaibo", "¿Me podrías decir 10 frases típicas que se usan en la ciudad de Maracaibo?"),
        ("Откуда произошло название города Магнитогорск?", "Почему у Магнитогорска такое название?"),
        ("What is the population of New York?", "What is the population of the city of New York?"),
        ("Wie viele Einwohner hat New York?", "Wie viele Einwohner hat die Stadt New York?"),
        ("北京的人口是多少？", "北京市的人口是多少？"), ("广东有多大", "广东省有多大"),
        ("纽约有多少人口？", "纽约市有多少人口？"),
        ("美国有多大", "美国家有多大"),  # 国家 is a word: no kind
        (  # a place named as a long request's setting
            "Madrid - Huercal-Overa (Almería) en Semana Santa: ¿la ruta más rápida o la más corta?",
            "He decidido viajar entre Madrid y el pueblo de Huercal-Overa, en la provincia de Almería, en España, para ver "
            "la Semana Santa. ¿Me ayudas a evaluar la ruta más rápida y la más corta?",
        ),
        ("Сколько штатов США?", "Сколько штатов в США?"),  # a plural kind: no apposition
        ("what is the capital of the state of georgia", "what is the capital of georgia"),  # no case: no name read
        ("Is the state of Georgia bigger than Georgia?", "Is Georgia bigger than Georgia?"),  # a name written both ways
    ],
)
def test_no_kind_of_a_name_is_not_read(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not type_changed(ta, tb, a, b) and not type_changed(tb, ta, b, a)
