"""Words that give a question's arguments their roles, and the arithmetic whose operands may change places.

Role words ("to", "from", "than", "в", "成": `ROLE_MARKERS`) and asymmetric operators ("-", "^": `ASYMMETRIC_OPERATORS`)
give the argument after them a role (`velo.cache.roles` compares those arguments); coordinators ("and", "или", "和")
join two arguments alike. Two numbers around a commutative operator ask the same question either way round
(`numbers_commute`: "7 times 8" / "8 times 7"), two numbers exchanged around any other word ask another
(`exchanged_numbers`: "Divide 10 by 2" / "Divide 2 by 10"). Moved out of `velo.cache.roles` unchanged (rule format 30:
that file had grown to 699 lines).
"""

from __future__ import annotations

from velo.cache.numbers import is_number_token


# Words that give an argument a role ("5 km *to* miles", "*from* English", "bigger *than* a cat"). The
# same words with the arguments swapped ask the reverse question.
ROLE_MARKERS = frozenset(
    """to into from than in per
    a al de del desde hacia en que
    nach zu zum zur von vom aus als ins pro
    в во на из от до чем к ко за по
    成 到 从 比 至 往 向""".split()
)


ASYMMETRIC_OPERATORS = frozenset("- / ÷ ^ ** < > <= >= :".split())
"""Operators whose operands in another order ask another question ("10 - 3" / "3 - 10", "2^10" / "10^2", "5 > 3" /
"3 > 5"): role words whose argument is the operand right after them."""


COMMUTATIVE_OPERATORS = frozenset(
    """+ * × x times plus multiplied mal por mas multiplicado multipliziert 乘 乘以 加 加上 умножить умноженное плюс""".split()
)
"""Operators of multiplication and addition (folded: "más" is "mas"): two numbers either side of one ask the same
question either way round ("7 times 8" / "8 times 7", "7加8" / "8加7", "7 умножить на 8"); subtraction, division and
powers do not (`ASYMMETRIC_OPERATORS`)."""


# Words that join two arguments symmetrically: "the difference between A and B" is "... between B and A".
COORDINATORS = frozenset("and or vs versus y o e u und oder и или 和 与 或 跟 及".split())


def number_at(toks: list[str], at: int) -> str | None:
    """The number that starts at token `at`, with its sign and as a fraction or ratio ("-5", "1/3", "3:2"), else None."""
    k = at + (toks[at : at + 1] == ["-"])
    if k >= len(toks) or not is_number_token(toks[k]):
        return None
    while k < len(toks) and (
        is_number_token(toks[k]) or (toks[k] in ("/", ":") and k + 1 < len(toks) and is_number_token(toks[k + 1]))
    ):
        k += 1
    return " ".join(toks[at:k])


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

