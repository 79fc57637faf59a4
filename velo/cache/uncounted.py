"""Numbers that `roles.unit_swap` had read as a count moved to another thing, which count nothing (rc41, after rule
format 32).

`unit_swap` reads the thing a number counts as the word right after it (after one classifier: "五个苹果" -> 苹), at the
number's first occurrence, and refuses two questions where one number counts a different word of both on each side
("五个苹果和三个梨" / "三个苹果和五个梨"). Two uses of a number count nothing:

| use | example (cached / request) | read by `unit_swap` as |
|---|---|---|
| an ordinal on one side, a count on the other | "请用golang写一个程序 第一个建议：..." / "用golang写个程序： 第一个建议：..." (the second wrote "写个程序" without 一) | 1 counting 程 / 建 |
| a code's number (a designation: a letter or two and a hyphen before it) | "F-35B 和 F-22 比起来怎么样？" / "F-35B 对比 F-22 呢？", "F-35B比60年前的F-4还慢" | 35b counting 和 / 对 |

第 makes a number an ordinal, which numbers an item; a designation names a thing. Ordinals on both sides keep the
reading: items numbered alike with their words exchanged ask another question ("第一个不太懂笑点在哪里 第二个笑点还行" /
"第一个笑点还行 第二个不太懂笑点在哪里").

A count read as moved that moved nothing (recall43, after rule format 33): the word after a number and its classifier
is often the first word of a modifier, not the thing counted. "写一首唐代风格的古诗" counts 古诗, but `unit_swap` read 1 counting
唐 against "写一篇古诗" (1 counting 古), and both texts hold both words: 100 of the 17,170 right pairs outside dev (a
Chinese 一 with a classifier used as "a", mostly) were refused at 0.000 so. A count moved to another thing changes which
of the two things comes first (`things_exchanged`): "五个苹果和三个梨" / "三个苹果和五个梨" (two numbers exchange their
things), "未来5天西安到合肥" / "未来5天合肥到西安", "劝一个windows用户去试试mac" / "劝一个mac用户去试试windows", "打八折后是200元，原价" /
"原价200元，打八折"; "写一首唐代风格的古诗" / "以唐代的风格，写一篇古诗" keeps 唐 before 古 on both sides.
"""

from __future__ import annotations

from velo.cache.text import FUNCTION_WORDS

ORDINAL_MARKER = "第"
"""The Chinese ordinal's prefix ("第一个", "第2条"), as `quantities.quantities_of` gives the term before a number."""


def _designation(before: str) -> bool:
    """Whether the term before a number makes it a code's: a hyphen ("F-35B", "T-800") or one or two Latin letters that
    are no word ("F 4" once the hyphen is gone, "AK 47"; not "a", "I")."""
    return before == "-" or (before.isascii() and before.isalpha() and len(before) <= 2 and before not in FUNCTION_WORDS)


def counts_nothing(before_a: str, before_b: str) -> bool:
    """Whether a number read as a count on each side is used otherwise: an ordinal on exactly one side, or a code's
    number on either. `before_a`, `before_b` are the terms before its first occurrence on each side
    (`quantities.quantities_of`'s second item). ("第", "写") -> True, ("-", "-") -> True, ("f", "比") -> True,
    ("第", "第") -> False, ("写", "讲") -> False."""
    return (before_a == ORDINAL_MARKER) != (before_b == ORDINAL_MARKER) or _designation(before_a) or _designation(before_b)


def _first_at(toks: list[str], term: str, terms: list[str]) -> int:
    """Where `term` first stands among `terms` (the stems `unit_swap` compares, one per token), else past the end."""
    return terms.index(term) if term in terms else len(toks)


_DE_WINDOW = 24
"""How many tokens after a number a Chinese modifier closed by 的 may run ("一首赞美肥宅快乐水即可口可乐的打油诗": 14, "一份关于人工智能
发展趋势及其影响力的研究报告": 16)."""
_HEAD_WITHIN = 3
"""How many tokens after 的 may hold the thing counted: the head's first word, or a compound's last ("的应用方案": 方)."""


