"""Words writers add, drop or swap freely make no other question (rc40, after rule format 30).

Light rewordings of the team's sets that differ only in a courtesy word ("please", "请问"), a Chinese modal particle
closing a clause (呀, 吧), the polite "you" (您 / 你), a colloquial question word (咋 / 怎么), a greeting or thanks worded
otherwise, or a request's modal ("Could you" / "Can you", "How do I" / "How can I") were left to the model, which
refused many of them ("谢谢。" / "多谢。", "你好" / "您好"). `velo.cache.free_words` writes those words one way where
that makes the two questions the same words; elsewhere nothing is read, and the vetoes still read the texts as written.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, free_words
from velo.cache.features import _Pair

# (cached question, request): the same words but for what writers vary freely, from the team's sets outside dev and
# the hold-out (fit, the shared paraphrases, the oasst1 train rewordings), and made-up ones of each kind
SAME_WORDS = [
    ("澳大利亚的首都是哪里？", "请问澳大利亚的首都是哪里？"),
    ("请续写红楼梦。", "续写红楼梦"),
    ("你好呀，你叫什么名字呀", "你好，请问你叫什么名字？"),
    ("介绍下你自己", "介绍下你自己吧"),
    ("你好", "您好"),
    ("你好", "嗨"),
    ("谢谢。", "多谢。"),
    ("谢谢你", "谢啦"),
    ("今天天气咋样？", "今天天气怎么样？"),
    ("你是什么？", "你是啥？"),
    ("Can you explain what compound interest is?", "Could you explain what compound interest is?"),
    ("How do I reverse a list in Python?", "How can I reverse a list in Python?"),
    ("PLEASE EXPLAIN IT :(", "EXPLAIN IT PLEASE :("),
    ("¿Cómo instalo una librería en Python?", "¿Cómo instalo una librería en Python, por favor?"),
    ("Wie lange muss ich Eier kochen?", "Wie lange muss ich Eier kochen, bitte?"),
    ("Как сварить гречку?", "Как сварить гречку, пожалуйста?"),
    ("Hello there Obi One Kenobi", "Hi there, Obi One Kenobi"),
    ("thank you", "thanks"),
    ("¡Muchas gracias!", "¡Mil gracias!"),
]

# (cached question, request): another question, or not one of the free words where it stands
NOT_SAME_WORDS = [
    ("你好呀！", "你好吗"),  # 吗 makes a question: no free particle
    ("你说得对", "你说得对吗"),
    ("酒吧在哪里？", "酒在哪里？"),  # 吧 inside a word
    ("How do I say hello in French?", "How do I say hi in French?"),  # a greeting asked about, not opening the text
    ("请求被拒绝了怎么办？", "求被拒绝了怎么办？"),
    ("How did I lose weight?", "How can I lose weight?"),
    ("Why is the sky blue, please?", "Where is the sky blue, please?"),
]


def _same_words(cached: str, request: str) -> bool:
    p = _Pair(request, cached)
    return p.tq == p.tc


@pytest.mark.parametrize(("cached", "request_"), SAME_WORDS)
def test_free_words_make_the_same_words(cached: str, request_: str) -> None:
    p = _Pair(request_, cached)
    assert p.tq == p.tc and p.free_words_folded
    assert _same_words(request_, cached)  # either way round


@pytest.mark.parametrize(("cached", "request_"), SAME_WORDS)
def test_the_same_words_are_served_outright(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    """Served at 1.000 whatever the model says: "谢谢。" / "多谢。" scored 0.756 and "你好" / "嗨" fell under the gate (0.000)."""
    assert_scored(shipped_rule_cache, cached, request_, True, 1.0)


@pytest.mark.parametrize(("cached", "request_"), NOT_SAME_WORDS)
def test_other_words_stay_other_words(cached: str, request_: str) -> None:
    p = _Pair(request_, cached)
    assert p.tq != p.tc and not p.free_words_folded


def test_a_veto_still_reads_the_texts_as_written() -> None:
    """"please" folded away leaves the negation where it was: "not" is no free word."""
    p = _Pair("Is coffee not bad for you, please?", "Is coffee bad for you?")
    assert p.tq != p.tc and not p.free_words_folded


def test_fold_writes_each_kind_one_way() -> None:
    assert free_words.fold("请问您叫什么名字呀？") == "你叫什么名字？"
    assert free_words.fold("Could you explain it, please?") == "can you explain it, ?"
    assert free_words.fold("Hi there, how do we start?") == "hello, how can we start?"
    assert free_words.fold("酒吧在哪里？") == "酒吧在哪里？"


def test_could_fold_only_where_free_tokens_differ() -> None:
    """The guard before a second reading: a content word that differs can never be folded away."""
    assert free_words.could_fold(["please", "explain", "it"], ["explain", "it"])
    assert free_words.could_fold(["您", "好"], ["你", "好"])
    assert not free_words.could_fold(["please", "explain", "it"], ["explain", "this"])
    assert not free_words.could_fold(["酒", "吧"], ["酒", "店"])
