"""What `/healthz` and a 503 say of an upstream in its cool-down (`services/cooldown.py`), against real servers on loopback.

svc40 item 2: an upstream that gave a request no answer is skipped by requests for its cool-down, but `/healthz` asked
only its probe: a cloud back on its port before its cool-down ended was "up" (status "ok") while every request skipped
it. Now it is "cooling down", in `down`, with `cooldowns` saying why, since when and when its trial is.
svc40 item 6: a 503 for a client's own short budget carried `Retry-After: 5` (the edges' cool-down, though nothing was
marked down); now it carries `x-should-retry: false`, and a 503 for want of upstreams the wait until the first of them
is tried again.
svc41 finding 2: an upstream no request needed after it recovered stayed "trial due" in `cooldowns` for good; now the
probe that finds it up once its cool-down is over is its trial.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from fastapi import FastAPI
from fastapi.responses import Response

from services import edge as edge_service
from tests.ports import closed_port
from tests.services.servers import Running, get, metric, post, running, sync
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream
from tests.services.test_hung_cloud import slow_upstream

AUTH = {"Authorization": f"Bearer {KEY}"}
COOL_DOWN_S = 30.0


def ask(gateway: Running, question: str, **headers: str):  # noqa: ANN201 - the httpx response
    return post(f"{gateway.url}/v1/chat/completions", headers={**AUTH, **headers}, timeout=60,
                json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": 6})


def test_a_cloud_back_before_its_cool_down_ends_is_reported_cooling_down_not_up(tmp_path: Path) -> None:
    cloud = Running(recording_upstream([]))
    port = cloud.port
    try:
        with running(recording_upstream([], "The edge's answer.")) as llm:
            settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm",
                                                 edge_id="edge-h", cloud_down_for_s=COOL_DOWN_S)
            with (running(edge_service.build_app(settings)) as edge,
                  running(gateway_app([edge.url], None)) as through_edge,
                  running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud.url, down_for_s=2.0, cloud_down_for_s=COOL_DOWN_S)) as direct):
                assert get(f"{edge.url}/healthz").json()["cloud"] == "up"
                cloud.stop()
                assert post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why do cats purr?"}]}).json()["route"] == "edge"
                assert ask(direct, "Why do cats purr?").status_code == 503  # the gateway's own cloud: marked down too
                cloud = Running(recording_upstream([]), port)  # back, its GET /v1/models answering; requests still skip it

                health = get(f"{edge.url}/healthz")
                body = health.json()
                assert health.status_code == 200 and (body["status"], body["cloud"], body["down"]) == ("degraded", "cooling down", ["cloud"]), body
                report = body["cooldowns"]["cloud"]
                assert report["state"] == "cooling down" and "unreachable" in report["why"] and report["down_for_s"] == COOL_DOWN_S, report
                assert COOL_DOWN_S - 15 < report["next_trial_in_s"] <= COOL_DOWN_S and "tried again in" in body["problems"]["cloud"], body
                assert get(f"{through_edge.url}/healthz").json()["edges"] == {edge.url: "cloud down"}

                health = get(f"{direct.url}/healthz")  # its edge down, its cloud cooling: nothing answers a request now
                body = health.json()
                assert health.status_code == 503 and body["status"] == "unavailable" and body["cloud"]["state"] == "cooling down", body
                assert body["down"][-1] == "cloud" and body["cooldowns"]["cloud"]["state"] == "cooling down", body
                edge_wait = body["cooldowns"][body["down"][0]]["next_trial_in_s"]
                assert edge_wait <= 2.0 and health.headers["retry-after"] in ("1", "2"), (health.headers, body)  # the edge's trial comes first
    finally:
        cloud.stop()


def test_a_503_says_when_asking_again_helps_and_not_when_the_clients_budget_ran_out(tmp_path: Path) -> None:
    with running(slow_upstream([], 0.5)) as cloud, running(slow_upstream([], 0.5)) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm", edge_id="edge-r")
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud.url, timeout_s=4.0)) as gateway:
            got = ask(gateway, "Why do cats purr?", **{"x-velo-timeout-ms": "30"})  # before: Retry-After: 5
            assert got.status_code == 503 and got.json()["error"]["code"] == "no_upstream", got.text
            assert "retry-after" not in got.headers and got.headers["x-should-retry"] == "false", (got.headers, got.text)
            assert "the client's budget ran out" in got.json()["error"]["message"], got.text
    dead_cloud = f"http://127.0.0.1:{closed_port()}"
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], dead_cloud, down_for_s=2.0, cloud_down_for_s=COOL_DOWN_S)) as gateway:
        first = ask(gateway, "Why is the sky blue?")  # the edge and the cloud refuse connections: both marked down
        assert first.status_code == 503 and first.headers["retry-after"] == "2", first.headers  # the edge's trial is the first
        time.sleep(2.2)
        again = ask(gateway, "Why is the sky blue?")  # the edge's trial fails: 2 s more; the cloud's trial is ~28 s away
        assert again.status_code == 503 and again.headers["retry-after"] == "2", again.headers
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], None, down_for_s=2.0)) as gateway:
        got = ask(gateway, "Why is the sky blue?", **{"x-velo-timeout-ms": "5000"})  # a budget, but not what ran out: the edge is dead
        assert got.status_code == 503 and got.headers["retry-after"] == "2", got.headers


def test_an_upstream_back_after_its_cool_down_leaves_cooldowns_though_no_request_calls_it(tmp_path: Path) -> None:
    """The gateway's second edge (its nearest answering every request), its cloud (the edge answering) and the edge's cloud
    (the cache answering) are stopped, found down by `/healthz`, and started again on their ports: within the cool-down
    they are still "cooling down"; after it, before: "trial due" for good, as no request calls them; now gone, "up"."""
    down_for_s = 8.0  # longer than an edge's restart on a loaded machine
    cloud, llm = Running(recording_upstream([])), Running(recording_upstream([], "The edge's answer."))
    second = None
    try:
        edges = []
        for name in ("edge-1", "edge-2"):
            settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / f"{name}.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm",
                                                 edge_id=name, cloud_down_for_s=down_for_s)
            edges.append((settings, Running(edge_service.build_app(settings))))
        (_, first), (second_settings, second) = edges
        with running(gateway_app([first.url, second.url], cloud.url, down_for_s=down_for_s, cloud_down_for_s=down_for_s)) as gateway:
            assert ask(gateway, "Why do cats purr?").json()["route"] == "cloud"
            sync(first)
            cloud_port, second_port = cloud.port, second.port
            cloud.stop()
            second.stop()
            body = get(f"{gateway.url}/healthz").json()
            assert set(body["cooldowns"]) == {second.url, "cloud"}, body
            assert get(f"{first.url}/healthz").json()["cooldowns"]["cloud"]["state"] == "cooling down"
            cloud, second = Running(recording_upstream([]), cloud_port), Running(edge_service.build_app(second_settings), second_port)
            body = get(f"{gateway.url}/healthz").json()  # within the cool-down: skipped still
            assert {url: report["state"] for url, report in body["cooldowns"].items()} == {second.url: "cooling down", "cloud": "cooling down"}, body
            time.sleep(max(report["next_trial_in_s"] for report in body["cooldowns"].values()) + 0.3)
            for _ in range(2):
                assert ask(gateway, "Why do cats purr?").json()["route"] == "cache"  # the nearest edge, from its cache: nothing else called
            body = get(f"{gateway.url}/healthz").json()
            assert (body["status"], body["cooldowns"], body["down"]) == ("ok", {}, []), body  # before: both "trial due"
            assert body["edges"] == {first.url: "up", second.url: "up"} and body["cloud"]["state"] == "up", body
            edge_health = get(f"{first.url}/healthz").json()
            assert (edge_health["status"], edge_health["cooldowns"], edge_health["cloud"]) == ("ok", {}, "up"), edge_health
        first.stop()
    finally:
        for server in (cloud, llm, second):
            if server is not None:
                server.stop()


def test_an_upstream_answering_a_body_that_cannot_be_decoded_fails_named_and_its_trial_ends(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A cloud marked down comes back answering a body httpx cannot decode (`Content-Encoding: gzip`, not gzip): that
    httpx.DecodingError had gone up as a 500 `internal_error` with a traceback naming no upstream, and its trial request
    stayed out: "trial out" in `cooldowns`, every later request skipping the cloud ("a trial request is out") for good.
    Releasing a trial on any error no branch judged fixed the second (`Router._cloud_fallback`, `_call_edge`,
    `EdgeServer._generate`); now such a body is the upstream's failure, named with its status: the gateway's cloud a 503
    and a warning, an edge's cloud answered for by the edge LLM, a gateway's edge failed over, each trial ended."""
    caplog.set_level(logging.WARNING)
    app = FastAPI()

    @app.post("/v1/chat/completions")
    @app.post("/v1/serve")
    async def garbled() -> Response:
        return Response(b"not gzip at all", media_type="application/json", headers={"content-encoding": "gzip"})

    app.get("/v1/models")(lambda: {"object": "list", "data": []})
    port = closed_port()
    cloud_url = f"http://127.0.0.1:{port}"
    with running(gateway_app([f"http://127.0.0.1:{closed_port()}"], cloud_url, cloud_down_for_s=0.5)) as gateway:
        assert ask(gateway, "Why is the sky blue?").status_code == 503  # the cloud refuses the connection: marked down
        with running(app, port):
            time.sleep(0.6)
            for _ in range(2):  # the trial, then a request that calls it again (before: 500, then 503 "a trial request is out")
                got = ask(gateway, "Why is the sky blue?")
                assert got.status_code == 503 and "answered 200 in a body that cannot be decoded" in got.json()["error"]["message"], got.text
                assert "cloud" not in get(f"{gateway.url}/healthz").json()["cooldowns"]
    failed = [r.getMessage() for r in caplog.records if r.getMessage().startswith(f"cloud {cloud_url} failed")]
    assert failed and "answered 200 in a body that cannot be decoded" in failed[0], failed
    with running(app) as edge_like, running(gateway_app([edge_like.url], None)) as gateway:  # an "edge" answering so
        got = ask(gateway, "Why is the sky blue?")
        assert got.status_code == 503 and "status 200 in a body that cannot be decoded" in got.json()["error"]["message"], got.text
    port = closed_port()  # an edge's cloud alike
    with running(recording_upstream([], "The edge's answer.")) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=f"http://127.0.0.1:{port}", llm=llm.url, llm_model="edge-llm",
                                             edge_id="edge-g", cloud_down_for_s=0.5)
        with running(edge_service.build_app(settings)) as edge:
            def serve() -> str:
                got = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why do cats purr?"}], "max_tokens": 6})
                assert got.status_code == 200, got.text
                return got.json()["route"]

            assert serve() == "edge"  # the edge LLM's answer, the cloud marked down
            with running(app, port):
                time.sleep(0.6)
                assert serve() == "edge"  # the trial: the cloud failed, the edge LLM answers (before: 500)
                assert get(f"{edge.url}/healthz").json()["cooldowns"] == {}  # before: "trial out", the cloud skipped for good