def _head_after_de(toks: list[str], terms: list[str], number: str, term: str) -> bool:
    """Whether `term` stands right after a 的 (within `_HEAD_WITHIN` tokens) that follows the first occurrence of
    `number` in `toks` (before another number, within `_DE_WINDOW` tokens): the counted thing is the head noun after a
    modifier closed by 的, which `unit_swap` read as the modifier's first word ("写一首赞美肥宅快乐水的打油诗": 1 counts 打油诗,
    read 赞). A number not found among `toks` (written in other digits) gives False: the count is read as before."""
    first = number.split()[0]
    if first not in toks:
        return False
    i = toks.index(first) + len(number.split())
    for j in range(i, min(len(toks) - 1, i + _DE_WINDOW)):
        if toks[j][0].isdigit():
            return False
        if toks[j] == "的" and term in terms[j + 1 : j + 1 + _HEAD_WITHIN]:
            return True
    return False


_COMPOUND_WITHIN = 4
"""How many Han tokens right after a number (its classifier included) hold one counted compound: "2500个中文字" (个 中 文 字)."""


def _in_compound(toks: list[str], terms: list[str], number: str, term: str) -> bool:
    """Whether the Han tokens right after the first occurrence of `number` in `toks` (within `_COMPOUND_WITHIN`) hold
    `term`: the other side's counted thing is part of the words counted here. "要求2500个中文字" / "字数要求2500字中文": 2500 read
    as counting 中 and 字, each of which stands right after 2500 on both sides (中文字, Chinese characters; 字中文, characters
    of Chinese): no count moved (recall44, a right pair served at 0.99 without the veto). "五个苹果和三个梨" keeps 梨 far
    from 5."""
    first = number.split()[0]
    if first not in toks:
        return False
    i = toks.index(first) + len(number.split())
    after = [t for t in terms[i : i + _COMPOUND_WITHIN] if t and t[0] >= "\u2e80"]
    return len(after) == len(terms[i : i + _COMPOUND_WITHIN]) and term in after


def things_exchanged(a: list[str], b: list[str], terms_a: list[str], terms_b: list[str], moved: dict[str, tuple[str, str]]) -> bool:
    """Whether the numbers `unit_swap` read as counting another thing (`moved`: number -> (the thing it counts in `a`,
    in `b`); `terms_a`, `terms_b`: each token's stem) moved a count: two numbers exchange their things ("五个苹果和三个梨" /
    "三个苹果和五个梨": 5 苹 -> 梨, 3 梨 -> 苹; "第一个笑点还行 第二个不太懂" / "第一个不太懂 第二个笑点还行"), or one number's two things
    stand in the other order on the other side ("未来5天西安到合肥" / "未来5天合肥到西安": 西 before 合, then 合 before 西;
    "打八折后是200元，原价" / "原价200元，打八折"). Not a modifier's first word read as the thing ("写一首唐代风格的古诗，以水为题" /
    "以水为题，以唐代的风格，写一篇古诗": 1 reads 唐 / 古, 唐 before 古 on both sides; "一个不知道是什么意思的数字" / "一个意义不明的数字"),
    nor where one side's thing is the other's head noun after a modifier closed by 的 (`_head_after_de`: "写一首打油诗，来赞美..."
    / "写一首赞美...的打油诗")."""
    moved = {
        n: (x, y) for n, (x, y) in moved.items()
        if not (_head_after_de(a, terms_a, n, y) or _head_after_de(b, terms_b, n, x))
        and not (_in_compound(a, terms_a, n, y) and _in_compound(b, terms_b, n, x))
    }
    pairs = set(moved.values())
    if any((y, x) in pairs for x, y in pairs):
        return True
    return any(
        (_first_at(a, x, terms_a) < _first_at(a, y, terms_a)) != (_first_at(b, x, terms_b) < _first_at(b, y, terms_b))
        for x, y in pairs
    )
