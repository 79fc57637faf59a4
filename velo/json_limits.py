"""Reading JSON from outside the process without crashing: a bound on nesting depth (`MAX_DEPTH`) and on an integer's
digits (`MAX_INT_DIGITS`), each refused with a `JSONLimitError` (a ValueError) that says which, where Python's `json`
raises a RecursionError or a bare "Exceeds the limit (4300 digits)" ValueError.

    >>> loads('{"a": [1, 2]}')
    {'a': [1, 2]}
    >>> try: loads("[" * 100 + "]" * 100)
    ... except JSONLimitError as err: print(err)
    arrays and objects nested more than 64 levels deep: at most 64 are read

Why (issue 9 finding 1): a request body `{"messages": [[[[...]]]]}` 2,000 deep raised RecursionError in
`velo.wire.parse_body` (pydantic's parser stops at 200 levels and the fallback to `json` recursed), and `"max_tokens":`
with 5,000 digits raised ValueError (CPython's int-to-string guard against quadratic conversion, CVE-2020-10735):
a 500 with a traceback, once a reset connection. The one rule here serves every place VELO reads JSON a user wrote:
request bodies (`parse_body`), `velo cache eval` data files (`velo.cache.evaluation`), `velo data prepare` inputs
(`velo.data.prepare`, `velo.data.oasst1`). The SDK reads responses with pydantic, which refuses both as invalid JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64
"""Deepest nesting of arrays and objects read. An OpenAI body is shallow: a chat request is 4 levels (body, messages,
a message, its content parts); a tool's JSON schema adds 2 per nested object, and OpenAI's structured outputs take
at most 10 such levels (its guide's "Supported schemas"), so about 30 in all. Python's `json` recurses once per level
(the interpreter's limit is 1,000) and pydantic's parser stops at 200."""
MAX_INT_DIGITS = 4300
"""Longest integer read, in digits: CPython's default `sys.get_int_max_str_digits()`, past which converting digits to
an int raises ValueError. No VELO field takes more than 19 digits (int64)."""

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_INNERMOST = re.compile(rb"\[\]|\{\}")
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


class JSONLimitError(ValueError):
    """JSON nested deeper than `MAX_DEPTH` or holding an integer of more than `MAX_INT_DIGITS` digits."""


def depth_beyond(raw: bytes | str, limit: int = MAX_DEPTH) -> int | None:
    """`limit + 1` if `raw`'s arrays and objects nest deeper than `limit`, else None; brackets
    inside strings are not counted. Costs nothing for a body with at most `limit` brackets in all (most requests);
    else one regular expression pass over its strings and one C-speed pass per level over its brackets, innermost pairs
    removed each pass."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if data.count(b"[") + data.count(b"{") <= limit:
        return None
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKET)
    depth = 0
    while brackets and depth <= limit:
        reduced = _INNERMOST.sub(b"", brackets)
        if reduced == brackets:  # unbalanced: a syntax error the parser names
            break
        brackets, depth = reduced, depth + 1
    return depth if depth > limit else None  # counting stops past the limit: a 2,000-deep body costs 65 passes


TOO_DEEP = f"arrays and objects nested more than {MAX_DEPTH} levels deep: at most {MAX_DEPTH} are read"


def too_long(digits: str) -> str:
    return f"an integer of {len(digits.lstrip('-'))} digits: at most {MAX_INT_DIGITS} digits are read"


def _int(digits: str) -> int:
    if len(digits) > MAX_INT_DIGITS:  # a sign is one character more: refuse at MAX_INT_DIGITS + 1 digits either way
        raise JSONLimitError(too_long(digits))
    return int(digits)


def loads(text: str | bytes, parse_int: Callable[[str], Any] = _int) -> Any:
    """`json.loads(text)` within `MAX_DEPTH` and `MAX_INT_DIGITS`, else `JSONLimitError` saying which; a syntax error
    stays `json.JSONDecodeError` (also a ValueError). `parse_int` may mark an integer too long instead of refusing it
    (`velo.wire.parse_body` names the field that holds it)."""
    if depth_beyond(text) is not None:
        raise JSONLimitError(TOO_DEEP)
    try:
        return json.loads(text, parse_int=parse_int)
    except RecursionError:  # not reached within MAX_DEPTH; kept so no caller ever sees one
        raise JSONLimitError(TOO_DEEP) from None


__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "JSONLimitError", "depth_beyond", "loads", "TOO_DEEP", "too_long"]
