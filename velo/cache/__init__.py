"""The semantic cache: Milvus storage, hit-decision features and rules."""

from velo.cache.decision import (
    HitRule,
    LogisticHitRule,
    StaticThreshold,
    default_rule,
    parse_rule,
)
from velo.cache.input_checks import CacheInputError
from velo.cache.milvus_client import CacheLockedError, CacheUnreachableError
from velo.cache.semantic_cache import CacheConfig, CacheSchemaError, SemanticCache

__all__ = [
    "CacheConfig", "CacheInputError", "CacheLockedError", "CacheSchemaError", "CacheUnreachableError", "HitRule", "LogisticHitRule", "SemanticCache",
    "StaticThreshold", "default_rule", "parse_rule",
]
