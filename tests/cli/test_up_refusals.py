"""`velo up` refuses what it cannot run before it starts any process or touches a running stack's files: a second
`velo up` on the same VELO_HOME (which used to delete the first one's client file and overwrite its key), a port
outside 1-65535 (99999 used to be served on 34463 while `velo up` printed :99999), an unknown policy (used to be
"edge-0 exited with code 2; see ...log") and a start timeout below a second."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _up(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "VELO_HOME": str(home), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "velo", "up", *args], capture_output=True, text=True, env=env, cwd=REPO, timeout=120)


def test_a_second_velo_up_on_the_same_home_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    up = tmp_path / "up"
    up.mkdir()
    (up / "client.json").write_text('{"base_url": "http://127.0.0.1:1", "api_key": "first"}')
    (up / "keys.json").write_text('{"first": {}}')
    with open(up / "up.lock", "a+") as held:  # what the running `velo up` holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        second = _up(tmp_path, "--port", "1")
    assert second.returncode == 2
    assert "another `velo up` is running" in second.stderr and str(tmp_path) in second.stderr and "Traceback" not in second.stderr
    assert (up / "client.json").read_text() == '{"base_url": "http://127.0.0.1:1", "api_key": "first"}'
    assert (up / "keys.json").read_text() == '{"first": {}}'
    assert not (up / "logs").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "99999"], "'--port'"),
    (["--port", "0"], "'--port'"),
    (["--policy", "no-such-rule"], "unknown policy 'no-such-rule'"),
    (["--policy", "README.md"], "is not a VELO policy checkpoint"),
    (["--start-timeout", "-5"], "'--start-timeout'"),
    (["--model-dir", "/nonexistent/velo-model"], "--model-dir /nonexistent/velo-model does not exist"),  # used to be created
    (["--model-dir", "/"], "--model-dir / holds no model (no config.json)"),
    (["--model-dir", "README.md"], "--model-dir README.md is a file"),
])
def test_bad_options_are_refused_before_anything_starts(tmp_path: Path, args: list[str], message: str) -> None:
    result = _up(tmp_path, *args)
    assert result.returncode == 2
    assert message in " ".join(result.stderr.split()) and "Traceback" not in result.stderr
    assert not (tmp_path / "up").exists() and not Path("/nonexistent").exists()


@pytest.mark.parametrize("command", [["shard", "serve"], ["serve", "edge"], ["serve", "cloud"]])
def test_every_command_with_a_model_dir_refuses_one_that_holds_no_model(tmp_path: Path, command: list[str]) -> None:
    """The same rule as `velo up --model-dir` (velo/cli/model_dir.py), before any server starts or anything is written."""
    from typer.testing import CliRunner

    from velo.cli.main import app

    missing, empty = tmp_path / "missing" / "model", tmp_path / "empty"
    empty.mkdir()
    for path, message in ((missing, "does not exist"), (empty, "holds no model (no config.json)")):
        result = CliRunner().invoke(app, [*command, "--model-dir", str(path)])
        assert result.exit_code == 2 and f"--model-dir {path} {message}" in " ".join(result.output.split()), result.output
    assert not missing.parent.exists() and not any(empty.iterdir())


@pytest.mark.parametrize(("variable", "value", "floor", "said"), [
    ("VELO_EDGE_RULE", "static:0.9", 0.5, "VELO_EDGE_RULE=static:0.9"),
    ("VELO_EDGE_CACHE_MIN_SCORE", "0.5", 0.3, "VELO_EDGE_CACHE_MIN_SCORE=0.5, but the policy"),
])
def test_a_checkpoint_the_edges_would_refuse_is_refused_before_anything_starts(tmp_path: Path, variable: str, value: str,
                                                                               floor: float, said: str) -> None:
    """A checkpoint trained under another hit rule or another CACHE floor than the edges' settings: the edges would
    refuse it at start-up (tests/services/test_edge_settings.py); `velo up` used to start the cloud first and then report
    that edge-0 exited."""
    from agents.checkpoints import policy_bytes
    from agents.mappo import MAPPOConfig
    from velo.cache.factory import hit_rule_for
    from velo.networks import build_actor
    from velo.observation import ObservationLayout

    config, layout = MAPPOConfig(algo="mappo", hidden=16), ObservationLayout(384, 10)
    path = tmp_path / "mappo.safetensors"
    path.write_bytes(policy_bytes(build_actor(config.actor_spec(), layout), config, layout, 0, hit_rule_for("default").identity, floor))
    env = {**os.environ, "VELO_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", variable: value}
    result = subprocess.run([sys.executable, "-m", "velo", "up", "--policy", str(path)], capture_output=True, text=True,
                            env=env, cwd=REPO, timeout=120)
    text = " ".join(result.stderr.split())
    assert result.returncode == 2 and said in text and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "up").exists()


def test_files_holding_the_local_key_are_private(tmp_path) -> None:
    """keys.json and client.json hold the API key: mode 0600 (client.json was 0644, nc18 finding 12)."""
    import stat

    from velo.cli.up import write_local_key, write_private

    key, keys_file = write_local_key(tmp_path)
    (tmp_path / "client.json").write_text("old")
    (tmp_path / "client.json").chmod(0o644)
    write_private(tmp_path / "client.json", f'{{"api_key": "{key}"}}')
    for path in (keys_file, tmp_path / "client.json"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert key in (tmp_path / "client.json").read_text()
