"""A preposition of opposite direction or side put in its place asks the opposite question (`opposites._DIRECTION_PAIRS`,
in the `negation_mismatch` veto after rule format 30): "Cheap flights to Paris" / "Cheap flights from Paris".

Prepositions are function words, so no content feature sees them; format 30 served such pairs at 0.955-0.999 (the
lead's probe on main 9ed1bd8, with the answer "the answer to {cached}": /work/scratch/lead/score.py). Real e5 + USE
embedders, real embedded Milvus and the shipped rule (weights unchanged).
"""

from __future__ import annotations

import difflib

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, opposites, text

# (cached question, request, format 30's score): now refused at 0.0 by the veto.
OPPOSITE = [
    ("Cheap flights to Paris", "Cheap flights from Paris", 0.982),
    ("Vuelos baratos a Madrid", "Vuelos baratos desde Madrid", 0.958),
    ("Günstige Flüge nach Berlin", "Günstige Flüge aus Berlin", 0.992),
    ("Дешёвые билеты в Москву", "Дешёвые билеты из Москвы", 0.999),  # the noun's case changes with it
    ("Can people over 18 vote?", "Can people under 18 vote?", 0.981),
    ("How to translate a text to English?", "How to translate a text from English?", 0.979),
    ("How do I send an email to Gmail?", "How do I send an email from Gmail?", 0.979),
    ("How to move files to a USB drive?", "How to move files from a USB drive?", 0.955),
    ("How do I copy files to my phone?", "How do I copy files from my phone?", 0.969),
    ("What is a good gift for my wife?", "What is a good gift from my wife?", 0.970),
]

# (a, b): the opposite question, refused by the model's score before, on the tokens only.
OPPOSITE_TOKENS = [
    ("Why is the temperature above zero?", "Why is the temperature below zero?"),
    ("Wie komme ich zu dir?", "Wie komme ich von dir?"),
    ("Is the ball inside the box?", "Is the ball outside the box?"),
    ("Как добраться к вокзалу?", "Как добраться от вокзала?"),
    ("How many days until Christmas?", "How many days since Christmas?"),
    ("Wie viele Tage bis Weihnachten?", "Wie viele Tage seit Weihnachten?"),
    ("¿Cuántos días faltan hasta Navidad?", "¿Cuántos días faltan desde Navidad?"),
]

# (cached question, request, format 30's score, unchanged): the same question.
SAME = [
    ("How is Python different from Java?", "How is Python different to Java?", 0.990),  # after a word of difference
    ("How do I get from Berlin to Paris?", "How do I get to Paris from Berlin?", 0.974),  # the same trip in another order
    ("Is there a cure for cancer?", "Is there a cure from cancer?", 0.976),  # "for" / "from" after a word of cure
    ("How to protect yourself from the sun?", "How to protect yourself for the sun?", 0.969),
]


def _opposite(a: str, b: str) -> bool:
    ta, tb = text.tokens(a), text.tokens(b)
    ops = [o for o in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes() if o[0] != "equal"]
    return opposites.opposite_action(ta, tb, ops)


@pytest.mark.parametrize(("a", "b"), [(a, b) for a, b, _ in OPPOSITE] + OPPOSITE_TOKENS)
def test_a_preposition_of_opposite_direction_is_an_opposite(a: str, b: str) -> None:
    assert _opposite(a, b) and _opposite(b, a)


@pytest.mark.parametrize(("a", "b"), [(a, b) for a, b, _ in SAME] + [("Translate this to English", "Translate this into English")])
def test_the_same_direction_or_a_word_of_difference_is_no_opposite(a: str, b: str) -> None:
    assert not _opposite(a, b) and not _opposite(b, a)


@pytest.mark.parametrize(("cached", "request_", "format_30"), OPPOSITE)
def test_the_opposite_direction_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, format_30: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=False, score=0.0)
    assert_scored(shipped_rule_cache, request_, cached, served=False, score=0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SAME)
def test_the_same_question_is_still_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=True, score=score)
