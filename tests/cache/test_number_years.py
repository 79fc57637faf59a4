"""A year or a thousand written in words against its digits (verbs42, recall: "What happened in nineteen eighty-nine?"
/ "What happened in 1989?" was refused as `number_mismatch`, 19 and 89 read apart), read by `velo.cache.number_words`.

Token-level tests call `number_words.cardinals` and `numbers.number_change`; the shipped-rule tests use real e5 + USE
embedders, real embedded Milvus and the shipped rule (weights unchanged). Scores before are branch verbs42's 01c72cd
with the answer "the answer to {cached}" (/work/scratch/verbs42/score.py, p_years.txt, years_before.txt /
years_after.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, number_words, numbers, text

# (cached question, request, score before): the same question, served now at 1.000.
SERVED = [
    ("What happened in nineteen eighty-nine?", "What happened in 1989?", 0.000),
    ("What happened in 1989?", "What happened in nineteen eighty-nine?", 0.000),
    ("What happened in two thousand five?", "What happened in 2005?", 0.000),
    ("Who won the World Cup in twenty eighteen?", "Who won the World Cup in 2018?", 0.002),
    ("What happened in nineteen oh five?", "What happened in 1905?", 0.000),
    ("What happened in nineteen hundred?", "What happened in 1900?", 0.015),
    ("What happened in seventeen seventy-six?", "What happened in 1776?", 0.000),
    ("Is twenty twenty a leap year?", "Is 2020 a leap year?", 0.006),
    ("¿Qué pasó en mil novecientos ochenta y nueve?", "¿Qué pasó en 1989?", 0.000),
    ("¿Qué pasó en 2005?", "¿Qué pasó en dos mil cinco?", 0.000),
    ("Was geschah neunzehnhundertneunundachtzig?", "Was geschah 1989?", 0.000),
    ("Что случилось в 2005?", "Что случилось в две тысячи пять?", 0.000),
    ("Count to 5200", "Count to five thousand two hundred", 0.594),
]

# (cached question, request): another year, refused by `number_mismatch` as before.
REFUSED = [
    ("What happened in nineteen eighty?", "What happened in 1989?"),
    ("What happened in nineteen eighty-nine?", "What happened in 1998?"),
    ("What happened in two thousand and five?", "What happened in 2015?"),
]


@pytest.mark.parametrize(("cached", "request_", "before"), SERVED)
def test_a_year_in_words_is_its_digits(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, 1.0)


@pytest.mark.parametrize(("cached", "request_"), REFUSED)
def test_another_year_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(
    ("words", "values"),
    [
        ("nineteen eighty-nine", [1989]), ("nineteen eighty", [1980]), ("twenty twenty", [2020]),
        ("twenty twenty-four", [2024]), ("nineteen oh five", [1905]), ("eighteen twelve", [1812]),
        ("nineteen hundred", [1900]), ("nineteen hundred and five", [1905]), ("fifteen hundred people", [1500]),
        ("two thousand five", [2005]), ("two thousand twenty-four", [2024]), ("2000 and five", [2005]),
        ("dos mil cinco", [2005]), ("mil novecientos ochenta y nueve", [1989]), ("dos mil veinte", [2020]),
        ("zweitausendfünf", [2005]), ("neunzehnhundertneunundachtzig", [1989]), ("zweitausend", [2000]),
        ("dreitausendzweihundert", [3200]), ("две тысячи пять", [2005]), ("тысяча девятьсот восемьдесят девять", [1989]),
        # not a year: a time, a number and a count, an ordinal after the first half, 25
        ("eleven thirty", [11, 30]), ("twelve fifteen", [12, 15]), ("twenty five", [25]), ("two hundred and five", [205]),
        ("nineteen eighty fourth", [19]), ("twenty-first century", []), ("in 2000 and 5 more", []),
    ],
)
def test_years_and_thousands_in_words(words: str, values: list[int]) -> None:
    assert [c.value for c in number_words.cardinals(text.tokens(numbers.as_digits(words)))] == values


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("What happened in nineteen eighty-nine?", "What happened in 1989?", 0.0),
        ("What happened in nineteen eighty?", "What happened in 1989?", 1.0),
        ("What happened in nineteen eighty-nine?", "What happened in 1998?", 1.0),
        ("What is the novel 1984 about?", "Summarize what happens in the novel Nineteen Eighty-Four.", 0.0),  # labelled right
        ("¿Qué pasó en mil novecientos ochenta y nueve?", "¿Qué pasó en 1989?", 0.0),
    ],
)
def test_years_are_compared_as_numbers(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == numbers.number_change(b, a) == change
