"""A Chinese comma between two numbers is no decimal comma (rc41, after rule format 32).

NFKC writes the full-width comma "，" as ",", so "若1+1=3，1个苹果加一个苹果等于几个苹果？" had 3.1 among its numbers
(`numbers.number_change`: a decimal comma read as a point) where its rewording "假如1+1=3，那1个苹果..." had 3 and 1: a
number replaced, and the `number_mismatch` veto refused 5 right pairs of the team's oasst1 train rewordings at 0.000.
Chinese writes its decimals with a point; an ASCII comma between digits is still a decimal comma ("3,5" = "3.5").
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, numbers

# (cached question, request, score with the answer "the answer to {cached}", served): 0.000 (number_mismatch) before
SAME_NUMBERS = [
    ("若1+1=3，1个苹果加一个苹果等于几个苹果？", "假如1+1=3，那1个苹果加一个苹果是几个苹果？", 0.944, True),
    ("假如1+1=3，那1个苹果加一个苹果是几个苹果？", "若1+1=3，1个苹果加一个苹果等于几个苹果？", 0.930, False),
    ("如果x=2，3个x是多少？", "如果x=2，那么3个x是多少？", 0.913, False),
    ("如果x=2，那么3个x是多少？", "如果x=2，3个x是多少？", 0.926, False),
]

# (cached question, request, score): another number, refused as before
ANOTHER_NUMBER = [
    ("如果x=2，3个x是多少？", "如果x=2，4个x是多少？", 0.0),
    ("若1+1=3，1个苹果加一个苹果等于几个苹果？", "若1+1=3，1个苹果加两个苹果等于几个苹果？", 0.895),
]


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_NUMBERS)
def test_a_chinese_comma_separates_numbers(cached: str, request_: str, score: float, served: bool) -> None:
    assert numbers.number_change(request_, cached) < 1.0 and numbers.number_change(cached, request_) < 1.0


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_NUMBERS)
def test_the_rewording_is_scored(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score"), ANOTHER_NUMBER)
def test_another_number_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


def test_only_a_chinese_comma_is_read_so() -> None:
    assert numbers.number_change("价格是3，5元", "价格是3.5元") == 1.0  # 3 and 5, not 3.5
    assert numbers.number_change("Is 3,5 bigger than 3?", "Is 3.5 bigger than 3?") == 0.0  # a decimal comma
