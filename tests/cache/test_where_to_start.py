"""Where to start asks how to start (rc41, after rule format 32).

`question_words.question_swap` read "where do I start?", "从哪里入手" as a place against "how do I get started?", "怎么
入门" and refused rewordings of the team's sets at 0.000 (8 of the 9,612 right pairs outside dev and the hold-out,
/work/scratch/rc41/study). `velo.cache.where_to_start` reads a place word and a manner word each asking how a doer
should start as one question; an event, another verb, or a time word keep the veto.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, question_words
from velo.cache.features import _Pair

# (cached question, request, score with the answer "the answer to {cached}", served): 0.000 (role_swap) before. The
# first pair is from the oasst1 train rewordings, the others are made up in the five languages.
SAME_QUESTION = [
    ("I currently have no qualifications, how can I get started?", "No qualifications yet - where do I start?", 0.997, True),
    ("No qualifications yet - where do I start?", "I currently have no qualifications, how can I get started?", 0.997, True),
    ("I want to learn Rust, how should I begin?", "I want to learn Rust, where should I begin?", 0.946, True),
    ("I want to learn Rust, where should I begin?", "I want to learn Rust, how should I begin?", 0.941, False),
    ("Quiero aprender a programar, ¿por dónde empiezo?", "Quiero aprender a programar, ¿cómo empiezo?", 0.987, True),
    ("Quiero aprender a programar, ¿cómo empiezo?", "Quiero aprender a programar, ¿por dónde empiezo?", 0.952, True),
    ("Ich will programmieren lernen, wo fange ich an?", "Ich will programmieren lernen, wie fange ich an?", 0.959, True),
    ("Ich will programmieren lernen, wie fange ich an?", "Ich will programmieren lernen, wo fange ich an?", 0.944, True),
    ("Хочу выучить Python, где начать?", "Хочу выучить Python, как начать?", 0.980, True),
    ("Хочу выучить Python, как начать?", "Хочу выучить Python, где начать?", 0.982, True),
    ("我想学吉他，从哪里开始？", "我想学吉他，怎么开始？", 0.985, True),
    ("我想学吉他，怎么开始？", "我想学吉他，从哪里开始？", 0.984, True),
    # the veto lifted, the model still refuses (the oasst1 train rewordings)
    ("数据库怎么入门？", "我想学数据库，该从哪里入手？", 0.821, False),
    ("我想学数据库，该从哪里入手？", "数据库怎么入门？", 0.773, False),
]

# (cached question, request, score): another question
STILL_REFUSED = [
    ("我想自己创建一门新的编程语言，请问应该从哪里着手？", "如何学习一门新的编程语言？", 0.0),  # how to learn, not start
    ("如何学习一门新的编程语言？", "我想自己创建一门新的编程语言，请问应该从哪里着手？", 0.0),
    ("Where do I start?", "When do I start?", 0.0),  # a time
    ("I want to learn Rust, where do I start?", "I want to learn Rust, how do I stop?", 0.0),
    ("Where was the marathon started?", "How was the marathon started?", 0.0),  # an event
    ("Where does the race start?", "How does the race start?", 0.0),
    ("马拉松是在哪里开始的？", "马拉松是怎么开始的？", 0.0),
    ("¿Dónde empieza el río Nilo?", "¿Cómo empieza el río Nilo?", 0.0),
    ("从哪里入手？", "什么时候入手？", 0.0),
    ("Ich will programmieren lernen, wo fange ich an?", "Ich will programmieren lernen, wann fange ich an?", 0.0),
    ("我想学数据库，该从哪里入手？", "我想学习操作系统，应当怎么开始？", 0.0),  # another subject (oasst1 look-alike)
]


def _swap(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return question_words.question_swap(p.tq, p.tc)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_QUESTION)
def test_where_to_start_is_how_to_start(cached: str, request_: str, score: float, served: bool) -> None:
    assert not _swap(cached, request_)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_QUESTION)
def test_where_to_start_is_scored(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED[:-1])
def test_an_event_another_verb_or_a_time_keeps_the_veto(cached: str, request_: str, score: float) -> None:
    assert _swap(cached, request_) and _swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED)
def test_another_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)
