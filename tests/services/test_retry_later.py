"""Every 503 and 429 a VELO service sends says when to ask again (`services.http.RetryLater`): the wait rounded up to
whole seconds as `Retry-After`, or `x-should-retry: false` when waiting does not help. The servers' own cases are tested
where they happen (a lost shard worker in test_edgeshard.py, Milvus down in test_milvus_down.py, the gateway's in
test_gateway_keys.py and stack/test_upstreams.py); this module checks the helper and that no service builds a 503 or
429 another way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from services.http import RetryLater, error_response, retry_after

SERVICES = Path(__file__).resolve().parents[2] / "services"
RETRY_STATUSES = {429, 503}


@pytest.mark.parametrize(("wait_s", "header"), [(0.0, "1"), (0.2, "1"), (1.0, "1"), (1.0001, "2"), (2.5, "3"), (59.48, "60")])
def test_retry_after_is_the_wait_rounded_up_to_whole_seconds_and_at_least_one(wait_s: float, header: str) -> None:
    assert retry_after(wait_s) == {"Retry-After": header}


def test_a_retry_later_response_carries_its_wait_or_says_not_to_retry() -> None:
    busy = error_response(RetryLater(503, "the cache is down", "cache_unavailable", 0.5))
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1" and b'"code":"cache_unavailable"' in busy.body
    spent = error_response(RetryLater(429, "the budget is spent", "insufficient_quota", None, "insufficient_quota"))
    assert spent.status_code == 429 and spent.headers["x-should-retry"] == "false" and "retry-after" not in spent.headers


def _literal_statuses(node: ast.AST) -> set[int]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and n.value in RETRY_STATUSES}


def _retry_status_calls(tree: ast.AST) -> list[str]:
    """Calls that give 503 or 429 as a status (`APIError(503, ...)`, `JSONResponse(..., status_code=503)`) without
    `RetryLater` or a `retry_after(...)` header."""
    found = []
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = call.func.id if isinstance(call.func, ast.Name) else call.func.attr if isinstance(call.func, ast.Attribute) else ""
        status = call.args[0] if name.endswith("Error") and call.args else next((k.value for k in call.keywords if k.arg in ("status", "status_code")), None)
        if status is None or not _literal_statuses(status) or name == "RetryLater":
            continue
        headers = next((k.value for k in call.keywords if k.arg == "headers"), None)
        if headers is not None and any(isinstance(n, ast.Name) and n.id == "retry_after" for n in ast.walk(headers)):
            continue
        found.append(f"line {call.lineno}: {ast.unparse(call)[:120]}")
    return found


def test_no_service_sends_a_503_or_429_without_its_wait() -> None:
    """`raise APIError(503, ...)` in the shard server and the edge's admin routes had gone out with no `Retry-After`."""
    offenders = {path.name: found for path in sorted(SERVICES.glob("*.py")) if (found := _retry_status_calls(ast.parse(path.read_text())))}
    assert offenders == {}
    assert _retry_status_calls(ast.parse("raise APIError(503, 'down', 'server_error', 'x')"))  # the scan finds what it looks for
    assert _retry_status_calls(ast.parse("JSONResponse(body, status_code=503 if bad else 200)"))
