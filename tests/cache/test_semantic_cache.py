"""Integration tests of SemanticCache against real Milvus: embedded milvus-lite, milvus-lite server, Milvus standalone.

No mocks: real embedders (session fixtures), real Milvus, a fresh collection per test. Tests that need no
particular backend run on embedded milvus-lite only; the standalone server (seconds per collection) gets the
few tests that say something about a real deployment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.cache.backends import ALL_BACKENDS, EMBEDDED, EXACT, LITE_BACKENDS, MakeCache
from velo.cache import (
    CacheConfig,
    CacheInputError,
    CacheSchemaError,
    SemanticCache,
    StaticThreshold,
    parse_rule,
)
from velo.cache.decision import embedder_key
from velo.cache.features import HitFeaturizer
from velo.cache.semantic_cache import entry_id
from velo.embedding import Embedder
from velo.embedding.recent import RecentEmbeddings

REPO_ROOT = Path(__file__).resolve().parents[2]

QA = (
    ("What is the capital of Australia?", "Canberra.", "en"),
    ("How tall is Mount Everest?", "8,849 metres.", "en"),
    ("Who wrote Pride and Prejudice?", "Jane Austen.", "en"),
    ("How do I boil an egg?", "Simmer it for 7 to 9 minutes.", "en"),
    ("What is photosynthesis?", "Plants turning light, water and CO2 into sugar and oxygen.", "en"),
    ("Why is the sky blue?", "Rayleigh scattering of sunlight.", "en"),
)

def snapshot(cache: SemanticCache) -> list[tuple]:
    """Everything stored, in a comparable form."""
    return sorted(
        (e.id, e.question, e.answer, e.lang, e.namespace, e.source, e.created_at, e.hit_count, e.context_key)
        for e in cache.entries()
    )


def answers(cache: SemanticCache, namespace: str | None = None) -> dict[str, str]:
    return {e.question: e.answer for e in cache.entries(namespace)}


# ------------------------------------------------------------------------------------------------ basic operations


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_insert_lookup_write_back_delete(make_cache: MakeCache) -> None:
    cache = make_cache(top_k=4)
    entries = cache.insert_many(QA)
    assert len(cache) == len(QA) == len({e.id for e in entries})

    result = cache.lookup("How tall is Mount Everest?")
    sims = [n.similarity for n in result.neighbours]
    assert len(sims) == 4, "top_k neighbours when the collection holds more"
    assert sims == sorted(sims, reverse=True), "neighbours best first"
    assert result.neighbours[0].entry.question == "How tall is Mount Everest?" and sims[0] > 0.99
    assert result.answer == "8,849 metres."
    assert set(result.timings_ms) == {"embed", "search", "decide", "total"}

    # Write-back of the same question replaces the answer and keeps one entry; the same words in another
    # case are another text, so another entry (ids never merge two texts that differ).
    again = cache.insert("How tall is Mount Everest?", "8,848.86 metres.", lang="en")
    assert again.id == result.neighbours[0].entry.id
    assert len(cache) == len(QA)
    assert answers(cache)["How tall is Mount Everest?"] == "8,848.86 metres."
    assert cache.lookup("How tall is Mount Everest?").answer == "8,848.86 metres."
    lower = cache.insert("how tall is mount everest", "8,848.86 metres (2020 survey).", lang="en")
    assert lower.id != again.id and len(cache) == len(QA) + 1
    assert answers(cache)["How tall is Mount Everest?"] == "8,848.86 metres."
    assert cache.lookup("how tall is mount everest").answer == "8,848.86 metres (2020 survey)."
    assert cache.delete([lower.id]) == 1

    assert cache.delete([again.id, "no-such-id"]) == 1
    assert len(cache) == len(QA) - 1 == len(cache.entries())
    assert all(n.entry.id != again.id for n in cache.lookup("how tall is mount everest").neighbours)
    assert cache.delete([again.id]) == 0


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_an_answer_is_stored_as_written_control_characters_included(make_cache: MakeCache) -> None:
    """Only what is asked is held to `velo.control_chars`' rule; an LLM's answer is stored as it wrote it, and Milvus
    keeps every character (a NUL is not cut: a store that truncated at it would corrupt the answer), as are tab and
    line ends in a question."""
    cache = make_cache()
    answer = "Press \x1b[1mCtrl\x1b[0m+C.\x00 Then\tdone.\r\n"
    entry = cache.insert("How do I stop a program?\tIn a terminal\r\n", answer, lang="en")
    stored = [e for e in cache.entries() if e.id == entry.id]
    assert [(e.question, e.answer) for e in stored] == [("How do I stop a program?\tIn a terminal\r\n", answer)]
    assert cache.lookup("How do I stop a program?\tIn a terminal\r\n").answer == answer


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_questions_that_differ_only_in_operator_symbols_are_different_entries(make_cache: MakeCache) -> None:
    cache = make_cache()
    qa = [
        ("What does * do in Python?", "It unpacks an iterable (or multiplies).", "en"),
        ("What does ** do in Python?", "It unpacks a mapping (or raises to a power).", "en"),
        ("Is C++ hard to learn?", "Harder than most languages.", "en"),
        ("Is C# hard to learn?", "Not very, if you know Java.", "en"),
    ]
    entries = cache.insert_many(qa)
    assert len({e.id for e in entries}) == len(cache) == 4, "no write-back overwrote another question's answer"
    for question, answer, _ in qa:
        assert cache.lookup(question).answer == answer


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_top_k_of_search_and_small_collection(make_cache: MakeCache, e5: Embedder) -> None:
    cache = make_cache(top_k=10)
    cache.insert_many(QA[:3])
    result = cache.lookup("What is the capital of Australia?", record=False)
    assert len(result.neighbours) == 3, "a collection smaller than top_k returns all it has"
    (two,) = cache.search(e5.embed(["Who wrote Pride and Prejudice?"]), top_k=2)
    assert len(two) == 2 and two[0].entry.answer == "Jane Austen." and two[0].similarity >= two[1].similarity


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_namespaces_are_isolated(make_cache: MakeCache) -> None:
    cache = make_cache()
    question = "What is our refund policy?"
    cache.insert(question, "Tenant A: 30 days.", lang="en", namespace="tenant-a")
    miss = cache.lookup(question, namespace="tenant-b")
    assert miss.neighbours == () and miss.answer is None, "tenant B must never see tenant A's entries"

    cache.insert(question, "Tenant B: no refunds.", lang="en", namespace="tenant-b")
    assert len(cache) == 2
    assert cache.lookup(question, namespace="tenant-a").answer == "Tenant A: 30 days."
    assert cache.lookup(question, namespace="tenant-b").answer == "Tenant B: no refunds."
    assert cache.lookup(question).neighbours == (), "the default namespace is a namespace like any other"

    assert cache.clear_namespace("tenant-a") == 1
    assert cache.lookup(question, namespace="tenant-a").neighbours == ()
    assert cache.lookup(question, namespace="tenant-b").answer == "Tenant B: no refunds."


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_ttl_expired_entries_never_served_and_purged_on_write(make_cache: MakeCache) -> None:
    cache = make_cache(ttl_s=1.0)
    old = cache.insert(*QA[0][:2], lang="en")
    assert cache.lookup(QA[0][0]).answer == QA[0][1]
    time.sleep(1.2)
    expired = cache.lookup(QA[0][0])
    assert expired.neighbours == () and expired.answer is None, "an expired entry is never a candidate"
    assert len(cache) == 0 and cache.entries() == [], "an expired entry is not counted nor listed"

    fresh = cache.insert(*QA[1][:2], lang="en")
    assert len(cache) == 1 and [e.id for e in cache.entries()] == [fresh.id], f"{old.id} purged on write"
    # Writing an expired question back makes it fresh again.
    cache.insert(*QA[0][:2], lang="en")
    assert cache.lookup(QA[0][0]).answer == QA[0][1]


def _fill_and_use(cache: SemanticCache) -> dict[str, str]:
    """A, B, C inserted in that order; A served twice, then B once, then C once.

    Afterwards recency is A < B < C and frequency is B = C = 1 < A = 2: LRU evicts A, LFU evicts B (the
    less recent of the two least used).
    """
    ids = {}
    for name, (q, a, lang) in zip("ABC", QA[:3]):
        ids[name] = cache.insert(q, a, lang=lang).id
    for name in "AABC":
        result = cache.lookup(QA["ABC".index(name)][0])
        assert result.decision.hit and result.decision.neighbour.entry.id == ids[name]
    return ids


# LFU on every backend (it depends on hit counts written back to Milvus); LRU, to save a standalone collection, on milvus-lite.
EVICTIONS = [
    pytest.param(backend.values[0], eviction, evicted, marks=backend.marks, id=f"{eviction}-{backend.id}")
    for eviction, evicted, backends in [("lru", "A", LITE_BACKENDS), ("lfu", "B", ALL_BACKENDS)]
    for backend in backends
]


@pytest.mark.parametrize(("uri", "eviction", "evicted"), EVICTIONS, indirect=["uri"])
def test_capacity_eviction(make_cache: MakeCache, eviction: str, evicted: str) -> None:
    cache = make_cache(capacity=3, eviction=eviction)
    ids = _fill_and_use(cache)
    hits = {e.id: e.hit_count for e in cache.entries()}
    assert hits == {ids["A"]: 2, ids["B"]: 1, ids["C"]: 1}, "record_hit bumps the stored hit count"

    d = cache.insert(*QA[3][:2], lang="en")
    kept = {e.id for e in cache.entries()}
    assert len(cache) == 3 == len(kept)
    assert ids[evicted] not in kept and d.id in kept
    assert kept == {ids[n] for n in "ABC" if n != evicted} | {d.id}


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_write_back_of_a_cached_question_never_evicts(make_cache: MakeCache) -> None:
    cache = make_cache(capacity=2)
    cache.insert_many(QA[:2])
    before = {e.id for e in cache.entries()}
    cache.insert(QA[0][0], "A new answer.", lang="en")
    assert {e.id for e in cache.entries()} == before


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_write_back_updates_what_the_decision_sees(make_cache: MakeCache) -> None:
    cache = make_cache()
    question = "What is the capital of Australia?"
    cache.insert(question, "I like turtles.", lang="en")
    cache.lookup(question, record=False)
    cache.insert(question, "The capital of Australia is Canberra.", lang="en")
    after = cache.lookup(question, record=False).decision.features

    fresh = make_cache(collection=f"f_{uuid.uuid4().hex[:12]}")
    fresh.insert(question, "The capital of Australia is Canberra.", lang="en")
    expected = fresh.lookup(question, record=False).decision.features
    assert after.answer_relevance == pytest.approx(expected.answer_relevance, abs=1e-4)


@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_language_filter(make_cache: MakeCache) -> None:
    cache = make_cache(rule=StaticThreshold(0.8))
    cache.insert("What is the capital of Australia?", "Canberra.", lang="en")
    cache.insert("¿Cuál es la capital de Australia?", "Canberra.", lang="es")
    es = cache.lookup("¿Cuál es la capital de Australia?", lang="es")
    assert [n.entry.lang for n in es.neighbours] == ["es"]
    assert cache.lookup("Was ist die Hauptstadt von Australien?", lang="de").neighbours == ()
    assert {n.entry.lang for n in cache.lookup("What is the capital of Australia?").neighbours} == {"en", "es"}


@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_language_matches_on_the_primary_subtag(make_cache: MakeCache) -> None:
    """BCP 47: en-US is English. A lookup in en-US finds entries stored as en and the reverse; the code is stored
    as given (lower-cased); another language stays out."""
    cache = make_cache()
    cache.insert("What is the capital of Australia?", "Canberra.", lang="en")
    cache.insert("¿Cuál es la capital de Australia?", "Canberra.", lang="es-MX")
    cache.insert("澳大利亚的首都是哪里？", "堪培拉。", lang="zh-Hans")
    assert cache.lookup("What is the capital of Australia?", lang="en-US").answer == "Canberra."
    assert cache.lookup("What is the capital of Australia?", lang="EN").answer == "Canberra."
    assert [n.entry.lang for n in cache.lookup("¿Cuál es la capital de Australia?", lang="es").neighbours] == ["es-mx"]
    assert [n.entry.lang for n in cache.lookup("澳大利亚的首都是哪里？", lang="zh").neighbours] == ["zh-hans"]
    assert cache.lookup("What is the capital of Australia?", lang="et").neighbours == ()  # "es" is no prefix of "et"


@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_traditional_and_simplified_chinese_are_told_apart(make_cache: MakeCache) -> None:
    """Issue 8: a lookup in zh-Hant was served the Simplified answer. A reader of one script wants an answer in it: the
    script is the code's script subtag, else its region's (TW, HK, MO: Traditional), else Simplified (CLDR)."""
    cache = make_cache()
    cache.insert("澳大利亚的首都是哪里？", "堪培拉。", lang="zh-Hans")
    cache.insert("日本的首都是哪里？", "东京。", lang="zh")
    cache.insert("澳大利亞的首都是哪裡？", "坎培拉。", lang="zh-TW")
    cache.insert("加拿大的首都是哪裡？", "渥太華。", lang="zh-Hant")

    def found(lang: str) -> set[str]:
        return {n.entry.answer for n in cache.lookup("澳大利亞的首都是哪裡？", lang=lang, record=False).neighbours}

    for traditional in ("zh-Hant", "zh-TW", "zh-hk", "ZH-MO"):
        assert found(traditional) == {"坎培拉。", "渥太華。"}, traditional
    for simplified in ("zh", "zh-Hans", "zh-CN", "zh-SG"):
        assert found(simplified) == {"堪培拉。", "东京。"}, simplified
    assert cache.lookup("澳大利亞的首都是哪裡？", lang="zh-Hant", record=False).answer == "坎培拉。"
    with pytest.raises(CacheInputError, match="'zh' is told apart by script, and its scripts are Hans, Hant"):
        cache.lookup("澳大利亞的首都是哪裡？", lang="zh-Latn")
    # the same kind in another language: Serbian in Cyrillic (its default) and in Latin letters
    cache.insert("Који је главни град Србије?", "Београд.", lang="sr")
    cache.insert("Koji je glavni grad Srbije?", "Beograd.", lang="sr-Latn")
    for lang, answer in (("sr", "Београд."), ("sr-Cyrl", "Београд."), ("sr-RS", "Београд."), ("sr-Latn", "Beograd."), ("sr-ME", "Beograd.")):
        assert {n.entry.answer for n in cache.lookup("Koji je glavni grad Srbije?", lang=lang, record=False).neighbours} == {answer}, lang


def test_und_is_matched_as_its_best_guess_with_a_language_identifier(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Issue 8: an entry stored as `und` (the edge unsure of its language) was found by `und` requests only, and an
    `und` request found `und` entries of any language. With the edge's identifier, `und` counts as the language its
    question most probably is, on both sides; an `und` entry of another best guess stays out."""
    from velo.lang_id import LanguageIdentifier

    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection="und_guess", capacity=None)
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use), LanguageIdentifier(min_probability=0.8)) as cache:
        cache.insert("Capital of Germany?", "Berlin.", lang="und")  # en 0.26, de 0.16: unsure, best guess en
        cache.insert("dime la capital de peru", "Lima.", lang="und")  # es 0.56: unsure, best guess es
        cache.insert("What is the capital of Peru?", "Lima is the capital of Peru.", lang="en")
        cache.insert("¿Cuál es la capital de Alemania?", "Berlín.", lang="es")

        def found(question: str, lang: str) -> set[str]:
            return {n.entry.question for n in cache.lookup(question, lang=lang, record=False).neighbours}

        assert found("What is the capital of Germany?", "en") == {"Capital of Germany?", "What is the capital of Peru?"}
        assert found("¿Cuál es la capital de Perú?", "es") == {"dime la capital de peru", "¿Cuál es la capital de Alemania?"}
        assert found("Capital of France?", "und") == {"Capital of Germany?", "What is the capital of Peru?"}  # best guess en
        assert found("德国的首都是哪里？", "zh") == set()
        assert cache.lookup("What is the capital of Germany?", lang="en", record=False).answer == "Berlin."
        vectors = e5.embed(["Capital of Germany?"])  # by vector alone, no question to guess from: `und` finds `und`
        assert {n.entry.question for n in cache.search(vectors, langs=["und"])[0]} == {"Capital of Germany?", "dime la capital de peru"}
        with pytest.raises(CacheInputError, match="1 vectors need as many questions"):
            cache.search(vectors, langs=["und"], questions=["a", "b"])
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use)) as plain:  # no identifier: as before
        assert {n.entry.question for n in plain.lookup("What is the capital of Germany?", lang="en").neighbours} == {"What is the capital of Peru?"}


