"""One edge server's semantic cache, stored in Milvus through `pymilvus.MilvusClient`.

`uri` is a milvus-lite file (embedded, the default) or a server address (`http://host:19530`): the code
is the same. Each cache owns one collection; its embedder's name and dimension are stored as collection
properties, so a collection built with one embedder is never searched with another.

Pipeline of a lookup: embed -> top-k search (namespace, conversation context and TTL as filters) ->
hit-decision features -> rule. Every stage is timed.

One process owns a collection: eviction bookkeeping (recency, frequency) is mirrored in memory from the
collection at open and kept in step with every write.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from pymilvus import DataType, MilvusClient

from velo.cache.keys import context_key, exact_key
from velo.cache.decision import HitRule
from velo.cache.features import HitFeaturizer
from velo.cache.input_checks import (
    MAX_VARCHAR_BYTES,
    CacheInputError,
    _check_contexts,
    _check_guesses,
    _check_requests,
    _require_list,
    check_asked,
    check_lang,
    check_length,
    check_namespace,
    check_unicode,
)
from velo.cache.lang_codes import _lang_filter, lang_key, primary_language
from velo.cache.milvus_client import CacheUnreachableError, _open_client, milvus_failure
from velo.control_chars import blank
from velo.embedding import Embedder
from velo.lang_id import UNDETERMINED, LanguageIdentifier
from velo.types import CacheEntry, HitDecision, LookupResult, Neighbour, Source

SCHEMA_VERSION = "2"
"""2: an entry's id includes its language (`entry_id`). A collection of schema 1 is re-keyed when opened (`_rekey_v1`)."""
_FLUSH_EVERY = 128
"""Unflushed rows are searched by brute force in milvus-lite (~80 us each): flush once this many wait."""
_QUERY_WINDOW = 16384
"""Most rows one Milvus query returns (its limit on offset + limit); larger sets are read in id-prefix slices."""
_FIELDS = ("id", "question", "answer", "lang", "namespace", "source", "created_at", "last_hit_at", "hit_count", "context_key")


class CacheSchemaError(ValueError):
    """The collection on disk does not match this cache (another embedder, dimension or schema)."""


@dataclass(frozen=True)
class CacheConfig:
    uri: str = ".velo/cache.db"
    """milvus-lite file (embedded) or server URI (http://host:port)."""
    collection: str = "velo_cache"
    top_k: int = 10
    capacity: int | None = 10_000
    """Most entries kept; inserting beyond it evicts by `eviction`."""
    eviction: str = "lru"
    """`lru` (least recently used) or `lfu` (least frequently used, ties by recency)."""
    ttl_s: float | None = None
    """Entries older than this are never served and are purged on write."""
    max_chars: int = 8000
    """Longest question or answer accepted (characters)."""
    index: str = "HNSW"
    timeout_s: float | None = None
    """Longest wait (s) for each Milvus call of a lookup, a write or an admin read (search, query, get, upsert, delete,
    the health ping); past it the call raises gRPC's DEADLINE_EXCEEDED (`milvus_failure`: "did not answer within N s").
    None: pymilvus waits until the server answers (a hung server held a search 70 s, until gRPC gave up)."""
    slow_timeout_s: float | None = None
    """The same for the calls a healthy Milvus may take long over, never made on a request's path: a flush (real
    Milvus seals and persists segments) and opening the collection (describe, load, reading the eviction stats)."""

    def __post_init__(self) -> None:
        for bound in (self.timeout_s, self.slow_timeout_s):
            if bound is not None and not bound > 0:
                raise ValueError(f"timeout_s and slow_timeout_s must be > 0 or None, got {bound}")
        if self.eviction not in ("lru", "lfu"):
            raise ValueError(f"eviction must be 'lru' or 'lfu', got {self.eviction!r}")
        if self.top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {self.top_k}")
        if self.capacity is not None and self.capacity < 1:
            raise ValueError(f"capacity must be >= 1 or None, got {self.capacity}")
        if self.ttl_s is not None and self.ttl_s <= 0:
            raise ValueError(f"ttl_s must be > 0 or None, got {self.ttl_s}")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,254}", self.collection):
            raise ValueError(f"collection name {self.collection!r}: letters, digits and _ only, not starting with a digit")


