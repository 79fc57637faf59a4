"""The environment's in-memory cache and the Milvus `SemanticCache` are one cache: same neighbours, same features.

Both backends get the same entries (real e5 vectors) and the same requests; the Milvus cache runs on
embedded milvus-lite. The memory cache addresses entries by integer ids, so the test maps texts to ids and
builds the `Neighbour` objects of its results itself, then featurizes them with the Milvus cache's own
`HitFeaturizer`. Timestamps of the memory cache mirror the Milvus cache's clock (the `created_at` it
returns), so recency, frequency and TTL are compared on the same timeline.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from envs.bank import RequestBank, pair_features
from velo.cache import CacheConfig, SemanticCache, StaticThreshold
from velo.cache.features import HitFeaturizer
from velo.cache.keys import context_key
from velo.cache.memory_cache import MemoryCache, MemoryCacheConfig
from velo.data import load_prepared
from velo.embedding import Embedder
from velo.types import CacheEntry, Neighbour, Source

OBAMA = ("Who is Barack Obama?",)
ENTRIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (  # question, answer, lang, context
    ("What is the capital of Australia?", "Canberra is the capital of Australia.", "en", ()),
    ("What is the capital of Austria?", "Vienna is the capital of Austria.", "en", ()),
    ("How tall is Mount Everest?", "Mount Everest is 8,849 metres tall.", "en", ()),
    ("Who wrote Pride and Prejudice?", "Jane Austen wrote Pride and Prejudice.", "en", ()),
    ("How do I boil an egg?", "Simmer it in boiling water for 7 to 9 minutes.", "en", ()),
    ("Why is the sky blue?", "Air scatters blue sunlight more than red (Rayleigh scattering).", "en", ()),
    ("How many legs does a spider have?", "Eight.", "en", ()),
    ("¿Cuál es la capital de Australia?", "Canberra es la capital de Australia.", "es", ()),
    ("¿Por qué el cielo es azul?", "Por la dispersión de Rayleigh de la luz solar.", "es", ()),
    ("How old is he?", "He is 62.", "en", OBAMA),
    ("Where was he born?", "In Honolulu, Hawaii.", "en", OBAMA),
)
QUERIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (  # request, lang, context
    ("what's the capital city of Australia", "en", ()),
    ("Which city is Austria's capital?", "en", ()),
    ("How high is Everest?", "en", ()),
    ("how do you boil eggs", "en", ()),
    ("Who is the author of Pride and Prejudice?", "en", ()),
    ("Why is the sky blue?", "en", ()),
    ("¿Cuál es la capital de Austria?", "es", ()),
    ("¿Por qué es azul el cielo?", "es", ()),
    ("What is his age?", "en", ("who is barack obama",)),  # the same context, worded differently
    ("Was ist die Hauptstadt von Australien?", "de", ()),  # no German entries: no neighbours
)
KEYS = {
    key: n
    for n, key in enumerate(dict.fromkeys((context_key(c), lang) for *_, lang, c in ENTRIES + QUERIES))
}
"""The memory cache's integer filter keys: one per (conversation context, language); the namespace is fixed."""


def memory_key(lang: str, context: tuple[str, ...]) -> int:
    return KEYS[(context_key(context), lang)]


@pytest.fixture(scope="module")
def vectors(e5: Embedder) -> tuple[np.ndarray, np.ndarray]:
    return e5.embed([q for q, *_ in ENTRIES]), e5.embed([q for q, *_ in QUERIES])


