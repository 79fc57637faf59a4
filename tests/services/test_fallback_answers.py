"""An answer the edge LLM gives in place of the cloud is not written into the cache (`services/edge_writeback.py`).

svc40 item 1: with the cloud down, the edge LLM's fallback answer to "What is the tallest mountain in Europe?" was
written back, and after the cloud answered again the same question was served it from the cache at similarity 1.0:
the small model's answer where the scheduler (rule-cloud: the hit rule, else the cloud) wanted the cloud's. Real
servers on loopback: an edge server (embedded milvus-lite, e5 + USE, the learned hit rule) whose LLM and cloud are
stand-in OpenAI endpoints answering different texts, so an answer says who gave it; the cloud is stopped and started
again on its port.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import httpx
import pytest

from services import edge as edge_service
from services import gateway as gateway_service
from tests.services.servers import Running, metric, post, running, sync
from tests.services.stack.test_end_user_fields import recording_upstream
from tests.services.test_hung_cloud import slow_upstream

CLOUDS, EDGES = "The cloud's answer: Mount Elbrus, 5,642 m.", "The edge's answer: Mont Blanc."
COOL_DOWN_S = 1.0
FALLBACKS, WRITTEN = 'velo_write_backs_skipped_total{reason="fallback"}', "velo_write_backs_total"


def serve(edge: Running, question: str, stream: bool = False, **headers: str) -> dict:
    """The edge's answer to `question` (a streamed one read to its done event) as `ServeResponse` fields."""
    body = {"messages": [{"role": "user", "content": question}], "max_tokens": 32, "stream": stream}
    got = post(f"{edge.url}/v1/serve", json=body, headers=headers, timeout=60)
    assert got.status_code == 200, got.text
    if not stream:
        return got.json()
    events = [json.loads(line[5:]) for line in got.text.splitlines() if line.startswith("data:")]
    return events[-1]["done"]


def test_the_edge_llms_answers_in_place_of_a_dead_cloud_are_not_cached(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="velo.edge.cloud")
    cloud = Running(recording_upstream([], CLOUDS))
    port = cloud.port
    try:
        with running(recording_upstream([], EDGES)) as llm:
            settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm",
                                                 edge_id="edge-f", cloud_down_for_s=COOL_DOWN_S)
            with running(edge_service.build_app(settings)) as edge:
                assert serve(edge, "What is the tallest mountain in Africa?")["answer"] == CLOUDS
                cloud.stop()
                question = "What is the tallest mountain in Europe?"
                failed = serve(edge, question)  # the cloud refuses the connection: marked down, the edge LLM answers
                skipped = serve(edge, question, stream=True)  # within the cool-down: the cloud is not called at all
                assert [(a["route"], a["answer"]) for a in (failed, skipped)] == [("edge", EDGES)] * 2, (failed, skipped)
                assert metric(edge, 'velo_upstream_skips_total{target="cloud"}') == 1
                sync(edge)
                assert (metric(edge, FALLBACKS), metric(edge, WRITTEN)) == (2.0, 1.0)
                warned = [r.getMessage() for r in caplog.records if r.getMessage().startswith("not writing back")]
                assert [("the cloud failed" in w, "cooling down" in w) for w in warned] == [(True, False), (False, True)], warned

                cloud = Running(recording_upstream([], CLOUDS), port)  # back on its port
                time.sleep(COOL_DOWN_S + 0.3)
                again = serve(edge, question)  # before: route "cache", EDGES, similarity 1.0
                assert (again["route"], again["answer"]) == ("cloud", CLOUDS), again
                sync(edge)
                cached = serve(edge, question)  # the cloud's answer is written back as any
                assert (cached["route"], cached["answer"]) == ("cache", CLOUDS) and metric(edge, WRITTEN) == 2.0, cached
    finally:
        cloud.stop()


def test_the_edge_llms_answer_when_the_caller_left_the_cloud_too_little_time_is_not_cached(tmp_path: Path) -> None:
    """A client's short budget (`x-velo-timeout-ms` with `x-velo-timeout-cut: 1`, as the gateway sends it): the cloud,
    slow but up, gets half of it, says nothing in it, and the edge LLM answers: not written, not marked down. The same
    question with the edge's own time is the cloud's, and is written."""
    with running(slow_upstream([], 2.0)) as cloud, running(recording_upstream([], EDGES)) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm", edge_id="edge-t")
        with running(edge_service.build_app(settings)) as edge:
            question = "Why is the sea salty?"
            hurried = serve(edge, question, **{"x-velo-timeout-ms": "800", "x-velo-timeout-cut": "1"})
            assert (hurried["route"], hurried["answer"]) == ("edge", EDGES), hurried
            sync(edge)
            assert (metric(edge, FALLBACKS), metric(edge, WRITTEN), metric(edge, 'velo_upstreams_down{target="cloud"}')) == (1.0, 0.0, 0.0)
            patient = serve(edge, question)
            assert (patient["route"], patient["answer"]) == ("cloud", "Forty-two."), patient
            sync(edge)
            assert metric(edge, WRITTEN) == 1.0
            assert httpx.get(f"{edge.url}/healthz", timeout=30).json()["cloud"] == "up"


def test_the_edge_llms_answers_to_a_key_past_its_cloud_budget_are_not_cached(tmp_path: Path) -> None:
    """svc41 finding 3: a key past its cloud budget (`over_budget: fallback`) is answered by the edge LLM (the gateway
    sends `cloud_allowed: false`), and those answers had been written back: a key with budget asking the same question
    in the same namespace was served the small model's answer from the cache. Now they follow the one rule of answers
    given in place of the cloud: relayed, counted as `fallback`, not written."""
    spent, paying = "spent-key-0001", "paying-key-001"
    keys = {spent: {"name": "spent", "cloud_budget": 0, "over_budget": "fallback"}, paying: {"name": "paying"}}
    with running(recording_upstream([], CLOUDS)) as cloud, running(recording_upstream([], EDGES)) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm", edge_id="edge-k")
        with running(edge_service.build_app(settings)) as edge, \
                running(gateway_service.build_app(gateway_service.GatewaySettings(edges=[edge.url], keys_json=json.dumps(keys)))) as gateway:
            def ask(key: str, question: str, stream: bool = False) -> tuple[str, str]:
                got = post(f"{gateway.url}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"}, timeout=60,
                           json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": 32, "stream": stream})
                assert got.status_code == 200, got.text
                if not stream:
                    return got.json()["route"], got.json()["choices"][0]["message"]["content"]
                chunks = [json.loads(line[5:]) for line in got.text.splitlines() if line.startswith("data:") and "[DONE]" not in line]
                return chunks[-1]["route"], "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])

            question = "What is the tallest mountain in Europe?"
            assert ask(spent, question) == ("edge", EDGES) and ask(spent, "Why is the sea salty?", stream=True) == ("edge", EDGES)
            sync(edge)
            assert (metric(edge, FALLBACKS), metric(edge, WRITTEN)) == (2.0, 0.0)
            assert ask(paying, question) == ("cloud", CLOUDS)  # before: ("cache", EDGES), the spent key's answer
            sync(edge)
            assert ask(spent, question) == ("cache", CLOUDS) and metric(edge, WRITTEN) == 1.0  # the cloud's answer serves both
