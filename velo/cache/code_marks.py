"""The brackets and punctuation of code and math, which `velo.cache.text.tokens` drops as punctuation between words.

Two questions with the same tokens may still ask different things when their code differs only there: the brackets of
code and the separators inside them ("a[1:]" / "a[:1]", "sqrt(16)+9" / "sqrt(16+9)", "-2**2" / "(-2)**2") and the
punctuation of code and math (":q!" / ":q", "0!" / "0", "a?.b" / "a.b", "cd .." / "cd .": `_code_punctuation`, rule
format 26). `code_marks` lists them, each placed among the tokens; `code_swap` tells two questions apart by them (a hit
feature, `velo.cache.features`), and a follow-up's context key holds them (`velo.cache.keys.context_key`). A bracket in
arithmetic is code where it changes the expression as `velo.cache.arithmetic` reads it (`_arithmetic_grouping`, after
format 33: "(2+3)=?" / "2+3=?" were refused as code; "-(2+3)" / "-2+3" stay apart)."""

from __future__ import annotations

import re
import unicodedata

from velo.cache import arithmetic
from velo.cache.numbers import ascii_digits, same_computation_reordered
from velo.cache.text import FUNCTION_WORDS, HAN, MINUS_SIGNS, OPERATORS, SENTENCE_PUNCT, fold, nfkc, tokens


_OPEN, _CLOSE = "([{", ")]}"
_CODE_SEPARATORS = ",:;"


def code_marks(text: str, arithmetic_brackets: bool = True) -> list[str]:
    """The brackets of code in `text` and the separators inside them, each as "<tokens before it><mark>": the
    structure that `tokens` drops ("a[1:]" / "a[:1]", "sqrt(16)+9" / "sqrt(16+9)", "-2**2" / "(-2)**2").

    A bracket pair is code when it touches a word or symbol from outside: its opening bracket follows a non-space
    character ("sqrt(", "a[") or its closing bracket is followed by one other than sentence punctuation (")**2"), or an
    operator or minus stands beside it, spaced or not ("2 * (3 + 4)" as "2*(3+4)": `_operator_beside`).
    A parenthesis of prose ("What is RAM (memory)?") is not, nor an empty pair ("len()" / "len": a call written or
    not), a grouping that changes nothing (`_redundant`: "(-1)*(-1)") or an unmatched bracket ("1)"). Spaces do not
    count: "sqrt(16) + 9" is "sqrt(16)+9"."""
    text = nfkc(text)
    digits = ascii_digits(text)  # as `arithmetic.read` reads numbers, one character for one
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack and text[stack[-1]] == _OPEN[_CLOSE.index(ch)]:
            start = stack.pop()
            if i == start + 1:
                continue
            before = text[start - 1] if start else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            touches = (not before.isspace() or not (after.isspace() or after in SENTENCE_PUNCT)
                       or _operator_beside(text, start, -1) or _operator_beside(text, i, 1))
            grouping = _arithmetic_grouping(digits, start, i)
            if grouping is None:
                grouping = not _redundant(text, start, i)
            elif not arithmetic_brackets:
                grouping = False
            if touches and grouping:
                pairs.append((start, i))
        elif ch in _CLOSE:
            stack.clear()
    places = {p: text[p] for pair in pairs for p in pair}
    places |= {i: text[i] for start, end in pairs for i in range(start + 1, end) if text[i] in _CODE_SEPARATORS}
    places |= _code_punctuation(text)
    at = sorted(places)
    return [f"{n}{places[i]}" for i, n in zip(at, _token_counts(text, at))]


_SPACE = re.compile(r"\s")


def _operator_beside(text: str, k: int, step: int) -> bool:
    """Whether the first character other than a space from `k` back (`step` -1) or on (`step` 1) is an operator or a
    minus: a bracket of arithmetic is one whether or not it is spaced ("2 * (3 + 4) = ?" as "2*(3+4)=?": nc42 found the
    spaced one refused by `code_swap` at 0.000)."""
    k += step
    while 0 <= k < len(text) and text[k].isspace():
        k += step
    return 0 <= k < len(text) and (text[k] in OPERATORS or text[k] in MINUS_SIGNS or text[k] in "-/×÷·")


def _hyphen_beside(text: str, k: int, step: int) -> bool:
    """Whether the first character from `k` on (`step` 1) or back (`step` -1) that folding keeps is a hyphen or minus
    ("-", "−", "－", "﹣"): a combining mark or a presentation selector after a space or a hyphen folds away ("- ́3")."""
    while 0 <= k < len(text) and unicodedata.category(text[k])[0] == "M":
        k += step
    return 0 <= k < len(text) and (text[k] == MINUS_SIGNS or "-" in unicodedata.normalize("NFKC", text[k]))


_LONG_RUN = 128
"""Characters of a run without a cut past which a place is given by characters, not tokens (`_token_counts`)."""


