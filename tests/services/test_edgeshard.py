"""The OpenAI-compatible server for real: build_app with 2 shard workers behind uvicorn on loopback.

One server for the module (starting the workers is the slow part); the official `openai` client checks
the normal paths, streaming included, httpx the raw shapes and every 400. Greedy answers are compared with
the unsharded model's; the known answers ("1, 2, 3, 4," -> " 5") are SmolLM2-135M-Instruct's greedy text.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import openai
import pytest
from openai import OpenAI

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import uvicorn  # noqa: E402

from tests.edgeshard.conftest import shared_model_dir  # noqa: E402
from tests.edgeshard.test_runtime import unsharded_ids  # noqa: E402
from services.edgeshard import ShardServerSettings, build_app  # noqa: E402
from velo.llm import LocalLLM  # noqa: E402
from velo.llm.decoding import decode_text, tokenizer_decode  # noqa: E402
from velo.llm.local import SMOLLM2_NAME  # noqa: E402

COMPLETION_PROMPT = "The three primary colours are"
CHAT = [{"role": "user", "content": "What is the capital of France?"}]
MULTILINGUAL = [{"role": "user", "content": "你好 🙂 ¿qué tal?"}]
MAX_TOKENS = 10
RETRY_AFTER_S = 1.5
"""The module server's wait after a failed chain (`Retry-After: 2`), short so the `openai` client's retry is quick."""


@pytest.fixture(scope="module")
def server(reference: LocalLLM, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[int]]]:
    """(base URL, worker pids) of a running server; afterwards checks the lifespan stopped the workers."""
    settings = ShardServerSettings(shards="0:15,15:30", model_dir=shared_model_dir(tmp_path_factory), retry_after_s=RETRY_AFTER_S)
    app = build_app(settings)
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


@pytest.fixture(scope="module")
def openai_client(server: tuple[str, list[int]]) -> OpenAI:
    return OpenAI(base_url=f"{server[0]}/v1", api_key="not-needed", max_retries=0, timeout=120)


def complete(client: httpx.Client, **fields: object) -> dict:
    response = client.post("/v1/completions", json={"model": SMOLLM2_NAME, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def chat(client: httpx.Client, **fields: object) -> dict:
    response = client.post("/v1/chat/completions", json={"model": SMOLLM2_NAME, **fields})
    assert response.status_code == 200, response.text
    return response.json()


def raw_continuation(reference: LocalLLM, prompt_ids: list[int], max_tokens: int) -> str:
    """The unsharded model's greedy continuation as the server should send it: raw, not stripped."""
    produced = unsharded_ids(reference, prompt_ids, max_tokens)
    return decode_text(tokenizer_decode(reference.tokenizer), prompt_ids, produced, reference.stop_ids)


