"""An instruction naming the answer's language on one side only asks for another answer (issue 8, cache kind: what
differs must never be invisible; helper veto27, H4): "What is photosynthesis?" / "What is photosynthesis? Answer in
French." was served at 0.975 by format 26 (`velo.cache.answer_language`, in the `role_swap` veto). Real e5 + USE
embedders, real embedded Milvus, the shipped default rule. Since rule format 28 (tester brk27, finding 3) a language is
no change when the other question is written in it ("Was ist Photosynthese?" / "What is photosynthesis? Answer in
German.": `answer_language.written_in`), and French and more languages' names are read.
"""

from __future__ import annotations

import pytest

from velo.cache import SemanticCache
from velo.cache.answer_language import answer_language_change, answer_languages
from velo.cache.features import _Pair
from tests.cache.backends import served_pair

# (cached question, request, format 26's score): an instruction naming another language than the question's, on one
# side only or naming two languages.
ANOTHER_LANGUAGE = [
    ("What is photosynthesis?", "What is photosynthesis? Answer in French.", 0.975),
    ("What is photosynthesis? Answer in French.", "What is photosynthesis?", 0.736),
    ("What is photosynthesis?", "What is photosynthesis? Bitte auf Deutsch antworten.", 0.992),  # German in English
    ("Was ist Photosynthese?", "Was ist Photosynthese? Bitte auf Englisch antworten.", 0.997),
    ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Responde en inglés.", 0.989),
    ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь по-английски.", 0.996),
    ("什么是光合作用？", "什么是光合作用？用英文回答。", 0.988),
    ("What is photosynthesis?", "Explain photosynthesis in French.", 0.973),
    ("Wie funktioniert ein Motor?", "Wie funktioniert ein Motor? Antworte auf Englisch.", 0.985),
    ("Как работает двигатель?", "Как работает двигатель? Отвечай на английском.", 0.983),
    ("发动机是怎么工作的？", "发动机是怎么工作的？请用英语回答。", 0.976),
    ("How do I make pancakes?", "How do I make pancakes? Reply in Spanish.", 0.892),
    ("¿Cómo funciona un motor?", "¿Cómo funciona un motor? Contesta en alemán.", 0.902),
    ("What is photosynthesis? Answer in English.", "What is photosynthesis? Answer in French.", 0.215),
    ("What is photosynthesis?", "What is photosynthesis? In French please.", None),
    ("什么是光合作用？", "什么是光合作用？请用繁体中文回答。", None),
    # oasst1 train and validation look-alikes (each missed by the model already)
    ("请使用简体中文回答问题。", "请使用繁体中文回答问题。", None),
    ("请使用简体中文回答问题。", "请使用英文回答问题。", None),
    ("¿Cómo funciona open assistant?\nDame la respuesta en inglés y en español.",
     "¿Cómo funciona open assistant?\nDame la respuesta en francés y en alemán.", None),    # names rule format 28 added (tester brk27, finding 3: "Swedish" was no name, served at 0.948)
    ("What is photosynthesis?", "What is photosynthesis? Answer in Swedish.", 0.948),
    ("Was ist Photosynthese?", "Was ist Photosynthese? Antworte auf Schwedisch.", None),
    ("What is photosynthesis?", "What is photosynthesis? Réponds en français.", None),
    ("What is photosynthesis? Answer in Portuguese.", "What is photosynthesis? Answer in Italian.", None),
    ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь на шведском.", None),
]

