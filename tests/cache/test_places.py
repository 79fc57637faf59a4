"""A place against a larger, smaller or qualified place (after rule format 32, a newcomer's finding: "What is the history
of America?" / "... of the Americas?", "... the Virgin Islands?" / "... the U.S. Virgin Islands?" served), read by
`velo.cache.places` in the `role_swap` veto; since place43 (after format 33, newcomer nc42's finding: "How big is
America?" / "How big are the Americas?" 0.998, "What is the capital of Ireland?" / "Capital of Northern Ireland?" 0.982)
also among other rewording (`places.compass_changed`).

Token-level tests call `places.place_changed`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus
and the shipped rule (weights unchanged). Scores before are branch tense42's 7a4c716 (format 32) with the answer "the
answer to {cached}" (/work/scratch/tense42/places_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.places import compass_changed, place_changed

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("How many countries are in the Americas?", "How many countries are in America?", 0.991),
    ("What is the capital of the Virgin Islands?", "What is the capital of the U.S. Virgin Islands?", 0.956),
]

# (cached question, request, score before): refused before by the model, now by the veto at 0.0.
REFUSED_BY_VETO = [
    ("What is the history of America?", "What is the history of the Americas?", 0.928),
    ("What is the capital of Samoa?", "What is the capital of American Samoa?", 0.854),
    ("What is the capital of Sudan?", "What is the capital of South Sudan?", 0.847),
    ("¿Cuál es la capital de Corea?", "¿Cuál es la capital de Corea del Sur?", 0.695),
    ("Was ist die Hauptstadt von Korea?", "Was ist die Hauptstadt von Südkorea?", 0.555),
    ("Какая столица Кореи?", "Какая столица Южной Кореи?", 0.789),
    ("美洲有多少个国家？", "南美洲有多少个国家？", 0.860),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED + REFUSED_BY_VETO)
def test_another_place_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the history of America?", "What is the history of the Americas?"),
        ("What is the history of the Dakotas?", "What is the history of Dakota?"),
        ("What is the capital of the Virgin Islands?", "What is the capital of the British Virgin Islands?"),
        ("What is the capital of Korea?", "What is the capital of South Korea?"),
        ("What is the population of Ireland?", "What is the population of Northern Ireland?"),
        ("What is the capital of Virginia?", "What is the capital of West Virginia?"),
        ("What is the capital of Mexico?", "What is the capital of New Mexico?"),
        ("What is the largest country in America?", "What is the largest country in Central America?"),
        ("What is the capital of Columbia?", "What is the capital of British Columbia?"),
        ("what is the capital of korea", "what is the capital of south korea"),  # no case marked: any word
        ("¿Cuál es el país más grande de América?", "¿Cuál es el país más grande de América del Sur?"),
        ("¿Cuántos habitantes tiene África?", "¿Cuántos habitantes tiene Sudáfrica?"),
        ("¿Qué tan grande es América?", "¿Qué tan grande es Norteamérica?"),
        ("¿Cuál es la historia de las Américas?", "¿Cuál es la historia de América?"),
        ("Wie groß ist Amerika?", "Wie groß ist Nordamerika?"), ("Wo liegt Irland?", "Wo liegt Nordirland?"),
        ("Wo liegt Korea?", "Wo liegt Süd-Korea?"),
        ("Сколько людей живёт в Америке?", "Сколько людей живёт в Южной Америке?"),
        ("Где находится Ирландия?", "Где находится Северная Ирландия?"),
        ("爱尔兰的人口是多少？", "北爱尔兰的人口是多少？"), ("苏丹的首都是哪里？", "南苏丹的首都是哪里？"),
    ],
)
def test_another_place_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert place_changed(ta, tb, a, b) and place_changed(tb, ta, b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the new iPhone?", "What is the iPhone?"),  # "new" before no name
        ("How do I make a new friend?", "How do I make a friend?"),
        ("What is American football?", "What is football?"),  # a country's adjective before no name
        ("Where is the north pole?", "Where is the pole?"),
        ("What is the capital of Korea?", "What is the capital of Japan?"),  # another place, not a qualified one
        ("What is the capital of America?", "What is the capital of the America?"),  # an article only
        ("What are Windows?", "What is Windows?"),
        ("What is the capital of Korea?", "What is the capital of Korea?"),
    ],
)
def test_no_place_changed(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not place_changed(ta, tb, a, b) and not place_changed(tb, ta, b, a)


# After format 33 (place43; a newcomer's finding): the place narrowed by a point of the compass or widened to its plural
# among other rewording (the verb's number, "What is ..." / "Capital of ...?"). (cached question, request, score before)
# with the answer "the answer to {cached}", main 8b2b6cb (/work/scratch/place43/probe2_before.jsonl); refused now at
# 0.0.
NARROWED_AMONG_REWORDING = [
    ("How big is America?", "How big are the Americas?", 0.998),
    ("What languages are spoken in the Americas?", "What language is spoken in America?", 0.998),
    ("¿Qué tan grande es América?", "¿Qué tan grandes son las Américas?", 1.000),
    ("What is the capital of Ireland?", "Capital of Northern Ireland?", 0.982),
    ("What is the capital of Korea?", "Capital of South Korea?", 0.994),
    ("What's the population of Korea?", "How many people live in South Korea?", 0.982),
    ("What is the capital of Carolina?", "Capital city of North Carolina?", 0.983),
    ("What is the capital of Sudan?", "Tell me the capital of South Sudan.", 0.979),
    ("What is the capital of Timor?", "Capital of East Timor?", 0.982),
    ("Was ist die Hauptstadt von Korea?", "Hauptstadt von Südkorea?", 0.990),
    ("¿Cuál es la capital de Irlanda?", "Capital de Irlanda del Norte", 0.963),
    ("苏丹的首都是什么？", "南苏丹首都？", 0.967),
    ("东欧的人口是多少？", "欧洲有多少人口？", 0.959),
]

# (cached question, request, score): rewordings that name the same place, served before and after.
SAME_PLACE_REWORDED = [
    ("What is the capital of South Korea?", "What's South Korea's capital?", 0.997),
    ("How many countries are in Latin America?", "How many countries does Latin America have?", 0.995),
    ("What is the weather like in the north of Ireland?", "What's the weather in northern Ireland like?", 0.998),
    ("马来西亚的首都是什么？", "马来西亚首都？", 0.987),
]


@pytest.mark.parametrize(("cached", "request_", "before"), NARROWED_AMONG_REWORDING)
def test_a_place_narrowed_among_rewording_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SAME_PLACE_REWORDED)
def test_the_same_place_reworded_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How big is America?", "How big are the Americas?"),
        ("What is the capital of Ireland?", "Capital of Northern Ireland?"),
        ("What is the capital of Virginia?", "Which city is the capital of West Virginia?"),
        ("What is the capital of North Korea?", "Tell me the capital of South Korea."),  # another point each
        ("¿Cuántos países hay en Centroamérica?", "¿Cuántos países hay en Sudamérica?"),
        ("¿Qué tan grande es América?", "¿Qué tan grandes son las Américas?"),
        ("¿Cuál es la capital de Corea?", "¿Capital de Corea del Sur?"),
        ("Was ist die Hauptstadt von Irland?", "Hauptstadt von Nordirland?"),
        ("Wo liegt Korea?", "Sag mir, wo Süd-Korea liegt."),
        ("Какая столица Кореи?", "Столица Южной Кореи?"),
        ("Какая столица Ирландии?", "Скажи, какая столица Северной Ирландии."),
        ("爱尔兰的首都是什么？", "北爱尔兰的首都在哪里？"),
        ("美洲有几个国家？", "中美洲一共有多少个国家？"),
        ("欧洲的历史", "请介绍东欧历史"),
        ("what is in north dakota", "What is in Dakota?"),  # no case marked in one: any word is a name
    ],
)
def test_a_place_narrowed_among_rewording_is_read_both_ways(a: str, b: str) -> None:
    assert compass_changed(a, b) and compass_changed(b, a)
    ta, tb = text.tokens(a), text.tokens(b)
    assert place_changed(ta, tb, a, b) and place_changed(tb, ta, b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("¿Cuántos países hay en América del Sur?", "¿Cuántos países hay en Sudamérica?"),  # one place written two ways
        ("What is the capital of the Republic of Korea?", "Capital of South Korea?"),  # South Korea by another name
        ("What is Latin America?", "What is South America?"),  # another qualifier, not a narrowed place
        ("Compare North and South Korea.", "Compare Korea."),  # a compass word that qualifies no name
        ("What is the weather like in the north of Ireland?", "What's the weather in Ireland like?"),
        ("Wie ist das Wetter im Norden Irlands?", "Wie ist das Wetter in Irland?"),
        ("Какая погода на юге Кореи?", "Какая погода в Корее?"),
        ("北部爱尔兰的天气", "爱尔兰的天气"),
        ("马来西亚的首都是什么？", "亚洲的首都是什么？"),  # 西亚 stands in 马来西亚
        ("湖南非常热", "非洲非常热"),  # 南非 stands in 湖南非常
        ("中德关系", "德国的历史"),  # 中德: China and Germany
        ("What is the capital of South Korea?", "What's South Korea's capital?"),
        ("What is the capital of Korea?", "What is the capital of Japan?"),
    ],
)
def test_no_place_narrowed(a: str, b: str) -> None:
    assert not compass_changed(a, b) and not compass_changed(b, a)
