"""Subject and object exchanged around a verb is another question (issue 8, cache kind: what differs must never be
invisible; swapped arguments are one kind with reversed direction). Rule format 10 served "Why did Germany invade
Poland?" / "Why did Poland invade Germany?" at 0.991: `order_swap` (the same tokens in another order) is a model
feature only. Real e5 + USE embedders, real embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import pytest

from velo.cache import SemanticCache, order
from velo.cache.features import _Pair
from tests.cache.backends import served_pair

# (cached question, request, format 10's score): two arguments exchanged around what stays between them.
EXCHANGED = [
    ("Why did Germany invade Poland?", "Why did Poland invade Germany?", 0.991),
    ("¿Por qué Alemania invadió Polonia?", "¿Por qué Polonia invadió Alemania?", 0.976),
    ("为什么德国入侵波兰？", "为什么波兰入侵德国？", 0.991),
    ("Did the cat chase the dog?", "Did the dog chase the cat?", 0.946),
    ("Почему Германия напала на Польшу?", "Почему Польша напала на Германию?", 0.0),  # also a role word ("на")
    ("Does Messi earn more than Ronaldo?", "Does Ronaldo earn more than Messi?", 0.0),  # also "than"
    ("Warum hat Deutschland Polen angegriffen, obwohl Polen Deutschland nie bedroht hat?",
     "Warum hat Polen Deutschland angegriffen, obwohl Deutschland Polen nie bedroht hat?", None),
    ("守望先锋里，如何用源氏针对对方的安娜？", "守望先锋里，如何用安娜针对对方的源氏？", None),  # an oasst1 train look-alike
]

# (cached question, request): the same question with its words reordered, or no exchange around a word that stays.
REORDERED = [
    ("What's the capital of France?", "France's capital is what?"),  # neighbours exchanged: nothing between them
    ("What's the capital of France?", "Paris, what country is it the capital of?"),
    ("In Python, how do I read a file?", "How do I read a file in Python?"),  # a phrase moved to the other end
    ("What is the difference between a cat and a dog?", "What is the difference between a dog and a cat?"),
    ("Wie lese ich eine Datei in Python Zeile für Zeile ein?", "Wie lese ich in Python eine Datei Zeile für Zeile ein?"),
    ("¿Por qué Alemania invadió Polonia?", "¿Por qué invadió Alemania a Polonia?"),
    ("为什么德国入侵波兰？", "德国为什么入侵波兰？"),
    # long stretches in each other's place: rewordings of the oasst1 train set (format 11 as first landed vetoed them)
    ("写一首关于人工智能的诗，作者为李白", "以李白为作者，写一首关于人工智能的诗"),
    ("请详细解释一下开源项目OpenAssistant", "OpenAssistant开源项目，详细说说"),
]


def _exchanged(cached: str, request_: str) -> bool:
    """`order.exchanged` on the tokens the hit features compare."""
    pair = _Pair(request_, cached)
    return order.exchanged(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_", "before"), EXCHANGED)
def test_two_arguments_exchanged_around_a_verb(cached: str, request_: str, before: float | None) -> None:
    assert _exchanged(cached, request_) and _exchanged(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), REORDERED)
def test_words_reordered_otherwise_are_no_exchange(cached: str, request_: str) -> None:
    assert not _exchanged(cached, request_) and not _exchanged(request_, cached)


@pytest.mark.parametrize(
    ("cached", "request_", "served"),
    [
        *((c, r, False) for c, r, _ in EXCHANGED[:4]),  # served at 0.95-0.99 by format 10
        ("What's the capital of France?", "France's capital is what?", True),  # 1.0
    ],
)
def test_exchanged_arguments_are_a_miss_and_a_reordering_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got is served, (decision.score, decision.features)
    assert decision.features.role_swap == float(not served)
