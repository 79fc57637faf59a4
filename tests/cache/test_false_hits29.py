"""False hits of rule format 28 that format 29 refuses (a newcomer's findings H3, H4, H6 after format 28): binary data
units read as decimal ones ("How many MB are in 1 GB?" / "... in 1 GiB?": `velo.cache.roles`), an instruction about
the answer's form on one side only ("What is photosynthesis?" / "... Answer in one word.": `velo.cache.answer_form`),
and lower-case "labour" / "labor" folded where a following word makes it a name ("the labour party":
`velo.cache.variants`, which now refuses a listed word spelled the other way inside a name: `name_respelled`). The
rewordings stay served: the same instruction worded otherwise, "1 GiB" / "1024 MiB".
Token-level tests read the features as the featurizer does; the shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, roles, variants
from velo.cache.answer_form import answer_form_change, forms
from velo.cache.features import _Pair

# (cached question, request, format 28's score, format 29's) with the answer "the answer to {cached}"
# (/work/scratch/veto29b/score.py on main a5c2e8c and on this branch; the rule's weights unchanged).
REFUSED = [
    ("How many MB are in 1 GB?", "How many MB are in 1 GiB?", 1.0, 0.0),
    ("How many MB are in 1 GiB?", "How many MB are in 1 GB?", 1.0, 0.0),
    ("How big is 1 GB?", "How big is 1 GiB?", 1.0, 0.0),
    ("What is 1 TB in bytes?", "What is 1 TiB in bytes?", 1.0, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Answer in one word.", 0.994, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Explain like I'm five.", 0.993, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Answer in three sentences.", 0.997, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Answer as a bulleted list.", 0.985, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Answer in a table.", 0.984, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Answer in a haiku.", 0.977, 0.0),
    ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Responde en una palabra.", 0.997, 0.0),
    ("Was ist Photosynthese?", "Was ist Photosynthese? Antworte in einem Satz.", 0.999, 0.0),
    ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь одним словом.", 0.996, 0.0),
    ("什么是光合作用？", "什么是光合作用？用一句话回答。", 0.997, 0.0),
    ("什么是光合作用？", "什么是光合作用？请用JSON格式回答。", 0.965, 0.0),
    ("what is the labor party?", "what is the labour party?", 1.0, 0.0),
    ("what is labor day?", "what is labour day?", 1.0, 0.0),
    ("When is Labor Day?", "When is Labour Day?", 0.608, 0.0),
]

# (cached question, request, format 29's score): the same form asked on both sides in other words, one data size in
# binary units.
SERVED = [
    ("What is photosynthesis? Answer in one word.", "What is photosynthesis? Reply with a single word.", 0.997),
    ("What is photosynthesis? Explain like I'm five.", "What is photosynthesis? Explain it to a five-year-old.", 0.996),
    ("How long to copy 1 GiB?", "How long to copy 1024 MiB?", 1.0),
    ("How long to download 2 GiB?", "How long to download 2 gibibytes?", 1.0),
]


@pytest.mark.parametrize(("cached", "request_", "format_28", "format_29"), REFUSED)
def test_the_false_hit_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_28: float, format_29: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == pytest.approx(format_29, abs=0.02), decision.features


@pytest.mark.parametrize(("cached", "request_", "format_29"), SERVED)
def test_the_same_form_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.score == pytest.approx(format_29, abs=0.02), decision.features


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wie groß ist 1 GiB?", "Wie groß ist 1 GB?"), ("Сколько МБ в 1 ГиБ?", "Сколько МБ в 1 ГБ?"),
        ("1 GiB 是多少 MB？", "1 GB 是多少 MB？"), ("¿Cuántos MB hay en 1 GiB?", "¿Cuántos MB hay en 1 GB?"),
        ("How many MiB in 1 GiB?", "How many MB in 1 GB?"), ("Is 1 KiB enough?", "Is 1 KB enough?"),
    ],
)
def test_a_binary_unit_is_another_unit(a: str, b: str) -> None:
    p = _Pair(b, a)
    assert roles.role_swap(p.tq, p.tc)


@pytest.mark.parametrize(
    ("a", "b", "form"),
    [
        ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Responde en formato JSON.", "json"),
        ("Was ist Photosynthese?", "Was ist Photosynthese? Antworte in Stichpunkten.", "list"),
        ("Was ist Photosynthese?", "Was ist Photosynthese? Antworte als Tabelle.", "table"),
        ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь в виде таблицы.", "table"),
        ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь стихами.", "verse"),
        ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь тремя предложениями.", "sentence:3"),
        ("什么是光合作用？", "什么是光合作用？给五岁小孩解释一下。", "simple"),
        ("什么是光合作用？", "什么是光合作用？请用列表形式回答。", "list"),
        ("什么是光合作用？", "一句话概括光合作用", "sentence:1"),
        ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Explícalo como si tuviera cinco años.", "simple"),
        ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Responde con un poema.", "verse"),
        ("Was ist Photosynthese?", "Was ist Photosynthese? Erkläre es wie einem Fünfjährigen.", "simple"),
        ("What is photosynthesis?", "In one word, what is photosynthesis?", "word:1"),
        ("What is photosynthesis?", "What is photosynthesis in one sentence?", "sentence:1"),
        ("What is photosynthesis?", "Give me a one-word answer: what is photosynthesis?", "word:1"),
        ("What is photosynthesis?", "What is photosynthesis? Answer like a pirate.", "pirate"),
        ("What is photosynthesis?", "What is photosynthesis? Answer in JSON.", "json"),
    ],
)
def test_a_form_asked_on_one_side_is_a_change(a: str, b: str, form: str) -> None:
    assert form in forms(b) and not forms(a)
    assert answer_form_change(a, b) and answer_form_change(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is photosynthesis? Answer briefly.", "What is photosynthesis? Answer in detail."),
        ("Explica la fotosíntesis brevemente.", "Explica la fotosíntesis en detalle."),
        ("Erkläre die Photosynthese kurz.", "Erkläre die Photosynthese ausführlich."),
        ("Что такое фотосинтез? Ответь кратко.", "Что такое фотосинтез? Ответь подробно."),
        ("简要解释光合作用", "详细解释光合作用"),
        ("What is photosynthesis? Answer in three sentences.", "What is photosynthesis? Answer in two sentences."),
        ("Was ist Photosynthese? Antworte in drei Sätzen.", "Was ist Photosynthese? Antworte in einem Satz."),
        ("Что такое фотосинтез? Ответь одним словом.", "Что такое фотосинтез? Ответь в одном предложении."),
    ],
)
def test_two_forms_are_a_change(a: str, b: str) -> None:
    assert answer_form_change(a, b) and answer_form_change(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the same form in other words
        ("What is photosynthesis? Answer in one word.", "What is photosynthesis? Reply with a single word."),
        ("What is photosynthesis? Answer in three sentences.", "What is photosynthesis? Answer in 3 sentences."),
        ("What is photosynthesis? Answer briefly.", "Briefly, what is photosynthesis?"),
        ("Что такое фотосинтез? Ответь одним словом.", "Что такое фотосинтез? Ответь одним словом, пожалуйста."),
        ("什么是光合作用？用一句话回答。", "用一句话解释什么是光合作用"),
        # a degree on one side only: oasst1 rewordings add and drop it ("介绍你自己" / "能请你详细介绍一下你自己吗？")
        ("介绍你自己", "能请你详细介绍一下你自己吗？"), ("Explain photosynthesis.", "Explain photosynthesis in detail."),
        ("Explain quantum computing to a 5 year old", "ELI5 quantum computing"),
        ("Summarize this article in 3 sentences", "Give me a three-sentence summary of this article"),
        ("Write an essay on climate change in 500 words", "Write a 500-word essay on climate change"),
        ("Объясни, что такое ДНК, в двух словах", "Что такое ДНК? Кратко"),  # an idiom for "briefly", no length
        # a form that is what is asked, or no form
        ("What does ELI5 mean?", "What is the meaning of ELI5?"), ("How do I write a haiku?", "How to write a haiku?"),
        ("如何在Excel中制作表格？", "Excel怎么做表格？"), ("Wie erstelle ich eine Tabelle in Excel?", "Wie mache ich eine Excel-Tabelle?"),
        ("How do I parse JSON in Python?", "How to read a JSON file in Python?"),
        ("What is a word that rhymes with orange?", "Give me a word that rhymes with orange"),
        ("What is the chemical symbol for gold?", "Which element symbol stands for gold on the periodic table?"),
        ("请写一段排序的代码", "来段排序代码"), ("如何在python里反转一个列表？", "用Python把list的顺序颠倒过来"),
        ("как в python прочитать файл построчно", "Python: как читать текстовый файл по одной строке?"),
        ("Estoy empezando a invertir, ¿puedes darme una lista de pasos?", "¿Qué pasos debo seguir? Dámelos en forma de lista."),
    ],
)
def test_no_change_of_form(a: str, b: str) -> None:
    assert not answer_form_change(a, b) and not answer_form_change(b, a)


def _same_words(a: str, b: str) -> bool:
    p = _Pair(a, b)
    return p.tq == p.tc


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("what is the labour party?", "what is the labor party?", False),
        ("what is labour day?", "what is labor day?", False),
        ("Who leads the labour party?", "Who leads the labor party?", False),
        # one party's English name in two spellings (Sweden's, Finland's): no name whose spellings name two things
        ("What is the centre party?", "What is the center party?", True),
        ("labour laws in the uk?", "labor laws in the uk?", True),
        ("What is the labour market?", "What is the labor market?", True),
        ("What is your favourite day?", "What is your favorite day?", True),
    ],
)
def test_a_listed_word_before_a_name_noun_is_a_name(a: str, b: str, same: bool) -> None:
    assert _same_words(a, b) is same and _same_words(b, a) is same
    p = _Pair(a, b)
    assert variants.name_respelled(p.request, p.cached, p.tq, p.tc) is not same