def assert_error(response: httpx.Response, status: int, code: str | None = None, param: str | None = None) -> dict:
    """The one error shape; `param`, when given, must be named in the message too."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "code", "param"}
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    if param is not None:
        assert body["error"]["param"] == param and param in body["error"]["message"]
    return body["error"]


# --- greedy answers, as the unsharded model gives them ---------------------------------------------


def test_completion_is_the_unsharded_greedy_continuation(client: httpx.Client, reference: LocalLLM) -> None:
    prompt_ids = reference.tokenizer.encode(COMPLETION_PROMPT)
    want = reference.generate_ids(prompt_ids, MAX_TOKENS)
    body = complete(client, prompt=COMPLETION_PROMPT, max_tokens=MAX_TOKENS, temperature=0)
    assert body["object"] == "text_completion" and body["model"] == SMOLLM2_NAME and body["id"].startswith("cmpl-")
    assert [c["text"] for c in body["choices"]] == [raw_continuation(reference, prompt_ids, MAX_TOKENS)]
    assert body["choices"][0]["text"].strip() == want.text
    assert body["choices"][0]["finish_reason"] == ("length" if want.output_tokens == MAX_TOKENS else "stop")
    usage = body["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (len(prompt_ids), want.output_tokens)
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert body["velo"]["shards"] == ["0:15", "15:30"] and body["velo"]["prefill_ms"] > 0


def test_a_completion_keeps_its_leading_space(client: httpx.Client) -> None:
    choice = complete(client, prompt="The capital of France is", max_tokens=4)["choices"][0]
    assert (choice["text"], choice["finish_reason"]) == (" Paris.\n\n", "length")


def test_a_batch_of_text_and_token_id_prompts_gives_one_choice_each(client: httpx.Client, reference: LocalLLM) -> None:
    ids = reference.tokenizer.encode(COMPLETION_PROMPT)
    want = raw_continuation(reference, ids, 3)
    body = complete(client, prompt=[COMPLETION_PROMPT, "Hello"], max_tokens=3)
    assert [c["index"] for c in body["choices"]] == [0, 1] and body["choices"][0]["text"] == want
    assert body["usage"]["prompt_tokens"] == len(ids) + len(reference.tokenizer.encode("Hello"))
    assert [c["text"] for c in complete(client, prompt=ids, max_tokens=3)["choices"]] == [want]


def test_chat_completion_is_the_unsharded_greedy_answer(client: httpx.Client, reference: LocalLLM) -> None:
    want = reference.generate(CHAT, MAX_TOKENS)
    body = chat(client, messages=CHAT, max_tokens=MAX_TOKENS)
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": raw_continuation(reference, reference.prompt_ids(CHAT), MAX_TOKENS)}
    assert choice["message"]["content"].strip() == want.text and "Paris" in want.text
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


def test_a_prompt_the_chain_cannot_begin_in_the_callers_time_is_a_504_before_it_runs(client: httpx.Client, openai_client: OpenAI) -> None:
    """As VELO's other LLM servers (`services.llm.PastDeadline`): ~2,000 tokens (seconds of prefill through the chain)
    with a 0.5 s budget, stated as `x-velo-timeout-ms` (what VELO's cloud service forwards) or by the `openai` client's
    timeout, is refused with 504 `deadline_exceeded` and `x-should-retry: false` (this server bounds no generation by
    time otherwise: run, it would have been a 200), and a short prompt with time enough is answered."""
    long_text = "The harbour filled with boats before the storm reached the coast. " * 150
    response = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": long_text, "max_tokens": 1},
                           headers={"x-velo-timeout-ms": "500"})
    error = response.json()["error"]
    assert response.status_code == 504 and error["code"] == "deadline_exceeded", response.text
    assert response.headers["x-should-retry"] == "false" and "-token prompt takes at least" in error["message"], error
    with pytest.raises(openai.APIStatusError) as caught:
        openai_client.with_options(timeout=0.5).chat.completions.create(model=SMOLLM2_NAME, messages=[{"role": "user", "content": long_text}],
                                                                        max_tokens=1)
    assert caught.value.status_code == 504 and caught.value.code == "deadline_exceeded"
    short = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "The capital of France is", "max_tokens": 1},
                        headers={"x-velo-timeout-ms": "60000"})
    assert short.status_code == 200, short.text


def test_the_openai_client_retrieves_the_served_model_and_an_unknown_one_is_a_404(openai_client: OpenAI, client: httpx.Client) -> None:
    """Issue 8 (L7): `GET /v1/models/{id}` (`models.retrieve`) was a 404 for the served model too."""
    from openai import NotFoundError

    card = openai_client.models.retrieve(SMOLLM2_NAME)
    assert (card.id, card.object, card.owned_by) == (SMOLLM2_NAME, "model", "velo") and card.created > 0
    with pytest.raises(NotFoundError):
        openai_client.models.retrieve("gpt-4o")
    assert_error(client.get("/v1/models/gpt-4o"), 404, "model_not_found", "model")


# --- stop strings ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [[","], ","], ids=["list", "string"])
def test_a_completion_stops_at_the_first_stop_string(client: httpx.Client, stop: object) -> None:
    body = complete(client, prompt="1, 2, 3, 4,", max_tokens=10, stop=stop)
    assert [(c["text"], c["finish_reason"]) for c in body["choices"]] == [(" 5", "stop")]
    assert body["usage"]["completion_tokens"] == 3  # " ", "5", "," (SmolLM2 splits digits): no token after the stop


def test_chat_honours_stop(client: httpx.Client, reference: LocalLLM) -> None:
    answer = raw_continuation(reference, reference.prompt_ids(CHAT), MAX_TOKENS)
    choice = chat(client, messages=CHAT, max_tokens=MAX_TOKENS, stop=["Paris", "nowhere"])["choices"][0]
    assert choice["message"]["content"] == answer[: answer.index("Paris")] and choice["finish_reason"] == "stop"


def test_a_stop_string_spanning_tokens_and_chunks_is_never_streamed(openai_client: OpenAI) -> None:
    # the answer's tokens are " ", "5", ",", " ", "6": ", 6" begins in one token (and chunk) and ends two later
    chunks = list(openai_client.completions.create(model=SMOLLM2_NAME, prompt="1, 2, 3, 4,", max_tokens=10, stop=", 6", stream=True))
    texts = [c.choices[0].text for c in chunks if c.choices]
    assert "".join(texts) == " 5" and not any("," in t for t in texts)
    assert chunks[-1].choices[0].finish_reason == "stop"


# --- roles and characters --------------------------------------------------------------------------


def test_the_developer_role_is_the_system_role(client: httpx.Client) -> None:
    turns = [{"role": "developer", "content": "Answer briefly."}, {"role": "user", "content": "Hi"}]
    as_developer = chat(client, messages=turns, max_tokens=6)
    as_system = chat(client, messages=[{**turns[0], "role": "system"}, turns[1]], max_tokens=6)
    assert as_developer["choices"][0]["message"]["content"]
    assert as_developer["choices"][0]["message"] == as_system["choices"][0]["message"]
    assert as_developer["usage"] == as_system["usage"]


def test_an_answer_cut_inside_a_character_has_no_broken_character(
    client: httpx.Client, openai_client: OpenAI, reference: LocalLLM
) -> None:
    # the 6th token is " " plus the first bytes of an emoji: the answer was "¡Hola! \ufffd"
    assert reference.generate(MULTILINGUAL, 6).text == "¡Hola!"  # LocalLLM decodes by the same rules
    whole = chat(client, messages=MULTILINGUAL, max_tokens=6)["choices"][0]
    assert whole["finish_reason"] == "length" and whole["message"]["content"] == "¡Hola!"
    assert "\ufffd" not in whole["message"]["content"]
    for max_tokens in (5, 6, 12):
        chunks = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=MULTILINGUAL, max_tokens=max_tokens, stream=True)  # type: ignore[arg-type]
        deltas = [c.choices[0].delta.content or "" for c in chunks if c.choices]
        assert not any("\ufffd" in d for d in deltas)
        if max_tokens == 6:
            assert "".join(deltas) == whole["message"]["content"]


# --- the official client: plain, streamed, sampled --------------------------------------------------


def test_the_openai_client_gets_a_completion_and_a_chat(openai_client: OpenAI, reference: LocalLLM) -> None:
    completion = openai_client.completions.create(model=SMOLLM2_NAME, prompt=COMPLETION_PROMPT, max_tokens=MAX_TOKENS, temperature=0)
    assert completion.choices[0].text == raw_continuation(reference, reference.tokenizer.encode(COMPLETION_PROMPT), MAX_TOKENS)
    assert completion.usage is not None and completion.usage.completion_tokens > 0
    answer = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS, temperature=0)  # type: ignore[arg-type]
    assert "Paris" in (answer.choices[0].message.content or "")
    assert [m.id for m in openai_client.models.list()] == [SMOLLM2_NAME]


def test_a_streamed_chat_is_the_whole_answer_in_pieces_with_usage_last(openai_client: OpenAI) -> None:
    whole = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS)  # type: ignore[arg-type]
    chunks = list(
        openai_client.chat.completions.create(
            model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS, stream=True, stream_options={"include_usage": True}  # type: ignore[arg-type]
        )
    )
    assert {c.id for c in chunks} == {chunks[0].id} and chunks[0].object == "chat.completion.chunk"
    assert chunks[0].choices[0].delta.role == "assistant"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == whole.choices[0].message.content
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == whole.choices[0].finish_reason
    assert chunks[-1].choices == [] and chunks[-1].usage == whole.usage
    assert all(c.usage is None for c in chunks[:-1])


def test_a_streamed_completion_with_echo_and_n(openai_client: OpenAI) -> None:
    chunks = list(openai_client.completions.create(model=SMOLLM2_NAME, prompt="The capital of France is", max_tokens=4, n=2, echo=True, stream=True))
    texts = {0: "", 1: ""}
    for chunk in chunks:
        assert chunk.usage is None
        for choice in chunk.choices:
            texts[choice.index] += choice.text
    assert texts == {0: "The capital of France is Paris.\n\n", 1: "The capital of France is Paris.\n\n"}  # greedy: n alike


def test_a_client_leaving_mid_stream_frees_the_chain(server: tuple[str, list[int]]) -> None:
    long = {"model": SMOLLM2_NAME, "prompt": "Once upon a time", "max_tokens": 500, "stream": True}
    with httpx.Client(base_url=server[0], timeout=120) as leaving, leaving.stream("POST", "/v1/completions", json=long) as response:
        assert next(response.iter_lines()).startswith("data: ")
    # 500 tokens take over a minute here: an answer within 30 s means the abandoned generation stopped
    with httpx.Client(base_url=server[0], timeout=30) as next_client:
        assert complete(next_client, prompt="Hi", max_tokens=2)["choices"][0]["text"]


def test_a_seed_reproduces_sampled_choices_that_differ(client: httpx.Client) -> None:
    request = {"prompt": "Once upon a time", "max_tokens": 8, "temperature": 1.0, "top_p": 0.95, "seed": 3, "n": 3}
    first, again = complete(client, **request), complete(client, **request)
    texts = [c["text"] for c in first["choices"]]
    assert texts == [c["text"] for c in again["choices"]] and len(set(texts)) > 1
    assert [c["index"] for c in first["choices"]] == [0, 1, 2]
    assert first["usage"]["prompt_tokens"] == 4  # the prompt is counted once, not once per choice
    other_seed = complete(client, **{**request, "seed": 4})
    assert [c["text"] for c in other_seed["choices"]] != texts


def test_logit_bias_and_penalties_are_honoured(client: httpx.Client, reference: LocalLLM) -> None:
    rome = reference.tokenizer.encode(" Rome")
    assert len(rome) == 1
    biased = complete(client, prompt="The capital of France is", max_tokens=1, logit_bias={str(rome[0]): 100})
    assert biased["choices"][0]["text"] == " Rome"
    # counting repeats ", " after every number; a strong frequency penalty makes the model leave the pattern
    plain = complete(client, prompt="1, 2, 3, 4,", max_tokens=10)["choices"][0]["text"]
    penalized = complete(client, prompt="1, 2, 3, 4,", max_tokens=10, frequency_penalty=2.0, presence_penalty=2.0)["choices"][0]["text"]
    assert plain.startswith(" 5, 6, 7,") and penalized != plain


def test_fields_accepted_and_ignored_change_nothing(client: httpx.Client) -> None:
    plain = chat(client, messages=CHAT, max_tokens=3)
    ignored = chat(
        client, messages=CHAT, max_tokens=3, max_completion_tokens=3, user="u-1", metadata={}, store=False,
        logprobs=False, response_format={"type": "text"}, tools=None, stream=False, n=1, top_p=1, presence_penalty=0,
    )  # fmt: skip
    assert ignored["choices"] == plain["choices"]
    text = complete(client, prompt="Hi", max_tokens=2, user="u-1", suffix=None, best_of=1, logprobs=None, echo=False)
    assert text["choices"][0]["finish_reason"] in ("stop", "length")


def test_every_optional_field_given_its_openai_default_is_read_as_absent(openai_client: OpenAI) -> None:
    """Issue 8 (M6): explicit defaults (`presence_penalty: 0`, `frequency_penalty: 0.0`, ...) answer as if absent, through
    the official client, which sends what it is given."""
    plain = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=3)  # type: ignore[arg-type]
    defaults = openai_client.chat.completions.create(
        model=SMOLLM2_NAME, messages=CHAT, max_tokens=3, presence_penalty=0, frequency_penalty=0.0, logit_bias={}, n=1, top_p=1,  # type: ignore[arg-type]
        logprobs=False, top_logprobs=0, response_format={"type": "text"}, tool_choice="none", parallel_tool_calls=True, stream=False,
    )
    assert defaults.choices[0].message.content == plain.choices[0].message.content
    plain_text = openai_client.completions.create(model=SMOLLM2_NAME, prompt="Hi", max_tokens=2)
    defaults_text = openai_client.completions.create(model=SMOLLM2_NAME, prompt="Hi", max_tokens=2, presence_penalty=0, frequency_penalty=0,
                                                     logit_bias={}, n=1, best_of=1, echo=False, suffix="", top_p=1)
    assert defaults_text.choices[0].text == plain_text.choices[0].text


# --- every refused field: 400, the one error shape, the field named ---------------------------------

TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object", "properties": {}}}}
REFUSED_COMPLETION = [
    ("logprobs", {"logprobs": 1}),
    ("logprobs", {"logprobs": 0}),  # a count (the chosen tokens' log probabilities), not chat's false
    ("suffix", {"suffix": "and so on"}),
    ("best_of", {"best_of": 3}),
    ("max_tokens", {"max_tokens": 0}),
    ("max_tokens", {"max_tokens": 10**6}),
    ("prompt", {"prompt": []}),
    ("prompt", {"prompt": [10**7]}),
    ("prompt", {"prompt": ""}),
    ("n", {"n": 0}),
    ("temperature", {"temperature": 2.5}),
    ("top_p", {"top_p": 1.5}),
    ("seed", {"seed": "x"}),
    ("stop", {"stop": ["a", "b", "c", "d", "e"]}),
    ("stream", {"stream": "sometimes"}),
    ("stream_options", {"stream_options": {"include_usage": True}}),
    ("presence_penalty", {"presence_penalty": 2.5}),
    ("frequency_penalty", {"frequency_penalty": -3}),
    ("logit_bias", {"logit_bias": {"999999": 5}}),
    ("logit_bias", {"logit_bias": {"1": 500}}),
    ("user", {"user": 5}),
    ("max_completion_tokens", {"max_completion_tokens": 5}),  # a chat field: unknown here
    ("metadata", {"metadata": {"k": "v"}}),
    ("seed", {"seed": 2**64, "temperature": 1}),  # nc19 finding 2: a 500 from torch's manual_seed
    ("frobnicate", {"frobnicate": True}),
]
REFUSED_CHAT = [
    ("logprobs", {"logprobs": True}),
    ("top_logprobs", {"top_logprobs": 2}),
    ("response_format", {"response_format": {"type": "json_object"}}),
    ("response_format", {"response_format": {"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}}),
    ("tools", {"tools": [TOOL]}),
    ("tool_choice", {"tool_choice": "auto"}),
    ("functions", {"functions": [TOOL["function"]]}),
    ("function_call", {"function_call": "auto"}),
    ("parallel_tool_calls", {"parallel_tool_calls": False}),  # true is OpenAI's default: read as absent
    ("max_tokens", {"max_tokens": 5, "max_completion_tokens": 6}),
    ("max_completion_tokens", {"max_completion_tokens": 10**6}),
    ("messages", {"messages": []}),
    ("messages[0].role", {"messages": [{"role": "tool", "content": "42", "tool_call_id": "c1"}]}),
    ("messages[0].role", {"messages": [{"role": "function", "content": "42", "name": "f"}]}),
    ("messages[0].role", {"messages": [{"role": "robot", "content": "Hi"}]}),
    ("messages[1].tool_calls", {"messages": [CHAT[0], {"role": "assistant", "content": "", "tool_calls": [{"id": "c1"}]}]}),
    ("messages[0].content[1]", {"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}, {"type": "image_url", "image_url": {"url": "x"}}]}]}),
    ("messages[0].content", {"messages": [{"role": "user", "content": None}]}),
    ("messages[0].audio", {"messages": [{"role": "user", "content": "Hi", "audio": {}}]}),
    ("echo", {"echo": True}),  # a completions field: unknown here
    ("reasoning_effort", {"reasoning_effort": "low"}),
    ("stop", {"stop": [""]}),
    ("temperature", {"temperature": -1}),
    ("seed", {"seed": 2**64, "temperature": 1}),  # nc19 finding 2
    ("seed", {"seed": 2**63}),
    ("store", {"store": True}),  # nc19 finding 7: accepted and ignored
    ("metadata", {"metadata": {"a": "b"}}),
]


@pytest.mark.parametrize("param, fields", REFUSED_COMPLETION, ids=[f"{p}-{i}" for i, (p, _) in enumerate(REFUSED_COMPLETION)])
def test_a_refused_completion_field_is_a_400_naming_it(client: httpx.Client, param: str, fields: dict) -> None:
    response = client.post("/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "max_tokens": 2, **fields})
    assert assert_error(response, 400, param=param)["type"] == "invalid_request_error"


@pytest.mark.parametrize("param, fields", REFUSED_CHAT, ids=[f"{p}-{i}" for i, (p, _) in enumerate(REFUSED_CHAT)])
def test_a_refused_chat_field_is_a_400_naming_it(client: httpx.Client, param: str, fields: dict) -> None:
    response = client.post("/v1/chat/completions", json={"model": SMOLLM2_NAME, "messages": CHAT, "max_completion_tokens": 2, **fields})
    assert assert_error(response, 400, param=param)["type"] == "invalid_request_error"


CJK_PROMPT = "这是一个很长的中文提示，用来测试服务器的长度检查。" * 1525
"""61,000 SmolLM2 tokens in 38,125 characters: the issue's example of a prompt with more tokens than characters."""


@pytest.mark.parametrize("route, fields", [("/v1/completions", {"prompt": CJK_PROMPT}), ("/v1/completions", {"prompt": ["Hi", CJK_PROMPT]}),
                                           ("/v1/chat/completions", {"messages": [{"role": "user", "content": CJK_PROMPT}]})])
def test_a_prompt_longer_than_the_context_window_is_a_400_naming_it(client: httpx.Client, route: str, fields: dict) -> None:
    error = assert_error(client.post(route, json={"model": SMOLLM2_NAME, "max_tokens": 2, **fields}), 400, "context_length_exceeded", next(iter(fields)))
    assert "8192-token context window" in error["message"], error
    assert client.get("/health").status_code == 200  # nothing was started: the chain is free


def test_a_body_over_the_limit_is_a_413_naming_it_before_it_is_read(client: httpx.Client) -> None:
    """Issue: a 3 MB CJK body was refused only once its 1.6 million tokens were counted (seconds). Declared or chunked,
    a body over `max_body_bytes` (1,000,000) is refused naming the limit; `benchmarks/oversized_refusal.py` times it."""
    body = json.dumps({"model": SMOLLM2_NAME, "max_tokens": 2, "messages": [{"role": "user", "content": CJK_PROMPT * 27}]}, ensure_ascii=False).encode()
    assert len(body) > 3_000_000
    for sent in ({"content": body}, {"content": iter([body[:500_000], body[500_000:]])}):  # an iterator: sent chunked
        error = assert_error(client.post("/v1/chat/completions", headers={"content-type": "application/json"}, **sent), 413, "request_too_large")
        assert "limit of 1000000" in error["message"], error
    assert client.get("/health").status_code == 200


def test_a_prompt_over_max_prompt_chars_is_a_400_context_length_exceeded_naming_it_before_it_is_tokenized(client: httpx.Client) -> None:
    """Issue: a 0.9 MB CJK body, under `max_body_bytes`, was refused by the context window only after ~0.55 s of
    tokenizing. Text prompts of more than `max_prompt_chars` (64,000) characters in all, a batch's or a conversation's,
    are refused naming the field and the limit before the tokenizer sees them, with OpenAI's status and code for a prompt
    too long (nc44: it had been a 413, which clients read as a body too large) (`/health` counts the prompts it
    tokenized); one of 64,000 is tokenized, and refused by the context window."""
    def tokenized() -> int:
        return client.get("/health").json()["prompts_tokenized"]

    at_limit = (CJK_PROMPT * 2)[:64_000]
    before = tokenized()
    for route, fields, param, chars in (
        ("/v1/completions", {"prompt": at_limit + "x"}, "prompt", 64_001),
        ("/v1/completions", {"prompt": ["Hi", at_limit]}, "prompt", 64_002),
        ("/v1/chat/completions", {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": at_limit}]}, "messages", 64_009),
    ):
        error = assert_error(client.post(route, json={"model": SMOLLM2_NAME, "max_tokens": 2, **fields}), 400, "context_length_exceeded", param)
        assert error["message"] == f"{param} has {chars} characters, more than this server's limit of 64000 (max_prompt_chars)", error
    assert tokenized() == before
    error = assert_error(client.post("/v1/completions", json={"model": SMOLLM2_NAME, "max_tokens": 2, "prompt": at_limit}), 400, "context_length_exceeded", "prompt")
    assert "8192-token context window" in error["message"] and tokenized() == before + 1, error


@pytest.mark.parametrize(("route", "fields", "param"), [
    ("/v1/completions", {"prompt": "Hi", "max_tokens": 5000}, "max_tokens"),
    ("/v1/completions", {"prompt": "Hi", "stream_options": {"include_usage": True}}, "stream_options"),
    ("/v1/completions", {"prompt": ["Hi", [1, 10**9]]}, "prompt"),
    ("/v1/chat/completions", {"messages": CHAT, "logit_bias": {"99999999": 1}}, "logit_bias"),
    ("/v1/chat/completions", {"messages": CHAT, "max_completion_tokens": 5000}, "max_completion_tokens"),
])
def test_a_refused_field_costs_no_tokenizing(client: httpx.Client, route: str, fields: dict, param: str) -> None:
    """These checks ran after the prompt was tokenized (a batch's text prompts before its token ids were checked):
    now every check of the request comes first, and the prompt is tokenized once, last."""
    before = client.get("/health").json()["prompts_tokenized"]
    assert_error(client.post(route, json={"model": SMOLLM2_NAME, **fields}), 400, "invalid_value", param)
    assert client.get("/health").json()["prompts_tokenized"] == before


def test_a_max_tokens_too_large_for_a_prompt_that_fits_is_a_400_naming_max_tokens(client: httpx.Client) -> None:
    """~7,600 tokens fit the 8,192-token window, not with 1,000 more: max_tokens is at fault, not the prompt."""
    body = {"model": SMOLLM2_NAME, "max_tokens": 1000, "messages": [{"role": "user", "content": CJK_PROMPT[:25 * 190]}]}
    error = assert_error(client.post("/v1/chat/completions", json=body), 400, "context_length_exceeded", "max_tokens")
    assert "ask for max_tokens <= " in error["message"] and "shorten" not in error["message"], error


def test_a_max_completion_tokens_too_large_for_the_prompt_is_a_400_naming_it(openai_client: OpenAI) -> None:
    """Issue 8: `services.llm.refused_prompt` named `max_tokens` whatever field the client had sent the limit in."""
    long_prompt = [{"role": "user", "content": CJK_PROMPT[:25 * 190]}]  # ~7,600 tokens: fits, but not with 1,000 more
    with pytest.raises(openai.BadRequestError) as refused:
        openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=long_prompt, max_completion_tokens=1000)  # type: ignore[arg-type]
    assert refused.value.param == "max_completion_tokens", refused.value  # type: ignore[attr-defined]
    assert "ask for max_completion_tokens <= " in refused.value.message and "max_tokens=" not in refused.value.message, refused.value.message


def test_a_participant_name_is_a_400_naming_it(openai_client: OpenAI) -> None:
    """Issue 8: `messages[i].name` was accepted and never reached the model (the ChatML template has no place for it):
    now a 400 naming the message's field, as the gateway answers it (`velo.wire.text_turns`)."""
    for at, messages in ((0, [{**CHAT[0], "name": "ana"}]), (1, [{"role": "system", "content": "Be brief."}, {**CHAT[0], "name": "ana"}])):
        with pytest.raises(openai.BadRequestError) as refused:
            openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=messages, max_tokens=2)  # type: ignore[arg-type]
        assert refused.value.param == f"messages[{at}].name" and "content" in refused.value.message, refused.value  # type: ignore[attr-defined]


def test_user_is_written_in_the_request_log_and_bounded(openai_client: OpenAI, caplog: pytest.LogCaptureFixture) -> None:
    """Issue 8: `user` was accepted and ignored. It is the request log's (`services.http.record_request`), up to 256
    characters (OpenAI documents no bound; its successor `safety_identifier` takes 128, and is logged too), and changes no answer."""
    caplog.set_level("INFO", logger="velo.requests")
    plain = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=3)  # type: ignore[arg-type]
    tagged = openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=3, user="user-7f3a")  # type: ignore[arg-type]
    assert tagged.choices[0].message.content == plain.choices[0].message.content
    openai_client.completions.create(model=SMOLLM2_NAME, prompt="Hi", max_tokens=1, user="u" * 256)
    openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=1, safety_identifier="sid-41f2", prompt_cache_key="k")  # type: ignore[arg-type]
    lines = [r.getMessage() for r in caplog.records if r.name == "velo.requests"]
    assert "shard chat user=- safety_identifier='sid-41f2' choices=1" in lines, lines
    assert "shard chat user='user-7f3a' choices=1" in lines and f"shard completions user='{'u' * 256}' choices=1" in lines, lines
    assert "shard chat user=- choices=1" in lines, lines
    for route in ("chat", "completions"):
        with pytest.raises(openai.BadRequestError) as refused:
            if route == "chat":
                openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=1, user="u" * 257)  # type: ignore[arg-type]
            else:
                openai_client.completions.create(model=SMOLLM2_NAME, prompt="Hi", max_tokens=1, user="u" * 257)
        assert refused.value.param == "user", refused.value  # type: ignore[attr-defined]



