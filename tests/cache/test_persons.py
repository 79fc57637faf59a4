"""Who a question is about must not be invisible to the cache (issue 8), and a how-to asked for "I" or for "you" is one
question: a newcomer's findings against hit rule format 25 (the speaker and the listener exchanged, served at
0.95-1.00) and their kin in en / es / de / ru / zh (rule format 26, format 25's weights: `persons.person_swap`, in the
`role_swap` veto). Token-level tests read the veto as the hit features do; the shipped-rule tests use real e5 + USE
embedders, real embedded Milvus and the shipped default rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache
from velo.cache.features import _Pair
from velo.cache.persons import person_swap

# (cached question, request, format 25's score with the answer "the answer to {cached}", format 25 served it).
OTHER_QUESTION = [
    ("How old are you?", "How old am I?", 0.998, True),
    ("Do you love me?", "Do I love you?", 0.993, True),
    ("Can you help me?", "Can I help you?", 0.997, True),
    ("Are you a robot?", "Am I a robot?", 0.999, True),
    ("Where is my phone?", "Where is your phone?", 0.982, True),
    ("Wie alt bist du?", "Wie alt bin ich?", 0.998, True),
    ("Liebst du mich?", "Liebe ich dich?", 0.998, True),
    ("¿Cómo te llamas?", "¿Cómo me llamo?", 0.989, True),
    ("¿Me quieres?", "¿Te quiero?", 1.000, True),
    ("¿Cuántos años tienes?", "¿Cuántos años tengo?", 0.907, False),
    ("你爱我吗？", "我爱你吗？", 0.896, False),
    ("你是机器人吗？", "我是机器人吗？", 0.903, False),
    ("Как тебя зовут?", "Как меня зовут?", 0.949, True),
    ("Ты меня любишь?", "Я тебя люблю?", 1.000, True),
    ("Сколько тебе лет?", "Сколько мне лет?", 0.932, False),
]

# (cached question, request): the same kind on the tokens only (oasst1 train look-alikes among them).
OTHER_QUESTION_TOKENS = [
    ("Who are you?", "Who am I?"),
    ("What is your name?", "What is my name?"),
    ("Wo ist mein Handy?", "Wo ist dein Handy?"),
    ("¿Dónde está mi teléfono?", "¿Dónde está tu teléfono?"),
    ("¿Eres un robot?", "¿Soy un robot?"),
    ("Где мой телефон?", "Где твой телефон?"),
    ("你是谁", "我是谁"),
    ("你可以帮助我做什么事情", "我可以帮助你做什么事情"),
    ("我的手机在哪里？", "你的手机在哪里？"),
]

# (cached question, request, format 25's score): the same question, served by format 25 and by format 26.
SAME_QUESTION = [
    ("What's your name?", "What is your name?", 0.992),
    ("Can you tell me the time?", "Could you tell me the time?", 0.989),
    ("How do I install Python?", "How can I install Python?", 0.989),
    ("How do I install Python?", "How do you install Python?", 0.989),
    ("How do I install Python?", "How does one install Python?", 0.998),
]

# (cached question, request): no veto on the tokens only: a generic doer in another person.
SAME_QUESTION_TOKENS = [
    ("How do I change my password?", "How do you change your password?"),
    ("How can I learn Python?", "How can you learn Python?"),
    ("Wie installiere ich Python?", "Wie installierst du Python?"),
    ("我怎么安装Python？", "你怎么安装Python？"),
    ("How do I install Python?", "How do we install Python?"),
]


def _person_swap(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return person_swap(p.tq, p.tc)


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, *_ in OTHER_QUESTION] + OTHER_QUESTION_TOKENS)
def test_another_person_is_vetoed_either_way(cached: str, request_: str) -> None:
    assert _person_swap(cached, request_) and _person_swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, _ in SAME_QUESTION] + SAME_QUESTION_TOKENS)
def test_the_same_question_is_no_veto(cached: str, request_: str) -> None:
    assert not _person_swap(cached, request_) and not _person_swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "format_25", "served_25"), OTHER_QUESTION)
def test_another_person_is_a_miss(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_25: float, served_25: bool
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == 0.0 and decision.features.role_swap == 1.0, (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "format_25"), SAME_QUESTION)
def test_the_same_question_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, format_25: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.score == pytest.approx(format_25, abs=0.02), (decision.score, decision.features)
