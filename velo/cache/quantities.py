"""Units and quantities: a number's unit in the five languages, and one quantity however it is written.

A unit is one term whether written as a symbol, an abbreviation or a word ("km", "kilometers", "公里", "километров":
`stem_or_unit`, `unit_at`); a number and the unit written onto it are two tokens ("5km": `unglued`); Chinese writes
some units before their number (`unit_after_number`: "摄氏100度"); each number's unit or counted thing (`quantities_of`)
is what `velo.cache.roles.unit_swap` compares. One quantity spelled two ways ("100 °C" / "100 degrees Celsius" /
"100摄氏度") or of equal size in two units of one family ("1 kg" / "1000 g") is spelled one way before the hit features
compare (`spelled_as`, `equal_quantities`). Moved out of `velo.cache.roles` unchanged (rule format 30: that file had
grown to 699 lines).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

from velo.cache.counts import GENDERED_ONES
from velo.cache.numbers import MEASURE_WORDS, ascii_digits, is_number_token, one_counts_nothing
from velo.cache.role_words import ROLE_MARKERS
from velo.cache.text import FUNCTION_WORDS, HAN, fold, stem


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
    # A percentage written as a sign or a word (recall43: "Was sind 15 Prozent von 80?" / "Was sind 15 % von 80?" was
    # 0.939, two spellings of one quantity): "%", "percent", "Prozent", "процентов"; not Spanish "por ciento" (two words).
    ("percent", {"%", "percent", "pct", "prozent", "процент", "процента", "процентов"}, ()),
)
"""Units and currencies written as a symbol, an abbreviation or a word in the five languages (as folded tokens): "km" and
"kilometers", "$" and "dólares" are one term to `role_swap` and `unit_swap`. Chinese names are `_HAN_UNITS`, one-letter
symbols `LETTER_UNITS`."""

LETTER_UNITS = {
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

UNIT_NAMES = frozenset(u for u, _, _ in _UNITS) | frozenset(_HAN_UNITS.values())


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


def han_unit(toks: list[str], at: int) -> str | None:
    """The unit (`_HAN_UNITS`) whose Chinese name starts at token `at` ("5公里" -> "km"), else None."""
    found = _han_unit_span(toks, at)
    return found[0] if found else None


def ones_before_units(toks: list[str]) -> list[str]:
    """`toks` with one of a unit written as a word as "1": a lone 一 before a unit's Chinese name (`_HAN_UNITS`) and a
    word for one before a unit (`counts.GENDERED_ONES`). Read for the `role_swap` veto only (`roles.role_swap`; the features
    the model weighs keep their tokens), lk40: "一公斤等于多少磅" / "一磅等于多少公斤" is "1 kg in lb" / "1 lb in kg", but
    `numbers.as_digits` reads 一 as 1 only before its `MEASURE_WORDS` (公斤, 公里, 米, 年; not 磅, 英里, 盎司, 加仑, 美元,
    ...), so the first question had "1公斤" and the second "一磅", no quantity in common, and no unit was swapped (served
    at 0.976 by format 30); "¿Cuántas libras es un kilo?" / "¿Cuántos kilos es una libra?" had "un" / "una" differ with
    the unit's gender (served at 1.000). Not a 一 that picks one out or ends a word (`numbers.one_counts_nothing`:
    "哪一", "统一"), nor 一码事 (one and the same thing, no yard)."""
    out = list(toks)
    for i, t in enumerate(toks):
        if t in GENDERED_ONES and unit_at(toks, i + 1) is not None and not HAN.match(toks[i + 1]):
            out[i] = "1"
        if t != "一" or _han_unit_span(toks, i + 1) is None or toks[i + 1 : i + 3] in (["码", "事"], ["碼", "事"]):
            continue
        if not one_counts_nothing("".join(toks[max(i - 1, 0) : i + 2]), min(i, 1)):
            out[i] = "1"
    return out


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
def stem_or_unit(token: str) -> str:
    """A token as `role_swap` compares it: the unit it names (`_UNITS`), else its stem."""
    for unit, words, prefixes in _FOLDED_UNITS:
        if token in words or token.startswith(prefixes):
            return unit
    return stem(token)


def term(token: str) -> str:
    """A token as the exchange of two arguments around function words compares it: a function word as it is, else
    `stem_or_unit` (a unit as its name, a word as its stem)."""
    return token if token in FUNCTION_WORDS else stem_or_unit(token)


def term_at(toks: list[str], at: int) -> str:
    """`stem_or_unit` of token `at`, a one-letter unit (`LETTER_UNITS`) read as one right after a number, a word for degrees
    or a role word ("5 m", "30 ° c", "to m"; "I'm" and the language C are no units)."""
    t = toks[at]
    if t in LETTER_UNITS and at and (
        is_number_token(toks[at - 1]) or toks[at - 1] in ROLE_MARKERS or toks[at - 1].startswith(_DEGREES)
    ):
        return LETTER_UNITS[t]
    return stem_or_unit(t)


def unit_at(toks: list[str], at: int) -> str | None:
    """The unit (`UNIT_NAMES`) whose symbol, abbreviation or word starts at token `at` ("kg", "$", "m" after a number,
    "公斤"), else None."""
    if not 0 <= at < len(toks):
        return None
    unit = han_unit(toks, at) or term_at(toks, at)
    written = toks[at]
    return unit if unit in UNIT_NAMES and (HAN.match(written) or written in LETTER_UNITS or _unit_form(written)) else None


_GLUED = re.compile(r"(\d+(?:[.,]\d+)?)([^\W\d_]+)")


def unglued(toks: list[str]) -> list[str]:
    """Tokens with a number and the unit written onto it apart ("5km" -> "5", "km"; "5m" -> "5", "m"). Not "5k" (five
    thousand) nor "1990s" (a decade)."""
    out = []
    for t in toks:
        m = _GLUED.fullmatch(t)
        if m and m[2] not in ("k", "s") and (m[2] in LETTER_UNITS or stem_or_unit(m[2]) in UNIT_NAMES):
            out += [m[1], m[2]]
        else:
            out.append(t)
    return out


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
            and not (start > n and is_number_token(out[start - n - 1])) and han_unit(out, j) is None
        ):
            out[start - n : j] = out[start:j] + name
        i = j
    return out


def _number_runs(toks: list[str]) -> Iterator[tuple[int, int]]:
    """Where each run of number tokens starts and ends ("10", "5" of "10.5"; "十", "五"), a Chinese unit's name
    not included ("5千米": 5, then km)."""
    i = 0
    while i < len(toks):
        if not is_number_token(toks[i]) or han_unit(toks, i) is not None:
            i += 1
            continue
        j = i
        while j < len(toks) and is_number_token(toks[j]) and han_unit(toks, j) is None:
            j += 1
        yield i, j
        i = j


def quantities_of(toks: list[str], units: bool = False) -> dict[str, tuple[str, str]]:
    """Each number's unit or counted thing -- with `units`, the unit (`UNIT_NAMES`) right after it, after a word for
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
            unit = han_unit(toks, k) or (term_at(toks, k) if k < len(toks) else "")
            if unit not in UNIT_NAMES and i:
                unit = stem_or_unit(toks[i - 1])  # "$100", "USD 100"
            if unit in UNIT_NAMES:
                out.setdefault(number, (unit, stem_or_unit(toks[i - 1]) if i else ""))
            continue
        after = list(range(j, min(j + 2, len(toks))))
        if after and term_at(toks, after[0]) == toks[after[0]] and (
            toks[after[0]] in FUNCTION_WORDS or MEASURE_WORDS.fullmatch(toks[after[0]]) or not toks[after[0]][0].isalnum()
        ):
            after = after[1:]  # "5 个 苹果", "30 ° C" (a unit symbol such as "$" or "€" is kept)
        unit = toks[after[0]] if after else ""
        term = term_at(toks, after[0]) if after else ""
        if unit and (unit not in FUNCTION_WORDS or term != unit) and not is_number_token(unit) and (unit[0].isalnum() or term != unit):
            out.setdefault(number, (term, stem_or_unit(toks[i - 1]) if i else ""))
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
        elif k < len(toks) and term_at(toks, k) in UNIT_NAMES and (toks[k] in LETTER_UNITS or _unit_form(toks[k])):
            unit, end = term_at(toks, k), k + 1
        elif j < len(toks) and toks[j] in _DEGREE_WORDS:
            unit, end = "degree", j + 1
        elif i and stem_or_unit(toks[i - 1]) in UNIT_NAMES and _unit_form(toks[i - 1]):
            unit, start = stem_or_unit(toks[i - 1]), i - 1
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
        and (u := term_at(toks, k)) in UNIT_NAMES and (toks[k] in LETTER_UNITS or _unit_form(toks[k]))
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
    ua, ub = unit_after_number(unglued(a)), unit_after_number(unglued(b))
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
    ua, ub = unit_after_number(unglued(a)), unit_after_number(unglued(b))
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


def content_terms(toks: list[str]) -> list[str]:
    """The tokens that are not function words, each as `role_swap` compares it (`stem_or_unit`: a unit as its name, a word as
    its stem), in order."""
    return [stem_or_unit(t) for t in toks if t not in FUNCTION_WORDS]

