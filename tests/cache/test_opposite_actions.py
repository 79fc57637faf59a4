"""An action put in the opposite direction by a prefix or a particle is the opposite question (issue 8, cache kind:
what differs between two questions must never be invisible to the cache): "включить" / "выключить", "schalte ...
ein" / "... aus", "turn on" / "turn off", "enable" / "disable", "打开" / "关闭". A rewording with another verb for
the same direction is none. Real e5 + USE embedders, real embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, negation, text


# (lang, cached question, request): the opposite question. The newcomer's reports first (the format 11 rule served
# them at 0.960, 0.978 and 0.981), then the same kind in the five languages.
OPPOSITES = [
    ("ru", "Как включить Bluetooth на телефоне?", "Как выключить Bluetooth на телефоне?"),
    ("ru", "Как включить тёмный режим?", "Как выключить тёмный режим?"),
    ("de", "Wie schalte ich Bluetooth ein?", "Wie schalte ich Bluetooth aus?"),
    ("ru", "Как войти в аккаунт?", "Как выйти из аккаунта?"),
    ("ru", "Как закрыть вкладку?", "Как открыть вкладку?"),
    ("de", "Wie mache ich das Licht an?", "Wie mache ich das Licht aus?"),
    ("de", "Wie mache ich die Tür auf?", "Wie mache ich die Tür zu?"),
    ("en", "How do I turn on Bluetooth?", "How do I turn off Bluetooth?"),
    ("en", "How do I enable dark mode?", "How do I disable dark mode?"),
    ("en", "How do I encrypt a file?", "How do I decrypt a file?"),
    ("en", "How do I log in to Gmail?", "How do I log out of Gmail?"),
    ("en", "How do I zoom in?", "How do I zoom out?"),
    ("es", "¿Cómo activar el modo oscuro?", "¿Cómo desactivar el modo oscuro?"),
    ("zh", "如何打开蓝牙？", "如何关闭蓝牙？"),
    ("zh", "怎么开灯？", "怎么关灯？"),
    # A negating prefix in a stretch of more than one word (rule format 16; format 15 left it to the model: the first
    # a miss at 0.477, the others already vetoed as one word replaced)
    ("en", "How do I connect to the VPN?", "How do I disconnect from the VPN?"),
    ("en", "How do I connect my headphones?", "How do I disconnect my headphones?"),
    ("en", "How to install Docker on Ubuntu?", "How to uninstall Docker on Ubuntu?"),
    ("en", "How do I lock my screen?", "How do I unlock my screen?"),
    ("es", "¿Cómo instalar Python en Windows?", "¿Cómo desinstalar Python de Windows?"),
    ("ru", "Как подключить наушники?", "Как отключить наушники?"),
    ("ru", "Как подписаться на канал?", "Как отписаться от канала?"),
]


# (lang, cached question, request, format 16's score): "with" / "without" and "before" / "after" in every language.
# Format 16 read "with" / "without" only where the two sides differ in function words alone, so the Russian noun's
# case after "с" / "без" hid it; before / after was left to the model (rule format 17: negation._uninflected,
# opposites._RELATION_PAIRS). The newcomer's reports first.
WITH_BEFORE = [
    ("ru", "Можно ли пить ибупрофен с алкоголем?", "Можно ли пить ибупрофен без алкоголя?", 0.976),
    ("ru", "Что есть перед тренировкой?", "Что есть после тренировки?", 0.972),
    ("ru", "Что поесть перед сном?", "Что поесть после сна?", 0.957),
    ("ru", "Можно ли пить кофе без сахара?", "Можно ли пить кофе с сахаром?", None),
    ("ru", "Что есть до тренировки?", "Что есть после тренировки?", 0.776),
    ("en", "Can I take ibuprofen with alcohol?", "Can I take ibuprofen without alcohol?", 0.0),
    ("es", "¿Puedo tomar ibuprofeno con alcohol?", "¿Puedo tomar ibuprofeno sin alcohol?", 0.0),
    ("de", "Kann ich Ibuprofen mit Alkohol nehmen?", "Kann ich Ibuprofen ohne Alkohol nehmen?", 0.0),
    ("zh", "喝咖啡加糖好吗？", "喝咖啡不加糖好吗？", 0.0),
    ("zh", "有糖的咖啡健康吗？", "没有糖的咖啡健康吗？", 0.0),
    ("en", "What should I eat before a workout?", "What should I eat after a workout?", 0.635),
    ("es", "¿Qué debo comer antes de entrenar?", "¿Qué debo comer después de entrenar?", 0.412),
    ("de", "Was soll ich vor dem Training essen?", "Was soll ich nach dem Training essen?", 0.886),
    ("zh", "训练之前应该吃什么？", "训练之后应该吃什么？", 0.840),
    ("zh", "睡前吃什么好？", "睡后吃什么好？", 0.791),
]


@pytest.mark.parametrize(("lang", "cached", "request_", "format_16"), WITH_BEFORE)
def test_with_or_without_before_or_after_is_a_miss(
    shipped_rule_cache: SemanticCache, lang: str, cached: str, request_: str, format_16: float | None
) -> None:
    served, decision = served_pair(shipped_rule_cache, cached, request_, lang)
    assert not served and decision.features.negation_mismatch == 1.0, (decision.score, decision.features)


@pytest.mark.parametrize(("lang", "cached", "request_"), OPPOSITES)
def test_an_action_in_the_opposite_direction_is_a_miss(shipped_rule_cache: SemanticCache, lang: str, cached: str, request_: str) -> None:
    served, decision = served_pair(shipped_rule_cache, cached, request_, lang)
    assert not served, (decision.score, decision.features)
    assert negation.negation_change(text.tokens(cached), text.tokens(request_)) == 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wie schalte ich Bluetooth ein?", "Wie mache ich Bluetooth an?"),  # ein / an: the same direction
        ("How do I turn on Bluetooth?", "How do I switch on Bluetooth?"),
        ("How do I turn on Bluetooth?", "How can I turn Bluetooth on?"),
        ("Как включить Bluetooth на телефоне?", "Как на телефоне включить Bluetooth?"),
        ("如何打开蓝牙？", "怎么打开蓝牙？"),
        ("Was bedeutet das auf Deutsch?", "Was bedeutet das zu Deutsch?"),  # auf / zu after a function word: no particle
        ("关于蓝牙的问题", "打开蓝牙的问题"),  # 关 of 关于 (about) closes nothing
        ("20% off shoes", "20% on shoes"),  # no verb before the particle
        # the letters of a negating prefix that are none (rule format 16: negation._NOT_NEGATED, _LATIN_IN)
        ("How do I cover a cake?", "How do I discover a cake?"),
        ("Where is the stall?", "Where is the install?"),
        ("Dices que es importante", "Me indicas que es importante"),  # oasst1 train rewording: "in-" of a verb
        ("Is it likely to rain?", "Is it not unlikely to rain?"),  # a negation beside: not un-likely
        ("¿Qué hay detrás de la casa?", "¿Qué hay tras de la casa?"),
        # before / prior to, перед / до: the same order in time; 前 of 目前 (now) and 后 of 然后 (then) are other words
        ("What should I eat before a workout?", "What should I eat prior to a workout?"),
        ("Что есть перед сном?", "Что есть до сна?"),
        ("目前怎么办？", "然后怎么办？"),
        ("Можно ли пить кофе с молоком?", "Можно ли пить кофе с сахаром?"),  # с / с: no negation
    ],
)
def test_the_same_direction_or_no_particle_is_no_opposite(a: str, b: str) -> None:
    assert negation.negation_change(text.tokens(a), text.tokens(b)) < 1.0
