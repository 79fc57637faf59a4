"""Role and unit swaps: the same words with their arguments in other roles ask another question.

"Convert 5 km to miles" / "Convert 5 miles to km" (`role_swap`: a role word such as "to", "from", "than", "в",
"成" or an asymmetric operator such as "-" or "^" takes another argument: "Is 1/2 bigger than 1/3?" / "Is 1/3 bigger than
1/2?", "10 - 3" / "3 - 10") and "Wie viele Meilen sind 10 Kilometer" / "Wie viele Kilometer sind 10 Meilen"
(`unit_swap`: a number's unit or counted thing changed) are vetoes of the hit decision. One quantity spelled two ways
("100 °C" / "100 degrees Celsius" / "100摄氏度") is spelled one way before the hit features compare (`spelled_as`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

from velo.cache.numbers import MEASURE_WORDS, ascii_digits, is_number_token
from velo.cache.text import FUNCTION_WORDS, HAN, fold, stem

# Words that give an argument a role ("5 km *to* miles", "*from* English", "bigger *than* a cat"). The
# same words with the arguments swapped ask the reverse question.
_ROLE_MARKERS = frozenset(
    """to into from than in per
    a al de del desde hacia en que
    nach zu zum zur von vom aus als ins pro
    в во на из от до чем к ко за по
    成 到 从 比 至 往 向""".split()
)


_ASYMMETRIC_OPERATORS = frozenset("- / ÷ ^ ** < > <= >= :".split())
"""Operators whose operands in another order ask another question ("10 - 3" / "3 - 10", "2^10" / "10^2", "5 > 3" /
"3 > 5"): role words whose argument is the operand right after them."""


COMMUTATIVE_OPERATORS = frozenset(
    """+ * × x times plus multiplied mal por mas multiplicado multipliziert 乘 乘以 加 加上 умножить умноженное плюс""".split()
)
"""Operators of multiplication and addition (folded: "más" is "mas"): two numbers either side of one ask the same
question either way round ("7 times 8" / "8 times 7", "7加8" / "8加7", "7 умножить на 8"); subtraction, division and
powers do not (`_ASYMMETRIC_OPERATORS`)."""


# Words that join two arguments symmetrically: "the difference between A and B" is "... between B and A".
_COORDINATORS = frozenset("and or vs versus y o e u und oder и или 和 与 或 跟 及".split())


_UNITS = (
    ("km", {"km", "kms", "км", "kilometro", "kilometros"}, ("kilomet", "километр")),
    ("mile", {"mi", "миля", "мили", "миль", "милю", "миле", "милеи", "милям", "милями", "милях"}, ("mile", "milla", "meile")),
    ("kg", {"kg", "kgs", "кг", "kilo", "kilos"}, ("kilogram", "килограм")),
    ("lb", {"lb", "lbs"}, ("pound", "libra", "pfund", "фунт")),
    ("cm", {"cm", "см"}, ("centimet", "zentimet", "сантиметр")),
    ("inch", {"inch", "inches"}, ("pulgada", "zoll", "дюйм")),
    ("liter", {"литр", "литра", "литров"}, ("liter", "litre", "litro")),
    ("gallon", set(), ("gallon", "galon", "галлон")),
    ("celsius", {"°c", "℃"}, ("celsius", "centigrad", "цельси")),
    ("fahrenheit", {"°f", "℉"}, ("fahrenheit", "фаренгейт")),
    ("kelvin", set(), ("kelvin", "кельвин")),
    ("usd", {"usd", "$"}, ("dollar", "dolar", "доллар")),
    ("eur", {"eur", "€", "euro", "euros", "евро"}, ()),
    ("rub", {"rub", "₽"}, ("ruble", "rouble", "rubel", "рубл")),
    ("cny", {"cny", "rmb"}, ("yuan", "renminbi", "юан")),
    ("jpy", {"jpy"}, ("yen", "иен", "йен")),
    ("gbp", {"gbp", "£"}, ("sterling", "стерлинг")),
    ("meter", {"metro", "metros", "метр", "метра", "метров", "метре", "метрах"}, ("meter", "metre")),
    ("foot", {"ft", "foot", "feet", "pie", "pies", "fuss"}, ("фут",)),
    ("yard", {"yd", "yds"}, ("yard", "ярд")),
    ("gram", {"gr"}, ("gram", "грамм")),
    ("ounce", {"oz"}, ("ounce", "onza", "unze", "унци")),
    ("mph", {"mph"}, ()),
    ("second", {"sec", "secs"}, ("second", "segundo", "sekunde", "секунд")),
    ("minute", {"min", "mins"}, ("minute", "minuto", "минут")),
    ("hour", {"hr", "hrs", "час", "часа", "часов", "часах", "часам", "часу"}, ("hour", "hora", "stunde")),
    ("day", {"day", "days", "dia", "dias", "tag", "tage", "tagen", "день", "дня", "дней", "днях", "дням", "днем"}, ()),
    ("week", set(), ("week", "semana", "woche", "недел")),
    ("month", {"mes", "meses"}, ("month", "monat", "месяц")),
    ("year", {"year", "years", "ano", "anos", "jahr", "jahre", "jahren", "год", "года", "лет"}, ()),
    # Kitchen measures, data sizes and power (rule format 23: "How many teaspoons are in a tablespoon?" / "How many
    # tablespoons are in a teaspoon?" read "teaspoons" / "teaspoon" as two stems, "How many MB are in a GB?" held
    # abbreviations only): a unit is one term in every language and form.
    ("teaspoon", {"tsp", "tsps", "cucharadita", "cucharaditas", "cdta", "cdtas"}, ("teaspoon", "teeloffel")),
    ("tablespoon", {"tbsp", "tbsps", "tbs", "cucharada", "cucharadas", "cda", "cdas"}, ("tablespoon", "essloffel")),
    ("cup", {"cup", "cups", "taza", "tazas", "tasse", "tassen", "стакан", "стакана", "стаканов", "стаканы", "стакане"}, ()),
    ("pint", {"pint", "pints", "pinta", "pintas"}, ("пинт",)),
    ("bit", {"bit", "bits", "бит", "бита", "битов"}, ()),
    ("byte", {"byte", "bytes", "баит", "баита", "баитов", "баитах"}, ()),
    ("kb", {"kb", "кб"}, ("kilobyte", "килобаит")),
    ("mb", {"mb", "мб"}, ("megabyte", "мегабаит")),
    ("gb", {"gb", "гб"}, ("gigabyte", "гигабаит")),
    ("tb", {"tb", "тб"}, ("terabyte", "терабаит")),
    # Binary units are units of their own (rule format 29, newcomer finding H3: "How many MB are in 1 GB?" / "... in 1
    # GiB?" was served at 1.000 with GiB spelled GB): 1 GiB is 1.073741824 GB.
    ("kib", {"kib", "киб"}, ("kibibyte", "кибибаит")),
    ("mib", {"mib", "миб"}, ("mebibyte", "мебибаит")),
    ("gib", {"gib", "гиб"}, ("gibibyte", "гибибаит")),
    ("tib", {"tib", "тиб"}, ("tebibyte", "тебибаит")),
    ("watt", {"вт", "ватт", "ватта", "ваттов", "ваттах"}, ("watt", "vatio")),
    ("kw", {"kw", "квт"}, ("kilowatt", "kilovatio", "киловатт")),
    ("horsepower", {"hp", "ps"}, ("horsepower", "pferdestarke")),
)
"""Units and currencies written as a symbol, an abbreviation or a word in the five languages (as folded tokens): "km" and
"kilometers", "$" and "dólares" are one term to `role_swap` and `unit_swap`. Chinese names are `_HAN_UNITS`, one-letter
symbols `_LETTER_UNITS`."""

_LETTER_UNITS = {
    "m": "meter", "g": "gram", "s": "second", "l": "liter", "h": "hour", "k": "kelvin", "c": "celsius", "f": "fahrenheit",
    "м": "meter", "л": "liter", "ч": "hour",
}
"""Units written as one letter: a unit only where a number is attached ("5 m", "5m", "30 °C", "5 м") or a conversion
names it ("to m", "in g", "в м"); elsewhere the letter is a word ("m" of "I'm", "s" of "it's", the language C). Not
the Russian "г" (also "год": "в 2020 г.") nor "с" (also "with")."""

_HAN_UNITS = {
    word: unit
    for unit, words in (
        ("km", "公里 千米"), ("mile", "英里 哩"), ("kg", "公斤 千克"), ("lb", "磅"), ("cm", "厘米 公分 釐米"),
        ("inch", "英寸 吋"), ("liter", "公升 升"), ("gallon", "加仑 加侖"), ("celsius", "摄氏度 摄氏 攝氏度 攝氏"),
        ("fahrenheit", "华氏度 华氏 華氏度 華氏"), ("kelvin", "开尔文 開爾文"), ("usd", "美元 美金"), ("eur", "欧元 歐元"), ("rub", "卢布 盧布"),
        ("cny", "人民币 人民幣 元"), ("jpy", "日元 日圓 日幣 円"), ("gbp", "英镑 英鎊"), ("meter", "米 公尺"),
        ("foot", "英尺 呎"), ("yard", "码 碼"), ("gram", "克 公克"), ("ounce", "盎司 安士"), ("jin", "斤"),
        ("second", "秒 秒钟 秒鐘"), ("minute", "分钟 分鐘"), ("hour", "小时 小時 钟头 鐘頭"), ("day", "天"),
        ("week", "周 週 星期 个星期 個星期"), ("month", "个月 個月"), ("year", "年"),
        ("teaspoon", "茶匙 小勺"), ("tablespoon", "汤匙 湯匙 大勺"), ("byte", "字节 字節"), ("bit", "比特"),
        ("kb", "千字节 千字節"), ("mb", "兆字节 兆字節"), ("gb", "吉字节 吉字節"), ("tb", "太字节 太字節"),
        ("watt", "瓦 瓦特"), ("kw", "千瓦"), ("horsepower", "马力 馬力 匹马力 匹馬力"),
    )
    for word in words.split()
}
"""The units of `_UNITS` as Chinese writes them, Simplified and Traditional. A Han character is one token, so a unit is
a run of tokens ("公", "里"), matched longest first ("美元" before "元", "公斤" before "斤"). Left out: 块 (yuan, also "a
piece"), 分 (minute, also a point or a cent), 月 and 日 after a number (a date: "10月" is October, "10个月" ten months)."""
_HAN_UNIT_LENGTHS = sorted({len(w) for w in _HAN_UNITS}, reverse=True)

_UNIT_NAMES = frozenset(u for u, _, _ in _UNITS) | frozenset(_HAN_UNITS.values())


_DEGREES = ("degree", "grad", "градус", "°")
"""Words for degrees, which stand between a number and its scale ("20 degrees Celsius", "20 grados", "20 Grad", "20 градусов")."""


def _han_unit_span(toks: list[str], at: int) -> tuple[str, int] | None:
    """The unit (`_HAN_UNITS`) whose Chinese name starts at token `at` and the name's length in tokens ("5公里" -> ("km",
    2)), else None."""
    for n in _HAN_UNIT_LENGTHS:
        unit = _HAN_UNITS.get("".join(toks[at : at + n]))
        if unit is not None and all(HAN.fullmatch(t) for t in toks[at : at + n]):
            return unit, n
    return None


def _han_unit(toks: list[str], at: int) -> str | None:
    """The unit (`_HAN_UNITS`) whose Chinese name starts at token `at` ("5公里" -> "km"), else None."""
    found = _han_unit_span(toks, at)
    return found[0] if found else None


_FOLDED_UNITS = tuple((unit, {fold(w) for w in words}, tuple(fold(p) for p in prefixes)) for unit, words, prefixes in _UNITS)
"""`_UNITS` as tokens spell them (folded: "фаренгейт" is "фаренгеит", "ß" is "ss")."""


def _unit_form(token: str) -> bool:
    """Whether a token is a unit's symbol, abbreviation or word (`_UNITS`), or a unit's stem with an ending of at most
    four characters ("kilometros", "километрах", "килограммами"): not a longer word that starts alike ("milestones")."""
    return any(
        token in words or any(token.startswith(p) and len(token) - len(p) <= 4 for p in prefixes)
        for _, words, prefixes in _FOLDED_UNITS
    )


@functools.lru_cache(maxsize=1 << 16)  # a pure function of one token: the vetoes ask for each token's term many times
def _term(token: str) -> str:
    """A token as `role_swap` compares it: the unit it names (`_UNITS`), else its stem."""
    for unit, words, prefixes in _FOLDED_UNITS:
        if token in words or token.startswith(prefixes):
            return unit
    return stem(token)


def term(token: str) -> str:
    """A token as the exchange of two arguments around function words compares it: a function word as it is, else
    `_term` (a unit as its name, a word as its stem)."""
    return token if token in FUNCTION_WORDS else _term(token)


def _term_at(toks: list[str], at: int) -> str:
    """`_term` of token `at`, a one-letter unit (`_LETTER_UNITS`) read as one right after a number, a word for degrees
    or a role word ("5 m", "30 ° c", "to m"; "I'm" and the language C are no units)."""
    t = toks[at]
    if t in _LETTER_UNITS and at and (
        is_number_token(toks[at - 1]) or toks[at - 1] in _ROLE_MARKERS or toks[at - 1].startswith(_DEGREES)
    ):
        return _LETTER_UNITS[t]
    return _term(t)


def unit_at(toks: list[str], at: int) -> str | None:
    """The unit (`_UNIT_NAMES`) whose symbol, abbreviation or word starts at token `at` ("kg", "$", "m" after a number,
    "公斤"), else None."""
    if not 0 <= at < len(toks):
        return None
    unit = _han_unit(toks, at) or _term_at(toks, at)
    written = toks[at]
    return unit if unit in _UNIT_NAMES and (HAN.match(written) or written in _LETTER_UNITS or _unit_form(written)) else None


_GLUED = re.compile(r"(\d+(?:[.,]\d+)?)([^\W\d_]+)")


def _unglued(toks: list[str]) -> list[str]:
    """Tokens with a number and the unit written onto it apart ("5km" -> "5", "km"; "5m" -> "5", "m"). Not "5k" (five
    thousand) nor "1990s" (a decade)."""
    out = []
    for t in toks:
        m = _GLUED.fullmatch(t)
        if m and m[2] not in ("k", "s") and (m[2] in _LETTER_UNITS or _term(m[2]) in _UNIT_NAMES):
            out += [m[1], m[2]]
        else:
            out.append(t)
    return out


def _number_at(toks: list[str], at: int) -> str | None:
    """The number that starts at token `at`, with its sign and as a fraction or ratio ("-5", "1/3", "3:2"), else None."""
    k = at + (toks[at : at + 1] == ["-"])
    if k >= len(toks) or not is_number_token(toks[k]):
        return None
    while k < len(toks) and (
        is_number_token(toks[k]) or (toks[k] in ("/", ":") and k + 1 < len(toks) and is_number_token(toks[k + 1]))
    ):
        k += 1
    return " ".join(toks[at:k])


_UNITS_BEFORE_NUMBERS = frozenset("celsius fahrenheit usd eur rub cny jpy gbp".split())
"""Units Chinese writes before their number: temperature scales ("摄氏100度", the standard order) and currencies
("人民币100元", "美元100")."""


def unit_after_number(toks: list[str]) -> list[str]:
    """Tokens with a Chinese unit written before its number (`_UNITS_BEFORE_NUMBERS`) moved after it ("摄氏100度" ->
    "100摄氏度", "美元100" -> "100美元"): one quantity in either order. Not a unit that ends another number's quantity
    ("5美元100" stays) nor one before a number with a unit of its own ("人民币100元" reads 元 already)."""
    out = list(toks)
    i = 0
    while i < len(out):
        if not is_number_token(out[i]) or (i and is_number_token(out[i - 1])):
            i += 1
            continue
        j = i
        while j < len(out) and is_number_token(out[j]):
            j += 1
        start = i - (out[i - 1 : i] == ["-"])  # "华氏-40度"
        # The longest unit name ending there: "5美元100" ends in 美元, the unit of 5, not in 元.
        n = next((n for n in _HAN_UNIT_LENGTHS if start >= n and "".join(out[start - n : start]) in _HAN_UNITS), 0)
        name = out[start - n : start]
        if (
            n and _HAN_UNITS["".join(name)] in _UNITS_BEFORE_NUMBERS and all(HAN.fullmatch(t) for t in name)
            and not (start > n and is_number_token(out[start - n - 1])) and _han_unit(out, j) is None
        ):
            out[start - n : j] = out[start:j] + name
        i = j
    return out


def _roles(toks: list[str]) -> dict[str, list[tuple[str, set[str]]]]:
    """Each role word -> every occurrence's argument: (its first term, all its terms). The argument is the content
    words among the three tokens after the role word, up to the next role word ("from Paris to London": Paris for
    "from", London for "to"; numbers skipped: "from 5 km"; a one-letter unit counts: "to m"), else the number right
    after it ("than 1/3", "比2"). A Han role word takes the very next character, or the unit whose name starts there
    ("换算成英里": mile). An asymmetric operator (`_ASYMMETRIC_OPERATORS`) takes the operand right after it.

    Every occurrence counts: in "How to convert JSON to CSV" the first "to" is the infinitive's (argument "convert"),
    the second the target's (CSV). Format 9 kept the first occurrence only and let a window span the next role word
    ("from Paris to London" gave "from" both cities), so "How to convert JSON to CSV" / "How to convert CSV to JSON"
    and "from Paris to London" / "from London to Paris" showed no swap."""
    roles: dict[str, list[tuple[str, set[str]]]] = {}
    for i, t in enumerate(toks):
        if t in _ASYMMETRIC_OPERATORS:
            if (operand := _number_at(toks, i + 1) or (_term_at(toks, i + 1) if i + 1 < len(toks) else None)) is not None:
                roles.setdefault(t, []).append((operand, {operand}))
            continue
        if t not in _ROLE_MARKERS or (t == "que" and (i == 0 or toks[i - 1] == "por")):
            continue  # "¿Qué ...?", "¿Por qué ...?": a question word, not "than"
        if t == "на" and i and toks[i - 1].startswith("умнож"):
            continue  # "7 умножить на 8": a multiplication's operand has no role ("больше на 5" keeps it)
        if HAN.fullmatch(t) and (unit := _han_unit(toks, i + 1)) is not None:
            roles.setdefault(t, []).append((unit, {unit}))
            continue
        args = []
        for j in range(i + 1, min(len(toks), i + (2 if HAN.fullmatch(t) else 4))):
            if args and (toks[j] in _ROLE_MARKERS or toks[j] in _ASYMMETRIC_OPERATORS):
                break  # the next role word's argument ("from Paris to London"); "to a string" reads past the article "a"
            if (j == i + 1 and toks[j] in _LETTER_UNITS) or (
                toks[j] not in FUNCTION_WORDS and not toks[j][0].isdigit() and toks[j] != "-"
            ):
                args.append(_term_at(toks, j))
        if not args and (number := _number_at(toks, i + 1)) is not None:
            args = [number]
        if args:
            roles.setdefault(t, []).append((args[0], set(args)))
    return roles


def _swapped(occurrences_a: list[tuple[str, set[str]]], occurrences_b: list[tuple[str, set[str]]]) -> bool:
    """Whether one role word's arguments (`_roles`) differ on both sides: each side has an occurrence whose first term
    no occurrence on the other side starts with, and those occurrences' terms differ both ways. Not an argument one
    side leaves out ("в градусы Фаренгейта" / "в Фаренгейты": Фаренгейт is among the other side's terms) nor an
    occurrence one side adds ("How to convert JSON to CSV" / "How do I convert JSON to CSV": CSV on both sides)."""
    firsts_a, firsts_b = {f for f, _ in occurrences_a}, {f for f, _ in occurrences_b}
    lost_a, lost_b = firsts_a - firsts_b, firsts_b - firsts_a
    if not lost_a or not lost_b:
        return False
    terms_a = set().union(*(terms for f, terms in occurrences_a if f in lost_a))
    terms_b = set().union(*(terms for f, terms in occurrences_b if f in lost_b))
    return bool(terms_a - terms_b) and bool(terms_b - terms_a)


def _number_runs(toks: list[str]) -> Iterator[tuple[int, int]]:
    """Where each run of number tokens starts and ends ("10", "5" of "10.5"; "十", "五"), a Chinese unit's name
    not included ("5千米": 5, then km)."""
    i = 0
    while i < len(toks):
        if not is_number_token(toks[i]) or _han_unit(toks, i) is not None:
            i += 1
            continue
        j = i
        while j < len(toks) and is_number_token(toks[j]) and _han_unit(toks, j) is None:
            j += 1
        yield i, j
        i = j


def _quantities(toks: list[str], units: bool = False) -> dict[str, tuple[str, str]]:
    """Each number's unit or counted thing -- with `units`, the unit (`_UNIT_NAMES`) right after it, after a word for
    degrees, or else right before it ("10公里" -> km, "100美元" -> usd, "20 degrees Celsius" -> celsius, "$100" and
    "USD 100" -> usd; nothing for a number without one); else the stem of the content word right after it, or after one function
    or measure word ("10 Kilometer" -> kilomet, "5 millas" -> mill, "10公里" -> 公, "五个苹果" -> 苹, "200元原价" -> 原; none in
    "200块的衣服") -- and the stem of the token right before it. A run of number tokens ("10", "5" of "10.5"; "十", "五") is one number; the first
    occurrence of a number counts."""
    out: dict[str, tuple[str, str]] = {}
    for i, j in _number_runs(toks):
        number = ascii_digits(" ".join(toks[i:j]))
        if units:
            k = j + (j < len(toks) and toks[j].startswith(_DEGREES))  # "20 degrees Celsius", "20 Grad Fahrenheit"
            unit = _han_unit(toks, k) or (_term_at(toks, k) if k < len(toks) else "")
            if unit not in _UNIT_NAMES and i:
                unit = _term(toks[i - 1])  # "$100", "USD 100"
            if unit in _UNIT_NAMES:
                out.setdefault(number, (unit, _term(toks[i - 1]) if i else ""))
            continue
        after = list(range(j, min(j + 2, len(toks))))
        if after and _term_at(toks, after[0]) == toks[after[0]] and (
            toks[after[0]] in FUNCTION_WORDS or MEASURE_WORDS.fullmatch(toks[after[0]]) or not toks[after[0]][0].isalnum()
        ):
            after = after[1:]  # "5 个 苹果", "30 ° C" (a unit symbol such as "$" or "€" is kept)
        unit = toks[after[0]] if after else ""
        term = _term_at(toks, after[0]) if after else ""
        if unit and (unit not in FUNCTION_WORDS or term != unit) and not is_number_token(unit) and (unit[0].isalnum() or term != unit):
            out.setdefault(number, (term, _term(toks[i - 1]) if i else ""))
    return out


_DEGREE_WORDS = frozenset("° degree degrees grad grado grados градус градуса градусов градусах 度".split())
"""Words for degrees with no scale after them ("100 degrees", "100°", "100 Grad", "100度"): one unit, "degree"."""


def _unit_spans(toks: list[str]) -> dict[str, tuple[str, int, int]]:
    """Each number with a unit (its first occurrence) -> (the unit, where the quantity's tokens start, where they end):
    the unit after the number ("5 km", "5 kilometers", "5 公 里", "100 ° c", "100 degrees celsius", "100 摄 氏 度"), a word
    for degrees with no scale ("100 degrees", "100 度": "degree") or the unit before it ("$ 100", "usd 100")."""
    out: dict[str, tuple[str, int, int]] = {}
    for i, j in _number_runs(toks):
        k = j + (j < len(toks) and toks[j].startswith(_DEGREES))
        han = _han_unit_span(toks, k)
        unit, start, end = "", i, j
        if han is not None:
            unit, end = han[0], k + han[1]
        elif k < len(toks) and _term_at(toks, k) in _UNIT_NAMES and (toks[k] in _LETTER_UNITS or _unit_form(toks[k])):
            unit, end = _term_at(toks, k), k + 1
        elif j < len(toks) and toks[j] in _DEGREE_WORDS:
            unit, end = "degree", j + 1
        elif i and _term(toks[i - 1]) in _UNIT_NAMES and _unit_form(toks[i - 1]):
            unit, start = _term(toks[i - 1]), i - 1
        if unit:
            out.setdefault(ascii_digits(" ".join(toks[i:j])), (unit, start, end))
    return out


_UNIT_SIZES = {
    "km": ("length", Decimal(1000)), "meter": ("length", Decimal(1)), "cm": ("length", Decimal("0.01")),
    "mile": ("length", Decimal("1609.344")), "yard": ("length", Decimal("0.9144")), "foot": ("length", Decimal("0.3048")),
    "inch": ("length", Decimal("0.0254")), "kg": ("mass", Decimal(1000)), "gram": ("mass", Decimal(1)),
    "lb": ("mass", Decimal("453.59237")), "ounce": ("mass", Decimal("28.349523125")), "second": ("time", Decimal(1)),
    "minute": ("time", Decimal(60)), "hour": ("time", Decimal(3600)), "day": ("time", Decimal(86400)),
    "week": ("time", Decimal(604800)), "watt": ("power", Decimal(1)), "kw": ("power", Decimal(1000)),
}
"""Units of one family with their exact sizes (international yard and pound): "1 kg" and "1000 g", "1 foot" and "12
inches", "1 hour" and "60 minutes" are one quantity. Not temperatures (an offset), months and years (no fixed size),
currencies (a rate). Power since rule format 23 ("1 kW" / "1000 watts"); not horsepower (two sizes: hp and PS) nor
kitchen measures (US or metric). Data sizes since rule format 27, in both readings (`_DATA_SIZES`)."""
_DATA_SIZES = {"kb": 1, "mb": 2, "gb": 3, "tb": 4, "kib": 1, "mib": 2, "gib": 3, "tib": 4}
"""Data sizes by their power of 1000 or of 1024: a writer's "1 GB" is 1000 MB or 1024 MB (SI or binary prefixes), so
either is the same quantity ("1 GB" / "1000 MB" / "1024 MB"; not "100 MB"); a binary unit ("GiB", `_BINARY`) by 1024
only ("1 GiB" / "1024 MiB"; "1 GiB" / "1 GB" is the same number in another unit: `unit_swap`)."""
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


_BINARY = frozenset("kib mib gib tib".split())
"""The binary data units of `_DATA_SIZES` (kibibyte ...), sized by 1024 only."""
_BITS = re.compile(r"\d\s*[kKmMgGtT]i?b(?![^\W\d_])")
"""A data size written with a lower-case "b" ("1 Gb", "100 Mb", "1 gb"): bits or bytes, which the folded token no longer
tells ("1 Gb" / "1000 MB" were one quantity at format 27)."""


def _value(number: str, unit: str) -> frozenset[tuple[str, Decimal]]:
    """A quantity's family and its sizes in the family's base unit (`_UNIT_SIZES`, `_DATA_SIZES`; a binary unit,
    "GiB", by 1024 only), for a number written in digits with or without a decimal point ("1.5": `equal_quantities`);
    empty for any other."""
    if not _DECIMAL.fullmatch(number):
        return frozenset()
    if unit in _DATA_SIZES:
        bases = (1024,) if unit in _BINARY else (1000, 1024)
        return frozenset(("data", Decimal(number) * base ** _DATA_SIZES[unit]) for base in bases)
    if unit not in _UNIT_SIZES:
        return frozenset()
    family, size = _UNIT_SIZES[unit]
    return frozenset({(family, Decimal(number) * size)})


def _other_units(toks: list[str], span: tuple[str, int, int]) -> list[str]:
    """The units `toks` names outside the quantity at `span` (`_unit_spans`), sorted: a conversion's target ("in
    pounds", "to g")."""
    return sorted(
        u for k in range(len(toks)) if not span[1] <= k < span[2]
        and (u := _term_at(toks, k)) in _UNIT_NAMES and (toks[k] in _LETTER_UNITS or _unit_form(toks[k]))
    )


def _same_quantities(
    ua: list[str], ub: list[str], da: dict[str, str] | None = None, db: dict[str, str] | None = None, bits: bool = False
) -> list[tuple[str, tuple[str, int, int], tuple[str, int, int]]]:
    """(number of `ua`, its span, the span of `ub`) for each quantity of `ua` (`_unit_spans`) that `ub` has too, the same
    number in the same unit, or another number in another unit of the same family and equal size (`_UNIT_SIZES`: "1 kg"
    / "1000 g") where the two name the same other units ("in pounds"; "Convert 1 kg to g" / "Convert 1000 g to kg" is
    the reverse conversion: `_other_units`) and neither of the two units among them (rule format 28: "How many MB are in
    1 GB?" / "How many MB are in 1000 MB?", "Why is 1 GB 1024 MB?" / "Why is 1000 MB 1024 MB?" ask about the
    conversion itself). `da`, `db`: a decimal's number run as written ("1 5": "1.5", `_decimals`); `bits`: a text writes
    a data size with a lower-case "b" (`_BITS`), and data sizes in other units are not equal."""
    spans_a, spans_b = _unit_spans(ua), _unit_spans(ub)
    da, db = da or {}, db or {}
    out = []
    for n, span in spans_a.items():
        if n in spans_b and spans_b[n][0] == span[0]:
            out.append((n, span, spans_b[n]))
            continue
        if bits and span[0] in _DATA_SIZES:
            continue
        value = _value(da.get(n, n), span[0])
        other = next(
            (m for m, s in spans_b.items() if s[0] != span[0] and value & _value(db.get(m, m), s[0])), None
        )
        if other is None or other in spans_a:
            continue
        others = _other_units(ua, span)
        if others == _other_units(ub, spans_b[other]) and span[0] not in others and spans_b[other][0] not in others:
            out.append((n, span, spans_b[other]))
    return out


_DECIMAL_WRITTEN = re.compile(r"(?<![\d.,])(\d+)[.,](\d{1,2}|\d{4,})(?![\d.,]\d)")


def _decimals(text: str) -> dict[str, str]:
    """The decimals written in `text` by the run of number tokens they become ("1.5" and "1,5" are the tokens "1", "5":
    {"1 5": "1.5"}); a group of three digits after the point or comma is a thousands separator and left out."""
    return {f"{m[1]} {m[2]}": f"{m[1]}.{m[2]}" for m in _DECIMAL_WRITTEN.finditer(ascii_digits(text))}


def _written_bits(text_a: str, text_b: str) -> bool:
    return bool(_BITS.search(text_a) or _BITS.search(text_b))


def equal_quantities(a: list[str], b: list[str], text_a: str = "", text_b: str = "") -> list[tuple[str, str]]:
    """(number of `a`, number of `b`) for each quantity the two write with other numbers in units of the same family
    and of equal size ("1 kg" / "1000 g": ("1", "1000"); `_UNIT_SIZES`): one number to `numbers.number_change`. With
    the texts as written, a decimal counts too ("1.5 kg" / "1500 g": ("1.5", "1500"), "in 90 minutes" / "in 1.5 hours",
    rule format 27)."""
    ua, ub = unit_after_number(_unglued(a)), unit_after_number(_unglued(b))
    da, db = _decimals(text_a), _decimals(text_b)
    spans_b = _unit_spans(ub)
    return [
        (da.get(n, n), db.get(m, m))
        for n, _, span_b in _same_quantities(ua, ub, da, db, _written_bits(text_a, text_b))
        if n not in spans_b or spans_b[n] != span_b
        for m in [next(m for m, s in spans_b.items() if s == span_b)]
    ]


def spelled_as(a: list[str], b: list[str], text_a: str = "", text_b: str = "") -> list[str]:
    """Tokens `a` with each quantity that `b` has too, the same number in the same unit, spelled as `b` spells it
    ("100 ° c" / "100 degrees celsius" / "100 摄 氏 度", "$ 100" / "100 dollars" / "100 美 元" / "usd 100", "5 km" / "5
    kilometers" / "5 公 里" / "5 километров"): one quantity in another spelling differs in no token. A quantity in
    another unit ("5 km" / "5 miles", "100 ° c" / "100 ° f", "$ 100" / "€ 100") keeps its spelling, unless it is the
    same size in a unit of the same family (since rule format 22: "1000 g" / "1 kg", "12 inches" / "1 foot":
    `_UNIT_SIZES`), and `a` comes back as it is when nothing is respelled (a unit written onto its number, "5km", stays
    one token). With the texts as written, a decimal too ("1.5 kg" / "1500 g": `equal_quantities`, rule format 27)."""
    ua, ub = unit_after_number(_unglued(a)), unit_after_number(_unglued(b))
    same = _same_quantities(ua, ub, _decimals(text_a), _decimals(text_b), _written_bits(text_a, text_b))
    respell = sorted(
        ((start, end, ub[sb:eb]) for _, (unit, start, end), (_, sb, eb) in same if ua[start:end] != ub[sb:eb]),
        reverse=True,
    )
    if not respell:
        return a
    for start, end, spelling in respell:
        ua[start:end] = spelling
    return ua


def unit_swap(a: list[str], b: list[str]) -> bool:
    """True when a number both questions have is in another unit (`_UNITS`: "walk 5 km" / "walk 5 miles", "100 °F" /
    "100 °C"), or counts another of their words on each side, each word being in both
    questions ("Wie viele Meilen sind 10 Kilometer" / "Wie viele Kilometer sind 10 Meilen", "¿Cuántas millas son
    5 km?" / "¿Cuántos km son 5 millas?", "5 apples and 3 pears" / "3 apples and 5 pears"): a quantity attached to
    another thing, with no role word to show it.

    Not a swap: a word moved from right before the number to right after it ("the top 10 films" / "the 10 top
    films"), a unit one side leaves out."""
    a, b = unit_after_number(_unglued(a)), unit_after_number(_unglued(b))
    units_a, units_b = _quantities(a, units=True), _quantities(b, units=True)
    if any(
        units_a[n][0] != units_b[n][0] and units_a[n][0] in _UNIT_NAMES and units_b[n][0] in _UNIT_NAMES
        for n in units_a.keys() & units_b.keys()
    ):
        return True  # the same number in another unit: "walk 5 km" / "walk 5 miles", "100 °F" / "100 °C", "5公里" / "5英里"
    # The counted things of `_quantities` without `units`: one read past a Chinese unit ("打八折后是200元，原价" /
    # "原价200元，打八折": 原 / 打) tells a price's role apart.
    qa, qb = _quantities(a), _quantities(b)
    sa = {_term(t) for t in a if t not in FUNCTION_WORDS}
    sb = {_term(t) for t in b if t not in FUNCTION_WORDS}
    commute = numbers_commute(a)  # with another operator, an operand's place can matter: "3 más 4 por 5"
    for n in qa.keys() & qb.keys():
        (ua, before_a), (ub, before_b) = qa[n], qb[n]
        if ua != ub and ua in sb and ub in sa and ub != before_a and ua != before_b and not (commute and {ua, ub} & COMMUTATIVE_TERMS):
            return True  # not an operator's operands: "7乘以8等于" / "8乘以7等于" counts 乘 and 等
    return False


_OPERATOR_COMPANIONS = frozenset("by на 以 上".split())
"""Words a commutative operator takes beside it ("multiplied by", "умножить на", "乘以", "加上")."""
_COMMUTATIVE_VERBS = ("add", "sum", "multipl", "прибав", "слож", "умнож")
"""Beginnings of the imperatives of addition and multiplication (folded): "Add 5 to 12", "Addiere", "Suma",
"Multiply 7 by 8", "Multipliziere", "Multiplica", "Прибавь 5 к 12", "Сложи", "Умножь"."""
_ASYMMETRIC_VERBS = ("divid", "teil", "geteil", "subtra", "rest", "minus", "menos", "дел", "раздел", "подел", "вычт", "вычес", "отним", "минус", "除", "减")
"""Beginnings of words of division and subtraction (folded): a question with one reads its numbers in order, whatever
joins them ("Dividir 10 por 2", "Divide 10 by 2", "Раздели 10 на 2")."""
_VERB_JOINS = frozenset("to by and with zu mit und a por y con к на и с".split())
"""The word between the two operands of such an imperative ("Add 5 to 12", "Multiply 7 by 8", "Прибавь 5 к 12")."""


def _number_places(toks: list[str]) -> list[int]:
    return [k for k, t in enumerate(toks) if is_number_token(t)]


def numbers_commute(toks: list[str]) -> bool:
    """Whether a question's numbers may be put in any order: at least two, each next to the next joined by the same
    commutative operator (`COMMUTATIVE_OPERATORS`, with "by", "на", "以" beside it: "7 times 8", "7乘以8", "2 plus 3
    plus 4", "7 умножить на 8"), or exactly two after an imperative of addition or multiplication with one word
    between them ("Add 5 to 12", "Multiply 7 by 8", "Прибавь 5 к 12"). Not "3 plus 4 times 5", "10 minus 2 plus 3", "3
    más 4 por 5" (two operators: precedence or a subtraction makes the order matter; format 17 served them), nor "5
    más que 3" (more than)."""
    places = _number_places(toks)
    if len(places) < 2 or any(t.startswith(_ASYMMETRIC_VERBS) for t in toks):
        return False
    gaps = {tuple(toks[p + 1 : q]) for p, q in zip(places, places[1:])}
    if len(gaps) == 1:
        (gap,) = gaps
        if COMMUTATIVE_OPERATORS.intersection(gap) and all(t in COMMUTATIVE_OPERATORS or t in _OPERATOR_COMPANIONS for t in gap):
            return True
    first, last = places[0], places[-1]
    return (
        len(places) == 2 and last - first <= 2 and all(t in _VERB_JOINS for t in toks[first + 1 : last])
        and any(t.startswith(_COMMUTATIVE_VERBS) for t in toks[max(first - 2, 0) : first])
    )


def exchanged_numbers(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with two of its numbers in each other's place and nothing else changed ("Divide 10 by 2" /
    "Divide 2 by 10", "Teile 10 durch 2", "3 más 4 por 5" / "4 más 3 por 5")."""
    if len(a) != len(b):
        return False
    diff = [k for k, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) != 2:
        return False
    i, j = diff
    return a[i] == b[j] and a[j] == b[i] and is_number_token(a[i]) and is_number_token(a[j])


def content_terms(toks: list[str]) -> list[str]:
    """The tokens that are not function words, each as `role_swap` compares it (`_term`: a unit as its name, a word as
    its stem), in order."""
    return [_term(t) for t in toks if t not in FUNCTION_WORDS]


COMMUTATIVE_TERMS = frozenset(content_terms([c for w in sorted(COMMUTATIVE_OPERATORS) for c in (w if HAN.match(w) else [w])]))
"""`COMMUTATIVE_OPERATORS` as `content_terms` gives them, a Han word character by character ("乘以" is 乘, 以)."""


_SYMMETRIC = (
    "vs", "versus", "differ", "similar", "compar", "married", "marry", "equal", "unterschied", "unterscheid", "verschied",
    "ahnlich", "vergleich", "verheiratet", "diferen", "distint", "parecid", "casad", "отлич", "различ", "разниц", "похож",
    "сравн", "区别", "差别", "差异", "不同", "相似", "结婚",
    "distanc", "entfernung", "расстоян", "距离", "多远", "interact", "wechselwirk", "взаимодейств", "相互作用",
)
"""Beginnings of words for a symmetric relation (folded; Chinese as written): A differs from B as B from A, A is
married to B as B to A ("vs", "different from", "similar to", "compared to", "married to", "Unterschied", "se
diferencia de", "отличается от", "похож на", "区别"); since rule format 25 a distance ("distance", "Entfernung",
"расстояние", "距离", "多远") and an interaction ("interact", "Wechselwirkung", "взаимодействует", "相互作用")."""
_COMPARATIVES = frozenset(
    """more less better worse than mas menos mejor peor mehr weniger besser schlechter больше меньше лучше хуже 更""".split()
)
"""Words that make a comparison one-sided ("How much more expensive is a Mac compared to a PC?"): no symmetric relation."""


_SYMMETRIC_WORDS = frozenset("far lejos lej weit далеко далек".split())
"""Whole words (and their stems, as `content_terms` gives them) for a symmetric relation, whose beginnings open other
words ("farm", "weiter"): how far A is from B is how far B is from A. Rule format 25."""


def _symmetric_term(terms: list[str]) -> bool:
    """Whether a word of `terms` is a symmetric relation's (`_SYMMETRIC`, `_SYMMETRIC_WORDS`; Han characters read
    together, "区 别")."""
    return any(t.startswith(_SYMMETRIC) or t in _SYMMETRIC_WORDS for t in terms) or any(w in "".join(terms) for w in _SYMMETRIC if HAN.match(w))


def symmetric_exchange(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with the two arguments of a symmetric relation in each other's place: the content terms
    (`content_terms`) the same but for two runs of at most 3 terms exchanged, with a word of a symmetric relation
    (`_SYMMETRIC`) between them or among the two before the first, or in Chinese among the two after the second
    ("北京到上海的距离是多少？", rule format 25) ("Python vs Java" / "Java vs Python", "How is a crocodile
    different from an alligator?" / "How is an alligator different from a crocodile?", "Is Tom married to Anna?" / "Is
    Anna married to Tom?", "Compare Python to Java", "Чем крокодил отличается от аллигатора?"), and no comparative
    (`_COMPARATIVES`: "more expensive ... compared to" asks which way). The same question, not the reverse one (issue 8:
    `role_swap` refused these under rule format 21)."""
    if _COMPARATIVES.intersection(a) or _COMPARATIVES.intersection(b):
        return False
    ca, cb = content_terms(a), content_terms(b)
    if ca == cb or sorted(ca) != sorted(cb):
        return False
    start = next((k for k, (x, y) in enumerate(zip(ca, cb)) if x != y), len(ca))
    end = next((k for k, (x, y) in enumerate(zip(reversed(ca), reversed(cb))) if x != y), len(ca))
    ma, mb = ca[start : len(ca) - end], cb[start : len(cb) - end]
    n = len(ma)
    for i in range(1, min(n - 1, 3) + 1):
        for j in range(1, min(n - i, 3) + 1):
            if ma[:i] == mb[n - i :] and mb[:j] == ma[n - j :] and ma[i : n - j] == mb[j : n - i]:
                between = ma[i : n - j] + ca[max(start - 2, 0) : start]
                between += [t for t in ca[len(ca) - end : len(ca) - end + 2] if HAN.match(t)]  # "北京到上海的距离"
                if _symmetric_term(between):
                    return True
    return False


