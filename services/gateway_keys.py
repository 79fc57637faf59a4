"""API keys of the gateway: who may call, at what rate, in which namespaces, with how much cloud.

A keys file is JSON: `{"<key>": {"name": ..., "namespaces": [...], "requests_per_minute": 600,
"cloud_budget": 1000, "over_budget": "fallback" | "refuse"}, ...}`. `namespaces` lists the cache
namespaces the key may use (the first is its default; each once); `"*"` after the first lets it use any namespace (`velo up`'s
local key: `["default", "*"]`, so `velo ask --namespace NS` works in the quick start), and is then the only other entry; `cloud_budget` counts answers that came from the cloud
(CLOUD or CLOUD_CONTEXT), None for no limit; past it, `fallback` has the edge answer from its cache or its
own LLM and `refuse` answers 429 `insufficient_quota`. The rate limit is a token bucket refilled at
`requests_per_minute` / 60 per second holding at most `burst` requests (default: a second's worth, at least 1).

Every field is checked when the gateway starts, and a bad file is refused with one line naming the entry (by its
position and `name`, never by the secret) and the field: an API key of fewer than 8 characters or of characters an
HTTP header cannot carry (`velo.wire.api_key_problem`), the same key twice, a namespace the gateway would refuse in
`x-velo-namespace` (`velo.wire.namespace_problem`), a value of another JSON type (`strict`: no `true` for 1), an
infinite rate, a `burst` without a rate, an unknown field.

The cloud budget holds under concurrency: a request reserves one cloud answer before it is routed
(`KeyRing.cloud_use`) and the reservation is settled by the route it got (charged for a cloud route, given back
otherwise, and on any failure), so requests in flight never spend more than the budget between them. While
reservations are pending, a further request is answered as if the budget were spent (fallback or 429): it may
turn out that a reserved request was served from the cache, but never that the budget was overspent.
A 429 of the rate limit carries `Retry-After`: the wait rounded up to whole seconds, the figure its message says; the
429 of a spent budget, which waiting does not lift, `x-should-retry: false` (`services.http.RetryLater`).
The rate limit takes its token as the request is admitted (no await between check and take), and a request that
then fails (a 400, a 404) keeps it spent: the limit meters the requests a key sends, as OpenAI's does; the cloud
budget meters answers, so a failed request gives its reservation back.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from services.http import RetryLater, retry_after
from velo.json_limits import TOO_DEEP, JSONLimitError, depth_beyond
from velo.wire import APIError, api_key_problem, namespace_problem
from velo.plural import counted

MIN_KEY_CHARS = 8
ANY_NAMESPACE = "*"
"""In a key's `namespaces` (not first: the first is the key's default): any namespace. No namespace is spelt so
(`velo.wire.NAMESPACE_PATTERN`), so it cannot be mistaken for one."""


def key_problem(key: object) -> str | None:
    """Why `key` cannot be one of the gateway's API keys (`velo.wire.api_key_problem`, or fewer than `MIN_KEY_CHARS`
    characters), else None; never quotes the key."""
    if (problem := api_key_problem(key)) is not None:
        return problem
    return f"the API key is shorter than {MIN_KEY_CHARS} characters" if len(key) < MIN_KEY_CHARS else None  # type: ignore[arg-type]


def _namespace(value: str) -> str:
    if value != ANY_NAMESPACE and (problem := namespace_problem(value)) is not None:
        raise ValueError(problem)
    return value


def _namespace_list(values: list[str]) -> list[str]:
    """A key's namespaces: its default first (a name, not `ANY_NAMESPACE`), each once, and beside `ANY_NAMESPACE` only
    the default: `["default", "default"]`, `["default", "*", "*"]` and `["default", "*", "team-a"]` had loaded silently
    (brk finding 7); a name listed with "*" grants nothing "*" does not, and reads as if it restricted the key."""
    if values and values[0] == ANY_NAMESPACE:
        raise ValueError(f'the first namespace is the key\'s default and must name one; put "{ANY_NAMESPACE}" after it '
                         f'(["default", "{ANY_NAMESPACE}"]: default, and any other)')
    if twice := [name for i, name in enumerate(values) if name in values[:i]]:
        raise ValueError(f"{json.dumps(twice[0])} is listed more than once; give each namespace once")
    if ANY_NAMESPACE in values and len(values) > 2:
        others = ", ".join(json.dumps(v) for v in values[1:] if v != ANY_NAMESPACE)
        raise ValueError(f'"{ANY_NAMESPACE}" grants every namespace: {others} beside it grants nothing more; give '
                         f'[{json.dumps(values[0])}, "{ANY_NAMESPACE}"], or drop "{ANY_NAMESPACE}" to allow the listed ones only')
    return values


class KeySpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: Annotated[str, Field(min_length=1, max_length=100)] = "key"
    """Names the key in messages and logs (the key itself is a secret)."""
    namespaces: Annotated[list[Annotated[str, AfterValidator(_namespace)]], AfterValidator(_namespace_list)] = Field(
        default_factory=lambda: ["default"], min_length=1)
    """The namespaces the key may use, its default first; `ANY_NAMESPACE` after it: any namespace."""
    requests_per_minute: float | None = Field(None, gt=0, allow_inf_nan=False)
    burst: int | None = Field(None, ge=1)
    cloud_budget: int | None = Field(None, ge=0)
    over_budget: Literal["fallback", "refuse"] = "fallback"

    @model_validator(mode="after")
    def _burst_needs_a_rate(self) -> KeySpec:
        if self.burst is not None and self.requests_per_minute is None:
            raise ValueError("burst is the size of the rate limit's bucket: give requests_per_minute too, or drop burst")
        return self


KeysSetting = Literal["keys_file", "keys_json", "api_key"]
"""The gateway setting its keys came from (`services.gateway.GatewaySettings`): what an operator edits to grant more."""


def namespace_forbidden(spec: KeySpec, asked: str, setting: KeysSetting = "keys_file") -> APIError:
    """403 of a namespace `spec`'s key may not use: names the key (by its `name`, never the secret), the namespaces it
    may use and how the `setting` the keys came from grants another (a newcomer's `velo ask --namespace team-a` got
    "this key may not use namespace 'team-a' (allowed: default)" and no way forward). It had named the keys file
    whatever the setting (brk finding 5): a gateway of VELO_GATEWAY_KEYS_JSON has none, and one of
    VELO_GATEWAY_API_KEY (docker-compose) has one key whose namespace is `default`, with nothing to edit."""
    grant = f"{asked!r} (or \"{ANY_NAMESPACE}\", any namespace)"
    how = {
        "keys_file": f"add {grant} to this key's \"namespaces\" in its keys file (--keys-file, VELO_GATEWAY_KEYS_FILE)",
        "keys_json": f"add {grant} to this key's \"namespaces\" in VELO_GATEWAY_KEYS_JSON",
        "api_key": f"configure its keys as a keys file (VELO_GATEWAY_KEYS_FILE) or VELO_GATEWAY_KEYS_JSON instead of "
                   f"VELO_GATEWAY_API_KEY, whose one key uses namespace default only, with {grant} in this key's \"namespaces\"",
    }[setting]
    return APIError(
        403, f"key {spec.name!r} may not use namespace {asked!r} (allowed: {', '.join(spec.namespaces)}): send one of those "
             f"in x-velo-namespace, or have the gateway's operator {how}",
        "permission_error", "namespace_forbidden", "x-velo-namespace")


def rate_limited(rate: float, wait_s: float) -> RetryLater:
    """429 of a key's rate limit, `wait_s` until its bucket holds a request again; its message says the wait `Retry-After` sends."""
    seconds = retry_after(wait_s)["Retry-After"]
    return RetryLater(429, f"rate limit of {counted(rate, 'request')} per minute reached; retry in {seconds} s", "rate_limit_exceeded", wait_s, "rate_limit_error")


