"""What `velo.wire.parse_body` costs a request, best of 5 x 5,000 calls: an 11-message chat body and one with 20 tool
schemas (issue 9: the depth bound and the three assistant-message fields added to every message's walk).

    PYTHONPATH=/path/to/a/checkout python benchmarks/parse_body_cost.py   # run once per checkout to compare
"""

from __future__ import annotations

import json
import timeit

import velo
from velo.wire import ChatCompletionRequest, parse_body

CHAT = json.dumps({"model": "velo", "max_tokens": 64, "messages": [
    {"role": "user" if i % 2 == 0 else "assistant", "content": "Why is the sky blue? " * 5} for i in range(11)]}).encode()
TOOLS = json.dumps({"model": "velo", "messages": [{"role": "user", "content": "Hi"}], "tools": [
    {"type": "function", "function": {"name": f"f{i}", "parameters": {"type": "object", "properties": {
        "a": {"type": "object", "properties": {"b": {"type": "string"}}}}}}} for i in range(20)]}).encode()

if __name__ == "__main__":
    for name, raw in (("11 messages", CHAT), ("20 tools", TOOLS)):
        best = min(timeit.repeat(lambda raw=raw: parse_body(ChatCompletionRequest, raw), number=5000, repeat=5)) / 5000 * 1e6
        print(f"{velo.__file__.rsplit('/velo/', 1)[0]}  {name} ({len(raw):,} bytes): {best:.1f} us")
