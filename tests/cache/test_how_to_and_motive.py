"""A how-to against a why-should is refused; manner beside reason of one event stays served (rule format 29, a
newcomer's finding H2 after format 28). "How can I lose weight?" asks for a procedure, "Why should I lose weight?" for
a motive: format 28 served them at 0.99 because manner beside reason is compatible (`question_words._COMPATIBLE`, the
lead's decision after tester brk27's finding 2). `question_words.how_to_against_motive` refuses a how-to (a doer asking
how to act: "How can I / do you / to ...?", "¿Cómo puedo / se ...?", "Wie kann ich / macht man ...?", "Как
медитировать?", "如何省钱？") against a motive ("Why should / would ...?", "What for?", "¿Por qué debería / Para qué
...?", "Warum sollte / Wozu ...?", "Зачем / Почему я должен ...?", 为什么要 / 何必); a mechanism against a cause of one
event ("How does ice float?" / "Why does ice float?") stays compatible. Since tester brk29's MEDIUM-3 / MEDIUM-4: the
learner's "Why + clause" ("Why sky is blue?", "Why people yawn?") is no motive and "How do you explain that / why ..."
no how-to (both ask the cause); a how-to or a motive worded without how / why is read from a phrase ("What is the best
way to ...?", "la mejor manera de", "der beste Weg", "лучший способ", 最好的方法; "What is the point of ...?", "the
benefits of", "Какой смысл ...?", 有什么好处) and from a German infinitive question ("Wie / Warum Geld sparen?"), a bare
"why be", a bare Chinese "why" ("为啥省钱？") and whether to act at all ("Is it worth ...?", "Should I ...?", "Lohnt es
sich ...?", "Стоит ли ...?", 值得). Token-level tests read the features as the
featurizer does; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, question_words
from velo.cache.features import _Pair

# (cached question, request, format 28's score): refused by the veto (/work/scratch/veto29a/score.py on main a5c2e8c).
REFUSED = [
    ("How can I lose weight?", "Why should I lose weight?", 0.988),
    ("Как медитировать?", "Зачем медитировать?", 0.997),
    ("如何省钱？", "为什么要省钱？", 0.998),
    ("¿Cómo puedo bajar de peso?", "¿Por qué debería bajar de peso?", 0.562),
    ("Wie kann ich abnehmen?", "Warum sollte ich abnehmen?", 0.935),
    ("How do I learn to code?", "Why should I learn to code?", 0.984),
    ("How to meditate?", "Why meditate?", 0.996),
    ("How do you quit smoking?", "Why would you quit smoking?", 0.989),
    ("How can we reduce plastic waste?", "Why do we need to reduce plastic waste?", 0.992),
    ("¿Cómo ahorrar dinero?", "¿Para qué ahorrar dinero?", 0.995),
    ("¿Cómo se aprende a programar?", "¿Por qué debería aprender a programar?", 0.994),
    ("Wie spart man Geld?", "Wozu Geld sparen?", 0.992),
    ("Как научиться программировать?", "Для чего учиться программировать?", 0.998),
    ("Как мне бросить курить?", "Почему я должен бросить курить?", 0.990),
    ("怎么减肥？", "为什么要减肥？", 0.957),
    ("如何冥想？", "为啥要冥想？", 0.990),
]

# (cached question, request, format 29's score, the score now): tester brk29's MEDIUM-4, refused
# (/work/scratch/fix29c/score.py on this branch).
WORDED_OTHERWISE_REFUSED = [
    ("What is the best way to lose weight?", "Why should I lose weight?", 0.946, 0.0),
    ("Why should I lose weight?", "What is the best way to lose weight?", 0.973, 0.0),
    ("What's the best way to save money?", 'Why should I save money?', 0.967, 0.0),
    ('Why should I save money?', "What's the best way to save money?", 0.968, 0.0),
    ("Why save money?", "Tips for saving money?", 0.967, 0.0),
    ("How to be happy?", "Why be happy?", 0.988, 0.0),
    ("Why be happy?", "How to be happy?", 0.975, 0.0),
    ("How do I quit smoking?", "What are the benefits of quitting smoking?", 0.981, 0.0),
    ("What are the benefits of quitting smoking?", "How do I quit smoking?", 0.985, 0.0),
    ("How to meditate?", "What is the point of meditating?", 0.991, 0.0),
    ("What is the point of meditating?", "How to meditate?", 0.999, 0.0),
    ("Wie Geld sparen?", "Warum Geld sparen?", 0.963, 0.0),
    ("Warum Geld sparen?", "Wie Geld sparen?", 0.989, 0.0),
    ("Как бросить курить?", "Какой смысл бросать курить?", 0.988, 0.0),
    ("Какой смысл бросать курить?", "Как бросить курить?", 0.988, 0.0),
    ("如何减肥？", "减肥有什么好处？", 0.985, 0.0),
    ("减肥有什么好处？", "如何减肥？", 0.991, 0.0),
    ("怎样省钱？", "为啥省钱？", 0.987, 0.0),
    ("为啥省钱？", "怎样省钱？", 0.993, 0.0),
    ("Warum sollte ich Geld sparen?", "Was ist der beste Weg, Geld zu sparen?", 0.951, 0.0),
    ("为什么要省钱？", "省钱的最好方法是什么？", 0.961, 0.0),
    ("Is it worth learning Spanish?", "How do I learn Spanish?", 0.983, 0.0),
    ("How do I learn Spanish?", "Is it worth learning Spanish?", 0.949, 0.0),
    ("Should I learn Rust?", "How do I learn Rust?", 0.974, 0.0),
    ("How do I learn Rust?", "Should I learn Rust?", 0.956, 0.0),
    ("Lohnt es sich, Deutsch zu lernen?", "Wie lerne ich Deutsch?", 0.950, 0.0),
]

# (cached question, request, format 29's score, the score now): tester brk29's MEDIUM-3, served again.
CAUSE_SERVED = [
    ("Why ice floats on water?", "How can you explain that ice floats on water?", 0.0, 0.991),
    ("How can you explain that ice floats on water?", "Why ice floats on water?", 0.0, 0.995),
    ("Why sky is blue?", "How do you explain that the sky is blue?", 0.0, 0.996),
    ("How do you explain that the sky is blue?", "Why sky is blue?", 0.0, 0.993),
    ("Why leaves change color in autumn?", "How do you explain leaves changing color in autumn?", 0.0, 0.996),
    ("How do you explain leaves changing color in autumn?", "Why leaves change color in autumn?", 0.0, 0.997),
    ("Why people yawn?", "How can you explain why people yawn?", 0.0, 0.998),
    ("How can you explain why people yawn?", "Why people yawn?", 0.0, 0.996),
    ("Why cats purr?", "How do you explain cats purring?", 0.0, 0.997),
    ("How do you explain cats purring?", "Why cats purr?", 0.0, 0.998),
]

# Other instances: a how-to against a motive in the five languages, either way round.
HOW_TO_AND_MOTIVE = [
    ("How to save money?", "Why save money?"),
    ("How does one start a business?", "Why should one start a business?"),
    ("How can I learn Spanish?", "What for?"),
    ("¿Cómo puedo dejar de fumar?", "¿Por qué tengo que dejar de fumar?"),
    ("¿Cómo meditar?", "¿Por qué meditar?"),
    ("Wie lerne ich programmieren?", "Warum sollte ich programmieren lernen?"),
    ("Wie kann man mit dem Rauchen aufhören?", "Wieso sollte man mit dem Rauchen aufhören?"),
    ("Как похудеть?", "Зачем худеть?"),
    ("Как я могу сэкономить деньги?", "Зачем экономить деньги?"),
    ("我该如何学习编程？", "我为什么要学习编程？"),
    ("怎样戒烟？", "何必戒烟？"),
    ("我们如何省钱？", "为什么我们要省钱？"),
    ("¿Cómo puedo ahorrar?", "¿Por qué yo debería ahorrar?"),
    ("Как медитировать?", "Почему нужно медитировать?"),
    ("How should I invest?", "Why should I invest?"),
    *((c, r) for c, r, _, _ in WORDED_OTHERWISE_REFUSED),
    ("What's the easiest way to learn guitar?", "What's the point of learning guitar?"),
    ("¿Cuál es la mejor manera de ahorrar?", "¿Por qué debería ahorrar?"),
    ("Какой лучший способ экономить деньги?", "Зачем экономить деньги?"),
    ("¿Qué puedo hacer para dormir mejor?", "¿Qué sentido tiene dormir mejor?"),
    ("Wie abnehmen?", "Wozu abnehmen?"),
    ("What should I do to sleep better?", "Why sleep better?"),
    ("Как похудеть?", "В чём смысл худеть?"),
    ("学编程最好的方法是什么？", "学编程有什么意义？"),
    ("How do I explain inflation to my kids?", "Why should I explain inflation to my kids?"),
    ("Стоит ли учить немецкий?", "Как учить немецкий?"),
    ("值得学德语吗？", "怎么学德语？"),
]

# Manner against reason that is no how-to against a motive: no question_swap (the mechanism and the cause of one
# event, "how come" 怎么 before 了, a how-to against a plain why, two how-tos, two motives).
NOT_A_SWAP = [
    ("How does ice float?", "Why does ice float?"),
    ("How did Napoleon die?", "Why did Napoleon die?"),
    ("你怎么哭了？", "你为什么哭了？"),
    ("你怎么哭了？", "你为什么要哭？"),
    ("How do magnets attract iron?", "Why do magnets attract iron?"),
    ("¿Cómo se extinguieron los dinosaurios?", "¿Por qué se extinguieron los dinosaurios?"),
    ("Wie starb Napoleon?", "Warum starb Napoleon?"),
    ("Как умер Наполеон?", "Почему умер Наполеон?"),
    ("拿破仑是怎么死的？", "拿破仑为什么死？"),
    ("天怎么是蓝的？", "为什么天是蓝的？"),
    ("How can I lose weight?", "How do I lose weight?"),
    ("Why should I lose weight?", "Why is it good to lose weight?"),
    ("Как медитировать?", "Как правильно медитировать?"),
    ("Зачем медитировать?", "Почему стоит медитировать?"),
    ("他怎么不来？", "他为什么不来？"),
    ("Почему ты плачешь?", "Как ты плачешь?"),
    ("Why is the sky blue?", "How is the sky blue?"),
    *((c, r) for c, r, _, _ in CAUSE_SERVED),
    ("Why water boils?", "How do you explain that water boils?"),
    ("¿Por qué el cielo es azul?", "¿Cómo explicas que el cielo sea azul?"),
    ("Warum ist der Himmel blau?", "Wie erklärt man, dass der Himmel blau ist?"),
    ("Почему небо голубое?", "Как объяснить, что небо голубое?"),
    ("为什么天是蓝的？", "怎么解释天是蓝的？"),
    ("Why birds migrate?", "How can I lose weight?"),
    ("What is the best way to lose weight?", "What should I do to lose weight?"),
    ("What is the meaning of life?", "How to live?"),
    ("Wie heißen die Planeten?", "Warum heißen die Planeten so?"),
]

# Manner beside reason of one event, served by the shipped rule (format 28's scores, unchanged).
SERVED = [
    ("How does ice float?", "Why does ice float?", 0.989),
    ("How did Napoleon die?", "Why did Napoleon die?", 0.983),
    ("你怎么哭了？", "你为什么哭了？", 0.990),
]


def _swap(cached: str, request_: str) -> bool:
    pair = _Pair(request_, cached)
    return question_words.question_swap(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_"), [*((c, r) for c, r, _ in REFUSED), *HOW_TO_AND_MOTIVE])
def test_a_how_to_against_a_motive_is_a_swap(cached: str, request_: str) -> None:
    assert _swap(cached, request_) and _swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), NOT_A_SWAP)
def test_manner_beside_reason_otherwise_is_no_swap(cached: str, request_: str) -> None:
    assert not _swap(cached, request_) and not _swap(request_, cached)


@pytest.mark.parametrize("question", ["Wozu abnehmen?", "Для чего нужен кофе?", "为啥要省钱？", "何必呢？", "何苦呢？"])
def test_purpose_words_are_reason(question: str) -> None:
    assert question_words.question_words(_Pair(question, question).tq)[0] == "reason"


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_the_false_hit_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 1.0
    assert not got, (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "before"), SERVED)
def test_the_cause_of_one_event_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 0.0
    assert got, (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), WORDED_OTHERWISE_REFUSED)
def test_a_how_to_against_a_motive_worded_otherwise_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 1.0
    assert not got and decision.score == pytest.approx(now, abs=0.02), (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), CAUSE_SERVED)
def test_a_cause_worded_otherwise_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 0.0
    assert got and decision.score == pytest.approx(now, abs=0.02), (decision.score, decision.features)
