"""Arithmetic written in a text, read as one expression tree: the one reader of signs, brackets, operators and operands
that the hit decision uses (after rule format 32; a newcomer's finding, H1).

`numbers.number_change` compares the computations of two questions with it, and `set_phrases` folds a whole arithmetic
question to its expression with it. Before, each had its own pattern: `numbers._TERM` / `_OPERATOR` counted operands
(bare digits between operators, a sign or a bracket dropped) and `set_phrases._NUMBER` / `_OPERATORS` read a signed
number in brackets and no other bracket. Neither saw a sign before a bracket, and `text.tokens` drops brackets and the
second of two signs, so "(-1)-(-1)=?" / "(-1)-1=?", "-(2+3)=?" / "(2+3)=?" and "-(-1)=?" / "-1=?" were the same words,
served at 1.000.

After format 33 (a newcomer's findings) two more readers defer to it: `code_marks` asks `brackets_change` whether a
bracket in arithmetic groups anything ("(2+3)=?" / "2+3=?" had been code, refused by `symbol_swap`; "-(2+3)" / "-2+3"
stays apart), and the same-words step of `velo.cache.features` reads two questions whose computations have the same
`key`, operands of + and * exchanged inside brackets too, as the same words (`numbers.same_computation_reordered`:
"2*(4+3)=?" / "2*(3+4)=?" had been an exchange of operands to `role_swap`, which reads tokens without brackets).

| read | as |
|---|---|
| a number | digits with one decimal point or comma ("2", "2.5", "3,5"), as written |
| a sign | "+", "-", "−" (U+2212) before an operand: "-1", "-(2+3)", "--1", "+(2+3)" (a sign word is a sign once `numbers.signs_as_minus` wrote it "-"); not after a variable or a closing bracket ("x - 5", "f(x) - 5": `_after_operand`) |
| an operator | + - * / ^ and =: the symbols ("−", "×", "·", "÷", "**" for ^), "x" between numbers, and the words of `_WORDS` in en/es/de/ru and 加 / 减 / 乘 / 除以 in Chinese; 再 / 然后 ("then") before one goes on computing |
| a bracket | "(" ... ")" around an expression, balanced; an unmatched one ends the expression |

Operators bind as in school: a sign binds tighter than * and /, looser than ^ ("-2^2" is -(2^2), "(-2)^2" is not), ^
to the right, the others to the left, = loosest. An `Expression` is a stretch of the text read that way, as long as it
goes; between its parts only spaces. It *computes* when it has an operator, or a sign on anything but a bare number
("-(-1)", "-(2+3)"; "-1" and "(-1)" are a number). Its `key` is what two questions must share to ask the same
computation: every operand, minus sign and operator, and the brackets where they change the tree ("2*(3+4)" /
"2*3+4", "(1+2)+3" / "1+2+3"), operands of + and * in any order ("7+8" / "8+7"), a bracket around one operand dropped
("(-1)*(-1)" / "-1*-1"), a plus sign dropped: it changes no number ("+5 plus 3" / "5 plus 3"; `text.tokens` keeps it, so
such a pair is no same words either, and "1-+1" / "1+1", whose minus `text.tokens` drops, differs in its operator).
Its `written` form is the expression in symbols without spaces ("What is 2 plus 2?" -> "2+2", "(-1)*(-1)" -> "-1*-1",
"-(2+3)" -> "-(2+3)").
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Callable
from typing import NamedTuple

from velo.cache.text import FUNCTION_WORDS, fold

_WORDS: tuple[tuple[str, str], ...] = (
    ("+", "plus|más|mas|плюс"),
    ("-", "minus|menos|минус"),
    ("*", "times|multiplied by|por|mal|умножить на|умноженное на"),
    ("/", "divided by|dividido (?:por|entre)|entre|geteilt durch|durch|разделить на|делить на"),
)
"""Operators written as words, per sign: en, es, de, ru (case folded). A word for a number's sign ("minus 5") is read by
`numbers.signs_as_minus`, which writes it "-"; here a word joins two operands only."""
_HAN: tuple[tuple[str, str], ...] = (("+", "加上?"), ("-", "减去?"), ("*", "乘以?"), ("/", "除以"))
"""Chinese operators. 除 alone is left out: "6除2" divides 2 by 6."""
_SYMBOLS = {
    "+": "+", "-": "-", "\u2212": "-", "*": "*", "×": "*", "·": "*", "/": "/", "÷": "/", "^": "^", "**": "^", "=": "=",
}

_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,]\d+)?)"
    r"|(?P<then>(?:再|然后)\s*)?(?:"
    + "".join(rf"(?P<w{i}>(?<![^\W\d_])(?:{words})(?![^\W\d_]))|" for i, (_, words) in enumerate(_WORDS))
    + "".join(rf"(?P<h{i}>{words})|" for i, (_, words) in enumerate(_HAN))
    + r"(?P<x>(?<![^\W\d_])x(?![^\W\d_])(?=\s*[\d(]))"
    + rf"|(?P<symbol>\*\*|[{re.escape(''.join(_SYMBOLS))}]))"
    r"|(?P<open>\()|(?P<close>\))",
    re.IGNORECASE,
)
"""One token: a number, an operator (a symbol, a word, "x" right before a number or a bracket: "123 x 3567", not the
"x" of "3x+5"; 再 / 然后 before it is part of it), or a bracket."""
_SPACE = re.compile(r"\s*")


class _Token(NamedTuple):
    kind: str
    """"number", "op" (an operator or a sign), "word" (an operator written as a word: never a sign), "open", "close"."""
    value: str
    """The number as written, or the operator as one of + - * / ^ =."""
    start: int
    end: int
    joined: bool
    """Whether only spaces stand between this token and the one before it."""


def _tokens(text: str) -> list[_Token]:
    out, end = [], 0
    for m in _TOKEN.finditer(text):
        joined = bool(out) and _SPACE.fullmatch(text, end, m.start()) is not None
        kind = m.lastgroup
        if kind == "number":
            out.append(_Token("number", m.group(), m.start(), m.end(), joined))
        elif kind in ("open", "close"):
            out.append(_Token(kind, m.group(), m.start(), m.end(), joined))
        else:
            if kind == "symbol":
                value = _SYMBOLS[m.group(kind)]
                word = value in "+-" and _after_operand(text, m.start())
            elif kind == "x":
                value, word = "*", True
            else:
                value, word = (_WORDS if kind[0] == "w" else _HAN)[int(kind[1:])][0], True
            out.append(_Token("word" if word else "op", value, m.start(), m.end(), joined))
        end = m.end()
    return out


def _after_operand(text: str, at: int) -> bool:
    """Whether what stands before `at` (spaces aside) ends an operand the reader does not read: a letter standing alone
    that is no word ("x - 5": a variable) or a closing bracket ("f(x) - 5"). A "+" or "-" there joins two operands, it
    is no sign: "x - 5 = 0" is "x minus 5 = 0", not "x" and "-5 = 0"."""
    k = at - 1
    while k >= 0 and text[k].isspace():
        k -= 1
    if k < 0:
        return False
    if text[k] == ")":
        return True
    alone = text[k].isalpha() and (k == 0 or not text[k - 1].isalpha())
    return alone and fold(text[k]) not in FUNCTION_WORDS


class Node(NamedTuple):
    """A node of an expression tree: a number (`op` "n", its `text` as written), a sign ("neg" / "pos", one argument)
    or an operator ("+", "-", "*", "/", "^", "="; the operands of a run of + or * or = are one node's arguments)."""

    op: str
    args: tuple[Node, ...] = ()
    text: str = ""
    grouped: bool = False
    """Written in brackets: a run of + or * does not go on into it ("(1+2)+3")."""

    @property
    def is_number(self) -> bool:
        """A number, or a number with one sign ("-1", "(-1)", "+1")."""
        return self.op == "n" or (self.op in ("neg", "pos") and self.args[0].op == "n")


_LOOSEST = ("=", "+-", "*/")
"""The binary operators by how loosely they bind: = loosest, then + and -, then * and / (signs and ^ are tighter)."""
_DEEPEST = 20
"""The most brackets open, or signs in a row, that an expression holds (no recursion error on "((((..." or "----1")."""
_COMMUTING = "+*="


class _Parser:
    """Recursive descent over the tokens from one place: each method returns (node, next index) or None."""

    def __init__(self, toks: list[_Token], start: int) -> None:
        self.toks, self.start = toks, start
        self.depth = 0
        """Brackets open where the parser is (`_DEEPEST`)."""

    def _at(self, i: int) -> _Token | None:
        if i >= len(self.toks) or (i > self.start and not self.toks[i].joined):
            return None
        return self.toks[i]

    def binary(self, i: int, level: int = 0) -> tuple[Node, int] | None:
        if level == len(_LOOSEST):
            return self.unary(i)
        first = self.binary(i, level + 1)
        if first is None:
            return None
        node, i = first
        while (t := self._at(i)) is not None and t.kind in ("op", "word") and t.value in _LOOSEST[level]:
            right = self.binary(i + 1, level + 1)
            if right is None:
                break
            if t.value in _COMMUTING and node.op == t.value and not node.grouped:
                node = Node(t.value, node.args + (right[0],))
            else:
                node = Node(t.value, (node, right[0]))
            i = right[1]
        return node, i

    def unary(self, i: int) -> tuple[Node, int] | None:
        signs = []
        while (t := self._at(i)) is not None and t.kind == "op" and t.value in "+-":
            if len(signs) == _DEEPEST:
                return None
            signs.append("neg" if t.value == "-" else "pos")
            i += 1
        inner = self.power(i)
        if inner is None:
            return None
        node, i = inner
        for sign in reversed(signs):
            node = Node(sign, (node,))
        return node, i

    def power(self, i: int) -> tuple[Node, int] | None:
        base = self.atom(i)
        if base is None:
            return None
        t = self._at(base[1])
        if t is not None and t.kind == "op" and t.value == "^":
            exponent = self.unary(base[1] + 1)
            if exponent is not None:
                return Node("^", (base[0], exponent[0])), exponent[1]
        return base

    def atom(self, i: int) -> tuple[Node, int] | None:
        t = self._at(i)
        if t is None:
            return None
        if t.kind == "number":
            return Node("n", text=t.value), i + 1
        if t.kind == "open" and self.depth < _DEEPEST:
            self.depth += 1
            inner = self.binary(i + 1)
            self.depth -= 1
            if inner is not None and (close := self._at(inner[1])) is not None and close.kind == "close":
                return inner[0]._replace(grouped=True), inner[1] + 1
        return None


class Expression(NamedTuple):
    """A stretch of arithmetic in a text (`read`): `text[start:end]` is `tree`."""

    start: int
    end: int
    tree: Node
    numbered: bool = False
    """Three or more numbers joined by one "-" or "/" each and nothing else, no spaces: a date, a ratio or a name
    ("2023-10-05" / "2023/10/05", "50/30/20" / "50-30-20": a right pair of the labelled set), whose separator `key`
    does not read. Two numbers stay a difference or a quotient ("5-2" / "5/2")."""

    @property
    def computes(self) -> bool:
        """Whether it has an operator, or a sign on more than a bare number ("-(-1)", "-(2+3)"): not a number alone."""
        return not self.tree.is_number

    @property
    def has_operator(self) -> bool:
        """Whether it has an operator other than signs ("1-1", not "-(-1)")."""
        return _has_operator(self.tree)

    @property
    def written(self) -> str:
        """The expression in symbols, no spaces, brackets where they change the tree: "2 plus 2" -> "2+2", "(-1) ×
        (-1)" -> "-1*-1", "-(2+3)", "(-2)^2"."""
        return _written(self.tree)

    def key(self, leaf: Callable[[str], str] = str) -> str:
        """What two expressions share when they are one computation (module docstring): the tree in prefix form with the
        operands of + and * (and the sides of =) sorted, each number as `leaf` reads it (`numbers` reads "1,000" and
        "1000" alike); a `numbered` run as its numbers ("50/30/20" and "50-30-20": "numbered(50,30,20)")."""
        if self.numbered:
            return f"numbered({','.join(leaf(n.text) for n in _numbers(self.tree))})"
        return _key(self.tree, leaf)


def _numbers(node: Node) -> list[Node]:
    return [node] if node.op == "n" else [n for a in node.args for n in _numbers(a)]


def _numbered(toks: list[_Token]) -> bool:
    """Whether `toks` (one expression's) are `Expression.numbered`."""
    return (
        len(toks) >= 5 and len({t.value for t in toks[1::2]}) == 1 and toks[1].value in "-/"
        and all(t.kind == "number" for t in toks[::2]) and all(t.kind == "op" for t in toks[1::2])
        and all(a.end == b.start for a, b in zip(toks, toks[1:]))
    )


def _has_operator(node: Node) -> bool:
    return node.op not in ("n", "neg", "pos") or any(_has_operator(a) for a in node.args)


def _key(node: Node, leaf: Callable[[str], str]) -> str:
    if node.op == "n":
        return leaf(node.text)
    if node.op == "pos":  # a plus sign changes no number ("+5 plus 3" / "5 plus 3"); `written` keeps it
        return _key(node.args[0], leaf)
    args = [_key(a, leaf) for a in node.args]
    if node.op in _COMMUTING:
        args.sort()
    return f"{node.op}({','.join(args)})"


_SIGNS = {"neg": "-", "pos": "+"}


def _written(node: Node, parent: Node | None = None, left: bool = False) -> str:
    if node.op == "n":
        out = node.text
    elif node.op in _SIGNS:
        out = _SIGNS[node.op] + _written(node.args[0], node)
    else:
        out = node.op.join(_written(a, node, k == 0) for k, a in enumerate(node.args))
    if parent is None or node.op == "n":
        return out
    signed = node.op in _SIGNS
    # brackets the reader needs to read the same tree back: around a run of operators it wrote in brackets, a sign
    # under a sign ("-(-1)") and a signed base of a power ("(-2)^2")
    if (not signed and node.grouped) or (signed and (parent.op in _SIGNS or (parent.op == "^" and left))):
        return f"({out})"
    if not signed and parent.op in _SIGNS:
        return f"({out})" if node.op != "^" else out
    return out


@functools.lru_cache(maxsize=4096)  # a pure function of the text, read for each pair a cached question is in
def read(text: str) -> tuple[Expression, ...]:
    """The arithmetic of `text`, in order: each stretch of numbers, signs, operators and brackets that reads as one
    expression (module docstring), as long as it goes; a number alone is an `Expression` too (`computes` False). Reads
    the text as given: `numbers.arithmetic_text` writes digits of any script as ASCII, full-width signs as ASCII and a
    sign word as "-" first. Any str."""
    toks = _tokens(text)
    out: list[Expression] = []
    i = 0
    while i < len(toks):
        parsed = _Parser(toks, i).binary(i)
        if parsed is None:
            i += 1
            continue
        node, j = parsed
        out.append(Expression(toks[i].start, toks[j - 1].end, node, _numbered(toks[i:j])))
        i = j
    return tuple(out)


def numbered_joins(text: str) -> Counter:
    """The "-" and "/" that join the numbers of `Expression.numbered` runs of `text` (as `read` reads it), as a multiset:
    "50-30-20" -> {"-": 2}, "2023/10/05" -> {"/": 2}; "5-2", "50 - 30 - 20" -> {}. `text.symbol_swap` leaves them out,
    as `Expression.key` reads such a run by its numbers: "el método 50-30-20" / "la regla 50/30/20" put no symbol in
    another's place (a right pair of the labelled set that `symbol_swap` refused at 0.000; recall43)."""
    return Counter(
        op for e in read(text) if e.numbered for op in re.findall(r"[-/]", text[e.start : e.end])
    )


_LONGEST_JUDGED = 200
"""The longest expression, in characters, whose brackets `brackets_change` judges: a question's arithmetic is far shorter,
and each bracket re-reads its expression (a long turn of code with hundreds of brackets would take seconds)."""


def brackets_change(text: str, start: int, end: int) -> bool | None:
    """Whether the bracket pair at `text[start]` "(" and `text[end]` ")" changes what the expression it stands in
    computes: that expression (`read`) read again with the two brackets written as spaces has another key
    (`Expression.key`). "-(2+3)" (-5, not -2+3), "2*(3+4)", "(-2)^2", "(1+2)+3" (a run of + read in two) change it;
    "(2+3)=?", "((2+3))", "(-1)*(-1)", "(2*3)+4" do not. None when no expression read holds both brackets (a bracket of
    prose, "What is RAM (memory)?"), or the one that does is longer than `_LONGEST_JUDGED`. Reads `text` as given
    (`read`); `start` < `end` are indices of `text`, else ValueError."""
    if not (0 <= start < end < len(text)) or text[start] != "(" or text[end] != ")":
        raise ValueError(f"no bracket pair at {start}, {end} of {text!r}")
    expressions = read(text)
    k = bisect.bisect_right(_starts(text), start) - 1
    if k < 0 or end >= (e := expressions[k]).end or e.end - e.start > _LONGEST_JUDGED:
        return None
    span = text[e.start : e.end]
    s, t = start - e.start, end - e.start
    bare = f"{span[:s]} {span[s + 1 : t]} {span[t + 1 :]}"
    return [x.key() for x in read.__wrapped__(bare)] != [e.key()]  # `bare` is read once: not cached


@functools.lru_cache(maxsize=256)
def _starts(text: str) -> list[int]:
    """Where each expression `read` finds in `text` starts, in order (they do not overlap)."""
    return [e.start for e in read(text)]
