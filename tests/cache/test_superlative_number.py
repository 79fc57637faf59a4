"""The one thing a superlative picks out against several of it: "What is the largest planet?" / "What are the largest
planets?" (after rule format 33, a newcomer's finding: 0.999, served). One answer names a planet, the other lists
some. Read by `velo.cache.counts.superlative_number_change` in `number_mismatch` (a veto).

A singular or plural switched without a superlative ("What is a cat?" / "What are cats?", "the benefit" / "the
benefits") stays a rewording, as tests/cache/test_one_or_several.py pins. Token-level tests call the reader; the
shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule (weights unchanged). Scores
before are main 8b2b6cb with the answer "the answer to {cached}" (/work/scratch/place43/probe2_before.jsonl).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.counts import superlative_number_change

# (cached question, request, score before): served before, refused now at 0.0.
ONE_OR_SEVERAL_OF_A_SUPERLATIVE = [
    ("What is the largest planet?", "What are the largest planets?", 0.999),
    ("What are the best programming languages?", "What is the best programming language?", 0.999),
    ("Which is the tallest mountain in the world?", "Which are the tallest mountains in the world?", 0.995),
    ("What is the most spoken language?", "What are the most spoken languages?", 0.997),
    ("What are the biggest cities in Europe?", "What is the biggest city in Europe?", 0.971),
    ("¿Cuál es el planeta más grande?", "¿Cuáles son los planetas más grandes?", 1.000),
    ("¿Cuáles son los mejores libros de historia?", "¿Cuál es el mejor libro de historia?", 1.000),
    ("Was ist der größte Planet?", "Was sind die größten Planeten?", 1.000),
    ("Was sind die besten Bücher über Python?", "Was ist das beste Buch über Python?", 0.999),
    ("Какая самая большая планета?", "Какие самые большие планеты?", 1.000),
    ("Какие самые высокие города?", "Какой самый высокий город?", 1.000),
    ("最大的行星是什么？", "最大的行星有哪些？", 0.993),
]

# (cached question, request, score): rewordings, served before and after.
REWORDED = [
    ("What is the largest planet?", "Which planet is the largest?", 0.978),
    ("What is the largest planet?", "What's the biggest planet?", 0.998),
    ("What is a cat?", "What are cats?", 0.999),
    ("What is the benefit of exercise?", "What are the benefits of exercise?", 0.999),
    ("Какое озеро самое большое в мире?", "Какое самое большое озеро в мире?", 1.0),  # 0.954 before recall44: moved whole
]


@pytest.mark.parametrize(("cached", "request_", "before"), ONE_OR_SEVERAL_OF_A_SUPERLATIVE)
def test_one_against_several_of_a_superlative_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), REWORDED)
def test_a_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the largest planet?", "What are the largest planets?"),
        ("Name the best book on Python.", "Name the best books on Python."),
        ("What is the most spoken language?", "Which are the most spoken languages?"),
        ("What's the biggest city in Europe?", "What are the biggest cities in Europe?"),
        ("¿Cuál es la ciudad más grande de Europa?", "¿Cuáles son las ciudades más grandes de Europa?"),
        ("¿Cuál es el mejor libro de historia?", "Dime los mejores libros de historia."),
        ("Was ist die größte Stadt Europas?", "Was sind die größten Städte Europas?"),
        ("Was ist das beste Buch über Python?", "Nenne die besten Bücher über Python."),
        ("Какая самая большая планета?", "Какие самые большие планеты?"),
        ("Назови крупнейший город Европы.", "Назови крупнейшие города Европы."),
        ("Какой лучший язык программирования?", "Какие лучшие языки программирования?"),
        ("世界上最高的山是哪座？", "世界上最高的山有哪些？"),
        ("最好的编程语言是什么？", "最好的编程语言有哪些？"),
        # the noun after "which", the superlative after the verb (nc43: 0.999, served)
        ("Which planet is the largest?", "Which planets are the largest?"),
        ("What language is the most spoken?", "What languages are the most spoken?"),
        ("¿Qué planeta es el más grande?", "¿Qué planetas son los más grandes?"),
        ("Welcher Planet ist der größte?", "Welche Planeten sind die größten?"),
        ("Какая планета самая большая?", "Какие планеты самые большие?"),
        ("哪颗行星最大？", "哪些行星最大？"),
    ],
)
def test_one_against_several_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert superlative_number_change(ta, tb) and superlative_number_change(tb, ta)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is a cat?", "What are cats?"),  # a kind, no superlative
        ("What is the benefit of exercise?", "What are the benefits of exercise?"),
        ("What is the main cause of inflation?", "What are the main causes of inflation?"),  # "main" is no superlative
        ("What causes the forest fire?", "What causes the forest fires?"),  # "forest" is no superlative
        ("Which of the largest planets is the hottest?", "Which of the largest planet is the hottest?"),
        ("What is the largest planet?", "Which planet is the largest?"),
        ("¿Qué es un gato?", "¿Qué son los gatos?"),
        ("Was ist der größte Planet?", "Nenne den größten Planeten."),  # "den größten Planeten": one, accusative
        ("Какое самое большое озеро в мире?", "Какое озеро самое большое в мире?"),
        ("最有名的日本特摄有哪些？", "说几个最有名的日本特摄作品。"),  # 几个: several on both sides
        ("最大的行星是什么？", "哪个行星最大？"),
    ],
)
def test_no_number_changed(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not superlative_number_change(ta, tb) and not superlative_number_change(tb, ta)
