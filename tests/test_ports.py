"""`tests.ports`: a held port refuses connections and no server takes it until a test starts one on it; a stopped
test server's port stays down (the CI run of 0b10e9b: a gateway got its own dead edge's port and asked itself)."""

from __future__ import annotations

import socket

import httpx
import pytest
from fastapi import FastAPI

from tests.ports import closed_port
from tests.services.servers import Running


def app() -> FastAPI:
    served = FastAPI()
    served.get("/ping")(lambda: {"pong": True})
    return served


def test_a_closed_port_refuses_connections_and_no_server_binds_it() -> None:
    port = closed_port()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    with pytest.raises(OSError):  # what every server here calls, SO_REUSEADDR set
        socket.create_server(("127.0.0.1", port)).close()
    others = [Running(app()) for _ in range(20)]  # servers on port 0 never get it
    try:
        assert port not in {server.port for server in others}
    finally:
        for server in others:
            server.stop()


def test_a_server_started_on_a_closed_port_answers_and_its_port_stays_down_once_stopped() -> None:
    port = closed_port()
    server = Running(app(), port)
    assert httpx.get(f"{server.url}/ping", timeout=30).json() == {"pong": True}
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/ping", timeout=30)
    back = Running(app(), port)  # a test restarting its upstream
    try:
        assert httpx.get(f"{back.url}/ping", timeout=30).json() == {"pong": True}
    finally:
        back.stop()
