"""A decimal quantity written with trailing zeros is the same number ("1.50 kg" / "1.5 kg", "2.50 plus 1" / "2.5 plus
1", "10.0 divided by 4" / "10 divided by 4": served at 0.106-0.164 by rule format 28, a newcomer's recall finding M5;
`velo.cache.numbers.number_change` read them as one number already, the tokens "50" / "5" did not). A version, section
or other identifier is another number: "Python 3.10" / "Python 3.1" are two releases, "sec 2.10" / "sec 2.1" two
sections, and "iOS 17.0" / "iOS 17" a first release and the whole line of 17.x.

So the fold is safe first (rule format 29 folded a number beside any unit or operator word, and a tester, brk29, found
versions served at 1.000: "Why choose Python 3.10 over 3.9?" / "... 3.1 over 3.9?" (0.742 in format 28), "What's new in
OS X 10.10?" / "... 10.1?", "Wird Python 3.10 durch 3.12 ersetzt?", "Python 3.10加了哪些新特性？", "What does sec 2.10 of
the tax code say?"). A decimal loses its trailing zeros only where it is clearly a quantity and not named:

* not named (`_named`): the word right before it is no version or section word (`_VERSION_WORDS`: "version", "v",
  "sec", "§", "Kapitel", "глава", "第") and no capitalized word inside the sentence ("Python", "OS X", "Minecraft 1.20
  days"); a capitalized first word ("Python 3.10 ...", "Convert 1.50 liters") names it unless a unit follows;
* a quantity (`_quantity`): a unit of measure right after it (`velo.cache.quantities.unit_at`: "1.50 kg", "2.50公斤",
  "12.50%"; a unit before it is one only for a currency, "$2.50", since "day 3.10", "min 2.10", "sec 2.10" name a
  place in a trial, a video, a code), or an operand of arithmetic whose other operand is a plain number written right
  beside the operator (`_ARITHMETIC`: "2.50 plus 1", "3.20 minus 1.10", "2,50 умножить на 4", "3.10除以2"; the
  operator's next character must be the number, so 加 of 加了, 除 of 除了, 减 of 减少 never match). A word that is an
  operator only sometimes (`_AMBIGUOUS`: "x", "/", "=", "+", "-", "mal", "por", "durch", "más", "times") needs a
  whole number on the other side and the expression at the end of the question: "What is 1.10 x 2?" folds, "3.10 /
  3.11" and "3.10 por 3.12" (two versions compared) and "is python 3.10 x 2 faster?" do not; two decimals beside an
  unambiguous operator only at the end of the question too ("What is 3.20 minus 1.10?", not "Is python 3.10 plus
  3.11 faster?").

Left as misses (as in format 28): "3.50 GPA", "pH 7.0", "0.50 BTC", "20% of 10.50" (no listed unit or operator beside
the number), "3.20 + 1.10" (an ambiguous operator between two decimals), "Is 2.50 x 4 equal to 10?" (an ambiguous
operator inside the question). A lower-case name before "plus", "minus" and a whole number still folds ("is python
3.10 plus 2 faster?": no capital, no version word, an unambiguous operator).
"""

from __future__ import annotations

import re

from velo.cache.numbers import ascii_digits
from velo.cache.quantities import unit_at
from velo.cache.text import tokens

_VERSION_WORDS = frozenset(
    """version versions ver v release rel build sec sect section sections chapter chap ch part art article paragraph
    para clause rule step level patch update § versión sección capítulo artículo versão kapitel abschnitt absatz
    artikel teil версия версии версию глава главе главы главу раздел разделе раздела пункт пункте статья статье часть
    части 第 版 版本 章 节 条""".split()
)
"""Words after which a decimal names a release or a place in a text ("version 2.10", "sec 2.10", "Kapitel 3.10")."""

_CONNECTORS = r"(?:by|por|entre|durch|на|mit)"
"""The word some operators take before their operand ("divided by", "dividido por", "geteilt durch", "умножить на")."""
_UNAMBIGUOUS = r"""plus|minus|divided|multiplied|menos|dividido|multiplicado|geteilt|multipliziert|minus|плюс|минус|
умножить|умноженное|умноженный|разделить|делить|деленное|делённое|разделённое|[*×÷]"""
_AMBIGUOUS = r"""x|[/=+-]|times|mal|por|durch|m[aá]s"""
_HAN_OPERATORS = r"加上|减去|乘以|除以|加|减|乘|除"
_NUMBER = r"-?\d+(?:[.,]\d+)?"


def _operator(words: str) -> str:
    alternatives = "".join(words.split())
    return rf"(?:(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])(?:\s+{_CONNECTORS}(?![^\W\d_]))?)"


