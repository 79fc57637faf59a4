"""Every VELO service reads a request body one way: `velo.wire.parse_body` (through `services.http.json_body`, or the
gateway's own call after its key checks), never a FastAPI body parameter. Two parsers had let `velo shard serve` answer a
lone surrogate with 500 and a JSON object sent as text/plain with 400 while the gateway answered 400 and 200 (nc19
findings 1 and 8); tests/services/test_edgeshard.py and tests/services/stack/test_bad_requests.py check the answers."""

from __future__ import annotations

import functools

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute


@functools.cache
def _apps() -> dict[str, FastAPI]:
    from services.cloud import CloudSettings
    from services.cloud import build_app as cloud
    from services.edge import EdgeSettings
    from services.edge import build_app as edge
    from services.edgeshard import ShardServerSettings
    from services.edgeshard import build_app as shard
    from services.gateway import GatewaySettings
    from services.gateway import build_app as gateway

    # built only: no lifespan runs, so no model, worker or Milvus is opened
    return {"cloud": cloud(CloudSettings()), "edge": edge(EdgeSettings()), "shard": shard(ShardServerSettings()),
            "gateway": gateway(GatewaySettings(edges=["http://127.0.0.1:9"], api_key="key-00000001"))}


@pytest.mark.parametrize("name", ["cloud", "edge", "shard", "gateway"])
def test_no_route_takes_a_fastapi_body_parameter(name: str) -> None:
    app = _apps()[name]
    routes = [route for route in app.routes if isinstance(route, APIRoute)]
    posts = [route.path for route in routes if "POST" in route.methods]
    assert posts, name
    assert [route.path for route in routes if route.dependant.body_params] == []
