"""A modal of possibility or permission against one of advice or obligation, the only difference (verbs42, a
newcomer's finding: "Can I eat eggs while pregnant?" / "Should I ...?" served at 0.960), read by `velo.cache.modals` in
the `role_swap` veto.

Token-level tests call `modals.modal_change`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus
and the shipped rule (weights unchanged). Scores before are branch verbs42's 8136e98 with the answer "the answer to
{cached}" (/work/scratch/verbs42/score.py, p_modals.txt, modals_before.txt / modals_after.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.modals import modal_change

# (cached question, request, score before): refused now at 0.0 (the first six were served).
REFUSED = [
    ("Can I eat eggs while pregnant?", "Should I eat eggs while pregnant?", 0.960),
    ("Should I eat eggs while pregnant?", "Can I eat eggs while pregnant?", 0.967),
    ("May I eat eggs while pregnant?", "Must I eat eggs while pregnant?", 0.976),
    ("Can I take ibuprofen with coffee?", "Should I take ibuprofen with coffee?", 0.973),
    ("¿Puedo tomar ibuprofeno con café?", "¿Debo tomar ibuprofeno con café?", 0.975),
    ("Do I have to pay taxes on crypto?", "Can I pay taxes on crypto?", 0.980),
    ("¿Puedo comer huevos durante el embarazo?", "¿Debo comer huevos durante el embarazo?", 0.917),
    ("Darf ich in der Schwangerschaft Eier essen?", "Soll ich in der Schwangerschaft Eier essen?", 0.866),
    ("Kann ich in der Schwangerschaft Eier essen?", "Muss ich in der Schwangerschaft Eier essen?", 0.878),
    ("Можно ли есть яйца во время беременности?", "Нужно ли есть яйца во время беременности?", 0.733),
    ("孕妇可以吃鸡蛋吗？", "孕妇应该吃鸡蛋吗？", 0.932),
]

# (cached question, request, score): a modal swapped within its kind, or in other words: served as before.
SERVED = [
    ("Can I eat eggs while pregnant?", "Could I eat eggs while pregnant?", 0.993),
    ("Can I eat eggs while pregnant?", "Is it safe to eat eggs while pregnant?", 0.949),
    ("Can you explain what compound interest is?", "Could you explain what compound interest is?", 1.000),
    ("那你可以做什么呢？", "那你能做什么呢？", 0.986),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_permission_against_advice_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_a_modal_of_the_same_kind_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I eat eggs while pregnant?", "Should I eat eggs while pregnant?"),
        ("May I leave early?", "Must I leave early?"), ("Could we stop here?", "Should we stop here?"),
        ("Can I drink coffee?", "Ought I to drink coffee?"), ("Can I drink coffee?", "Do I have to drink coffee?"),
        ("Can I drink coffee?", "Do I need to drink coffee?"), ("Might it rain?", "Must it rain?"),
        ("¿Puedo comer huevos?", "¿Debo comer huevos?"), ("¿Se puede comer huevos?", "¿Se debe comer huevos?"),
        ("¿Podría tomar café?", "¿Debería tomar café?"), ("¿Puedo pagar en efectivo?", "¿Tengo que pagar en efectivo?"),
        ("Darf ich Eier essen?", "Soll ich Eier essen?"), ("Kann ich Eier essen?", "Muss ich Eier essen?"),
        ("Können wir gehen?", "Sollten wir gehen?"),
        ("Можно ли есть яйца?", "Нужно ли есть яйца?"), ("Могу ли я есть яйца?", "Должна ли я есть яйца?"),
        ("Можно ли есть яйца?", "Стоит ли есть яйца?"),
        ("孕妇可以吃鸡蛋吗？", "孕妇应该吃鸡蛋吗？"), ("我能吃鸡蛋吗？", "我必须吃鸡蛋吗？"), ("可以喝咖啡吗？", "需要喝咖啡吗？"),
    ],
)
def test_permission_against_advice_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert modal_change(ta, tb) and modal_change(tb, ta)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # one kind worded two ways (labelled right pairs: "Can / Could you explain ...?", 可以 / 能, 该 / 要)
        ("Can you explain what compound interest is?", "Could you explain what compound interest is?"),
        ("那你可以做什么呢？", "那你能做什么呢？"), ("我失恋了该怎么安慰自己", "我失恋了要怎么安慰自己"),
        ("Should I learn Python?", "Must I learn Python?"), ("¿Podrías ayudarme?", "¿Puedes ayudarme?"),
        # other words besides, or no modal of the other kind
        ("Сколько воды нужно пить в день?", "Сколько кофе можно пить в день?"),  # a labelled look-alike: left to the model
        ("Can I eat eggs?", "Is it safe to eat eggs?"), ("Shall I open the window?", "Can I open the window?"),
        ("Can I eat eggs?", "Can I eat eggs?"), ("Can I eat eggs?", "Can't I eat eggs?"),
    ],
)
def test_no_modal_change(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not modal_change(ta, tb) and not modal_change(tb, ta)