def _token_counts(text: str, places: list[int]) -> list[int | str]:
    """`len(tokens(text[:i]))` for each place i (sorted), tokenizing `text` once: the tokens of a prefix are those of the
    pieces before it, cut at spaces, and those of the rest of it. No token of `tokens` holds a space and its
    look-arounds see one character across one, except a hyphen's between operands ("10 - 3", "x - 1":
    `text._BETWEEN_OPERANDS` looks past the space), so a space with a hyphen on neither side is a cut. Before, each
    place tokenized its whole prefix (quadratic in a long turn of code). Checked against brute force
    (tests/cache/test_code_punctuation.py). A place more than `_LONG_RUN` characters past the last cut is given as the
    tokens before that cut and the characters after it ("12+300c"): tokenizing that run again for each of its places
    was quadratic too (an 8,000-character "a[1:]a[1:]..." took 36 s, ops43). Characters tell marks apart at least as
    finely as tokens, so two texts the tokens tell apart stay apart; texts whose long runs are written with other
    characters for the same tokens are told apart too (a miss, never a wrong hit)."""
    cuts = [
        c for m in _SPACE.finditer(text, 1, len(text) - 1)
        if not _hyphen_beside(text, (c := m.start()) - 1, -1) and not _hyphen_beside(text, c + 1, 1)
    ]
    out, done, start, k = [], 0, 0, 0
    for i in places:
        while k < len(cuts) and cuts[k] < i:
            done += len(tokens(text[start : cuts[k]]))
            start = cuts[k]
            k += 1
        out.append(done + len(tokens(text[start:i])) if i - start <= _LONG_RUN else f"{done}+{i - start}c")
    return out


_PUNCT_RUN = re.compile(r"[.!?:]+|(?<!\S)-(?=[?!.]*[\s\"'»”’)\]}]*\Z)")
"""A run of the punctuation that folding drops yet code and math use (":q!", "0!", "a?.b", "name?:", ":=", "$?", "cd ..",
"the ? operator"), or a dash alone at the end ("cd -")."""
_PROSE_RUN = re.compile(r"\.+|[?!]+|:|\.+[?!]+|[?!]+\.+")
"""How a sentence or an abbreviation ends after a word: "What?", "Hello!", "What?!", "e.g.", "Wait...", "Note:"."""
_CLOSING = "\"'»”’)]}"
_FREE = _CLOSING + ",;"


def _code_punctuation(text: str) -> dict[int, str]:
    """The runs of "." "!" "?" ":" in `text` (NFKC) that are code or math, by where they start (rule format 26; a
    newcomer's finding: ":q!" / ":q", "0!" / "0", "a?.b" / "a.b" were served at 1.000).

    Prose, folded as before: a run ending a sentence or an abbreviation after a word, before a space or the end ("What
    is Python?", "Hello!", "e.g.", "Mr.", "Note:", "Wait..."); after a number or a single letter, a run without "!"
    at the end or before a capital ("Is it 5? Or 6?", "a or b?"); a point or comma of a number ("0.5", ".5": numbers
    read them); one point, "!" or "?" between two words with no space ("Hello.How", "file.txt"), an abbreviation's
    points ("e.g.", "U.S."); any run beside a Han character ("你好!我"); a standalone "?" / "!" at the end or before a
    capital (French spacing "Ça va ?"), "...", a standalone ":" and "." at the end.

    Code: a run touching a symbol, digit or letter on its right ("a?.b", ":q", ":=", ".NET", "5!等于", "a.*?b", "1..5"),
    a "!" after a number ("0!", "5!?": a factorial) or after a single letter that is no word ("x!", ":q!"), a "?" after
    one before more text ("x? mean"), a run that no sentence ends with ("name?: string", "name!:"), a run after an
    operator before more text ("$? in bash", "$!"), a standalone "?" / "!" run before a word in lower case ("the ?
    operator", "!! in bash", "??"), ".." and a standalone "." before more text ("cd ..", "cd . do"), "-" alone at the
    end ("cd -")."""
    out: dict[int, str] = {}
    for m in _PUNCT_RUN.finditer(text):
        s, e, run = m.start(), m.end(), m.group()
        left = text[s - 1] if s else " "
        right = text[e] if e < len(text) else " "
        rest = text[e:].lstrip(" \t" + _CLOSING)
        at_end = not rest
        sentence_next = at_end or rest[0] == "\n" or rest[0].isupper()
        free = right.isspace() or right in _FREE or at_end
        if HAN.match(left) or (HAN.match(right) and not left.isdigit() and not _code_letter(text, s)):
            continue
        if run == "-":
            code = True
        elif left.isspace() or left in "([{\"'«“":
            if not free:
                code = not (run == "." and right.isdigit())
            elif set(run) <= set("?!"):
                code = not sentence_next
            else:
                core, tail = run.rstrip("?!"), run[len(run.rstrip("?!")) :]
                code = core == ".." or (core == "." and not tail and not at_end)
        elif left.isdigit():
            if right.isdigit() and len(run) == 1:
                continue
            code = "!" in run or not free
        elif _code_letter(text, s):
            code = "!" in run or not free or ("?" in run and not sentence_next)
        elif left.isalnum() or left in _CLOSING:
            if free:
                code = not _PROSE_RUN.fullmatch(run)
            else:
                word = _word_before(text, s)
                abbreviation = run == "." and len(word) == 1 and text[e + 1 : e + 2] == "."  # "e.g.", "U.S."
                code = not (abbreviation or (len(run) == 1 and right.isalpha() and word[1:].isalpha()))
        elif left in OPERATORS:
            code = "!" in run or not (free and sentence_next)
        else:
            code = not (free and _PROSE_RUN.fullmatch(run))
        if code:
            out[s] = run
    return out