class _Members(list):
    """A JSON object's members as (name, value) pairs in order, repeats kept (json.loads would keep the last silently)."""


def _settings(value: Any, where: str) -> dict[str, Any]:
    """A key's settings as a dict; a field given twice is refused; nested objects become dicts (pydantic refuses them
    naming the field)."""
    seen: dict[str, Any] = {}
    for name, item in value:
        if name in seen:
            raise ValueError(f"{where}: {name}: given twice")
        seen[name] = _plain(item)
    return seen


def _plain(value: Any) -> Any:
    if isinstance(value, _Members):
        return {name: _plain(item) for name, item in value}
    return [_plain(item) for item in value] if isinstance(value, list) else value


def _entry_name(index: int, spec: object) -> str:
    names = [value for name, value in spec if name == "name"] if isinstance(spec, _Members) else []
    return f"entry {index}" + (f" (name {names[0][:100]!r})" if names and isinstance(names[0], str) else "")


def load_keys(text: str, where: str) -> dict[str, KeySpec]:
    """Parse a keys document; a bad one raises a one-line ValueError naming the entry (its position from 1 and its
    `name`, never the secret) and the field."""
    try:
        if depth_beyond(text) is not None:
            raise JSONLimitError(TOO_DEEP)
        raw = json.loads(text, object_pairs_hook=_Members)
    except (json.JSONDecodeError, JSONLimitError) as err:
        raise ValueError(f"{where}: not valid JSON ({err})") from None
    if not isinstance(raw, _Members) or not raw:
        raise ValueError(f"{where}: must be a JSON object mapping each API key to its settings")
    keys: dict[str, KeySpec] = {}
    first_at: dict[str, int] = {}
    for index, (key, spec) in enumerate(raw, start=1):
        entry = f"{where}: {_entry_name(index, spec)}"
        if (problem := key_problem(key)) is not None:
            raise ValueError(f"{entry}: {problem}")
        if key in first_at:
            raise ValueError(f"{entry}: the same API key as entry {first_at[key]}; give each key once")
        if not isinstance(spec, _Members):
            raise ValueError(f"{entry}: the key's settings must be a JSON object, got {json.dumps(_plain(spec))[:60]}")
        try:
            keys[key] = KeySpec.model_validate(_settings(spec, entry))
        except ValidationError as err:
            first = err.errors()[0]
            field_name = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".") or "settings"
            why = f"unknown field (known: {', '.join(KeySpec.model_fields)})" if first["type"] == "extra_forbidden" else first["msg"]
            raise ValueError(f"{entry}: {field_name}: {why.removeprefix('Value error, ')}") from None
        first_at[key] = index
    return keys