_ARITHMETIC_AFTER = re.compile(
    rf"^\s*(?:({_operator(_UNAMBIGUOUS)}|{_HAN_OPERATORS})|({_operator(_AMBIGUOUS)}))\s*({_NUMBER})(?![\d.,]*\d)"
)
"""An operator right after a decimal and its other operand: (unambiguous operator, ambiguous operator, operand)."""
_ARITHMETIC_BEFORE = re.compile(
    rf"(?<![\d.,])({_NUMBER})\s*(?:({_operator(_UNAMBIGUOUS)}|{_HAN_OPERATORS})|({_operator(_AMBIGUOUS)}))\s*$"
)
"""An operator right before a decimal and its other operand: (operand, unambiguous operator, ambiguous operator)."""
_ARITHMETIC = (_ARITHMETIC_AFTER, _ARITHMETIC_BEFORE)

_DECIMAL = re.compile(r"(?<![\d.,])(\d+)[.,](\d{1,2}|\d{4,})(?![\d.,]?\d)")
"""A decimal as written: a group of three digits after the point or comma is a thousands separator ("1,000", "1.000")."""
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.]*?|§|第)\.?\s*$")
_SENTENCE_START = re.compile(r"(?:^|[.!?¿¡。！？:]\s*)[\"'“«(]*$")
_CURRENCIES = frozenset("usd eur gbp jpy cny rub".split())


def _named(before: str, unit_after: bool) -> bool:
    """Whether the decimal after `before` (the text before it) is a version, section or other identifier: a version
    word right before it, or a capitalized word (one inside the sentence always, the first word unless a unit follows
    the number: "Python 3.10 ..." but "Convert 1.50 liters ...")."""
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m[1]
    if word.casefold().rstrip(".") in _VERSION_WORDS or word in ("§", "第"):
        return True
    if not any(c.isupper() for c in word):
        return False
    return not (unit_after and _SENTENCE_START.search(before[: m.start()]))


def _unit_after(after: str) -> bool:
    # A one-letter unit ("m", "g") is one only with a number before it: read the unit after a stand-in number.
    return after.lstrip().startswith(("%", "‰")) or bool(unit_at(tokens("1" + after[:40], spelled=True), 1))


def _currency_before(before: str) -> bool:
    toks = tokens(before[-12:], spelled=True)
    return any(unit_at(toks, k) in _CURRENCIES for k in range(max(0, len(toks) - 2), len(toks)))


def _operand(other: str | None, ambiguous: bool, before_other: str, rest: str) -> bool:
    """Whether `other` is a plain number operand, not named itself: a whole number beside an unambiguous operator; a
    whole number beside an ambiguous one, or a decimal beside an unambiguous one, only where the expression ends the
    question (`rest`, the text after it: "What is 3.20 minus 1.10?", "What is 1.10 x 2?"; not "Is python 3.10 plus
    3.11 faster?", two versions compared, nor "is python 3.10 x 2 faster?")."""
    if other is None or _named(before_other, False):
        return False
    whole, ends = not re.search(r"[.,]\d", other), bool(_ENDS.match(rest))
    return (whole and (ends or not ambiguous)) or (ends and not ambiguous)


_ENDS = re.compile(r"\s*(?:[=?!.？。！]|$)")


def _quantity(text: str, start: int, end: int) -> bool:
    """Whether the decimal at `text[start:end]` is a quantity that is not named (module docstring)."""
    before, after = text[:start], text[end:]
    unit_after = _unit_after(after)
    if _named(before, unit_after):
        return False
    if unit_after or _currency_before(before):
        return True
    if (m := _ARITHMETIC_AFTER.match(after)) and _operand(m[3], bool(m[2]), "", after[m.end() :]):
        return True
    m = _ARITHMETIC_BEFORE.search(before)
    return bool(m) and _operand(m[1], bool(m[3]), before[: m.start(1)], after)


def without_trailing_zeros(toks: list[str], text: str) -> list[str]:
    """`toks` (the tokens of `text`) with each decimal quantity's trailing zeros dropped: "1", "50", "kg" -> "1", "5",
    "kg"; "10", "0", "divided" -> "10", "divided"; "python", "3", "10" stays. A decimal is folded only where each of its
    writings in `text` is a quantity."""
    written = ascii_digits(text)
    found: dict[tuple[str, str], bool] = {}
    for m in _DECIMAL.finditer(written):
        if m[2].endswith("0"):
            key = (m[1], m[2])
            found[key] = found.get(key, True) and _quantity(written, m.start(), m.end())
    out = list(toks)
    for (whole, fraction), quantity in found.items():
        if not quantity:
            continue
        kept = fraction.rstrip("0")
        k = 0
        while k + 1 < len(out):
            if out[k] == whole and out[k + 1] == fraction:
                out[k + 1 : k + 2] = [kept] if kept else []
            k += 1
    return out
