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

from velo.cache import CacheConfig, SemanticCache, default_rule, numbers, quantities, roles, text
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

# A sign written as a word is the number's sign, as a minus is.
SIGN_WORDS = [
    ("zh", "零下5度冷吗？", "5度冷吗？"),
    ("zh", "负5的平方是多少？", "5的平方是多少？"),
    ("en", "Is minus 5 degrees cold?", "Is 5 degrees cold?"),
    ("en", "What is minus five squared?", "What is five squared?"),
    ("es", "¿Hace frío a menos 5 grados?", "¿Hace frío a 5 grados?"),
    ("de", "Ist es bei minus 5 Grad kalt?", "Ist es bei 5 Grad kalt?"),
    ("ru", "Холодно ли при минус 5 градусах?", "Холодно ли при 5 градусах?"),
]
# A flag's case is part of it: "-V" (version) is not "-v" (verbose).
FLAG_CASES = [
    ("en", "What does ls -V do?", "What does ls -v do?"),
    ("en", "What does python -V print?", "What does python -v print?"),
    ("de", "Was macht tar -C?", "Was macht tar -c?"),
    ("es", "¿Qué hace grep -R?", "¿Qué hace grep -r?"),
    ("ru", "Что делает ls -S?", "Что делает ls -s?"),
    ("zh", "ls -V 是什么意思？", "ls -v 是什么意思？"),
]
# The same number in another unit, whichever way each side spells its unit.
OTHER_UNITS = [
    ("en", "How long does it take to walk 5 km?", "How long does it take to walk 5 miles?"),
    ("en", "Is 100 °C hot?", "Is 100 °F hot?"),
    ("en", "Is 100℃ hot?", "Is 100 degrees Fahrenheit hot?"),
    ("en", "Is $100 a good price for headphones?", "Is €100 a good price for headphones?"),
    ("en", "Is 100 dollars a good price for headphones?", "Is EUR 100 a good price for headphones?"),
    ("es", "¿Cuánto se tarda en caminar 5 kilómetros?", "¿Cuánto se tarda en caminar 5 millas?"),
    ("de", "Wie lange dauert es, 5 Kilometer zu laufen?", "Wie lange dauert es, 5 Meilen zu laufen?"),
    ("ru", "Сколько идти 5 километров пешком?", "Сколько идти 5 миль пешком?"),
    ("zh", "走5公里要多久？", "走5 miles要多久？"),
    ("zh", "100美元买耳机贵吗？", "100欧元买耳机贵吗？"),
]


@pytest.mark.parametrize(
    ("lang", "cached", "request_"),
    SIGNS + OPERATORS + FLAGS + EXPONENTS + ORDERS + LETTER_UNITS + SIGN_WORDS + FLAG_CASES + OTHER_UNITS,
)
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
    # A sign written as a word.
    ("en", "What is -5 °C in Fahrenheit?", "What is minus 5 °C in Fahrenheit?"),
    ("es", "¿Hace frío a -5 grados?", "¿Hace frío a menos 5 grados?"),
    ("de", "Ist es bei -5 Grad kalt?", "Ist es bei minus 5 Grad kalt?"),
    ("ru", "Холодно ли при -5 градусах?", "Холодно ли при минус 5 градусах?"),
    ("zh", "-5度冷吗？", "零下5度冷吗？"),
    # A unit as a symbol, a word, a code or a Chinese name.
    ("en", "Is 100 °C the boiling point of water?", "Is 100℃ the boiling point of water?"),
    ("en", "Is 100 °C the boiling point of water?", "Is 100 degrees Celsius the boiling point of water?"),
    ("zh", "100摄氏度是水的沸点吗？", "100℃是水的沸点吗？"),
    ("en", "Is $100 a good price for headphones?", "Is 100 dollars a good price for headphones?"),
    ("en", "Is $100 a good price for headphones?", "Is USD 100 a good price for headphones?"),
    ("zh", "100美元买耳机贵吗？", "$100买耳机贵吗？"),
    ("en", "How long does it take to walk 5 km?", "How long does it take to walk 5 kilometers?"),
    ("es", "¿Cuánto se tarda en caminar 5 km?", "¿Cuánto se tarda en caminar 5 kilómetros?"),
    ("de", "Wie lange dauert es, 5 km zu laufen?", "Wie lange dauert es, 5 Kilometer zu laufen?"),
    ("ru", "Сколько идти 5 км пешком?", "Сколько идти 5 километров пешком?"),
    ("zh", "走5公里要多久？", "走5 km要多久？"),
]


