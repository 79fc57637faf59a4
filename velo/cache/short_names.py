"""A country or union named in full and by its abbreviation: "¿Cuál es la capital de Estados Unidos?" / "... de EE.
UU.?" / "... de EEUU?" (after rule format 32, a newcomer's finding: 0.674 and 0.697 with the answer "the answer to
{cached}", refused), "the United States" / "the USA" / "the U.S.", "die Vereinigten Staaten" / "die USA", "в
Соединённых Штатах" / "в США", "la Unión Europea" / "la UE", "the United Kingdom" / "the UK"; since tense42 the United
Nations ("the UN" / "the United Nations", "la ONU" / "las Naciones Unidas", "die UNO" / "die Vereinten Nationen", "ООН"
/ "Организация Объединённых Наций"), "the US" in capitals, and Chinese full names (美国 / 美利坚合众国, 英国 / 联合王国, 欧盟 /
欧洲联盟; a newcomer's finding: 0.112-0.785, refused).

`respelled` writes the request's name as the cached question writes it; `velo.cache.features._Pair` keeps that only where
it makes the two questions the same words (as it keeps `velo.cache.variants`' spellings), so a name beside other
differences changes no feature. An abbreviation that is also a word ("us", the pronoun: "Can you help us?"; "un", the
Spanish article; "uno", one) is read only where its text writes it in capitals in a text that marks case (`_CAPITALS`:
"the US", "the UN", "die UNO"; not "CAN YOU HELP US?"). A Russian name in any case is the indeclinable abbreviation ("в
Соединённых Штатах" / "в США").
"""

from __future__ import annotations

import re

from velo.cache.text import HAN, fold, marks_case

_NAMES = [
    # the United States
    "estados unidos | los estados unidos | ee uu | eeuu | eua | los ee uu | los eeuu"
    " | united states | the united states | usa | u s | u s a | the usa | the u s | the u s a | us | the us"
    " | vereinigte staaten | vereinigten staaten | die vereinigten staaten | die usa"
    " | сша | соединенные штаты | соединенных штатов | соединенным штатам | соединенных штатах | соединенными штатами"
    " | 美国 | 美利坚合众国",
    # the United Kingdom
    "united kingdom | the united kingdom | uk | the uk | u k | the u k | 英国 | 联合王国 | 大不列颠及北爱尔兰联合王国",
    # the European Union
    "european union | the european union | eu | the eu | union europea | la union europea | ue | la ue"
    " | europaische union | europaischen union | die europaische union | der europaischen union | die eu | der eu"
    " | ес | евросоюз | евросоюза | евросоюзе | евросоюзу | европеискии союз | европеиского союза | европеиском союзе"
    " | европеискому союзу | 欧盟 | 欧洲联盟",
    # the United Nations
    "united nations | the united nations | un | the un | u n | the u n"
    " | naciones unidas | las naciones unidas | onu | la onu | organizacion de las naciones unidas"
    " | la organizacion de las naciones unidas"
    " | vereinte nationen | vereinten nationen | die vereinten nationen | der vereinten nationen | den vereinten nationen"
    " | uno | die uno | der uno | die un | der un"
    " | оон | организация объединенных наций | организации объединенных наций | организацию объединенных наций"
    " | организациеи объединенных наций",
]
"""Names of one country or union, each as tokens spell it (folded: "ü" is "u", "й" is "и"), with the article some
languages put before the full name and not before the abbreviation ("de los Estados Unidos" / "de EE. UU."); a Chinese
name character by character, as tokens write Han."""
_CAPITALS = frozenset("us un uno".split())
"""Abbreviations that are also words: a form holding one is read only where the text writes it in capitals."""


def _form(name: str) -> tuple[str, ...]:
    folded = fold(name).strip()
    return tuple(folded) if HAN.match(folded) else tuple(folded.split())


_GROUPS = [sorted((_form(form) for form in names.split("|")), key=len, reverse=True) for names in _NAMES]
_FIRST = [frozenset(form[0] for form in forms) for forms in _GROUPS]
"""The words a name of each group begins with: a text holding none of them names none (most texts, read at a glance)."""


def capitals(text: str) -> frozenset[str]:
    """The words of `_CAPITALS` that `text` writes in capitals ("What is the population of the US?": {"us"}), none in a
    text that marks no case (`text.marks_case`: "CAN YOU HELP US?")."""
    if not marks_case(text):
        return frozenset()
    return frozenset(w.lower() for w in re.findall(r"\b[A-Z]{2,3}\b", text)) & _CAPITALS


def _at(toks: list[str], i: int, forms: list[tuple[str, ...]], caps: frozenset[str]) -> tuple[str, ...] | None:
    """The longest of `forms` that starts at token `i`, a form with a word of `_CAPITALS` only if `caps` holds it."""
    return next(
        (f for f in forms if tuple(toks[i : i + len(f)]) == f and _CAPITALS.intersection(f) <= caps), None
    )


def respelled(tq: list[str], tc: list[str], caps_q: frozenset[str] = frozenset(), caps_c: frozenset[str] = frozenset()) -> list[str]:
    """`tq`, the request's tokens, with each name of `_NAMES` written as the cached question's tokens `tc` write the same
    country or union (its longest form there): "ee", "uu" -> "estados", "unidos" against "estados unidos". `caps_q`,
    `caps_c`: the words of `_CAPITALS` each text writes in capitals (`capitals`; none by default: "us" is the
    pronoun)."""
    out = tq
    for forms, first in zip(_GROUPS, _FIRST):
        if first.isdisjoint(out) or first.isdisjoint(tc):
            continue
        there = max((f for i, t in enumerate(tc) if t in first and (f := _at(tc, i, forms, caps_c))), key=len, default=None)
        if there is None:
            continue
        written: list[str] = []
        i = 0
        while i < len(out):  # left to right, the longest form first: "los estados unidos" before "estados unidos"
            form = _at(out, i, forms, caps_q) if out[i] in first else None
            if form is None:
                written.append(out[i])
                i += 1
            else:
                written += there
                i += len(form)
        out = written
    return list(out)
