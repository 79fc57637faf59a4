"""Fixtures of the cache tests: one fresh collection per test on the backend the test names."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pymilvus import MilvusClient

from tests.cache.backends import EXACT, MakeCache
from velo.cache import CacheConfig, HitRule, SemanticCache, default_rule
from velo.cache.decision import embedder_key
from velo.cache.features import HitFeaturizer
from velo.cache.milvus_client import GRPC_OPTIONS
from velo.embedding import Embedder


@pytest.fixture
def uri(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Milvus URI of the backend named by the test's parameter (servers start once per session)."""
    if request.param == "embedded":
        return str(tmp_path / "cache.db")
    if request.param == "lite-server":
        return request.getfixturevalue("lite_server_uri")
    return request.getfixturevalue("standalone_uri")


@pytest.fixture
def make_cache(uri: str, e5: Embedder, use: Embedder) -> Iterator[MakeCache]:
    """Opens caches on one fresh collection of `uri`; closes them and drops the collection afterwards."""
    collection = f"t_{uuid.uuid4().hex[:16]}"
    opened: list[SemanticCache] = []

    def make(*, embedder: Embedder | None = None, rule: HitRule = EXACT, **config: object) -> SemanticCache:
        config.setdefault("collection", collection)
        embedder = embedder or e5
        cache = SemanticCache(embedder, rule, CacheConfig(uri=uri, **config), HitFeaturizer(embedder, use))
        opened.append(cache)
        return cache

    yield make
    for cache in opened:
        cache.close()
    if uri.startswith("http"):
        client = MilvusClient(uri=uri, grpc_options=GRPC_OPTIONS)  # the cache's options: pymilvus shares the connection
        for name in {c.config.collection for c in opened}:
            client.drop_collection(name)
        client.close()


@pytest.fixture(scope="module")
def shipped_rule_cache(tmp_path_factory: pytest.TempPathFactory, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    """One embedded cache per test module with the shipped default rule and no capacity limit (pairs go in namespaces
    of their own: `backends.served_pair`)."""
    config = CacheConfig(uri=str(tmp_path_factory.mktemp("pairs") / "cache.db"), collection=f"p_{uuid.uuid4().hex[:8]}", capacity=None)
    with SemanticCache(e5, default_rule(embedder_key(e5.name, use.name)), config, HitFeaturizer(e5, use)) as cache:
        yield cache