@pytest.mark.parametrize(("lang", "cached", "request_"), SAME_QUANTITY)
def test_one_quantity_written_two_ways_is_a_hit(cache: SemanticCache, lang: str, cached: str, request_: str) -> None:
    served, decision = _served(cache, cached, request_, lang)
    assert served, (decision.score, decision.features)
    assert decision.score >= 0.95, decision.features


def _vetoes(a: str, b: str) -> tuple[float, bool, bool]:
    ta, tb = (text.tokens(numbers.as_digits(t)) for t in (a, b))
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
        ("What is 10 minus 3?", "What is 10 - 3?"),  # a sign word after an operand subtracts
        ("Solve x minus 5 = 0", "Solve x - 5 = 0"),
        ("¿Necesito al menos 5 horas?", "¿Necesito 5 horas?"),  # "at least 5"
        ("¿Son más o menos 5 horas?", "¿Son 5 horas?"),  # "about 5"
        ("我负责5个项目", "我负责5个项目啊"),  # 负 of 负责 (in charge of) is no sign
        ("What does rm -RF do?", "What does rm -RF do exactly?"),
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
        ("Python -V, tar -C, T-Shirt", ["python", "-V", "tar", "-C", "t", "shirt"]),  # a flag keeps its case
    ],
)
def test_tokens_keep_signs_operators_and_flags(raw: str, expected: list[str]) -> None:
    assert text.tokens(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("-5", "5", 1.0), ("−5", "-5", 0.0), ("+5", "5", 0.0), ("1e-5", "0.00001", 0.0), ("1e5", "100000", 0.0), ("-0", "0", 0.0),
        ("minus 5", "-5", 0.0), ("minus 5", "5", 1.0), ("menos 5", "-5", 0.0), ("минус 5", "-5", 0.0),
        ("零下5度", "-5度", 0.0), ("零下五度", "5度", 1.0), ("负5", "-5", 0.0), ("minus five", "-5", 0.0),
        ("10 minus 3", "10 - 3", 0.0), ("al menos 5", "5", 0.0), ("正负5", "5", 0.0),
    ],
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
    assert quantities.unit_after_number(text.tokens(raw)) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Is 100℃ hot?", "Is 100 degrees Celsius hot?", True),
        ("100℃热吗？", "100摄氏度热吗？", True),
        ("摄氏100度热吗？", "100 °C热吗？", True),
        ("Is $100 a lot?", "Is USD 100 a lot?", True),
        ("100美元多吗？", "100 dollars多吗？", True),
        ("Сколько идти 5 км?", "Сколько идти 5 километров?", True),
        ("Wie weit sind 5 km?", "Wie weit sind 5 Kilometer?", True),
        ("Is 100 degrees hot?", "Is 100° hot?", True),
        ("Is 100 °C hot?", "Is 100 °F hot?", False),
        ("Is $100 a lot?", "Is €100 a lot?", False),
        ("走5公里要多久？", "走5英里要多久？", False),
        ("Is 100 degrees hot?", "Is 100 degrees Fahrenheit hot?", False),  # a scale one side leaves out
        ("Сколько стоят 5 миллионов?", "Сколько стоят 5 миль?", False),  # a word that starts like a unit is none
        ("Top 5 European cities", "Top 5 euros cities", False),
    ],
)
def test_one_quantity_is_spelled_as_the_cached_question_spells_it(a: str, b: str, same: bool) -> None:
    ta, tb = (quantities.unit_after_number(text.tokens(numbers.as_digits(t))) for t in (a, b))
    assert (quantities.spelled_as(ta, tb) == tb) is same
