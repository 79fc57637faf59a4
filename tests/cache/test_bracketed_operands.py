"""An operand in brackets or with a sign is an operand (after rule format 32; rc41's finding).

`numbers._operands` counts the numbers a computation is written with, so that "10 * 10" and "10 * 10 * 10" are two
computations (`number_mismatch` 1.0). It read only bare digits between operators, so a computation with bracketed or
signed operands ("(-1)*(-1)*(-1)=?") held no computation at all, and the cache served "(-1)*(-1)=?" from it at 0.972.
Now an operand may be signed and bracketed, and 再 / 然后 ("then") before an operator goes on computing (else
"-1乘以-1再乘以-1" would have counted two operands against its rewording's three). Token replay over the 14,332 labelled
pairs outside dev (/work/scratch/lead/replay_operands.py, main ef2ec35 -> this change): 0 right pairs changed, 3
look-alikes vetoed. Scores before are main f076bc7's with the answer "the answer to {cached}" (/work/scratch/lead/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, arithmetic, numbers

# (cached question, request, score before): another computation, served before, now refused by `number_mismatch`
ANOTHER_COMPUTATION = [
    ("(-1)*(-1)*(-1)=?", "(-1)*(-1)=?", 0.972),
    ("(-1)*(-1)=?", "(-1)*(-1)*(-1)=?", 0.965),
    ("¿Cuánto es (-3) por (-3) por (-3)?", "¿Cuánto es (-3) por (-3)?", 0.948),
    ("(-1)乘以(-1)乘以(-1)等于多少？", "(-1)乘以(-1)等于多少？", 0.946),
    ("What is (-2) times (-2) times (-2)?", "What is (-2) times (-2)?", 0.895),
    ("Was ist (-2) mal (-2) mal (-2)?", "Was ist (-2) mal (-2)?", 0.907),
    ("Сколько будет (-2) умножить на (-2) умножить на (-2)?", "Сколько будет (-2) умножить на (-2)?", 0.898),
]

# (cached question, request): the same computation written otherwise, still the same operands
SAME_COMPUTATION = [
    ("(-1)*(-1)*(-1)=?", "-1 × -1 × -1 等于多少？"),
    ("What is (-2) times (-2)?", "What is -2 times -2?"),
    ("-1 × -1 × -1 等于多少？", "请帮我算一下，-1乘以-1再乘以-1，结果是多少？"),
]


@pytest.mark.parametrize(("cached", "request_", "before"), ANOTHER_COMPUTATION)
def test_another_computation_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert numbers.number_change(request_, cached) == 1.0 and numbers.number_change(cached, request_) == 1.0
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_"), SAME_COMPUTATION)
def test_the_same_computation_has_the_same_operands(cached: str, request_: str) -> None:
    assert numbers.number_change(request_, cached) == 0.0


@pytest.mark.parametrize(("cached", "request_"), SAME_COMPUTATION[:2])
def test_the_same_computation_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, 1.0)


def test_a_phone_number_or_a_list_is_no_computation() -> None:
    assert not numbers.computation_change("Call (555) 123 4567 or (555) 123 4568", "Call (555) 123 4567")
    for text in ("Call (555) 123 4567", "Pick (1) or (2)"):
        assert not any(e.computes for e in arithmetic.read(numbers.arithmetic_text(text)))


def test_a_bracketed_sum_is_two_operands() -> None:
    (expression,) = arithmetic.read("(2+3)*4")
    assert expression.key() == "*(+(2,3),4)"
    assert numbers.computation_change("(2+3)*4=?", "(2+3)*4*4=?")
