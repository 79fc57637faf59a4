"""A real edge server with the shipped DLRS (`velo up --policy dlrs`) serves no look-alike from its cache.

The shipped DLRS served "What is the capital of Australia?" the cached answer to "What is the capital of France?" (and three
more such pairs) although the cache's hit rule scored them 0.000-0.017: it learned in the simulator to serve rewordings
the rule misses, and the simulator's wrong neighbours never differ from the request by one word. The edge now offers
CACHE to its policy only above the rule's `cache_min_score` (0.5 by default). The cache is filled before the server
starts (embedded milvus-lite, one process at a time), as cloud answers; the server has no cloud, so the look-alikes are
answered by its own SmolLM2.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services import edge as edge_service
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, post, running
from tests.services.test_edge_observation import CACHED, LOOKALIKES
from velo.cache import CacheConfig
from velo.cache.factory import open_cache
from velo.observation import SYSTEM_FIELDS
from velo.types import Source

TOKENS = 4


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    tmp = tmp_path_factory.mktemp("lookalikes")
    settings = edge_service.EdgeSettings(cache_uri=str(tmp / "edge.db"), policy="dlrs", model_dir=shared_model_dir(tmp_path_factory),
                                         threads=1, default_max_tokens=TOKENS)
    with open_cache(CacheConfig(uri=settings.cache_uri, collection=settings.collection)) as cache:
        cache.insert_many([(q, a, "en") for q, a in CACHED], source=Source.CLOUD)
    with running(edge_service.build_app(settings)) as server:
        yield server


def serve(edge: Running, question: str) -> dict:
    response = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "lang": "en", "max_tokens": TOKENS})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_shipped_dlrs_serves_no_look_alike_from_the_cache(edge: Running) -> None:
    for question, _ in LOOKALIKES:
        served = serve(edge, question)
        assert served["route"] == "edge", (question, served)
        assert served["similarity"] > 0.84  # close in embedding: the neighbour was there to be served
    for question, answer in CACHED:  # the floor leaves the rule's hits to the policy
        served = serve(edge, question)
        # the cached answer, cut to the request's max_tokens (TOKENS) like any answer: a hit honours it
        assert served["route"] == "cache" and served["answer"] and answer.startswith(served["answer"]), (question, served)


def test_the_edge_counts_a_request_as_the_environment_does(edge: Running) -> None:
    """The system block's request length is `velo.observation.request_tokens` (~4 UTF-8 bytes per token), as the
    environment's bank counts its requests; the edge counted 4 characters per token, a third of that for Chinese."""
    server = edge.app.state.edge
    policy, seen = server.policy, []

    class Recorded:
        def act(self, observation, action_mask):  # noqa: ANN001, ANN202
            seen.append(observation.copy())
            return policy.act(observation, action_mask)

    server.policy = Recorded()
    try:
        serve(edge, "长城有多长？")  # 6 characters, 18 bytes
    finally:
        server.policy = policy
    assert server.layout.segment(seen[0], "system")[SYSTEM_FIELDS - 1] == pytest.approx(4 / 1000)  # the last field: request tokens / 1000


def test_the_floor_is_a_setting_refused_below_zero() -> None:
    assert edge_service.EdgeSettings().cache_min_score == 0.5
    assert edge_service.EdgeSettings(cache_min_score=0).cache_min_score == 0.0
    with pytest.raises(ValueError, match="cache_min_score"):
        edge_service.EdgeSettings(cache_min_score=-0.1)
