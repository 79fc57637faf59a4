"""An edge server refuses a policy (or an endpoint tokenizer) it could not use before it opens anything (no traceback, no cache file)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from services.edge import EdgeSettings


@pytest.mark.parametrize(("policy", "message"), [
    ("nosuch", "unknown policy 'nosuch'"),
    ("greedy-3", "a cosine distance lies in [0, 2]"),
    ("oracle", "evaluation-only"),
    ("/nonexistent/x.safetensors", "does not exist"),
])
def test_bad_policies_are_refused_by_the_settings(policy: str, message: str) -> None:
    with pytest.raises(ValidationError, match="policy") as err:
        EdgeSettings(policy=policy)
    assert message in str(err.value)


def test_a_truncated_checkpoint_is_refused_by_the_settings(tmp_path) -> None:
    """Issue: a checkpoint cut to 30 KB (header intact) passed the settings and failed in the lifespan."""
    from velo.paths import SHIPPED_CHECKPOINTS

    cut = tmp_path / "trunc.safetensors"
    cut.write_bytes((SHIPPED_CHECKPOINTS / "dlrs.safetensors").read_bytes()[:30_000])
    with pytest.raises(ValidationError, match="trunc.safetensors: damaged checkpoint"):
        EdgeSettings(policy=str(cut))


@pytest.mark.parametrize("policy", ["rule-cloud", "greedy-0.2", "dlrs"])
def test_good_policies_pass(policy: str) -> None:
    assert EdgeSettings(policy=policy).policy == policy


@pytest.mark.parametrize(("settings", "message"), [
    ({"llm_tokenizer": "."}, "the local LLM counts its own tokens"),
    ({"llm": "http://127.0.0.1:9", "llm_context_window": 4096}, "needs llm_tokenizer"),
    ({"llm": "http://127.0.0.1:9", "llm_tokenizer": "/nonexistent/tokenizer"}, "no such directory"),
])
def test_an_endpoint_tokenizer_that_cannot_be_used_is_refused_by_the_settings(settings: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EdgeSettings(**settings)


@pytest.mark.parametrize(("env", "expected"), [
    ("en,zh", ["en", "zh"]), (" en , zh ,es", ["en", "zh", "es"]), ('["en","zh"]', ["en", "zh"]),
])
def test_lang_candidates_from_the_environment(monkeypatch: pytest.MonkeyPatch, env: str, expected: list[str]) -> None:
    """Issue 8: `VELO_EDGE_LANG_CANDIDATES=en,zh` failed with pydantic's "error parsing value ... EnvSettingsSource"."""
    monkeypatch.setenv("VELO_EDGE_LANG_CANDIDATES", env)
    assert EdgeSettings().lang_candidates == expected


@pytest.mark.parametrize(("field", "value", "message"), [
    ("lang_candidates", '["en","xx"]', "'xx' is not a language the identifier knows"),
    ("lang_candidates", '["zh-Hant","en"]', "'zh-Hant' is not a language"),
    ("lang_candidates", "[]", "non-empty list"),
    ("lang_candidates", "[en", "not a JSON list"),
    ("llm", "ftp://x", "must be 'local' or an http(s):// URL"),
])
def test_bad_edge_settings_are_refused_before_the_server_starts(monkeypatch: pytest.MonkeyPatch, field: str, value: str, message: str) -> None:
    """Issue 8: these started the server, which died with "Application startup failed" and a traceback."""
    monkeypatch.setenv(f"VELO_EDGE_{field.upper()}", value)
    with pytest.raises(ValidationError, match=field) as err:
        EdgeSettings()
    assert message in str(err.value)