def test_und_keeps_simplified_and_traditional_apart(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Issue 8: `und` was matched as its best guess by primary language alone, so an `und` lookup of 頭髮 was served the
    头发 (zh-Hans) answer and an `und` entry 漢字 was served to Simplified lookups. The best guess now carries the script
    the characters are written in (`velo.scripts.written_script`), on both sides; `und` with a subtag is refused."""
    from velo.lang_id import LanguageIdentifier

    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection="und_script", capacity=None)
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use), LanguageIdentifier(min_probability=0.8)) as cache:
        cache.insert("头发", "头发是长在头上的毛发。", lang="zh-Hans")
        cache.insert("长城有多长？", "约21196公里。", lang="zh")
        cache.insert("漢字", "漢字是中文的文字。", lang="und")  # written back unsure (zh 0.60), Traditional characters

        def found(question: str, lang: str) -> set[str]:
            return {n.entry.question for n in cache.lookup(question, lang=lang, record=False).neighbours}

        for question in ("頭髮", "長城有多長？"):
            assert found(question, "und") == {"漢字"}, question  # a Traditional question: never a Simplified entry
        assert cache.lookup("長城有多長？", lang="und", record=False).decision.hit is False
        for simplified in ("zh", "zh-Hans", "zh-CN", "zh-SG"):
            assert "漢字" not in found("汉字", simplified), simplified
        assert "漢字" in found("汉字", "zh-Hant") and "漢字" in found("汉字", "zh-TW")
        assert found("头发", "und") == {"头发", "长城有多长？"}
        for code in ("und-Hant", "und-TW", "UND-Hans"):
            with pytest.raises(CacheInputError, match="'und' \\(undetermined\\) takes no subtag"):
                cache.lookup("漢字", lang=code)
            with pytest.raises(CacheInputError, match="takes no subtag"):
                cache.insert("漢字", "x", lang=code)
        assert len(cache) == 3


def test_a_lookup_without_a_language_is_identified_when_the_cache_has_an_identifier(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Issue 8: `lookup()` with `lang` omitted searched every language and script, so 長城有多長？ was served the
    Simplified answer (0.875), though the README says only entries of the request's language are candidates. With an
    identifier the question's language (best guess, with its script) is searched, as the edge does; without one, every
    language, as documented."""
    from velo.lang_id import LanguageIdentifier

    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection="no_lang", capacity=None)
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use), LanguageIdentifier(min_probability=0.8)) as cache:
        cache.insert("长城有多长？", "约21196公里。", lang="zh-Hans")
        cache.insert("How long is the Great Wall of China?", "About 21,196 km.", lang="en")
        cache.insert("漢字", "漢字是中文的文字。", lang="und")
        assert {n.entry.question for n in cache.lookup("長城有多長？", record=False).neighbours} == {"漢字"}
        assert cache.lookup("長城有多長？", record=False).decision.hit is False
        assert {n.entry.question for n in cache.lookup("长城有多长？", record=False).neighbours} == {"长城有多长？"}
        assert cache.lookup("How long is the Great Wall?", record=False).answer == "About 21,196 km."
        (found,) = cache.search(e5.embed(["長城有多長？"]), langs=[None], questions=["長城有多長？"])
        assert {n.entry.question for n in found} == {"漢字"}
    with SemanticCache(e5, StaticThreshold(0.8), config, HitFeaturizer(e5, use)) as plain:
        assert len(plain.lookup("長城有多長？", record=False).neighbours) == 3  # no identifier: every language

