"""API keys of the gateway: who may call, at what rate, in which namespaces, with how much cloud.

A keys file is JSON: `{"<key>": {"name": ..., "namespaces": [...], "requests_per_minute": 600,
"cloud_budget": 1000, "over_budget": "fallback" | "refuse"}, ...}`. `namespaces` lists the cache
namespaces the key may use (the first is its default); `cloud_budget` counts answers that came from the cloud
(CLOUD or CLOUD_CONTEXT), None for no limit; past it, `fallback` has the edge answer from its cache or its
own LLM and `refuse` answers 429 `insufficient_quota`. The rate limit is a token bucket refilled at
`requests_per_minute` / 60 per second holding at most `burst` requests (default: a second's worth, at least 1).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from velo.wire import NAMESPACE_PATTERN, APIError


class KeySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "key"
    namespaces: list[str] = Field(default_factory=lambda: ["default"], min_length=1)
    requests_per_minute: float | None = Field(None, gt=0)
    burst: int | None = Field(None, ge=1)
    cloud_budget: int | None = Field(None, ge=0)
    over_budget: Literal["fallback", "refuse"] = "fallback"


def load_keys(text: str, where: str) -> dict[str, KeySpec]:
    """Parse a keys document; a bad one raises ValueError naming the key and field."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"{where}: not valid JSON ({err})") from None
    if not isinstance(raw, dict) or not raw:
        raise ValueError(f"{where}: must be a JSON object mapping each API key to its settings")
    keys = {}
    for key, spec in raw.items():
        if len(key) < 8:
            raise ValueError(f"{where}: key {key[:3]!r}... is shorter than 8 characters")
        try:
            keys[key] = KeySpec.model_validate(spec)
        except ValidationError as err:
            first = err.errors()[0]
            raise ValueError(f"{where}: key {key[:6]!r}...: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    return keys


def read_keys(path: Path) -> dict[str, KeySpec]:
    return load_keys(path.read_text(), str(path))


@dataclass
class _Account:
    spec: KeySpec
    tokens: float
    refilled_at: float
    cloud_used: int = 0


@dataclass
class KeyRing:
    """The gateway's keys and their live state (rate-limit buckets, cloud answers used)."""

    specs: dict[str, KeySpec]
    _accounts: dict[str, _Account] = field(default_factory=dict)

    def __post_init__(self) -> None:
        now = time.monotonic()
        self._accounts = {k: _Account(s, float(self._burst(s)), now) for k, s in self.specs.items()}

    @staticmethod
    def _burst(spec: KeySpec) -> int:
        if spec.burst is not None:
            return spec.burst
        return max(1, int((spec.requests_per_minute or 60.0) / 60.0))

    def authenticate(self, authorization: str | None) -> str:
        """The key of a `Bearer <key>` header; 401 when missing or unknown."""
        if not authorization:
            raise APIError(401, "missing API key: send 'Authorization: Bearer <key>'", "authentication_error", "missing_api_key")
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or key.strip() not in self._accounts:
            raise APIError(401, "invalid API key", "authentication_error", "invalid_api_key")
        return key.strip()

    def namespace(self, key: str, asked: str | None) -> str:
        spec = self._accounts[key].spec
        if asked is None:
            return spec.namespaces[0]
        if not re.fullmatch(NAMESPACE_PATTERN, asked):  # malformed, not forbidden: 400 (was 403), as the edge answers it
            raise APIError(400, f"x-velo-namespace {asked!r} is not a namespace: 1-64 letters, digits, _ and -", code="invalid_value", param="x-velo-namespace")
        if asked not in spec.namespaces:
            raise APIError(403, f"this key may not use namespace {asked!r} (allowed: {', '.join(spec.namespaces)})", "permission_error", "namespace_forbidden", "x-velo-namespace")
        return asked

    def admit(self, key: str) -> None:
        """Take one request from the key's bucket; 429 with the wait when empty."""
        account = self._accounts[key]
        rate = account.spec.requests_per_minute
        if rate is None:
            return
        now = time.monotonic()
        account.tokens = min(self._burst(account.spec), account.tokens + (now - account.refilled_at) * rate / 60.0)
        account.refilled_at = now
        if account.tokens < 1.0:
            wait = (1.0 - account.tokens) * 60.0 / rate
            raise APIError(429, f"rate limit of {rate:g} requests per minute reached; retry in {wait:.2f} s", "rate_limit_error", "rate_limit_exceeded")
        account.tokens -= 1.0

    def cloud_allowed(self, key: str) -> bool:
        """Whether this request may use the cloud; 429 `insufficient_quota` when the budget is spent and the key refuses fallback."""
        account = self._accounts[key]
        budget = account.spec.cloud_budget
        if budget is None or account.cloud_used < budget:
            return True
        if account.spec.over_budget == "refuse":
            raise APIError(429, f"the cloud budget of this key ({budget} answers) is spent", "insufficient_quota", "insufficient_quota")
        return False

    def charge_cloud(self, key: str) -> None:
        self._accounts[key].cloud_used += 1

    def cloud_used(self, key: str) -> int:
        return self._accounts[key].cloud_used
