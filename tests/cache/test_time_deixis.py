"""A time named from now, moved: "What's the weather this weekend?" / "... next weekend?" (after rule format 33, a
newcomer's finding, nc43: served at 0.993 with a real answer), read by `velo.cache.time_deixis.time_moved` in the
`role_swap` veto.

Token-level tests call `time_deixis.times` and `time_moved`; the shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule (format 33's weights). Scores before are main's (0b10e9b) with the answer "the
answer to {cached}" (`velo cache score --pairs`, /work/scratch/modal44/probe2_cmp.txt): with it the model refused most
of these already; the veto holds them whatever the answer says.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.time_deixis import time_moved, times

# (cached question, request, score before): refused now at 0.0.
REFUSED = [
    ("What's the weather this weekend?", "What's the weather next weekend?", 0.635),
    ("What movies are out this weekend?", "What movies are coming out next weekend?", 0.929),
    ("What happened last week?", "What happened this week?", 0.842),
    ("¿Qué tiempo hará este fin de semana?", "¿Qué tiempo hará el próximo fin de semana?", 0.819),
    ("Wie wird das Wetter dieses Wochenende?", "Wie wird das Wetter nächstes Wochenende?", 0.795),
    ("这个周末天气怎么样？", "下个周末天气怎么样？", 0.834),
    ("Какая погода в эти выходные?", "Какая погода в следующие выходные?", 0.711),
    ("今年的春节是几号？", "去年的春节是几号？", 0.820),
]

# (cached question, request, score): one time, reworded: served as before.
SERVED = [
    ("What's the weather this weekend?", "How's the weather looking this weekend?", 0.967),
    ("帮我安排一下周末的日程", "能不能帮我把这个周末的日程安排一下？", 0.978),  # 一下 is no 下 ("next"): a labelled right pair
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_a_time_moved_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_one_time_reworded_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What's the weather next weekend?", {("weekend", 1)}), ("What happened last year?", {("year", -1)}),
        ("Is it raining today or tomorrow?", {("day", 0), ("day", 1)}),
        ("¿Qué pasó la semana pasada?", {("week", -1)}), ("el fin de semana que viene", {("weekend", 1)}),
        ("¿Qué tiempo hará mañana?", {("day", 1)}), ("¿Qué hago por la mañana?", set()), ("pasado mañana", {("day", 2)}),
        ("Wie wird das Wetter nächstes Wochenende?", {("weekend", 1)}), ("Was machst du heute Morgen?", {("day", 0)}),
        ("Wie war das Wetter gestern?", {("day", -1)}),
        ("Что было на прошлой неделе?", {("week", -1)}), ("Какая погода завтра?", {("day", 1)}),
        ("下个周末天气怎么样？", {("weekend", 1)}), ("去年发生了什么", {("year", -1)}), ("今晚吃什么", {("day", 0)}),
        ("帮我安排一下周末的日程", set()),
        ("What's the weather?", set()), ("What happened in the past year?", set()), ("See you on Monday", set()),
    ],
)
def test_times_named_from_now(question: str, named: set[tuple[str, int]]) -> None:
    assert times(text.tokens(question)) == named


@pytest.mark.parametrize(
    ("a", "b", "moved"),
    [
        ("What's the weather this weekend?", "What's the weather next weekend?", True),
        ("What is the weather today?", "Will it rain tomorrow?", True),
        ("¿Qué tiempo hizo ayer?", "¿Qué tiempo hará mañana?", True),
        ("Was ist diese Woche passiert?", "Was ist letzte Woche passiert?", True),
        ("Какая погода сегодня?", "Какая погода завтра?", True),
        ("今天天气怎么样？", "明天天气怎么样？", True),
        ("What's the weather?", "What's the weather today?", False),  # a time on one side only: the model's
        ("What did you do today?", "What are you doing this week?", False),  # another unit
        ("Compare this year and last year", "Compare last year with this year", False),
        ("明天重要约会，今晚熬夜吗？", "我明天有一场特别重要的约会，今天晚上我应不应该熬夜呢？", False),  # a labelled right pair
    ],
)
def test_time_moved(a: str, b: str, moved: bool) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert time_moved(ta, tb) is moved and time_moved(tb, ta) is moved