class Twin:
    """A Milvus cache and a memory cache kept in step: every write and hit goes to both."""

    def __init__(self, milvus: SemanticCache, entry_vecs: np.ndarray, query_vecs: np.ndarray) -> None:
        c = milvus.config
        self.milvus, self.entry_vecs, self.query_vecs = milvus, entry_vecs, query_vecs
        self.memory = MemoryCache(MemoryCacheConfig(entry_vecs.shape[1], c.capacity or 1000, c.eviction, c.ttl_s, c.top_k))

    def insert(self, *indices: int) -> None:
        for i in indices:
            q, a, lang, ctx = ENTRIES[i]
            entry = self.milvus.insert(q, a, lang=lang, context=ctx, vector=self.entry_vecs[i])
            self.memory.insert(memory_key(lang, ctx), i, i, self.entry_vecs[i], entry.created_at)

    def hit(self, i: int) -> None:
        """Serve entry i once from both caches (what LRU and LFU count)."""
        q, _, lang, ctx = ENTRIES[i]
        (found,) = self.milvus.search(self.entry_vecs[i][None], contexts=[ctx], langs=[lang])
        self.milvus.record_hit(next(n for n in found if n.entry.question == q))
        slots, _ = self.memory.search(self.entry_vecs[i], memory_key(lang, ctx), time.time())
        self.memory.record_hit(int(next(s for s in slots if self.memory.question[s] == i)), time.time())

    def contents(self) -> set[int]:
        in_milvus = {[q for q, *_ in ENTRIES].index(e.question) for e in self.milvus.entries()}
        in_memory = {int(q) for q in self.memory.question[self.memory.key >= 0]}
        assert in_milvus == in_memory
        return in_memory

    def memory_neighbours(self, slots: np.ndarray, sims: np.ndarray) -> tuple[Neighbour, ...]:
        out = []
        for slot, sim in zip(slots, sims):
            q, a, lang, ctx = ENTRIES[int(self.memory.question[slot])]
            _, answer, *_ = ENTRIES[int(self.memory.answer[slot])]
            entry = CacheEntry(
                f"memory-{int(self.memory.answer[slot])}", q, answer, lang, "default", Source.CLOUD,
                float(self.memory.created[slot]), float(self.memory.last_hit[slot]), int(self.memory.hits[slot]),
                context_key(ctx),
            )
            out.append(Neighbour(entry, float(sim), tuple(self.memory.vector(slot))))
        return tuple(out)

    def compare(self) -> int:
        """Search every query in both; return how many found any neighbour."""
        contexts, langs = [c for *_, c in QUERIES], [lang for _, lang, _ in QUERIES]
        found = self.milvus.search(self.query_vecs, contexts=contexts, langs=langs)
        now, answered = time.time(), 0
        for (request, lang, ctx), vector, milvus_nbs in zip(QUERIES, self.query_vecs, found):
            slots, sims = self.memory.search(vector, memory_key(lang, ctx), now)
            in_memory = [ENTRIES[int(q)][0] for q in self.memory.question[slots]]
            assert [n.entry.question for n in milvus_nbs] == in_memory, request
            np.testing.assert_allclose([n.similarity for n in milvus_nbs], sims, atol=1e-4, err_msg=request)
            if not milvus_nbs:
                continue
            answered += 1
            decision = self.milvus.decide(request, vector, milvus_nbs)
            assert decision.features is not None
            ours = self.milvus.featurizer(request, vector, self.memory_neighbours(slots, sims))
            np.testing.assert_allclose(decision.features.as_tuple(), ours.as_tuple(), atol=1e-4, err_msg=request)
        return answered


MakeTwin = Callable[..., Twin]


@pytest.fixture
def make_twin(tmp_path: Path, e5: Embedder, use: Embedder, vectors) -> Iterator[MakeTwin]:
    opened: list[SemanticCache] = []

    def make(**config: object) -> Twin:
        cfg = CacheConfig(uri=str(tmp_path / f"cache{len(opened)}.db"), collection="backends", **config)
        milvus = SemanticCache(e5, StaticThreshold(0.9), cfg, HitFeaturizer(e5, use))
        opened.append(milvus)
        return Twin(milvus, *vectors)

    yield make
    for cache in opened:
        cache.close()


