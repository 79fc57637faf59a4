"""A question asked again right after its answer is served from the cache, not the cloud a second time, though its
answer was still being written back (nc45: a client's retry or a double submit went to the cloud again)."""

from __future__ import annotations

from tests.services.servers import Running, post


def test_a_question_asked_again_right_after_its_answer_is_served_from_the_cache(edge: Running) -> None:
    body = {"messages": [{"role": "user", "content": "Which river flows through Lyon, and where does it rise?"}], "namespace": "repeat-now"}
    first = post(f"{edge.url}/v1/serve", json=body)
    assert first.status_code == 200 and first.json()["route"] == "cloud", first.text
    again = post(f"{edge.url}/v1/serve", json=body)
    assert again.status_code == 200 and again.json()["route"] == "cache", again.text
    assert again.json()["answer"] == first.json()["answer"]
