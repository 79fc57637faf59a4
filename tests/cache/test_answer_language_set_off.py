"""An answer's language named in a phrase set off at a question's end or start: "What is the capital of Spain?" /
"What is the capital of Spain, in Spanish?" (`answer_language.set_off_languages`, in the `role_swap` veto after rule
format 30; lk40).

Newcomer nc32 found the pair refused by format 30 only by its score and served by the withdrawn format 31; with the
answer "the answer to {cached}" format 30 serves it at 0.974. `answer_language` read an instruction only with a verb of
answering beside the language's name ("Answer in French.") or "please" after it; "..., in Spanish?" has neither: its
place says it, set off by a comma at the end. Read on the question's text (the tokens hold no comma), in the five
languages; not in a question that asks for words ("How do you say hello, in French?"), nor naming the language the
other question is written in. Shipped-rule tests: real e5 + USE embedders, real embedded Milvus, the shipped rule
(weights unchanged); scores before are format 30's on 9ed1bd8 (/work/scratch/lk40/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.answer_language import answer_language_change, set_off_languages

# (cached question, request, score before): another answer's language, now refused at 0.0 by the `role_swap` veto.
ANOTHER_LANGUAGE = [
    ("What is the capital of Spain?", "What is the capital of Spain, in Spanish?", 0.974),
    ("What is the capital of Spain, in Spanish?", "What is the capital of Spain?", 0.978),
    ("What is photosynthesis?", "What is photosynthesis, in French?", 0.654),
    ("What is photosynthesis?", "In French: what is photosynthesis?", 0.929),
    ("¿Cuál es la capital de España?", "¿Cuál es la capital de España, en inglés?", 0.893),
    ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis, en francés?", 0.885),
    ("Was ist die Hauptstadt von Spanien?", "Was ist die Hauptstadt von Spanien, auf Spanisch?", 0.969),
    ("Was ist Photosynthese?", "Was ist Photosynthese, auf Englisch?", 0.925),
    ("Какая столица Испании?", "Какая столица Испании, по-испански?", 0.990),
    ("Что такое фотосинтез?", "Что такое фотосинтез, на английском?", 0.950),
    ("西班牙的首都是什么？", "西班牙的首都是什么，用西班牙语？", 0.981),
    ("什么是光合作用？", "什么是光合作用，用英文？", 0.939),
]

# (cached question, request, served, score before and after): the question's own language, a question written in the
# language asked for, a translation asked, rewordings.
SAME_ANSWER = [
    ("What is the capital of Spain?", "What is the capital of Spain, in English?", True, 0.953),
    ("¿Cuál es la capital de España?", "¿Cuál es la capital de España, en español?", True, 0.960),
    ("Was ist Photosynthese?", "Was ist Photosynthese, auf Deutsch?", True, 0.988),
    ("什么是光合作用？", "什么是光合作用，用中文？", False, 0.943),
    ("What is the capital of Spain, in Spanish?", "¿Cuál es la capital de España?", True, 0.984),
    ("How do you say hello?", "How do you say hello, in French?", False, 0.757),
    ("What is the capital of Spain?", "Tell me the capital of Spain.", True, 0.965),
    ("What is the capital of Spain?", "What's Spain's capital?", True, 0.999),
    ("¿Cuál es la capital de España?", "¿Cuál es la capital española?", True, 0.978),
    ("Какая столица Испании?", "Назови столицу Испании.", True, 0.994),
]


@pytest.mark.parametrize(("cached", "request_", "before"), ANOTHER_LANGUAGE)
def test_a_set_off_language_on_one_side_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "served", "score"), SAME_ANSWER)
def test_no_other_answer_language_scores_as_before(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


def _change(a: str, b: str) -> bool:
    return answer_language_change(text.tokens(a), text.tokens(b), a, b)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in ANOTHER_LANGUAGE])
def test_another_language_set_off_is_a_change(a: str, b: str) -> None:
    assert _change(a, b) and _change(b, a)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, *_ in SAME_ANSWER] + [
    ("How do you say hello in French?", "How do you say hello?"),  # what is asked, no instruction (test_answer_language)
    ("What is the word for cat, in German?", "What is the word for cat?"),
    ("¿Cómo se dice gato, en inglés?", "¿Cómo se dice gato?"),
    ("Как сказать «кошка», по-английски?", "Как сказать «кошка»?"),
    ("“猫”怎么说，用英文？", "“猫”怎么说？"),
])
def test_no_other_answer_language_is_no_change(a: str, b: str) -> None:
    assert not _change(a, b) and not _change(b, a)


@pytest.mark.parametrize(("question", "languages"), [
    ("What is the capital of Spain, in Spanish?", {"es"}),
    ("What is X (in German)?", {"de"}),
    ("In French: what is photosynthesis?", {"fr"}),
    ("Какая столица Испании, по-испански?", {"es"}),
    ("Что такое фотосинтез, на английском?", {"en"}),
    ("西班牙的首都是什么，用西班牙语？", {"es"}),
    ("What is the capital of Spain in Spanish?", set()),  # not set off: what is asked, or the model's
    ("Inglés, ¿qué es?", set()),  # no preposition
    ("How do you say hello, in French?", set()),  # words of a language asked
    ("", set()),
])
def test_set_off_languages(question: str, languages: set[str]) -> None:
    assert set_off_languages(question) == languages
