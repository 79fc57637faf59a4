"""An ordinal on one side and a count on the other, or a code's number, move no count (rc41, after rule format 32).

`roles.unit_swap` reads what a number counts at its first occurrence. Where that is "第一个建议" (an ordinal, the first
suggestion) on one side and "写一个程序" (a count) on the other, because the other side wrote "写个程序" without 一, it read 1
counting 建 on one side and 程 on the other and refused rewordings of the team's sets at 0.000 (15 of the 9,612 right
pairs outside dev and the hold-out; /work/scratch/rc41/study); "F-35B 和 F-22 比起来怎么样？" / "F-35B 对比 F-22 呢？" it read as
35b counting 和 / 对 (8 more). `velo.cache.uncounted` reads them as a number used otherwise. Ordinals on both sides, and
counts on both sides, keep their reading.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, order, roles, uncounted
from velo.cache.features import _Pair

_GOLANG = "第一个建议：有一个用来批量提交网络图片网址的页面"

# (cached question, request, score with the answer "the answer to {cached}", served): a count on one side read against
# an ordinal on the other (the first pair from the oasst1 train rewordings, the others made up)
ORDINAL_AGAINST_COUNT = [
    (f"用golang写个程序： {_GOLANG}", f"请用golang语言帮我写一个程序 {_GOLANG}", 0.983, True),
    (f"请用golang语言帮我写一个程序 {_GOLANG}", f"用golang写个程序： {_GOLANG}", 0.975, True),
    # left to the model: "写个" / "写一个" keeps number_mismatch at 0.5
    ("帮我写个函数，第一个参数是文件名", "帮我写一个函数，第一个参数是文件名", 0.918, False),
    ("帮我写一个函数，第一个参数是文件名", "帮我写个函数，第一个参数是文件名", 0.923, False),
    ("给我讲个故事，第一个角色是一只猫", "给我讲一个故事，第一个角色是一只猫", 0.925, False),
    ("给我讲一个故事，第一个角色是一只猫", "给我讲个故事，第一个角色是一只猫", 0.927, False),
]

# (cached question, request, score, served): a designation's number (the oasst1 train rewordings)
CODE_NUMBERS = [
    ("F-35B 和 F-22 比起来怎么样？", "F-35B 对比 F-22 呢？", 0.998, True),
    ("F-35B 对比 F-22 呢？", "F-35B 和 F-22 比起来怎么样？", 0.996, True),
]

# (cached question, request, score): another question, refused as before
STILL_REFUSED = [
    ("第一个不太懂笑点在哪里，第二个笑点还行", "第一个笑点还行，第二个不太懂笑点在哪里", 0.0),  # ordinals on both sides
    ("五个苹果和三个梨", "三个苹果和五个梨", 0.0),  # counts on both sides
    ("帮我写个函数，第一个参数是文件名", "帮我写一个函数，第一个参数是目录名", 0.588),  # the veto lifted, the model refuses
    ("F-35B 和 F-22 比起来怎么样？", "F-35B 和 F-16 比起来怎么样？", 0.0),  # another code: number_mismatch
    ("F-35B 和 F-22 比起来怎么样？", "F-35A 和 F-22 比起来怎么样？", 0.893),
    ("Is the T-800 stronger than the T-1000?", "Is the T-1000 stronger than the T-800?", 0.0),  # role_swap, as before
]


def _role_swap(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return roles.role_swap(*p.active) or order.exchanged(*p.active)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), ORDINAL_AGAINST_COUNT + CODE_NUMBERS)
def test_an_ordinal_against_a_count_moves_no_count(cached: str, request_: str, score: float, served: bool) -> None:
    assert not _role_swap(cached, request_) and not _role_swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), ORDINAL_AGAINST_COUNT + CODE_NUMBERS)
def test_an_ordinal_against_a_count_is_scored(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool
) -> None:
    """0.000 (role_swap) before."""
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED[:2])
def test_ordinals_or_counts_on_both_sides_keep_their_reading(cached: str, request_: str, score: float) -> None:
    assert _role_swap(cached, request_) and _role_swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED)
def test_another_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("before_a", "before_b", "expected"),
    [
        ("第", "写", True), ("写", "第", True), ("-", "-", True), ("f", "比", True), ("ak", "写", True),
        ("第", "第", False), ("写", "讲", False), ("", "", False), ("a", "the", False), ("i", "写", False),
        ("apple", "写", False),
    ],
)
def test_counts_nothing(before_a: str, before_b: str, expected: bool) -> None:
    assert uncounted.counts_nothing(before_a, before_b) is expected
