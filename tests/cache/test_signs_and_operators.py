"""A number's sign, an operator between operands, a command-line flag's dash, an exponent's sign, numbers in another
order around an asymmetric relation and one-letter units are what a question asks (issue 8, cache kind: what differs
between two questions must never be invisible to the cache); a unit written before its number in Chinese is the same
quantity. Real e5 + USE embedders, real embedded Milvus, the shipped default rule: one cache, one namespace per pair.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest

from velo.cache import CacheConfig, SemanticCache, default_rule, numbers, roles, text
from velo.cache.decision import embedder_key
from velo.cache.features import HitFeaturizer
from velo.embedding import Embedder

_NAMESPACES = itertools.count()


@pytest.fixture(scope="module")
def cache(tmp_path_factory, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    config = CacheConfig(uri=str(tmp_path_factory.mktemp("signs") / "cache.db"), collection=f"s_{uuid.uuid4().hex[:8]}", capacity=None)
    with SemanticCache(e5, default_rule(embedder_key(e5.name, use.name)), config, HitFeaturizer(e5, use)) as c:
        yield c


def _served(cache: SemanticCache, cached: str, request_: str, lang: str) -> tuple[bool, object]:
    namespace = f"n{next(_NAMESPACES)}"
    cache.insert(cached, "the cached answer", lang=lang, namespace=namespace)
    result = cache.lookup(request_, lang=lang, namespace=namespace, record=False)
    return result.answer == "the cached answer", result.decision


# (lang, cached question, request): another question; the cache must miss. The newcomer's reports first in each kind.
SIGNS = [
    ("en", "What is -5 °C in Fahrenheit?", "What is 5 °C in Fahrenheit?"),
    ("en", "Is -3 greater than 2?", "Is 3 greater than 2?"),
    ("de", "Was ist -5 Grad Celsius in Fahrenheit?", "Was ist 5 Grad Celsius in Fahrenheit?"),
    ("zh", "-5摄氏度是多少华氏度？", "5摄氏度是多少华氏度？"),
    ("zh", "气温-10度冷吗？", "气温10度冷吗？"),
    ("es", "¿Cuánto es -7 al cuadrado?", "¿Cuánto es 7 al cuadrado?"),
    ("ru", "Сколько будет -7 в квадрате?", "Сколько будет 7 в квадрате?"),
    ("zh", "－5摄氏度冷吗？", "5摄氏度冷吗？"),  # fullwidth minus
    ("es", "¿Es peligroso nadar a ﹣2 grados?", "¿Es peligroso nadar a 2 grados?"),  # small hyphen-minus
]
OPERATORS = [
    ("en", "What is 10 - 3?", "What is 10 + 3?"),
    ("en", "Solve x - 1 = 0", "Solve x + 1 = 0"),
    ("en", "Solve x-1=0", "Solve x+1=0"),
    ("es", "¿Cuánto es 12 - 4?", "¿Cuánto es 12 + 4?"),
    ("de", "Was ergibt 9 - 6?", "Was ergibt 9 + 6?"),
    ("ru", "Сколько будет 8 - 2?", "Сколько будет 8 + 2?"),
    ("zh", "10-3等于几？", "10+3等于几？"),
]
FLAGS = [
    ("en", "What does rm -rf do?", "What does rm rf do?"),
    ("en", "What does -v do in grep?", "What does v do in grep?"),
    ("de", "Was macht ls -l?", "Was macht ls l?"),
    ("es", "¿Qué hace git push --force?", "¿Qué hace git push force?"),
]
EXPONENTS = [
    ("en", "What is 1e-5 in decimal?", "What is 1e5 in decimal?"),
    ("de", "Wie schreibt man 2.5e-3 als Dezimalzahl?", "Wie schreibt man 2.5e3 als Dezimalzahl?"),
]
ORDERS = [
    ("en", "Is 1/2 bigger than 1/3?", "Is 1/3 bigger than 1/2?"),
    ("en", "Is 7 greater than 4?", "Is 4 greater than 7?"),
    ("en", "What is 10 - 3?", "What is 3 - 10?"),
    ("en", "What is 2^10?", "What is 10^2?"),
    ("es", "¿Es 5 mayor que 3?", "¿Es 3 mayor que 5?"),
    ("de", "Ist 7 größer als 4?", "Ist 4 größer als 7?"),
    ("ru", "Правда ли, что 7 больше чем 4?", "Правда ли, что 4 больше чем 7?"),
    ("zh", "3比2大吗？", "2比3大吗？"),
]
LETTER_UNITS = [
    ("en", "Convert 5 ft to m", "Convert 5 m to ft"),
    ("en", "Convert 5 m to cm", "Convert 5 cm to m"),
    ("en", "Convert 5 kg to g", "Convert 5 g to kg"),
    ("en", "Convert 5m to cm", "Convert 5cm to m"),
    ("es", "Convierte 5 m a cm", "Convierte 5 cm a m"),
    ("de", "Rechne 5 m in cm um", "Rechne 5 cm in m um"),
    ("ru", "Переведи 5 м в см", "Переведи 5 см в м"),
]


@pytest.mark.parametrize(("lang", "cached", "request_"), SIGNS + OPERATORS + FLAGS + EXPONENTS + ORDERS + LETTER_UNITS)
def test_a_sign_an_operator_a_flag_or_numbers_in_another_order_is_a_miss(
    cache: SemanticCache, lang: str, cached: str, request_: str
) -> None:
    served, decision = _served(cache, cached, request_, lang)
    assert not served, (decision.score, decision.features)


# The same quantity: a Chinese unit before its number (the standard order for temperatures) or after it; one minus
# sign written three ways.
SAME_QUANTITY = [
    ("zh", "摄氏100度等于多少华氏度？", "100摄氏度等于多少华氏度？"),
    ("zh", "华氏100度等于多少摄氏度？", "100华氏度等于多少摄氏度？"),
    ("en", "What is −5 °C in Fahrenheit?", "What is -5 °C in Fahrenheit?"),
    ("zh", "－5摄氏度冷吗？", "-5摄氏度冷吗？"),
]


@pytest.mark.parametrize(("lang", "cached", "request_"), SAME_QUANTITY)
def test_one_quantity_written_two_ways_is_a_hit(cache: SemanticCache, lang: str, cached: str, request_: str) -> None:
    served, decision = _served(cache, cached, request_, lang)
    assert served, (decision.score, decision.features)


def _vetoes(a: str, b: str) -> tuple[float, bool, bool]:
    ta, tb = (text.tokens(numbers.han_numerals_as_digits(t)) for t in (a, b))
    return numbers.number_change(a, b), text.symbol_swap(ta, tb), roles.role_swap(ta, tb)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("摄氏100度等于多少华氏度？", "100摄氏度等于多少华氏度？"),
        ("What is 10 - 3?", "What is 10 minus 3?"),  # an operator written as a word
        ("What is +5 plus 3?", "What is 5 plus 3?"),  # a plus sign changes no number
        ("What is 10 -3?", "What is 10 - 3?"),  # a minus after a number and a space subtracts
        ("What is the COVID-19 vaccine?", "What is the COVID 19 vaccine?"),  # a hyphen in a name
        ("Is C hard to learn?", "Is C difficult to learn?"),  # a letter standing alone is no unit
        ("I'm 5 and want to learn", "I'm five and want to learn"),
        ("Convert 5km to miles", "Convert 5 km to miles"),  # a unit written onto its number
        ("How many feet are in 5 meters?", "Convert 5 m to ft"),
        ("What is 3/4 of 20?", "What is 3/4 of 20 exactly?"),
        ("Что было в 2020 г.?", "Что было в 2020 году?"),  # "г." is a year here, no gram
    ],
)
def test_rewordings_of_signs_operators_and_units_are_no_veto(a: str, b: str) -> None:
    assert _vetoes(a, b) == (0.0, False, False)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("What is −5?", ["what", "is", "-", "5"]),  # U+2212, "－" and "﹣" are the ASCII minus
        ("－5 ﹣5", ["-", "5", "-", "5"]),
        ("气温-10度", ["气", "温", "-", "10", "度"]),
        ("rm -rf --force", ["rm", "-rf", "--force"]),
        ("x-1=0", ["x", "-", "1", "=", "0"]),
        ("a - b ... c ?", ["a", "b", "c"]),  # a dash in a sentence
        ("well-known e-mail COVID-19", ["well", "known", "e", "mail", "covid", "19"]),
        ("speed in m/s, 6 l/100 km", ["speed", "in", "m", "s", "6", "l", "100", "km"]),  # units
    ],
)
def test_tokens_keep_signs_operators_and_flags(raw: str, expected: list[str]) -> None:
    assert text.tokens(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [("-5", "5", 1.0), ("−5", "-5", 0.0), ("+5", "5", 0.0), ("1e-5", "0.00001", 0.0), ("1e5", "100000", 0.0), ("-0", "0", 0.0)],
)
def test_a_numbers_sign_and_exponent_are_part_of_it(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == change


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("摄氏100度", ["100", "摄", "氏", "度"]),
        ("华氏-40度", ["-", "40", "华", "氏", "度"]),
        ("美元100", ["100", "美", "元"]),
        ("人民币100元", ["人", "民", "币", "100", "元"]),  # 元 is the number's own unit
        ("5美元100", ["5", "美", "元", "100"]),  # 美元 is the unit of 5
        ("2020年5月", ["2020", "年", "5", "月"]),  # a date: 年 is no unit written first
        ("大米5斤", ["大", "米", "5", "斤"]),  # 米 is rice here
    ],
)
def test_only_a_scale_or_currency_written_first_is_moved_after_its_number(raw: str, expected: list[str]) -> None:
    assert roles.unit_after_number(text.tokens(raw)) == expected