@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_full_bcp47_tags_are_read_by_script_and_region(make_cache: MakeCache) -> None:
    """Issue 8: zh-Hant-TW, zh-Hant-HK and zh-Hans-CN (what iOS and macOS send) were refused as "not a language code",
    while zh-yue was taken and read as Simplified and en-Cyrl, ja-Jpan silently. language[-script][-region] is parsed
    (BCP 47): the script subtag, else the region's, decides; extended language subtags and a script subtag of a
    language written in one script here are refused naming `lang`."""
    cache = make_cache()
    cache.insert("澳大利亞的首都是哪裡？", "坎培拉。", lang="zh-Hant-TW")
    cache.insert("香港的首都是哪裡？", "香港不是國家。", lang="zh-Hant-HK")
    cache.insert("澳大利亚的首都是哪里？", "堪培拉。", lang="zh-Hans-CN")
    cache.insert("台湾的首都是哪里？", "台北。", lang="zh-Hans-TW")  # the script subtag beats the region's
    cache.insert("What is the capital of Peru?", "Lima.", lang="es-419")  # a UN M.49 region: Spanish

    def found(lang: str) -> set[str]:
        return {n.entry.answer for n in cache.lookup("澳大利亞的首都是哪裡？", lang=lang, record=False).neighbours}

    for traditional in ("zh-Hant", "zh-TW", "zh-Hant-TW", "zh-Hant-HK", "zh-HK", "ZH-HANT-MO"):
        assert found(traditional) == {"坎培拉。", "香港不是國家。"}, traditional
    for simplified in ("zh", "zh-Hans", "zh-CN", "zh-Hans-CN", "zh-Hans-TW", "zh-SG"):
        assert found(simplified) == {"堪培拉。", "台北。"}, simplified
    assert cache.lookup("What is the capital of Peru?", lang="es", record=False).answer == "Lima."
    assert {e.lang for e in cache.entries()} == {"zh-hant-tw", "zh-hant-hk", "zh-hans-cn", "zh-hans-tw", "es-419"}
    refused = {
        "zh-yue": "not a language code", "zh-yue-HK": "not a language code", "en-Cyrl": "'en' is written in one script here",
        "ja-Jpan": "'ja' is written in one script here", "zh-Latn-TW": "'zh' is told apart by script", "zh-TW-Hant": "not a language code",
        "zh-Hant-TW-x": "not a language code", "und-Hant-TW": "takes no subtag",
    }
    for code, message in refused.items():
        for call in (lambda: cache.lookup("澳大利亞的首都是哪裡？", lang=code), lambda: cache.insert("新问题？", "a", lang=code)):
            with pytest.raises(CacheInputError, match=re.escape(message)):
                call()
    assert len(cache) == 5

