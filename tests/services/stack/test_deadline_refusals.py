"""A prompt whose prefill cannot end within the time its caller waits is refused at once by each LLM, so the time goes
to the next fallback (nc45: a 20,000-character prompt through `velo up` had run into the cloud's 30 s, the edge LLM's
30 s and the direct cloud's 60 s, each too short, and got a 503 after 120 s). `services.llm.PastDeadline`."""

from __future__ import annotations

import openai
import pytest
from openai import OpenAI

from tests.services.servers import Running, post
from tests.services.stack.apps import TOKENS

RIVER = "The river rose after three days of rain, and the old town by the bridge moved its market uphill. "
"""94 characters, 20 SmolLM2 tokens."""


def completed(server: Running) -> int:
    """Requests the LLM of a server (the cloud's, an edge's own) ran to the end, including ones it was refused for time
    after it started: a refusal at once leaves it unchanged."""
    llm = server.app.state.llm if hasattr(server.app.state, "llm") else server.app.state.edge.llm
    return llm.batcher.stats().completed


def test_a_prompt_no_llm_can_begin_in_the_clients_time_is_refused_at_once_by_all(oai: OpenAI, edge: Running, cloud: Running) -> None:
    """~2,700 tokens (at least ~10 s of prefill on one core) with the `openai` client's 3 s timeout: the edge's cloud,
    the edge LLM and the gateway's direct cloud each refuse it before running anything; the client gets 504
    `deadline_exceeded` naming the prefill time, and is told not to retry it as it is."""
    before = completed(edge), completed(cloud)
    with pytest.raises(openai.APIStatusError) as caught:
        oai.with_options(timeout=3.0).chat.completions.create(model="velo", messages=[{"role": "user", "content": RIVER * 130}],
                                                               max_tokens=TOKENS)
    error = caught.value
    assert error.status_code == 504 and error.code == "deadline_exceeded", error.body
    assert error.response.headers["x-should-retry"] == "false"
    message = str(error.body["message"])
    assert "could not begin within the time left" in message and "-token prompt takes at least" in message, message
    assert (completed(edge), completed(cloud)) == before  # neither LLM prefilled it


def test_the_cloud_refuses_what_it_cannot_begin_in_its_share_and_the_edge_llm_answers_with_the_rest(edge: Running, cloud: Running) -> None:
    """A budget under twice the cloud's least prefill time: the edge gives its cloud half (too short: refused at once,
    not counted as a failure nor marked down) and answers with its own LLM in the time left (it had waited for the
    cloud's half to run out, leaving its LLM too little)."""
    messages = [{"role": "user", "content": "Summarize in one line: " + RIVER * 30}]
    cloud_llm = cloud.app.state.llm
    least = cloud_llm.batcher.prefill_seconds(cloud_llm.llm.prompt_ids(messages))
    assert least is not None and least > 0.5  # rate measured at its start (`CALIBRATION_TOKENS`)
    before = completed(cloud)
    # its lookup first, alone: embedding its 2,800 characters the first time takes ~2 s of the budget (then remembered)
    assert post(f"{edge.url}/admin/cache/lookup", json={"question": messages[0]["content"], "namespace": "first"}).status_code == 200
    response = post(f"{edge.url}/v1/serve", json={"messages": messages, "max_tokens": 1, "namespace": "first"},
                    headers={"x-velo-timeout-ms": str(int(1900 * least))})
    assert response.status_code == 200 and response.json()["route"] == "edge", response.text
    assert completed(cloud) == before
    assert not edge.app.state.edge.clouds.is_down(edge.app.state.edge.cloud_name)
