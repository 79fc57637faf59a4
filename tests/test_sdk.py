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
    with velo.Client(base_url="http://127.0.0.1:9", timeout=5) as client, pytest.raises(TypeError, match="question must be a str or a list of"):
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