@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_one_question_in_two_languages_or_scripts_is_two_entries(make_cache: MakeCache) -> None:
    """Issue 8: the entry id left the language out, so the same text written back in another language or script
    replaced the first entry (a zh-TW write-back overwrote the zh-Hans answer, a zh-SG one flipped it back). One entry
    per question and `lang_key`: regions of one script share it, scripts and languages do not."""
    cache = make_cache()
    hans = cache.insert("长城有多长？", "约21196公里（简体）", lang="zh")
    hant = cache.insert("长城有多长？", "約21196公里（繁體）", lang="zh-Hant")
    en = cache.insert("Gift", "A present.", lang="en")
    de = cache.insert("Gift", "Ein Giftstoff.", lang="de")
    assert len({hans.id, hant.id, en.id, de.id}) == 4 == len(cache)
    assert cache.lookup("长城有多长？", lang="zh", record=False).answer == "约21196公里（简体）"
    assert cache.lookup("长城有多长？", lang="zh-Hant", record=False).answer == "約21196公里（繁體）"
    assert cache.lookup("Gift", lang="en", record=False).answer == "A present."
    assert cache.lookup("Gift", lang="de", record=False).answer == "Ein Giftstoff."
    # regions of one script are one entry: a zh-TW write-back replaces the zh-Hant one, zh-SG the zh one (no thrashing)
    assert cache.insert("长城有多长？", "約21196公里。", lang="zh-TW").id == hant.id
    assert cache.insert("长城有多长？", "约21196公里。", lang="zh-SG").id == hans.id
    assert cache.insert("Gift", "A present (US).", lang="en-US").id == en.id
    assert len(cache) == 4
    assert entry_id("default", "", "Gift", "en-GB") == entry_id("default", "", "Gift", "EN") != entry_id("default", "", "Gift", "und")


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_a_schema_1_store_is_rekeyed_when_opened(make_cache: MakeCache) -> None:
    """Schema 1 ids (`sha256(namespace, context key, question)`) left the language out; a store written by it is given
    schema-2 ids when opened: every entry kept once, served as before, and a write-back of one replaces it."""
    import hashlib

    from velo.cache.keys import exact_key

    cache = make_cache()
    cache.insert_many(QA)
    before = {e.question: (e.answer, e.lang, e.hit_count) for e in cache.entries()}
    rows = cache.client.query(cache.config.collection, filter='id != ""', output_fields=["*"], limit=100)
    old = []
    for r in rows:  # what schema 1 wrote
        key = "\x1f".join((r["namespace"], r["context_key"], exact_key(r["question"])))
        old.append({**r, "id": hashlib.sha256(key.encode()).hexdigest()[:32], "embedding": [float(x) for x in r["embedding"]]})
    cache.client.delete(cache.config.collection, ids=[r["id"] for r in rows])
    cache.client.upsert(cache.config.collection, old)
    cache.client.alter_collection_properties(cache.config.collection, properties={"velo.schema": "1"})
    cache.close()

    reopened = make_cache()
    entries = reopened.entries()
    assert {e.question: (e.answer, e.lang, e.hit_count) for e in entries} == before and len(reopened) == len(QA)
    assert {e.id for e in entries} == {entry_id(e.namespace, e.context_key, e.question, e.lang) for e in entries}
    question, answer, lang = QA[0]
    assert reopened.lookup(question, lang=lang, record=False).answer == answer
    reopened.insert(question, "Rewritten.", lang=lang)
    assert len(reopened) == len(QA) == len(reopened.entries())
    props = reopened.client.describe_collection(reopened.config.collection)["properties"]
    assert props["velo.schema"] == "2"


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_empty_batches_are_empty(make_cache: MakeCache) -> None:
    cache = make_cache()
    cache.insert(*QA[0][:2], lang="en")
    assert cache.lookup_many([]) == []
    assert cache.insert_many([]) == []
    assert cache.search(np.zeros((0, 384), dtype=np.float32)) == []
    assert cache.decide_many([], [], []) == []
    assert len(cache) == 1


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_data_survives_client_reconnect(make_cache: MakeCache) -> None:
    first = make_cache()
    first.insert_many(QA[:3])
    first.insert("How old is he?", "62.", lang="en", context=["Who is Barack Obama?"])
    first.lookup(QA[0][0])
    stored = snapshot(first)
    first.close()

    second = make_cache()
    assert len(second) == 4 and snapshot(second) == stored
    assert {e.question: e.hit_count for e in second.entries()}[QA[0][0]] == 1
    assert second.lookup(QA[1][0]).answer == QA[1][1]
    assert second.lookup("How old is he?", context=["who is barack obama"]).answer == "62."


