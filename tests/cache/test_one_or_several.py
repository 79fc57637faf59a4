"""One thing asked for against several of it without a number: studied after rule format 30, no veto shipped.

A newcomer graded HIGH that "Tell me a joke." / "Tell me jokes." is served (0.994 here). A veto read only where a
request asks for one ("a", "un", "einen", a Russian bare singular) and the other for several of the same noun (a bare
plural, "some", "unos", "ein paar", "несколько") was built and replayed (docs/hit-rule-formats.md, "After format 30,
before its bump"): on the 6,842 labelled pairs outside dev and the environment's test split it vetoed no right pair and
refused no look-alike, since none of that kind is labelled. The decision rule fixed beforehand ships a veto only if it
vetoes fewer right pairs than it refuses look-alikes; 0 is not fewer than 0, so the model decides, as the README says.

These tests pin both halves of that statement on the shipped rule (real e5 + USE embedders, real embedded Milvus): a
singular or plural switched in a question about a kind of thing is a rewording and served, whatever veto comes; the
kind itself is served or refused by the model at today's scores, so a change to it shows here. The one thing a
superlative picks out against several ("the largest planet" / "the largest planets") is vetoed since place43 (after
format 33): tests/cache/test_superlative_number.py.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache

# (cached question, request, score) with the answer "the answer to {cached}" (/work/scratch/plural32/score.py p3.py).
KIND_SWITCHED = [
    ("What is the benefit of exercise?", "What are the benefits of exercise?", 0.999),
    ("Why do cats purr?", "Why does a cat purr?", 1.0),
    ("How do I write a function in Python?", "How do I write functions in Python?", 0.990),
    ("¿Cuál es el beneficio del ejercicio?", "¿Cuáles son los beneficios del ejercicio?", 1.0),
    ("¿Por qué ronronean los gatos?", "¿Por qué ronronea un gato?", 1.0),
    ("Was ist der Vorteil von Sport?", "Was sind die Vorteile von Sport?", 0.998),
    ("Warum schnurren Katzen?", "Warum schnurrt eine Katze?", 0.999),
    ("Почему кошки мурлычут?", "Почему кошка мурлычет?", 1.0),
]

# (cached question, request, served, score): one asked for against several without a number, left to the model.
ONE_OR_SEVERAL = [
    ("Tell me a joke.", "Tell me jokes.", True, 0.994),
    ("Tell me a joke.", "Tell me some jokes.", True, 0.985),
    ("Tell me a joke.", "Tell me several jokes.", False, 0.894),
    ("Recommend a book about history.", "Recommend several books about history.", True, 0.945),
    ("Cuéntame un chiste.", "Cuéntame unos chistes.", True, 0.999),
    ("Erzähl mir einen Witz.", "Erzähl mir ein paar Witze.", True, 0.984),
    ("Расскажи анекдот.", "Расскажи несколько анекдотов.", True, 0.992),
    ("讲个笑话", "讲几个笑话", False, 0.912),  # Chinese marks no plural; 几个 is "a few"
]


@pytest.mark.parametrize(("cached", "request_", "score"), KIND_SWITCHED)
def test_a_singular_or_plural_of_a_kind_is_a_rewording(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("cached", "request_", "served", "score"), ONE_OR_SEVERAL)
def test_one_or_several_without_a_number_is_left_to_the_model(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)
