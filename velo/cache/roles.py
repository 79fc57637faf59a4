"""Role and unit swaps: the same words with their arguments in other roles ask another question.

"Convert 5 km to miles" / "Convert 5 miles to km" (`role_swap`: a role word such as "to", "from", "than", "в",
"成" or an asymmetric operator such as "-" or "^" takes another argument: "Is 1/2 bigger than 1/3?" / "Is 1/3 bigger than
1/2?", "10 - 3" / "3 - 10") and "Wie viele Meilen sind 10 Kilometer" / "Wie viele Kilometer sind 10 Meilen"
(`unit_swap`: a number's unit or counted thing changed) are vetoes of the hit decision; the arguments of a symmetric
relation exchanged are not (`symmetric_exchange`: "Python vs Java" / "Java vs Python"). The role words are
`velo.cache.role_words`'s, units and quantities `velo.cache.quantities`'s.
"""

from __future__ import annotations

from velo.cache.uncounted import counts_nothing, things_exchanged
from velo.cache.quantities import (
    LETTER_UNITS, UNIT_NAMES, content_terms, han_unit, ones_before_units, quantities_of, stem_or_unit, term_at, unglued, unit_after_number,
)
from velo.cache.role_words import (
    ASYMMETRIC_OPERATORS, COMMUTATIVE_OPERATORS, COORDINATORS, ROLE_MARKERS, exchanged_numbers, number_at, numbers_commute,
)
from velo.cache.text import FUNCTION_WORDS, HAN


def _roles(toks: list[str]) -> dict[str, list[tuple[str, set[str]]]]:
    """Each role word -> every occurrence's argument: (its first term, all its terms). The argument is the content
    words among the three tokens after the role word, up to the next role word ("from Paris to London": Paris for
    "from", London for "to"; numbers skipped: "from 5 km"; a one-letter unit counts: "to m"), else the number right
    after it ("than 1/3", "比2"). A Han role word takes the very next character, or the unit whose name starts there
    ("换算成英里": mile). An asymmetric operator (`ASYMMETRIC_OPERATORS`) takes the operand right after it.

    Every occurrence counts: in "How to convert JSON to CSV" the first "to" is the infinitive's (argument "convert"),
    the second the target's (CSV). Format 9 kept the first occurrence only and let a window span the next role word
    ("from Paris to London" gave "from" both cities), so "How to convert JSON to CSV" / "How to convert CSV to JSON"
    and "from Paris to London" / "from London to Paris" showed no swap."""
    roles: dict[str, list[tuple[str, set[str]]]] = {}
    for i, t in enumerate(toks):
        if t in ASYMMETRIC_OPERATORS:
            if (operand := number_at(toks, i + 1) or (term_at(toks, i + 1) if i + 1 < len(toks) else None)) is not None:
                roles.setdefault(t, []).append((operand, {operand}))
            continue
        if t not in ROLE_MARKERS or (t == "que" and (i == 0 or toks[i - 1] == "por")):
            continue  # "¿Qué ...?", "¿Por qué ...?": a question word, not "than"
        if t == "на" and i and toks[i - 1].startswith("умнож"):
            continue  # "7 умножить на 8": a multiplication's operand has no role ("больше на 5" keeps it)
        if HAN.fullmatch(t) and (unit := han_unit(toks, i + 1)) is not None:
            roles.setdefault(t, []).append((unit, {unit}))
            continue
        args = []
        for j in range(i + 1, min(len(toks), i + (2 if HAN.fullmatch(t) else 4))):
            if args and (toks[j] in ROLE_MARKERS or toks[j] in ASYMMETRIC_OPERATORS):
                break  # the next role word's argument ("from Paris to London"); "to a string" reads past the article "a"
            if (j == i + 1 and toks[j] in LETTER_UNITS) or (
                toks[j] not in FUNCTION_WORDS and not toks[j][0].isdigit() and toks[j] != "-"
            ):
                args.append(term_at(toks, j))
        if not args and (number := number_at(toks, i + 1)) is not None:
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


