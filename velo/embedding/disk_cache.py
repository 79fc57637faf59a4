"""An on-disk embedding cache keyed by (model, text), so repeated runs do not re-embed."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np

from velo.embedding.base import Embedder


class CachedEmbedder(Embedder):
    """Wraps an embedder; vectors are stored in one SQLite file, keyed by sha256(model name, text)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.batch_size = inner.batch_size
        path.parent.mkdir(parents=True, exist_ok=True)
        # check_same_thread=False: the edge server embeds from a worker thread; sqlite serializes writes itself.
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute("CREATE TABLE IF NOT EXISTS embedding (key BLOB PRIMARY KEY, dim INTEGER, vector BLOB)")
        self.hits = 0
        self.misses = 0

    def _key(self, text: str, passage: bool) -> bytes:
        return hashlib.sha256(f"{self.name}\x00{'passage' if passage else 'query'}\x00{text}".encode()).digest()

    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        keys = [self._key(t, passage) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, dim, vector FROM embedding WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            for key, dim, blob in rows:
                if dim == self.dim:
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        missing = [i for i, k in enumerate(keys) if k not in found]
        self.hits += len(texts) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = self.inner.embed([texts[i] for i in missing], passage=passage)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embedding VALUES (?, ?, ?)",
                    [(keys[i], self.dim, v.astype(np.float32).tobytes()) for i, v in zip(missing, fresh)],
                )
            for i, v in zip(missing, fresh):
                found[keys[i]] = v
        return np.stack([found[k] for k in keys])

    def close(self) -> None:
        self._db.close()