def test_a_control_character_or_a_number_not_finite_is_a_400_naming_its_field(client: httpx.Client, openai_client: OpenAI) -> None:
    """Issue 8 findings 1 and 2, as every VELO service answers them (`velo.wire.parse_body`): a NUL in a prompt had
    reached the tokenizer, `temperature: NaN` been "Input should be less than or equal to 2"."""
    with pytest.raises(openai.BadRequestError) as refused:
        openai_client.completions.create(model=SMOLLM2_NAME, prompt="Hi\u0000", max_tokens=1)
    assert refused.value.param == "prompt" and "U+0000 (NUL) at character 2" in refused.value.message, refused.value  # type: ignore[attr-defined]
    for route, raw, param in [("/v1/chat/completions", b'"messages": [{"role": "user", "content": "a\\u001b"}]', "messages[0].content"),
                              ("/v1/chat/completions", b'"messages": [{"role": "user", "content": "Hi"}], "temperature": NaN', "temperature"),
                              ("/v1/completions", b'"prompt": "Hi", "top_p": 1e999', "top_p")]:
        answer = client.post(route, content=b'{"model": "' + SMOLLM2_NAME.encode() + b'", ' + raw + b"}")
        assert answer.status_code == 400 and answer.json()["error"]["param"] == param, answer.text

