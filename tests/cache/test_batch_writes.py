"""Batches and repeats in one call of `SemanticCache.insert_many` / `delete` (nc19 findings 3-5): an id given twice is one
entry (the last item wins, as two inserts in a row), the capacity holds after every call, a refused call changes nothing,
and what a call returns is what the cache holds afterwards."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tests.cache.backends import EMBEDDED, MakeCache
from tests.cache.test_semantic_cache import snapshot
from velo.cache import CacheInputError

pytestmark = pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    """`n` distinct unit vectors of e5's dimension: batches without the embedding model's cost."""
    return np.random.default_rng(seed).normal(size=(n, 384)).astype(np.float32)


def test_an_id_given_twice_is_deleted_once_and_counted_once(make_cache: MakeCache) -> None:
    """nc19 finding 3: `delete([id, id])` deleted the entry, then raised a bare KeyError."""
    cache = make_cache()
    kept, gone = cache.insert_many([("How do I boil an egg?", "Ten minutes.", "en"), ("Why is the sky blue?", "Rayleigh scattering.", "en")])
    assert cache.delete([gone.id, gone.id, "no-such-id"]) == 1
    assert [e.id for e in cache.entries()] == [kept.id] and len(cache) == 1


def test_a_refused_delete_deletes_nothing(make_cache: MakeCache) -> None:
    cache = make_cache()
    entry = cache.insert("How do I boil an egg?", "Ten minutes.", lang="en")
    before = snapshot(cache)
    with pytest.raises(CacheInputError, match="ids must be strings, got int"):
        cache.delete([entry.id, 5])
    assert snapshot(cache) == before and len(cache) == 1


def test_a_question_twice_in_one_batch_is_stored_once_and_returned_as_stored(make_cache: MakeCache) -> None:
    """nc19 finding 5: the batch returned "A1" for the first item while the store held "A2". The last item wins, as two
    inserts in a row, and every position returns the entry stored; at full capacity one entry is evicted, for one id."""
    cache = make_cache(capacity=3)
    old = cache.insert_many([(f"Old question {i}?", f"Old answer {i}.", "en") for i in range(3)], vectors=_vectors(3))
    got = cache.insert_many([("Q new one?", "A1", "en"), ("Q new one?", "A2", "en")], vectors=_vectors(2, seed=1))
    assert [e.answer for e in got] == ["A2", "A2"] and got[0] == got[1]
    stored = {e.id: e.answer for e in cache.entries()}
    assert stored[got[0].id] == "A2" and len(stored) == len(cache) == 3
    assert old[0].id not in stored and {old[1].id, old[2].id} <= stored.keys()  # LRU: the oldest, once


def test_a_batch_larger_than_the_capacity_is_refused_and_changes_nothing(make_cache: MakeCache) -> None:
    """nc19 finding 4: 3,000 new entries into a capacity of 4 had all been stored (`_make_room` could evict only the 3
    entries there were). A batch of more distinct entries than the capacity is refused before anything is written."""
    cache = make_cache(capacity=4)
    cache.insert_many([(f"Old question {i}?", f"Old answer {i}.", "en") for i in range(3)], vectors=_vectors(3))
    before = snapshot(cache)
    items = [(f"Question {i}?", f"Answer {i}.", "en") for i in range(3000)]
    with pytest.raises(CacheInputError, match=re.escape("items hold 3000 entries, more than the cache's capacity of 4")):
        cache.insert_many(items, vectors=_vectors(3000, seed=2))
    assert snapshot(cache) == before and len(cache) == 3
    # four items, one of them twice, fit: the three old entries make room, none of the batch's own
    batch = [items[0], items[1], items[0], items[2], items[3]]
    got = cache.insert_many(batch, vectors=_vectors(5, seed=3))
    assert {e.id for e in cache.entries()} == {e.id for e in got} and len(cache) == 4


def test_a_batch_that_rewrites_entries_never_evicts_its_own(make_cache: MakeCache) -> None:
    """A batch of two stored entries (least recently used) and two new ones into a full capacity of 4: the two other
    stored entries are evicted, never the batch's (one evicted and written again had left 5 entries)."""
    cache = make_cache(capacity=4)
    old = cache.insert_many([(f"Old question {i}?", f"Old answer {i}.", "en") for i in range(4)], vectors=_vectors(4))
    batch = [("Old question 0?", "New answer 0.", "en"), ("Old question 1?", "New answer 1.", "en"), ("New question A?", "a", "en"), ("New question B?", "b", "en")]
    got = cache.insert_many(batch, vectors=_vectors(4, seed=4))
    assert {e.id for e in cache.entries()} == {e.id for e in got} and len(cache) == 4
    assert got[0].id == old[0].id and {e.answer for e in cache.entries()} == {"New answer 0.", "New answer 1.", "a", "b"}
