""""How" put in place of "why" with every other word kept asks another question (issue 8, cache kind: what differs
must never be invisible; helper veto27, H5). Rule format 8 made manner and reason compatible question words
(`question_words._COMPATIBLE`) for rewordings that change the rest too, and so served "How did Napoleon die?" / "Why
did Napoleon die?" at 0.98: the way a thing happened and its cause are two answers. Real e5 + USE embedders, real
embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import pytest

from velo.cache import SemanticCache, question_words
from velo.cache.features import _Pair
from tests.cache.backends import served_pair

# (cached question, request, format 26's score): "how" in place of "why", the rest word for word: a role_swap veto.
MANNER_FOR_REASON = [
    ("How did Napoleon die?", "Why did Napoleon die?", 0.983),
    ("Как умер Наполеон?", "Почему умер Наполеон?", 0.991),
    ("¿Cómo murió Napoleón?", "¿Por qué murió Napoleón?", 0.998),
    ("Wie starb Napoleon?", "Warum starb Napoleon?", 0.995),
    ("拿破仑是怎么死的？", "拿破仑为什么死？", 0.996),
    ("How did the war start?", "Why did the war start?", 0.950),
    ("How?", "Why?", None),
    ("How can cryptocurrencies be improved and completely revamped/",  # an oasst1 train look-alike (missed at 0.3)
     "Why did cryptocurrencies need to be improved and completely revamped?", None),
]

# (cached question, request, format 26's score): manner beside reason that asks the same, served as before.
SAME_QUESTION = [
    ("Why is the sky blue?", "How come the sky is blue?", 0.982),  # "how come" asks why
    ("Why is the sky blue?", "How is it that the sky is blue?", None),
    ("Why?", "How so?", None),
    ("¿Por qué?", "¿Cómo así?", None),
    ("Почему?", "Как же так?", None),
    ("How does a vaccine work?", "Why does a vaccine work?", 0.976),  # how a thing works is why it works
    ("Wie funktioniert ein Impfstoff?", "Warum funktioniert ein Impfstoff?", 0.979),
    ("¿Cómo funciona una vacuna?", "¿Por qué funciona una vacuna?", 0.992),
    ("Как работает вакцина?", "Почему работает вакцина?", 0.993),
    ("疫苗是怎么起作用的？", "疫苗为什么起作用？", None),
    ("他怎么不来？", "他为什么不来？", 0.969),  # 怎么不: why not
    ("他怎么这么高？", "他为什么这么高？", None),
    # the rest reworded too: team dev and oasst1 train / validation rewordings, left to the model
    ("¿Por qué flotan los barcos si son de acero?", "¿Cómo es posible que un barco de hierro no se hunda?", None),
    ("武汉火神山医院为什么能十天建成?", "请问武汉的火神山医院是怎么做到只用十天就建成的?", None),
    ("人为什么会有偏见？", "偏见是怎么形成的？为什么人会有偏见呢？", None),
    ("how does this matter", "Why is that relevant, though?", None),
]


def _swap(cached: str, request_: str) -> bool:
    pair = _Pair(request_, cached)
    return question_words.question_swap(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_", "before"), MANNER_FOR_REASON)
def test_how_in_place_of_why_is_a_question_swap(cached: str, request_: str, before: float | None) -> None:
    assert _swap(cached, request_) and _swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "before"), SAME_QUESTION)
def test_manner_and_reason_that_ask_the_same_are_no_swap(cached: str, request_: str, before: float | None) -> None:
    assert not _swap(cached, request_) and not _swap(request_, cached)


@pytest.mark.parametrize(
    ("cached", "request_", "served"),
    [*((c, r, False) for c, r, before in MANNER_FOR_REASON if before), *((c, r, True) for c, r, before in SAME_QUESTION if before)],
)
def test_how_for_why_is_a_miss_and_how_come_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got is served, (decision.score, decision.features)
    assert decision.features.role_swap == float(not served)
