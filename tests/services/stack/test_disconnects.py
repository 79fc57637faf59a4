"""A client that gives up is passed on (`services/disconnect.py`, nc24 M3): its request is cancelled at the gateway, the
edge and the cloud service in turn, so the cloud's SmolLM2 stops generating it; nothing is written to the cache, counted
as served or charged to the key; each service logs it 499 with its elapsed time and counts it in
`velo_client_disconnects_total`. The edge's in-flight coalescing keeps a shared cloud call going while anyone waits for
it: a follower or the leader leaving does not fail the other, and the call is cancelled when nobody waits.

The slow upstream is the stack's real cloud service asked for a long answer (its SmolLM2 on one thread decodes a few
dozen tokens a second); the client leaves once the cloud's batcher runs the request, as an httpx client with a short
timeout does (the newcomer's probe: `timeout=0.5` against a slow cloud answer)."""

from __future__ import annotations

import asyncio
import logging
import time

import httpx
import pytest

from tests.services.servers import Running, get, metric, sync
from tests.services.stack.apps import KEY

LONG = 400
"""max_tokens of an answer the client does not wait for (seconds of decoding; the cloud's limit is 1024)."""
WAITING, STREAMING = 'velo_client_disconnects_total{phase="waiting"}', 'velo_client_disconnects_total{phase="streaming"}'
AUTH = {"Authorization": f"Bearer {KEY}", "x-velo-namespace": "disconnect"}


def _cloud_llm(cloud: Running):  # noqa: ANN202 - services.llm_local.LocalChatLLM
    return cloud.app.state.llm


async def _until(condition, what: str, timeout_s: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def _cloud_generating(cloud: Running, rows_before: int) -> None:
    """Until the cloud's LLM has decoded a few tokens of the request since `rows_before` (its answer is under way)."""
    stats = _cloud_llm(cloud).batcher.stats
    await _until(lambda: stats().running >= 1 and stats().rows_decoded - rows_before >= 4, "the cloud to generate")


def _cloud_stopped(cloud: Running, rows_before: int, max_tokens: int) -> int:
    """Wait until the cloud's LLM holds no request; the tokens it decoded meanwhile, which must be well under `max_tokens`."""
    llm, deadline = _cloud_llm(cloud), time.monotonic() + 60
    while llm.waiting or llm.batcher.stats().running:
        assert time.monotonic() < deadline, f"the abandoned answer still holds the cloud's LLM (waiting={llm.waiting})"
        time.sleep(0.02)
    decoded = llm.batcher.stats().rows_decoded - rows_before
    assert decoded < max_tokens // 2, f"the abandoned answer was generated on: {decoded} of {max_tokens} tokens"
    return decoded


def _lines(caplog: pytest.LogCaptureFixture, service: str, marker: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "velo.requests" and r.getMessage().startswith(f"{service} ") and marker in r.getMessage()]


def _wait_for_line(caplog: pytest.LogCaptureFixture, service: str, marker: str) -> str:
    deadline = time.monotonic() + 30
    while not (found := _lines(caplog, service, marker)):
        assert time.monotonic() < deadline, f"no 499 line from the {service} with {marker!r}"
        time.sleep(0.02)
    assert len(found) == 1, found
    return found[0]


def test_a_client_that_gives_up_cancels_the_cloud_call_and_is_logged_499_not_served(gateway: Running, edge: Running, cloud: Running,
                                                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="velo.requests")
    question = "Write a very long essay about the history of bridges."
    keys = gateway.app.state.keys
    before = {"gw_waiting": metric(gateway, WAITING), "edge_waiting": metric(edge, WAITING), "gw_cloud": metric(gateway, 'velo_requests_total{route="cloud"}'),
              "edge_cloud": metric(edge, 'velo_requests_total{route="cloud"}'), "charged": keys.cloud_used(KEY)}
    rows = _cloud_llm(cloud).batcher.stats().rows_decoded

    async def give_up() -> float:
        async with httpx.AsyncClient(timeout=120) as client:
            asking = asyncio.create_task(client.post(f"{gateway.url}/v1/chat/completions", headers=AUTH,
                                                     json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": LONG,
                                                           "user": "leaver"}))
            t0 = time.perf_counter()
            await _cloud_generating(cloud, rows)
            asking.cancel()  # as a client timeout does: httpx closes the connection
            with pytest.raises(asyncio.CancelledError):
                await asking
            return time.perf_counter() - t0

    waited = asyncio.run(give_up())
    decoded = _cloud_stopped(cloud, rows, LONG)
    gw_line = _wait_for_line(caplog, "gateway", "user='leaver'")
    edge_line = _wait_for_line(caplog, "edge", "user='leaver'")
    cloud_line = _wait_for_line(caplog, "cloud", "status=499 phase=waiting")
    for line in (gw_line, edge_line):
        assert " client_closed " in line and " status=499 phase=waiting elapsed_ms=" in line, line
    assert "key='tests' namespace=disconnect" in gw_line and "namespace=disconnect" in edge_line and "path=/v1/chat/completions" in cloud_line
    elapsed_ms = float(gw_line.split("elapsed_ms=")[1].split()[0])
    assert 0 < elapsed_ms < waited * 1000 + 1000, (elapsed_ms, waited)
    assert not [line for line in _lines(caplog, "gateway", "user='leaver'") if " cloud " in line]  # never logged as served
    after = {"gw_waiting": metric(gateway, WAITING), "edge_waiting": metric(edge, WAITING), "gw_cloud": metric(gateway, 'velo_requests_total{route="cloud"}'),
             "edge_cloud": metric(edge, 'velo_requests_total{route="cloud"}'), "charged": keys.cloud_used(KEY)}
    assert after == {**before, "gw_waiting": before["gw_waiting"] + 1, "edge_waiting": before["edge_waiting"] + 1}, (before, after)
    assert len(edge.app.state.flights) == 0
    sync(edge)
    assert get(f"{edge.url}/admin/cache/namespaces/disconnect").json()["entries"] == 0
    print(f"gave up after {waited:.3f} s; the cloud decoded {decoded} of {LONG} tokens; the gateway logged elapsed_ms={elapsed_ms}")


