"""Set phrases of a conversation worded otherwise make the same words (rc41, after rule format 32).

Short turns of the team's sets that say one thing in words that share nothing were refused by the model: an arithmetic
question worded otherwise ("1+1=?" / "1+1是多少" 0.129), a bare acknowledgement ("对" / "嗯", "好的" / "行吧" 0.000),
"are you there" ("在吗" / "你还在吗" 0.520) and "continue" ("继续" / "接着来" 0.000). `velo.cache.set_phrases` writes
each one way per language, where that makes the two questions the same words; agreement, acceptance and refusal stay
three phrases ("Yes" / "OK" / "No"), and a phrase of one language is not another's.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, set_phrases
from velo.cache.features import _Pair

# (cached question, request, score before with the answer "the answer to {cached}"): the first of each kind from the
# team's sets outside dev and the hold-out (the oasst1 train rewordings), the others made up in the five languages
SAME_WORDS = [
    ("1+1=?", "1+1是多少", 0.129),
    ("1+1是多少", "1+1=?", 0.721),
    ("1+1等于几", "请问1加1的结果是几？", 0.820),
    ("123 x 3567", "123*3567", 0.819),
    ("123*3567", "123 x 3567", 0.347),
    ("What is 2 plus 2?", "2+2=?", 0.000),
    ("2+2=?", "What is 2 plus 2?", 0.000),
    ("¿Cuánto es 5 por 3?", "5*3=?", 0.811),
    ("Was ist 7 mal 8?", "7*8=?", 0.000),
    ("Сколько будет 7 умножить на 8?", "7*8=?", 0.000),
    ("(-1)*(-1)*(-1)=?", "-1 × -1 × -1 等于多少？", 0.000),  # symbol_swap before
    ("-1 × -1 × -1 等于多少？", "(-1)*(-1)*(-1)=?", 0.000),
    ("对", "嗯", 0.000),
    ("嗯", "对", 0.000),
    ("好的", "行吧", 0.000),
    ("行吧", "好的", 0.000),
    ("Yes", "Yeah!", 0.999),
    ("OK", "Alright.", 0.000),
    ("Sí", "Correcto.", 0.000),
    ("Vale", "De acuerdo.", 0.000),
    ("Ja", "Genau.", 0.000),
    ("Alles klar", "In Ordnung.", 0.000),
    ("Да", "Верно.", 0.000),
    ("Хорошо", "Ладно.", 0.000),
    ("No", "Nope.", 0.997),
    ("Нет", "Нет, спасибо.", 0.000),
    ("不对", "不是", 0.941),
    ("在吗", "你还在吗", 0.520),
    ("你还在吗", "在吗", 0.191),
    ("Are you there?", "Are you still there?", 0.176),
    ("Are you still there?", "Are you there?", 0.300),
    ("¿Estás ahí?", "¿Sigues ahí?", 0.936),
    ("Bist du da?", "Bist du noch da?", 0.593),
    ("Ты здесь?", "Ты ещё тут?", 0.990),
    ("继续", "接着来", 0.000),
    ("接着来", "继续", 0.000),
    ("继续这个故事。", "请接着写这个故事。", 0.570),
    ("Continue", "Go on, please.", 0.000),
    ("Go on, please.", "Continue", 0.000),
    ("Continúa", "Sigue.", 0.000),
    ("Weiter", "Mach weiter.", 0.574),
    ("Продолжай", "Дальше.", 0.000),
]

# (cached question, request, score): another question or another answer, as before
NOT_SAME_WORDS = [
    ("1+1=?", "1+2=?", 0.000),
    ("1+2", "1×2", 0.000),
    ("2-1=?", "2+1=?", 0.000),
    ("-1 × -1 × -1 等于多少？", "1 × 1 × 1 等于多少？", 0.000),
    ("1+1等于几", "1+1为什么等于2", 0.000),  # an expression asked about
    ("1+1是多少", "1+1在二进制里等于几", 0.000),  # 0.848 until a notation was read (`answer_form`, after format 32)
    ("对", "不正确", 0.000),  # agreement / refusal
    ("是的", "不是", 0.377),
    ("Yes", "No", 0.000),
    ("Yes", "OK", 0.000),  # agreement / acceptance
    ("对", "好的", 0.000),
    ("Sí", "No", 0.000),
    ("Ja", "Nein", 0.000),
    ("Да", "Нет", 0.000),
    ("好的", "好的，那你能学会什么？", 0.742),
    ("你在吗？", "你在哪里？", 0.000),  # where are you: 0.832 until `set_phrases.another_turn` (after format 32)
    ("你在吗？", "他在吗？", 0.000),  # someone else
    ("你还在吗", "你还好吗", 0.029),  # how are you
    ("在吗", "在", 0.0),  # "here" answers, it asks nothing: said against asked, `role_swap` (0.856 before inst43)
    ("Are you there?", "Where are you?", 0.000),  # 0.562 likewise
    ("继续", "再写一首", 0.000),
    ("接着写", "接着说", 0.590),  # talk on
    ("Continue", "Stop", 0.000),
]


def _same_words(cached: str, request: str) -> bool:
    p = _Pair(request, cached)
    return p.tq == p.tc


@pytest.mark.parametrize(("cached", "request_", "before"), SAME_WORDS)
def test_a_set_phrase_worded_otherwise_is_the_same_words(cached: str, request_: str, before: float) -> None:
    p = _Pair(request_, cached)
    assert p.tq == p.tc and (p.set_phrases_folded or before > 0.99)  # "Yeah!" / "Yes", "No" / "Nope." read so before
    assert _same_words(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "before"), SAME_WORDS)
def test_the_same_words_are_served_outright(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, 1.0)


@pytest.mark.parametrize(("cached", "request_", "score"), NOT_SAME_WORDS)
def test_other_phrases_stay_other_words(cached: str, request_: str, score: float) -> None:
    assert not _same_words(cached, request_) and not _same_words(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score"), NOT_SAME_WORDS)
def test_other_phrases_are_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("1+1=?", "1+1"), ("请帮我算一下，1+2的结果是多少？", "1+2"), ("123 x 3567", "123*3567"), ("What is 2 plus 2?", "2+2"),
        ("(-1)*(-1)*(-1)=?", "-1*-1*-1"), ("5*(3+2)=?", "5*(3+2)"),
        ("1+1为什么等于2", "1+1为什么等于2"), ("Yeah!", "yes"), ("Yes?", "Yes?"), ("嗯，好", "好的"), ("嗯？", "嗯？"),
        ("喂，你现在还在线吗？", "在吗"), ("在", "在"), ("在？", "在吗"), ("请接着写这个故事", "请继续这个故事"),
        ("Mach weiter.", "weiter"), ("What is the capital of France?", "What is the capital of France?"),
    ],
)
def test_fold_writes_each_kind_one_way(text: str, folded: str) -> None:
    assert set_phrases.fold(text) == folded


def test_could_fold_only_short_texts() -> None:
    assert set_phrases.could_fold("在吗", "你还在吗")
    assert not set_phrases.could_fold("在吗", "x" * (set_phrases.MAX_LENGTH + 1))
