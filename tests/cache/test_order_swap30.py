"""`order_swap` is 0 for an exchange that does not change the question (rule format 30, `order.symmetric_reordering`):
commuted operands ("7 plus 8" / "8 plus 7"), the arguments of a symmetric relation ("Is Tom married to Anna?" / "Is
Anna married to Tom?"), joined items ("cats and dogs" / "dogs and cats") and alternatives ("tea or coffee?" / "coffee or
tea?"), in en / es / de / ru / zh; every other reordering keeps 1 ("Is a tomato a fruit?" / "Is a fruit a tomato?"),
and the vetoes refuse the reverse questions as before. Token-level tests read the tokens `HitFeaturizer` compares
(`features._Pair`); the shipped-rule tests read the features of a real lookup (real e5 + USE embedders, real embedded
Milvus, the shipped rule).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, features, numbers, order, quantities, text
from velo.cache.decision import fired_vetoes

# (cached question, request): the same question in another order.
SYMMETRIC = [
    ("What is 7 plus 8?", "What is 8 plus 7?"),
    ("3 × 4 = ?", "4 × 3 = ?"),
    ("¿Cuánto es 7 más 8?", "¿Cuánto es 8 más 7?"),
    ("Was ist 7 plus 8?", "Was ist 8 plus 7?"),
    ("Сколько будет 7 умножить на 8?", "Сколько будет 8 умножить на 7?"),
    ("7加8等于多少？", "8加7等于多少？"),
    ("Is Tom married to Anna?", "Is Anna married to Tom?"),
    ("Is a wolf similar to a dog?", "Is a dog similar to a wolf?"),
    ("What is the distance between Paris and Berlin?", "What is the distance between Berlin and Paris?"),
    ("What is the difference between HTML and CSS?", "What is the difference between CSS and HTML?"),
    ("Should I learn Python or Java?", "Should I learn Java or Python?"),
    ("Tell me about cats and dogs", "Tell me about dogs and cats"),
    ("¿Qué es mejor, té o café?", "¿Qué es mejor, café o té?"),
    ("¿Cuál es la diferencia entre un perro y un lobo?", "¿Cuál es la diferencia entre un lobo y un perro?"),
    ("Was ist der Unterschied zwischen Katzen und Hunden?", "Was ist der Unterschied zwischen Hunden und Katzen?"),
    ("Ist Tom mit Anna verheiratet?", "Ist Anna mit Tom verheiratet?"),
    ("Что лучше: чай или кофе?", "Что лучше: кофе или чай?"),
    ("Расскажи про кошек и собак", "Расскажи про собак и кошек"),
    ("猫和狗有什么区别？", "狗和猫有什么区别？"),
    ("北京到上海的距离是多少？", "上海到北京的距离是多少？"),
    ("喝茶还是喝咖啡？", "喝咖啡还是喝茶？"),
]

# (cached question, request): the same words in an order that asks another question.
ASYMMETRIC = [
    ("Convert 5 km to miles", "Convert 5 miles to km"),
    ("Divide 10 by 2", "Divide 2 by 10"),
    ("Is a tomato a fruit?", "Is a fruit a tomato?"),
    ("Why did Germany invade Poland?", "Why did Poland invade Germany?"),
    ("Is Tom older than Anna?", "Is Anna older than Tom?"),  # a comparative: no symmetric relation
    ("What is 10 minus 3?", "What is 3 minus 10?"),
    ("What is 3 plus 4 times 5?", "What is 4 plus 3 times 5?"),  # precedence
    # a difference of numbers is a subtraction; of concepts ("HTML and CSS") it is symmetric
    ("What is the difference between 10 and 3?", "What is the difference between 3 and 10?"),
    ("¿Cuál es la diferencia entre 10 y 3?", "¿Cuál es la diferencia entre 3 y 10?"),
    ("10和3的差是多少？", "3和10的差是多少？"),
    ("Wie viele Meilen sind 10 Kilometer?", "Wie viele Kilometer sind 10 Meilen?"),
    ("Should I drink coffee without milk?", "Should I drink milk without coffee?"),  # "without" joins nothing alike
    ("西安到合肥的航班", "合肥到西安的航班"),  # a route, not a distance
]


def _order_swap(cached: str, request_: str) -> float:
    p = features._Pair(request_, cached)
    return float(order.reordered(p.tq, p.tc) and not order.symmetric_reordering(p.tq, p.tc))


def _tokens(t: str) -> list[str]:
    """The tokens `features._Pair` starts from (it then reads a symmetric reordering as the same words, after format 30)."""
    return quantities.unit_after_number(text.tokens(numbers.as_digits(t)))


@pytest.mark.parametrize(("cached", "request_"), SYMMETRIC)
def test_a_symmetric_exchange_is_no_order_swap(cached: str, request_: str) -> None:
    tq, tc = _tokens(request_), _tokens(cached)
    assert order.reordered(tq, tc)  # the same tokens in another order: format 29 gave them order_swap 1
    assert order.symmetric_reordering(tq, tc) and order.symmetric_reordering(tc, tq)
    assert not order.exchanged(tq, tc)  # the role_swap reader agrees: the arguments were not exchanged
    assert _order_swap(cached, request_) == 0.0


@pytest.mark.parametrize(("cached", "request_"), ASYMMETRIC)
def test_an_exchange_that_changes_the_question_keeps_its_order_swap(cached: str, request_: str) -> None:
    assert _order_swap(cached, request_) == 1.0
    assert _order_swap(request_, cached) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is 7 plus 8?", "What is 7 plus 8?"),  # the same tokens: no reordering at all
        ("Tell me about cats and dogs", "Tell me about cats and birds"),  # other words
        ("cats and dogs", "dogs and cats and cats"),  # a repeat on one side (`reordered`)
    ],
)
def test_only_a_reordering_is_symmetric(a: str, b: str) -> None:
    p = features._Pair(a, b)
    assert not order.symmetric_reordering(p.tq, p.tc)


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        SYMMETRIC[0],  # commuted operands
        SYMMETRIC[6],  # a symmetric relation
        SYMMETRIC[11],  # joined items
        SYMMETRIC[15],  # the relation after both arguments (German)
        SYMMETRIC[20],  # alternatives of unequal length (Chinese; order.exchanged vetoed them up to format 29)
    ],
)
def test_a_lookup_of_a_symmetric_exchange_has_no_order_swap_and_no_veto(
    shipped_rule_cache: SemanticCache, cached: str, request_: str
) -> None:
    _, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.order_swap == 0.0
    assert fired_vetoes(np.asarray(decision.features.as_tuple(), dtype=np.float64)) == ()


@pytest.mark.parametrize(("cached", "request_"), ASYMMETRIC[:6])
def test_a_lookup_of_the_reverse_question_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str
) -> None:
    served, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.order_swap == 1.0
    assert not served