def _events(client: httpx.Client, route: str, body: dict) -> list[str]:
    with client.stream("POST", route, json={"model": SMOLLM2_NAME, "stream": True, **body}) as response:
        assert response.status_code == 200
        return [line[6:] for line in response.iter_lines() if line.startswith("data: ")]


def test_stream_obfuscation_pads_every_chunk_when_asked(openai_client: OpenAI, client: httpx.Client) -> None:
    """Issue 8: `stream_options.include_obfuscation` was accepted and ignored. True: every chunk carries OpenAI's
    `obfuscation` field, its JSON a multiple of 64 bytes (`velo.wire.sse_chunk`), and the `openai` client reads the
    same answer; absent or false: no padding."""
    asked = {"include_usage": True, "include_obfuscation": True}
    plain = list(openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS, stream=True))  # type: ignore[arg-type]
    padded = list(openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, max_tokens=MAX_TOKENS, stream=True,  # type: ignore[arg-type]
                                                        stream_options=asked))  # type: ignore[arg-type]
    text = "".join(c.choices[0].delta.content or "" for c in plain if c.choices)
    assert text and "".join(c.choices[0].delta.content or "" for c in padded if c.choices) == text
    assert all(c.obfuscation for c in padded) and padded[-1].usage is not None  # the client's own field
    assert all(c.obfuscation is None for c in plain)
    for route, body in (("/v1/chat/completions", {"messages": CHAT, "max_tokens": MAX_TOKENS}),
                        ("/v1/completions", {"prompt": "The capital of France is", "max_tokens": 4, "n": 2, "echo": True})):
        events = _events(client, route, {**body, "stream_options": asked})
        assert events[-1] == "[DONE]" and len(events) > 4
        for data in events[:-1]:
            assert len(data.encode()) % 64 == 0 and json.loads(data)["obfuscation"].isalnum(), data
        for data in _events(client, route, {**body, "stream_options": {"include_obfuscation": False}})[:-1]:
            assert "obfuscation" not in json.loads(data), data


