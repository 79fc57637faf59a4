"""The edge's language identification (`velo.lang_id`) with the real py3langid model: Chinese comes with its script."""

from __future__ import annotations

import numpy as np
import pytest

from velo.lang_id import LanguageIdentifier
from velo.observation import LANG_INDEX, ObservationLayout, encode_request
from velo.scripts import written_script
from velo.zh_script import chinese_script


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return LanguageIdentifier(min_probability=0.8)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("澳大利亞的首都是哪裡？", "zh-Hant"),  # issue 8: Traditional was plain "zh", served Simplified answers
        ("為什麼天空是藍色的？", "zh-Hant"),
        ("你們這個週末有什麼計劃嗎？", "zh-Hant"),
        ("澳大利亚的首都是哪里？", "zh-Hans"),
        ("为什么天空是蓝色的？", "zh-Hans"),
        ("北京的人口是多少", "zh"),  # written alike in both scripts: the cache reads bare zh as Simplified
        ("What is the capital of Australia?", "en"),
        ("¿Cuál es la capital de Australia?", "es"),
        ("Was ist die Hauptstadt von Australien?", "de"),
        ("Какая столица Австралии?", "ru"),
    ],
)
def test_chinese_is_identified_with_its_script(ident: LanguageIdentifier, question: str, lang: str) -> None:
    assert ident.identify(question).lang == lang


@pytest.mark.parametrize(
    ("text", "script"),
    [("这个", "hans"), ("這個", "hant"), ("后面", None), ("後面", "hant"), ("头发", "hans"), ("頭髮", "hant"), ("abc", None)],
)
def test_only_characters_of_one_script_tell_it(text: str, script: str | None) -> None:
    assert chinese_script(text) == script  # 后 is a form in both scripts (後 / 后 "queen"): it tells nothing


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("Koji je glavni grad Srbije?", "sr-Latn"),  # the same kind: Serbian is written in two scripts
        ("Који је главни град Србије?", "sr-Cyrl"),
        ("Kako da naučim da programiram?", "sr-Latn"),
        ("What is the capital of Serbia?", "en"),
    ],
)
def test_serbian_is_identified_with_its_script_when_a_candidate(question: str, lang: str) -> None:
    assert LanguageIdentifier(["sr", "en", "ru", "de"], 0.8).identify(question).lang == lang


@pytest.mark.parametrize(
    ("text", "lang", "script"),
    [("Који је главни град?", "sr", "cyrl"), ("Koji je glavni grad?", "sr", "latn"), ("ਪੰਜਾਬੀ", "pa", "guru"),
     ("پنجابی", "pa", "arab"), ("12345?", "sr", None), ("What?", "en", None)],
)
def test_the_script_of_a_language_written_in_several(text: str, lang: str, script: str | None) -> None:
    assert written_script(text, lang) == script


def test_a_code_with_a_script_or_region_observes_its_language() -> None:
    layout = ObservationLayout(4, 2)
    for code in ("zh-Hant", "zh-TW", "zh-hans", "en-US"):
        obs = encode_request(layout, np.zeros(4, np.float32), code, False)
        segment = obs[layout.offsets["language"] : layout.offsets["language"] + len(LANG_INDEX) + 1]
        assert segment.argmax() == LANG_INDEX[code[:2].lower()], code


def test_identifiable_is_what_the_model_knows_and_the_cache_accepts(ident: LanguageIdentifier) -> None:
    from velo.cache.lang_codes import ISO_639_1
    from velo.lang_id import IDENTIFIABLE

    assert IDENTIFIABLE == set(ident._model._full_model[2]) & ISO_639_1  # every class, not only the candidates


@pytest.mark.parametrize(("languages", "message"), [
    (["en", "xx"], "'xx' is not a language the identifier knows"),
    (["zh-Hant", "en"], "'zh-Hant' is not a language the identifier knows"),
    (["yue"], "'yue' is not a language"),
    ([], "non-empty list"),
    (["en", "en"], "twice"),
])
def test_bad_candidates_are_refused_before_the_model_loads(languages: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LanguageIdentifier(languages)


@pytest.mark.parametrize("mark", ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u200f", "\u2066"])
def test_characters_that_draw_nothing_are_no_evidence_of_a_language(ident: LanguageIdentifier, mark: str) -> None:
    """nc46: "What\u200b is\u200b the\u200b largest\u200b planet ..." (a zero-width space after each word) was `und`, so the
    cache compared it with `und` entries only and missed its `en` entry; the identifier now reads it without them
    (`velo.control_chars.UNDRAWN`), as the hit rule's readers do."""
    for plain in ("What is the largest planet in the solar system?", "Wie viele Beine hat eine Spinne?", "Какая столица Японии?"):
        marked = " ".join(f"{word}{mark}" for word in plain.split(" "))
        assert ident.identify(marked) == ident.identify(plain), (plain, mark)
