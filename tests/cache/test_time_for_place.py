"""A time word exchanged for a place word is refused, as a question word or as a conjunction (rule format 29, a
newcomer's finding H5 after format 28). "What happened when the Titanic sank?" / "What happened where the Titanic
sank?" was served at 0.976: `question_words.question_swap` read only the first question words ("what" both) and took
English "when" / "where" before a clause for no question word at all; "Who discovered penicillin and when?" / "... and
where?" starts with "who" both. `question_words.time_for_place` refuses two questions that are the same words but for a
time word on one side where the other has a place word (when / where, cuando / donde, als, wenn, wann / wo, когда / где,
什么时候, 的时候, 时 / 哪里, 的地方, 处), function words beside them allowed. Not an exchange: the same question words in
another order (rule format 27's exemption), one side asking both, "where" / "when" after a noun of situations or times
("in cases where / when ...", "a time where / when ...") and before a one-letter variable ("where / when x is user
input", an oasst1 validation rewording). Token-level tests read the features as the featurizer does; the shipped-rule
tests use real e5 + USE embedders, real embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, question_words
from velo.cache.features import _Pair

# (cached question, request, format 28's score): refused by the veto (/work/scratch/veto29a/score.py on main a5c2e8c).
REFUSED = [
    ("What happened when the Titanic sank?", "What happened where the Titanic sank?", 0.976),
    ("Who died when Lincoln was shot?", "Who died where Lincoln was shot?", 0.957),
    ("Что случилось, когда убили Линкольна?", "Что случилось, где убили Линкольна?", 0.979),
    ("Who discovered penicillin and when?", "Who discovered penicillin and where?", 0.976),
    ("¿Qué pasó cuando se hundió el Titanic?", "¿Qué pasó donde se hundió el Titanic?", 0.891),
    ("Was geschah, als die Titanic sank?", "Was geschah, wo die Titanic sank?", 0.918),
    ("Who was there when the bomb exploded?", "Who was there where the bomb exploded?", 0.962),
    ("Кто погиб, когда затонул Титаник?", "Кто погиб, где затонул Титаник?", 0.983),
    ("Who invented the telephone and when?", "Who invented the telephone and where?", 0.947),
    ("Кто изобрёл телефон и когда?", "Кто изобрёл телефон и где?", 0.970),
    ("谁发明了电话，什么时候？", "谁发明了电话，在哪里？", 0.975),
    (
        "How did the weather change when the volcano erupted?",
        "How did the weather change where the volcano erupted?",
        0.965,
    ),
]

# Other instances in the five languages.
TIME_FOR_PLACE = [
    ("泰坦尼克号沉没的时候发生了什么？", "泰坦尼克号沉没的地方发生了什么？"),
    ("泰坦尼克号沉没时发生了什么？", "泰坦尼克号沉没处发生了什么？"),
    ("林肯遇刺的时候谁死了？", "林肯遇刺的地方谁死了？"),
    ("What did people do when the Berlin Wall fell?", "What did people do where the Berlin Wall fell?"),
    ("¿Quién murió cuando dispararon a Lincoln?", "¿Quién murió donde dispararon a Lincoln?"),
    ("¿Quién inventó el teléfono y cuándo?", "¿Quién inventó el teléfono y dónde?"),
    ("Wer starb, als Lincoln erschossen wurde?", "Wer starb, wo Lincoln erschossen wurde?"),
    ("Was passiert, wenn der Vulkan ausbricht?", "Was passiert, wo der Vulkan ausbricht?"),
    ("Wer hat das Telefon erfunden und wann?", "Wer hat das Telefon erfunden und wo?"),
]

NOT_AN_EXCHANGE = [
    ("Who discovered penicillin and when?", "When was penicillin discovered, and by whom?"),
    ("Кто и когда открыл пенициллин?", "Когда и кем был открыт пенициллин?"),
    ("谁在什么时候发现了青霉素？", "青霉素是什么时候被谁发现的？"),
    ("Who discovered penicillin and when?", "Who discovered penicillin?"),
    ("Where and when was Einstein born?", "When and where was Einstein born?"),
    ("What should I do in cases where the test fails?", "What should I do in cases when the test fails?"),
    ("¿Qué hago en los casos donde falla la prueba?", "¿Qué hago en los casos cuando falla la prueba?"),
    ("Что делать в случаях, когда тест падает?", "Что делать в случаях, где тест падает?"),
    ("Tell me about a time where you failed", "Tell me about a time when you failed"),
    ("What was the year where the Berlin Wall fell?", "What was the year when the Berlin Wall fell?"),
    ("Wie war das in der Zeit, wo die Mauer fiel?", "Wie war das in der Zeit, als die Mauer fiel?"),
    ("Write a script that prints f(x) when x is user input", "Write a script that prints f(x), where x is user input"),
]


def _exchanged(cached: str, request_: str) -> bool:
    pair = _Pair(request_, cached)
    return question_words.time_for_place(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_"), [*((c, r) for c, r, _ in REFUSED), *TIME_FOR_PLACE])
def test_a_time_word_for_a_place_word_is_an_exchange(cached: str, request_: str) -> None:
    assert _exchanged(cached, request_) and _exchanged(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), NOT_AN_EXCHANGE)
def test_no_exchange(cached: str, request_: str) -> None:
    assert not _exchanged(cached, request_) and not _exchanged(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_the_false_hit_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 1.0
    assert not got, (decision.score, decision.features)


def test_the_same_question_words_in_another_order_are_served(shipped_rule_cache: SemanticCache) -> None:
    cached, request_ = "Who discovered penicillin and when?", "When was penicillin discovered, and by whom?"
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 0.0
    assert got, (decision.score, decision.features)
