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


class _KeyBlock:
    """The slots under one key, with their vectors stored contiguously so a search is one matrix product."""

    __slots__ = ("slots", "vectors", "n")

    def __init__(self, dim: int, capacity: int = 16) -> None:
        self.slots = np.empty(capacity, dtype=np.int64)
        self.vectors = np.empty((capacity, dim), dtype=np.float32)
        self.n = 0

    def append(self, slot: int, vector: np.ndarray) -> int:
        if self.n == len(self.slots):  # full: double both arrays
            self.slots = np.concatenate([self.slots, np.empty_like(self.slots)])
            self.vectors = np.concatenate([self.vectors, np.empty_like(self.vectors)])
        self.slots[self.n] = slot
        self.vectors[self.n] = vector
        self.n += 1
        return self.n - 1

    def remove(self, index: int) -> int | None:
        """Drop row `index` by moving the last row into it; returns the slot that moved (None if none)."""
        self.n -= 1
        if index == self.n:
            return None
        self.slots[index] = self.slots[self.n]
        self.vectors[index] = self.vectors[self.n]
        return int(self.slots[index])


class MemoryCache:
    """Slots hold: key (namespace, context, language as ints), payload ids, created/last-hit time, hits.

    `key` groups the filter fields into one integer the caller derives (e.g. from namespace, context and
    language ids); `question` and `answer` are the caller's integer ids for the texts, and a write-back of
    the same (key, question) replaces the slot, as the Milvus cache's deterministic ids do. Vectors live
    in one contiguous block per key (only entries under the request's key can match), so a search reads
    no other key's rows and gathers nothing.
    """

    def __init__(self, config: MemoryCacheConfig) -> None:
        self.config = config
        n = config.capacity
        self.key = np.full(n, -1, dtype=np.int64)
        self.question = np.full(n, -1, dtype=np.int64)
        self.answer = np.full(n, -1, dtype=np.int64)
        self.source = np.zeros(n, dtype=np.int8)
        self.created = np.zeros(n, dtype=np.float64)
        self.last_hit = np.zeros(n, dtype=np.float64)
        self.hits = np.zeros(n, dtype=np.int64)
        self._row = np.full(n, -1, dtype=np.int64)  # a slot's row in its key's block
        self._slot_of: dict[tuple[int, int], int] = {}
        self._blocks: dict[int, _KeyBlock] = {}
        self._free = list(range(n - 1, -1, -1))

    def __len__(self) -> int:
        return len(self._slot_of)

    def vector(self, slot: int) -> np.ndarray:
        """The stored vector of an occupied slot."""
        return self._blocks[int(self.key[slot])].vectors[self._row[slot]]

    def clear(self) -> None:
        self.key[:] = -1
        self._row[:] = -1
        self._slot_of.clear()
        self._blocks.clear()
        self._free = list(range(self.config.capacity - 1, -1, -1))

    def _release(self, slot: int) -> None:
        key = int(self.key[slot])
        del self._slot_of[(key, int(self.question[slot]))]
        moved = self._blocks[key].remove(int(self._row[slot]))
        if moved is not None:
            self._row[moved] = self._row[slot]
        self._row[slot] = -1
        self.key[slot] = -1
        self._free.append(slot)

    def expire(self, now: float) -> None:
        if self.config.ttl_s is None:
            return
        for slot in np.flatnonzero((self.key >= 0) & (self.created < now - self.config.ttl_s)):
            self._release(int(slot))

    def _evict_one(self) -> None:
        if self._free:  # not called so by `insert`: it evicts only a full cache, where every slot is in use
            used = np.flatnonzero(self.key >= 0)
            last_hit, hits = self.last_hit[used], self.hits[used]
        else:
            used, last_hit, hits = None, self.last_hit, self.hits
        if self.config.eviction == "lru":
            victim = last_hit.argmin()  # the first of equal times: the lowest slot
        else:  # fewest hits, then least recent (np.lexsort sorts by the last key first)
            victim = np.lexsort((last_hit, hits))[0]
        self._release(int(victim if used is None else used[victim]))

    def insert(self, key: int, question: int, answer: int, vector: np.ndarray, now: float, source: int = 0) -> int:
        """Write back an answer; returns the slot. The same (key, question) replaces its earlier answer."""
        self.expire(now)
        slot = self._slot_of.get((key, question))
        if slot is None:
            if not self._free:
                self._evict_one()
            slot = self._free.pop()
            self._slot_of[(key, question)] = slot
            block = self._blocks.get(key)
            if block is None:
                block = self._blocks[key] = _KeyBlock(self.config.dim)
            self._row[slot] = block.append(slot, vector)
            self.hits[slot] = 0
            self.key[slot] = key
            self.question[slot] = question
        self.answer[slot] = answer
        self.source[slot] = source
        self.created[slot] = now
        self.last_hit[slot] = now
        return slot

    def search(self, vector: np.ndarray, key: int, now: float, top_k: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Slots and cosine similarities of the top-k entries under `key`, best first."""
        block = self._blocks.get(key)
        if block is None or block.n == 0:
            return _NO_SLOTS, _NO_SIMS
        n, config = block.n, self.config
        candidates = block.slots[:n]
        sims = block.vectors[:n] @ vector
        if config.ttl_s is not None:
            alive = self.created[candidates] >= now - config.ttl_s
            if not alive.all():
                candidates, sims = candidates[alive], sims[alive]
                n = candidates.size
                if n == 0:
                    return _NO_SLOTS, _NO_SIMS
        k = min(top_k or config.top_k, n)
        # ndarray methods rather than np.argsort & co.: the same sort without their Python wrappers (hot path)
        if n > 4 * k:  # a full sort of a few dozen values is cheaper than partitioning first
            part = (-sims).argpartition(k - 1)[:k]
            order = part[(-sims[part]).argsort(kind="stable")]
        else:
            order = (-sims).argsort(kind="stable")[:k]
        return candidates[order], sims[order]

    def record_hit(self, slot: int, now: float) -> None:
        self.hits[slot] += 1
        self.last_hit[slot] = now


_NO_SLOTS = np.zeros(0, dtype=np.int64)
_NO_SIMS = np.zeros(0, dtype=np.float32)
_NO_SLOTS.flags.writeable = False
_NO_SIMS.flags.writeable = False