def test_the_openai_client_raises_bad_request_naming_the_field(openai_client: OpenAI) -> None:
    from openai import BadRequestError

    with pytest.raises(BadRequestError) as caught:
        openai_client.chat.completions.create(model=SMOLLM2_NAME, messages=CHAT, tools=[TOOL])  # type: ignore[arg-type, list-item]
    assert caught.value.param == "tools" and "tools" in caught.value.message  # type: ignore[attr-defined]


@pytest.mark.parametrize(("route", "body", "param"), [
    ("/v1/chat/completions", '"messages": [{"role": "user", "content": "hi \\ud800"}]', "messages[0].content"),
    ("/v1/completions", '"prompt": "hi \\ud800"', "prompt"),
    ("/v1/completions", '"prompt": ["ok", "hi \\ud800"]', "prompt[1]"),
    ("/v1/chat/completions", '"messages": [{"role": "user", "content": "hi"}], "stop": "\\udc00"', "stop"),
    ("/v1/chat/completions", '"messages": [{"role": "user", "content": "hi"}], "user": "\\udc00"', "user"),
])
def test_a_lone_surrogate_in_any_text_field_is_a_400_naming_it(client: httpx.Client, route: str, body: str, param: str) -> None:
    """nc19 finding 1: a lone surrogate in the text was a 500 from the tokenizer (which the `openai` client retries), and
    one in `stop` or `user` was served; the body is now read by `velo.wire.parse_body`, as the gateway reads it."""
    raw = f'{{"model": "{SMOLLM2_NAME}", "max_tokens": 2, {body}}}'.encode()
    error = assert_error(client.post(route, content=raw, headers={"content-type": "application/json"}), 400, "invalid_value", param)
    assert "is not valid Unicode text: a lone surrogate" in error["message"], error


