"""The SDK stays light: an application that uses `velo.Client` pays for neither torch, pymilvus nor the simulator."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import velo
from velo import sdk

HEAVY = ("torch", "pymilvus", "milvus_lite", "transformers", "sentence_transformers", "envs", "agents", "pettingzoo", "velo.cache", "velo.llm")


def test_importing_the_sdk_imports_neither_torch_nor_pymilvus_nor_the_environment() -> None:
    code = (
        "import json, sys, velo; c = velo.Client(base_url='http://127.0.0.1:9'); c.close(); velo.AsyncClient; "
        f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []


def test_an_unreachable_gateway_is_a_connection_error() -> None:
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client, pytest.raises(velo.APIConnectionError, match="cannot reach"):
        client.chat("Hi")


@pytest.mark.parametrize(("status", "cls"), [(400, sdk.BadRequestError), (401, sdk.AuthenticationError), (403, sdk.PermissionDeniedError),
                                             (413, sdk.PayloadTooLargeError), (429, sdk.RateLimitError), (503, sdk.ServerError)])
def test_an_error_status_is_a_typed_error_with_the_servers_fields(status: int, cls: type) -> None:
    body = json.dumps({"error": {"message": "bad max_tokens", "type": "invalid_request_error", "code": "invalid_value", "param": "max_tokens"}})
    with pytest.raises(cls) as caught:
        sdk._raise_for(status, body.encode())
    assert (caught.value.status, caught.value.message, caught.value.param) == (status, "bad max_tokens", "max_tokens")


def test_a_stream_line_is_a_piece_and_the_last_carries_the_route() -> None:
    line = 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"velo","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"route":"cache","latency_ms":12.5,"similarity":0.97}'
    assert sdk._piece_of(line) == sdk.StreamPiece("", "stop", "cache", 12.5, 0.97)
    assert sdk._piece_of("data: [DONE]") is None and sdk._piece_of("") is None


@pytest.mark.parametrize("question", [123, None, [["user", "Hi"]]])
def test_a_question_of_the_wrong_type_is_named_before_any_request(question: object) -> None:
    """`client.chat(123)` used to fail with "'int' object is not iterable"."""
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client, pytest.raises(TypeError, match=r"question(\[0\])? must be a"):
        client.chat(question)  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/"])
def test_the_base_url_may_end_in_v1_as_the_openai_clients_does(suffix: str) -> None:
    """Issue: `velo.Client(base_url="http://host:8123/v1")` got a bare "404 Not Found" (paths became /v1/v1/...)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Models(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = self.path == "/v1/models"
            body = json.dumps({"object": "list", "data": [{"id": "velo", "object": "model", "created": 0, "owned_by": "velo"}]} if found
                              else {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}}).encode()
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with velo.Client(base_url=f"http://127.0.0.1:{server.server_port}{suffix}", timeout=5) as client:
            assert [m.id for m in client.models().data] == ["velo"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("arguments", "says"), [
    ({"namespace": "ünï"}, "namespace: 'ünï' is not a namespace: 1-64 ASCII letters, digits, _ and -"),
    ({"namespace": "a/b"}, "namespace: 'a/b' is not a namespace"),
    ({"namespace": ""}, "namespace: '' is not a namespace"),
    ({"namespace": 7}, "namespace: a namespace is a string, got int"),
    ({"api_key": "kéy-0001"}, "api_key: the API key must be visible ASCII characters"),
    ({"api_key": "key 0001\n"}, "api_key: the API key must be visible ASCII characters"),
    ({"api_key": ""}, "api_key: the API key is empty"),
    ({"base_url": "127.0.0.1:8000"}, "base_url '127.0.0.1:8000' is not an http(s) URL with a host"),
    ({"base_url": None}, "base_url must be a str"),
])
def test_a_header_value_no_request_could_carry_is_refused_when_the_client_is_built(arguments: dict, says: str) -> None:
    """`velo.Client(namespace="ünï").chat("hi")` raised httpx's bare UnicodeEncodeError at the first request."""
    for cls in (velo.Client, velo.AsyncClient):
        with pytest.raises(ValueError) as caught:
            cls(**{"base_url": "http://127.0.0.1:9", **arguments})
        assert says in str(caught.value) and "kéy" not in str(caught.value)


def test_the_namespace_rule_is_the_gateways() -> None:
    from services.gateway_keys import KeyRing, KeySpec
    from velo.wire import APIError

    ring = KeyRing({"key-00000001": KeySpec(namespaces=["team-a"])})
    for name in ("ünï", "a/b", "x" * 65):
        with pytest.raises(APIError) as caught:
            ring.namespace("key-00000001", name)
        assert caught.value.status == 400 and caught.value.param == "x-velo-namespace"
        with pytest.raises(ValueError, match="is not a namespace"):
            velo.Client(namespace=name)
    velo.Client(namespace="team-a").close()


