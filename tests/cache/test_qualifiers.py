"""A condition, an addressee or an amount put into a question, nothing else changed: "How do I cook rice?" / "... if I
have no rice cooker?" (0.984), "Explain quantum entanglement." / "... to a physicist." (0.993), "Can dogs eat grapes?" /
"Can dogs eat a few grapes?" (0.988; after rule format 33, a newcomer's finding, nc43, scores with a real answer), read
by `velo.cache.qualifiers.qualifier_added` in the `role_swap` veto.

Token-level tests call `qualifiers.qualifier_added`; the shipped-rule tests use real e5 + USE embedders, real embedded
Milvus and the shipped rule (format 33's weights). Scores before are main's (0b10e9b) with the answer "the answer to
{cached}" (`velo cache score --pairs`, /work/scratch/modal44/probe2_cmp.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.qualifiers import qualifier_added

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

# (cached question, request, score): a free word or courtesy put in: served as before.
SERVED = [
    ("Explain quantum entanglement.", "Explain quantum entanglement to me.", 0.991),
    ("Can dogs eat grapes?", "Can dogs eat some grapes?", 0.979),
    ("Gracias!", "¡Muchas gracias!", 1.000),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
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