def entry_id(namespace: str, ctx_key: str, question: str, lang: str) -> str:
    """Deterministic id (32 hex digits): writing back the same question (up to white space) in the same language
    (`lang_key`: regions alike, scripts apart) replaces it; two questions that differ in any character (an emoji, a
    symbol, case, any script) are two entries, and so is one question in two languages ("Gift" in en and in de) or
    scripts (zh-Hans and zh-Hant): each is served to its own readers. Schema 2; schema 1 ids left `lang` out."""
    key = "\x1f".join((namespace, ctx_key, exact_key(question), lang_key(lang)))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


class SemanticCache:
    """An edge server's semantic cache on Milvus. Build one per edge server; nothing is global."""

    def __init__(
        self, embedder: Embedder, rule: HitRule, config: CacheConfig | None = None, featurizer: HitFeaturizer | None = None,
        languages: LanguageIdentifier | None = None,
    ) -> None:
        self.embedder = embedder
        self.rule = rule
        self.featurizer = featurizer or HitFeaturizer(embedder)
        self.config = config or CacheConfig()
        self.languages = languages
        """With an identifier, `und` matches by its question's best guess (`_search`); without, `und` finds `und` only."""
        self.client = _open_client(self.config.uri)
        try:
            self._open_collection()
        except Exception:
            self.client.close()
            raise
        self._unflushed = 0
        self._deleted = False
        self._stats: dict[str, tuple[float, float, int]] = {}  # id -> (created_at, last_hit_at, hit_count)
        self._load_stats()

    # ---------------------------------------------------------------- collection
    def _properties(self) -> dict[str, str]:
        return {"velo.schema": SCHEMA_VERSION, "velo.embedder": self.embedder.name, "velo.dim": str(self.embedder.dim)}

    def _open_collection(self) -> None:
        name = self.config.collection
        slow = self.config.slow_timeout_s
        if self.client.has_collection(name, timeout=slow):
            info = self.client.describe_collection(name, timeout=slow)
            props = {k: str(v) for k, v in (info.get("properties") or {}).items()}
            dims = [int(f["params"]["dim"]) for f in info["fields"] if f["name"] == "embedding"]
            found = props.get("velo.embedder", "<unknown>")
            if props.get("velo.schema") not in ("1", SCHEMA_VERSION) or not dims:
                raise CacheSchemaError(f"collection {name!r} was not created by this version of VELO's cache")
            if found != self.embedder.name or dims[0] != self.embedder.dim:
                raise CacheSchemaError(
                    f"collection {name!r} was created with embedder {found!r} (dim {dims[0]}); this cache embeds "
                    f"with {self.embedder.name!r} (dim {self.embedder.dim}). Use another collection or the same embedder."
                )
            # milvus-lite reopens an existing collection released; searching it needs it loaded.
            self.client.load_collection(name, timeout=slow)
            if props.get("velo.schema") == "1":
                self._rekey_v1()
            return
        schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=64)
        schema.add_field("namespace", DataType.VARCHAR, max_length=64)
        schema.add_field("context_key", DataType.VARCHAR, max_length=64)
        schema.add_field("question", DataType.VARCHAR, max_length=MAX_VARCHAR_BYTES)
        schema.add_field("answer", DataType.VARCHAR, max_length=MAX_VARCHAR_BYTES)
        schema.add_field("lang", DataType.VARCHAR, max_length=16)
        schema.add_field("source", DataType.VARCHAR, max_length=16)
        schema.add_field("created_at", DataType.DOUBLE)
        schema.add_field("last_hit_at", DataType.DOUBLE)
        schema.add_field("hit_count", DataType.INT64)
        schema.add_field("embedding", DataType.FLOAT_VECTOR, dim=self.embedder.dim)
        index = self.client.prepare_index_params()
        params = {"M": 16, "efConstruction": 200} if self.config.index == "HNSW" else {}
        index.add_index("embedding", index_type=self.config.index, metric_type="COSINE", params=params)
        # Strong consistency: a write-back must be visible to the very next lookup (real Milvus defaults to Bounded).
        self.client.create_collection(name, schema=schema, consistency_level="Strong", timeout=slow)
        # sync=False: pymilvus's wait for the index build (`wait_for_creating_index`, pymilvus#1602) first asks for a
        # timestamp, an RPC milvus-lite does not implement; its gRPC server logged "NotImplementedError: AllocTimestamp"
        # with a traceback on every edge that created its collection (pymilvus#3711 reports the same wait failing on
        # Milvus Lite). The index of an empty collection has nothing to build, so there is nothing to wait for.
        self.client.create_index(name, index, sync=False, timeout=slow)
        self.client.load_collection(name, timeout=slow)
        self.client.alter_collection_properties(name, properties=self._properties(), timeout=slow)

    def _rekey_v1(self) -> None:
        """Give every entry of a schema-1 collection its schema-2 id (`entry_id` with its language), then mark the
        collection schema 2. Nothing is lost or duplicated: schema 1 held one entry per question, so no two entries
        get one id; the new rows are written before the old ids are deleted, and an interrupted re-keying is finished
        at the next open (rows already re-keyed keep their id)."""
        name, slow = self.config.collection, self.config.slow_timeout_s
        rows = self._query_all('id != ""', ["*"], expected=_QUERY_WINDOW, timeout=slow)
        moved, old_ids = [], []
        for r in rows:
            new_id = entry_id(r["namespace"], r["context_key"], r["question"], r["lang"])
            if new_id != r["id"]:
                moved.append({**{k: r[k] for k in _FIELDS}, "id": new_id, "embedding": [float(x) for x in r["embedding"]]})
                old_ids.append(r["id"])
        for start in range(0, len(moved), 1000):
            self.client.upsert(name, moved[start : start + 1000], timeout=slow)
        self.client.flush(name, timeout=slow)
        for start in range(0, len(old_ids), _QUERY_WINDOW):
            self.client.delete(name, ids=old_ids[start : start + _QUERY_WINDOW], timeout=slow)
        self.client.flush(name, timeout=slow)
        self.client.alter_collection_properties(name, properties={"velo.schema": SCHEMA_VERSION}, timeout=slow)

    def _query_all(self, expr: str, fields: list[str], prefix: str = "", expected: int | None = None, timeout: float | None = None) -> list[dict]:
        """Every row matching `expr`, however many. One query returns at most `_QUERY_WINDOW` rows, so a set
        that may be larger is read as 16 slices by the next hex digit of the id (ids are hex digests), and a
        slice that fills the window is split again. `expected` (default: all entries) is an upper bound on
        the rows; a bound over half a window goes straight to slices instead of reading a full window first. `timeout`:
        each query's bound (the cache's `timeout_s` for an admin read, `slow_timeout_s` when opening).

        Not offset paging (offset + limit may not pass the window either) nor `query_iterator` (it asks
        milvus-lite for a timestamp it does not implement and logs a traceback).
        """
        expected = len(self._stats) if expected is None else expected
        if expected <= _QUERY_WINDOW // 2:
            where = f'({expr}) and id like "{prefix}%"' if prefix else expr
            rows = self.client.query(self.config.collection, filter=where, output_fields=fields, limit=_QUERY_WINDOW, timeout=timeout)
            if len(rows) < _QUERY_WINDOW:
                return rows
        return [r for d in "0123456789abcdef" for r in self._query_all(expr, fields, prefix + d, expected // 16, timeout)]

    def _load_stats(self) -> None:
        for r in self._query_all('id != ""', ["id", "created_at", "last_hit_at", "hit_count"], timeout=self.config.slow_timeout_s):
            self._stats[r["id"]] = (float(r["created_at"]), float(r["last_hit_at"]), int(r["hit_count"]))

    def __len__(self) -> int:
        """Entries that can be served (an entry whose TTL has passed does not count, even before its purge)."""
        if self.config.ttl_s is None:
            return len(self._stats)
        oldest = time.time() - self.config.ttl_s
        return sum(1 for created, _, _ in self._stats.values() if created >= oldest)

    def ping(self, timeout_s: float = 2.0) -> None:
        """Ask Milvus, now, whether this cache's collection is there: returns when it answers yes; else
        `CacheUnreachableError` (a ConnectionError) saying why in one line (`milvus_failure`: no answer within
        `timeout_s`, a hung server; no server), ConnectionError when the collection is gone. For health checks, which must not report a
        state remembered from the last request."""
        try:
            there = self.client.has_collection(self.config.collection, timeout=timeout_s)
        except Exception as err:
            raise CacheUnreachableError(milvus_failure(err, self.config.uri, timeout_s)) from err
        if not there:
            raise ConnectionError(f"Milvus answers, but the collection {self.config.collection!r} is gone")

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> SemanticCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- validation
    def check_text(self, value: object, what: str) -> str:
        """`value` if the cache can hold it as a question or answer (a non-empty string of at most `max_chars`
        characters); else `CacheInputError` naming `what`. Callers that embed texts themselves check first."""
        if not isinstance(value, str):
            raise CacheInputError(f"{what} must be a string, got {type(value).__name__}")
        if blank(value):
            raise CacheInputError(f"{what} is empty (only white space or invisible format characters)")
        check_unicode(value, what)
        return check_length(value, what, self.config.max_chars)

    def _check_vectors(self, vectors: np.ndarray, n: int) -> np.ndarray:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (n, self.embedder.dim):
            raise CacheInputError(f"expected {n} vectors of dimension {self.embedder.dim}, got shape {vectors.shape}")
        if not np.isfinite(vectors).all():
            raise CacheInputError("vectors contain NaN or infinity")
        zero = np.flatnonzero(~np.any(vectors, axis=1))
        if len(zero):
            raise CacheInputError(f"vector #{zero[0]} is all zeros: it has no direction, so no cosine similarity")
        return vectors

    # ---------------------------------------------------------------- writes
    def insert(
        self, question: str, answer: str, *, lang: str, namespace: str = "default",
        context: Sequence[str] = (), source: Source = Source.CLOUD, vector: np.ndarray | None = None,
    ) -> CacheEntry:
        vectors = None if vector is None else np.asarray(vector, dtype=np.float32)[None, :]
        return self.insert_many([(question, answer, lang)], namespace=namespace, contexts=[context], source=source, vectors=vectors)[0]

    def insert_many(
        self, items: Sequence[tuple[str, str, str]], *, namespace: str = "default",
        contexts: Sequence[Sequence[str]] | None = None, source: Source = Source.CLOUD, vectors: np.ndarray | None = None,
        flush: bool = True,
    ) -> list[CacheEntry]:
        """Write back (question, answer, lang) items (a list of tuples; none: nothing written, `[]`); returns one entry per
        item, in order, each the entry stored under that item's id when the call returns. Everything is validated before
        anything is written.

        Items with the same id (the same question, language, namespace and context) are one entry: the last one wins,
        as two inserts in a row leave it, and every position of that id returns the entry stored (a batch with "A1" then
        "A2" for one question had returned "A1" for the first while "A2" was stored: nc19 finding 5). The capacity holds
        after every call: entries the batch adds beyond it evict older ones by `eviction`, never the batch's own; a batch
        of more entries (distinct ids) than the capacity is a `CacheInputError`, nothing written (3,000 new entries into
        a capacity of 4 had all been stored: nc19 finding 4). `flush=False` leaves the flush that falls due to the caller
        (`flush_if_due`), which may run it outside a lock it holds around the write."""
        check_namespace(namespace)
        _require_list(items, "items", "of (question, answer, lang) tuples", single="item")
        for i, item in enumerate(items):
            if isinstance(item, (str, bytes)) or not isinstance(item, (list, tuple)) or len(item) != 3:
                raise CacheInputError(f"item #{i} must be a (question, answer, lang) tuple, got {type(item).__name__}")
        contexts = _check_contexts(contexts, len(items), "items")
        for i, (q, a, lang) in enumerate(items):
            check_asked(self.check_text(q, f"question #{i}"), f"question #{i}")
            self.check_text(a, f"answer #{i}")
            check_lang(lang, f"lang #{i}")
        if not items:
            return []
        if vectors is not None:
            vectors = self._check_vectors(vectors, len(items))
        keys = [context_key(ctx) for ctx in contexts]
        ids = [entry_id(namespace, key, q, lang.lower()) for (q, _, lang), key in zip(items, keys)]
        last = {eid: i for i, eid in enumerate(ids)}  # an id given twice: its last item is written
        if self.config.capacity is not None and len(last) > self.config.capacity:
            raise CacheInputError(f"items hold {len(last)} entries, more than the cache's capacity of {self.config.capacity}: insert at most "
                                  f"{self.config.capacity} per call (each call evicts older entries by {self.config.eviction}, never its own)")
        kept = sorted(last.values())
        if vectors is None:
            vectors = self.embedder.embed([items[i][0] for i in kept])
        else:
            vectors = vectors[kept]
        now = time.time()
        rows, written = [], {}
        for i, vec in zip(kept, vectors):
            q, a, raw_lang = items[i]
            _, last_hit, hits = self._stats.get(ids[i], (now, now, 0))
            entry = CacheEntry(ids[i], q, a, raw_lang.lower(), namespace, Source(source), now, max(last_hit, now), hits, keys[i])
            rows.append({**_row(entry), "embedding": vec.tolist()})
            written[entry.id] = entry
        self._purge_expired(now)
        self._make_room(sum(1 for eid in written if eid not in self._stats), keep=written.keys())
        self.client.upsert(self.config.collection, rows, timeout=self.config.timeout_s)
        self._unflushed += len(rows)
        if flush:
            self.flush_if_due()
        entries = list(written.values())
        self.featurizer.remember_answers([e.id for e in entries], [e.answer for e in entries])
        self.featurizer.remember_questions([e.question for e in entries])
        # The collection holds these as the embedder's vectors of these questions: a word-for-word repeat of a
        # cached question need not be embedded again (`RecentEmbeddings` keeps them; other embedders ignore it).
        self.embedder.remember([e.question for e in entries], vectors)
        for e in entries:
            self._stats[e.id] = (e.created_at, e.last_hit_at, e.hit_count)
        return [written[eid] for eid in ids]

    def flush_if_due(self) -> bool:
        """Flush once `_FLUSH_EVERY` written rows wait (bounded by `slow_timeout_s`); whether it flushed. A flush that
        fails raises and stays due: the rows are stored (upserted) already, the next call flushes them."""
        if self._unflushed < _FLUSH_EVERY:
            return False
        self.client.flush(self.config.collection, timeout=self.config.slow_timeout_s)
        self._unflushed = 0
        return True

    def delete(self, ids: Sequence[str]) -> int:
        """Delete the entries with these ids (a list of entry ids; unknown ids are skipped, an id given twice is one);
        returns how many entries were deleted. A non-string id is a `CacheInputError` before anything is deleted. A
        repeated id had been deleted and then raised a bare KeyError, the count lost (nc19 finding 3)."""
        _require_list(ids, "ids", "of entry ids", kinds=(list, tuple, set, frozenset), single="id")
        bad = [i for i in ids if not isinstance(i, str)]
        if bad:
            raise CacheInputError(f"ids must be strings, got {type(bad[0]).__name__} {bad[0]!r}")
        known = [i for i in dict.fromkeys(ids) if i in self._stats]
        for start in range(0, len(known), _QUERY_WINDOW):
            window = known[start : start + _QUERY_WINDOW]
            self.client.delete(self.config.collection, ids=window, timeout=self.config.timeout_s)
            self._deleted = True
            for i in window:  # after each window Milvus deleted: a failure later leaves the stats true to the store
                del self._stats[i]
        return len(known)

    def clear_namespace(self, namespace: str) -> int:
        """Delete every entry of `namespace` (however many); returns how many were deleted."""
        check_namespace(namespace)
        return self.delete([r["id"] for r in self._query_all(f'namespace == "{namespace}"', ["id"], timeout=self.config.timeout_s)])

    def _purge_expired(self, now: float) -> int:
        if self.config.ttl_s is None:
            return 0
        return self.delete([i for i, (created, _, _) in self._stats.items() if created < now - self.config.ttl_s])

    def _make_room(self, incoming: int, keep: Collection[str] = ()) -> None:
        """Evict by `eviction` so that `incoming` new entries fit the capacity, never an entry in `keep` (the ids the
        write is about to store: one evicted and written again had left the cache over its capacity)."""
        cap = self.config.capacity
        if cap is None or len(self._stats) + incoming <= cap:
            return
        excess = len(self._stats) + incoming - cap
        candidates = [i for i in self._stats if i not in keep]
        if self.config.eviction == "lru":
            order = sorted(candidates, key=lambda i: self._stats[i][1])
        else:
            order = sorted(candidates, key=lambda i: (self._stats[i][2], self._stats[i][1]))
        self.delete(order[:excess])

    def record_hit(self, neighbour: Neighbour) -> None:
        """Bump recency and frequency of a served entry (what LRU and LFU evict by)."""
        rows = self.client.get(self.config.collection, ids=[neighbour.entry.id], output_fields=["*"], timeout=self.config.timeout_s)
        if not rows:
            return
        row = dict(rows[0])
        row["last_hit_at"] = time.time()
        row["hit_count"] = int(row["hit_count"]) + 1
        row["embedding"] = [float(x) for x in row["embedding"]]
        self.client.upsert(self.config.collection, [row], timeout=self.config.timeout_s)
        self._stats[row["id"]] = (float(row["created_at"]), row["last_hit_at"], row["hit_count"])

    # ---------------------------------------------------------------- reads
    def _filter(self, namespace: str, ctx_key: str, lang: str | None, now: float, *, und: bool = False) -> str:
        expr = f'namespace == "{namespace}" and context_key == "{ctx_key}"'
        if lang is not None:
            expr += f" and ({_lang_filter(lang)} or {_lang_filter(UNDETERMINED)})" if und else f" and {_lang_filter(lang)}"
        if self.config.ttl_s is not None:
            expr += f" and created_at >= {now - self.config.ttl_s:.6f}"
        return expr

    def search(
        self, vectors: np.ndarray, *, namespace: str = "default", contexts: Sequence[Sequence[str]] | None = None,
        langs: Sequence[str | None] | None = None, top_k: int | None = None, questions: Sequence[str] | None = None,
        guesses: Sequence[str | None] | None = None,
    ) -> list[tuple[Neighbour, ...]]:
        """Top-k neighbours of each vector, best first (similarity = cosine).

        Only entries of the same namespace, the same conversation context and the same language are candidates: an
        answer in another language does not answer the user. A request without a language (None) is searched as its
        question's language when the cache has an identifier and `questions` are given (as `und`, below); else it
        searches every language (a cache opened without an identifier, or vectors alone). A
        language is matched on its primary subtag and, for Chinese, its script (`primary_language`: "en-US" finds "en"
        entries and the reverse; "zh-TW" finds "zh-Hant" entries, not "zh" ones).

        `und` (undetermined: the language could not be told) finds `und` entries only, unless the cache has a language
        identifier (`languages`) and the requests' `questions` (one string per vector) are given: then an `und` question
        counts as the language it most probably is (the identifier's best guess, which it was unsure of), on either side.
        An `und` request finds the entries of its best guess and the `und` entries of the same best guess; a request in
        a language finds the `und` entries whose best guess it is. Only the rule then decides, as for any candidate.
        `guesses` (one per question, None where unknown): each question's best guess (`Identified.guess` from this
        cache's identifier) when the caller identified it already, as the edge server does to choose its language; its
        question is then not identified a second time.
        """
        check_namespace(namespace)
        if isinstance(vectors, (list, tuple)) and not vectors or isinstance(vectors, np.ndarray) and vectors.size == 0:
            _check_requests(contexts, langs, 0)
            return []
        vectors = self._check_vectors(vectors, len(vectors))
        keys, checked_langs = _check_requests(contexts, langs, len(vectors))
        if questions is not None:
            _require_list(questions, "questions", "of the requests' questions (strings)", single="question")
            if len(questions) != len(vectors):
                raise CacheInputError(f"{len(vectors)} vectors need as many questions, got {len(questions)}")
            for i, q in enumerate(questions):
                self.check_text(q, f"question #{i}")
        return self._search(vectors, namespace, keys, checked_langs, top_k, questions, _check_guesses(guesses, questions))

    def _search(
        self, vectors: np.ndarray, namespace: str, keys: list[str], langs: list[str | None], top_k: int | None = None,
        questions: Sequence[str] | None = None, guesses: Sequence[str | None] | None = None,
    ) -> list[tuple[Neighbour, ...]]:
        """`search` once its arguments are checked: `keys` and `langs` as `_check_requests` returns them, `guesses` as
        `_check_guesses` does."""
        now = time.time()
        guess = _BestGuess(self.languages, questions, guesses) if self.languages is not None and questions is not None else None
        # An `und` request is searched as its best guess, `und` entries of that guess included (`search`).
        matched = langs if guess is None else [guess.resolve(lang, q) for lang, q in zip(langs, questions)]
        # One search call per (context, language): Milvus applies one filter expression per call.
        groups: dict[tuple[str, str | None], list[int]] = {}
        for i, group in enumerate(zip(keys, matched)):
            groups.setdefault(group, []).append(i)
        out: list[tuple[Neighbour, ...]] = [()] * len(vectors)
        strong_first = self._deleted
        self._deleted = False
        for (key, lang), idx in groups.items():
            hits = self.client.search(
                self.config.collection, data=[vectors[i].tolist() for i in idx], limit=top_k or self.config.top_k,
                filter=self._filter(namespace, key, lang, now, und=guess is not None), output_fields=[*_FIELDS[1:], "embedding"],
                # Session: this client's own write-backs are visible (read-your-writes) without Strong's
                # ~200 ms wait on real Milvus (measured: 3.7 ms with Session). Deletes are not covered by
                # Session there (a deleted entry was still found), so the first search after one is Strong.
                consistency_level="Strong" if strong_first else "Session", timeout=self.config.timeout_s,
            )
            for i, row_hits in zip(idx, hits):
                out[i] = tuple(
                    Neighbour(_entry(h["id"], h["entity"]), float(h["distance"]), tuple(h["entity"]["embedding"]))
                    for h in row_hits
                    if guess is None or lang is None or guess.matches(h["entity"], lang)
                )
        return out

    def lookup(
        self, question: str, *, namespace: str = "default", context: Sequence[str] = (), lang: str | None = None,
        record: bool = True, guess: str | None = None,
    ) -> LookupResult:
        """Embed, search and decide for one request; a hit is recorded for eviction unless `record=False`. `lang` None:
        the question's language when the cache has a language identifier (`languages`, as the edge server opens it),
        every language without one (`search`); `guess`: the question's best guess if the caller identified it (`search`)."""
        check_asked(self.check_text(question, "question"), "question")  # named as the caller wrote it, not "question #0" of lookup_many
        return self.lookup_many([question], namespace=namespace, contexts=[context], langs=[lang], record=record, guesses=[guess])[0]

    def lookup_many(
        self, questions: Sequence[str], *, namespace: str = "default", contexts: Sequence[Sequence[str]] | None = None,
        langs: Sequence[str | None] | None = None, record: bool = True, guesses: Sequence[str | None] | None = None,
    ) -> list[LookupResult]:
        """`lookup` for each of `questions` (a list of strings; none: `[]`), embedded and decided as one batch."""
        check_namespace(namespace)
        _require_list(questions, "questions", "of questions (strings)", single="question")
        for i, q in enumerate(questions):
            check_asked(self.check_text(q, f"question #{i}"), f"question #{i}")
        keys, checked_langs = _check_requests(contexts, langs, len(questions))  # before the embedding: a bad call costs nothing
        guesses = _check_guesses(guesses, questions)
        if not questions:
            return []
        t0 = time.perf_counter()
        vectors = self.embedder.embed(list(questions))
        t1 = time.perf_counter()
        found = self._search(self._check_vectors(vectors, len(vectors)), namespace, keys, checked_langs, questions=questions, guesses=guesses)
        t2 = time.perf_counter()
        decisions = self.decide_many(questions, vectors, found)
        n, t3 = len(questions), time.perf_counter()
        timings = {"embed": (t1 - t0) * 1e3 / n, "search": (t2 - t1) * 1e3 / n, "decide": (t3 - t2) * 1e3 / n}
        timings["total"] = sum(timings.values())
        results = []
        for neighbours, decision in zip(found, decisions):
            results.append(LookupResult(neighbours, decision, dict(timings)))
            if record and decision.hit and decision.neighbour is not None:
                self.record_hit(decision.neighbour)
        return results

    def decide(self, question: str, vector: np.ndarray, neighbours: Sequence[Neighbour]) -> HitDecision:
        """The hit-decision stage for one request whose embedding is `vector`."""
        return self.decide_many([question], [vector], [neighbours])[0]

    def decide_many(
        self, questions: Sequence[str], vectors: Sequence[np.ndarray], neighbours: Sequence[Sequence[Neighbour]]
    ) -> list[HitDecision]:
        """The hit-decision stage for many requests at once (one call of the second embedder for all their
        snippets); each decision is the one `decide` makes for that request alone."""
        _require_list(questions, "questions", "of questions (strings)", single="question")
        _require_list(neighbours, "neighbours", "with one list of neighbours per question")
        if not len(questions) == len(vectors) == len(neighbours):
            raise CacheInputError(f"{len(questions)} questions need as many vectors and neighbour lists")
        out = [HitDecision(False, 0.0, None, None, self.rule.name)] * len(questions)
        found = [i for i, n in enumerate(neighbours) if n]
        features = self.featurizer.batch([questions[i] for i in found], [vectors[i] for i in found], [neighbours[i] for i in found])
        for i, f in zip(found, features):
            score = self.rule.score(f)
            out[i] = HitDecision(self.rule.accepts(score), score, neighbours[i][0], f, self.rule.name)
        return out

    def entries(self, namespace: str | None = None) -> list[CacheEntry]:
        """Every entry that can be served (of `namespace`, or of all), however many; none whose TTL has passed."""
        expr = 'id != ""' if namespace is None else f'namespace == "{check_namespace(namespace)}"'
        if self.config.ttl_s is not None:
            expr += f" and created_at >= {time.time() - self.config.ttl_s:.6f}"
        return [_entry(r["id"], r) for r in self._query_all(expr, list(_FIELDS), timeout=self.config.timeout_s)]


class _BestGuess:
    """What `und` matches when the cache has a language identifier: the best guess for its question with the script its
    characters are written in (`lang_key` form: "zh-hant" for 頭髮, "zh-hans" for 头发, "en"), memoized per search and
    known beforehand for the `questions` whose `guesses` the caller gave (checked codes, None where not given)."""

    def __init__(self, languages: LanguageIdentifier, questions: Sequence[str] = (), guesses: Sequence[str | None] | None = None) -> None:
        self._languages = languages
        self._known: dict[str, str] = {q: lang_key(g) for q, g in zip(questions, guesses or ()) if g is not None}

    def of(self, question: str) -> str:
        if question not in self._known:
            self._known[question] = lang_key(self._languages.identify(question).guess)
        return self._known[question]

    def resolve(self, lang: str | None, question: str) -> str | None:
        """The language a request is searched as: its own, or for `und` and for none given its question's best guess
        (what the edge identifies it as, with its script, sure or not)."""
        return self.of(question) if lang is None or primary_language(lang) == UNDETERMINED else lang

    def matches(self, row: dict, lang: str) -> bool:
        """Whether a found entry may be a candidate for a request searched as `lang`: any entry of that language (the
        filter chose it), an `und` one only when its question's best guess is `lang`'s language and script."""
        if primary_language(row["lang"]) != UNDETERMINED:
            return True
        return self.of(row["question"]) == lang_key(lang)


def _row(e: CacheEntry) -> dict:
    return {
        "id": e.id, "question": e.question, "answer": e.answer, "lang": e.lang, "namespace": e.namespace,
        "source": e.source.value, "created_at": e.created_at, "last_hit_at": e.last_hit_at,
        "hit_count": e.hit_count, "context_key": e.context_key,
    }


def _entry(eid: str, r: dict) -> CacheEntry:
    return CacheEntry(
        eid, r["question"], r["answer"], r["lang"], r["namespace"], Source(r["source"]), float(r["created_at"]),
        float(r["last_hit_at"]), int(r["hit_count"]), r["context_key"],
    )


__all__ = ["CacheConfig", "CacheSchemaError", "SemanticCache", "entry_id"]
