"""A count and its noun in agreement, for messages people read: `counted(1, "answer")` -> "1 answer",
`counted(2, "answer")` -> "2 answers".

Messages had put the plural after any number ("the cloud budget of this key (1 answers)", "after 1 restarts")
or hedged with "answer(s)"; this is the one place that chooses. English only: the CLI and the services speak
English. The plural of a noun the rules below get wrong is given (`counted(n, "person", "people")`).

    counted(1, "entry")          "1 entry"        counted(3, "entry")          "3 entries"
    counted(0, "query")          "0 queries"      counted(2, "match")          "2 matches"
    counted(1_500, "token", grouped=True)  "1,500 tokens"    counted(0.5, "request")  "0.5 requests"
"""

from __future__ import annotations

import operator

_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"


def plural(noun: str) -> str:
    """The regular English plural of `noun`: -ies after a consonant + y (query), -es after a sibilant (match, box),
    -s otherwise (answer, day). A noun of several words is pluralised at its last ("edge server" -> "edge servers")."""
    if noun.endswith("y") and len(noun) > 1 and noun[-2].lower() not in _VOWELS:
        return noun[:-1] + "ies"
    if noun.endswith(_SIBILANT_ENDINGS):
        return noun + "es"
    return noun + "s"


def noun_for(n: int | float, noun: str, plural_form: str | None = None) -> str:
    """The noun alone as `n` of it are called, for a noun before what it names: `f"unknown {noun_for(len(bad), 'device')}
    {', '.join(bad)}"` -> "unknown device gpu9" / "unknown devices gpu8, gpu9"."""
    return noun if abs(n) == 1 else (plural_form if plural_form is not None else plural(noun))


def counted(n: int | float, noun: str, plural_form: str | None = None, *, grouped: bool = False) -> str:
    """`n` and `noun`, singular for exactly 1 (and -1), plural otherwise (0 answers, 2 answers, 1.5 requests);
    `plural_form` for a noun the rules of `plural` do not fit; `grouped`: thousands separated by commas (1,500).
    An integer (numpy's too) is written whole, a float as `:g` writes it (40.0 -> "40", 0.5 -> "0.5"). TypeError for
    anything else (a bool, a string): a count that is not a number is a bug at the call."""
    if isinstance(n, bool):
        raise TypeError(f"counted() takes a number, got {n!r}")
    try:
        n = operator.index(n)  # numpy integers too
    except TypeError:
        if not isinstance(n, float):
            raise TypeError(f"counted() takes a number, got {type(n).__name__} {n!r}") from None
    word = noun_for(n, noun, plural_form)
    if isinstance(n, float):
        return f"{n:,g} {word}" if grouped else f"{n:g} {word}"
    return f"{n:,} {word}" if grouped else f"{n} {word}"