def role_swap(a: list[str], b: list[str]) -> bool:
    """True when two questions with the same content words give a role word different arguments ("convert
    5 km to miles" / "convert 5 miles to km", "from English to Spanish" / "from Spanish to English", "is a
    dog bigger than a cat" / "... a cat bigger than a dog"), or a number counts another of their words with
    no role word to show it (`unit_swap`: "Wie viele Meilen sind 10 Kilometer" / "... Kilometer sind 10 Meilen"):
    the reverse question, not a rewording.

    Not a swap: a moved phrase ("in Python eine Datei" / "eine Datei in Python": same first argument), an
    argument one side leaves out ("в градусы Фаренгейта" / "в Фаренгейты"), arguments joined
    symmetrically ("between A and B" / "between B and A"), and one quantity in the same unit on both sides with
    the target unit moved ("How many miles are in 5 kilometers?" / "5 km in miles?").
    """
    a, b = unit_after_number(_unglued(a)), unit_after_number(_unglued(b))
    if exchanged_numbers(a, b):
        # Two operands in each other's place with no role word between them ("Divide 10 by 2" / "Divide 2 by 10",
        # "Teile 10 durch 2": nc18 finding 2, served at 0.993-0.995 by format 18); the same question only when they
        # commute ("Add 5 to 12" / "Add 12 to 5") or are joined alike ("between 3 and 5").
        i, j = (k for k, (x, y) in enumerate(zip(a, b)) if x != y)
        return not (numbers_commute(a) or all(t in _COORDINATORS for t in a[i + 1 : j]))
    if unit_swap(a, b):
        return True
    if symmetric_exchange(a, b):
        return False  # "How is a crocodile different from an alligator?" / "... an alligator different from a crocodile?"
    if set(content_terms(a)) != set(content_terms(b)):
        return False
    if _COORDINATORS.intersection(a) and _COORDINATORS.intersection(b):
        return False
    qa, qb = _quantities(a), _quantities(b)
    if len(qa) == 1 and qa.keys() == qb.keys() and {u for u, _ in qa.values()} == {u for u, _ in qb.values()} <= _UNIT_NAMES:
        # One quantity in the same unit on both sides: the other unit is the target however the words are
        # ordered ("How many miles are in 5 kilometers?" / "5 km in miles?"); "5 km to miles" / "5 miles to km"
        # has the quantity in another unit (`unit_swap`).
        return False
    ra, rb = _roles(a), _roles(b)
    return any(_swapped(ra[marker], rb[marker]) for marker in ra.keys() & rb.keys())