def test_a_json_body_is_read_whatever_its_content_type(client: httpx.Client) -> None:
    """nc19 finding 8: a JSON object sent as text/plain was "not a JSON object" here and served by the gateway."""
    raw = json.dumps({"model": SMOLLM2_NAME, "prompt": "1, 2, 3, 4,", "max_tokens": 2}).encode()
    texts = [client.post("/v1/completions", content=raw, headers={"content-type": kind}).json()["choices"][0]["text"] for kind in ("text/plain", "application/json")]
    assert texts[0] == texts[1] and texts[0].startswith(" 5")


def test_every_other_failure_has_the_error_shape(client: httpx.Client) -> None:
    assert_error(client.post("/v1/completions", json={"model": "gpt-4", "prompt": "Hi"}), 404, "model_not_found", "model")
    assert_error(client.post("/v1/completions", json={"model": SMOLLM2_NAME}), 400, "missing_required_parameter", "prompt")
    assert_error(client.post("/v1/completions", content=b"{not json", headers={"content-type": "application/json"}), 400)
    assert_error(client.post("/v1/completions", json=["a list"]), 400)
    assert_error(client.get("/v1/nothing"), 404)
    assert_error(client.get("/v1/completions"), 405)


def test_the_sdk_gets_answers_streams_and_typed_errors(server: tuple[str, list[int]], reference: LocalLLM) -> None:
    import velo

    with velo.Client(base_url=server[0], model=SMOLLM2_NAME, timeout=120) as sdk:
        answer = sdk.chat(CHAT[0]["content"], max_tokens=MAX_TOKENS)
        assert answer.text == reference.generate(CHAT, MAX_TOKENS).text
        assert answer.route is None  # a bare LLM server says nothing of routes; the gateway does
        pieces = list(sdk.chat_stream(CHAT[0]["content"], max_tokens=MAX_TOKENS))
        assert "".join(p.text for p in pieces) == answer.text and pieces[-1].finish_reason is not None
        with pytest.raises(velo.BadRequestError) as caught:
            sdk.chat("Hi", tools=[{"type": "function", "function": {"name": "f"}}])
        assert caught.value.param == "tools"
    with velo.Client(base_url=server[0], model="no-such-model") as sdk, pytest.raises(velo.NotFoundError, match="no-such-model"):
        sdk.chat("Hi", max_tokens=1)


