"""One number in another spelling in the same place: "Tell me 1 joke." / "Tell me one joke.", "Who finished 1st?" /
"Who finished first?", "World War 1" / "World War one" / "World War I", "the 44th president" / "the forty-fourth
president", "der 1. Weltkrieg" / "der erste Weltkrieg", "el 1.º puesto" / "el primer puesto", "1-й раз" / "первый
раз".

A newcomer's finding after rule format 30 (recall): `velo.cache.number_words` reads cardinals of two words and more,
never a word for one alone (it is as often an article: "one of", "un", "ein", "один из"), nor ordinals nor Roman
numerals, so these pairs kept a number on one side only (`number_mismatch` 0.5) and a word put in another's place:
"Tell me 1 joke." / "Tell me one joke." 0.911, "Who finished 1st?" / "Who finished first?" 0.846, "World War 1" /
"World War I" 0.617 (the answer "the answer to {cached}").

Read only where the two questions are the same words but for these spellings, each standing where the other's stands
(difflib's alignment of the tokens): then a word for one beside "1" is the number, and so is an ordinal word beside
its digits. Elsewhere nothing is read: "first" alone is as often "at first", "I" the pronoun. A Roman numeral is one
only as a text writes it in capitals after a capitalized word ("World War I", "Louis XIV", "Part II"), and a single
letter only I, V or X ("Vitamin C", "Plan D", "Size L" are letters).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from velo.cache import alignment, number_words
from velo.cache.text import fold


class _Number(NamedTuple):
    """A number as a stretch of tokens spells it: its value and kind, "cardinal" ("one"), "ordinal" ("first", "1st",
    "1.º" read as "1", "o"), "roman" ("I": either, "World War I" / "the first world war") or "digits" (a bare "1": a
    cardinal, or a German, Spanish or Russian ordinal that lost its mark in the tokens, "der 1. Weltkrieg");
    `bare_digits`: an ordinal word whose language writes its digits with such a mark."""

    value: int
    kind: str
    bare_digits: bool = False


def _table(rows: dict[int, str]) -> dict[str, int]:
    return {fold(w): n for n, words in rows.items() for w in words.split()}


_ONE_WORDS = _table({1: "one un uno una ein eins eine einen один одна одно одну"})
"""Words for one, a number where "1" stands in the other question."""
_RU = "ыи|ои|ии|ая|яя|ое|ее|ого|его|ому|ему|ым|им|ом|ем|ую|юю|ые|ие|ых|их"
_ORDINAL_STEMS = {
    1: ("first", "primer|primero|primera|primeros|primeras", "erst", "перв"),
    2: ("second", "segundo|segunda|segundos|segundas", "zweit", "втор"),
    3: ("third", "tercer|tercero|tercera|terceros|terceras", "dritt", "трет"),
    4: ("fourth", "cuarto|cuarta|cuartos|cuartas", "viert", "четверт"),
    5: ("fifth", "quinto|quinta|quintos|quintas", "funft", "пят"),
    6: ("sixth", "sexto|sexta|sextos|sextas", "sechst", "шест"),
    7: ("seventh", "septimo|septima|septimos|septimas", "siebt", "седьм"),
    8: ("eighth", "octavo|octava|octavos|octavas", "acht", "восьм"),
    9: ("ninth", "noveno|novena|novenos|novenas", "neunt", "девят"),
    10: ("tenth", "decimo|decima|decimos|decimas", "zehnt", "десят"),
}
_ORDINAL_WORDS: list[tuple[re.Pattern, int, bool]] = []
"""(folded ordinal word, its value, whether a bare digit beside it is the ordinal): English writes "1st" (a bare "1"
is a cardinal); German, Spanish and Russian write "1.", "1.º", "1-й", which the tokens keep as "1"."""
for _n, (_en, _es, _de, _ru) in _ORDINAL_STEMS.items():
    _ORDINAL_WORDS.append((re.compile(_en), _n, False))
    _ORDINAL_WORDS.append((re.compile(f"(?:{_es})"), _n, True))
    _ORDINAL_WORDS.append((re.compile(f"{_de}(?:e|er|en|es|em)"), _n, True))
    _ru_ends = _RU if _n != 3 else "ии|ья|ье|ьего|ьему|ьим|ьем|ью|ьи|ьих"  # третий, третья, третьего
    _ORDINAL_WORDS.append((re.compile(f"{_ru}(?:{_ru_ends})"), _n, True))
_EN_TEENS = {w: 11 + i for i, w in enumerate(
    "eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split())}
_EN_TENS = {w: 20 + 10 * i for i, w in enumerate(
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split())}
_DIGIT_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th|o|a|er|ra|ro|do|to|mo|vo|no)?")
"""Digits with an ordinal's ending as one token: "1st", "22nd", "1o" (from "1º"), "1er", "2da"."""
_MARK_AFTER = frozenset({"o", "a", "er", "ra"})
"""An ending the tokens split from its digits: "1.º" is "1", "o"."""
_RU_MARK = frozenset(fold(w) for w in "й я е го му м х ми ой ый ий ая ое ого ому ым ом ую ые ых".split())
"""A Russian ordinal's ending after a hyphen: "1-й", "2-го", "3-я"."""
_ROMAN = re.compile(
    r"\b[A-Z][a-z]+ (?=[IVXLCDM]{2,}\b|[IVX]\b)(M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))\b"
)
"""A Roman numeral in capitals after a capitalized word ("World War I", "Louis XIV", "Part II"): I, V and X alone, the
other letters only in longer numerals ("Vitamin C", "Plan D", "Size L" are letters)."""
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral.upper()]
    return sum(-v if v < w else v for v, w in zip(values, values[1:] + [0]))


