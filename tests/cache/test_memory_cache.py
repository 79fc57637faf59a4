"""The in-memory cache against a brute-force scan of what it should hold, under random writes and evictions."""

from __future__ import annotations

import numpy as np
import pytest

from velo.cache.memory_cache import MemoryCache, MemoryCacheConfig

DIM = 8


def unit(rng: np.random.Generator) -> np.ndarray:
    v = rng.standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize("eviction", ["lru", "lfu"])
@pytest.mark.parametrize("ttl_s", [None, 30.0])
def test_search_matches_a_brute_force_scan_through_writes_evictions_and_expiry(eviction: str, ttl_s: float | None) -> None:
    rng = np.random.default_rng(7)
    cache = MemoryCache(MemoryCacheConfig(DIM, capacity=12, eviction=eviction, ttl_s=ttl_s, top_k=4))
    question_vecs = {q: unit(rng) for q in range(40)}
    now = 0.0
    for _ in range(600):
        now += float(rng.exponential(2.0))
        key, question = int(rng.integers(0, 3)), int(rng.integers(0, 40))
        if rng.random() < 0.6:
            slot = cache.insert(key, question, answer=question * 10, vector=question_vecs[question], now=now)
            assert cache.key[slot] == key and cache.question[slot] == question
            np.testing.assert_array_equal(cache.vector(slot), question_vecs[question])
        else:
            probe = unit(rng)
            slots, sims = cache.search(probe, key, now)
            alive = [
                s for s in range(cache.config.capacity)
                if cache.key[s] == key and (ttl_s is None or cache.created[s] >= now - ttl_s)
            ]
            expected = sorted(alive, key=lambda s: -float(question_vecs[int(cache.question[s])] @ probe))[:4]
            assert list(slots) == expected
            np.testing.assert_allclose(sims, [question_vecs[int(cache.question[s])] @ probe for s in expected], atol=1e-6)
            if slots.size:
                cache.record_hit(int(slots[0]), now)
        assert len(cache) == int((cache.key >= 0).sum()) <= cache.config.capacity
    if ttl_s is None:
        assert len(cache) == cache.config.capacity, "the cache filled up and stayed at its capacity"


def test_a_write_back_of_the_same_question_replaces_its_slot() -> None:
    rng = np.random.default_rng(0)
    cache = MemoryCache(MemoryCacheConfig(DIM, capacity=4))
    v = unit(rng)
    first = cache.insert(1, 5, answer=50, vector=v, now=1.0)
    again = cache.insert(1, 5, answer=51, vector=v, now=2.0, source=1)
    assert first == again and len(cache) == 1
    assert cache.answer[first] == 51 and cache.source[first] == 1
    other_key = cache.insert(2, 5, answer=52, vector=v, now=3.0)
    assert other_key != first and len(cache) == 2
    slots, _ = cache.search(v, 1, 3.0)
    assert list(slots) == [first], "a key never sees another key's entries"


def test_lru_evicts_the_least_recently_hit_and_lfu_the_least_hit() -> None:
    rng = np.random.default_rng(1)
    vecs = [unit(rng) for _ in range(3)]
    for eviction, survivor_hits in (("lru", 0), ("lfu", 2)):
        cache = MemoryCache(MemoryCacheConfig(DIM, capacity=2, eviction=eviction))
        a = cache.insert(0, 0, 0, vecs[0], now=1.0)
        b = cache.insert(0, 1, 1, vecs[1], now=2.0)
        for _ in range(survivor_hits):
            cache.record_hit(a, 3.0)
        cache.record_hit(b, 4.0)  # b is the most recent either way
        cache.insert(0, 2, 2, vecs[2], now=5.0)
        kept = {int(cache.question[s]) for s in range(2)}
        assert kept == ({1, 2} if eviction == "lru" else {0, 2})


def test_an_empty_key_returns_no_neighbours() -> None:
    cache = MemoryCache(MemoryCacheConfig(DIM, capacity=2))
    slots, sims = cache.search(np.ones(DIM, np.float32) / np.sqrt(DIM), 3, 0.0)
    assert slots.size == 0 and sims.size == 0