def test_the_cloud_service_relays_this_server_as_its_openai_compatible_upstream(server: tuple[str, list[int]], reference: LocalLLM) -> None:
    """The compose deployment's cloud path (cloud -> `llm`), and any third-party OpenAI-compatible upstream: the
    cloud service in front of this server, driven by the official client, whole and streamed; the upstream's
    errors are relayed as they are (a 504 `deadline_exceeded` for a prompt the chain cannot begin in the time the cloud
    passes on), an upstream that is down is a 502 in the one error shape."""
    from services import cloud as cloud_service
    from tests.ports import closed_port
    from tests.services.servers import running

    settings = cloud_service.CloudSettings(model_name="velo-cloud", upstream_url=server[0], upstream_model=SMOLLM2_NAME, upstream_api_key="sk-upstream")
    with running(cloud_service.build_app(settings)) as front:
        oai = OpenAI(base_url=f"{front.url}/v1", api_key="unused", max_retries=0, timeout=120)
        whole = oai.chat.completions.create(model="velo-cloud", messages=CHAT, max_tokens=MAX_TOKENS)
        assert whole.choices[0].message.content == reference.generate(CHAT, MAX_TOKENS).text and whole.model == SMOLLM2_NAME
        chunks = list(oai.chat.completions.create(model="velo-cloud", messages=CHAT, max_tokens=MAX_TOKENS, stream=True,
                                                  stream_options={"include_usage": True}))
        pieces = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
        assert "".join(pieces) == whole.choices[0].message.content and len(pieces) >= 2
        assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == whole.usage.completion_tokens
        refused = httpx.post(f"{front.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": CHAT, "tools": [TOOL]}, timeout=60)
        assert_error(refused, 400, param="tools")  # the upstream's refusal (the cloud's own wire model accepts tools)
        # a client leaving the relayed stream closes the upstream's: the server is free for the next request at once
        long = {"model": "velo-cloud", "messages": [{"role": "user", "content": "Tell me a very long story."}], "max_tokens": 500, "stream": True}
        with httpx.Client(timeout=120) as leaving, leaving.stream("POST", f"{front.url}/v1/chat/completions", json=long) as response:
            assert next(response.iter_lines()).startswith("data: ")
        with httpx.Client(base_url=server[0], timeout=30) as next_client:  # 500 tokens take over a minute here
            assert complete(next_client, prompt="Hi", max_tokens=2)["choices"][0]["text"]
        long_chat = [{"role": "user", "content": "The harbour filled with boats before the storm reached the coast. " * 150}]
        late = httpx.post(f"{front.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": long_chat, "max_tokens": 1},
                          headers={"x-velo-timeout-ms": "500"}, timeout=60)  # the caller's time, passed on to the chain
        assert_error(late, 504, code="deadline_exceeded")
        assert late.headers["x-should-retry"] == "false"
    down = cloud_service.CloudSettings(upstream_url=f"http://127.0.0.1:{closed_port()}")
    with running(cloud_service.build_app(down)) as front:
        assert_error(httpx.post(f"{front.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": CHAT}, timeout=60), 502,
                     code="upstream_unreachable")


