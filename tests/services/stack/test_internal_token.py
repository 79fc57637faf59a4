"""An edge server with an internal token answers `/v1/serve` and `/admin/*` only with it, and the gateway given the
token (`edge_token`) serves through it. nc17 finding 7: on docker-compose's network any container could call an
edge's `DELETE /admin/cache/namespaces/default` (`{"deleted": 2}`), read a stored answer with `/admin/cache/lookup`
and serve any namespace with `/v1/serve`, past the gateway's keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import OpenAI
from pydantic import ValidationError

from services import edge as edge_service
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, running
from tests.services.stack.apps import KEY, TOKENS, ask, edge_settings, gateway_app

TOKEN = "velo-internal-test-01"


@pytest.fixture(scope="module")
def guarded_edge(cloud: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    """An edge whose LLM is the cloud's SmolLM2 server (no model of its own to load), with an internal token."""
    settings = edge_settings(tmp_path_factory.mktemp("edge-t"), cloud.url, edge_id="edge-t", model_dir=shared_model_dir(tmp_path_factory),
                             llm=cloud.url, llm_model="velo-cloud", internal_token=TOKEN)
    with running(edge_service.build_app(settings)) as server:
        yield server


def test_the_edge_answers_only_with_its_token_and_the_gateway_sends_it(guarded_edge: Running, cloud: Running) -> None:
    question = "What is the longest river in Africa?"
    serve = {"messages": [{"role": "user", "content": question}], "max_tokens": TOKENS}
    with running(gateway_app([guarded_edge.url], None, edge_token=TOKEN)) as gateway:
        oai = OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)
        served = ask(oai, question)  # the gateway has no cloud: only the edge can answer
        assert served.headers["x-velo-edge"] == "edge-t" and served.parse().choices[0].message.content
    with httpx.Client(base_url=guarded_edge.url, timeout=120) as http:
        assert http.post("/admin/cache/sync", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
        for headers in ({}, {"authorization": "Bearer velo-internal-test-02"}, {"authorization": TOKEN}):
            for method, path, body in (("POST", "/v1/serve", serve), ("POST", "/admin/cache/lookup", {"question": question}),
                                       ("DELETE", "/admin/cache/namespaces/default", None), ("GET", "/admin/cache/namespaces/default", None),
                                       ("POST", "/admin/cache/sync", None)):
                refused = http.request(method, path, json=body, headers=headers)
                assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_internal_token", (method, path, refused.text)
        assert http.get("/healthz").status_code == 200 and http.get("/metrics").status_code == 200  # health checks and scrapers
        counted = http.get("/admin/cache/namespaces/default", headers={"authorization": f"Bearer {TOKEN}"}).json()
        assert counted == {"namespace": "default", "entries": 1}  # the answer written back, not flushed by the refused DELETE


def test_a_gateway_without_the_token_gets_no_answer_from_the_edge(guarded_edge: Running) -> None:
    with running(gateway_app([guarded_edge.url], None, retries=0)) as gateway:
        oai = OpenAI(base_url=f"{gateway.url}/v1", api_key=KEY, max_retries=0, timeout=120)
        with pytest.raises(Exception) as err:  # noqa: PT011 - the openai client's error for the gateway's 5xx
            ask(oai, "What is the capital of Peru?")
        assert getattr(err.value, "status_code", None) in (502, 503), err.value


def test_a_short_token_is_refused_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        edge_service.EdgeSettings(cache_uri=str(tmp_path / "e.db"), internal_token="k3y-123")
    assert "internal_token" in str(err.value) and "the token is shorter than 8 characters" in str(err.value) and "k3y-123" not in str(err.value)
