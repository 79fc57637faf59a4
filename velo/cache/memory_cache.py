"""An in-memory semantic cache with the Milvus cache's semantics, fast enough to train agents against.

Same rules as `SemanticCache`: cosine top-k among entries of the same namespace, conversation context and
language; deterministic entry ids so a write-back replaces an earlier answer to the same question; TTL
(never served once expired); a capacity with LRU or LFU eviction. Entries live in preallocated numpy slots
and are addressed by integer handles, so a training step never builds Python objects per neighbour.
`tests/cache/test_backends.py` checks that both backends return the same neighbours and features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MemoryCacheConfig:
    dim: int
    capacity: int = 1000
    eviction: str = "lru"
    ttl_s: float | None = None
    top_k: int = 10

    def __post_init__(self) -> None:
        if self.eviction not in ("lru", "lfu"):
            raise ValueError(f"eviction must be 'lru' or 'lfu', got {self.eviction!r}")
        if self.capacity < 1 or self.top_k < 1 or self.dim < 1:
            raise ValueError("capacity, top_k and dim must be >= 1")
        if self.ttl_s is not None and self.ttl_s <= 0:
            raise ValueError(f"ttl_s must be > 0 or None, got {self.ttl_s}")


class MemoryCache:
    """Slots hold: vector, key (namespace, context, language as ints), payload ids, created/last-hit time, hits.

    `key` groups the filter fields into one integer the caller derives (e.g. from namespace, context and
    language ids); `question` and `answer` are the caller's integer ids for the texts, and a write-back of
    the same (key, question) replaces the slot, as the Milvus cache's deterministic ids do.
    """

    def __init__(self, config: MemoryCacheConfig) -> None:
        self.config = config
        n = config.capacity
        self.vectors = np.zeros((n, config.dim), dtype=np.float32)
        self.key = np.full(n, -1, dtype=np.int64)
        self.question = np.full(n, -1, dtype=np.int64)
        self.answer = np.full(n, -1, dtype=np.int64)
        self.source = np.zeros(n, dtype=np.int8)
        self.created = np.zeros(n, dtype=np.float64)
        self.last_hit = np.zeros(n, dtype=np.float64)
        self.hits = np.zeros(n, dtype=np.int64)
        self._slot_of: dict[tuple[int, int], int] = {}
        self._by_key: dict[int, set[int]] = {}
        self._key_slots: dict[int, np.ndarray] = {}  # sorted slots per key, rebuilt after a write to that key
        self._free = list(range(n - 1, -1, -1))

    def __len__(self) -> int:
        return len(self._slot_of)

    def clear(self) -> None:
        self.key[:] = -1
        self._slot_of.clear()
        self._by_key.clear()
        self._key_slots.clear()
        self._free = list(range(self.config.capacity - 1, -1, -1))

    def _release(self, slot: int) -> None:
        key = int(self.key[slot])
        del self._slot_of[(key, int(self.question[slot]))]
        self._by_key[key].discard(slot)
        self._key_slots.pop(key, None)
        self.key[slot] = -1
        self._free.append(slot)

    def expire(self, now: float) -> None:
        if self.config.ttl_s is None:
            return
        for slot in np.flatnonzero((self.key >= 0) & (self.created < now - self.config.ttl_s)):
            self._release(int(slot))

    def _evict_one(self) -> None:
        used = np.flatnonzero(self.key >= 0)
        if self.config.eviction == "lru":
            victim = used[np.argmin(self.last_hit[used])]
        else:  # fewest hits, then least recent (np.lexsort sorts by the last key first)
            victim = used[np.lexsort((self.last_hit[used], self.hits[used]))[0]]
        self._release(int(victim))

    def insert(self, key: int, question: int, answer: int, vector: np.ndarray, now: float, source: int = 0) -> int:
        """Write back an answer; returns the slot. The same (key, question) replaces its earlier answer."""
        self.expire(now)
        slot = self._slot_of.get((key, question))
        if slot is None:
            if not self._free:
                self._evict_one()
            slot = self._free.pop()
            self._slot_of[(key, question)] = slot
            self._by_key.setdefault(key, set()).add(slot)
            self._key_slots.pop(key, None)
            self.hits[slot] = 0
            self.key[slot] = key
            self.question[slot] = question
            self.vectors[slot] = vector
        self.answer[slot] = answer
        self.source[slot] = source
        self.created[slot] = now
        self.last_hit[slot] = now
        return slot

    def search(self, vector: np.ndarray, key: int, now: float, top_k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Slots and cosine similarities of the top-k entries under `key`, best first."""
        # Only the slots under this key are scored (an index per key: ~4x faster than scanning all slots).
        candidates = self._key_slots.get(key)
        if candidates is None:
            candidates = np.sort(np.fromiter(self._by_key.get(key, ()), dtype=np.int64))
            self._key_slots[key] = candidates
        if self.config.ttl_s is not None and candidates.size:
            candidates = candidates[self.created[candidates] >= now - self.config.ttl_s]
        if candidates.size == 0:
            return candidates, np.zeros(0, dtype=np.float32)
        sims = self.vectors[candidates] @ vector
        k = min(top_k or self.config.top_k, candidates.size)
        if k < candidates.size:
            part = np.argpartition(-sims, k - 1)[:k]
            order = part[np.argsort(-sims[part], kind="stable")]
        else:
            order = np.argsort(-sims, kind="stable")
        return candidates[order], sims[order]

    def record_hit(self, slot: int, now: float) -> None:
        self.hits[slot] += 1
        self.last_hit[slot] = now
