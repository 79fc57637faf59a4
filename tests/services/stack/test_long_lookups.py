"""A long question's embedding holds neither the cache's lock nor the lookup batch other requests wait in (nc45: a
7,995-character lookup held the edge's cache lock ~8 s, e5 running over each of its 510-token windows; a write-back or
admin call waiting past the cache's 1.5 s bound meanwhile failed as "the cache is busy")."""

from __future__ import annotations

import threading
import time

from tests.services.servers import Running, delete, metric, post

LONG = "Describe how the harbour changed once the new lighthouse was built on the northern cliffs. " * 86
"""7,912 characters (~1,700 e5 tokens: four windows, seconds of embedding), under the cache's 8,000."""


def test_admin_calls_and_short_lookups_are_not_held_up_by_a_long_questions_embedding(edge: Running) -> None:
    done: dict[str, float] = {}
    outcome: dict[str, int] = {}

    def long_lookup() -> None:
        response = post(f"{edge.url}/admin/cache/lookup", json={"question": LONG, "namespace": "long-lookups"})
        outcome["long"], done["long"] = response.status_code, time.perf_counter()

    worker = threading.Thread(target=long_lookup)
    worker.start()
    time.sleep(0.5)  # its embedding, seconds long, has begun
    deleted = delete(f"{edge.url}/admin/cache/entries/no-such-entry")
    short = post(f"{edge.url}/admin/cache/lookup", json={"question": "What is the tallest mountain in Africa?", "namespace": "long-lookups"})
    done["short"] = time.perf_counter()
    worker.join(120)
    assert deleted.status_code == 200 and deleted.json() == {"deleted": 0}, deleted.text  # had been 503 "the cache is busy"
    assert short.status_code == 200 and outcome["long"] == 200
    assert done["short"] < done["long"]  # the short lookup did not wait for the long embedding


def test_a_long_question_served_is_embedded_before_its_lookup_batch(edge: Running) -> None:
    """`/v1/serve`: the question over `EMBED_ALONE_CHARS` is embedded on its own (a miss of the embedder's recent
    vectors), and its lookup batch finds the vector there (a hit) instead of embedding it in the batch."""
    from services.edge_serving import EMBED_ALONE_CHARS

    question = "Summarize in one line: " + "The ferry left at dawn and the gulls followed it past the breakwater. " * 16
    assert len(question) > EMBED_ALONE_CHARS
    embedder = edge.app.state.edge.cache.embedder
    hits, misses = embedder.hits, embedder.misses
    response = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": 1,
                                                  "cloud_allowed": False, "namespace": "long-lookups"})
    assert response.status_code == 200, response.text
    assert (embedder.misses - misses, embedder.hits - hits) == (1, 1)


def test_a_long_question_whose_embedding_outlasts_a_quarter_of_the_time_left_is_not_looked_up(edge: Running) -> None:
    """nc46: a 7,990-character question's embedding spent the edge's whole share of a 10 s budget. With 0.4 s left
    it is answered without the cache (`velo_cache_lookups_total{result="skipped"}`), here by the edge LLM's refusal
    at once, since its prefill cannot begin in the time either."""
    question = "Tell me how the old mill by the river was restored after the flood of that spring. " * 95
    skipped = metric(edge, 'velo_cache_lookups_total{result="skipped"}')
    response = post(f"{edge.url}/v1/serve", json={"messages": [{"role": "user", "content": question}], "max_tokens": 1,
                                                  "cloud_allowed": False, "namespace": "long-lookups"},
                    headers={"x-velo-timeout-ms": "400"})
    assert response.status_code == 504 and response.json()["error"]["code"] == "deadline_exceeded", response.text
    assert metric(edge, 'velo_cache_lookups_total{result="skipped"}') == skipped + 1
