"""An instruction about the answer added as a sentence of its own (after rule format 32, a newcomer's finding: "Explain
photosynthesis." / "Explain photosynthesis. Use simple words." served at 0.968): a plain-language level ("Use simple
words.", "Sin tecnicismos.", "Объясни простыми словами.", "用大白话解释。"), "brief" alone ("Keep it short.", "Будь
краток."), a length with "only" or "máximo" / "максимум", a register or format worded as "Be funny.", "Use a friendly
tone.", "Usa viñetas.", "Verwende einen formellen Ton.", "Используй маркированный список.", "幽默一点。"
(`velo.cache.answer_form`, in the `role_swap` veto). The same level asked within the question's own sentence stays a
rewording, as the labelled pairs have it ("Что такое инфляция?" / "Объясни простыми словами, что значит инфляция").

Token-level tests call `velo.cache.answer_form`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus
and the shipped rule (weights unchanged). Scores before are main's (f027f07, format 32) with the answer "the answer to
{cached}" (/work/scratch/lk41/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache
from velo.cache.answer_form import answer_form_change, forms

# (cached question, request, score before): served before, refused now at 0.0 by the `role_swap` veto.
REFUSED = [
    ("Explain photosynthesis.", "Explain photosynthesis. Use simple words.", 0.980),
    ("Explain photosynthesis. Use simple words.", "Explain photosynthesis.", 0.996),
    ("Explain photosynthesis. Keep it simple.", "Explain photosynthesis.", 0.997),
    ("Explain photosynthesis.", "Explain photosynthesis. In layman's terms.", 0.975),
    ("Explain photosynthesis.", "Explain photosynthesis. Explain it to a beginner.", 0.998),
    ("Explain photosynthesis.", "Explain photosynthesis. Write it for a child.", 0.992),
    ("Explain photosynthesis. Don't use technical terms.", "Explain photosynthesis.", 0.987),
    ("How does a vaccine work?", "How does a vaccine work? Explain it in plain English.", 0.973),
    ("What is a simple machine?", "What is a simple machine? Use simple words.", 0.964),
    ("What is inflation?", "What is inflation? Keep it short.", 0.958),
    ("Explain photosynthesis. Be brief.", "Explain photosynthesis.", 0.998),
    ("Explain photosynthesis.", "Explain photosynthesis. One paragraph only.", 0.945),
    ("Explain photosynthesis.", "Explain photosynthesis. Be funny.", 0.975),
    ("Explain photosynthesis. Use a friendly tone.", "Explain photosynthesis.", 0.995),
    ("Explain photosynthesis.", "Explain photosynthesis. Use an academic tone.", 0.954),
    ("Explain photosynthesis. Use numbered steps.", "Explain photosynthesis.", 0.993),
    ("Explica la fotosíntesis. Explícalo de forma sencilla.", "Explica la fotosíntesis.", 0.945),
    ("¿Cómo funciona una vacuna?", "¿Cómo funciona una vacuna? Sé breve.", 0.990),
    ("Was ist Inflation?", "Was ist Inflation? Bitte in einfachen Worten.", 0.995),
    ("Erkläre die Photosynthese. Erkläre es für Anfänger.", "Erkläre die Photosynthese.", 0.957),
    ("Что такое инфляция?", "Что такое инфляция? Объясни простыми словами.", 0.994),
    ("Объясни фотосинтез.", "Объясни фотосинтез. Простым языком.", 0.965),
    ("Как работает вакцина?", "Как работает вакцина? Будь краток.", 0.988),
    ("解释一下光合作用。", "解释一下光合作用。用简单的话说。", 0.993),
    ("什么是通货膨胀？", "什么是通货膨胀？用大白话解释。", 0.980),
    ("解释一下光合作用。请用通俗易懂的语言。", "解释一下光合作用。", 0.991),
    ("疫苗是怎么起作用的？", "疫苗是怎么起作用的？简短一点。", 0.992),
    ("解释一下光合作用。", "解释一下光合作用。用正式的语气。", 0.978),
    ("解释一下光合作用。", "解释一下光合作用。用两段话回答。", 0.992),
]

# (cached question, request, score): the same level within the question's sentence, or one form in two wordings.
SERVED = [
    ("Что такое инфляция?", "Объясни простыми словами, что значит инфляция", 0.979),
    ("Explain photosynthesis.", "Explain photosynthesis in simple terms.", 0.992),
    ("¿Me puedes explicar de forma sencilla qué es la métrica de Alcubierre?", "¿Qué es la métrica de Alcubierre, explicado fácil?", 0.999),
    ("Explain photosynthesis. Use simple words.", "Explain photosynthesis. Keep the language simple, please.", 0.959),
    ("Explain photosynthesis. Use simple words.", "Explain photosynthesis in plain English.", 0.959),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_an_added_instruction_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


_BASES = {"en": "Explain photosynthesis.", "es": "Explica la fotosíntesis.", "de": "Erkläre die Photosynthese.",
          "ru": "Объясни фотосинтез.", "zh": "解释一下光合作用。"}


@pytest.mark.parametrize(
    ("lang", "added", "form"),
    [
        ("en", "Use simple words.", "plain"), ("en", "Use plain language.", "plain"), ("en", "Avoid jargon.", "plain"),
        ("en", "Explain it in simple terms.", "plain"), ("en", "Make it simple.", "plain"),
        ("en", "Don't use technical terms.", "plain"), ("en", "Keep it short.", "brief"), ("en", "Be concise.", "brief"),
        ("en", "One paragraph only.", "paragraph:1"), ("en", "Use numbered steps.", "list"), ("en", "Be funny.", "funny"),
        ("en", "Keep it casual.", "casual"), ("en", "Use a friendly tone.", "friendly"), ("en", "Use emojis.", "emoji"),
        ("en", "Write it for a child.", "simple"),
        ("es", "Usa palabras sencillas.", "plain"), ("es", "Usa un lenguaje sencillo.", "plain"),
        ("es", "Explícalo para principiantes.", "plain"), ("es", "Sin tecnicismos.", "plain"), ("es", "Sé breve.", "brief"),
        ("es", "Usa viñetas.", "list"), ("es", "Usa un tono formal.", "formal"), ("es", "Hazlo divertido.", "funny"),
        ("es", "Máximo 100 palabras.", "word:100"),
        ("de", "Verwende einfache Wörter.", "plain"), ("de", "Benutze einfache Sprache.", "plain"),
        ("de", "Ohne Fachbegriffe.", "plain"), ("de", "Fasse dich kurz.", "brief"), ("de", "Verwende Stichpunkte.", "list"),
        ("de", "Verwende einen formellen Ton.", "formal"), ("de", "Sei witzig.", "funny"),
        ("ru", "Используй простые слова.", "plain"), ("ru", "Без терминов.", "plain"),
        ("ru", "Объясни для начинающих.", "plain"), ("ru", "Будь краток.", "brief"),
        ("ru", "Используй маркированный список.", "list"), ("ru", "Используй официальный тон.", "formal"),
        ("ru", "Максимум 100 слов.", "word:100"),
        ("zh", "用大白话解释。", "plain"), ("zh", "给初学者讲。", "plain"), ("zh", "不要用专业术语。", "plain"),
        ("zh", "简短一点。", "brief"), ("zh", "幽默一点。", "funny"), ("zh", "用两段话回答。", "paragraph:2"),
    ],
)
def test_an_added_instruction_is_read_both_ways(lang: str, added: str, form: str) -> None:
    base = _BASES[lang]
    asked = base + ("" if lang == "zh" else " ") + added
    assert form in forms(asked) and not forms(base)
    assert answer_form_change(base, asked) and answer_form_change(asked, base)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # the level within the question's own sentence: labelled rewordings (the replay's right pairs)
        ("Что такое инфляция?", "Объясни простыми словами, что значит инфляция"),
        ("Explain photosynthesis.", "Explain photosynthesis in simple terms."),
        ("He oído hablar de la métrica de Alcubierre. ¿Podrías explicarme de manera sencilla en qué consiste?",
         "¿Qué es la métrica de Alcubierre, explicado fácil?"),
        ("А что вообще такое матрица? Объясни по-простому", "Что такое матрица, если просто?"),
        ("Can you explain how you technically work behind the scenes?",
         "What's going on under the hood - how do you actually function from a technical standpoint?"),
        # a degree of detail in a sentence of its own: oasst1 follow-ups reword "more specifically" so
        ("А какие именно критерии установило сообщество GNU? Расскажи, пожалуйста, подробнее.", "Какие у GNU критерии?"),
        ("可以讲得再具体一些吗？", "详细点？"),
        # one level in two wordings, and the level's words as the topic
        ("Explain photosynthesis. Use simple words.", "Explain photosynthesis. Keep the language simple, please."),
        ("Explain photosynthesis. Use simple words.", "Explain photosynthesis in plain English."),
        ("What is a simple machine?", "What are simple machines?"),
        ("Which programming language is best for beginners?", "What is the best first programming language?"),
        ("请给我一份适合初学者的唱歌训练计划。", "我是唱歌新手，能不能帮我制定一份适合初学者的练唱计划？"),
    ],
)
def test_no_added_instruction(a: str, b: str) -> None:
    assert not answer_form_change(a, b) and not answer_form_change(b, a)


def test_not_jargon_is_no_expert() -> None:
    # 专业术语 after 不要用 asks for plain words, not for an expert's
    assert forms("解释一下光合作用。不要用专业术语。") == {"plain"}
    assert forms("什么是通货膨胀？请用专业术语回答。") == {"expert"}
