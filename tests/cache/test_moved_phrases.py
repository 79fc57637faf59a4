"""A phrase moved whole is the same question (recall43, after rule format 33).

`order.reordered` (the hit features' `order_swap`) gave 1.0 to two questions made of the same tokens in another order
unless `order.symmetric_reordering` found a symmetric exchange: 24 of the 17,170 right pairs outside dev ("eine Datei in
Python" / "in Python eine Datei", "人工智能是什么？" / "什么是人工智能？"). `velo.cache.moved_phrases` reads a phrase moved whole
(a preposition's phrase, a Spanish "de X a Y", "exactly") and a Chinese question word on the other side of 是 as the same
question. `order_swap` is a feature the rule weighs, not one of its vetoes: these pairs were served before and after
(0.96-0.99), and the labelled replay no longer counts them. Since recall44 a phrase moved whole also reads as the same
words, served outright (1.0): the model weighs full overlap in another order as a look-alike's ("¿Por qué es azul el
cielo?" / "¿Por qué el cielo es azul?" 0.885, a miss).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, moved_phrases
from velo.cache.features import _Pair, _veto_features

# (cached question, request, score with the answer "the answer to {cached}", served): the labelled pairs outside dev,
# 0.958-0.989 by the model under recall43, served outright as the same words since recall44 (`features._alike`)
MOVED = [
    ("什么是人工智能？", "人工智能是什么？", 1.0, True),
    ("人工智能是什么？", "什么是人工智能？", 1.0, True),
    ("Wie lese ich in Python eine Datei Zeile für Zeile ein?", "Wie lese ich eine Datei in Python Zeile für Zeile ein?", 1.0, True),
    ("Как в JavaScript проверить, является ли значение массивом?", "Как проверить в JavaScript, является ли значение массивом?", 1.0, True),
    ("How reliable is carbon dating exactly?", "Exactly how reliable is carbon dating?", 1.0, True),
    (
        "¿Cómo ordeno los resultados de una consulta SQL de mayor a menor?",
        "¿Cómo ordeno de mayor a menor los resultados de una consulta SQL?", 1.0, True,
    ),
]

# (cached question, request, score): another question
STILL_REFUSED = [
    ("Is a fruit a tomato?", "Is a tomato a fruit?", 0.0),
    (
        "¿Cómo ordeno los resultados de una consulta SQL de mayor a menor?",
        "¿Cómo ordeno los resultados de una consulta SQL de menor a mayor?", 0.0,
    ),
]


@pytest.mark.parametrize(("cached", "request_", "score", "served"), MOVED)
def test_a_phrase_moved_whole_is_no_order_swap(cached: str, request_: str, score: float, served: bool) -> None:
    assert _veto_features(_Pair(request_, cached))["order_swap"] == 0.0


@pytest.mark.parametrize(("cached", "request_", "score", "served"), MOVED)
def test_moved_is_scored(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED)
def test_another_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert _veto_features(_Pair(request_, cached))["order_swap"] == 1.0
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("a", "b", "moved"),
    [
        ("how do i say thank you in french", "how do i say in french thank you", True),
        ("como se dice gracias en frances", "como se dice en frances gracias", True),
        ("wie sagt man danke auf franzosisch im alltag", "wie sagt man im alltag danke auf franzosisch", True),
        ("как сказать спасибо в письме", "как в письме сказать спасибо", True),
        ("谁 是 老 师", "老 师 是 谁", True),
        ("请 用 golang 语 言 帮 我 写", "请 帮 我 用 golang 语 言 写", True),
        ("exactly what is a monad", "what is a monad exactly", True),
        ("is a tomato a fruit", "is a fruit a tomato", False),
        ("germany invaded poland", "poland invaded germany", False),
        ("ordeno de menor a mayor", "ordeno de mayor a menor", False),
        ("如 何 用 户 登 录", "如 何 登 录 用 户", False),  # 用户 (user) is no "with"
        ("什 么 是 猫 是 狗", "猫 是 什 么 是 狗", False),
    ],
)
def test_moved_whole(a: str, b: str, moved: bool) -> None:
    assert moved_phrases.moved_whole(a.split(), b.split()) is moved
    assert moved_phrases.moved_whole(b.split(), a.split()) is moved
