"""JSON as the CLI prints it: standard JSON (RFC 8259), which has no NaN or Infinity.

A figure that is undefined (a 95 % interval over one episode, a share of a headroom that is not positive, a recall with
no query expecting a hit) is a float NaN in the reports; `json.dumps` would write it as the bare token `NaN`, which
strict parsers (`jq`, JavaScript's `JSON.parse`, Go, Rust's serde_json) refuse. Here it is `null`, as `velo cache eval
--json` has always written it (nc22 finding 6: `velo evaluate --json` printed `"satisfaction_ci95": NaN`).
"""

from __future__ import annotations

import json
import math
from typing import Any


def finite_or_none(value: Any) -> Any:
    """`value` with every non-finite float (NaN, +-Infinity) inside dicts, lists and tuples replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    return value


def dumps(value: Any, *, ensure_ascii: bool = True) -> str:
    """Standard JSON for `value`: undefined figures as `null` (`finite_or_none`); never the tokens NaN or Infinity.
    `ensure_ascii=False` keeps non-ASCII text as it is (a verdicts file's Chinese questions stay readable)."""
    return json.dumps(finite_or_none(value), allow_nan=False, ensure_ascii=ensure_ascii)