def test_a_stream_the_client_leaves_stops_the_cloud_and_is_logged_499_streaming(gateway: Running, edge: Running, cloud: Running,
                                                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="velo.requests")
    before = (metric(gateway, STREAMING), metric(edge, STREAMING), metric(gateway, 'velo_requests_total{route="cloud"}'))
    rows = _cloud_llm(cloud).batcher.stats().rows_decoded
    chat = {"model": "velo", "messages": [{"role": "user", "content": "Write a very long story about a lighthouse keeper."}],
            "max_tokens": LONG, "stream": True, "user": "stream-leaver"}
    with httpx.Client(timeout=120) as client, client.stream("POST", f"{gateway.url}/v1/chat/completions", json=chat, headers=AUTH) as response:
        assert response.headers["x-velo-route"] == "cloud"
        assert any('"content"' in line for line in response.iter_lines())  # the first text, then the client leaves
    _cloud_stopped(cloud, rows, LONG)
    for service in ("gateway", "edge"):
        line = _wait_for_line(caplog, service, "user='stream-leaver' status=499")
        assert " phase=streaming elapsed_ms=" in line, line
    assert (metric(gateway, STREAMING), metric(edge, STREAMING), metric(gateway, 'velo_requests_total{route="cloud"}')) == (before[0] + 1, before[1] + 1, before[2])
    sync(edge)
    assert get(f"{edge.url}/admin/cache/namespaces/disconnect").json()["entries"] == 0


async def _ask_edge(client: httpx.AsyncClient, edge: Running, body: dict) -> httpx.Response:
    return await client.post(f"{edge.url}/v1/serve", json=body)


def _flight_waiters(edge: Running) -> int:
    return sum(flight.waiters for flight in edge.app.state.flights._flights.values())


