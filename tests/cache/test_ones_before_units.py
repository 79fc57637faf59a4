"""A conversion reversed where one of a unit is written as a word: "一公斤等于多少磅？" / "一磅等于多少公斤？",
"¿Cuántas libras es un kilo?" / "¿Cuántos kilos es una libra?" (`quantities.ones_before_units`, read by `roles.role_swap`
in the `role_swap` veto after rule format 30; lk40).

Newcomer nc32 found the Chinese pair served at 0.976 by format 30 (and by the withdrawn format 31): `numbers.as_digits`
reads a lone 一 as 1 only before its `MEASURE_WORDS` (公斤 yes, 磅 no), so one question had "1公斤" and the other "一磅",
no quantity in common, and `unit_swap` saw no unit swapped; "1公斤" / "1磅" was refused. The kind in Spanish: "un kilo"
/ "una libra", whose articles differ with the unit's gender. English, German and Russian were refused already. The
features the model weighs keep `as_digits`' tokens. Shipped-rule tests: real e5 + USE embedders, real embedded Milvus,
the shipped rule (weights unchanged); scores before are format 30's on 9ed1bd8 with the answer "the answer to {cached}"
(/work/scratch/lk40/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, roles, text
from velo.cache.quantities import ones_before_units

# (cached question, request, score before): the conversion reversed, now refused at 0.0 by the `role_swap` veto.
REVERSED = [
    ("一公斤等于多少磅？", "一磅等于多少公斤？", 0.976),
    ("一磅等于多少公斤？", "一公斤等于多少磅？", 0.981),
    ("一英里等于多少公里？", "一公里等于多少英里？", 0.911),
    ("一公里等于多少英里？", "一英里等于多少公里？", 0.903),
    ("一盎司等于多少克？", "一克等于多少盎司？", 0.955),
    ("一加仑等于多少升？", "一升等于多少加仑？", 0.969),
    ("一美元等于多少人民币？", "一人民币等于多少美元？", 0.976),
    ("一英寸等于多少厘米？", "一厘米等于多少英寸？", 0.976),
    ("一英尺是多少米？", "一米是多少英尺？", 0.984),
    ("1公斤等于多少磅？", "一磅等于多少公斤？", 0.958),
    ("¿Cuántas libras es un kilo?", "¿Cuántos kilos es una libra?", 1.0),
    ("¿Cuántas libras son un kilogramo?", "¿Cuántos kilogramos son una libra?", 1.0),
    ("¿Cuántas millas son un kilómetro?", "¿Cuántos kilómetros son una milla?", 0.976),
]

# (cached question, request): refused already.
REVERSED_ALREADY = [
    ("1公斤等于多少磅？", "1磅等于多少公斤？"),
    ("Convert 1 kg to pounds", "Convert 1 pound to kg"),
    ("How many pounds is one kilogram?", "How many kilograms is one pound?"),
    ("Wie viele Pfund sind ein Kilogramm?", "Wie viele Kilogramm sind ein Pfund?"),
    ("Сколько фунтов в одном килограмме?", "Сколько килограммов в одном фунте?"),
    ("¿Cuántas libras son 1 kilo?", "¿Cuántos kilos son 1 libra?"),
]

# (cached question, request, served, score before and after): the same conversion reworded.
SAME_CONVERSION = [
    ("一公斤等于多少磅？", "1公斤等于多少磅？", True, 1.0),
    ("一公斤等于多少磅？", "一公斤是多少磅？", True, 0.945),
    ("一公斤等于多少磅？", "1公斤是几磅？", True, 0.993),
    ("一公斤等于几磅？", "一公斤换算成磅是多少？", True, 0.989),
    ("一英里等于多少公里？", "1英里是多少公里？", True, 0.962),
    ("一英里等于多少公里？", "一英里有多少公里？", False, 0.851),
    ("一磅等于多少公斤？", "一磅是多少千克？", True, 0.960),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REVERSED)
def test_a_reversed_conversion_of_one_unit_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_"), REVERSED_ALREADY)
def test_a_reversed_conversion_stays_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "served", "score"), SAME_CONVERSION)
def test_the_same_conversion_scores_as_before(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("question", "read"), [
    ("一磅等于多少公斤", "1磅等于多少公斤"),
    ("一英里有多远", "1英里有多远"),
    ("一美元", "1美元"),
    ("统一英尺的长度", "统一英尺的长度"),  # 一 ends the word 统一
    ("哪一年", "哪一年"),  # no unit after it (年 is read by `as_digits`), and 哪 picks one out
    ("这是一码事", "这是一码事"),  # one and the same thing, no yard
])
def test_a_lone_one_before_a_han_unit_is_1(question: str, read: str) -> None:
    assert "".join(ones_before_units(text.tokens(question))) == read


@pytest.mark.parametrize(("question", "read"), [
    ("cuantas libras es un kilo", "cuantas libras es 1 kilo"),
    ("wie viele meilen sind eine meile", "wie viele meilen sind 1 meile"),
    ("un perro pesa un kilo", "un perro pesa 1 kilo"),  # an article before no unit stays
])
def test_a_word_for_one_before_a_unit_is_1(question: str, read: str) -> None:
    assert " ".join(ones_before_units(question.split())) == read


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in REVERSED] + REVERSED_ALREADY[:2])
def test_the_conversion_reversed_is_a_role_swap(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert roles.role_swap(ta, tb) and roles.role_swap(tb, ta)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, *_ in SAME_CONVERSION])
def test_the_same_conversion_is_no_role_swap(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not roles.role_swap(ta, tb) and not roles.role_swap(tb, ta)