def test_same_neighbours_and_features(make_twin: MakeTwin) -> None:
    twin = make_twin()
    twin.insert(*range(len(ENTRIES)))
    assert twin.contents() == set(range(len(ENTRIES)))
    assert twin.compare() == len(QUERIES) - 1  # all but the German request


@pytest.mark.parametrize("eviction", ["lru", "lfu"])
def test_same_eviction(make_twin: MakeTwin, eviction: str) -> None:
    twin = make_twin(capacity=5, eviction=eviction)
    twin.insert(0, 7, 9, 2, 3)
    assert twin.contents() == {0, 7, 9, 2, 3}
    if eviction == "lru":
        for i in (0, 9, 3):  # least recent now: 7, then 2
            twin.hit(i)
    else:
        for i in (0, 0, 3, 9):  # fewest hits: 7 and 2 (none); of those, 7 is older
            twin.hit(i)
    twin.compare()
    twin.insert(5)
    assert twin.contents() == {0, 9, 2, 3, 5}
    twin.insert(6)
    assert twin.contents() == {0, 9, 3, 5, 6}
    twin.compare()
    twin.insert(1)  # lru: least recent is 0 (hit before 9 and 3); lfu: 5 (no hits, older than 6)
    evicted = 0 if eviction == "lru" else 5
    assert twin.contents() == {0, 9, 3, 5, 6, 1} - {evicted}
    twin.compare()


def test_same_ttl(make_twin: MakeTwin) -> None:
    twin = make_twin(ttl_s=1.0)
    twin.insert(0, 7, 9)  # one entry for each of: English, Spanish, the Obama conversation
    assert twin.compare() == 9  # every request but the German one finds a neighbour
    time.sleep(1.2)
    assert twin.compare() == 0  # expired entries are never served, purged or not
    twin.insert(1, 8)
    assert twin.contents() == {1, 8}  # and purged on the next write
    assert twin.compare() == 8  # no entry of the Obama conversation is left


def test_bank_features_are_the_featurizers(
    edge_bank: RequestBank, prepared_sample: Path, e5: Embedder, use: Embedder
) -> None:
    """`pair_features` (precomputed by the bank, or computed on demand) equals the cache's featurizer on the pair."""
    pairs = load_prepared(prepared_sample, "train")
    assert [p.id for p in pairs] == edge_bank.item_ids[: edge_bank.n_questions]  # written look-alikes follow
    paraphrases = np.flatnonzero(~edge_bank.text_is_original)[:6]
    picks = [(int(t), int(edge_bank.cand[t, col])) for t in paraphrases for col in (0, 1)
             if edge_bank.text_item[edge_bank.cand[t, col]] < edge_bank.n_questions]  # a look-alike has no oasst1 answer
    text_lang = edge_bank.item_lang[edge_bank.text_item]
    outside = int(np.flatnonzero(text_lang != text_lang[picks[0][0]])[0])
    picks.append((picks[0][0], outside))  # another language: never a candidate, featurized on demand
    assert outside not in edge_bank.cand[picks[0][0]]

    featurizer = HitFeaturizer(e5, use)
    texts = sorted({i for pair in picks for i in pair})
    fresh = dict(zip(texts, e5.embed([edge_bank.texts[i] for i in texts])))
    for t, c in picks:
        np.testing.assert_allclose(fresh[t], edge_bank.text_vecs[t], atol=1e-4)
        item = int(edge_bank.text_item[c])
        p = pairs[item]
        entry = CacheEntry(f"bank-{item}", edge_bank.texts[c], p.answer, p.lang, "default", Source.CLOUD, 0.0, 0.0, 0)
        expected = featurizer(edge_bank.texts[t], fresh[t], [Neighbour(entry, float(fresh[t] @ fresh[c]), tuple(fresh[c]))])
        np.testing.assert_allclose(pair_features(edge_bank, t, c), expected.as_tuple(), atol=1e-4, err_msg=f"{t} vs {c}")