def _word_before(text: str, end: int) -> str:
    """The letters and digits of `text` right before `end` ("q" in ":q!", "name" in "name?:")."""
    start = end
    while start and (text[start - 1].isalnum() or unicodedata.category(text[start - 1])[0] == "M"):
        start -= 1
    return text[start:end]


def _code_letter(text: str, end: int) -> bool:
    """A single Latin letter standing alone right before `end` that is no word of its own ("x", "q"; not "I", "a")."""
    word = _word_before(text, end)
    return len(word) == 1 and word.isascii() and word.isalpha() and fold(word) not in FUNCTION_WORDS


_BESIDE_ARITHMETIC = frozenset(" \t\n()+-*/^=\u2212×÷·?,;:¿¡")
"""What may stand right beside a bracket pair that `arithmetic` judges: a space, another bracket, an operator, a
question's punctuation. A word or digit glued to it is a call or an index ("sqrt(16)+9", "f(2+3)"), and "!" or "%" after
it an operator that `arithmetic` does not read ("(2+3)!" is no "2+3!")."""
_READ_BESIDE = frozenset("()+-*/^=\u2212×÷·?,;:¿¡.。？，")
"""What may be the first character other than a space beside such a pair, besides a word or number: a symbol that
`arithmetic` reads, or a question's punctuation; "5 % (2+3)" / "5 % 2+3" have an operator it does not read there."""


def _arithmetic_grouping(text: str, start: int, end: int) -> bool | None:
    """Whether the parenthesis pair at `start`, `end` of `text` (NFKC, ASCII digits) groups something, where it stands in
    arithmetic: by `arithmetic.brackets_change`, the one reader of brackets in arithmetic ("-(2+3)" / "-2+3", "2*(3+4)" /
    "2*3+4" group; "(2+3)=?" / "2+3=?", "((2+3))", "(2*3)+4" do not: a newcomer found "(2+3)=?" / "2+3=?" refused by
    `code_swap`, after format 33). None elsewhere (`_redundant` judges a bracket around one operand there)."""
    before = text[start - 1] if start else " "
    after = text[end + 1] if end + 1 < len(text) else " "
    spaced = text[:start].rstrip()[-1:], text[end + 1 :].lstrip()[:1]
    if (
        text[start] == "(" and all(c in _BESIDE_ARITHMETIC or HAN.match(c) for c in (before, after))
        and all(not c or c.isalnum() or c in _READ_BESIDE for c in spaced)
    ):
        return arithmetic.brackets_change(text, start, end)
    return None


def _redundant(text: str, start: int, end: int) -> bool:
    """A grouping parenthesis around one operand changes nothing ("(-1)*(-1)" is "-1*-1", "(2)" is "2"), except a sign
    grouped before a power: "(-2)**2" is 4, "-2**2" is -4. Not a call's ("sqrt(16)") nor an index's ("a[1]")."""
    if text[start] != "(" or (start and (text[start - 1].isalnum() or text[start - 1] == "_")):
        return False
    inner = tokens(text[start + 1 : end])
    if len(inner) == 1 and inner[0][0].isalnum():
        return True
    return len(inner) == 2 and inner[0] == "-" and not text[end + 1 :].lstrip().startswith(("**", "^"))


def code_swap(a: str, b: str) -> bool:
    """True when the two questions' code has its brackets or separators elsewhere among the same tokens (`code_marks`):
    "a[1:]" / "a[:1]", "sqrt(16)+9" / "sqrt(16+9)", "-2**2" / "(-2)**2". Asked, as `text.spelling_swap`, only of
    questions with the same tokens. Where the two compute the same with operands of + and * in another order
    (`numbers.same_computation_reordered`: "(4+3)*2=?" / "2*(3+4)=?"), the brackets of their arithmetic are that
    computation's, compared already: only the other marks count."""
    if code_marks(a) == code_marks(b):
        return False
    return not same_computation_reordered(a, b) or code_marks(a, False) != code_marks(b, False)