# Runs in a fresh interpreter: argv = uri, collection, JSON list of [question, answer, lang], question to serve twice.
_WRITER = """
import json, sys
from velo.cache import CacheConfig, SemanticCache, StaticThreshold
from velo.cache.features import HitFeaturizer
from velo.cache.semantic_cache import entry_id
from velo.embedding import load_embedder

e5 = load_embedder("e5-small")
cache = SemanticCache(e5, StaticThreshold(0.95), CacheConfig(uri=sys.argv[1], collection=sys.argv[2]), HitFeaturizer(e5))
cache.insert_many([tuple(item) for item in json.loads(sys.argv[3])])
for _ in range(2):
    assert cache.lookup(sys.argv[4]).decision.hit
cache.close()
"""


@pytest.mark.parametrize("uri", [EMBEDDED], indirect=True)
def test_entries_and_hit_counts_survive_process_restart(uri: str, make_cache: MakeCache) -> None:
    collection = f"p_{uuid.uuid4().hex[:12]}"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _WRITER, uri, collection, json.dumps(QA[:4]), QA[2][0]],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    cache = make_cache(collection=collection)
    assert len(cache) == 4
    stored = {e.question: (e.answer, e.hit_count) for e in cache.entries()}
    assert stored == {q: (a, 2 if q == QA[2][0] else 0) for q, a, _ in QA[:4]}
    assert cache.lookup(QA[3][0]).answer == QA[3][1]


