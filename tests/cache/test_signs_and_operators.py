"""A number's sign, an operator between operands, a command-line flag's dash and an exponent's sign are what a
question asks (issue 8, cache kind: what differs between two questions must never be invisible to the cache). Real e5 + USE embedders, real embedded Milvus, the shipped default rule: one cache, one namespace per pair.
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
@pytest.mark.parametrize(("lang", "cached", "request_"), SIGNS + OPERATORS + FLAGS + EXPONENTS)
def test_a_sign_an_operator_a_flag_or_numbers_in_another_order_is_a_miss(
    cache: SemanticCache, lang: str, cached: str, request_: str
) -> None:
    served, decision = _served(cache, cached, request_, lang)
    assert not served, (decision.score, decision.features)


# The same quantity: one minus sign written three ways.
SAME_QUANTITY = [
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
        ("What is 10 - 3?", "What is 10 minus 3?"),  # an operator written as a word
        ("What is +5 plus 3?", "What is 5 plus 3?"),  # a plus sign changes no number
        ("What is 10 -3?", "What is 10 - 3?"),  # a minus after a number and a space subtracts
        ("What is the COVID-19 vaccine?", "What is the COVID 19 vaccine?"),  # a hyphen in a name
        ("Is C hard to learn?", "Is C difficult to learn?"),  # a letter standing alone is no unit
        ("I'm 5 and want to learn", "I'm five and want to learn"),
        ("What is 3/4 of 20?", "What is 3/4 of 20 exactly?"),
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
