"""A hit rule that raises on one request fails that request's cache lookup only (`EdgeServer._decided`).

The decision stage is our own code over the request's text (the readers of `velo.cache.features`); a reader that raised
(tests/cache/test_any_text.py lists the inputs that did: "-", "³k", "፩", 4,301 digits) went through `_guarded` as a
Milvus failure: the cache was reported down and reopened, and every request looked up in the same batch failed. Real
servers on loopback (an edge with embedded milvus-lite, e5 + USE and the learned rule; stand-in OpenAI upstreams); the
fault is injected into the featurizer's `batch` for the requests carrying a marker, since no known input raises now.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from services import edge as edge_service
from tests.services.servers import get, metric, running, sync
from tests.services.stack.test_end_user_fields import recording_upstream
from tests.services.test_fallback_answers import serve

MARKER = "(raises)"
CLOUDS = "Cats purr to calm themselves."


class RaisingOn:
    """The edge's featurizer, raising as a reader's bug would on any batch holding a question with `MARKER`."""

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def batch(self, questions, vectors, neighbours):  # noqa: ANN001, ANN201 - HitFeaturizer.batch's
        if any(MARKER in q for q in questions):
            raise IndexError("list index out of range")
        return self.inner.batch(questions, vectors, neighbours)


def test_a_rule_that_raises_fails_only_its_own_request_and_the_cache_stays_up(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="velo.edge.cache")
    with running(recording_upstream([], CLOUDS)) as cloud, running(recording_upstream([], "The edge's answer.")) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm", edge_id="edge-r")
        with running(edge_service.build_app(settings)) as edge:
            assert serve(edge, "Why do cats purr?")["route"] == "cloud"
            sync(edge)
            written = metric(edge, "velo_write_backs_total")
            server = edge.app.state.edge
            server.cache.featurizer = RaisingOn(server.cache.featurizer)
            questions = [q for i in range(3) for q in (f"Why do cats purr{'?' * (i + 1)}", f"Why do cats purr? {MARKER} {i}")]
            with ThreadPoolExecutor(len(questions)) as pool:  # concurrent and distinct (one flight each): batches of several
                answers = list(pool.map(lambda q: serve(edge, q), questions))
            assert [a["route"] for a in answers] == ["cache", "cloud"] * 3, answers  # the others served from the cache
            assert metric(edge, 'velo_cache_errors_total{operation="decide"}') == 3
            assert metric(edge, 'velo_cache_errors_total{operation="lookup"}') == 0  # not taken for Milvus down
            health = get(f"{edge.url}/healthz").json()
            assert health["cache"] == "up" and health["status"] == "ok", health
            sync(edge)
            assert metric(edge, "velo_write_backs_total") == written  # the failing question is not written back
    failed = [r for r in caplog.records if r.getMessage().startswith("the hit rule failed on a request")]
    assert len(failed) == 3 and all(r.exc_info for r in failed), [r.getMessage() for r in caplog.records]