@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_batch_calls_agree_with_single_calls(make_cache: MakeCache) -> None:
    batch = make_cache()
    single = make_cache(collection=f"s_{uuid.uuid4().hex[:12]}")
    contexts = [()] * 4 + [["Who is Barack Obama?"], ["Who is Lionel Messi?"]]
    batch_entries = batch.insert_many(QA, contexts=contexts)
    single_entries = [single.insert(q, a, lang=lang, context=ctx) for (q, a, lang), ctx in zip(QA, contexts)]
    assert [e.id for e in batch_entries] == [e.id for e in single_entries]
    assert sorted(s[:6] for s in snapshot(batch)) == sorted(s[:6] for s in snapshot(single))

    questions = ["How tall is Mount Everest?", "What is photosynthesis?", "Why is the sky blue?", "Where is Lima?"]
    q_contexts = [(), ["who is barack obama"], ["who is lionel messi"], ()]
    langs = ["en", None, "en", "en"]
    many = batch.lookup_many(questions, contexts=q_contexts, langs=langs, record=False)
    one = [batch.lookup(q, context=c, lang=lang, record=False) for q, c, lang in zip(questions, q_contexts, langs)]
    for m, o in zip(many, one):
        assert [n.entry.id for n in m.neighbours] == [n.entry.id for n in o.neighbours]
        np.testing.assert_allclose([n.similarity for n in m.neighbours], [n.similarity for n in o.neighbours], atol=1e-4)
        assert (m.decision.hit, m.answer) == (o.decision.hit, o.answer)
    assert [m.answer for m in many] == ["8,849 metres.", QA[4][1], QA[5][1], None]


@pytest.mark.parametrize("uri", LITE_BACKENDS, indirect=True)
def test_follow_up_answers_depend_on_the_conversation(make_cache: MakeCache) -> None:
    cache = make_cache()
    obama = cache.insert("How old is he?", "Barack Obama was born in 1961.", lang="en", context=["Who is Barack Obama?"])
    messi = cache.insert("How old is he?", "Lionel Messi was born in 1987.", lang="en", context=["Who is Lionel Messi?"])
    assert obama.id != messi.id and len(cache) == 2

    assert cache.lookup("How old is he?", context=["Who is Barack Obama?"]).answer == obama.answer
    assert cache.lookup("How old is he?", context=["Who is Lionel Messi?"]).answer == messi.answer
    # The same conversation written differently (case, punctuation) is the same context.
    assert cache.lookup("how old is he", context=["WHO is barack obama!!"]).answer == obama.answer
    for context in [(), ["Who is Cristiano Ronaldo?"], ["Who is Barack Obama?", "Who is Lionel Messi?"]]:
        result = cache.lookup("How old is he?", context=context)
        assert result.neighbours == () and result.answer is None, context


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("uri", ALL_BACKENDS, indirect=True)
def test_other_embedder_on_same_collection_is_refused(make_cache: MakeCache, e5: Embedder, use: Embedder) -> None:
    cache = make_cache()
    cache.insert_many(QA[:3])
    stored = snapshot(cache)
    cache.close()

    with pytest.raises(CacheSchemaError) as err:
        make_cache(embedder=use)
    assert e5.name in str(err.value) and use.name in str(err.value)

    reopened = make_cache(embedder=e5)
    assert snapshot(reopened) == stored
    assert reopened.lookup(QA[0][0]).answer == QA[0][1]