def test_velo_serve_edge_refuses_a_bad_setting_in_one_line(tmp_path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "VELO_EDGE_LANG_CANDIDATES": "en,xx", "VELO_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "velo", "serve", "edge", "--cache-uri", str(tmp_path / "c.db")], env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "lang_candidates" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert not (tmp_path / "c.db").exists()


@pytest.fixture(scope="module")
def logistic_checkpoint(tmp_path_factory: pytest.TempPathFactory):
    """A real (untrained) DLRS checkpoint that records the shipped logistic rule, as `velo train` writes one."""
    from agents.checkpoints import policy_bytes
    from agents.mappo import MAPPOConfig
    from velo.cache.factory import hit_rule_for
    from velo.networks import build_actor
    from velo.observation import ObservationLayout

    config, layout = MAPPOConfig(algo="dlrs", d_model=8, denoise_steps=2), ObservationLayout(384, 10)
    path = tmp_path_factory.mktemp("ckpt") / "dlrs-logistic.safetensors"
    path.write_bytes(policy_bytes(build_actor(config.actor_spec(), layout), config, layout, 0, hit_rule_for("default").identity, 0.5))
    return path


def test_a_checkpoint_of_another_hit_rule_is_refused_by_the_settings(logistic_checkpoint) -> None:
    assert EdgeSettings(policy=str(logistic_checkpoint)).rule == "default"  # the rule it was trained with
    with pytest.raises(ValidationError, match="policy") as err:
        EdgeSettings(policy=str(logistic_checkpoint), rule="static:0.9")
    message = str(err.value)
    assert "trained with hit rule logistic (velo.hit_rule/" in message and "static:0.9 (static, fingerprint" in message
    assert "`rule` setting (VELO_EDGE_RULE=static:0.9): set it to `default`" in message, message
    with pytest.raises(ValidationError, match="VELO_EDGE_RULE=static:0.9"):  # the shipped DLRS records its rule too
        EdgeSettings(policy="dlrs", rule="static:0.9")
    assert EdgeSettings(policy="dlrs").policy == "dlrs"


@pytest.mark.parametrize(("checkpoint", "variable", "value", "said"), [
    ("logistic_checkpoint", "VELO_EDGE_RULE", "static:0.9", "policy: Value error"),
    ("floor_checkpoint", "VELO_EDGE_CACHE_MIN_SCORE", "0.5", "hit-rule score 0.3"),
])
def test_velo_serve_edge_refuses_a_checkpoint_of_another_rule_or_floor_in_one_line(
        tmp_path, request: pytest.FixtureRequest, checkpoint: str, variable: str, value: str, said: str) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, variable: value, "VELO_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "velo", "serve", "edge", "--cache-uri", str(tmp_path / "c.db"),
                          "--policy", str(request.getfixturevalue(checkpoint))], env=env, capture_output=True, text=True, timeout=120)
    lines = run.stderr.strip().splitlines()
    assert run.returncode != 0 and len(lines) == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"{variable}={value}" in lines[0] and said in lines[0] and not (tmp_path / "c.db").exists(), run.stderr


@pytest.fixture(scope="module")
def floor_checkpoint(tmp_path_factory: pytest.TempPathFactory):
    """A real (untrained) MAPPO checkpoint trained, as its header says, with CACHE offered from hit-rule score 0.3."""
    from agents.checkpoints import policy_bytes
    from agents.mappo import MAPPOConfig
    from velo.cache.factory import hit_rule_for
    from velo.networks import build_actor
    from velo.observation import ObservationLayout

    config, layout = MAPPOConfig(algo="mappo", hidden=16), ObservationLayout(384, 10)
    path = tmp_path_factory.mktemp("ckpt") / "mappo-floor.safetensors"
    path.write_bytes(policy_bytes(build_actor(config.actor_spec(), layout), config, layout, 0, hit_rule_for("default").identity, 0.3))
    return path


def test_the_edge_takes_the_checkpoints_floor_unless_told_another_which_it_refuses(floor_checkpoint) -> None:
    from velo.policy import CACHE_MIN_SCORE

    assert EdgeSettings(policy=str(floor_checkpoint)).cache_min_score == 0.3  # VELO_EDGE_CACHE_MIN_SCORE unset
    assert EdgeSettings(policy=str(floor_checkpoint), cache_min_score=0.3).cache_min_score == 0.3
    assert EdgeSettings().cache_min_score == EdgeSettings(policy="greedy-0.2").cache_min_score == CACHE_MIN_SCORE
    assert EdgeSettings(policy="greedy-0.2", cache_min_score=0.1).cache_min_score == 0.1  # a rule learned no mask
    with pytest.raises(ValidationError, match="cache_min_score") as err:
        EdgeSettings(policy=str(floor_checkpoint), cache_min_score=0.5)
    message = str(err.value)
    assert "VELO_EDGE_CACHE_MIN_SCORE=0.5, but the policy" in message and "hit-rule score 0.3" in message, message
    assert "Unset VELO_EDGE_CACHE_MIN_SCORE to take the checkpoint's, or set it to 0.3" in message, message
    with pytest.raises(ValidationError, match="VELO_EDGE_CACHE_MIN_SCORE=0, but the policy"):
        EdgeSettings(policy=str(floor_checkpoint), cache_min_score=0)
