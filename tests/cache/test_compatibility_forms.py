"""A question written in compatibility forms (full-width Latin and digits, a ligature, "㎞", half-width katakana) is the
question written plainly, also where the cache chooses the language it searches (after rule format 32, a newcomer's
finding: "Ｗｈａｔ ｉｓ ｐｙｔｈｏｎ？" against a cached "What is python?" had no neighbour, its similarity None).

The mechanism: the hit features and e5 fold these forms already (`text.tokens` is NFKC: the pair is the same words at
1.000), but py3langid read the full-width letters' three-byte UTF-8 as CJK, so the question was "und" with best guess
zh, or zh outright, and was searched among Chinese entries only (`SemanticCache` with a `LanguageIdentifier`, as the
edge server opens it). `velo.lang_id.compatibility_letters_folded` now folds them before identifying. Real e5 + USE
embedders, real embedded Milvus, the real py3langid model and the shipped rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from velo.cache import CacheConfig, SemanticCache, default_rule
from velo.cache.decision import embedder_key
from velo.cache.features import HitFeaturizer
from velo.embedding import Embedder
from velo.lang_id import LanguageIdentifier, compatibility_letters_folded

# (cached question, request): before, the request's language was und / zh and the lookup found no neighbour.
FOLDED = [
    ("What is python?", "Ｗｈａｔ　ｉｓ　ｐｙｔｈｏｎ？"),
    ("What is python?", "Ｗｈａｔ ｉｓ ｐｙｔｈｏｎ?"),
    ("Что такое Python?", "Что такое Ｐｙｔｈｏｎ？"),
    ("¿Qué es la fotosíntesis?", "¿Ｑｕé ｅｓ ｌａ ｆｏｔｏｓíｎｔｅｓｉｓ？"),
    ("How do I install Python 3?", "Ｈｏｗ ｄｏ Ｉ ｉｎｓｔａｌｌ Ｐｙｔｈｏｎ ３？"),
    ("Was ist Photosynthese?", "Ｗａｓ ｉｓｔ Ｐｈｏｔｏｓｙｎｔｈｅｓｅ？"),
    # found before too (identified alike): other compatibility forms
    ("What is the file system?", "What is the ﬁle system?"),
    ("How far is 5 km?", "How far is 5 ㎞?"),
    ("Python是什么？", "Ｐｙｔｈｏｎ是什么？"),
]


_IDENTIFIER = LanguageIdentifier(min_probability=0.8)
"""The edge server's identifier (its default minimum probability)."""


@pytest.fixture(scope="module")
def identified_cache(tmp_path_factory: pytest.TempPathFactory, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    """The shipped rule, with the edge's language identifier (its default minimum probability, 0.8)."""
    config = CacheConfig(uri=str(tmp_path_factory.mktemp("compat") / "cache.db"), collection="compat", capacity=None)
    rule = default_rule(embedder_key(e5.name, use.name))
    with SemanticCache(e5, rule, config, HitFeaturizer(e5, use), _IDENTIFIER) as cache:
        yield cache


@pytest.mark.parametrize(("cached", "request_"), FOLDED)
def test_a_question_in_compatibility_forms_finds_and_is_served_its_plain_twin(
    identified_cache: SemanticCache, cached: str, request_: str
) -> None:
    namespace = f"c{FOLDED.index((cached, request_))}"
    # each under the language the edge identifies it as (`services.edge_serving.EdgeServer.request_lang`)
    identified_cache.insert(cached, f"the answer to {cached}", lang=_IDENTIFIER.identify(cached).lang, namespace=namespace)
    asked = _IDENTIFIER.identify(request_)
    found = identified_cache.lookup(request_, namespace=namespace, lang=asked.lang, guess=asked.guess, record=False)
    assert found.neighbours and isinstance(found.neighbours[0].similarity, float)
    assert found.answer == f"the answer to {cached}" and found.decision.score == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize(("cached", "request_"), FOLDED)
def test_the_folded_question_is_identified_as_the_plain_one(cached: str, request_: str) -> None:
    assert _IDENTIFIER.identify(request_).guess == _IDENTIFIER.identify(cached).guess
    assert _IDENTIFIER.identify(request_).lang == _IDENTIFIER.identify(cached).lang


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Ｗｈａｔ　ｉｓ　ｐｙｔｈｏｎ？", "What is python?"), ("ﬁle ①", "file 1"), ("5 ㎞", "5 km"),
        ("ｺﾝﾋﾟｭｰﾀｰとは", "コンピューターとは"),  # the half-width sound mark joins its kana
        ("嗨！", "嗨！"), ("您好！", "您好！"), ("1+1=？", "1+1=？"),  # after a CJK character or a sign: Chinese punctuation
        ("Ｐｙｔｈｏｎ是什么？", "Python是什么？"),
    ],
)
def test_compatibility_letters_are_folded_and_chinese_punctuation_kept(written: str, folded: str) -> None:
    assert compatibility_letters_folded(written) == folded
