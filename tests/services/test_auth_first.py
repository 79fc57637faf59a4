"""Authentication comes before every other check of a request (svc40 item 5): a client without a key (the gateway's API
keys, an edge's internal token) learns nothing but that it needs one. A bad `x-velo-timeout-ms` had been a 400 and a
body over the limit a 413 naming the limit before the 401. Real servers on loopback: a gateway with its keys, an edge
with an internal token whose LLM is a stand-in endpoint (`services.http.BodyLimit`'s `admit`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services import edge as edge_service
from tests.services.servers import Running, get, running
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream

TOKEN = "edge-token-0001"
LIMIT = 4096
CHAT = {"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 6}
BAD = {  # each request's own fault, and what it is answered once the key is right
    "budget header": ({"json": CHAT, "headers": {"x-velo-timeout-ms": "abc"}}, 400, "x-velo-timeout-ms"),
    "body over the limit": ({"content": b'{"model": "velo", "messages": [' + b" " * (2 * LIMIT) + b"]}"}, 413, None),
    "body over the limit, chunked": ({"content": lambda: iter([b'{"model": "velo", "messages": [', b" " * (2 * LIMIT), b"]}"])}, 413, None),
    "namespace": ({"json": CHAT, "headers": {"x-velo-namespace": "a/b"}}, 400, "x-velo-namespace"),
    "JSON": ({"content": b"{"}, 400, None),
    "model": ({"json": {**CHAT, "model": "gpt-4"}}, 404, "model"),
    "field": ({"json": {**CHAT, "max_tokens": "5"}}, 400, "max_tokens"),
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Running]]:
    with running(recording_upstream([])) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path_factory.mktemp("edge") / "edge.db"), llm=llm.url, llm_model="edge-llm",
                                             internal_token=TOKEN, max_body_bytes=LIMIT, edge_id="edge-k")
        with running(edge_service.build_app(settings)) as edge, \
                running(gateway_app([edge.url], None, edge_token=TOKEN, max_body_bytes=LIMIT)) as gateway:
            yield gateway, edge


@pytest.mark.parametrize("what", list(BAD))
@pytest.mark.parametrize("route", ["chat/completions", "completions"])
def test_the_gateway_answers_401_before_any_other_check(servers: tuple[Running, Running], what: str, route: str) -> None:
    gateway, _ = servers
    request, status, param = BAD[what]
    if route == "completions" and "json" in request:
        request = {**request, "json": {k: v for k, v in request["json"].items() if k != "messages"} | {"prompt": "Hi"}}
    url = f"{gateway.url}/v1/{route}"

    def post(authorization: str | None) -> httpx.Response:
        sent = {k: v() if callable(v) else v for k, v in request.items()}  # a chunked body is an iterator: a fresh one each time
        sent["headers"] = {**request.get("headers", {}), **({"authorization": authorization} if authorization else {})}
        return httpx.post(url, **sent, timeout=60)  # type: ignore[arg-type]

    for authorization, code in ((None, "missing_api_key"), ("Bearer not-a-key-01", "invalid_api_key")):
        got = post(authorization)
        assert (got.status_code, got.json()["error"]["code"]) == (401, code), (what, got.text)
    got = post(f"Bearer {KEY}")
    assert got.status_code == status and got.json()["error"]["param"] == param, (what, got.text)  # the check itself still answers


def test_the_edge_answers_401_before_any_other_check(servers: tuple[Running, Running]) -> None:
    _, edge = servers
    serve = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 6}
    bad = {
        "budget header": ({"json": serve, "headers": {"x-velo-timeout-ms": "abc"}}, 400),
        "body over the limit": ({"content": b'{"messages": [' + b" " * (2 * LIMIT) + b"]}"}, 413),
        "JSON": ({"content": b"{"}, 400),
        "field": ({"json": {**serve, "max_tokens": "5"}}, 400),
    }
    for what, (request, status) in bad.items():
        got = httpx.post(f"{edge.url}/v1/serve", **request, timeout=60)  # type: ignore[arg-type]
        assert (got.status_code, got.json()["error"]["code"]) == (401, "invalid_internal_token"), (what, got.text)
        headers = {**request.get("headers", {}), "authorization": f"Bearer {TOKEN}"}
        assert httpx.post(f"{edge.url}/v1/serve", **{**request, "headers": headers}, timeout=60).status_code == status, what  # type: ignore[arg-type]
    got = httpx.delete(f"{edge.url}/admin/cache/namespaces/a%2Fb", timeout=60)  # had been a 404 (no such route) before the 401
    assert got.status_code == 401, got.text
    assert get(f"{edge.url}/healthz").status_code == 200 and get(f"{edge.url}/metrics").status_code == 200  # open, as documented
