"""A place against a larger, smaller or qualified place: "What is the history of America?" / "... of the Americas?",
"What is the capital of the Virgin Islands?" / "... of the U.S. Virgin Islands?" (after rule format 32, a newcomer's
finding: 0.998 and 0.973 with the answer "the answer to {cached}", served), "Korea" / "South Korea", "Virginia" / "West
Virginia", "Mexico" / "New Mexico", "Samoa" / "American Samoa", "Corea" / "Corea del Sur", "Korea" / "Südkorea", "Кореи"
/ "Южной Кореи", 美洲 / 南美洲. Another place, and another answer.

`place_changed` reads the kind where it is the only difference: the same tokens but for a qualifier put in before a
name (`_BEFORE`: a point of the compass, "central", "upper", "lower", "new", a country's "U.S.", "British", "American",
...; Russian "южная", "северная", ...; Chinese 南, 北, 东, 西) or after it (Spanish "del Sur", "occidental"), a name
written with a compass prefix in one word ("Südkorea", "Nordamerika", "Sudáfrica", "Norteamérica"), or a name in its
plural (`_PLURALS`: "the Americas", "las Américas", "the Koreas"). A name is a word written with a capital in a text
that marks case (`text.marks_case`; any word in a text all in lower or upper case, and a Han character); "new" and a
country's adjective must be written with one too ("the new iPhone" / "the iPhone" is no place). Read in the
`role_swap` veto by `velo.cache.features`.
"""

from __future__ import annotations

import re

from velo.cache.text import HAN, fold, marks_case, shared_ends

_COMPASS = frozenset(
    """north south east west northern southern eastern western central northeast northwest southeast southwest upper
    lower nord sud ost""".split()
)
_QUALIFIED = frozenset(
    """new u s us british american french dutch danish spanish portuguese german italian nueva nuevo baja alta""".split()
)
"""Qualifiers that are place names' only where written with a capital: "New Mexico", "British Columbia", "Baja
California" ("u s": "U.S. Virgin Islands")."""
_RUSSIAN = ("южн", "северн", "восточн", "западн", "центральн")
"""Russian compass adjectives in any case ("Южная Корея", "в Южной Корее")."""
_HAN_COMPASS = frozenset("南北东西")
_AFTER = frozenset({("del", "sur"), ("del", "norte"), ("del", "este"), ("del", "oeste"), ("occidental",), ("oriental",)})
"""Spanish qualifiers after the name ("Corea del Sur", "Carolina del Norte", "Europa Occidental")."""
_PREFIXES = ("nord", "sud", "ost", "west", "mittel", "norte", "centro")
"""Compass prefixes of a name in one word (folded: "Südkorea" is "sudkorea", "Sudáfrica" "sudafrica")."""
_PLURALS = frozenset("americas koreas carolinas dakotas".split())
"""Names whose plural is a larger place ("the Americas": North, Central and South America; "the Dakotas")."""
_ARTICLES = frozenset("the el la los las die der den des das".split())


def _written_with_capital(token: str, text: str) -> bool:
    """Whether `text` writes a word folded as `token` with a capital (any word where the text marks no case, and a Han
    character)."""
    if HAN.match(token) or not marks_case(text):
        return True
    return any(w[0].isupper() for w in re.findall(r"\w+", text) if fold(w) == token)


def _qualifier_before(put: list[str], name: str, text: str) -> bool:
    if len(put) == 1 and HAN.match(put[0]):
        return put[0] in _HAN_COMPASS and HAN.match(name) is not None
    if not _written_with_capital(name, text) or HAN.match(name):
        return False
    words = " ".join(put)
    if words in _COMPASS or (len(put) == 1 and put[0].startswith(_RUSSIAN)):
        return True
    return (words in _QUALIFIED or words == "u s") and _written_with_capital(put[0], text)


def _trim(part: list[str]) -> list[str]:
    return [t for t in part if t not in _ARTICLES]


def place_changed(tq: list[str], tc: list[str], request: str, cached: str) -> bool:
    """True when two token lists (`text.tokens` of `request`, `cached`) are the same but for a place qualified, widened
    or narrowed (module docstring): a qualifier put in before or after a name, a compass prefix joined to it, or the
    name in its plural."""
    if tq == tc or abs(len(tq) - len(tc)) > 3:
        return False
    start, end = shared_ends(tq, tc)
    dq, dc = _trim(tq[start : len(tq) - end]), _trim(tc[start : len(tc) - end])
    if not dq and not dc:
        return False
    if not dq or not dc:  # a qualifier put in: before the name, or (Spanish) after it
        longer, put, text = (tq, dq, request) if dq else (tc, dc, cached)
        after = longer[len(longer) - end] if end else None
        before = longer[start - 1] if start else None
        return (after is not None and _qualifier_before(put, after, text)) or (
            before is not None and tuple(put) in _AFTER and _written_with_capital(before, text)
        )
    if len(dq) == len(dc) == 1:
        x, y = sorted((dq[0], dc[0]), key=len)
        if y == x + "s" and y in _PLURALS:
            return True
        name_text = request if dq[0] == x else cached
        return any(y == p + x for p in _PREFIXES) and len(x) >= 4 and _written_with_capital(x, name_text)
    return False
