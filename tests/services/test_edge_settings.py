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