@pytest.mark.parametrize("leaving", ["follower", "leader"])
def test_one_of_two_coalesced_requests_leaving_leaves_the_other_served_from_one_cloud_call(edge: Running, cloud: Running, leaving: str,
                                                                                           caplog: pytest.LogCaptureFixture) -> None:
    """The follower leaving must not cancel the shared call the leader waits on; the leader leaving must not fail its
    follower: the call goes on (one cloud answer, generated to its end) and the one still waiting is served it."""
    caplog.set_level(logging.INFO, logger="velo.requests")
    tokens, namespace = 48, f"disconnect-{leaving}"
    body = {"messages": [{"role": "user", "content": f"Describe the moons of Jupiter ({leaving})."}], "max_tokens": tokens, "namespace": namespace}
    llm = _cloud_llm(cloud)
    completed, disconnects = llm.batcher.stats().completed, metric(edge, WAITING)

    async def scenario() -> httpx.Response:
        async with httpx.AsyncClient(timeout=120) as client:
            leader = asyncio.create_task(_ask_edge(client, edge, {**body, "user": "leader"}))
            await _cloud_generating(cloud, llm.batcher.stats().rows_decoded)
            follower = asyncio.create_task(_ask_edge(client, edge, {**body, "user": "follower"}))
            await _until(lambda: _flight_waiters(edge) == 2, "the follower to join the flight")
            gone, staying = (follower, leader) if leaving == "follower" else (leader, follower)
            gone.cancel()
            with pytest.raises(asyncio.CancelledError):
                await gone
            return await staying

    served = asyncio.run(scenario())
    assert served.status_code == 200 and served.json()["route"] == "cloud", served.text
    assert llm.batcher.stats().completed - completed == 1  # one call, which went on: a cancelled one would have failed the leader or had the follower ask again
    _wait_for_line(caplog, "edge", f"user='{leaving}' status=499 phase=waiting")
    staying = "leader" if leaving == "follower" else "follower"
    line = next(line for line in _lines(caplog, "edge", f"namespace={namespace}") if f"user='{staying}'" in line)
    assert " cloud " in line and line.endswith(" coalesced=yes") == (staying == "follower"), line
    assert metric(edge, WAITING) == disconnects + 1 and len(edge.app.state.flights) == 0


def test_a_shared_call_nobody_waits_for_any_longer_is_cancelled(edge: Running, cloud: Running) -> None:
    body = {"messages": [{"role": "user", "content": "Write a very long essay about the moons of Saturn."}], "max_tokens": LONG,
            "namespace": "disconnect-both"}
    llm = _cloud_llm(cloud)
    rows, disconnects = llm.batcher.stats().rows_decoded, metric(edge, WAITING)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=120) as client:
            both = [asyncio.create_task(_ask_edge(client, edge, {**body, "user": f"both-{i}"})) for i in range(2)]
            await _until(lambda: _flight_waiters(edge) == 2, "both to wait on one call")
            await _cloud_generating(cloud, rows)
            for task in both:
                task.cancel()
            await asyncio.gather(*both, return_exceptions=True)

    asyncio.run(scenario())
    _cloud_stopped(cloud, rows, LONG)
    deadline = time.monotonic() + 30
    while metric(edge, WAITING) < disconnects + 2:
        assert time.monotonic() < deadline, "the edge did not count both disconnects"
        time.sleep(0.05)
    assert len(edge.app.state.flights) == 0
    sync(edge)
    assert get(f"{edge.url}/admin/cache/namespaces/disconnect-both").json()["entries"] == 0


def test_a_stream_left_before_it_started_is_cancelled_at_the_gateway_and_the_edge(gateway: Running, edge: Running, cloud: Running,
                                                                                   caplog: pytest.LogCaptureFixture) -> None:
    """The newcomer's probe, streamed: an httpx client with a 0.5 s timeout while the edge is held at its lookup (its
    cache lock taken here), so no start event has reached the gateway; the gateway and the edge each log 499 `waiting`
    and the cloud is never asked."""
    caplog.set_level(logging.INFO, logger="velo.requests")
    before = (metric(gateway, WAITING), metric(edge, WAITING), _cloud_llm(cloud).batcher.stats().completed)
    chat = {"model": "velo", "messages": [{"role": "user", "content": "Write a very long poem about the sea."}], "max_tokens": LONG,
            "stream": True, "user": "early-leaver"}
    with edge.app.state.edge._cache_mutex:
        with pytest.raises(httpx.ReadTimeout), httpx.Client(timeout=0.5) as client, \
                client.stream("POST", f"{gateway.url}/v1/chat/completions", json=chat, headers=AUTH):
            pass
        for service in ("gateway", "edge"):
            line = _wait_for_line(caplog, service, "user='early-leaver' status=499")
            assert " phase=waiting elapsed_ms=" in line, line
    assert (metric(gateway, WAITING), metric(edge, WAITING)) == (before[0] + 1, before[1] + 1)
    time.sleep(1.0)  # the lookup, released, finds no request to answer
    assert _cloud_llm(cloud).batcher.stats().completed == before[2] and len(edge.app.state.flights) == 0
