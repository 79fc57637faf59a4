"""Embedders: one interface, offline multilingual default, an on-disk cache, and a loader by name."""

from __future__ import annotations

from pathlib import Path

from velo.embedding.base import Embedder, EmbeddingError, normalize
from velo.embedding.disk_cache import CachedEmbedder

DEFAULT_EMBEDDER = "e5-small"
EMBEDDER_NAMES = ("e5-small", "use-multilingual", "minilm", "st:<model name or path>")


def load_embedder(spec: str = DEFAULT_EMBEDDER, cache_path: Path | None = None) -> Embedder:
    """Build an embedder from its short name (see EMBEDDER_NAMES); wrap it in an on-disk cache if asked."""
    from velo.embedding import models

    embedder: Embedder
    if spec == "e5-small":
        embedder = models.E5SmallEmbedder()
    elif spec == "use-multilingual":
        embedder = models.USEMultilingualEmbedder()
    elif spec == "minilm":
        embedder = models.SentenceTransformerEmbedder(models.minilm_path())
        embedder.name = "st:all-MiniLM-L6-v2"
    elif spec.startswith("st:") and len(spec) > 3:
        embedder = models.SentenceTransformerEmbedder(spec[3:])
    else:
        raise ValueError(f"unknown embedder {spec!r}; choose one of {', '.join(EMBEDDER_NAMES)}")
    return CachedEmbedder(embedder, cache_path) if cache_path is not None else embedder


__all__ = ["CachedEmbedder", "DEFAULT_EMBEDDER", "Embedder", "EmbeddingError", "load_embedder", "normalize"]
