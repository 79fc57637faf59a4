"""Hit features: the snippet memory changes nothing but the work done."""

from __future__ import annotations

import numpy as np
import pytest

from velo.cache.features import HitFeaturizer
from velo.embedding import Embedder
from velo.types import CacheEntry, Neighbour, Source


class Counting(Embedder):
    """A real embedder that counts the texts it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim, self.texts = inner, inner.name, inner.dim, 0

    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed(texts, passage=passage)


def neighbour(e5: Embedder, question: str, answer: str) -> Neighbour:
    entry = CacheEntry("1", question, answer, "en", "default", Source.CLOUD, 0, 0, 0)
    return Neighbour(entry, 0.93, tuple(e5.embed([question])[0]))


def test_snippets_are_embedded_once_and_features_do_not_change(e5: Embedder, use: Embedder) -> None:
    alt = Counting(use)
    featurizer = HitFeaturizer(e5, alt, snippet_memory=100)
    request = "What is the capital of Austria?"
    nb = neighbour(e5, "What is the capital of Australia?", "Canberra is the capital of Australia.")
    vec = e5.embed([request])[0]
    first = featurizer(request, vec, [nb])
    embedded = alt.texts
    assert embedded >= 2
    again = featurizer(request, vec, [nb])
    assert alt.texts == embedded, "the second lookup of the same pair embeds nothing"
    assert again == first
    fresh = HitFeaturizer(e5, use)(request, vec, [nb])
    np.testing.assert_allclose(fresh.as_tuple(), first.as_tuple(), rtol=1e-5, atol=1e-6)


def test_the_snippet_memory_is_bounded(e5: Embedder, use: Embedder) -> None:
    featurizer = HitFeaturizer(e5, use, snippet_memory=3)
    nb = neighbour(e5, "How do I boil an egg?", "Put it in boiling water for 8 minutes.")
    for request in ("How do I boil eggs?", "How long to boil an egg?", "How to fry an egg?"):
        featurizer(request, e5.embed([request])[0], [nb])
    assert len(featurizer._snippets) == 3


def test_each_replaced_stretch_of_content_words_is_scored_on_its_own(e5: Embedder, use: Embedder) -> None:
    from velo.cache import text
    from velo.cache.features import _substitutions

    def subs(a: str, b: str) -> list[tuple[str, str]]:
        return _substitutions(text.tokens(a), text.tokens(b))

    assert subs("What is the largest city of Canada?", "What is the capital of Canada? Tell me briefly.") == [
        ("largest city", "capital")
    ]
    assert subs("How do I rename a branch in git?", "How do I create a new branch in git and switch to it?") == [
        ("rename", "create")
    ]
    assert subs("细菌性肺炎要不要吃抗生素？", "感冒了要不要吃抗生素？") == [("细菌性肺炎", "感冒")]
    assert subs("鲁迅的儿子是谁？", "鲁迅是谁？") == [], "a word added on one side replaces nothing"
    assert subs("Why is the sky blue?", "why is the sky blue") == []
    # content words on one side of a replaced stretch only: scored against all the words of the other side
    assert subs("¿Cómo se hace una paella?", "¿Cuántas calorías tiene un plato de paella?") == [
        ("como se hace una", "calorias plato")
    ]

    request = "Who is the queen of Spain today? Tell me briefly"
    nb = neighbour(e5, "Who is the king of Spain today? Give a short answer", "Felipe VI.")
    assert subs(request, nb.entry.question) == [("queen", "king"), ("briefly", "short answer")]
    features = HitFeaturizer(e5, use)(request, e5.embed([request])[0], [nb])
    queen, king, briefly, short = use.embed(["queen", "king", "briefly", "short answer"])
    assert features.content_diff_similarity == pytest.approx(min(float(queen @ king), float(briefly @ short)), abs=1e-5)


def test_words_added_on_one_side_are_scored_against_the_other_question(e5: Embedder, use: Embedder) -> None:
    from velo.cache import text
    from velo.cache.features import _additions

    def adds(a: str, b: str) -> list[tuple[str, str]]:
        return _additions(a, b, text.tokens(a), text.tokens(b))

    assert adds("How do I boil an egg quickly?", "How do I boil an egg?") == [("quickly", "How do I boil an egg?")]
    assert adds("How do I boil an egg?", "How do I boil an egg in the microwave?") == [("microwave", "How do I boil an egg?")]
    assert adds("什么是redis", "redis是什么") == [], "a word moved elsewhere is not added"
    assert adds("What is the capital of Austria?", "What is the capital of Australia?") == [], "a replaced word is not added"
    assert adds("Why is the sky blue?", "So why is the sky blue?") == [], "only a function word added"

    def added(request: str, cached: str) -> float:
        nb = neighbour(e5, cached, "An answer.")
        return HitFeaturizer(e5, use)(request, e5.embed([request])[0], [nb]).added_words_similarity

    # known answers: the cosine of the added words and the question without them, under the second embedder
    request, cached = "WLAN和WiFi有什么区别", "WLAN"
    [(words, other)] = adds(request, cached)
    assert added(request, cached) == pytest.approx(float(np.prod(use.embed([words, other]), axis=0).sum()), abs=1e-5)
    # words on the question's subject (another thing to ask about it) score high, a word about how to answer low
    assert added(request, cached) > 0.5
    assert added("Can you briefly explain why the sky is blue?", "Why is the sky blue?") < 0.1
    assert added("What is the capital of Austria?", "What is the capital of Australia?") == 1.0, "nothing added"
