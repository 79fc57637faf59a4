"""A newcomer's finding after rule format 30 (recall): one number spelled another way in the same place was a miss.

"Tell me 1 joke." / "Tell me one joke." 0.911, "Who finished 1st?" / "Who finished first?" 0.846, "World War 1" / "World
War I" 0.617: a word for one alone, an ordinal in words and a Roman numeral were no numbers, so one side kept a number
the other lacked (`number_mismatch` 0.5) and a word put in another's place. Now, where that is the only difference,
the two are the same words (`velo.cache.number_spellings`) and served; another number stays refused. The shipped-rule
tests use real e5 + USE embedders, real embedded Milvus and the shipped rule (weights unchanged).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, number_spellings, number_words, numbers, text
from velo.cache.features import _Pair

# (cached question, request, format 30's score, this branch's) with the answer "the answer to {cached}"
# (/work/scratch/plural32/score.py p2.py on fe5e171 and on this branch).
SAME_NUMBER = [
    ("Tell me 1 joke.", "Tell me one joke.", 0.911, 1.0),
    ("Who finished 1st?", "Who finished first?", 0.846, 1.0),
    ("What happened in World War 1?", "What happened in World War one?", 0.751, 1.0),
    ("What happened in World War 1?", "What happened in World War I?", 0.617, 1.0),
    ("What happened in World War one?", "What happened in World War I?", 0.915, 1.0),
    ("Who was the 44th president?", "Who was the forty-fourth president?", 0.659, 1.0),
    ("What happened in the 21st century?", "What happened in the twenty-first century?", 0.211, 1.0),
    ("Who was Louis XIV?", "Who was Louis 14?", 0.172, 1.0),
    ("Was geschah im 1. Weltkrieg?", "Was geschah im ersten Weltkrieg?", 0.827, 1.0),
    ("¿Quién quedó en 1.º lugar?", "¿Quién quedó en primer lugar?", 0.391, 1.0),
    ("¿Qué pasó en la 2.ª Guerra Mundial?", "¿Qué pasó en la segunda Guerra Mundial?", 0.821, 1.0),
    ("Что случилось в 1-й мировой войне?", "Что случилось в первой мировой войне?", 0.765, 1.0),
    ("Cuéntame 1 chiste.", "Cuéntame un chiste.", 0.854, 1.0),
    ("Erzähl mir 1 Witz.", "Erzähl mir einen Witz.", 0.513, 1.0),
]

# (cached question, request, score on both): another number, or "i" that is no Roman numeral, stays refused.
ANOTHER_NUMBER = [
    ("What happened in World War I?", "What happened in World War II?", 0.130),
    ("Who was the 44th president?", "Who was the forty-third president?", 0.034),
    ("Who finished 1st?", "Who finished second?", 0.081),
    ("What is i squared?", "What is 1 squared?", 0.048),
    ("Tell me 1 joke.", "Tell me 2 jokes.", 0.0),
    ("Was geschah im 1. Weltkrieg?", "Was geschah im zweiten Weltkrieg?", 0.006),
]


@pytest.mark.parametrize(("cached", "request_", "format_30", "score"), SAME_NUMBER)
def test_one_number_spelled_otherwise_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_30: float, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("cached", "request_", "score"), ANOTHER_NUMBER)
def test_another_number_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


def _tokens(t: str) -> list[str]:
    """The tokens as `features._Pair` compares them when it looks for the same words (cardinals in words as digits)."""
    return number_words.as_digits(text.tokens(numbers.as_digits(t)))


@pytest.mark.parametrize(
    ("a", "b"),
    [(c, r) for c, r, *_ in SAME_NUMBER] + [
        ("Who won the 2nd round?", "Who won the second round?"), ("the 3rd time", "the third time"),
        ("the 11th hour", "the eleventh hour"), ("the 20th century", "the twentieth century"),
        ("Chapter 4", "Chapter IV"), ("Henry VIII", "Henry 8"), ("Part II", "Part two"),
        ("Расскажи 1 анекдот.", "Расскажи один анекдот."), ("2-й этап", "второй этап"),
        ("der 3. Platz", "der dritte Platz"), ("el 1er día", "el primer día"),
    ],
)
def test_the_same_number_is_respelled_as_the_other_writes_it(a: str, b: str) -> None:
    ta, tb = _tokens(a), _tokens(b)
    assert ta != tb or a == b
    assert number_spellings.respelled(ta, tb, a, b) == tb and number_spellings.respelled(tb, ta, b, a) == ta


@pytest.mark.parametrize(
    ("a", "b"),
    [(c, r) for c, r, _ in ANOTHER_NUMBER] + [
        ("Who was 1 in line?", "Who was first in line?"),  # English writes an ordinal's digits "1st"
        ("Tell me a joke.", "Tell me 1 joke."),  # an article is no number
        ("Solve for x", "Solve for 10"), ("What is Vitamin C?", "What is Vitamin 100?"),  # letters, not numerals
        ("what happened in world war i", "what happened in world war 1"),  # no capitals: "i" is read as written
        ("Who was Louis XIV?", "Who was Louis the fourteenth?"),  # another word besides: left to the model
        ("Can I travel to Cuba?", "Can one travel to Cuba?"),  # "I" after a sentence's first word is the pronoun
    ],
)
def test_another_number_or_no_numeral_is_not_respelled(a: str, b: str) -> None:
    ta, tb = _tokens(a), _tokens(b)
    assert number_spellings.respelled(ta, tb, a, b) != tb


def test_the_features_see_no_number_differ_only_where_the_words_are_the_same() -> None:
    p = _Pair("Tell me one joke.", "Tell me 1 joke.")
    assert p.numbers_respelled and p.tq == p.tc == ["tell", "me", "1", "joke"]
    other = _Pair("Tell me one joke about cats.", "Tell me 1 joke about dogs.")  # other words differ: as format 30
    assert not other.numbers_respelled and other.tq != other.tc
