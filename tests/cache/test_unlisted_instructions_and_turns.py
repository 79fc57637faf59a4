"""Instructions about the answer and one-word turns on no list (after rule format 33, a newcomer's finding): an
instruction added as a sentence of its own, whatever its words ("What is photosynthesis? Show me some code." 0.979,
"... Step by step." 0.983, "Paso a paso." 0.994, "Пошагово." 0.983, "用代码说明。" 0.973:
`velo.cache.added_instructions.instruction_added`, in `answer_form_change`), and a one- or two-word turn said on one
side and asked on the other, whatever the word ("Right" / "Right?", "Правда" / "Правда?", "对不起" / "对不起？" 1.000:
`velo.cache.set_phrases.another_turn`), both in the `role_swap` veto. Courtesy, asides, statements, a bare request for
the answer and a restatement added stay served, as do requests of three words or more with or without their "?".

Token-level tests call the modules; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the
shipped rule (weights unchanged). Scores before are main's (8b2b6cb) from `velo cache score --pairs` with the answer
"the answer to {cached}" (/work/scratch/inst43/probe_before.txt, probe2_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, set_phrases
from velo.cache.added_instructions import instruction_added
from velo.cache.answer_form import answer_form_change

_EN, _ES, _DE = "What is photosynthesis?", "¿Qué es la fotosíntesis?", "Was ist Photosynthese?"
_RU, _ZH = "Что такое фотосинтез?", "什么是光合作用？"

# (cached question, request, score before): served before, refused now at 0.0 by the `role_swap` veto.
REFUSED = [
    # the newcomer's examples
    (_EN, f"{_EN} Show me some code.", 0.979),
    (_EN, f"{_EN} Step by step.", 0.983),
    (_EN, f"{_EN} Summarize.", 0.973),
    (_EN, f"{_EN} Cite your sources.", 0.961),
    (_ES, f"{_ES} Paso a paso.", 0.994),
    (_RU, f"{_RU} Пошагово.", 0.983),
    (_ZH, f"{_ZH}分步骤说明。", 0.975),
    (_ZH, f"{_ZH}用代码说明。", 0.973),
    (_RU, f"{_RU} Дай три причины.", 0.985),
    ("Right", "Right?", 1.000),
    ("Really", "Really?", 1.000),
    ("True", "True?", 1.000),
    ("Sorry", "Sorry?", 1.000),
    ("Claro", "¿Claro?", 1.000),
    ("Wirklich", "Wirklich?", 1.000),
    ("Правда", "Правда?", 1.000),
    ("对不起", "对不起？", 1.000),
    # other instances of the kinds, in the five languages
    (_DE, f"{_DE} Schritt für Schritt.", 0.994),
    (_DE, f"{_DE} Zeig mir etwas Code.", 0.992),
    (_ES, f"{_ES} Cita tus fuentes.", 0.979),
    (_RU, f"{_RU} Покажи код.", 0.979),
    (_RU, f"{_RU} Кратко перескажи.", 0.992),
    (_EN, f"{_EN} Give sources.", 0.980),
    (_EN, f"{_EN} Be thorough.", 0.993),
    (_ZH, f"{_ZH}总结一下。", 0.996),
    (_ZH, f"{_ZH}请引用来源。", 0.992),
    ("Hello", "Hello?", 1.000),
    ("Seriously?", "Seriously", 1.000),
    ("Okay then", "Okay then?", 1.000),
    ("真的", "真的？", 1.000),
    (_EN, f"{_EN} Explain it step by step.", 0.994),
    (_EN, f"{_EN} Can you show me some code?", 0.987),
    ("Explain photosynthesis.", "Explain photosynthesis. Step by step.", 0.980),
    (_ES, f"{_ES} Resúmelo.", 0.962),
    (_RU, f"{_RU} Процитируй источники.", 0.974),
    (_ZH, f"{_ZH}分步骤解释。", 0.979),
    (_ZH, f"{_ZH}能用代码说明吗？", 0.967),
    ("Gracias", "¿Gracias?", 1.000),
    ("Danke", "Danke?", 1.000),
    ("Спасибо", "Спасибо?", 1.000),
    ("谢谢", "谢谢？", 1.000),
]

# (cached question, request, score): served, as before.
SERVED = [
    (_EN, f"{_EN} Thanks!", 0.979),
    (_EN, f"{_EN} Please.", 1.000),
    (_ZH, f"{_ZH}谢谢", 0.989),
    (_EN, f"{_EN} Explain.", 0.968),
    ("Tell me a joke", "Tell me a joke?", 1.000),
    ("Capital of France?", "Capital of France", 1.000),
    ("Why", "Why?", 1.000),
    ("WLAN", "WLAN？", 1.000),
    ("Right", "Right!", 1.000),
    (_EN, f"{_EN} I'm a student.", 0.996),
    (_EN, f"{_EN} Just curious.", 0.988),
    (_ES, f"{_ES} Gracias.", 0.986),
    (_DE, f"{_DE} Danke!", 0.986),
    (_DE, f"{_DE} Erkläre es.", 0.990),
    (_RU, f"{_RU} Объясни, пожалуйста.", 0.994),
    (_RU, f"{_RU} Спасибо.", 0.986),
    (_ZH, f"{_ZH}请解释一下。", 0.998),
    (_ZH, f"{_ZH}我是学生。", 0.986),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_an_unlisted_instruction_or_turn_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_courtesy_and_requests_asked_or_said_are_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


_BASES = {"en": _EN, "es": _ES, "de": _DE, "ru": _RU, "zh": _ZH}


def _added(lang: str, sentence: str) -> str:
    return _BASES[lang] + ("" if lang == "zh" else " ") + sentence


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "Show me some code."), ("en", "Step by step."), ("en", "Summarize."), ("en", "Cite your sources."),
        ("en", "Be thorough."), ("en", "Explain it step by step."), ("en", "Can you show me some code?"),
        ("en", "Please show your work."),
        ("es", "Paso a paso."), ("es", "Cita tus fuentes."), ("es", "Muéstrame un código."), ("es", "Resúmelo."),
        ("es", "Sé breve."),
        ("de", "Schritt für Schritt."), ("de", "Zeig mir etwas Code."), ("de", "Nenne Quellen."), ("de", "Fasse zusammen."),
        ("ru", "Пошагово."), ("ru", "Покажи код."), ("ru", "Процитируй источники."), ("ru", "Дай три причины."),
        ("zh", "分步骤说明。"), ("zh", "用代码说明。"), ("zh", "总结一下。"), ("zh", "请引用来源。"), ("zh", "能用代码说明吗？"),
    ],
)
def test_an_instruction_added_as_a_sentence_is_read_both_ways(lang: str, sentence: str) -> None:
    base, asked = _BASES[lang], _added(lang, sentence)
    assert instruction_added(base, asked) and instruction_added(asked, base)
    assert answer_form_change(base, asked) and answer_form_change(asked, base)


@pytest.mark.parametrize(
    ("base", "asked"),
    [
        (_EN, f"TL;DR: {_EN[0].lower()}{_EN[1:]}"),  # a clause before a colon
        ("Explain photosynthesis.", "Explain photosynthesis. Step by step."),  # after an imperative
        ("what is photosynthesis", "What is photosynthesis? Step by step."),  # case and punctuation folded
        ("Explain photosynthesis.", "Step by step. Explain photosynthesis."),  # before it
    ],
)
def test_an_instruction_is_read_before_a_colon_or_around_any_question(base: str, asked: str) -> None:
    assert instruction_added(base, asked) and instruction_added(asked, base)


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        # courtesy, greetings and asides
        ("en", "Thanks!"), ("en", "Please."), ("en", "Thanks in advance!"), ("en", "Just curious."), ("es", "Gracias."),
        ("de", "Danke!"), ("ru", "Спасибо."), ("zh", "谢谢"), ("zh", "谢谢你！"),
        # a bare request for the answer already asked
        ("en", "Explain."), ("en", "Explain it."), ("en", "Could you explain?"), ("de", "Erkläre es."),
        ("ru", "Объясни, пожалуйста."), ("zh", "请解释一下。"), ("es", "Explícalo."),
        # a statement: a subject, an article or a copula
        ("en", "I'm a student."), ("en", "It's for school."), ("es", "Es para la escuela."), ("de", "Das ist wichtig."),
        ("ru", "Это важно."), ("zh", "我是学生。"),
        # a restatement, another question
        ("en", "Please explain photosynthesis."), ("en", "Why?"), ("en", "And how does it work?"),
    ],
)
def test_courtesy_statements_and_restatements_are_no_instruction(lang: str, sentence: str) -> None:
    base, asked = _BASES[lang], _added(lang, sentence)
    assert not instruction_added(base, asked) and not instruction_added(asked, base)


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("Right", "Right?"), ("Really", "Really?"), ("True", "True?"), ("Sorry", "Sorry?"), ("Okay then", "Okay then?"),
        ("Claro", "¿Claro?"), ("Perdón", "¿Perdón?"), ("Wirklich", "Wirklich?"), ("Echt", "Echt?!"),
        ("Правда", "Правда?"), ("Серьёзно", "Серьёзно?"), ("对不起", "对不起？"), ("真的", "真的吗"), ("你好", "你好吗"), ("在", "在吗"),
    ],
)
def test_a_short_turn_said_against_asked_is_another_turn(said: str, asked: str) -> None:
    assert set_phrases.another_turn(said, asked) and set_phrases.another_turn(asked, said)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # three words or more: a request, with or without its "?"
        ("Tell me a joke", "Tell me a joke?"), ("Capital of France", "Capital of France?"),
        ("Erzähl mir einen Witz", "Erzähl mir einen Witz?"), ("Столица Франции какая", "Столица Франции какая?"),
        # a question word asks said or asked; a number is arithmetic; a name is a topic (WLAN / WLAN？: oasst1 rewordings)
        ("Why", "Why?"), ("Wie bitte", "Wie bitte?"), ("怎么了", "怎么了？"), ("1+1", "1+1?"), ("WLAN", "WLAN？"),
        ("iPhone", "iPhone?"),
        # both said or both asked
        ("Right", "Right!"), ("Really?", "Really??"), ("Правда?", "Правда？"),
    ],
)
def test_requests_questions_and_names_are_no_other_turn(a: str, b: str) -> None:
    assert not set_phrases.another_turn(a, b) and not set_phrases.another_turn(b, a)


@pytest.mark.parametrize("wordless", ["-", "???", "…", "!!!", "。", "()", "—"])
@pytest.mark.parametrize("other", ["-", "What is photosynthesis?", "Explain photosynthesis. Step by step.", "什么是光合作用？分步骤说明。"])
def test_a_text_with_no_word_is_read_without_error(wordless: str, other: str) -> None:
    # `added_instructions._asks` took the first sentence of a text with none and raised IndexError: a lookup of "-"
    # against any cached question failed (`velo cache score "What is it?" "-"`; found by modal44's scan of test pairs)
    from velo.cache.features import veto_features

    for request, cached in ((wordless, other), (other, wordless)):
        assert set(veto_features(request, cached)) == {
            "number_mismatch", "negation_mismatch", "order_swap", "symbol_swap", "role_swap"}
    assert not instruction_added(wordless, other) and not instruction_added(other, wordless)
