"""Question words read in the wrong category, or where none is asked (recall43, after rule format 33).

`question_words.question_swap` compares the categories of two questions' first question words. It read "几几年" (which
year) and "几月" (which month) as a quantity against "哪一年" / "几号" (a time), "这几位思想家" (these few thinkers) as "how
many" against "谁", and "как минимум" (at least) as "how" against "где": 16 of the 17,170 right pairs outside dev were
refused at 0.000 so (/work/scratch/recall43). "几几年" and "几月" now ask a time, "哪一位" a person, and "как минимум",
"como mínimo", "这几" / "那几" and the reproach "你怎么连..." (how come you don't even ...) are no question words.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, question_words, text
from velo.cache.features import _Pair

_RU_CACHED = (
    "Добрый день. Подскажи пожалуйста как минимум четыре примера практического использования ортогональных латинских "
    "квадратов. Я знаю, что ортогональные латинские квадраты используются в криптографии и сельском хозяйстве. А ещё где "
    "они применяются ?"
)
_RU_REQUEST = (
    "Добрый день. Дай минимум четыре примера практического использования ортогональных латинских квадратов. Про "
    "криптографию и сельское хозяйство я знаю — где ещё их применяют?"
)

# (cached question, request, score with the answer "the answer to {cached}", served): 0.000 (role_swap) before; rewordings
# of the labelled pairs outside dev
SAME_QUESTION = [
    ("距今为止最冷的年份是几几年？", "到现在为止，最冷的是哪一年？", 0.982, True),
    ("到现在为止，最冷的是哪一年？", "距今为止最冷的年份是几几年？", 0.982, True),
    ("今天是几号", "请问今天是几月几号？", 0.971, True),
    (_RU_CACHED, _RU_REQUEST, 0.998, True),
    # the veto lifted, the model refuses
    (
        "孔子、孟子、荀子、墨子、老子、庄子和韩非子，谁的思想最值得现代人学习？",
        "在孔子、孟子、荀子、墨子、老子、庄子和韩非子这几位思想家当中，你觉得哪一位的思想最值得我们现代人去效仿？", 0.569, False,
    ),
]

# (cached question, request, score): another question, refused as before
STILL_REFUSED = [
    ("距今为止最冷的年份是几几年？", "距今为止最冷的地方是哪里？", 0.0),  # a time against a place
    ("今天是几月几号？", "今天去哪里？", 0.0),
]


def _swap(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return question_words.question_swap(p.tq, p.tc)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_QUESTION)
def test_one_category_is_no_swap(cached: str, request_: str, score: float, served: bool) -> None:
    assert not _swap(cached, request_) and not _swap(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "score", "served"), SAME_QUESTION)
def test_same_question_is_scored(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float, served: bool) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served, score)


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_REFUSED)
def test_another_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert _swap(cached, request_)
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("question", "categories"),
    [
        ("最冷的年份是几几年？", ["time"]),
        ("今天是几月几号？", ["time", "time"]),
        ("这个要几个月？", ["quantity"]),  # how many months: a quantity still
        ("这几位思想家当中，哪一位的思想最值得学习？", ["person"]),
        ("那几本书哪里有卖？", ["place"]),
        ("你怎么连这个都听不懂？现任的美国总统是哪一位？", ["person"]),  # a reproach, then the question
        ("Подскажи как минимум четыре примера. Где они применяются?", ["place"]),
        ("Назови как максимум три причины. Почему так?", ["reason"]),
        ("Dame como mínimo cuatro ejemplos. ¿Dónde se usan?", ["place"]),
        ("Dime como máximo tres razones. ¿Por qué?", ["reason"]),
        ("Wie viele Bundesländer hat Deutschland?", ["quantity"]),
        ("How do I tell them apart?", ["manner"]),
    ],
)
def test_question_words(question: str, categories: list[str]) -> None:
    assert question_words.question_words(text.tokens(question)) == categories