# (cached question, request, format 26's score): no instruction changes the answer's language.
SAME_ANSWER = [
    ("What is photosynthesis?", "What is photosynthesis? Please answer in English.", 0.999),  # the question's own
    ("Was ist Photosynthese?", "Was ist Photosynthese? Antworte auf Deutsch.", None),
    ("¿Qué es la fotosíntesis?", "¿Qué es la fotosíntesis? Responde en español, por favor.", None),
    ("Что такое фотосинтез?", "Что такое фотосинтез? Ответь по-русски.", None),
    ("什么是光合作用？", "什么是光合作用？请用中文回答。", None),
    # a language that is part of what is asked, on both sides or in no instruction
    ("What does 'Schadenfreude' mean?", "What does the German word 'Schadenfreude' mean?", 0.996),
    ("How do you say hello in French?", "How do you say hello?", None),
    ("英语怎么说“你好”？", "“你好”怎么说？", None),
    ("Wie sagt man Hallo auf Englisch?", "Was heißt Hallo auf Englisch?", None),
    ("好吧，那你能告诉我怎么在网上查一个英文缩写的意思吗？", "怎么在网上查英文缩写的意思？", None),  # 缩写: an abbreviation
    # both name the language: oasst1 train and validation rewordings
    ("请你使用繁体中文", "请用繁体中文回答", None),
    ("请你使用繁体中文", "麻烦你把回答改成用繁体中文来写。", None),
    ("你可以写繁体中文吗", "你会不会用繁体字写中文？", None),
    ("为什么我用简体字问你，你却用繁体字回答？", "我用简体，你为啥回繁体？", None),
    ("请使用 #zh-hant 再复述一遍", "麻烦把刚才的内容用繁体中文（#zh-hant）重新讲一遍。", None),
    ("¿Cómo funciona open assistant?\nDame la respuesta en inglés y en español.",
     "¿Cómo funciona Open Assistant? En inglés y en español.", None),    # the other question is written in the language asked for (rule format 28, tester brk27's finding 3: format 27 vetoed
    # them, the cached answer being in the asked language already)
    ("Was ist Photosynthese?", "What is photosynthesis? Answer in German.", 1.000),
    ("¿Qué es la fotosíntesis?", "What is photosynthesis? Answer in Spanish.", None),
    ("Qu'est-ce que la photosynthèse ?", "What is photosynthesis? Answer in French.", 1.000),
    ("What is photosynthesis?", "¿Qué es la fotosíntesis? Responde en inglés.", 0.997),
    ("Explique la photosynthèse", "Explain photosynthesis in French", None),
    ("What is photosynthesis? Answer in French.", "What is photosynthesis? Réponds en français.", 0.997),
    ("What is photosynthesis? Answer in French.", "Qu'est-ce que la photosynthèse ? Réponds en français.", None),
    ("Что такое фотосинтез?", "What is photosynthesis? Answer in Russian.", None),
    ("什么是光合作用？", "What is photosynthesis? Answer in Chinese.", None),
    ("什么是光合作用？用法语回答。", "What is photosynthesis? Answer in French.", None),
]


def _change(cached: str, request_: str) -> bool:
    pair = _Pair(request_, cached)
    return answer_language_change(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_", "before"), ANOTHER_LANGUAGE)
def test_an_instruction_naming_another_language_changes_the_answer(cached: str, request_: str, before: float | None) -> None:
    assert _change(cached, request_) and _change(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "before"), SAME_ANSWER)
def test_no_instruction_naming_another_language_is_no_change(cached: str, request_: str, before: float | None) -> None:
    assert not _change(cached, request_) and not _change(request_, cached)


@pytest.mark.parametrize(
    ("question", "languages"),
    [
        ("What is photosynthesis? Answer in French.", {"fr"}),
        ("Dame la respuesta en inglés y en español.", {"en"}),  # Spanish is the question's own
        ("Write a poem in French", {"fr"}),
        ("Wie sagt man Hallo auf Englisch?", set()),  # no verb of answering: what is asked
        ("¿Cómo se dice hola en inglés?", set()),
        ("Как сказать привет по-английски?", set()),
        ("英语怎么说“你好”？", set()),
        ("Is Spanish hard to learn? Answer in English.", set()),
        ("What is photosynthesis? Réponds en français.", {"fr"}),
        ("Qu'est-ce que la photosynthèse ? Réponds en français.", set()),  # French is the question's own
        ("What is photosynthesis? Answer in Swedish.", {"sv"}),
    ],
)
def test_answer_languages_are_named_by_instructions(question: str, languages: set[str]) -> None:
    assert answer_languages(_Pair(question, question).tq) == languages


@pytest.mark.parametrize(
    ("cached", "request_", "served"),
    [*((c, r, False) for c, r, before in ANOTHER_LANGUAGE if before and before > 0.943),
     *((c, r, True) for c, r, before in SAME_ANSWER if before)],
)
def test_another_answer_language_is_a_miss_and_the_same_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got is served, (decision.score, decision.features)
    assert decision.features.role_swap == float(not served)
