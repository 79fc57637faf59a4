"""`/healthz` tells the truth at the time it is asked (`services/health.py`), against real apps on loopback: an edge
server whose LLM is an endpoint and whose cloud is the cloud service (run in front of an upstream, so it loads no
model: its `/v1/models` answers), its cache a milvus-lite server that is stopped (the process, not a flag) mid-test,
and gateways in front of it. Nothing is served in between: what the health says was found by the health call itself.
"""

from __future__ import annotations

import logging
import signal
import time
from pathlib import Path

import httpx
import pytest

from services import cloud as cloud_service
from services import edge as edge_service
from services.health import PROBE_S
from tests.milvus_servers import free_ports, listening_process, lite_server
from tests.ports import closed_port
from tests.services.servers import Running, get, running
from tests.services.stack.apps import gateway_app


def cloud_app():  # noqa: ANN201 - a FastAPI app
    """The cloud service in front of an upstream nobody runs: it answers `/v1/models` itself, so it is reachable."""
    return cloud_service.build_app(cloud_service.CloudSettings(upstream_url=f"http://127.0.0.1:{closed_port()}"))


def health(server: Running) -> tuple[int, dict]:
    response = get(f"{server.url}/healthz", timeout=30)
    return response.status_code, response.json()


COOL_DOWN_S = 3.0
"""The edge's cloud cool-down here (30 s by default)."""


