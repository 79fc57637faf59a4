"""The serving stack for real, on loopback, shared by every test of this folder and started once: the cloud service
(SmolLM2), an edge server (embedded milvus-lite, e5 + USE, the learned hit rule then cloud, its own SmolLM2), a
second edge whose cloud is down and whose LLM is an OpenAI endpoint, and a gateway in front of the first, driven by
the official `openai` client, the SDK and raw httpx.

The fixtures are package-scoped (this folder is a package for that): each server starts when a test first needs it
and stops after the folder's last test. The tests share the servers' state, so each uses questions or namespaces of
its own and restores what it changes; a test that stops the shared edge is marked `stops_edge` and runs last.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openai import OpenAI

from services import cloud as cloud_service
from services import edge as edge_service
from tests.services.conftest import shared_model_dir
from tests.ports import closed_port
from tests.services.servers import Running, running
from tests.services.stack.apps import KEY, edge_settings, gateway_app


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stops_edge: stops the shared edge server, so runs after every other test of tests/services/stack")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `stops_edge` run after the other tests of this folder, still among them (the servers start once)."""
    here = Path(__file__).parent
    inside = [i for i, item in enumerate(items) if here in item.path.parents]
    stopping = [items[i] for i in inside if items[i].get_closest_marker("stops_edge")]
    if not stopping:
        return
    for item in stopping:
        items.remove(item)
    rest = [i for i, item in enumerate(items) if here in item.path.parents]
    at = rest[-1] + 1 if rest else inside[0]
    items[at:at] = stopping


@pytest.fixture(scope="package")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = cloud_service.CloudSettings(model_dir=shared_model_dir(tmp_path_factory), threads=1)
    with running(cloud_service.build_app(settings)) as server:
        yield server


@pytest.fixture(scope="package")
def edge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("edge-a")


@pytest.fixture(scope="package")
def edge(cloud: Running, edge_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    settings = edge_settings(edge_dir, cloud.url, edge_id="edge-a", model_dir=shared_model_dir(tmp_path_factory))
    with running(edge_service.build_app(settings)) as server:
        yield server


@pytest.fixture(scope="package")
def gateway(edge: Running, cloud: Running) -> Iterator[Running]:
    with running(gateway_app([edge.url], cloud.url)) as server:
        yield server


@pytest.fixture(scope="package")
def oai(gateway: Running) -> OpenAI:
    return OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)


@pytest.fixture(scope="package")
def edge_c(cloud: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """A second edge server whose cloud is down and whose LLM, by config, is an OpenAI-compatible server (as in
    docker-compose, a server apart from the cloud): here the SmolLM2 server the other tests use as the cloud."""
    settings = edge_settings(tmp_path_factory.mktemp("edge-c"), f"http://127.0.0.1:{closed_port()}", edge_id="edge-c",
                             model_dir=shared_model_dir(tmp_path_factory), llm=cloud.url, llm_model="velo-cloud")
    with running(edge_service.build_app(settings)) as server:
        yield server