# --- the last tests: they break the chain (a worker killed), so every test before them has it whole ----------------


def test_a_lost_worker_is_a_503_with_retry_after_which_the_openai_client_waits(server: tuple[str, list[int]]) -> None:
    """A 503 without `Retry-After` had the `openai` client retry on its own short backoff; now it waits the server's
    wait, rounded up, and so does every 503: `/health`, a stream's error event, the cloud service relaying it."""
    import signal

    from services import cloud as cloud_service
    from tests.services.servers import running

    url, pids = server
    os.kill(pids[1], signal.SIGKILL)
    failed = httpx.post(f"{url}/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "max_tokens": 2}, timeout=60)
    assert_error(failed, 503, code="shard_failure")
    assert failed.headers["retry-after"] == "2" and "15:30" in failed.json()["error"]["message"], failed.text
    streamed = httpx.post(f"{url}/v1/completions", json={"model": SMOLLM2_NAME, "prompt": "Hi", "max_tokens": 2, "stream": True}, timeout=60)
    events = [line.removeprefix("data: ") for line in streamed.text.splitlines() if line.startswith("data: ")]
    assert json.loads(events[0])["error"]["code"] == "shard_failure" and events[-1] == "[DONE]", streamed.text  # headers went first
    health = httpx.get(f"{url}/health", timeout=60)
    assert health.status_code == 503 and health.headers["retry-after"] == "2", health.text
    sent: list[float] = []
    with httpx.Client(event_hooks={"request": [lambda request: sent.append(time.monotonic())]}) as http:
        oai = OpenAI(base_url=f"{url}/v1", api_key="not-needed", max_retries=1, timeout=60, http_client=http)
        with pytest.raises(openai.InternalServerError) as caught:
            oai.completions.create(model=SMOLLM2_NAME, prompt="Hi", max_tokens=2)
    assert caught.value.status_code == 503 and len(sent) == 2 and sent[1] - sent[0] >= 2.0, sent
    settings = cloud_service.CloudSettings(model_name="velo-cloud", upstream_url=url, upstream_model=SMOLLM2_NAME)
    with running(cloud_service.build_app(settings)) as front:
        relayed = httpx.post(f"{front.url}/v1/chat/completions", json={"model": "velo-cloud", "messages": CHAT, "max_tokens": 2}, timeout=60)
        assert_error(relayed, 503, code="shard_failure")
        assert relayed.headers["retry-after"] == "2", relayed.headers