def unit_swap(a: list[str], b: list[str]) -> bool:
    """True when a number both questions have is in another unit (`quantities._UNITS`: "walk 5 km" / "walk 5 miles", "100 °F" /
    "100 °C"), or counts another of their words on each side, each word being in both
    questions ("Wie viele Meilen sind 10 Kilometer" / "Wie viele Kilometer sind 10 Meilen", "¿Cuántas millas son
    5 km?" / "¿Cuántos km son 5 millas?", "5 apples and 3 pears" / "3 apples and 5 pears"): a quantity attached to
    another thing, with no role word to show it.

    Not a swap: a word moved from right before the number to right after it ("the top 10 films" / "the 10 top
    films"), a unit one side leaves out, and a count that moved nothing: its two things in the same order on both sides,
    or one side's thing the head after the other's modifier closed by 的 ("写一首唐代风格的古诗" / "以唐代的风格，写一篇古诗": 1 read as
    counting 唐 / 古; `uncounted.things_exchanged`, recall43)."""
    a, b = unit_after_number(unglued(a)), unit_after_number(unglued(b))
    units_a, units_b = quantities_of(a, units=True), quantities_of(b, units=True)
    if any(
        units_a[n][0] != units_b[n][0] and units_a[n][0] in UNIT_NAMES and units_b[n][0] in UNIT_NAMES
        for n in units_a.keys() & units_b.keys()
    ):
        return True  # the same number in another unit: "walk 5 km" / "walk 5 miles", "100 °F" / "100 °C", "5公里" / "5英里"
    # The counted things of `quantities_of` without `units`: one read past a Chinese unit ("打八折后是200元，原价" /
    # "原价200元，打八折": 原 / 打) tells a price's role apart.
    qa, qb = quantities_of(a), quantities_of(b)
    sa = {stem_or_unit(t) for t in a if t not in FUNCTION_WORDS}
    sb = {stem_or_unit(t) for t in b if t not in FUNCTION_WORDS}
    commute = numbers_commute(a)  # with another operator, an operand's place can matter: "3 más 4 por 5"
    moved = {}
    for n in qa.keys() & qb.keys():
        (ua, before_a), (ub, before_b) = qa[n], qb[n]
        if ua != ub and ua in sb and ub in sa and ub != before_a and ua != before_b and not (commute and {ua, ub} & COMMUTATIVE_TERMS):
            # not an operator's operands: "7乘以8等于" / "8乘以7等于" counts 乘 and 等; nor an ordinal against a count or a code
            # ("第一个建议" / "写一个程序", "F-35B": `velo.cache.uncounted`, rc41)
            if not counts_nothing(before_a, before_b):
                moved[n] = (ua, ub)
    # a modifier's first word read as the thing counted moves no count: "写一首唐代风格的古诗" / "写一篇古诗" (recall43)
    return bool(moved) and things_exchanged(a, b, [stem_or_unit(t) for t in a], [stem_or_unit(t) for t in b], moved)


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
COMPARATIVES = frozenset(
    """more less better worse than mas menos mejor peor mehr weniger besser schlechter больше меньше лучше хуже 更""".split()
)
"""Words that make a comparison one-sided ("How much more expensive is a Mac compared to a PC?"): no symmetric relation."""


_SYMMETRIC_WORDS = frozenset("far lejos lej weit далеко далек".split())
"""Whole words (and their stems, as `content_terms` gives them) for a symmetric relation, whose beginnings open other
words ("farm", "weiter"): how far A is from B is how far B is from A. Rule format 25."""


def symmetric_term(terms: list[str]) -> bool:
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
    (`COMPARATIVES`: "more expensive ... compared to" asks which way). The same question, not the reverse one (issue 8:
    `role_swap` refused these under rule format 21)."""
    if COMPARATIVES.intersection(a) or COMPARATIVES.intersection(b):
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
                if symmetric_term(between):
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

    One of a unit written as a word is read as 1 (`ones_before_units`, lk40: "一公斤等于多少磅" / "一磅等于多少公斤",
    "¿Cuántas libras es un kilo?" / "¿Cuántos kilos es una libra?").
    """
    a, b = unit_after_number(unglued(ones_before_units(a))), unit_after_number(unglued(ones_before_units(b)))
    if exchanged_numbers(a, b):
        # Two operands in each other's place with no role word between them ("Divide 10 by 2" / "Divide 2 by 10",
        # "Teile 10 durch 2": nc18 finding 2, served at 0.993-0.995 by format 18); the same question only when they
        # commute ("Add 5 to 12" / "Add 12 to 5") or are joined alike ("between 3 and 5").
        i, j = (k for k, (x, y) in enumerate(zip(a, b)) if x != y)
        return not (numbers_commute(a) or all(t in COORDINATORS for t in a[i + 1 : j]))
    if unit_swap(a, b):
        return True
    if symmetric_exchange(a, b):
        return False  # "How is a crocodile different from an alligator?" / "... an alligator different from a crocodile?"
    if set(content_terms(a)) != set(content_terms(b)):
        return False
    if COORDINATORS.intersection(a) and COORDINATORS.intersection(b):
        return False
    qa, qb = quantities_of(a), quantities_of(b)
    if len(qa) == 1 and qa.keys() == qb.keys() and {u for u, _ in qa.values()} == {u for u, _ in qb.values()} <= UNIT_NAMES:
        # One quantity in the same unit on both sides: the other unit is the target however the words are
        # ordered ("How many miles are in 5 kilometers?" / "5 km in miles?"); "5 km to miles" / "5 miles to km"
        # has the quantity in another unit (`unit_swap`).
        return False
    ra, rb = _roles(a), _roles(b)
    return any(_swapped(ra[marker], rb[marker]) for marker in ra.keys() & rb.keys())
