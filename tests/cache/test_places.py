"""A place against a larger, smaller or qualified place (after rule format 32, a newcomer's finding: "What is the history
of America?" / "... of the Americas?", "... the Virgin Islands?" / "... the U.S. Virgin Islands?" served), read by
`velo.cache.places` in the `role_swap` veto.

Token-level tests call `places.place_changed`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus
and the shipped rule (weights unchanged). Scores before are branch tense42's 7a4c716 (format 32) with the answer "the
answer to {cached}" (/work/scratch/tense42/places_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.places import place_changed

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