def read_keys(path: Path) -> dict[str, KeySpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: cannot read the keys file: {err}") from None
    return load_keys(text, str(path))


@dataclass
class CloudGrant:
    """What one request may do with its key's cloud budget: `allowed` (use the cloud); `charge()` once it did."""

    allowed: bool
    charged: bool = False

    def charge(self) -> None:
        self.charged = True


@dataclass
class _Account:
    spec: KeySpec
    tokens: float
    refilled_at: float
    cloud_used: int = 0
    cloud_reserved: int = 0
    """Cloud answers held by requests in flight (`KeyRing.cloud_use`)."""


_KEYS_FROM = {"keys_file": "its keys file, --keys-file / VELO_GATEWAY_KEYS_FILE", "keys_json": "VELO_GATEWAY_KEYS_JSON",
              "api_key": "VELO_GATEWAY_API_KEY"}
"""Where a gateway's keys come from, by `KeyRing.setting`, as a 401 for an unknown key names it (nc43: a key `velo up
--new-key` had replaced got "invalid API key" and no hint)."""


def masked(key: str) -> str:
    """`key` as a 401 may echo it: its first 6 and last 4 characters ("velo-l...a3f2"), all of it hidden when shorter
    than 16, so the sender can tell which of their keys went out without the message carrying a usable key (OpenAI's
    "Incorrect API key provided: sk-ab***cd" does the same)."""
    return f"'{key[:6]}...{key[-4:]}'" if len(key) >= 16 else f"({len(key)} characters)"


@dataclass
class KeyRing:
    """The gateway's keys and their live state (rate-limit buckets, cloud answers used)."""

    specs: dict[str, KeySpec]
    setting: KeysSetting = "keys_file"
    """Where the keys were configured: what a 403 tells the operator to edit (`namespace_forbidden`)."""
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
        if scheme.lower() != "bearer" or not key.strip():
            raise APIError(401, "invalid API key: the Authorization header must be 'Bearer <key>'", "authentication_error", "invalid_api_key")
        key = key.strip()
        if key not in self._accounts:
            raise APIError(401, f"invalid API key {masked(key)}: not one of this gateway's keys ({_KEYS_FROM[self.setting]}); a key "
                                "replaced there stops working (`velo up` prints its key when it starts; `velo up --new-key` replaces it)",
                           "authentication_error", "invalid_api_key")
        return key

    def namespace(self, key: str, asked: str | None) -> str:
        spec = self._accounts[key].spec
        if asked is None:
            return spec.namespaces[0]
        if (problem := namespace_problem(asked)) is not None:  # malformed, not forbidden: 400 (was 403), as the edge answers it
            raise APIError(400, f"x-velo-namespace {problem}", code="invalid_value", param="x-velo-namespace")
        if asked not in spec.namespaces and ANY_NAMESPACE not in spec.namespaces:
            raise namespace_forbidden(spec, asked, self.setting)
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
            raise rate_limited(rate, (1.0 - account.tokens) * 60.0 / rate)
        account.tokens -= 1.0

    @contextmanager
    def cloud_use(self, key: str) -> Iterator[CloudGrant]:
        """Reserve one cloud answer of the key's budget for the request served inside the block (no await between the
        check and the reservation: atomic on the event loop). The grant says whether the request may use the cloud;
        `grant.charge()` when it did; on leaving, the reservation becomes a charge or is given back (also when the
        block fails). Past the budget (answers used plus reserved), `fallback` gives a grant without the cloud and
        `refuse` answers 429 `insufficient_quota`."""
        account = self._accounts[key]
        budget = account.spec.cloud_budget
        reserved = budget is not None and account.cloud_used + account.cloud_reserved < budget
        if budget is not None and not reserved and account.spec.over_budget == "refuse":
            raise RetryLater(429, f"the cloud budget of this key ({counted(budget, 'answer')}) is spent ({account.cloud_used} used, "
                                  f"{account.cloud_reserved} held by requests in flight)", "insufficient_quota", None, "insufficient_quota")
        grant = CloudGrant(allowed=budget is None or reserved)
        account.cloud_reserved += reserved
        try:
            yield grant
        finally:
            account.cloud_reserved -= reserved
            account.cloud_used += grant.charged

    def cloud_used(self, key: str) -> int:
        return self._accounts[key].cloud_used
