"""A condition, an addressee or an amount put into a question, nothing else changed: "How do I cook rice?" / "... if I
have no rice cooker?" (0.984), "Explain quantum entanglement." / "... to a physicist." (0.993), "Can dogs eat grapes?" /
"Can dogs eat a few grapes?" (0.988; after rule format 33, a newcomer's finding, nc43, scores with a real answer), read
by `velo.cache.qualifiers.qualifier_added` in the `role_swap` veto. A time put in, read through a frame too ("Who won
the World Cup?" / "I want to know who won the World Cup in 2014." 0.977), and a group or a condition one side restricts
its question to among other rewording ("Is ibuprofen safe?" / "Can children take ibuprofen safely?" 0.955), read by
`qualifier_added` and `qualifiers.restriction_added` (nc44, after format 33).

Token-level tests call `qualifiers.qualifier_added`; the shipped-rule tests use real e5 + USE embedders, real embedded
Milvus and the shipped rule (format 33's weights). Scores before are main's (0b10e9b) with the answer "the answer to
{cached}" (`velo cache score --pairs`, /work/scratch/modal44/probe2_cmp.txt); for TIMES and RESTRICTED main's
5bcaee7 (/work/scratch/frame45/score1_base.txt, score2_base.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, numbers, text
from velo.cache.qualifiers import qualifier_added, restriction_added

# (cached question, request, score before): refused now at 0.0.
REFUSED = [
    ("How do I cook rice?", "How do I cook rice if I only have a microwave?", 0.806),
    ("¿Cómo cocino arroz?", "¿Cómo cocino arroz si solo tengo un microondas?", 0.935),
    ("怎么煮米饭？", "如果只有微波炉，怎么煮米饭？", 0.982),
    ("Explain quantum entanglement.", "Explain quantum entanglement to a physicist.", 0.989),
    ("Explica el entrelazamiento cuántico.", "Explica el entrelazamiento cuántico a un físico.", 0.991),
    ("Erkläre Quantenverschränkung einem Physiker.", "Erkläre Quantenverschränkung.", 0.988),
    ("解释一下量子纠缠", "给物理学家解释一下量子纠缠", 0.985),
    ("Can dogs eat grapes?", "Can dogs eat a few grapes?", 0.988),
    ("¿Pueden los perros comer uvas?", "¿Pueden los perros comer unas pocas uvas?", 0.946),
    ("Dürfen Hunde Trauben fressen?", "Dürfen Hunde ein paar Trauben fressen?", 0.996),
    ("狗可以吃葡萄吗？", "狗可以吃几颗葡萄吗？", 0.960),
]

# (cached question, request, score before): a time put in, in a frame or not, refused now at 0.0.
TIMES = [
    ("Who won the World Cup?", "I want to know who won the World Cup in 2014.", 0.977),
    ("¿Quién ganó el Mundial?", "Quiero saber quién ganó el Mundial en 2014.", 0.982),
    (
        "Wer hat die Weltmeisterschaft gewonnen?", "Ich möchte wissen, wer die Weltmeisterschaft 2014 gewonnen hat.",
        0.982,
    ),
    ("谁赢得了世界杯？", "我想知道谁赢得了2014年世界杯。", 0.995),
    ("Кто выиграл чемпионат мира?", "Кто выиграл чемпионат мира в 2014 году?", 0.939),
    ("What was the best movie?", "Tell me what the best movie was last year.", 0.612),
]

# (cached question, request, score before): a group or a condition one side restricts its question to, refused now.
RESTRICTED = [
    ("Is ibuprofen safe?", "Is ibuprofen safe for children?", 0.960),
    ("Is ibuprofen safe?", "Can children take ibuprofen safely?", 0.955),
    ("Is it safe to take ibuprofen?", "Is it safe to take ibuprofen while pregnant?", 0.843),
    ("Can I drink coffee?", "Can I drink coffee when I'm pregnant?", 0.928),
    ("Can I eat sugar?", "Can I eat sugar with diabetes?", 0.928),
    ("¿Es seguro el ibuprofeno?", "¿Es seguro el ibuprofeno para niños?", 0.890),
    ("Ist Ibuprofen sicher?", "Ist Ibuprofen für Kinder sicher?", 0.943),
    ("布洛芬安全吗？", "布洛芬对儿童安全吗？", 0.951),
    ("Безопасен ли ибупрофен?", "Безопасен ли ибупрофен для детей?", 0.934),
    ("Ядовит ли шоколад?", "Ядовит ли шоколад для собак?", 0.887),
]

# (cached question, request, score): a free word or courtesy put in: served as before.
SERVED = [
    ("Explain quantum entanglement.", "Explain quantum entanglement to me.", 0.991),
    ("Can dogs eat grapes?", "Can dogs eat some grapes?", 0.979),
    ("Gracias!", "¡Muchas gracias!", 1.000),
    # both restrict the question, in other words: served as before (scores unchanged)
    ("Is ibuprofen safe for kids?", "Is ibuprofen safe for children?", 0.990),
    ("Can children take ibuprofen safely?", "Is ibuprofen safe for children?", 0.999),
    ("Can I drink coffee while pregnant?", "Can I drink coffee during pregnancy?", 0.997),
    ("布洛芬对儿童安全吗？", "孩子可以吃布洛芬吗？", 0.985),
    ("Безопасен ли ибупрофен для детей?", "Можно ли детям ибупрофен?", 0.981),
    ("Who won the World Cup in 2014?", "I want to know who won the World Cup in 2014.", 0.983),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED + TIMES + RESTRICTED)
def test_a_qualifier_put_in_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_a_free_word_put_in_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b", "kind"),
    [
        ("How do I cook rice?", "How do I cook rice if I have no rice cooker?", "condition"),
        ("How do I cook rice?", "If I have a pot, how do I cook rice?", "condition"),
        ("¿Cómo cocino arroz?", "¿Cómo cocino arroz si no tengo arrocera?", "condition"),
        ("Wie koche ich Reis?", "Wie koche ich Reis, wenn ich keinen Reiskocher habe?", "condition"),
        ("Как приготовить рис?", "Как приготовить рис, если нет рисоварки?", "condition"),
        ("怎么煮米饭？", "如果没有电饭锅，怎么煮米饭？", "condition"),
        ("Explain quantum entanglement.", "Explain quantum entanglement to a physicist.", "audience"),
        ("Explica el entrelazamiento cuántico.", "Explica el entrelazamiento cuántico a un físico.", "audience"),
        ("Erkläre Quantenverschränkung.", "Erkläre Quantenverschränkung einem Physiker.", "audience"),
        ("解释一下量子纠缠", "给物理学家解释一下量子纠缠", "audience"),
        ("Can dogs eat grapes?", "Can dogs eat a few grapes?", "amount"),
        ("¿Pueden los perros comer uvas?", "¿Pueden los perros comer unas pocas uvas?", "amount"),
        ("Dürfen Hunde Trauben fressen?", "Dürfen Hunde ein paar Trauben fressen?", "amount"),
        ("狗可以吃葡萄吗？", "狗可以吃几颗葡萄吗？", "amount"),
        ("Can dogs eat grapes?", "Can dogs eat some grapes?", None),
        ("Explain quantum entanglement.", "Explain quantum entanglement to me.", None),
        ("解释一下量子纠缠", "给我解释一下量子纠缠", None),
        ("Gracias!", "¡Muchas gracias!", None),
        ("А абсолютная единица?", "А если есть абсолютный ноль, то чему равна абсолютная единица?", None),  # labelled right
        ("Можно ли собакам есть виноград?", "Можно ли собакам есть немного винограда?", None),  # the genitive: not read
        ("How do I cook rice?", "How should I cook rice if I have no rice cooker?", None),  # more changed: the model's
    ],
)
def test_qualifier_added(a: str, b: str, kind: str | None) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert qualifier_added(ta, tb) == kind and qualifier_added(tb, ta) == kind


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        ("Who won the World Cup?", "Who won the World Cup in 2014?", "time"),
        ("What was the most popular music?", "What was the most popular music in the 90s?", "time"),
        ("Who won the election?", "Who won the election on November 5, 2024?", "time"),
        ("What was the best movie?", "What was the best movie last year?", "time"),
        ("What is the weather?", "What is the weather tomorrow?", "time"),
        ("¿Quién ganó el Mundial?", "¿Quién ganó el Mundial en 2014?", "time"),
        ("¿Qué música era popular?", "¿Qué música era popular en los años 90?", "time"),
        ("¿Qué pasó?", "¿Qué pasó el 5 de noviembre?", "time"),
        ("Wer hat die Weltmeisterschaft gewonnen?", "Wer hat die Weltmeisterschaft 2014 gewonnen?", "time"),
        ("Was war populär?", "Was war in den 90ern populär?", "time"),
        ("Was geschah?", "Was geschah am 5. November?", "time"),
        ("谁赢得了世界杯？", "谁赢得了2014年世界杯？", "time"),
        ("流行什么音乐？", "90年代流行什么音乐？", "time"),
        ("最好的电影是什么？", "去年最好的电影是什么？", "time"),
        ("Кто выиграл чемпионат мира?", "Кто выиграл чемпионат мира в 2014 году?", "time"),
        ("Что было популярно?", "Что было популярно в 90-х?", "time"),
        ("Что случилось?", "Что случилось 5 ноября?", "time"),
        # now, a number that is no date, a month that may be a modal: none
        ("What is the weather?", "What is the weather today?", None),
        ("How do I install Python?", "How do I install Python 3?", None),
        ("Count to", "Count to 90", None),
        ("Can I eat eggs?", "Can I eat eggs may?", None),
    ],
)
def test_a_time_put_in(a: str, b: str, found: str | None) -> None:
    ta, tb = text.tokens(numbers.as_digits(a)), text.tokens(numbers.as_digits(b))  # as `features._Pair` reads them
    assert qualifier_added(ta, tb) == found and qualifier_added(tb, ta) == found


@pytest.mark.parametrize(
    ("a", "b", "found"),
    [
        ("Is ibuprofen safe?", "Is ibuprofen safe for children?", "child"),
        ("Is ibuprofen safe?", "Can children take ibuprofen safely?", "child"),
        ("Can I drink coffee?", "Can I drink coffee during pregnancy?", "pregnancy"),
        ("Is chocolate toxic?", "Is chocolate toxic to dogs?", "dog"),
        ("Can I take aspirin?", "Can I take aspirin on an empty stomach?", "empty stomach"),
        ("¿Es seguro el ibuprofeno?", "¿Pueden los niños tomar ibuprofeno?", "child"),
        ("¿Puedo tomar café?", "¿Puedo tomar café durante el embarazo?", "pregnancy"),
        ("¿Puedo comer azúcar?", "¿Puedo comer azúcar si tengo diabetes?", "diabetes"),
        ("Ist Schokolade giftig?", "Ist Schokolade für Hunde giftig?", "dog"),
        ("Darf ich Kaffee trinken?", "Darf ich in der Schwangerschaft Kaffee trinken?", "pregnancy"),
        ("布洛芬安全吗？", "布洛芬对儿童安全吗？", "child"),
        ("我可以喝咖啡吗？", "怀孕期间我可以喝咖啡吗？", "pregnancy"),
        ("巧克力有毒吗？", "巧克力对狗有毒吗？", "dog"),
        ("Можно ли ибупрофен?", "Можно ли детям ибупрофен?", "child"),
        ("Можно ли пить кофе?", "Можно ли пить кофе во время беременности?", "pregnancy"),
        ("Можно ли пить аспирин?", "Можно ли пить аспирин натощак?", "empty stomach"),
        # both restrict, in other words; a group named where it restricts nothing; a follow-up asked in short: none
        ("Is ibuprofen safe for kids?", "Is ibuprofen safe for children?", None),
        ("Can children take ibuprofen safely?", "Is ibuprofen safe for children?", None),
        (
            "Can I take ibuprofen without eating anything first?", "Is it safe to take ibuprofen on an empty stomach?",
            None,
        ),  # a labelled right pair
        ("¿Es seguro el ibuprofeno para los niños?", "¿Pueden los niños tomar ibuprofeno?", None),
        ("Ist Ibuprofen für Kinder sicher?", "Dürfen Kinder Ibuprofen nehmen?", None),
        ("该让孩子接触死亡话题吗？", "我们是否应该让学童甚至是幼童接触死亡这个话题？", None),
        ("为什么呢？", "你为什么认为不应该让孩子接触死亡这个话题呢？能说说理由吗？", None),
        ("Безопасен ли ибупрофен для детей?", "Можно ли детям ибупрофен?", None),
        ("How do children learn languages?", "How are languages learned?", None),
        ("Cuentos para niños", "Cuentos infantiles", None),  # labelled right pairs (test_answer_form29)
        ("How do I teach math to a child?", "How can I teach my son math?", None),
        ("Lieder für Kinder", "Kinderlieder", None),
        ("Песни для детей", "Детские песни", None),
        ("热狗好吃吗？", "好吃吗？", None),
    ],
)
def test_a_restriction_put_on_the_question(a: str, b: str, found: str | None) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert restriction_added(ta, tb) == found and restriction_added(tb, ta) == found
