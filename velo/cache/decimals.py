"""A decimal quantity written with trailing zeros is the same number ("1.50 kg" / "1.5 kg", "2.50 plus 1" / "2.5 plus
1", "10.0 divided by 4" / "10 divided by 4": served at 0.106-0.164 by rule format 28, a newcomer's recall finding M5;
`velo.cache.numbers.number_change` read them as one number already, the tokens "50" / "5" did not). A version number
is another number: "Python 3.10" / "Python 3.1" are two releases, and "iOS 17.0" / "iOS 17" a first release and the
whole line of 17.x. So only a decimal that is a quantity loses its trailing zeros: one with a unit after or before it
(`velo.cache.roles.unit_at`: "1.50 kg", "$2.50", "2.50%") or an arithmetic operator beside it (`_OPERATORS`).
"""

from __future__ import annotations

import re

from velo.cache.numbers import ascii_digits
from velo.cache.roles import unit_at

_OPERATORS = frozenset(
    """+ - * / × ÷ ^ = % x plus minus times divided multiplied over mal por mas menos dividido multiplicado geteilt
    durch multipliziert плюс минус умножить умноженное разделить делить деленное 加 减 乘 除 加上 减去 乘以 除以""".split()
)
"""Operators and arithmetic words (folded) that make the number beside them an operand."""
_DECIMAL = re.compile(r"(?<![\d.,])(\d+)[.,](\d{1,2}|\d{4,})(?![\d.,]?\d)")
"""A decimal as written: a group of three digits after the point or comma is a thousands separator ("1,000", "1.000")."""


def _quantity(toks: list[str], start: int, end: int) -> bool:
    """Whether the number at tokens `start`..`end` is a quantity: a unit or operator after it or before it."""
    after = toks[end] if end < len(toks) else ""
    before = toks[start - 1] if start else ""
    return bool(unit_at(toks, end) or after in _OPERATORS or before in _OPERATORS or (start and unit_at(toks, start - 1)))


def without_trailing_zeros(toks: list[str], text: str) -> list[str]:
    """`toks` (the tokens of `text`) with each decimal quantity's trailing zeros dropped: "1", "50", "kg" -> "1", "5",
    "kg"; "10", "0", "divided" -> "10", "divided"; "python", "3", "10" stays."""
    out = list(toks)
    for whole, fraction in {(m[1], m[2]) for m in _DECIMAL.finditer(ascii_digits(text)) if m[2].endswith("0")}:
        kept = fraction.rstrip("0")
        k = 0
        while k + 1 < len(out):
            if out[k] == whole and out[k + 1] == fraction and _quantity(out, k, k + 2):
                out[k + 1 : k + 2] = [kept] if kept else []
            k += 1
    return out
