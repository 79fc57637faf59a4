"""Chinese numbers that `roles.unit_swap` had read as a count moved to another thing (rc41, after rule format 32).

`unit_swap` reads the thing a number counts as the word right after it (after one classifier: "五个苹果" -> 苹), at the
number's first occurrence, and refuses two questions where one number counts a different word of both on each side
("五个苹果和三个梨" / "三个苹果和五个梨"). Where that first occurrence is an ordinal on one side and a count on the other
("请用golang写一个程序 第一个建议：..." / "用golang写个程序： 第一个建议：...": 1 counts 程 on one side and numbers 建议
on the other, whose "写个程序" has no 一), the two readings are two uses of the number, not one count moved: 第 makes a
number an ordinal, which numbers an item and counts nothing.

Ordinals on both sides keep the reading: items numbered alike with their words exchanged ask another question ("第一个不
太懂笑点在哪里 第二个笑点还行" / "第一个笑点还行 第二个不太懂笑点在哪里").
"""

from __future__ import annotations

ORDINAL_MARKER = "第"
"""The Chinese ordinal's prefix ("第一个", "第2条"), as `quantities.quantities_of` gives the term before a number."""


def ordinal_against_count(before_a: str, before_b: str) -> bool:
    """Whether a number's first occurrence is an ordinal on exactly one side: `before_a`, `before_b` are the terms
    before it on each side (`quantities.quantities_of`'s second item). ("第", "写") -> True, ("第", "第") -> False."""
    return (before_a == ORDINAL_MARKER) != (before_b == ORDINAL_MARKER)
