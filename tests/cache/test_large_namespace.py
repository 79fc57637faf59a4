"""Namespaces larger than one Milvus query window (16,384 rows), TTL in counts, and the embedded file's lock.

Every query, count and iteration over a namespace pages through all of it. At full scale (16,500 entries)
on embedded milvus-lite; on every backend with the window shrunk to 256 rows, so the same slicing runs
against each server at a tenth of the cost (filling 16,500 rows takes minutes on 2 cores). The vectors are
random (what is stored is under test, not how it is found); the answers are embedded by USE, the fast
real embedder, as passages for the hit features.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tests.cache.backends import ALL_BACKENDS, EMBEDDED, MakeCache
from velo.cache import semantic_cache
from velo.embedding import Embedder

N = 16_500
REPO_ROOT = Path(__file__).resolve().parents[2]


def _fill(cache, n: int, namespace: str, dim: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    for start in range(0, n, 4_000):
        items = [(f"question {namespace} {i}", f"a{i}", "en") for i in range(start, min(n, start + 4_000))]
        vectors = rng.normal(size=(len(items), dim)).astype(np.float32)
        cache.insert_many(items, namespace=namespace, vectors=vectors / np.linalg.norm(vectors, axis=1, keepdims=True))


def _check_large_namespace(make_cache: MakeCache, use: Embedder, n: int) -> None:
    cache = make_cache(embedder=use, capacity=None)
    _fill(cache, n, "big", use.dim)
    cache.insert("a question elsewhere", "kept", lang="en", namespace="other")

    listed = cache.entries("big")
    assert len(listed) == n and len({e.id for e in listed}) == n, "entries() returns every entry of the namespace"
    assert len(cache.entries()) == n + 1 == len(cache)

    reopened = make_cache(embedder=use, capacity=None)  # counts rebuilt from Milvus by a paged read
    assert len(reopened) == n + 1
    reopened.close()

    assert cache.clear_namespace("big") == n
    assert cache.entries("big") == [] and len(cache) == 1
    assert [e.answer for e in cache.entries()] == ["kept"], "another namespace is untouched"


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_namespace_larger_than_a_query_window(make_cache: MakeCache, use: Embedder) -> None:
    assert N > semantic_cache._QUERY_WINDOW
    _check_large_namespace(make_cache, use, N)


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_namespace_larger_than_a_shrunk_query_window(
    make_cache: MakeCache, use: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(semantic_cache, "_QUERY_WINDOW", 256)
    _check_large_namespace(make_cache, use, 1_100)


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_ttl_expired_entries_are_not_counted(make_cache: MakeCache) -> None:
    cache = make_cache(ttl_s=1.0)
    cache.insert("What is the capital of Australia?", "Canberra.", lang="en")
    assert len(cache) == 1 and len(cache.entries()) == 1
    time.sleep(1.2)
    assert len(cache) == 0 and cache.entries() == [] and cache.entries("default") == []
    cache.insert("How tall is Mount Everest?", "8,849 metres.", lang="en")  # a write purges the expired one
    assert len(cache) == 1 and [e.answer for e in cache.entries()] == ["8,849 metres."]


def test_second_process_on_the_same_embedded_file_is_told_it_is_locked(tmp_path: Path) -> None:
    uri = str(tmp_path / "cache.db")
    opener = (
        "import sys; from velo.cache.milvus_client import _open_client\n"
        "c = _open_client(sys.argv[1]); print('open', flush=True); sys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", opener, uri], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO_ROOT
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        second = subprocess.run(
            [sys.executable, "-c", opener, uri], input="", capture_output=True, text=True, cwd=REPO_ROOT, timeout=120
        )
        assert second.returncode != 0
        assert "CacheLockedError" in second.stderr and "locked by another process" in second.stderr
        assert "milvus-lite server --data-dir" in second.stderr, "the message says how to share the file"
        # milvus-lite's own log of the lock (its DataDirLockedError's 20-line traceback) is replaced by VELO's message
        assert "Failed to start MilvusLite" not in second.stderr and "DataDirLockedError" not in second.stderr, second.stderr
        assert second.stderr.count("Traceback") == 1, second.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_milvus_lites_log_is_held_only_to_be_replaced_and_otherwise_given_out(caplog: pytest.LogCaptureFixture) -> None:
    from velo.cache.milvus_client import _MILVUS_LITE_LOG, _holding

    logger = logging.getLogger(_MILVUS_LITE_LOG)
    with caplog.at_level(logging.INFO, logger=_MILVUS_LITE_LOG):
        with _holding(_MILVUS_LITE_LOG) as held:
            logger.error("kept")
            assert caplog.messages == [] and [r.getMessage() for r in held.records] == ["kept"]
        assert caplog.messages == ["kept"]
        with _holding(_MILVUS_LITE_LOG) as held:
            logger.error("replaced")
            held.records.clear()
        assert caplog.messages == ["kept"]
