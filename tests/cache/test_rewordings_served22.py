"""Rewordings rule format 21's vetoes refused (issue 8: recall 0.585 at precision 0.988 on dev against the 0.85 target):
one number written two ways ("10 000" / "10000", "1 million" / "1000000", "5k" / "5000", "пять тысяч" / "5000", "1 kg" /
"1000 g"), the two arguments of a symmetric relation exchanged ("Python vs Java" / "Java vs Python", "different
from", "married to"). Rule format 22 (same weights) serves them; their look-alikes stay vetoed, and "1,5" is 1.5 only
(format 21 read it as 15 too: "1,5 Liter" / "15 Liter" was no number change). Token-level tests read the features as
the featurizer does; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, numbers, order, question_words, roles, subject_object
from velo.cache.features import _Pair

# (cached question, request, format 21's score, format 22's) with the answer "the answer to {cached}": format 21
# refused each at 0 by a veto (number_mismatch 1.0 or role_swap); format 22 vetoes none, the score is the model's.
SERVED = [
    # one number written two ways: groups of three digits, a scale word, "k", a number word with a scale word
    ("Is 10 000 a big number?", "Is 10000 a big number?", 0.0, 1.0),
    ("How long would it take to count to 1 million?", "How long would it take to count to 1000000?", 0.0, 1.0),
    ("Is a salary of 5k a month good?", "Is a salary of 5000 a month good?", 0.0, 1.0),
    ("Что можно купить на пять тысяч рублей?", "Что можно купить на 5000 рублей?", 0.0, 1.0),
    ("Was kosten 2,5 Millionen Euro in Dollar?", "Was kosten 2.500.000 Euro in Dollar?", 0.0, 1.0),
    # one quantity in two units of a family, of equal size, with the same other units
    ("How much is 1 kg in pounds?", "How much is 1000 g in pounds?", 0.0, 1.0),
    ("How long is 1 hour in seconds?", "How long is 60 minutes in seconds?", 0.0, 1.0),
    ("How much is 1 foot in centimeters?", "How much is 12 inches in centimeters?", 0.0, 1.0),
    # a symmetric relation's arguments exchanged: after format 30 the same words in an order that keeps the question
    # (`_Pair.reordered_alike`), 1.0; format 22-30 scored them 0.989, 0.996, 0.944, 0.969, 0.955, 0.996, 0.993 in this order but for
    # "¿Está Tom casado con Ana?" / "... Ana casada con Tom?", which changes a word: still the model's
    ("Python vs Java for beginners", "Java vs Python for beginners", 0.0, 1.0),
    ("How is a crocodile different from an alligator?", "How is an alligator different from a crocodile?", 0.0, 1.0),
    ("Is Tom married to Anna?", "Is Anna married to Tom?", 0.0, 1.0),
    ("¿Está Tom casado con Ana?", "¿Está Ana casada con Tom?", 0.0, 0.998),
    ("¿En qué se diferencia el cocodrilo del caimán?", "¿En qué se diferencia el caimán del cocodrilo?", 0.0, 1.0),
    ("Wie unterscheidet sich ein Krokodil von einem Alligator?", "Wie unterscheidet sich ein Alligator von einem Krokodil?", 0.0, 1.0),
    ("Чем крокодил отличается от аллигатора?", "Чем аллигатор отличается от крокодила?", 0.0, 1.0),
    ("Compare Python to Java", "Compare Java to Python", 0.0, 1.0),
]

# (cached question, request, score): served by format 21 already, served by format 22 (a number now written alike
# scores higher: "1.000" / "1000" 0.945 -> 1.0).
STILL_SERVED = [
    ("Wie viel sind 1.000 Euro in Dollar?", "Wie viel sind 1000 Euro in Dollar?", 1.0),
    ("How much is 1,000 dollars in euros?", "How much is 1000 dollars in euros?", 1.0),
    ("¿Cuánto son 1.000 euros en dólares?", "¿Cuánto son 1000 euros en dólares?", 1.0),
    ("Wie viel sind zwei Millionen Euro?", "Wie viel sind 2 Millionen Euro?", 1.0),
    ("两千块钱能买什么？", "2000块钱能买什么？", 1.0),
    ("Wie viel sind 1,5 Liter in Gallonen?", "Wie viel sind 1.5 Liter in Gallonen?", 1.0),
    # after format 30 the same words in another order that keeps the question: 1.0 (0.976, 0.966, 0.965, 0.975, 0.986 up
    # to format 30)
    ("What is the difference between TCP and UDP?", "What is the difference between UDP and TCP?", 1.0),
    ("¿Cuál es la diferencia entre TCP y UDP?", "¿Cuál es la diferencia entre UDP y TCP?", 1.0),
    ("Was ist der Unterschied zwischen TCP und UDP?", "Was ist der Unterschied zwischen UDP und TCP?", 1.0),
    ("В чём разница между TCP и UDP?", "В чём разница между UDP и TCP?", 1.0),
    ("Ist Tom mit Anna verheiratet?", "Ist Anna mit Tom verheiratet?", 1.0),
    # a passive that keeps who did what (never vetoed since format 19's "by whom")
    ("Who wrote Hamlet?", "By whom was Hamlet written?", 1.0),
    ("Who painted the Mona Lisa?", "Who was the Mona Lisa painted by?", 0.967),
]

# (cached question, request): another question, vetoed (score 0). Format 21 scored "1,5 Liter" / "15 Liter" 0.468, "1
# million" / "1 billion" 0.401 and "2,5 Millionen" / "25 Millionen" 0.086 with no veto; the rest it vetoed too.
VETOED = [
    ("Is 10 000 a big number?", "Is 100 000 a big number?"),
    ("How much is 1 kg in pounds?", "How much is 1 g in pounds?"),
    ("Convert 1 kg to g", "Convert 1000 g to kg"),  # the reverse conversion, one quantity
    ("Is 5k a good salary?", "Is 50k a good salary?"),
    ("Wie viel sind 1,5 Liter in Gallonen?", "Wie viel sind 15 Liter in Gallonen?"),
    ("Is 1 million a lot?", "Is 1 billion a lot?"),
    ("Was kosten 2,5 Millionen Euro in Dollar?", "Was kosten 25 Millionen Euro in Dollar?"),
    ("Who killed Brutus?", "Who did Brutus kill?"),
    ("Why did Germany invade Poland?", "Why did Poland invade Germany?"),
    ("Is Python better than Java?", "Is Java better than Python?"),
    ("How much more expensive is a Mac compared to a PC?", "How much more expensive is a PC compared to a Mac?"),
    ("Is Tom older than Anna?", "Is Anna older than Tom?"),
    ("Why did Tom leave Anna?", "Why did Anna leave Tom?"),
]


def _vetoed(cached: str, request_: str) -> bool:
    """A number replaced or `role_swap`, as the hit features read them."""
    p = _Pair(request_, cached)
    return bool(
        numbers.number_change(p.request, p.cached, p.same_quantities) >= 1.0
        or roles.role_swap(p.tq, p.tc) or question_words.question_swap(p.tq, p.tc)
        or subject_object.subject_object_swap(p.tq, p.tc) or order.exchanged(p.tq, p.tc)
    )


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, *_ in SERVED + STILL_SERVED])
def test_a_rewording_is_no_veto_either_way(cached: str, request_: str) -> None:
    assert not _vetoed(cached, request_) and not _vetoed(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), VETOED)
def test_a_look_alike_is_vetoed_either_way(cached: str, request_: str) -> None:
    assert _vetoed(cached, request_) and _vetoed(request_, cached)


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("10 000", "10000"), ("1 000 000", "1000000"), ("1,000,000", "1000000"), ("1.000", "1000"), ("1'000", "1000"),
        ("1 million", "1000000"), ("one million", "1000000"), ("zwei Millionen", "2000000"), ("2,5 Millionen", "2500000"),
        ("5k", "5000"), ("2.5k", "2500"), ("пять тысяч", "5000"), ("un millón", "1000000"), ("2 mil millones", "2000000000"),
        # stay as written: a decimal, a number that goes on after its scale word, a plan's name
        ("1,5", "1,5"), ("3.14", "3.14"), ("dos mil veinte", "dos mil veinte"), ("a 401k", "a 401k"),
    ],
)
def test_one_number_is_written_in_plain_digits(written: str, digits: str) -> None:
    assert numbers.scales_as_digits(written) == digits


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [("1,5 Liter", "15 Liter", 1.0), ("1.5 Liter", "15 Liter", 1.0), ("1,5 Liter", "1.5 Liter", 0.0),
     ("1.234,5 Euro", "1234.5 Euro", 0.0), ("1,000 Euro", "1000 Euro", 0.0), ("1 million", "1 billion", 1.0)],
)
def test_a_decimal_comma_is_no_thousands_separator(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == numbers.number_change(b, a) == change


@pytest.mark.parametrize(("cached", "request_", "format_21", "format_22"), SERVED)
def test_the_rewording_is_scored_by_the_model(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_21: float, format_22: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.score == pytest.approx(format_22, abs=0.02), decision.features
    assert got is shipped_rule_cache.rule.accepts(decision.score)
    assert decision.features.role_swap == 0.0 and decision.features.number_mismatch < 1.0


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_SERVED)
def test_the_rewording_is_still_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.score == pytest.approx(score, abs=0.02), decision.features


@pytest.mark.parametrize(("cached", "request_"), VETOED)
def test_the_look_alike_is_a_miss(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == 0.0, decision.features
