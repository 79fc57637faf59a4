"""The serving stack the tests in this folder run on loopback: its API keys, the settings of its edge servers and
gateways, and the call most tests make. The servers themselves are `conftest.py`'s fixtures, started once."""

from __future__ import annotations

import json
from pathlib import Path

from openai import OpenAI

from services import edge as edge_service
from services import gateway as gateway_service

KEY, LIMITED, FALLBACK, REFUSE = "test-key-0001", "limited-key-01", "budget-fallback", "budget-refuse-1"
KEYS = {
    KEY: {"name": "tests", "namespaces": ["default", "first", "team-a", "load", "seed-a", "seed-b", "seed-c", "disconnect"]},
    LIMITED: {"requests_per_minute": 6, "burst": 2},
    FALLBACK: {"namespaces": ["budget"], "cloud_budget": 0, "over_budget": "fallback"},
    REFUSE: {"namespaces": ["budget"], "cloud_budget": 0, "over_budget": "refuse"},
}
TOKENS = 6
"""Generations are a few tokens long so the tests stay fast."""


def edge_settings(tmp: Path, cloud_url: str | None, model_dir: Path, **more: object) -> edge_service.EdgeSettings:
    """An edge server whose few-token answers are written back (they are all cut by max_tokens here)."""
    return edge_service.EdgeSettings(
        cache_uri=str(tmp / "edge.db"), cloud_url=cloud_url, model_dir=model_dir, threads=1, default_max_tokens=TOKENS,
        write_back_truncated=True, capacity=None, **more,
    )


def gateway_app(edges: list[str], cloud_url: str | None, **more: object):  # noqa: ANN201 - a FastAPI app
    settings = gateway_service.GatewaySettings(edges=edges, cloud_url=cloud_url, keys_json=json.dumps(KEYS), **{"retries": 1, "backoff_s": 0.05, **more})
    return gateway_service.build_app(settings)


def ask(oai: OpenAI, question: str, **more: object):  # noqa: ANN201 - the openai client's raw response
    return oai.chat.completions.with_raw_response.create(model="velo", messages=[{"role": "user", "content": question}], max_tokens=TOKENS, **more)
