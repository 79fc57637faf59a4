"""`velo.cache.value_matching.matched`: the size of a maximum matching between two lists of reading sets, against the
augmenting-path search over single numbers it replaced (Kuhn's, which recursed once per number paired), on random
small inputs, and on the long repetitive ones that made that search raise or take seconds."""

from __future__ import annotations

import random

from velo.cache.value_matching import matched


def _kuhn(na: list[frozenset[str]], nb: list[frozenset[str]]) -> int:
    pair_of_b: dict[int, int] = {}

    def place(i: int, seen: set[int]) -> bool:
        for j, s in enumerate(nb):
            if j not in seen and na[i] & s:
                seen.add(j)
                if j not in pair_of_b or place(pair_of_b[j], seen):
                    pair_of_b[j] = i
                    return True
        return False

    return sum(place(i, set()) for i in range(len(na)))


def test_the_size_is_the_maximum_matchings_on_random_small_inputs() -> None:
    rng = random.Random(0)
    for _ in range(3000):
        values = [str(v) for v in range(rng.randint(1, 6))]

        def side() -> list[frozenset[str]]:
            return [frozenset(rng.sample(values, rng.randint(1, min(3, len(values))))) for _ in range(rng.randint(0, 8))]

        na, nb = side(), side()
        assert matched(na, nb) == _kuhn(na, nb), (na, nb)


def test_long_repetitive_inputs() -> None:
    twos = [frozenset({"2"})] * 3000
    assert matched(twos, twos[:-1] + [frozenset({"3"})]) == 2999
    chain_a = [frozenset({str(i), str(i + 1)}) for i in range(3000)]  # each pairs with its own value or the next one's
    chain_b = [frozenset({str(i)}) for i in range(1, 3001)]
    assert matched(chain_a, chain_b) == 3000
    assert matched([frozenset({"1000", "1"})] * 2, [frozenset({"1"}), frozenset({"1000"})]) == 2
    assert matched([], twos) == matched(twos, []) == 0
