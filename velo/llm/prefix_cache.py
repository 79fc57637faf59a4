"""Keys and values of recent prompt prefixes, so a prompt that starts like an earlier one prefills only the rest.

Every chat prompt of the edge LLM starts with the same template: SmolLM2's begins with 24 tokens of system turn and
user-turn opener before the question, a third of an oasst1 prompt (the benchmark's first 64: mean 80 tokens,
median 52). Prefill costs ~4-5 ms per token on one thread (it is bound by arithmetic on every prompt token,
`velo.llm.batch_generate`), so those 24 tokens cost ~0.1 s per request, recomputed identically every time.
Like vLLM's automatic prefix caching and SGLang's RadixAttention (Zheng et al., 2024), `PrefixCache` keeps the
keys and values of a few prompt prefixes and hands out the longest one a new prompt shares (at least
`min_tokens`, and never the whole prompt: the last token must run to give the first answer token's logits).

What is kept converges to what prompts share: after a prefill, the entry sharing the longest prefix (at least
`min_tokens`) with the prompt is cut down to that common prefix; a prompt sharing less with every entry becomes a
new entry (the least recently used beyond `entries` is dropped). Keys and values are those of the layers' cache,
each (1, kv heads, positions, head dim); the positions of a prefix depend only on the prefix (causal attention), so
reusing them computes the same function as prefilling the whole prompt, up to float rounding of matrix products of
another shape (`tests/llm/test_continuous.py` and `benchmarks/edge_batching.py` compare answers with the request
served alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

Layers = list[tuple["torch.Tensor", "torch.Tensor"]]
"""Per layer (keys, values), each (1, kv heads, positions, head dim)."""


@dataclass
class _Prefix:
    ids: tuple[int, ...]
    layers: Layers


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


class PrefixCache:
    """At most `entries` prompt prefixes and their KV; prefixes shorter than `min_tokens` are not reused."""

    def __init__(self, entries: int = 4, min_tokens: int = 16) -> None:
        for name, value in (("entries", entries), ("min_tokens", min_tokens)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        self.entries, self.min_tokens = entries, min_tokens
        self._prefixes: list[_Prefix] = []  # most recently used first
        self.reused_tokens = 0
        """Prompt tokens not prefilled thanks to this cache, since it was made."""

    def _best(self, ids: Sequence[int]) -> tuple[int, int]:
        """(index of the entry sharing the longest prefix with `ids`, its length), (-1, 0) if none."""
        best, length = -1, 0
        for index, prefix in enumerate(self._prefixes):
            n = _common(prefix.ids, ids)
            if n > length:
                best, length = index, n
        return best, length

    def shared(self, ids: Sequence[int]) -> int:
        """How many first tokens of `ids` a `lookup` now would reuse (0 when fewer than `min_tokens`); changes nothing.
        Safe from another thread than the one that looks up and stores: it reads a copy of the entries' list."""
        n = max((_common(prefix.ids, ids) for prefix in list(self._prefixes)), default=0)
        n = min(n, len(ids) - 1)
        return n if n >= self.min_tokens else 0

    def lookup(self, ids: Sequence[int]) -> tuple[int, Layers]:
        """(n, layers): the KV of the first n tokens of `ids` (n < len(ids)), or (0, []) when no entry shares
        `min_tokens`. The tensors are the cache's own: copy before writing (a `DynamicCache` built from them does)."""
        index, n = self._best(ids)
        n = min(n, len(ids) - 1)
        if n < self.min_tokens:
            return 0, []
        prefix = self._prefixes.pop(index)
        self._prefixes.insert(0, prefix)
        self.reused_tokens += n
        return n, [(k[:, :, :n], v[:, :, :n]) for k, v in prefix.layers]

    def store(self, ids: Sequence[int], layers: Layers) -> None:
        """Record a prefill of `ids` whose cache is `layers` (all of its positions)."""
        index, n = self._best(ids)
        if n >= self.min_tokens:
            prefix = self._prefixes.pop(index)
            if n < len(prefix.ids):  # keep only what the two share; clone so the longer tensors are freed
                prefix = _Prefix(prefix.ids[:n], [(k[:, :, :n].clone(), v[:, :, :n].clone()) for k, v in prefix.layers])
        else:
            prefix = _Prefix(tuple(ids), layers)
        self._prefixes.insert(0, prefix)
        del self._prefixes[self.entries :]
