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
