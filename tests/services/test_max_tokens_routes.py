"""A `max_tokens` above what the cloud takes is honoured on every route an edge can give it (`EdgeSettings.cloud_max_tokens`).

svc40 item 4: `max_tokens: 2000` through the gateway came back 200 when the cache answered and 400 ("the cloud LLM
refused the request: max_tokens is at most 1024 here, got 2000") when it missed, though the edge LLM (8,192-token
context window) could answer it. Now the cloud is not offered for such a request: a miss is the edge LLM's answer,
whole (200, its finish_reason), and not written back (the cloud would have answered it otherwise); a hit is the cache's.
Real servers on loopback: the gateway, an edge server (milvus-lite, the learned hit rule, rule-cloud), stand-in
OpenAI endpoints as its LLM and its cloud, each recording what reaches it.
"""

from __future__ import annotations

from pathlib import Path

from services import edge as edge_service
from tests.services.servers import metric, post, running, sync
from tests.services.stack.apps import KEY, gateway_app
from tests.services.stack.test_end_user_fields import recording_upstream

AUTH = {"Authorization": f"Bearer {KEY}"}


def test_a_max_tokens_the_cloud_does_not_take_is_answered_by_the_edge_llm_and_a_hit_alike(tmp_path: Path) -> None:
    to_cloud: list[dict] = []
    to_llm: list[dict] = []
    with running(recording_upstream(to_cloud, "The cloud's answer.")) as cloud, running(recording_upstream(to_llm, "The edge's answer.")) as llm:
        settings = edge_service.EdgeSettings(cache_uri=str(tmp_path / "edge.db"), cloud_url=cloud.url, llm=llm.url, llm_model="edge-llm",
                                             edge_id="edge-m", cloud_max_tokens=1024)
        with running(edge_service.build_app(settings)) as edge, running(gateway_app([edge.url], cloud.url)) as gateway:
            def ask(question: str, max_tokens: int) -> tuple[int, str, str]:
                got = post(f"{gateway.url}/v1/chat/completions", headers=AUTH,
                           json={"model": "velo", "messages": [{"role": "user", "content": question}], "max_tokens": max_tokens})
                assert got.status_code == 200, got.text
                return got.status_code, got.json()["route"], got.json()["choices"][0]["message"]["content"]

            assert ask("What is the capital of France?", 1024) == (200, "cloud", "The cloud's answer.") and to_cloud[-1]["max_tokens"] == 1024
            sync(edge)
            assert ask("What is the capital of France?", 2000) == (200, "cache", "The cloud's answer.")  # a hit, as before
            calls = len(to_cloud)
            assert ask("Why is the sky blue?", 2000) == (200, "edge", "The edge's answer.")  # before: 400 from the cloud
            assert len(to_cloud) == calls and to_llm[-1]["max_tokens"] == 2000  # the cloud not asked, the edge LLM given it all
            sync(edge)
            assert metric(edge, 'velo_write_backs_skipped_total{reason="fallback"}') == 1  # not cached in place of a cloud answer
            assert ask("Why is the sky blue?", 64) == (200, "cloud", "The cloud's answer.")
            assert metric(edge, 'velo_upstreams_down{target="cloud"}') == 0  # nothing marked down
