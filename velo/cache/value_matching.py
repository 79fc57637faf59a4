"""How many numbers of one question can each be paired with its own number of the other that may mean the same: the
size of a maximum bipartite matching between two lists of reading sets (`velo.cache.numbers.number_change`).

Numbers with the same readings are interchangeable, so each distinct reading set is one node whose capacity is how often
it is written, and the matching is a maximum flow over those nodes: pushed greedily along each edge first, then along
augmenting paths found breadth-first (Ford-Fulkerson; Edmonds and Karp, J. ACM 19(2), 1972). The cost grows with the
distinct numbers, not with how often they repeat: the augmenting-path search over single numbers it replaces recursed
once per number already paired, so "2*2*...*2" with 3,000 numbers a side raised RecursionError (a user's text of 6,000
characters, under the cache's limit, failed its lookup), and took ~1 s for 1,000.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Sequence
from typing import NamedTuple

Readings = frozenset[str]


class _Path(NamedTuple):
    """An augmenting path: from `start` (a reading set of `na` with numbers unpaired) to `end` (one of `nb` with numbers
    left), the pairs (a, b) it makes and the pairs (b, a') it undoes (a' gives b up and takes the next b)."""

    start: Readings
    end: Readings
    made: list[tuple[Readings, Readings]]
    undone: list[tuple[Readings, Readings]]


def matched(na: Sequence[Readings], nb: Sequence[Readings]) -> int:
    """The most pairs (one number of `na`, one of `nb`), each number in one pair at most, whose reading sets share a
    value. `na`, `nb`: each number's readings ("1,000" is {"1000", "1"}). 0 when either side has no number."""
    left_a, left_b = Counter(na), Counter(nb)
    by_reading: dict[str, list[Readings]] = {}
    for b in left_b:
        for reading in b:
            by_reading.setdefault(reading, []).append(b)
    edges = {a: list(dict.fromkeys(b for reading in sorted(a) for b in by_reading.get(reading, ()))) for a in left_a}
    into: dict[Readings, Counter[Readings]] = {b: Counter() for b in left_b}  # into[b][a]: pairs of a and b made
    total = 0
    for a, bs in edges.items():
        for b in bs:
            units = min(left_a[a], left_b[b])
            if units:
                into[b][a] += units
                left_a[a] -= units
                left_b[b] -= units
                total += units
    while (path := _augmenting_path(left_a, left_b, edges, into)) is not None:
        start, end, made, undone = path
        units = min(left_a[start], left_b[end], *(into[b][a] for b, a in undone))
        for a, b in made:
            into[b][a] += units
        for b, a in undone:
            into[b][a] -= units
        left_a[start] -= units
        left_b[end] -= units
        total += units
    return total


def _augmenting_path(left_a: Counter[Readings], left_b: Counter[Readings], edges: dict[Readings, list[Readings]],
                     into: dict[Readings, Counter[Readings]]) -> _Path | None:
    """A shortest path from a node of `na` with numbers left unpaired to a node of `nb` with numbers left, through
    edges (a, b) and pairs already made (b, a') in turn; None when there is none, and the matching is maximum."""
    reached_b: dict[Readings, Readings] = {}  # b -> the a whose edge reached it
    reached_a: dict[Readings, Readings | None] = {a: None for a, left in left_a.items() if left}  # a -> the b it pairs with on the path
    queue = deque(reached_a)
    while queue:
        a = queue.popleft()
        for b in edges[a]:
            if b in reached_b:
                continue
            reached_b[b] = a
            if left_b[b]:
                return _traced(b, reached_a, reached_b)
            for paired, units in into[b].items():
                if units and paired not in reached_a:
                    reached_a[paired] = b
                    queue.append(paired)
    return None


def _traced(end: Readings, reached_a: dict[Readings, Readings | None], reached_b: dict[Readings, Readings]) -> _Path:
    made: list[tuple[Readings, Readings]] = []
    undone: list[tuple[Readings, Readings]] = []
    b = end
    while True:
        a = reached_b[b]
        made.append((a, b))
        given_up = reached_a[a]
        if given_up is None:
            return _Path(a, end, made, undone)
        undone.append((given_up, a))
        b = given_up
