"""An `und` lookup whose question the caller identified already (the edge server does, to choose the request's language)
is matched as the caller's best guess: the same neighbours, without identifying the question a second time."""

from __future__ import annotations

from pathlib import Path

import pytest

from velo.cache import CacheConfig, CacheInputError, SemanticCache, StaticThreshold
from velo.cache.features import HitFeaturizer
from velo.embedding import Embedder
from velo.lang_id import Identified, LanguageIdentifier


class RecordingIdentifier(LanguageIdentifier):
    """The real identifier, recording the texts it was asked to identify."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.texts: list[str] = []

    def identify(self, text: str) -> Identified:
        self.texts.append(text)
        return super().identify(text)


def test_a_guess_given_with_the_question_is_not_identified_again(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    languages = RecordingIdentifier(min_probability=0.8)
    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection="given_guess", capacity=None)
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use), languages) as cache:
        cache.insert("What is the capital of Germany?", "Berlin.", lang="en")
        cache.insert("¿Cuál es la capital de Alemania?", "Berlín.", lang="es")
        cache.insert("長城有多長？", "約21196公里。", lang="zh-Hant")
        for question in ("Capital of France?", "長城"):
            identified = languages.identify(question)
            assert identified.lang == "und", identified  # unsure: matched as its best guess (en; zh-Hant)
            languages.texts.clear()
            itself = cache.lookup(question, lang="und", record=False)
            assert languages.texts == [question]
            languages.texts.clear()
            given = cache.lookup(question, lang="und", record=False, guess=identified.guess)
            assert languages.texts == []
            assert [n.entry.id for n in given.neighbours] == [n.entry.id for n in itself.neighbours] != []
        for bad, message in (("und", "guess #0 is 'und'"), ("english", "guess #0 \\('english'\\) is not a language code")):
            with pytest.raises(CacheInputError, match=message):
                cache.lookup("Capital of France?", lang="und", guess=bad)
        with pytest.raises(CacheInputError, match="2 questions need as many guesses, got 1"):
            cache.lookup_many(["a", "b"], guesses=["en"])