@pytest.mark.parametrize(("method", "fields", "param", "says"), [
    ("chat", {"stream": True}, "stream", "chat() returns one whole answer; for a streamed answer call chat_stream()"),
    ("complete", {"stream": True}, "stream", "complete() returns one whole answer; for a streamed answer call chat_stream(prompt"),
    ("chat_stream", {"stream": False}, "stream", "chat_stream() always streams"),
    ("chat", {"n": 2}, "n", "an Answer carries one text answer"),
    ("complete", {"best_of": 3}, "best_of", "an Answer carries one text answer"),
    ("chat", {"logprobs": True}, "logprobs", "without log probabilities"),
    ("chat", {"top_logprobs": 2}, "top_logprobs", "without log probabilities"),
    ("complete", {"logprobs": 2}, "logprobs", "without log probabilities"),
    ("chat", {"tools": [{"type": "function", "function": {"name": "f"}}]}, "tools", "never a tool call"),
    ("chat_stream", {"tool_choice": "auto"}, "tool_choice", "never a tool call"),
    ("chat", {"tools": []}, "tools", "never a tool call"),  # nc19 finding 6: bool([]) had let it through
    ("chat", {"messages": [{"role": "user", "content": "Hi"}]}, "messages", "chat() takes the messages as its first argument"),
    ("chat", {"seed": 2**70, "temperature": 1.0}, "seed", "less than or equal to 9223372036854775807"),  # nc19 finding 2
    ("complete", {"max_tokens": 2**31}, "max_tokens", "less than or equal to 2147483647"),
])
def test_a_field_whose_answer_the_sdk_cannot_read_is_refused_before_sending(method: str, fields: dict, param: str, says: str) -> None:
    """`chat(..., stream=True)` was served and billed, then failed on the stream with a raw pydantic ValidationError.
    The gateway here is a closed port: an attempt to send would be an APIConnectionError."""
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client, pytest.raises(velo.InvalidRequestError) as caught:
        out = getattr(client, method)("Hi", **fields)
        list(out) if method == "chat_stream" else None
    assert caught.value.param == param and says in caught.value.message and caught.value.status == 400


@pytest.mark.parametrize("prompt", [["a", "b"], [1, 2], ("a",)])
def test_complete_refuses_a_prompt_that_is_not_one_text_before_sending(prompt: object) -> None:
    """nc19 finding 6: `complete(["a", "b"])` against `velo shard serve` was generated and billed twice, and only choice 0
    came back. A batch is refused naming `prompt`; the closed port shows nothing was sent."""
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client, pytest.raises(velo.InvalidRequestError) as caught:
        client.complete(prompt)  # type: ignore[arg-type]
    assert caught.value.param == "prompt" and "one text prompt" in caught.value.message


def test_stream_false_and_fields_the_answer_can_carry_are_sent() -> None:
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client:
        for fields in ({"stream": False}, {"n": 1}, {"logprobs": False}, {"best_of": 1}, {"tool_choice": "none"}, {"seed": -(2**63)}, {"store": True}):
            with pytest.raises(velo.APIConnectionError):
                (client.complete if "best_of" in fields else client.chat)("Hi", **fields)


def _chunk(choices: list, **more: object) -> str:
    return "data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "velo", "choices": choices, **more})


def test_the_usage_chunk_is_folded_into_the_last_piece_which_carries_the_route() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    lines = [_chunk([{"index": 0, "delta": {"role": "assistant", "content": ""}}]), "", _chunk([{"index": 0, "delta": {"content": "Hel"}}]),
             _chunk([{"index": 0, "delta": {"content": "lo"}}]), _chunk([{"index": 0, "delta": {}, "finish_reason": "length"}], route="cloud", latency_ms=5.0,
             similarity=None), _chunk([], usage=usage), "data: [DONE]"]
    pieces = sdk._Pieces()
    got = [piece for line in lines for piece in pieces.feed(line)] + pieces.end()
    assert got == [sdk.StreamPiece("Hel"), sdk.StreamPiece("lo"), sdk.StreamPiece("", "length", "cloud", 5.0, None, velo.wire.Usage(**usage))]
    pieces = sdk._Pieces()  # without include_usage the finishing piece is the last one, and is given out at [DONE] or at the end
    assert [p for line in lines[:5] for p in pieces.feed(line)] == [sdk.StreamPiece("Hel"), sdk.StreamPiece("lo")]
    assert pieces.end() == [sdk.StreamPiece("", "length", "cloud", 5.0, None)]


@pytest.mark.parametrize(("line", "says"), [
    ('data: {"id": 1}', "the server's answer is not a chat.completion.chunk"),
    ("data: not json", "the server's answer is not a chat.completion.chunk"),
])
def test_a_stream_event_that_is_no_chunk_is_a_response_validation_error(line: str, says: str) -> None:
    with pytest.raises(velo.APIResponseValidationError, match=says):
        sdk._Pieces().feed(line)
