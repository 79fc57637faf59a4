"""The same question in another tense: "Was Python faster than Java?" / "Is Python faster than Java?" (after rule
format 32, a newcomer's finding: served at 0.940), read by `velo.cache.tense` in the `role_swap` veto.

Token-level tests call `tense.tense_change`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and
the shipped rule (weights unchanged). Scores before are main's (f027f07, format 32) with the answer "the answer to
{cached}" (/work/scratch/lk41/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.tense import tense_change

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("Is Python faster than Java?", "Was Python faster than Java?", 0.986),
    ("Was Python faster than Java?", "Is Python faster than Java?", 0.993),
    ("Who is the president of France?", "Who was the president of France?", 0.962),
    ("Are dinosaurs dangerous?", "Were dinosaurs dangerous?", 0.997),
    ("Does Google track my location?", "Did Google track my location?", 0.981),
    ("Has Tesla made a profit?", "Had Tesla made a profit?", 0.988),
    ("¿Es Python más rápido que Java?", "¿Era Python más rápido que Java?", 0.982),
    ("¿Hay vida en Marte?", "¿Hubo vida en Marte?", 0.958),
    ("Ist Python schneller als Java?", "War Python schneller als Java?", 0.945),
    ("Python比Java快吗？", "Python以前比Java快吗？", 0.993),
]

# (cached question, request, score): the same question, the tense among other words or a hypothetical's future.
SERVED = [
    ("If I buy 3 notebooks at $2.50 each and pay with a $10 bill, how much change do I get?",
     "If I buy 3 notebooks at $2.50 each and pay with a $10 bill, how much change will I get?", 0.954),
    ("Where was Lionel Messi born?", "What is Lionel Messi's birthplace?", 0.998),
    ("Are AI assistants going to replace human workers?", "Will AI assistants take over human jobs?", 0.980),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_another_tense_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the capital of Germany?", "What was the capital of Germany?"),
        ("Will Brazil win the World Cup?", "Did Brazil win the World Cup?"),
        ("Are you happy?", "Were you happy?"), ("Am I right?", "Was I right?"),
        ("¿Cuál es la capital de Alemania?", "¿Cuál fue la capital de Alemania?"),
        ("¿Dónde está el libro?", "¿Dónde estaba el libro?"), ("¿Quién tiene razón?", "¿Quién tenía razón?"),
        ("Was ist die Hauptstadt von Deutschland?", "Was war die Hauptstadt von Deutschland?"),
        ("Wer hat den Krieg gewonnen?", "Wer hatte den Krieg gewonnen?"), ("Wie wird Brot gebacken?", "Wie wurde Brot gebacken?"),
        ("Python быстрее Java?", "Python был быстрее Java?"), ("Какая столица Германии?", "Какая была столица Германии?"),
        ("Кто является президентом Франции?", "Кто являлся президентом Франции?"),
        ("他是老师吗？", "他以前是老师吗？"), ("你去过北京吗？", "你曾经去过北京吗？"),
    ],
)
def test_another_tense_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert tense_change(ta, tb) and tense_change(tb, ta)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How much change do I get?", "How much change will I get?"),  # a hypothetical's present and future
        ("Where was Lionel Messi born?", "What is Lionel Messi's birthplace?"),  # the tense among other words
        ("Is Python faster than Java?", "Is Python faster than Java?"),
        ("Is Python faster than Java?", "Is Python slower than Java?"),  # another word, not a tense
        ("Was ist Python?", "Wer ist Python?"),  # German "was" is "what"
        ("Who won the World Cup?", "Who wins the World Cup?"),  # a main verb's form: not read (module docstring)
    ],
)
def test_no_tense_change(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not tense_change(ta, tb) and not tense_change(tb, ta)
