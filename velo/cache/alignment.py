"""Where two token lists differ: the alignment every reader of the hit rule reads (difflib's opcodes and ratio).

Lists of 200 tokens or more are aligned with difflib's `autojunk` heuristic: a token making up more than 1 % of the
second list is matched only beside tokens that are not (Python's `difflib.SequenceMatcher`). Questions are far shorter
and are aligned exactly as before. Without it, the alignment of long repetitive texts grew with the cube of their
length: "为什么" x 400 against "怎么" x 400 took 21 s, "1 2 3 " x 400 against "1 2 4 " x 400 50 s, for one cached
question (texts of 1,200 and 2,400 characters; the cache takes 8,000); with it, 8,000 characters of either align in
under 10 ms. Each pair's alignment is asked by several readers, so the last 4,096 are kept.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence

Opcode = tuple[str, int, int, int, int]
"""(tag, i1, i2, j1, j2) as `difflib.SequenceMatcher.get_opcodes` gives it: tag is "equal", "replace", "delete" or
"insert"; a[i1:i2] becomes b[j1:j2]."""


def opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """How `a` becomes `b`, every stretch of both in order, the equal ones too."""
    return list(_aligned(tuple(a), tuple(b))[0])


def changes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    """The stretches where `a` and `b` differ (the opcodes that are not "equal")."""
    return [o for o in _aligned(tuple(a), tuple(b))[0] if o[0] != "equal"]


def ratio(a: Sequence[str], b: Sequence[str]) -> float:
    """2 M / T: M the tokens in equal stretches, T the tokens of both (1.0 for two empty lists)."""
    return _aligned(tuple(a), tuple(b))[1]


@functools.lru_cache(maxsize=1 << 12)
def _aligned(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[tuple[Opcode, ...], float]:
    matcher = difflib.SequenceMatcher(None, a, b)  # autojunk (the default) is used from 200 tokens of `b` on
    return tuple(matcher.get_opcodes()), matcher.ratio()
