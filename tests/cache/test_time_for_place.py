"""A time word exchanged for a place word is refused, as a question word or as a conjunction (rule format 29, a
newcomer's finding H5 after format 28). "What happened when the Titanic sank?" / "What happened where the Titanic
sank?" was served at 0.976: `question_words.question_swap` read only the first question words ("what" both) and took
English "when" / "where" before a clause for no question word at all; "Who discovered penicillin and when?" / "... and
where?" starts with "who" both. `question_words.time_for_place` refuses two questions that are the same words but for a
time word on one side where the other has a place word (when / where, cuando / donde, als, wenn, wann / wo, когда / где,
什么时候, 的时候, 时 / 哪里, 的地方, 处), function words beside them allowed. Not an exchange: the same question words in
another order (rule format 27's exemption), one side asking both, "where" / "when" after a noun of situations or times
("in cases where / when ...", "a time where / when ...") and before a one-letter variable ("where / when x is user
input", an oasst1 validation rewording). Since tester brk29's HIGH-2 a conjunction counts only in a one-time event, told
in the past ("What happened when / where the Titanic sank?"): in a general condition, present and repeatable, "when"
and "where" are close and served ("What happens when / where two tectonic plates meet?", "apps where / when reads
dominate"); a question word ("... and when?") counts whatever the tense. A letter before a content word or another
letter is an initial or a hyphenated name, no variable ("when / where D-Day started", "J. K. Rowling"). Token-level
tests read the features as the featurizer does; the shipped-rule
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

# (cached question, request, format 29's score, the score now): tester brk29's LOW, a hyphenated name or initials
# after "when" / "where" read as a variable and served by format 29.
NAMES_REFUSED = [
    ("What was the weather like when D-Day happened?", "What was the weather like where D-Day happened?", 0.947, 0.0),
    ("What was the weather like where D-Day happened?", "What was the weather like when D-Day happened?", 0.959, 0.0),
    (
        "Who was prime minister where J. K. Rowling was born?",
        "Who was prime minister when J. K. Rowling was born?",
        0.953,
        0.0,
    ),
    ("What was the weather like when D-Day started?", "What was the weather like where D-Day started?", 0.948, 0.0),
    ("What was the weather like where D-Day started?", "What was the weather like when D-Day started?", 0.956, 0.0),
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
    ("Was passierte, als der Vulkan ausbrach?", "Was passierte, wo der Vulkan ausbrach?"),
    ("Wer hat das Telefon erfunden und wann?", "Wer hat das Telefon erfunden und wo?"),
    # tester brk29's one-time events (expect: different), and made-up ones in the five languages
    ("Who was president when the Titanic sank?", "Who was president where the Titanic sank?"),
    ("Who was king when Shakespeare was born?", "Who was king where Shakespeare was born?"),
    ("What language was spoken when Jesus lived?", "What language was spoken where Jesus lived?"),
    ("What was the weather like when D-Day started?", "What was the weather like where D-Day started?"),
    ("Who was prime minister when J. K. Rowling was born?", "Who was prime minister where J. K. Rowling was born?"),
    ("What did the soldiers see when the bomb fell?", "What did the soldiers see where the bomb fell?"),
    ("¿Qué ocurrió cuando cayó el muro de Berlín?", "¿Qué ocurrió donde cayó el muro de Berlín?"),
    ("Что произошло, когда взорвался реактор?", "Что произошло, где взорвался реактор?"),
    ("Where was Einstein born?", "When was Einstein born?"),
    ("Where do I start?", "When do I start?"),
]

# (cached question, request, format 29's score, the score now): tester brk29's HIGH-2, served again
# (/work/scratch/fix29c/score.py on this branch).
GENERAL_CONDITIONS_SERVED = [
    ("What happens where two tectonic plates meet?", "What happens when two tectonic plates meet?", 0.0, 0.972),
    ("What happens when two tectonic plates meet?", "What happens where two tectonic plates meet?", 0.0, 0.972),
    ("What happens where a river meets the sea?", "What happens when a river meets the sea?", 0.0, 0.957),
    ("What happens when a river meets the sea?", "What happens where a river meets the sea?", 0.0, 0.967),
    ("What happens to light where it enters water?", "What happens to light when it enters water?", 0.0, 0.967),
    ("What happens to light when it enters water?", "What happens to light where it enters water?", 0.0, 0.972),
    (
        "Give an example where recursion is better than iteration",
        "Give an example when recursion is better than iteration",
        0.0,
        0.954,
    ),
    (
        "Give an example when recursion is better than iteration",
        "Give an example where recursion is better than iteration",
        0.0,
        0.949,
    ),
    (
        "Is there an example where bubble sort is the best choice?",
        "Is there an example when bubble sort is the best choice?",
        0.0,
        0.966,
    ),
    (
        "Is there an example when bubble sort is the best choice?",
        "Is there an example where bubble sort is the best choice?",
        0.0,
        0.966,
    ),
    ("¿Qué ocurre donde chocan dos placas tectónicas?", "¿Qué ocurre cuando chocan dos placas tectónicas?", 0.0, 0.971),
    ("¿Qué ocurre cuando chocan dos placas tectónicas?", "¿Qué ocurre donde chocan dos placas tectónicas?", 0.0, 0.95),
    (
        "Which sorting algorithm is best when the data is nearly sorted?",
        "Which sorting algorithm is best where the data is nearly sorted?",
        0.0,
        0.951,
    ),
    (
        "Which sorting algorithm is best where the data is nearly sorted?",
        "Which sorting algorithm is best when the data is nearly sorted?",
        0.0,
        0.959,
    ),
    (
        "Are there exceptions where the rule doesn't apply?",
        "Are there exceptions when the rule doesn't apply?",
        0.0,
        0.954,
    ),
    (
        "Are there exceptions when the rule doesn't apply?",
        "Are there exceptions where the rule doesn't apply?",
        0.0,
        0.955,
    ),
    (
        "What is TDD good for in projects where requirements change?",
        "What is TDD good for in projects when requirements change?",
        0.0,
        0.969,
    ),
    (
        "What is TDD good for in projects when requirements change?",
        "What is TDD good for in projects where requirements change?",
        0.0,
        0.951,
    ),
    (
        "What happens where the Gulf Stream meets the Labrador Current?",
        "What happens when the Gulf Stream meets the Labrador Current?",
        0.0,
        0.965,
    ),
    (
        "What happens when the Gulf Stream meets the Labrador Current?",
        "What happens where the Gulf Stream meets the Labrador Current?",
        0.0,
        0.947,
    ),
    ("What happens where warm air meets cold air?", "What happens when warm air meets cold air?", 0.0, 0.971),
    ("What happens when warm air meets cold air?", "What happens where warm air meets cold air?", 0.0, 0.971),
    (
        "Что происходит, где тёплый воздух встречается с холодным?",
        "Что происходит, когда тёплый воздух встречается с холодным?",
        0.0,
        0.96,
    ),
    ("What happens where the Amazon meets the ocean?", "What happens when the Amazon meets the ocean?", 0.0, 0.966),
    ("What happens when the Amazon meets the ocean?", "What happens where the Amazon meets the ocean?", 0.0, 0.965),
    (
        "Are there any drawbacks where performance matters?",
        "Are there any drawbacks when performance matters?",
        0.0,
        0.981,
    ),
    (
        "Are there any drawbacks when performance matters?",
        "Are there any drawbacks where performance matters?",
        0.0,
        0.981,
    ),
    (
        "Which database is best for apps where reads dominate?",
        "Which database is best for apps when reads dominate?",
        0.0,
        0.969,
    ),
    (
        "Which database is best for apps when reads dominate?",
        "Which database is best for apps where reads dominate?",
        0.0,
        0.968,
    ),
    (
        "What tools help in teams where people work remotely?",
        "What tools help in teams when people work remotely?",
        0.0,
        0.966,
    ),
    (
        "What tools help in teams when people work remotely?",
        "What tools help in teams where people work remotely?",
        0.0,
        0.965,
    ),
]
GENERAL_CONDITIONS = [(c, r) for c, r, _, _ in GENERAL_CONDITIONS_SERVED]

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
    # a general condition, present and repeatable (tester brk29's HIGH-2, expect: the same question), and made-up ones
    *GENERAL_CONDITIONS,
    ("Was passiert, wenn der Vulkan ausbricht?", "Was passiert, wo der Vulkan ausbricht?"),
    ("Was passiert, wenn zwei Platten aufeinandertreffen?", "Was passiert, wo zwei Platten aufeinandertreffen?"),
    ("两个板块相撞的时候会发生什么？", "两个板块相撞的地方会发生什么？"),
    ("Which language is best for systems where memory is scarce?", "Which language is best for systems when memory is scarce?"),
    (
        "¿Qué lenguaje conviene en proyectos donde el rendimiento importa?",
        "¿Qué lenguaje conviene en proyectos cuando el rendimiento importa?",
    ),
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


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), NAMES_REFUSED)
def test_a_name_after_when_is_no_variable(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 1.0
    assert not got and decision.score == pytest.approx(now, abs=0.02), (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), GENERAL_CONDITIONS_SERVED)
def test_a_general_condition_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 0.0
    assert got and decision.score == pytest.approx(now, abs=0.02), (decision.score, decision.features)