def romans(text: str) -> frozenset[str]:
    """The Roman numerals `text` writes as numbers (`_ROMAN`), folded as tokens give them: "World War II" -> {"ii"}."""
    return frozenset(
        m.group(1).lower() for m in _ROMAN.finditer(text)
        # a lone "I" after a sentence's first word is the pronoun ("Can I ...?" / "Can one ...?"); after a name
        # inside a sentence, a numeral ("in World War I", "was Louis I")
        if m.group(1) and (m.group(1) != "I" or re.search(r"\w\s+$", text[: m.start()]))
    )


def _ordinal_word(word: str) -> tuple[int, bool] | None:
    for pattern, value, bare_digit in _ORDINAL_WORDS:
        if pattern.fullmatch(word):
            return value, bare_digit
    if word in _EN_TEENS:
        return _EN_TEENS[word], False
    return (_EN_TENS[word], False) if word in _EN_TENS else None


_LONGEST_SPELLED = 21
"""Digits of the longest number in digits read as one that words may spell (up to the quintillions); a longer run of
digits is a number spelled one way only."""


def _number(stretch: list[str], roman: frozenset[str]) -> _Number | None:
    """The number a stretch of tokens spells, all of it; None if it is not one number."""
    if len(stretch) == 1 and stretch[0] in roman:
        return _Number(_roman_value(stretch[0]), "roman")
    if len(stretch) == 1 and stretch[0] in _ONE_WORDS:
        return _Number(1, "cardinal")
    m = _DIGIT_ORDINAL.fullmatch(stretch[0])
    if m is not None and len(m.group(1)) > _LONGEST_SPELLED:
        return None  # no word spells it (and int() refuses 4,301 digits and more: a 5,000-digit request raised ValueError)
    if m is not None:
        rest = stretch[1:]
        if not rest:
            return _Number(int(m.group(1)), "ordinal" if m.group(2) else "digits")
        if (len(rest) == 1 and rest[0] in _MARK_AFTER) or (len(rest) == 2 and rest[0] == "-" and rest[1] in _RU_MARK):
            return _Number(int(m.group(1)), "ordinal")
        return None
    words, tens = list(stretch), 0
    if len(words) == 2 and (c := number_words.cardinals(words[:1])) and c[0].value % 10 == 0 and c[0].value < 100:
        words, tens = words[1:], c[0].value  # "forty fourth", "двадцать первый"
    if len(words) == 1 and (o := _ordinal_word(words[0])) is not None and (not tens or o[0] < 10):
        return _Number(tens + o[0], "ordinal", o[1])
    return None


def _same(x: list[str], y: list[str], roman: frozenset[str]) -> bool:
    """Whether two stretches spell one number of one kind: a Roman numeral is either kind; bare digits are a cardinal,
    or an ordinal of a language that marks its digits ("1" / "erste", not "1" / "first")."""
    nx, ny = _number(x, roman), _number(y, roman)
    if nx is None or ny is None or nx.value != ny.value:
        return False
    kinds = {nx.kind, ny.kind}
    if "roman" in kinds or len(kinds) == 1:
        return True
    if kinds == {"digits", "cardinal"}:
        return True
    return kinds == {"digits", "ordinal"} and (nx.bare_digits or ny.bare_digits)


def respelled(ta: list[str], tb: list[str], a: str, b: str) -> list[str]:
    """`ta` with each stretch that differs from `tb` only in how one number is spelled (`_same`) written as `tb`
    writes it: ["tell", "me", "one", "joke"] / ["tell", "me", "1", "joke"] -> ["tell", "me", "1", "joke"]. `a`, `b`: the
    texts as written (Roman numerals are read where they write them in capitals: `romans`)."""
    roman = romans(a) | romans(b)
    out: list[str] = []
    for op, i1, i2, j1, j2 in alignment.opcodes(ta, tb):
        same = op == "replace" and _same(ta[i1:i2], tb[j1:j2], roman)
        out += tb[j1:j2] if same else ta[i1:i2]
    return out
