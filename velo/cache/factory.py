"""Build a ready semantic cache from names, as the CLI, benchmarks and services do."""

from __future__ import annotations

from pathlib import Path

from velo.cache.decision import HitRule, embedder_key, parse_rule
from velo.cache.features import HitFeaturizer
from velo.cache.semantic_cache import CacheConfig, SemanticCache
from velo.embedding import DEFAULT_EMBEDDER, embedder_name, load_embedder
from velo.embedding.recent import RecentEmbeddings
from velo.lang_id import LanguageIdentifier

DEFAULT_DIFF_EMBEDDER = "use-multilingual"
"""Embeds the few words two questions do not share: USE is ~5x faster than e5 on such snippets and
separated substitutions at least as well on our dev set."""


def open_cache(
    config: CacheConfig,
    *,
    embedder: str = DEFAULT_EMBEDDER,
    diff_embedder: str = DEFAULT_DIFF_EMBEDDER,
    rule: str = "default",
    embedding_cache: Path | None = None,
    languages: LanguageIdentifier | None = None,
) -> SemanticCache:
    """A SemanticCache with the named embedders and rule (`default`, `static:T` or a rule file); `languages` lets `und`
    match by its best guess (`SemanticCache.search`).

    The search embedder remembers its recent vectors (`RecentEmbeddings`): an exact repeat is not embedded again.
    """
    hit_rule = hit_rule_for(rule, embedder, diff_embedder)  # before any model loads: a bad rule costs nothing
    search = RecentEmbeddings(load_embedder(embedder, embedding_cache))
    diff = search if diff_embedder == embedder else load_embedder(diff_embedder)
    return SemanticCache(search, hit_rule, config, HitFeaturizer(search, diff), languages)


def hit_rule_for(rule: str = "default", embedder: str = DEFAULT_EMBEDDER, diff_embedder: str = DEFAULT_DIFF_EMBEDDER) -> HitRule:
    """The hit rule `open_cache` decides with for these names (`default`: the shipped rule of the embedder pair,
    `static:T`, or a rule file), without loading a model; ValueError / FileNotFoundError as `parse_rule`."""
    return parse_rule(rule, embedder_key(embedder_name(embedder), embedder_name(diff_embedder)))
