"""Two short turns of a conversation with (nearly) the same words that ask for other answers (after rule format 32, a
newcomer's findings M1 and M2): a set phrase said against a set phrase asked ("Yes" / "Yes?" was served at 1.000, as the
tokens drop the question mark; "继续" / "继续吗？" 0.955, "对" / "对吗？" 0.949) and "are you there" against a question of
place ("¿Estás ahí?" / "¿Dónde estás?" 0.971, "在吗" / "在哪" 0.978): `velo.cache.set_phrases.another_turn`, in the
`role_swap` veto. "Where" is no "are you there" to `set_phrases.fold`, and the phrases it folds stay the same words.

Token-level tests call the module; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the
shipped rule (weights unchanged). Scores before are main's (7a4c716) with the answer "the answer to {cached}"
(/work/scratch/ans42/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, set_phrases

# (cached question, request, score before): refused now at 0.0 by the `role_swap` veto.
REFUSED = [
    ("Yes", "Yes?", 1.000),
    ("继续", "继续吗？", 0.955),
    ("对", "对吗？", 0.949),
    ("Sí", "¿Sí?", 1.000),
    ("Ja", "Ja?", 1.000),
    ("Да", "Да?", 1.000),
    ("Верно", "Верно?", 1.000),
    ("OK", "OK?", 1.000),
    ("好的", "好的？", 1.000),
    ("好的", "好吗？", 0.984),
    ("No", "No?", 1.000),
    ("Нет", "Нет?", 1.000),
    ("Continue", "Continue?", 1.000),
    ("Weiter", "Weiter?", 1.000),
    ("¿Estás ahí?", "¿Dónde estás?", 0.971),
    ("在吗", "在哪", 0.978),
    ("在吗", "在哪儿", 0.991),
    ("Sigues ahí?", "¿Dónde sigues?", 0.965),
    ("Ты здесь?", "Где ты?", 0.938),
    ("Ты тут?", "Ты где?", 0.792),
    ("Bist du da?", "Wo bist du?", 0.044),
    ("Are you there?", "Where are you?", 0.562),
]

# (cached question, request, score): the same turn worded otherwise, the same words as before.
SERVED = [
    ("Yes", "Yeah.", 1.000),
    ("Are you there?", "Are you still there?", 1.000),
    ("在吗", "你还在吗", 1.000),
    ("继续", "接着来", 1.000),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_another_turn_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_same_turn_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_another_turn_is_read_both_ways(cached: str, request_: str, before: float) -> None:
    assert set_phrases.another_turn(request_, cached) and set_phrases.another_turn(cached, request_)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Yes", "Yes"), ("Yes?", "Yes?"), ("Yes", "Yeah."), ("OK?", "Okay?"), ("在吗", "你还在吗"),
        ("Are you there?", "Are you still there?"), ("你还在吗", "你还好吗"),
        ("Where are you?", "Where are you now?"),  # both ask where
        ("Yes", "Yes" + "!" * 40),  # longer than a set phrase's text
    ],
)
def test_no_other_turn(a: str, b: str) -> None:
    assert not set_phrases.another_turn(a, b) and not set_phrases.another_turn(b, a)


@pytest.mark.parametrize("asked", ["Yes?!", "Yes!?", "Yes??", "Yes? ", "Yes?..", "对？！", "¿Sí?!"])
def test_a_question_mark_anywhere_in_the_closing_punctuation_asks(asked: str) -> None:
    """nc42 finding H3: "Yes" / "Yes?!" was served at 1.000; only a last "?" was read as asking."""
    said = {"对？！": "对", "¿Sí?!": "Sí"}.get(asked, "Yes")
    assert set_phrases.another_turn(asked, said) and set_phrases.another_turn(said, asked)
    assert not set_phrases.another_turn(asked, said + "?")


@pytest.mark.parametrize("where", ["在哪", "在哪儿", "你在哪里？", "¿Dónde estás?", "Wo bist du?", "Где ты?", "Where are you?"])
def test_where_is_not_read_as_are_you_there(where: str) -> None:
    assert set_phrases.fold(where) == where


@pytest.mark.parametrize(("asked", "folded"), [("Yes?!", "Yes?!"), ("对？！", "对？！"), ("在？！", "在吗"), ("Yes!", "yes")])
def test_fold_reads_asking_as_another_turn_does(asked: str, folded: str) -> None:
    """`fold` and `another_turn` read one rule for a text that asks (`_ends_asking`): "Yes?!" is no "yes" said, and a bare
    在 asked with "?!" is "are you there"."""
    assert set_phrases.fold(asked) == folded
