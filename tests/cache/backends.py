"""The Milvus backends cache tests run on, and what they share (imported by tests/cache/conftest.py and tests)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from velo.cache import SemanticCache, StaticThreshold

EMBEDDED = pytest.param("embedded", id="embedded")
LITE_SERVER = pytest.param("lite-server", id="lite-server", marks=pytest.mark.server)
STANDALONE = pytest.param("standalone", id="standalone", marks=pytest.mark.server)
ALL_BACKENDS = [EMBEDDED, LITE_SERVER, STANDALONE]
LITE_BACKENDS = [EMBEDDED, LITE_SERVER]

# Identical questions score ~1.0 with e5, unrelated ones ~0.7-0.8: 0.95 serves exact repeats only.
EXACT = StaticThreshold(0.95)

MakeCache = Callable[..., SemanticCache]

_PAIR_NAMESPACES = itertools.count()


def served_pair(cache: SemanticCache, cached: str, request_: str, lang: str, answer: str = "the cached answer") -> tuple[bool, object]:
    """Insert `cached` with `answer` in a namespace of its own, look up `request_`: (whether `answer` was served, the
    lookup's decision)."""
    namespace = f"pair{next(_PAIR_NAMESPACES)}"
    cache.insert(cached, answer, lang=lang, namespace=namespace)
    result = cache.lookup(request_, lang=lang, namespace=namespace, record=False)
    return result.answer == answer, result.decision


def assert_scored(cache: SemanticCache, cached: str, request_: str, served: bool, score: float) -> None:
    """`served_pair` of `cached` / `request_` (language `und`) is served or not as `served` says, at `score` (± 0.02);
    the failure shows the pair's features."""
    got, decision = served_pair(cache, cached, request_, "und", f"the answer to {cached}")
    assert got is served and decision.score == pytest.approx(score, abs=0.02), decision.features
