"""Instructions about the answer that format 32 did not read (after rule format 32, a newcomer's findings H2 and
"continue"): a plain level worded as an adverb ("Explícalo fácil.", "Erklär es einfach.", "Объясни просто.", "简单点说。",
"说人话。"), detail beside a question ("Подробно.", "请详细解释。"), a degree before a colon ("Кратко: что такое
инфляция?"), an example ("举个例子。", "Приведи пример."), the reasons ("Explain why.", "Give me three reasons."), a
number's notation ("2+2=? Answer in words.", "1+1在二进制里是多少") and an answer language or form after a verb of going
on ("Continue in Spanish", "Продолжай на английском", "继续，用表格"): `velo.cache.answer_form`,
`velo.cache.added_instructions`, `velo.cache.answer_language`, in the `role_swap` veto. Rewordings keep being served:
the same request worded otherwise, and the labelled right pairs outside dev that come nearest (follow-ups asking for
"more", "举几个" as a list of things, a binary number written 2进制).

Token-level tests call the modules; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the
shipped rule (weights unchanged). Scores before are main's (7a4c716) with the answer "the answer to {cached}"
(/work/scratch/ans42/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.answer_form import answer_form_change, forms
from velo.cache.answer_language import answer_language_change

# (cached question, request, score before): served (or near) before, refused now at 0.0 by the `role_swap` veto.
REFUSED = [
    # the newcomer's examples
    ("¿Qué es la inflación?", "¿Qué es la inflación? Explícalo fácil.", 0.977),
    ("Was ist Inflation?", "Was ist Inflation? Erklär es einfach.", 0.987),
    ("Что такое инфляция?", "Что такое инфляция? Объясни просто.", 0.988),
    ("Что такое инфляция?", "Что такое инфляция? Подробно.", 0.982),
    ("Что такое инфляция?", "Кратко: что такое инфляция?", 0.950),
    ("什么是通货膨胀？", "什么是通货膨胀？简单点说。", 0.994),
    ("什么是通货膨胀？", "什么是通货膨胀？请详细解释。", 0.998),
    ("什么是通货膨胀？", "什么是通货膨胀？说人话。", 0.964),
    ("什么是通货膨胀？", "什么是通货膨胀？举个例子。", 0.980),
    ("Why is the sky blue?", "Why is the sky blue? Give me three reasons.", 0.961),
    ("Is Python faster than Java?", "Is Python faster than Java? Explain why.", 0.988),
    ("2+2=?", "2+2=? Answer in words.", 0.994),
    ("Что такое инфляция?", "Что такое инфляция? Приведи пример.", 0.972),
    ("Continue", "Continue in Spanish", 0.959),
    ("Продолжай", "Продолжай на английском", 0.944),
    ("1+1是多少", "1+1在二进制里是多少", 0.964),
    # other instances of each kind, in the five languages
    ("What is inflation?", "What is inflation? In detail.", 0.991),
    ("What is inflation?", "What is inflation? Make it simpler.", 0.980),
    ("¿Qué es la inflación?", "¿Qué es la inflación? Hazlo sencillo.", 0.948),
    ("Was ist Inflation?", "Was ist Inflation? Erkläre es verständlich.", 0.991),
    ("Что такое инфляция?", "Что такое инфляция? Объясни попроще.", 0.986),
    ("什么是通货膨胀？", "什么是通货膨胀？讲人话。", 0.968),
    ("¿Qué es la inflación?", "¿Qué es la inflación? Explícalo en detalle.", 0.992),
    ("Was ist Inflation?", "Was ist Inflation? Ausführlich bitte.", 0.984),
    ("What is inflation?", "In detail: what is inflation?", 0.986),
    ("Was ist Inflation?", "Einfach erklärt: Was ist Inflation?", 0.985),
    ("什么是通货膨胀？", "简单说：什么是通货膨胀？", 0.993),
    ("什么是通货膨胀？", "简短回答：什么是通货膨胀？", 0.996),
    ("¿Qué es una metáfora?", "¿Qué es una metáfora? Dame tres ejemplos.", 0.962),
    ("Was ist eine Metapher?", "Was ist eine Metapher? Nenne zwei Beispiele.", 0.951),
    ("What is a metaphor?", "What is a metaphor? Show me some examples.", 0.982),
    ("¿Es Python más rápido que Java?", "¿Es Python más rápido que Java? Explica por qué.", 0.993),
    ("Ist Python schneller als Java?", "Ist Python schneller als Java? Erkläre warum.", 0.991),
    ("Почему небо голубое?", "Почему небо голубое? Назови три причины.", 0.989),
    ("为什么天空是蓝色的？", "为什么天空是蓝色的？给我三个理由。", 0.993),
    ("Should I learn Python?", "Should I learn Python? Why?", 0.972),
    ("我应该学Python吗？", "我应该学Python吗？说明理由。", 0.993),
    ("2+2=?", "2+2=? Antwort in Worten.", 0.978),
    ("2+2=?", "2+2=? Responde con palabras.", 0.974),
    ("Сколько будет 7+8?", "Сколько будет 7+8? Ответь прописью.", 0.981),
    ("2+2=?", "2+2=？用中文大写数字回答。", 0.966),
    ("What is 255?", "What is 255 in hex?", 0.956),
    ("继续", "用英文继续", 0.979),
    ("继续", "继续，用表格", 0.963),
]

# (cached question, request, score): the same request worded otherwise, served as before.
SERVED = [
    ("Why is the sky blue?", "Can you explain why the sky is blue?", 0.991),
    ("What is a metaphor? Give an example.", "What is a metaphor? Give me an example.", 0.953),
    ("What is 1+1 in binary?", "What's 1+1 in binary?", 1.000),
    ("Explain photosynthesis in simple terms.", "Explain photosynthesis simply.", 0.999),
    ("Что такое инфляция? Приведи пример.", "Что такое инфляция? Приведи какой-нибудь пример.", 0.994),
    ("什么是比喻？举个例子。", "什么是比喻？请举个例子。", 1.000),
    ("Warum ist der Himmel blau?", "Kannst du erklären, warum der Himmel blau ist?", 0.998),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_an_instruction_set_apart_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


_BASES = {"en": "What is inflation?", "es": "¿Qué es la inflación?", "de": "Was ist Inflation?",
          "ru": "Что такое инфляция?", "zh": "什么是通货膨胀？"}


@pytest.mark.parametrize(
    ("lang", "added", "form"),
    [
        ("en", "Explain it simply.", "plain"), ("en", "Dumb it down.", "plain"), ("en", "In detail.", "detail"),
        ("en", "Give an example.", "example"), ("en", "Give me three examples.", "example:3"),
        ("en", "Explain why.", "reason"), ("en", "Give me two reasons.", "reason:2"), ("en", "Answer in words.", "notation:words"),
        ("en", "Answer in binary.", "notation:binary"), ("en", "Write it in Roman numerals.", "notation:roman"),
        ("es", "Explícalo fácil.", "plain"), ("es", "Explícalo en detalle.", "detail"), ("es", "Dame un ejemplo.", "example"),
        ("es", "Explica por qué.", "reason"), ("es", "Dame tres razones.", "reason:3"), ("es", "Responde en binario.", "notation:binary"),
        ("de", "Erklär es einfach.", "plain"), ("de", "Ausführlich bitte.", "detail"), ("de", "Gib ein Beispiel.", "example"),
        ("de", "Erkläre warum.", "reason"), ("de", "Nenne drei Gründe.", "reason:3"), ("de", "Antworte in Worten.", "notation:words"),
        ("ru", "Объясни просто.", "plain"), ("ru", "Объясни попроще.", "plain"), ("ru", "Подробно.", "detail"),
        ("ru", "Приведи пример.", "example"), ("ru", "Объясни почему.", "reason"), ("ru", "Назови три причины.", "reason:3"),
        ("ru", "Ответь словами.", "notation:words"),
        ("zh", "简单点说。", "plain"), ("zh", "说人话。", "plain"), ("zh", "请详细解释。", "detail"), ("zh", "举个例子。", "example"),
        ("zh", "举三个例子。", "example:3"), ("zh", "解释一下为什么。", "reason"), ("zh", "给我三个理由。", "reason:3"),
        ("zh", "用二进制回答。", "notation:binary"),
        # asked as a question: "can you ..."
        ("en", "Can you give an example?", "example"), ("es", "¿Puedes dar un ejemplo?", "example"),
        ("de", "Kannst du ein Beispiel geben?", "example"), ("ru", "Можешь привести пример?", "example"),
    ],
)
def test_an_added_instruction_is_read_both_ways(lang: str, added: str, form: str) -> None:
    base = _BASES[lang]
    asked = base + ("" if lang == "zh" else " ") + added
    assert form in forms(asked) and not forms(base)
    assert answer_form_change(base, asked) and answer_form_change(asked, base)


@pytest.mark.parametrize(
    ("base", "prefixed", "form"),
    [
        ("What is inflation?", "Briefly: what is inflation?", "brief"),
        ("¿Qué es la inflación?", "Brevemente: ¿qué es la inflación?", "brief"),
        ("Was ist Inflation?", "Kurz: Was ist Inflation?", "brief"),
        ("Что такое инфляция?", "Кратко: что такое инфляция?", "brief"),
        ("Что такое инфляция?", "Простыми словами: что такое инфляция?", "plain"),
        ("什么是通货膨胀？", "简单说：什么是通货膨胀？", "plain"),
    ],
)
def test_a_degree_before_a_colon_is_read(base: str, prefixed: str, form: str) -> None:
    assert forms(prefixed) == {form}
    assert answer_form_change(base, prefixed) and answer_form_change(prefixed, base)


@pytest.mark.parametrize(
    ("base", "asked"),
    [
        ("What is 1+1?", "What is 1+1 in binary?"), ("¿Cuánto es 1+1?", "¿Cuánto es 1+1 en binario?"),
        ("Was ist 1+1?", "Was ist 1+1 im Binärsystem?"), ("Сколько будет 1+1?", "Сколько будет 1+1 в двоичной системе?"),
        ("1+1是多少", "1+1在二进制里是多少"), ("What is 2024?", "What is 2024 in Roman numerals?"),
        ("Was ist 2024?", "Was ist 2024 in römischen Zahlen?"), ("¿Cuánto es 255?", "¿Cuánto es 255 en hexadecimal?"),
    ],
)
def test_a_notation_is_read_anywhere(base: str, asked: str) -> None:
    assert answer_form_change(base, asked) and answer_form_change(asked, base)


@pytest.mark.parametrize(
    ("base", "asked"),
    [
        ("Continue", "Continue in Spanish"), ("Keep going", "Keep going in French"), ("Continúa", "Continúa en inglés"),
        ("Sigue", "Sigue en inglés"), ("Weiter", "Weiter auf Englisch"), ("Mach weiter", "Mach weiter auf Spanisch"),
        ("Продолжай", "Продолжай на английском"), ("继续", "用英文继续"), ("继续", "请用英语继续写"),
    ],
)
def test_going_on_in_another_language_is_read(base: str, asked: str) -> None:
    ta, tb = text.tokens(base), text.tokens(asked)
    assert answer_language_change(ta, tb, base, asked) and answer_language_change(tb, ta, asked, base)


@pytest.mark.parametrize(
    ("base", "asked"),
    [("Continue", "Continue in bullet points."), ("Продолжай", "Продолжай, но короче."), ("Continúa", "Continúa en una tabla."),
     ("Weiter", "Weiter, aber kürzer."), ("继续", "继续，用表格"), ("继续", "继续，简短一点")],
)
def test_going_on_in_another_form_is_read(base: str, asked: str) -> None:
    assert answer_form_change(base, asked) and answer_form_change(asked, base)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # labelled right pairs outside dev that come nearest: "more" asked by a follow-up, "举几个" listing things, a
        # binary number written 2进制 on one side, an example to write as code, a "why" that is the question's word
        ("А какие именно критерии установило сообщество GNU? Расскажи, пожалуйста, подробнее.", "Какие у GNU критерии?"),
        ("还有哪些同类的模型？举几个例子。", "类似模型还有啥？举几个。"),
        ("还有哪些同类的模型？举几个例子。", "除了这个以外，还有哪些跟它类似的模型？能列举几个出来吗？"),
        ("给我写段Python代码，把任意输入的值转成二进制，再统计其中1的个数并相加，返回结果", "Python：输入转2进制，数出1的个数并返回"),
        ("将6699变成2进位制在把出现的1的数量相加，答案是多少", "6699的二进制里有几个1？"),
        ("怎么用Python读取一个CSV文件？", "请写个例子：用python读csv文件"),
        ("Why?", "How so?"), ("¿Por qué?", "¿Cómo así?"), ("Почему?", "Как же так?"),
        # the same instruction worded otherwise, or the form both questions name
        ("Explain recursion with an example.", "Explain recursion. Give an example."),
        ("Why is the sky blue?", "Is the sky blue? Explain why."),
        ("Why is the sky blue?", "Why is the sky blue? Explain why."),  # the reasons asked again
        # Chinese "can you ... ?" closes oasst1 follow-ups whose rewordings ask 具体: left to the model
        ("那这架飞机具体都有些什么功能呢？能详细说说吗？", "那它具体有哪些功能？"),
        ("你为什么认为不应该让孩子接触死亡这个话题呢？能说说理由吗？", "理由是？"),
        ("How do I convert 10 to binary?", "What is 10 in binary?"),
        ("What is a binary tree?", "What's a binary tree?"),
        ("Continue", "Continue in English"),  # the language "Continue" was answered in
        # a point inside a word ends no sentence: "¿Por qué un " is no "why?" of its own
        ("¿Por qué un .exe no corre fácil fuera de Windows?", "¿Cómo puedo ejecutar un .exe en Linux?"),
    ],
)
def test_no_instruction_of_one_side_only(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not answer_form_change(a, b) and not answer_form_change(b, a)
    assert not answer_language_change(ta, tb, a, b) and not answer_language_change(tb, ta, b, a)