def until(server: Running, cache: str, timeout_s: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while (got := health(server)[1])["cache"] != cache:
        assert time.monotonic() < deadline, got
        time.sleep(0.2)
    return got


def test_edge_and_gateway_health_follow_milvus_the_llm_and_the_cloud(tmp_path: Path) -> None:
    milvus_port, cloud_port, data = free_ports(1)[0], closed_port(), tmp_path / "milvus"
    cloud = Running(cloud_app(), port=cloud_port)
    edge: Running | None = None
    try:
        with lite_server(data, port=milvus_port) as uri:
            settings = edge_service.EdgeSettings(cache_uri=uri, llm=cloud.url, llm_model="velo-cloud", cloud_url=cloud.url, edge_id="edge-h",
                                                 cloud_down_for_s=COOL_DOWN_S)
            edge = Running(edge_service.build_app(settings))
            status, body = health(edge)
            assert status == 200 and body["status"] == "ok" and body["down"] == [] and body["problems"] == {}, body
            assert (body["cache"], body["llm"], body["cloud"], body["edge"]) == ("up", "up", "up", "edge-h"), body
            with running(gateway_app([edge.url], cloud.url)) as gateway:
                status, body = health(gateway)
                assert status == 200 and body["status"] == "ok" and body["edges"] == {edge.url: "up"} and body["down"] == [], body
                assert body["cloud"] == {"url": cloud.url, "state": "up", "problem": None}, body

            with edge.app.state.edge._cache_mutex:  # held past its bound (the cache's timeout_s): the health waits that long, no more
                t0 = time.monotonic()
                status, body = health(edge)
                took = time.monotonic() - t0
            assert status == 200 and body["down"] == ["cache"] and took < PROBE_S + 1.0, (took, body)
            assert body["problems"]["cache"] == f"cache ping not run: the cache is busy: another call held it past {PROBE_S:g} s", body
            assert until(edge, "up")["status"] == "ok"  # the ping that waited found Milvus well: nothing was marked down

            cloud.stop()  # the edge's LLM endpoint and its cloud both gone: only its cache answers (hits)
            status, body = health(edge)
            assert status == 200 and body["status"] == "degraded" and body["down"] == ["llm", "cloud"], body
            assert body["cache"] == "up" and f"{cloud.url} unreachable: ConnectError" == body["problems"]["cloud"], body
            with running(gateway_app([edge.url], cloud.url)) as gateway:
                status, body = health(gateway)
                assert status == 200 and body["status"] == "degraded" and body["edges"] == {edge.url: "llm, cloud down"}, body
                assert body["cloud"]["state"] == "down" and body["down"] == ["cloud"] and body["degraded"] == [edge.url], body

        # Milvus stopped with no request since: the ping finds it, where a remembered flag still said "up"
        status, body = health(edge)
        assert status == 503 and body["status"] == "unavailable" and body["down"] == ["cache", "llm", "cloud"], body
        assert body["cache"] == "down" and body["problems"]["cache"], body
        with running(gateway_app([edge.url], cloud.url)) as gateway:  # no edge answers, no cloud: take the gateway out
            response = get(f"{gateway.url}/healthz", timeout=30)
            assert response.status_code == 503 and response.json()["status"] == "unavailable", response.text
            assert response.json()["edges"] == {edge.url: "unavailable"} and "retry-after" in response.headers, response.text

        cloud = Running(cloud_app(), port=cloud_port)  # the cloud is back, Milvus is not
        status, body = health(edge)  # the probes that found the cloud down marked it: requests skip it until its cool-down ends
        assert status == 200 and body["status"] == "degraded" and body["down"] == ["cache", "cloud"] and body["cloud"] == "cooling down", body
        assert body["cooldowns"]["cloud"]["state"] == "cooling down" and body["cooldowns"]["cloud"]["next_trial_in_s"] <= COOL_DOWN_S, body
        time.sleep(body["cooldowns"]["cloud"]["next_trial_in_s"] + 0.1)
        status, body = health(edge)  # the cool-down over, the probe finding it up is its trial (svc41 finding 2: "trial due" had stayed)
        assert status == 200 and body["down"] == ["cache"] and body["cloud"] == "up" and body["cooldowns"] == {}, body
        with running(gateway_app([edge.url, f"http://127.0.0.1:{closed_port()}"], cloud.url)) as gateway:
            status, body = health(gateway)
            assert status == 200 and body["status"] == "degraded" and list(body["edges"].values()) == ["cache down", "down"], body
            assert body["down"] == [list(body["edges"])[1]] and body["degraded"] == [edge.url], body  # nc31: a serving edge is not down

        with lite_server(data, port=milvus_port):  # back on the same port and data: the edge reconnects by itself
            body = until(edge, "up")
            assert body["status"] == "ok" and body["down"] == [], body
            edge.stop()  # before Milvus stops: its clean shutdown closes its client
    finally:
        if edge is not None:
            edge.stop()
        cloud.stop()


def _said_plainly(edge: Running, why: str, caplog: pytest.LogCaptureFixture) -> None:
    """The edge's health and its cache log say `why`, the one line of the Milvus failure, and nothing of gRPC's text."""
    status, body = health(edge)
    assert status == 200 and body["status"] == "degraded" and body["down"] == ["cache"], body
    assert body["problems"]["cache"] == f"cache ping failed: {why}", body
    status, body = health(edge)  # marked down: said at once, with the reason that marked it
    assert body["problems"]["cache"] == f"the cache is down ({why}); reconnecting in the background", body
    said = [r.getMessage() for r in caplog.records if r.name == "velo.edge.cache"]
    assert said[0] == f"cache ping failed, serving without the cache: {why}", said
    assert not [line for line in said if "\n" in line or "StatusCode" in line or "Rpc" in line], said


@pytest.mark.parametrize("failure", ["hung", "stopped"])
def test_a_hung_milvus_reads_as_plainly_as_a_stopped_one(tmp_path: Path, failure: str, caplog: pytest.LogCaptureFixture) -> None:
    """Milvus's process SIGSTOPped (its port open, nothing answering) or ended: `/healthz` and the edge's own log lines
    say so in one plain line naming the URI, where a hung one had shown gRPC's multi-line `_InactiveRpcError` text
    (`status = StatusCode.DEADLINE_EXCEEDED ...`); SIGCONT, and the edge finds its cache again."""
    milvus_port, data = free_ports(1)[0], tmp_path / "milvus"
    llm = Running(cloud_app())
    edge: Running | None = None
    caplog.set_level(logging.WARNING, logger="velo.edge.cache")
    try:
        with lite_server(data, port=milvus_port) as uri:
            settings = edge_service.EdgeSettings(cache_uri=uri, llm=llm.url, llm_model="velo-cloud", cloud_url=None, edge_id="edge-p")
            edge = Running(edge_service.build_app(settings))
            assert health(edge)[1]["status"] == "ok"
            if failure == "hung":
                server = listening_process(uri)
                server.send_signal(signal.SIGSTOP)
                try:
                    _said_plainly(edge, f"Milvus at {uri} did not answer within {PROBE_S:g} s (the server hangs or is overloaded)", caplog)
                finally:
                    server.send_signal(signal.SIGCONT)
                assert until(edge, "up")["status"] == "ok"
                assert [r for r in caplog.records if r.getMessage().startswith("the cache is back")], caplog.text
                edge.stop()  # before Milvus stops: its clean shutdown closes its client
        if failure == "stopped":
            _said_plainly(edge, f"cannot reach Milvus at {uri} (is the server running?)", caplog)
    finally:
        if edge is not None:
            edge.stop()
        llm.stop()


def test_a_gateway_whose_cloud_and_edges_are_gone_is_unavailable() -> None:
    """Before, a configured cloud counted as answering without being asked: "degraded" with nothing able to answer."""
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], f"http://127.0.0.1:{closed_port()}")) as gateway:
        response = httpx.get(f"{gateway.url}/healthz", timeout=30)
    body = response.json()
    assert response.status_code == 503 and body["status"] == "unavailable", body
    assert body["cloud"]["state"] == "down" and "unreachable" in body["cloud"]["problem"] and len(body["down"]) == 2, body


@pytest.mark.parametrize("edges", [[], ["up"]])
def test_gateway_status_table(edges: list[str]) -> None:
    """The rule itself, beside the live tests: ok only when every edge and the cloud are up."""
    from services.health import EdgeState, gateway_status

    found = [EdgeState(state, True) for state in edges]
    assert gateway_status(found, "up") == "ok"
    assert gateway_status(found, "down") == ("degraded" if edges else "unavailable")
    assert gateway_status([*found, EdgeState("cache down", True)], None) == "degraded"
    assert gateway_status([EdgeState("down", False)], None) == "unavailable"
