"""A Chinese 被 passive with a one-character agent or pronouns, read in the active's order (`velo.cache.passive`, in the
`role_swap` veto after rule format 30; lk40).

Newcomer nc32 found "狗咬了猫吗？" / "狗被猫咬了吗？" (did the dog bite the cat / was the dog bitten by the cat) served at
0.971 by format 30: `passive._chinese` read a 被 clause only with an agent and a verb of three characters or more, so
"猫咬" (two) was one verb with no agent and the clause kept its order. A one-character agent (a pronoun, 人, an
animal's name) now opens the two; pronouns, function words to the features, are exchanged too
(`passive.han_arguments_exchanged`: "他打了我吗？" / "他被我打了吗？"). English, Spanish and German passives were read
already. Shipped-rule tests: real e5 + USE embedders, real embedded Milvus, the shipped rule (weights unchanged);
scores before are format 30's on 9ed1bd8 with the answer "the answer to {cached}" (/work/scratch/lk40/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, order, passive, text

# (cached question, request, score before): the roles exchanged, now refused at 0.0 by the `role_swap` veto.
EXCHANGED = [
    ("狗咬了猫吗？", "狗被猫咬了吗？", 0.971),
    ("狗被猫咬了吗？", "狗咬了猫吗？", 0.983),
    ("蛇咬了鸟吗？", "蛇被鸟咬了吗？", 0.976),
    ("他打了我吗？", "他被我打了吗？", 0.931),
    ("他被我打了吗？", "他打了我吗？", 0.939),
    ("她打了他吗？", "她被他打了吗？", 0.919),
    ("我被他骗了吗？", "我骗了他吗？", 0.975),
    ("他骗了人吗？", "他被人骗了吗？", 0.948),
    ("他被狗咬了吗？", "他咬了狗吗？", 0.983),
]

# (cached question, request): refused already, in the other languages.
EXCHANGED_ALREADY = [
    ("猫抓了老鼠吗？", "猫被老鼠抓了吗？"),
    ("Did the dog bite the cat?", "Was the dog bitten by the cat?"),
    ("¿Mordió el perro al gato?", "¿Fue el perro mordido por el gato?"),
    ("Hat der Hund die Katze gebissen?", "Wurde der Hund von der Katze gebissen?"),
]

# (cached question, request, served, score before and after): the same event in the other voice, or no agent.
SAME_EVENT = [
    ("狗咬了猫吗？", "猫被狗咬了吗？", True, 0.965),
    ("猫咬了狗吗？", "狗被猫咬了吗？", True, 0.967),
    ("狗被猫咬了吗？", "猫咬了狗吗？", True, 0.976),
    ("猫被狗咬了吗？", "狗咬了猫吗？", True, 0.983),
    ("他被狗咬了吗？", "狗咬了他吗？", True, 0.972),
    ("我被他骗了吗？", "他骗了我吗？", True, 0.960),
    ("他被人骗了吗？", "有人骗了他吗？", True, 0.944),
    ("他被我打了吗？", "我打了他吗？", False, 0.869),
    ("她打了他吗？", "他被她打了吗？", False, 0.900),
    ("他被打败了吗？", "他打败了吗？", True, 0.971),  # 被 before a verb of two characters: no agent
    ("Did the cat bite the dog?", "Was the dog bitten by the cat?", True, 0.997),
    ("¿Mordió el gato al perro?", "¿Fue el perro mordido por el gato?", True, 0.994),
    ("Hat die Katze den Hund gebissen?", "Wurde der Hund von der Katze gebissen?", True, 0.993),
]


@pytest.mark.parametrize(("cached", "request_", "before"), EXCHANGED)
def test_a_han_passive_with_its_roles_exchanged_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "served", "score"), SAME_EVENT)
def test_the_same_event_in_the_other_voice_scores_as_before(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


def _exchanged(a: str, b: str) -> bool:
    ta, tb = text.tokens(a), text.tokens(b)
    na, nb = passive.active_order(ta), passive.active_order(tb)
    return order.exchanged(na, nb) or passive.han_arguments_exchanged(ta, tb)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in EXCHANGED] + EXCHANGED_ALREADY[:1] + [
    ("马踢了牛吗？", "马被牛踢了吗？"),
    ("你骗了我吗？", "你被我骗了吗？"),
])
def test_exchanged_roles_are_read_in_the_actives_order(a: str, b: str) -> None:
    assert _exchanged(a, b) and _exchanged(b, a)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, *_ in SAME_EVENT if "被" in c + r] + [
    ("文件被删除了吗？", "文件删除了吗？"),  # no agent: left to the model
    ("哈，被我骗了吧。", "哈哈，你上我的当了。"),  # no one acted on before 被 that is a name: nothing exchanged
])
def test_the_same_event_is_no_exchange(a: str, b: str) -> None:
    assert not _exchanged(a, b) and not _exchanged(b, a)


@pytest.mark.parametrize(("question", "active"), [
    ("狗被猫咬了吗？", "猫咬了狗吗"),
    ("他被我打了吗？", "我打了他吗"),
    ("他被人骗了吗？", "人骗了他吗"),
    ("凯撒被布鲁图背叛了吗？", "布鲁图背叛了凯撒吗"),  # read before lk40
    ("他被打败了吗？", "他被打败了吗"),  # no agent: the order kept
    ("我被困在月球上了，怎么办？", "我被困在月球上了怎么办"),  # a pronoun is the one acted on only before an agent
])
def test_the_actives_order_of_a_han_passive(question: str, active: str) -> None:
    assert "".join(passive.active_order(text.tokens(question))) == active
