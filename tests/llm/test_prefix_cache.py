"""`velo.llm.prefix_cache.PrefixCache` by hand: what is reused, what is kept, what is dropped (no model needed)."""

from __future__ import annotations

import pytest
import torch

from velo.llm.prefix_cache import PrefixCache


def kv(ids: list[int]) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Two layers whose key at position i is the token id there (1, 1 head, positions, dim 2): a prefix is readable."""
    keys = torch.tensor(ids, dtype=torch.float32).view(1, 1, -1, 1).expand(1, 1, -1, 2).contiguous()
    return [(keys, -keys), (keys + 0.5, -keys - 0.5)]


TEMPLATE = list(range(100, 120))  # 20 shared tokens, like a chat template's system turn


def test_the_shared_prefix_is_reused_and_the_entry_shrinks_to_it() -> None:
    cache = PrefixCache(entries=2, min_tokens=16)
    first, second = TEMPLATE + [1, 2, 3], TEMPLATE + [7, 8]
    assert cache.lookup(first) == (0, [])  # empty cache
    cache.store(first, kv(first))
    n, layers = cache.lookup(second)
    assert n == 20 and [float(x) for x in layers[0][0][0, 0, :, 0]] == TEMPLATE
    assert torch.equal(layers[1][1], -kv(TEMPLATE)[0][0] - 0.5)
    cache.store(second, kv(second))
    assert [p.ids for p in cache._prefixes] == [tuple(TEMPLATE)]  # cut down to what the two share
    assert cache.reused_tokens == 20


def test_no_reuse_below_min_tokens_and_never_the_whole_prompt() -> None:
    cache = PrefixCache(entries=4, min_tokens=16)
    prompt = TEMPLATE + [5]
    cache.store(prompt, kv(prompt))
    assert cache.lookup(TEMPLATE[:15] + [9, 9, 9])[0] == 0  # 15 shared tokens < min_tokens
    n, layers = cache.lookup(prompt)  # a repeat: all but the last token, which must run for the logits
    assert n == len(prompt) - 1 and layers[0][0].shape[-2] == n


def test_a_different_prefix_becomes_a_new_entry_and_the_least_recent_is_dropped() -> None:
    cache = PrefixCache(entries=2, min_tokens=4)
    a, b, c = [1] * 6, [2] * 6, [3] * 6
    for ids in (a, b):
        cache.store(ids, kv(ids))
    assert cache.lookup(a + [0])[0] == 6  # a is now the most recently used
    cache.store(c, kv(c))
    assert [p.ids for p in cache._prefixes] == [tuple(c), tuple(a)]  # b dropped
    with pytest.raises(ValueError, match="entries must be an integer >= 1"):
        PrefixCache(entries=0)


def test_shared_tells_what_a_lookup_would_reuse_and_changes_nothing() -> None:
    cache = PrefixCache(entries=4, min_tokens=16)
    prompt = TEMPLATE + [5, 6]
    cache.store(prompt, kv(prompt))
    order, reused = [p.ids for p in cache._prefixes], cache.reused_tokens
    assert cache.shared(TEMPLATE + [5, 9]) == 21
    assert cache.shared(prompt) == len(prompt) - 1  # never the whole prompt
    assert cache.shared(TEMPLATE[:15] + [9]) == 0  # fewer than min_tokens
    assert ([p.ids for p in cache._prefixes], cache.reused_tokens) == (order, reused)
    assert cache.lookup(TEMPLATE + [5, 9])[0] == 21
