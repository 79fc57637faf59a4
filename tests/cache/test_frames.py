"""What differs inside a question's frame: the vetoes read the bare question (`velo.cache.frames`, read by
`velo.cache.features._veto_features`), and the swaps es / zh / ru plain questions had (`velo.cache.speaker_roles`,
`velo.cache.persons`); newcomer nc43's finding. Scores before: `velo cache score` on main 0b10e9b with the answer "the
answer to {cached}" (/work/scratch/frame44/ex_before.txt). Real e5 + USE embedders, real embedded Milvus, the shipped
rule (weights unchanged).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.features import veto_features, vetoing_readers
from velo.cache.frames import bare
from velo.cache.persons import person_swap
from velo.cache.speaker_roles import speaker_exchanged

# (cached question, request, the score before): a look-alike inside a frame, served before, now refused at 0.0.
FRAMED = [
    ("Who killed Caesar?", "I want to know who Caesar killed.", 0.998),
    ("Does she love him?", "Please tell me, does he love her?", 0.999),
    ("How old are you?", "Please tell me how old I am.", 0.993),
    ("What is the capital of France?", "I'd like to know what the capital of France was.", 0.980),
    ("Who killed Caesar?", "Do you know who Caesar killed?", 0.998),
    ("Wer hat Cäsar getötet?", "Ich möchte wissen, wen Cäsar getötet hat.", 0.986),
    ("Liebt sie ihn?", "Sag mir, liebt er sie?", 0.997),
    ("Wie alt bist du?", "Sag mir, wie alt ich bin.", 0.960),
    ("Was ist die Hauptstadt von Frankreich?", "Ich möchte wissen, was die Hauptstadt von Frankreich war.", 0.975),
    ("¿Quién mató a César?", "Quiero saber a quién mató César.", 0.987),
    ("¿Ella lo ama?", "Dime, ¿él la ama?", 0.966),
    ("¿Cuál es la capital de Francia?", "Quiero saber cuál era la capital de Francia.", 0.970),
    ("谁杀了凯撒？", "我想知道凯撒杀了谁。", 0.998),
    ("她爱他吗？", "请告诉我，他爱她吗？", 0.997),
    ("你多大了？", "请告诉我我多大了。", 0.975),
    ("Кто убил Цезаря?", "Я хочу знать, кого убил Цезарь.", 0.993),
    ("Она любит его?", "Скажи, он любит её?", 1.000),
    ("Какая столица Франции?", "Хочу знать, какая была столица Франции.", 0.986),
    # frames of showing and explaining (nc44, after format 33; score before on main 5bcaee7)
    ("How old are you?", "Show me how old I am.", 0.946),
]

# (cached question, request): other vetoes' kinds inside a frame, read bare since frame44 (not vetoed on main 0b10e9b).
FRAMED_TOKENS = [
    ("Should I eat eggs while pregnant?", "I want to know if I can eat eggs while pregnant."),  # `modals`
    ("Who will win the World Cup?", "Tell me who won the World Cup."),  # `tense`
    ("Who did Brutus kill?", "Can you tell me who killed Brutus?"),  # `subject_object`
]

# (cached question, request, the score before): the speaker and another exchanged in a plain question.
PLAIN = [
    ("¿Por qué mi perro me ladra?", "¿Por qué le ladro a mi perro?", 0.991),
    ("为什么我的狗对我叫？", "为什么我对我的狗叫？", 0.953),
    ("Почему моя собака лает на меня?", "Почему я лаю на свою собаку?", 0.995),
]

# (cached question, request, score): the same question in a frame, served as before (no veto; scores unchanged).
KEPT = [
    ("Who killed Caesar?", "I want to know who killed Caesar.", 0.996),
    ("Does she love him?", "Please tell me, does she love him?", 0.983),
    ("How old are you?", "Please tell me how old you are.", 0.977),
    ("What is the capital of France?", "I'd like to know what the capital of France is.", 0.995),
    ("What is the capital of France?", "Do you know what the capital of France is?", 0.977),
    ("Wer hat Cäsar getötet?", "Ich möchte wissen, wer Cäsar getötet hat.", 0.997),
    ("谁杀了凯撒？", "我想知道谁杀了凯撒。", 0.999),
    ("你多大了？", "请告诉我你多大了。", 0.991),
    ("Кто убил Цезаря?", "Я хочу знать, кто убил Цезаря.", 0.976),
    ("¿Por qué mi perro me ladra?", "¿Por qué me ladra mi perro?", 0.983),
]

# (cached question, request, score before, score now): the same question in a frame of showing, teaching or explaining
# (nc44): its "me" had been read as the asker (`speaker_exchanged`), refused; the bare pair is read now.
SHOWN = [
    ("How do I boil an egg?", "Show me how to boil an egg.", 0.000, 0.966),
    ("How do I install Python?", "Show me how to install Python.", 0.000, 0.974),
]

# (text, its bare question), in the five languages.
BARE = [
    ("I want to know who Caesar killed.", "Who did Caesar killed?"),
    ("I want to know who killed Caesar.", "Who killed Caesar?"),
    ("Please tell me how old I am.", "How old am I?"),
    ("I'd like to know what the capital of France was.", "What was the capital of France?"),
    ("Can you tell me what is the capital of France?", "What is the capital of France?"),
    ("Please tell me, does he love her?", "Does he love her?"),
    ("I wonder if she is married.", "Is she married?"),
    ("Tell me which company Twitter bought.", "Which company did Twitter bought?"),
    ("Ich möchte wissen, wen Cäsar getötet hat.", "Wen hat Cäsar getötet?"),
    ("Sag mir, wer hat Cäsar getötet?", "Wer hat Cäsar getötet?"),
    ("Weißt du, wie alt ich bin?", "Wie alt bin ich?"),
    ("Ich möchte wissen, ob er sie liebt.", "Liebt er sie?"),
    ("Quiero saber a quién mató César.", "¿A quién mató César?"),
    ("¿Sabes quién mató a César?", "¿Quién mató a César?"),
    ("Dime cuántos años tengo.", "¿Cuántos años tengo?"),
    ("我想知道凯撒杀了谁。", "凯撒杀了谁？"),
    ("你知道谁杀了凯撒吗？", "谁杀了凯撒？"),
    ("请告诉我，他爱她吗？", "他爱她吗？"),
    ("Я хочу знать, кого убил Цезарь.", "Кого убил Цезарь?"),
    ("Скажи, сколько мне лет.", "Сколько мне лет?"),
    ("Show me how to boil an egg.", "How to boil an egg?"),
    ("Can you show me how to boil an egg?", "How to boil an egg?"),
    ("Walk me through how to boil an egg.", "How to boil an egg?"),
    ("Teach me how to swim.", "How to swim?"),
    ("Explain why the sky is blue.", "Why is the sky blue?"),
    ("Explain what a black hole is.", "What is a black hole?"),
    ("Zeig mir, wie man ein Ei kocht.", "Wie kocht man ein Ei?"),
    ("Erklär mir, warum der Himmel blau ist.", "Warum ist der Himmel blau?"),
    ("Muéstrame cómo hervir un huevo.", "¿Cómo hervir un huevo?"),
    ("Explícame por qué el cielo es azul.", "¿Por qué el cielo es azul?"),
    ("教我怎么煮鸡蛋。", "怎么煮鸡蛋？"),
    ("给我解释一下为什么天是蓝的", "为什么天是蓝的？"),
    ("Покажи, как сварить яйцо.", "Как сварить яйцо?"),
    ("Объясни, почему небо голубое.", "Почему небо голубое?"),
]

# texts with no frame around a question: an instruction, a frame's words in another use, a question as it is.
NO_FRAME = [
    "Tell me a joke.", "Do you know the way to San Jose?", "Dime un chiste.", "Saber es poder.", "告诉我你的名字",
    "Скажи тост.", "Who killed Caesar?", "Ich möchte wissen.", "Sag mir Bescheid.",
    "Show me a picture of a cat.", "Explain quantum entanglement.", "Walk me through setting up git.",
    "Zeig mir den Weg.", "Muéstrame una foto.", "教我英语", "Покажи фото.",
]


@pytest.mark.parametrize(("written", "question"), BARE)
def test_the_bare_question_is_read_out_of_its_frame(written: str, question: str) -> None:
    assert bare(written) == question


@pytest.mark.parametrize("written", NO_FRAME)
def test_a_text_with_no_frame_around_a_question_has_none(written: str) -> None:
    assert bare(written) is None


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, _ in FRAMED] + FRAMED_TOKENS)
def test_the_vetoes_read_the_bare_question(cached: str, request_: str) -> None:
    assert veto_features(request_, cached)["role_swap"] == 1.0
    assert veto_features(cached, request_)["role_swap"] == 1.0
    assert vetoing_readers(request_, cached)["role_swap"]


FRAME_PRONOUNS = [
    # nc44: the frame's own "me" read as the asker by `speaker_exchanged` (as written) refused these; who is who is now
    # read in the bare pair alone where a text is framed (`features._FRAME_PERSONS`)
    ("How do I boil an egg?", "Tell me how to boil an egg."), ("How do I boil an egg?", "Please tell me how to boil an egg."),
    ("How do I install Python?", "Tell me how to install Python."), ("How old are you?", "Tell me how old you are."),
    ("How do I boil an egg?", "Show me how to boil an egg."),
    ("How do I boil an egg?", "Can you show me how to boil an egg?"),
    ("How do I boil an egg?", "Walk me through how to boil an egg."),
    ("How do I install Python?", "Teach me how to install Python."),
    ("Wie koche ich ein Ei?", "Zeig mir, wie man ein Ei kocht."),
    ("¿Cómo hiervo un huevo?", "Muéstrame cómo hervir un huevo."),
    ("Как сварить яйцо?", "Покажи, как сварить яйцо."), ("怎么煮鸡蛋？", "教我怎么煮鸡蛋。"),
]


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, _ in KEPT] + FRAME_PRONOUNS)
def test_the_same_question_in_a_frame_is_no_veto(cached: str, request_: str) -> None:
    for a, b in ((request_, cached), (cached, request_)):
        found = veto_features(a, b)
        assert not any(found[k] >= 1.0 for k in ("symbol_swap", "role_swap", "number_mismatch", "negation_mismatch"))


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in PLAIN] + [
    ("¿Por qué mi perro te ladra?", "¿Por qué le ladras a tu perro?"),
    ("为什么你的猫对你叫？", "为什么你对你的猫叫？"),
    ("Почему мой кот кусает меня?", "Почему я кусаю своего кота?"),
])
def test_the_speaker_exchanged_in_es_zh_ru_is_read(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert speaker_exchanged(ta, tb) and speaker_exchanged(tb, ta)


@pytest.mark.parametrize(("a", "b"), [
    ("¿Por qué mi perro me ladra?", "¿Por qué me ladra mi perro?"),  # the same question, words moved
    ("¿Cómo me llamo?", "¿Cómo se llama?"),  # no verb in the first person beside a clitic
    ("为什么我的狗对我叫？", "为什么我的狗总是对我叫？"),
    ("Почему моя собака лает на меня?", "Почему собака лает на меня?"),
    ("Почему я лаю на свою собаку?", "Почему я лаю на мою собаку?"),
])
def test_no_exchange_in_es_zh_ru(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not speaker_exchanged(ta, tb) and not speaker_exchanged(tb, ta)


def test_a_chinese_question_of_the_person_themselves_is_no_generic_doer() -> None:
    assert person_swap(text.tokens("你多大了？"), text.tokens("我多大了？"))
    assert person_swap(text.tokens("你几岁了？"), text.tokens("我几岁了？"))
    assert not person_swap(text.tokens("我怎么安装Python？"), text.tokens("你怎么安装Python？"))  # the generic doer


@pytest.mark.parametrize(("cached", "request_", "before"), FRAMED + PLAIN)
def test_the_look_alike_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=False, score=0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), KEPT)
def test_the_same_question_in_a_frame_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=True, score=score)


@pytest.mark.parametrize(("cached", "request_", "before", "score"), SHOWN)
def test_the_same_question_in_a_frame_of_showing_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=True, score=score)
