"""One quantity written two ways (recall43, after rule format 33): a number and a half in Chinese, a percentage as a
sign or a word, numbers joined into one name by "-" or "/".

- "一个半小时" was read as 1 against "1.5小时" (`number_mismatch` 1.0): `numbers.han_numerals_as_digits` writes a number
  and a half as a decimal ("1.5个小时", "2.5年"); "三点半" (half past three) stays.
- "15 Prozent" / "15 %" was two spellings the token folds missed (0.939): "percent" is a unit of `quantities._UNITS`, so
  one quantity is respelled as the other question spells it (the same words, 1.000), and a percentage moved to the other
  number is a unit swap ("15% of 80" / "80% of 15", served at 0.975 before).
- "50-30-20" / "50/30/20" had `symbol_swap` (one symbol in another's place) although `number_mismatch` reads the run by its
  numbers (`arithmetic.Expression.numbered`, ops42): `arithmetic.numbered_joins` leaves its joins out of `symbol_swap`.
- 零 opening 零食, 零件, 零钱, 零售 ... is no zero.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, arithmetic, numbers
from velo.cache.features import _Pair, _veto_features

_TRAIN_CACHED = "你能帮我查一下明天从北京去杭州的火车票吗？我打算吃完午饭出发，从家到火车站大约要一个半小时，请帮我选一趟最合适的车次。"
_TRAIN_REQUEST = "查明天北京到杭州的火车，午饭后出发，到车站要1.5小时，挑最合适的一趟。"

# (cached question, request, score with the answer "the answer to {cached}", served)
SAME_QUANTITY = [
    # 0.000 (number_mismatch) before; the labelled pairs outside dev: the veto lifted, the model refuses
    (_TRAIN_CACHED, _TRAIN_REQUEST, 0.850, False),
    # 0.939, 0.924, 0.915 before (the first from the labelled pairs outside dev)
    ("Was sind 15 % von 80?", "Was sind 15 Prozent von 80?", 1.0, True),
    ("What is 15% of 80?", "What is 15 percent of 80?", 1.0, True),
    ("Сколько будет 15% от 80?", "Сколько будет 15 процентов от 80?", 1.0, True),
    # 0.000 (symbol_swap) before: the veto lifted, the model refuses (the first from the labelled pairs outside dev)
    ("¿En qué consiste la regla 50/30/20 para organizar el dinero?", "Explícame el método de presupuesto 50-30-20.", 0.0, False),
    ("What happened on 2023/10/05?", "What happened on 2023-10-05?", 0.673, False),
]

# (cached question, request, score, score before)
ANOTHER_QUANTITY = [
    ("到车站要一个小时，该坐哪趟车？", "到车站要一个半小时，该坐哪趟车？", 0.0, 0.947),  # served before: 1 against 1
    ("What is 80% of 15?", "What is 15 percent of 80?", 0.0, 0.975),  # served before
    ("What is 20% of 80?", "What is 15 percent of 80?", 0.0, 0.0),
    ("What is 5/2?", "What is 5-2?", 0.0, 0.0),
]


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_QUANTITY)
def test_same_quantity_is_scored(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool) -> None:
    v = _veto_features(_Pair(request_, cached))
    assert v["number_mismatch"] < 1 and v["symbol_swap"] == 0 and v["role_swap"] == 0
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score", "before"), ANOTHER_QUANTITY)
def test_another_quantity_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("一个半小时", "1.5个小时"), ("1个半小时", "1.5个小时"), ("两年半", "2.5年"), ("3天半", "3.5天"), ("一个半月", "1.5个月"),
        ("三点半", "3点半"), ("半小时", "半小时"), ("一个半苹果", "1个半苹果"),
        ("买零食", "买零食"), ("汽车零件", "汽车零件"), ("零下5度", "0下5度"), ("二百零五", "205"), ("零基础", "0基础"),
    ],
)
def test_han_numerals_as_digits(written: str, digits: str) -> None:
    assert numbers.han_numerals_as_digits(written) == digits


@pytest.mark.parametrize(
    ("request_", "cached"),
    [
        ("What is 15 percent of 80?", "What is 15% of 80?"),
        ("Was sind 15 Prozent von 80?", "Was sind 15 % von 80?"),
        ("Сколько будет 15 процентов от 80?", "Сколько будет 15% от 80?"),
    ],
)
def test_a_percentage_spelled_otherwise_is_the_same_words(request_: str, cached: str) -> None:
    """Not read: Spanish "por ciento" (two words) and Chinese "百分之十五" (before its number)."""
    p = _Pair(request_, cached)
    assert p.tq == p.tc and not any(v >= 1 for v in _veto_features(p).values())


@pytest.mark.parametrize(
    ("text_", "joins"),
    [
        ("el método 50-30-20", {"-": 2}), ("die Regel 50/30/20", {"/": 2}), ("2023/10/05发生了什么", {"/": 2}),
        ("правило 50-30-20", {"-": 2}), ("What is 5-2?", {}), ("50 - 30 - 20", {}),
    ],
)
def test_numbered_joins(text_: str, joins: dict[str, int]) -> None:
    assert arithmetic.numbered_joins(numbers.arithmetic_text(text_)) == joins