@pytest.fixture(scope="module")
def filled_cache(tmp_path_factory: pytest.TempPathFactory, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    """One embedded cache shared by the bad-input cases: each must leave it exactly as it was."""
    cfg = CacheConfig(uri=str(tmp_path_factory.mktemp("bad-input") / "cache.db"), collection="bad_input")
    with SemanticCache(e5, EXACT, cfg, HitFeaturizer(e5, use)) as cache:
        cache.insert_many(QA[:3])
        cache.insert("How old is he?", "62.", lang="en", namespace="tenant-a", context=["Who is Barack Obama?"])
        yield cache


def _vector(dim: int, fill: float = 0.1) -> np.ndarray:
    return np.full(dim, fill, dtype=np.float32)


NAN = float("nan")
BAD_INPUTS: dict[str, tuple[Callable[[SemanticCache], object], str]] = {
    "empty question": (lambda c: c.insert("", "a", lang="en"), "question #0 is empty"),
    "whitespace question": (lambda c: c.insert(" \t\n", "a", lang="en"), "question #0 is empty"),
    # nc40: only invisible format characters (zero-width space, byte-order mark, joiners) show nothing: empty
    "zero-width question": (lambda c: c.insert("\u200b\u200b", "a", lang="en"), "question #0 is empty"),
    "byte-order-mark answer": (lambda c: c.insert("New question?", "\ufeff", lang="en"), "answer #0 is empty"),
    "lookup joiners only": (lambda c: c.lookup("\u200d \u200c"), "question is empty"),
    # nc41: Hangul fillers, the blank braille cell and marks with no letter show nothing either
    "hangul-filler question": (lambda c: c.insert("\u3164\u3164", "a", lang="ko"), "question #0 is empty"),
    "braille-blank answer": (lambda c: c.insert("New question?", "\u2800", lang="en"), "answer #0 is empty"),
    "lookup lone marks": (lambda c: c.lookup("\ufe0f\u0301"), "question is empty"),
    "oversized question": (lambda c: c.insert("x" * 8001, "a", lang="en"), "question #0 has 8001 characters"),
    "empty answer": (lambda c: c.insert("New question?", "", lang="en"), "answer #0 is empty"),
    "whitespace answer": (lambda c: c.insert("New question?", "  \n", lang="en"), "answer #0 is empty"),
    "oversized answer": (lambda c: c.insert("New question?", "y" * 8001, lang="en"), "answer #0 has 8001 characters"),
    "int question": (lambda c: c.insert(42, "a", lang="en"), "question #0 must be a string, got int"),
    "bytes question": (lambda c: c.insert(b"What?", "a", lang="en"), "question #0 must be a string, got bytes"),
    "None answer": (lambda c: c.insert("New question?", None, lang="en"), "answer #0 must be a string, got NoneType"),
    "short vector": (lambda c: c.insert("New question?", "a", lang="en", vector=_vector(383)), "dimension 384"),
    "USE-sized vector": (lambda c: c.insert("New question?", "a", lang="en", vector=_vector(512)), "dimension 384"),
    "NaN vector": (lambda c: c.insert("New question?", "a", lang="en", vector=_vector(384, NAN)), "NaN"),
    "inf vector": (lambda c: c.insert("New question?", "a", lang="en", vector=_vector(384, float("inf"))), "infinity"),
    "NaN search": (lambda c: c.search(_vector(384, NAN)[None, :]), "NaN"),
    "wrong-dim search": (lambda c: c.search(np.ones((1, 512), dtype=np.float32)), "dimension 384"),
    "1-d search": (lambda c: c.search(_vector(384)), "dimension 384"),
    "one bad item in a batch": (
        lambda c: c.insert_many([("Fine question?", "fine", "en"), ("   ", "a", "en")]), "question #1 is empty"
    ),
    "contexts of another length": (
        lambda c: c.insert_many([("Q1?", "a", "en"), ("Q2?", "b", "en")], contexts=[()]), "2 items but 1 contexts"
    ),
    "lookup empty question": (lambda c: c.lookup(""), "question is empty"),
    "lookup non-string": (lambda c: c.lookup(["a list"]), "question must be a string, got list"),
    "lookup_many one bad": (lambda c: c.lookup_many(["Why is the sky blue?", 3.0]), "question #1 must be a string"),
    "lookup oversized": (lambda c: c.lookup("z" * 9000), "9000 characters"),
    "lang word": (lambda c: c.insert("New question?", "a", lang="english"), "lang #0 ('english')"),
    "lang empty": (lambda c: c.insert("New question?", "a", lang=""), "lang #0 ('')"),
    "lang injection": (lambda c: c.insert("New question?", "a", lang='en" or "1'), "is not a language code"),
    "lang None": (lambda c: c.insert("New question?", "a", lang=None), "lang #0 (None)"),
    "lookup lang injection": (lambda c: c.lookup("Why is the sky blue?", lang='en" or lang != "x'), "language code"),
    "lookup lang underscore": (lambda c: c.lookup("Why is the sky blue?", lang="en_US"), "language code"),
    "lang not ISO 639-1": (lambda c: c.insert("New question?", "a", lang="xx"), "lang #0 ('xx') is not a language code: an ISO 639-1"),
    "lang of three letters": (lambda c: c.insert("New question?", "a", lang="xyz"), "lang #0 ('xyz')"),
    "lang und-like but not und": (lambda c: c.insert("New question?", "a", lang="unk"), "or 'und' (undetermined)"),
    "lookup lang not ISO 639-1": (lambda c: c.lookup("Why is the sky blue?", lang="xx"), "('xx') is not a language code"),
    "context of numbers": (lambda c: c.insert("New question?", "a", lang="en", context=[1, 2]), "context turn #0 must be a string, got int"),
    "context a string": (lambda c: c.insert("New question?", "a", lang="en", context="Who is Messi?"), "context must be a list"),
    "lookup context a string": (lambda c: c.lookup("Why is the sky blue?", context="Who is Messi?"), "context must be a list"),
    "lookup context of numbers": (lambda c: c.lookup("Why is the sky blue?", context=[None]), "context turn #0 must be a string"),
    "delete a string": (lambda c: c.delete("abc"), "ids must be a list of entry ids, got str"),
    "delete non-string ids": (lambda c: c.delete([1, 2]), "ids must be strings, got int"),
    "question lone surrogate": (lambda c: c.insert("Why \ud83d?", "a", lang="en"), "question #0 is not valid Unicode text"),
    "answer lone surrogate": (lambda c: c.insert("New question?", "a \udc00", lang="en"), "answer #0 is not valid Unicode"),
    "lookup lone surrogate": (lambda c: c.lookup("Why \ud83d?"), "question is not valid Unicode"),
    "context lone surrogate": (lambda c: c.insert("New question?", "a", lang="en", context=["hi \ud83d"]), "context turn #0 is not valid"),
    # issue 8 finding 1: a NUL (or another control character but tab and line ends) in what is asked; `velo.control_chars`
    "question NUL": (lambda c: c.insert("Why\x00?", "a", lang="en"), "question #0 holds the control character U+0000 (NUL) at character 3"),
    "question ESC": (lambda c: c.insert("New \x1b[1mquestion?", "a", lang="en"), "question #0 holds the control character U+001B (ESC) at character 4"),
    "lookup NUL": (lambda c: c.lookup("Why is the sky blue?\x00"), "question holds the control character U+0000 (NUL) at character 20"),
    "lookup_many NUL": (lambda c: c.lookup_many(["Why is the sky blue?", "Why\x07"]), "question #1 holds the control character U+0007 (BEL)"),
    "context NUL": (lambda c: c.insert("New question?", "a", lang="en", context=["hi\x00"]), "context turn #0 holds the control character U+0000"),
    "lookup context NUL": (lambda c: c.lookup("Why is the sky blue?", context=["\x00"]), "context turn #0 holds the control character"),
    "zero vector": (lambda c: c.insert("New question?", "a", lang="en", vector=np.zeros(384, dtype=np.float32)), "vector #0 is all zeros"),
    "zero search vector": (lambda c: c.search(np.zeros((1, 384), dtype=np.float32)), "vector #0 is all zeros"),
    "lookup_many a string": (lambda c: c.lookup_many("What is the capital of Australia?"), "questions must be a list of questions"),
    "insert_many a tuple": (lambda c: c.insert_many(("Q?", "a", "en")), "item #0 must be a (question, answer, lang) tuple"),
    "insert_many a string": (lambda c: c.insert_many("Q?"), "items must be a list"),
    "decide_many a string": (lambda c: c.decide_many("Q?", np.ones((3, 384)), [(), (), ()]), "questions must be a list"),
}
for _ns in ['a"b', "x or 1==1", "", "a" * 65, "tenant a", "ténant", "a\\", "*"]:
    BAD_INPUTS[f"insert namespace {_ns[:12]!r}"] = (
        lambda c, ns=_ns: c.insert("New question?", "a", lang="en", namespace=ns), "namespace"
    )
    BAD_INPUTS[f"lookup namespace {_ns[:12]!r}"] = (lambda c, ns=_ns: c.lookup("Why is the sky blue?", namespace=ns), "namespace")
BAD_INPUTS["clear namespace injection"] = (lambda c: c.clear_namespace('x" or namespace != "'), "namespace")
BAD_INPUTS["entries namespace injection"] = (lambda c: c.entries('default" or id != "'), "namespace")
BAD_INPUTS["namespace None"] = (lambda c: c.insert("New question?", "a", lang="en", namespace=None), "namespace None")


@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_is_refused_and_damages_nothing(filled_cache: SemanticCache, case: str) -> None:
    call, message = BAD_INPUTS[case]
    before, count = snapshot(filled_cache), len(filled_cache)
    with pytest.raises(CacheInputError, match=re.escape(message)):
        call(filled_cache)
    assert len(filled_cache) == count
    assert snapshot(filled_cache) == before
    assert filled_cache.lookup(QA[0][0], record=False).answer == QA[0][1]


@pytest.mark.parametrize("case", ["namespace", "lang"])
def test_trailing_newline_is_refused(filled_cache: SemanticCache, case: str) -> None:
    before = snapshot(filled_cache)
    kwargs = {"namespace": "tenant\n", "lang": "en"} if case == "namespace" else {"lang": "en\n"}
    try:
        with pytest.raises(CacheInputError):
            filled_cache.insert("A question with a bad key?", "a", **kwargs)
    finally:
        # Leave the shared cache as it was even while the bug is there.
        filled_cache.delete([e[0] for e in snapshot(filled_cache) if e not in before])


# ------------------------------------------------------------------------------------------------ the decision path


def test_a_cached_question_asked_again_is_embedded_by_neither_model(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Stored questions' vectors (e5) and second-embedder vectors (USE) are kept at write time: a word-for-word
    repeat costs no model call, and is decided exactly as by a cache that embeds everything afresh."""
    search, alt = RecentEmbeddings(e5), RecentEmbeddings(use)
    rule = parse_rule("default", embedder_key(e5.name, use.name))
    questions = [q for q, _, _ in QA]
    with SemanticCache(search, rule, CacheConfig(uri=str(tmp_path / "kept.db")), HitFeaturizer(search, alt)) as kept, \
         SemanticCache(e5, rule, CacheConfig(uri=str(tmp_path / "fresh.db")), HitFeaturizer(e5, use)) as fresh:
        vectors = e5.embed(questions)  # as a write-back passes its lookup's vector
        kept.insert_many(QA, vectors=vectors)
        fresh.insert_many(QA, vectors=vectors)
        before = (search.misses, alt.misses)
        repeat = kept.lookup(QA[1][0], lang="en", record=False)
        assert (search.misses, alt.misses) == before
        assert repeat.decision.hit and repeat.answer == QA[1][1]
        again = fresh.lookup(QA[1][0], lang="en", record=False)
        assert repeat.decision.features == again.decision.features and repeat.decision.score == again.decision.score
        # a reworded question is embedded by both (once: its vector is then kept like any request's)
        kept.lookup("How high is Mount Everest?", lang="en", record=False)
        assert search.misses == before[0] + 1 and alt.misses > before[1]


def test_a_bad_language_or_context_is_refused_before_any_embedding(tmp_path: Path, e5: Embedder, use: Embedder) -> None:
    """Every argument of a lookup is checked before the costly work: a bad `lang` or context costs no model call."""
    search, alt = RecentEmbeddings(e5), RecentEmbeddings(use)
    rule = parse_rule("default", embedder_key(e5.name, use.name))
    with SemanticCache(search, rule, CacheConfig(uri=str(tmp_path / "c.db")), HitFeaturizer(search, alt)) as cache:
        bad_calls = {
            "lang #1 ('english')": lambda: cache.lookup_many(["Why is the sky blue?", "Who wrote Faust?"], langs=["en", "english"]),
            "is not a language code": lambda: cache.lookup("How high is Mount Everest?", lang="xx"),
            "context must be a list": lambda: cache.lookup("How high is Mount Everest?", context="Who is Messi?"),
            "2 requests need as many contexts and languages": lambda: cache.lookup_many(["Q one?", "Q two?"], langs=["en"]),
        }
        for message, call in bad_calls.items():
            with pytest.raises(CacheInputError, match=re.escape(message)):
                call()
        assert (search.misses, alt.misses) == (0, 0)
        cache.lookup("How high is Mount Everest?", lang="en")
        assert search.misses == 1


def test_decide_many_decides_each_request_as_decide_does(filled_cache: SemanticCache, e5: Embedder) -> None:
    cache = filled_cache
    questions = ["How high is Mount Everest?", "Who wrote Pride and Prejudice?", "What is the capital of Austria?"]
    vectors = e5.embed(questions)
    found = [*cache.search(vectors[:2], langs=["en", "en"]), ()]  # the last: no neighbour at all
    many = cache.decide_many(questions, vectors, found)
    one = [cache.decide(q, v, n) for q, v, n in zip(questions, vectors, found)]
    assert [(d.hit, d.score, d.features) for d in many] == [(d.hit, d.score, d.features) for d in one]
    assert many[2].neighbour is None and not many[2].hit
    with pytest.raises(CacheInputError, match="3 questions need as many vectors and neighbour lists"):
        cache.decide_many(questions, vectors[:2], found)
