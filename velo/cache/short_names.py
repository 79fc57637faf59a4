"""A country or union named in full and by its abbreviation: "¿Cuál es la capital de Estados Unidos?" / "... de EE.
UU.?" / "... de EEUU?" (after rule format 32, a newcomer's finding: 0.674 and 0.697 with the answer "the answer to
{cached}", refused), "the United States" / "the USA" / "the U.S.", "die Vereinigten Staaten" / "die USA", "в
Соединённых Штатах" / "в США", "la Unión Europea" / "la UE", "the United Kingdom" / "the UK".

`respelled` writes the request's name as the cached question writes it; `velo.cache.features._Pair` keeps that only where
it makes the two questions the same words (as it keeps `velo.cache.variants`' spellings), so a name beside other
differences changes no feature. Not the bare "us" (the pronoun: "Can you help us?") nor "US" in other words, which
`text.spelling_swap` reads by their case; a Russian name in any case is the indeclinable abbreviation ("в Соединённых
Штатах" / "в США").
"""

from __future__ import annotations

from velo.cache.text import fold

_NAMES = [
    # the United States
    "estados unidos | los estados unidos | ee uu | eeuu | eua | los ee uu | los eeuu"
    " | united states | the united states | usa | u s | u s a | the usa | the u s | the u s a"
    " | vereinigte staaten | vereinigten staaten | die vereinigten staaten | die usa"
    " | сша | соединенные штаты | соединенных штатов | соединенным штатам | соединенных штатах | соединенными штатами",
    # the United Kingdom
    "united kingdom | the united kingdom | uk | the uk | u k | the u k",
    # the European Union
    "european union | the european union | eu | the eu | union europea | la union europea | ue | la ue"
    " | europaische union | europaischen union | die europaische union | der europaischen union | die eu | der eu"
    " | ес | евросоюз | евросоюза | евросоюзе | евросоюзу | европеискии союз | европеиского союза | европеиском союзе"
    " | европеискому союзу",
]
"""Names of one country or union, each as tokens spell it (folded: "ü" is "u", "й" is "и"), with the article some
languages put before the full name and not before the abbreviation ("de los Estados Unidos" / "de EE. UU.")."""
_GROUPS = [sorted((tuple(fold(form).split()) for form in names.split("|")), key=len, reverse=True) for names in _NAMES]
_FIRST = [frozenset(form[0] for form in forms) for forms in _GROUPS]
"""The words a name of each group begins with: a text holding none of them names none (most texts, read at a glance)."""


def _at(toks: list[str], i: int, forms: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The longest of `forms` that starts at token `i`."""
    return next((f for f in forms if tuple(toks[i : i + len(f)]) == f), None)


def respelled(tq: list[str], tc: list[str]) -> list[str]:
    """`tq`, the request's tokens, with each name of `_NAMES` written as the cached question's tokens `tc` write the same
    country or union (its longest form there): "ee", "uu" -> "estados", "unidos" against "estados unidos"."""
    out = tq
    for forms, first in zip(_GROUPS, _FIRST):
        if first.isdisjoint(out) or first.isdisjoint(tc):
            continue
        there = max((f for i, t in enumerate(tc) if t in first and (f := _at(tc, i, forms))), key=len, default=None)
        if there is None:
            continue
        written: list[str] = []
        i = 0
        while i < len(out):  # left to right, the longest form first: "los estados unidos" before "estados unidos"
            form = _at(out, i, forms) if out[i] in first else None
            if form is None:
                written.append(out[i])
                i += 1
            else:
                written += there
                i += len(form)
        out = written
    return list(out)