def test_healthz_polled_during_a_cool_down_counts_its_trial_down_and_the_probe_when_it_is_due_is_the_trial() -> None:
    """svc42 item 3: each `/healthz` that found a dead upstream down set its cool-down again from itself, so a monitor
    polling it saw `next_trial_in_s` at `down_for_s` on every poll, and, polling more often than that, kept requests from
    ever trying it. Now the trial stays when it was announced; the poll that comes once it is due is the trial, and a
    failure there starts the next cool-down (as a failed trial request does)."""
    down_for_s = 4.0
    dead_edge, dead_cloud = f"http://127.0.0.1:{closed_port()}", f"http://127.0.0.1:{closed_port()}"
    with running(gateway_app([dead_edge], dead_cloud, down_for_s=down_for_s, cloud_down_for_s=down_for_s)) as gateway:
        first = get(f"{gateway.url}/healthz").json()["cooldowns"]
        assert {name: report["state"] for name, report in first.items()} == {dead_edge: "cooling down", "cloud": "cooling down"}, first
        time.sleep(1.5)
        polled = get(f"{gateway.url}/healthz")
        again = polled.json()["cooldowns"]
        for name in (dead_edge, "cloud"):  # before: down_for_s again, from this poll
            assert again[name]["next_trial_in_s"] <= first[name]["next_trial_in_s"] - 1.0, (first, again)
            assert again[name]["down_since_s"] >= 1.5, again
        assert int(polled.headers["retry-after"]) <= 3, polled.headers  # the 503's wait counts down too
        time.sleep(max(report["next_trial_in_s"] for report in again.values()) + 0.2)
        due = get(f"{gateway.url}/healthz").json()["cooldowns"]  # the trial: a probe, failed
        for name in (dead_edge, "cloud"):
            assert due[name]["state"] == "cooling down" and due[name]["next_trial_in_s"] > down_for_s - 1.0, due


