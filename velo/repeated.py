"""The first entry of a list given again: one rule for every option and setting that refuses a repeat.

A list of inputs with one entry twice does its work twice or keeps one silently: `--scenario paper,paper` ran paper once,
`velo cache calibrate --queries q --queries q` would weigh q twice in the fit, `velo curves a a` drew one run twice, and
the gateway's `--edge URL --edge URL/` asked one edge twice per request. Each caller says what makes two entries one
(`key`: the name a spelling stands for, a path resolved, a URL without its last slash) and words its own refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import TypeVar

T = TypeVar("T")


def first_repeat(items: Iterable[T], key: Callable[[T], Hashable] = lambda item: item) -> tuple[int, int] | None:
    """(index of the first entry, index of the entry that repeats it) for the first item whose `key` an earlier item
    has, else None. O(n): each key is computed once."""
    seen: dict[Hashable, int] = {}
    for i, item in enumerate(items):
        if (first := seen.setdefault(key(item), i)) != i:
            return first, i
    return None
