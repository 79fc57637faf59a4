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
        embedder.name = embedder_name(spec)
    elif spec.startswith("st:") and len(spec) > 3:
        embedder = models.SentenceTransformerEmbedder(spec[3:])
    else:
        raise ValueError(f"unknown embedder {spec!r}; choose one of {', '.join(EMBEDDER_NAMES)}")
    return CachedEmbedder(embedder, cache_path) if cache_path is not None else embedder


def embedder_name(spec: str) -> str:
    """The `name` of the embedder `load_embedder(spec)` builds (what a hit rule is calibrated for), without loading it."""
    from velo.embedding import models

    names = {"e5-small": models.E5SmallEmbedder.name, "use-multilingual": models.USEMultilingualEmbedder.name,
             "minilm": "st:all-MiniLM-L6-v2"}
    if spec in names:
        return names[spec]
    if spec.startswith("st:") and len(spec) > 3:
        return spec  # SentenceTransformerEmbedder names itself st:<model name or path>
    raise ValueError(f"unknown embedder {spec!r}; choose one of {', '.join(EMBEDDER_NAMES)}")


__all__ = ["CachedEmbedder", "DEFAULT_EMBEDDER", "Embedder", "EmbeddingError", "embedder_name", "load_embedder", "normalize"]