def test_upstreams_down_is_true_at_scrape_time_though_no_request_or_healthz_came(tmp_path: Path) -> None:
    """svc42 item 4: `velo_upstreams_down` changed only when a request or `/healthz` tried an upstream, so a scraper saw
    an upstream that had come back as down for good while no traffic came. Now a scrape probes those whose trial is due:
    the gateway's cloud (back) and the edge's cloud (back) read 0, the gateway's dead edge still 1; during the cool-down a
    scrape asks nothing and changes nothing."""
    down_for_s = 2.0
    cloud_port, dead_edge = closed_port(), f"http://127.0.0.1:{closed_port()}"
    cloud_url = f"http://127.0.0.1:{cloud_port}"
    with running(recording_upstream([], "The edge's answer.")) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud_url, llm=llm.url, llm_model="edge-llm",
                                             edge_id="edge-m", cloud_down_for_s=down_for_s)
        with (running(edge_service.build_app(settings)) as edge,
              running(gateway_app([dead_edge], cloud_url, down_for_s=down_for_s, cloud_down_for_s=down_for_s)) as gateway):
            assert ask(gateway, "Why do cats purr?").status_code == 503  # its edge and its cloud refuse connections: both marked
            assert post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": "Why do cats purr?"}]}).json()["route"] == "edge"
            downs = {(gateway, "edge"): 1.0, (gateway, "cloud"): 1.0, (edge, "cloud"): 1.0}
            assert {key: metric(key[0], f'velo_upstreams_down{{target="{key[1]}"}}') for key in downs} == downs
            with running(recording_upstream([]), cloud_port):  # the cloud is back; no request, no /healthz comes
                assert metric(gateway, 'velo_upstreams_down{target="cloud"}') == 1.0  # cooling down: skipped still, not probed
                time.sleep(down_for_s + 0.3)
                got = {key: metric(key[0], f'velo_upstreams_down{{target="{key[1]}"}}') for key in downs}
                assert got == {(gateway, "edge"): 1.0, (gateway, "cloud"): 0.0, (edge, "cloud"): 0.0}, got  # before: all 1.0
                cooldowns = get(f"{gateway.url}/healthz").json()["cooldowns"]
                assert set(cooldowns) == {dead_edge} and cooldowns[dead_edge]["state"] == "cooling down", cooldowns  # the scrape's probe: its trial
