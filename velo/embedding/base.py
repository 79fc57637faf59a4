"""The one embedding interface every stage of VELO uses."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np


class EmbeddingError(ValueError):
    """Input an embedder cannot embed (empty text, wrong type)."""


class Embedder(ABC):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension.

    `name` identifies the model and its preprocessing exactly: it is stored with every Milvus collection
    and every on-disk embedding, so vectors of two different models are never compared.
    """

    name: str
    dim: int
    batch_size: int = 64

    @abstractmethod
    def _embed_batch(self, texts: list[str], passage: bool) -> np.ndarray:
        """Embed one batch; may return unnormalized vectors."""

    def embed(self, texts: Sequence[str], *, passage: bool = False) -> np.ndarray:
        """Embed `texts` in batches; returns an (n, dim) float32 array of unit vectors.

        `passage=True` embeds documents (answers) rather than requests, for models trained asymmetrically
        (e5: "passage: " vs "query: "); symmetric models ignore it.
        """
        texts = list(texts)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise EmbeddingError(f"text #{i} is {type(text).__name__}, expected str")
            if not text.strip():
                raise EmbeddingError(f"text #{i} is empty")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [self._embed_batch(texts[i : i + self.batch_size], passage) for i in range(0, len(texts), self.batch_size)]
        return normalize(np.concatenate(parts).astype(np.float32, copy=False))

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def remember(self, texts: Sequence[str], vectors: np.ndarray, *, passage: bool = False) -> None:
        """Take note that `vectors` (n, dim) are this embedder's vectors of `texts` (a semantic cache says so of
        the questions it stores). Embedders that keep recent vectors keep these too; others ignore the call."""


def normalize(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
