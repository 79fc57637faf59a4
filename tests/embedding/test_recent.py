"""The in-memory LRU of recent embeddings, around the real USE embedder."""

from __future__ import annotations

import numpy as np
import pytest

from velo.embedding import load_embedder
from velo.embedding.recent import RecentEmbeddings


@pytest.fixture(scope="module")
def use():
    return load_embedder("use-multilingual")


def test_exact_repeats_reuse_the_vector_and_anything_else_is_embedded(use) -> None:
    recent = RecentEmbeddings(use, capacity=3)
    first = recent.embed(["What is the capital of France?", "Was ist die Hauptstadt von Frankreich?"])
    assert recent.misses == 2 and recent.hits == 0
    again = recent.embed(["What is the capital of France?"])
    assert recent.hits == 1 and np.array_equal(again[0], first[0])
    # one character apart (case, emoji, trailing space) is another text: embedded, not reused
    recent.embed(["what is the capital of France?", "What is the capital of France? "])
    assert recent.misses == 4
    assert np.allclose(recent.embed(["Was ist die Hauptstadt von Frankreich?"])[0], use.embed_one("Was ist die Hauptstadt von Frankreich?"), atol=1e-6)
    # capacity 3: the least recently used text was dropped and is embedded again
    recent.embed(["What is the capital of France?"])
    assert recent.misses == 6
    assert recent.name == use.name and recent.dim == use.dim


def test_duplicates_in_one_batch_are_embedded_once_and_bad_capacity(use) -> None:
    recent = RecentEmbeddings(use)
    out = recent.embed(["Hola", "Hola", "Adiós"])
    assert recent.misses == 2 and recent.hits == 1 and np.array_equal(out[0], out[1])
    with pytest.raises(ValueError, match="capacity must be an integer >= 1"):
        RecentEmbeddings(use, capacity=0)


def test_remembered_vectors_are_served_as_they_were_given(use) -> None:
    """What a cache stores as a question's vector is that question's vector from then on: not embedded again."""
    recent = RecentEmbeddings(use, capacity=2)
    texts = ["How tall is Mount Everest?", "¿Qué altura tiene el Everest?"]
    vectors = use.embed(texts)
    recent.remember(texts, vectors)
    out = recent.embed(texts)
    assert recent.misses == 0 and recent.hits == 2 and np.array_equal(out, vectors)
    recent.remember(["Wie hoch ist der Everest?"], use.embed(["Wie hoch ist der Everest?"]))  # capacity 2: oldest goes
    recent.embed([texts[0]])
    assert recent.misses == 1
    with pytest.raises(ValueError, match=r"expected 1 vectors of dimension 512, got shape \(1, 3\)"):
        recent.remember(["x"], np.zeros((1, 3), np.float32))
