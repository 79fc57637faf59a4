"""The README's serving section names the model clients must send (`velo`) and its curl example works as printed: its
body is a `ChatCompletionRequest` (the wire model the gateway parses), and the command, run with curl against a real
gateway and cloud service on loopback (the README's address swapped for theirs), gets a chat completion. A newcomer
who ran the section on a clean clone had no model name to send."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from services import cloud as cloud_service
from services import gateway as gateway_service
from tests.services.conftest import shared_model_dir
from tests.services.servers import Running, running
from velo.wire import ChatCompletionRequest

README = Path(__file__).resolve().parents[2] / "README.md"
KEY = "readme-key-0001"
README_GATEWAY = "http://127.0.0.1:8000"
"""`velo up --port 8000`, as the section starts it."""


def _curl_command() -> str:
    """The curl command of the serving section's example, its continuation lines joined."""
    section = README.read_text(encoding="utf-8").split("## Serving: gateway, edge servers, cloud, SDK", 1)[1]
    block = next(b for b in re.findall(r"```bash\n(.*?)```", section, re.S) if "curl " in b)
    lines = block.replace("\\\n", " ").splitlines()
    return next(line for line in lines if line.startswith("curl "))


def test_the_curl_body_is_a_chat_completion_request_naming_velo() -> None:
    words = shlex.split(_curl_command())
    body = json.loads(words[words.index("-d") + 1])
    request = ChatCompletionRequest.model_validate(body)
    assert request.model == gateway_service.GatewaySettings.model_fields["model_name"].default == "velo"
    assert words[2] == f"{README_GATEWAY}/v1/chat/completions" and "Authorization: Bearer $KEY" in words
    assert "velo up --port 8000" in README.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running(cloud_service.build_app(cloud_service.CloudSettings(model_dir=shared_model_dir(tmp_path_factory), threads=1))) as cloud:
        settings = gateway_service.GatewaySettings(edges=[], cloud_url=cloud.url, keys_json=json.dumps({KEY: {"name": "readme"}}))
        with running(gateway_service.build_app(settings)) as server:
            yield server


def _run(command: str) -> dict:
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=300, env={"KEY": KEY, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_curl_example_runs_as_printed(gateway: Running) -> None:
    command = _curl_command()
    got = _run(command.replace(README_GATEWAY, gateway.url).replace('"max_tokens": 32', '"max_tokens": 4'))  # fewer tokens: faster
    assert got["object"] == "chat.completion" and got["model"] == "velo" and got["route"] == "cloud", got
    assert got["choices"][0]["message"]["content"], got
    other = _run(command.replace(README_GATEWAY, gateway.url).replace('"model": "velo"', '"model": "gpt-4o"'))
    assert other["error"]["code"] == "model_not_found" and "velo" in other["error"]["message"], other
