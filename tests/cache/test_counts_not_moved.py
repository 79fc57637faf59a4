"""A count read at a modifier's first word moved nothing (recall43, after rule format 33).

`roles.unit_swap` reads what a number counts as the word right after it and its classifier, and refused two questions
where one number counts a different word of both on each side. In Chinese "一" with a classifier is often "a", and the
word after it the first word of a modifier: "写一首唐代风格的古诗" counts 古诗, but was read as 1 counting 唐 against "写一篇古诗"
(1 counting 古). 100 of the 17,170 right pairs outside dev were refused at 0.000 so (/work/scratch/recall43). A count
moved to another thing now has to change which of the two things comes first, or two numbers exchange their things
(`uncounted.things_exchanged`), and a thing that stands after a modifier closed by 的 on one side is the other side's
count (`uncounted._head_after_de`).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, roles, text, uncounted
from velo.cache.features import _Pair

# (cached question, request, score with the answer "the answer to {cached}", served): 0.000 (role_swap) before; rewordings
# of the labelled pairs outside dev
SAME_COUNT = [
    ("写一首唐代风格的古诗，以水为题。", "以水为题，以唐代的风格，写一篇古诗。", 0.999, True),
    ("以水为题，以唐代的风格，写一篇古诗。", "写一首唐代风格的古诗，以水为题。", 0.999, True),
    # the thing counted after a modifier closed by 的 on one side
    ("你好，请写一首赞美肥宅快乐水（即可口可乐）的打油诗", "你好，能不能请你帮我写一首打油诗，来赞美一下肥宅快乐水，也就是可口可乐？", 0.975, True),
    # the veto lifted, the model refuses
    ("再写一份无人机在智能农业中的应用方案", "能不能再帮我写一份方案，讲讲无人机在智能农业里的应用？", 0.923, False),
    ("SQL里怎么只查询一张表的前10行？", "写一条SQL，取出某个表最开始的十条记录", 0.281, False),
]

# (cached question, request, score): another question, refused as before
STILL_REFUSED = [
    ("五个苹果和三个梨", "三个苹果和五个梨", 0.0),  # two numbers exchange their things
    ("查下未来5天合肥到西安的航班", "你能帮我查询一下未来5天西安到合肥的航班吗", 0.0),  # 合 before 西, then 西 before 合
    ("怎么样劝说一个 mac 用户去尝试一下 windows 系统？", "怎样劝一个windows用户去试试mac系统？", 0.0),
    ("一件衣服原价200元，打八折后多少钱？", "一件衣服打八折后是200元，原价多少钱？", 0.0),
    ("5 apples and 3 pears", "3 apples and 5 pears", 0.0),
    # a look-alike the veto refused by the same misreading: the model refuses it
    ("写一首唐代风格的古诗，以水为题。", "以山为题，以唐代的风格，写一篇古诗。", 0.916),
]


def _unit_swap(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return roles.role_swap(*p.active)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_COUNT)
def test_a_modifier_read_as_the_thing_counted_moves_no_count(cached: str, request_: str, score: float, served: bool) -> None:
    assert not _unit_swap(cached, request_) and not _unit_swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_COUNT)
def test_same_count_is_scored(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5 apples and 3 pears", "3 apples and 5 pears"),
        ("5 manzanas y 3 peras", "3 manzanas y 5 peras"),
        ("5 Äpfel und 3 Birnen", "3 Äpfel und 5 Birnen"),
        ("5 яблок и 3 груши", "3 яблока и 5 груш"),
        ("五个苹果和三个梨", "三个苹果和五个梨"),
        ("查下未来5天合肥到西安的航班", "查下未来5天西安到合肥的航班"),
        ("一件衣服原价200元，打八折后多少钱？", "一件衣服打八折后是200元，原价多少钱？"),
    ],
)
def test_a_count_moved_to_another_thing_is_a_swap(a: str, b: str) -> None:
    assert _unit_swap(a, b) and _unit_swap(b, a)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED)
def test_another_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


def test_things_exchanged_by_order_and_by_two_numbers() -> None:
    a, b = text.tokens("写 1 首 唐 代 风 格 的 古 诗"), text.tokens("以 唐 代 的 风 格 写 1 篇 古 诗")
    assert not uncounted.things_exchanged(a, b, a, b, {"1": ("唐", "古")})  # 唐 before 古 on both sides
    a, b = text.tokens("西 安 到 合 肥 5 天"), text.tokens("合 肥 到 西 安 5 天")
    assert uncounted.things_exchanged(a, b, a, b, {"5": ("西", "合")})
    a, b = text.tokens("5 个 苹 和 3 个 梨"), text.tokens("3 个 苹 和 5 个 梨")
    assert uncounted.things_exchanged(a, b, a, b, {"5": ("苹", "梨"), "3": ("梨", "苹")})


def test_head_after_de() -> None:
    toks = text.tokens("写 1 首 赞 美 可 乐 的 打 油 诗")
    assert uncounted._head_after_de(toks, toks, "1", "打")
    assert not uncounted._head_after_de(toks, toks, "1", "赞")
    toks = text.tokens("写 1 首 诗 2 个 字 的 打 油 诗")  # another number before the 的: not this count's modifier
    assert not uncounted._head_after_de(toks, toks, "1", "打")
