"""The edge's admin routes and metrics: lookup, delete an entry, flush a namespace (larger than one Milvus query
window too), and the Prometheus figures."""

from __future__ import annotations

import numpy as np
import pytest
from openai import OpenAI

from tests.services.servers import Running, delete, get, post, sync
from tests.services.stack.apps import ask


def test_admin_lookup_delete_flush_and_metrics(oai: OpenAI, edge: Running) -> None:
    question = "What is the tallest mountain on Earth?"
    ask(oai, question)
    sync(edge)
    ask(oai, question)  # a hit, for the hit rate
    looked = post(f"{edge.url}/admin/cache/lookup", json={"question": question}).json()
    assert looked["hit"] and looked["entry"]["question"] == question and looked["similarity"] > 0.99
    entry_id = looked["entry"]["id"]
    assert delete(f"{edge.url}/admin/cache/entries/{entry_id}").json() == {"deleted": 1}
    assert delete(f"{edge.url}/admin/cache/entries/{entry_id}").json() == {"deleted": 0}
    assert not post(f"{edge.url}/admin/cache/lookup", json={"question": question}).json()["hit"]
    bad = delete(f"{edge.url}/admin/cache/namespaces/no%20spaces")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "namespace"
    bad = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "lang": "not a language"})
    assert bad.status_code == 400 and "language code" in bad.json()["error"]["message"]
    text = get(f"{edge.url}/metrics").text
    for name in ("velo_cache_hit_rate", 'velo_route_share{route="cache"}', 'velo_request_latency_seconds_bucket{le="0.5",route="cache"}',
                 'velo_cache_lookups_total{result="hit"}', "velo_write_backs_total"):
        assert name in text, name
    hit_rate = float(next(line.split()[-1] for line in text.splitlines() if line.startswith("velo_cache_hit_rate ")))
    assert 0.0 < hit_rate < 1.0


def test_flushing_a_namespace_larger_than_one_milvus_query_window(edge: Running, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window is shrunk to 64 rows (as tests/cache/test_large_namespace.py does on servers): filling 16,500
    entries takes minutes on 2 cores; the same paging runs here over 200."""
    from velo.cache import semantic_cache

    monkeypatch.setattr(semantic_cache, "_QUERY_WINDOW", 64)
    edge_server = edge.app.state.edge
    n = 200
    vectors = np.random.default_rng(0).standard_normal((n, edge_server.cache.embedder.dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    # written straight into the edge's cache (nothing else uses it meanwhile): the stored rows are under test, not the route
    edge_server.cache.insert_many([(f"synthetic question {i}", f"answer {i}", "en") for i in range(n)], namespace="bulk", vectors=vectors)
    assert get(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json()["entries"] == n
    assert delete(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json() == {"deleted": n}
    assert get(f"{edge.url}/admin/cache/namespaces/bulk", timeout=120).json()["entries"] == 0
