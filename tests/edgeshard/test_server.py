"""The OpenAI-compatible server for real: build_app with 2 shard workers behind uvicorn on loopback.

One server for the module (starting the workers is the slow part); httpx checks the shapes and errors,
the `openai` client checks compatibility. Answers are compared with the unsharded model's greedy text.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import uvicorn  # noqa: E402

from velo.edgeshard.server import ShardServerSettings, build_app  # noqa: E402
from tests.edgeshard.conftest import shared_model_dir  # noqa: E402
from velo.llm import LocalLLM, load_local_llm  # noqa: E402
from velo.llm.local import SMOLLM2_NAME  # noqa: E402

COMPLETION_PROMPT = "The three primary colours are"
CHAT = [{"role": "user", "content": "What is the capital of France?"}]
MAX_TOKENS = 10


@pytest.fixture(scope="module")
def server(reference: LocalLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    """(base URL, worker pids) of a running server; afterwards checks the lifespan stopped the workers."""
    app = build_app(ShardServerSettings(shards="0:15,15:30", model_dir=shared_model_dir(tmp_path_factory)))
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not uv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    pids = app.state.llm.pids
    try:
        yield f"http://127.0.0.1:{port}", pids
    finally:
        uv.should_exit = True
        thread.join(timeout=60)
        sock.close()
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids), "workers outlived the server"


@pytest.fixture(scope="module")
def client(server: tuple[str, list[int]]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server[0], timeout=120) as http:
        yield http


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "code"}
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def test_completion_is_the_unsharded_greedy_text(client: httpx.Client, reference: LocalLLM) -> None:
    prompt_ids = reference.tokenizer.encode(COMPLETION_PROMPT)
    want = reference.generate_ids(prompt_ids, MAX_TOKENS)
    response = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": COMPLETION_PROMPT, "max_tokens": MAX_TOKENS, "temperature": 0})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "text_completion" and body["model"] == SMOLLM2_NAME and body["id"].startswith("cmpl-")
    assert [c["text"] for c in body["choices"]] == [want.text]
    assert body["choices"][0]["finish_reason"] == ("length" if want.output_tokens == MAX_TOKENS else "stop")
    usage = body["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (len(prompt_ids), want.output_tokens)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert body["velo"]["shards"] == ["0:15", "15:30"] and body["velo"]["prefill_ms"] > 0


def test_a_batch_of_text_and_token_id_prompts_gives_one_choice_each(client: httpx.Client, reference: LocalLLM) -> None:
    ids = reference.tokenizer.encode(COMPLETION_PROMPT)
    want = reference.generate_ids(ids, 3).text
    batch = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": [COMPLETION_PROMPT, "Hello"], "max_tokens": 3})
    assert batch.status_code == 200, batch.text
    body = batch.json()
    assert [c["index"] for c in body["choices"]] == [0, 1] and body["choices"][0]["text"] == want
    assert body["usage"]["prompt_tokens"] == len(ids) + len(reference.tokenizer.encode("Hello"))
    by_ids = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": ids, "max_tokens": 3})
    assert [c["text"] for c in by_ids.json()["choices"]] == [want]


def test_chat_completion_is_the_unsharded_greedy_answer(client: httpx.Client, reference: LocalLLM) -> None:
    want = reference.generate(CHAT, MAX_TOKENS)
    response = client.post("/v1/chat/completions", json={"model": SMOLLM2_NAME, "messages": CHAT, "max_tokens": MAX_TOKENS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": want.text} and "Paris" in want.text
    assert choice["finish_reason"] == ("length" if want.output_tokens == MAX_TOKENS else "stop")
    assert body["usage"] == {
        "prompt_tokens": want.prompt_tokens,
        "completion_tokens": want.output_tokens,
        "total_tokens": want.prompt_tokens + want.output_tokens,
    }


def test_models_and_health(client: httpx.Client, server: tuple[str, list[int]]) -> None:
    models = client.get("/v1/models").json()
    assert models["object"] == "list" and [m["id"] for m in models["data"]] == [SMOLLM2_NAME]
    health = client.get("/health").json()
    assert health["status"] == "ok" and [w["pid"] for w in health["workers"]] == server[1]


def test_every_failure_has_the_error_shape(client: httpx.Client) -> None:
    hot = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "temperature": 0.7})
    assert "temperature" in assert_error(hot, 400, "unsupported_temperature")["message"]
    chat_hot = client.post("/v1/chat/completions", json={"model": SMOLLM2_NAME, "messages": CHAT, "temperature": 1})
    assert_error(chat_hot, 400, "unsupported_temperature")
    invalid = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "max_tokens": 0})
    error = assert_error(invalid, 422, "validation_error")
    assert "prompt" in error["message"] and "max_tokens" in error["message"]
    assert error["type"] == "invalid_request_error"
    assert_error(client.post("/v1/chat/completions", json={"model": SMOLLM2_NAME, "messages": [{"role": "robot", "content": "x"}]}), 422)
    assert_error(client.post("/v1/completions", content=b"{not json", headers={"content-type": "application/json"}), 422)
    assert_error(client.post("/v1/completions", json={"model": "gpt-4", "prompt": "Hi"}), 404, "model_not_found")
    assert_error(client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "stream": True}), 400, "unsupported_stream")
    assert_error(client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "", "max_tokens": 2}), 400, "invalid_prompt")
    assert_error(client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "max_tokens": 10**6}), 400)
    assert_error(client.get("/v1/nothing"), 404)


def test_the_openai_client_gets_a_completion(server: tuple[str, list[int]], reference: LocalLLM) -> None:
    from openai import OpenAI

    openai_client = OpenAI(base_url=f"{server[0]}/v1", api_key="not-needed", max_retries=0, timeout=120)
    completion = openai_client.completions.create(model=SMOLLM2_NAME, prompt=COMPLETION_PROMPT, max_tokens=MAX_TOKENS, temperature=0)
    assert completion.choices[0].text == reference.generate_ids(reference.tokenizer.encode(COMPLETION_PROMPT), MAX_TOKENS).text
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    chat = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS, temperature=0)  # type: ignore[arg-type]
    assert "Paris" in (chat.choices[0].message.content or "")
    assert [m.id for m in openai_client.models.list()] == [SMOLLM2_NAME]
