"""Subject and object exchanged around a verb is another question (issue 8, cache kind: what differs must never be
invisible; swapped arguments are one kind with reversed direction). Rule format 10 served "Why did Germany invade
Poland?" / "Why did Poland invade Germany?" at 0.991: `order_swap` (the same tokens in another order) is a model
feature only. Real e5 + USE embedders, real embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import pytest

from velo.cache import SemanticCache, order, subject_object
from velo.cache.features import _Pair
from tests.cache.backends import served_pair

# (cached question, request, format 10's score): two arguments exchanged around what stays between them.
EXCHANGED = [
    ("Why did Germany invade Poland?", "Why did Poland invade Germany?", 0.991),
    ("¿Por qué Alemania invadió Polonia?", "¿Por qué Polonia invadió Alemania?", 0.976),
    ("为什么德国入侵波兰？", "为什么波兰入侵德国？", 0.991),
    ("Did the cat chase the dog?", "Did the dog chase the cat?", 0.946),
    ("Почему Германия напала на Польшу?", "Почему Польша напала на Германию?", 0.0),  # also a role word ("на")
    ("Does Messi earn more than Ronaldo?", "Does Ronaldo earn more than Messi?", 0.0),  # also "than"
    ("Warum hat Deutschland Polen angegriffen, obwohl Polen Deutschland nie bedroht hat?",
     "Warum hat Polen Deutschland angegriffen, obwohl Deutschland Polen nie bedroht hat?", None),
    ("守望先锋里，如何用源氏针对对方的安娜？", "守望先锋里，如何用安娜针对对方的源氏？", None),  # an oasst1 train look-alike
    # German puts subject and object side by side (rule format 16: order._german_neighbours): before the final verb
    ("Warum hat Deutschland Polen angegriffen?", "Warum hat Polen Deutschland angegriffen?", 0.670),
    ("Ich glaube, dass der Hund die Katze jagt", "Ich glaube, dass die Katze den Hund jagt", 0.928),
    ("Weißt du, ob der Hund die Katze gebissen hat?", "Weißt du, ob die Katze den Hund gebissen hat?", None),
    # and after the first verb of a question
    ("Warum jagt der Hund die Katze?", "Warum jagt die Katze den Hund?", 0.947),
    ("Warum jagt die Katze die Maus?", "Warum jagt die Maus die Katze?", None),
]

# (cached question, request, format 15's score): the question word asks for the subject in one, the object in the
# other (rule format 16: subject_object.subject_object_swap).
SUBJECT_OBJECT = [
    ("Who did Brutus kill?", "Who killed Brutus?", 0.991),
    ("What did the cat eat?", "What ate the cat?", 0.954),
    ("¿A quién mató Bruto?", "¿Quién mató a Bruto?", 0.731),
    ("Wen tötete Brutus?", "Wer tötete Brutus?", 0.933),
    ("Кого убил Брут?", "Кто убил Брута?", 0.995),
    ("谁杀了布鲁图斯？", "布鲁图斯杀了谁？", 0.900),
]

# (cached question, request, the newcomer's score on a clone from before rule format 16, main's at format 16): reported
# served; Russian arguments whose case endings changed with their place (rule format 17: order._as_cased) were still
# served by format 16, the others were vetoed by it (subject_object.subject_object_swap, order._german_neighbours).
NEWCOMER = [
    ("Почему кошки боятся собак?", "Почему собаки боятся кошек?", 0.998, 0.998),
    ("Почему кошки боятся собак?", "Почему кошек боятся собаки?", None, 0.998),  # the cases alone exchanged
    ("Кто убил Цезаря?", "Кого убил Цезарь?", 1.000, 0.0),
    ("Wen hat Brutus getötet?", "Wer hat Brutus getötet?", 0.983, 0.0),
    ("Warum hassen Katzen Hunde?", "Warum hassen Hunde Katzen?", 0.965, 0.0),
    ("谁杀了布鲁图斯？", "布鲁图斯杀了谁？", 0.984, 0.0),
    ("¿Quién mató a César?", "¿A quién mató César?", None, 0.0),
]

# (cached question, request): two numbers around a commutative operator, the same question either way round. Rule
# format 16 vetoed all but "mal" and "por" (order.exchanged, and "на" of "умножить на" as a role word).
COMMUTED = [
    ("What's 7 times 8?", "What's 8 times 7?"),
    ("What's 7 plus 8?", "What's 8 plus 7?"),
    ("What is 7 × 8?", "What is 8 × 7?"),
    ("What is 7 + 8?", "What is 8 + 7?"),
    ("What is 7 multiplied by 8?", "What is 8 multiplied by 7?"),
    ("Was ist 7 mal 8?", "Was ist 8 mal 7?"),
    ("¿Cuánto es 7 por 8?", "¿Cuánto es 8 por 7?"),
    ("¿Cuánto es 7 más 8?", "¿Cuánto es 8 más 7?"),
    ("7乘8等于多少？", "8乘7等于多少？"),
    ("7乘以8等于多少？", "8乘以7等于多少？"),
    ("7加8等于多少？", "8加7等于多少？"),
    ("Сколько будет 7 умножить на 8?", "Сколько будет 8 умножить на 7?"),
    ("Сколько будет 7 плюс 8?", "Сколько будет 8 плюс 7?"),
]

# (cached question, request): subtraction, division and powers ask another question with their operands exchanged.
NOT_COMMUTED = [
    ("What's 8 minus 7?", "What's 7 minus 8?"),
    ("What is 8 - 7?", "What is 7 - 8?"),
    ("What's 8 divided by 2?", "What's 2 divided by 8?"),
    ("What is 2 to the power of 3?", "What is 3 to the power of 2?"),
    ("Сколько будет 8 разделить на 2?", "Сколько будет 2 разделить на 8?"),
    ("8减7等于多少？", "7减8等于多少？"),
    ("¿Es 5 más que 3?", "¿Es 3 más que 5?"),  # "más que": more than, no addition
    # A third number: precedence or another operator makes the order matter (nc18: served at 0.96-0.98 by format 17).
    ("What is 3 plus 4 times 5?", "What is 4 plus 3 times 5?"),
    ("What is 10 minus 2 plus 3?", "What is 10 minus 3 plus 2?"),
    ("What is 8 divided by 2 times 7?", "What is 8 divided by 7 times 2?"),
    ("What is 2 times 3 to the power of 2?", "What is 3 times 2 to the power of 2?"),
    ("Was ist 3 plus 4 mal 5?", "Was ist 4 plus 3 mal 5?"),
    ("3加4乘5等于多少？", "4加3乘5等于多少？"),
]

# (cached question, request): the same question with its words reordered, or no exchange around a word that stays.
REORDERED = [
    ("What's the capital of France?", "France's capital is what?"),  # neighbours exchanged: nothing between them
    ("What's the capital of France?", "Paris, what country is it the capital of?"),
    ("In Python, how do I read a file?", "How do I read a file in Python?"),  # a phrase moved to the other end
    ("What is the difference between a cat and a dog?", "What is the difference between a dog and a cat?"),
    ("Wie lese ich eine Datei in Python Zeile für Zeile ein?", "Wie lese ich in Python eine Datei Zeile für Zeile ein?"),
    ("¿Por qué Alemania invadió Polonia?", "¿Por qué invadió Alemania a Polonia?"),
    ("为什么德国入侵波兰？", "德国为什么入侵波兰？"),
    # long stretches in each other's place: rewordings of the oasst1 train set (format 11 as first landed vetoed them)
    ("写一首关于人工智能的诗，作者为李白", "以李白为作者，写一首关于人工智能的诗"),
    ("请详细解释一下开源项目OpenAssistant", "OpenAssistant开源项目，详细说说"),
    # German neighbours whose case says the roles, or no German clause around them
    ("Wie gebe ich dem Kind die Medizin?", "Wie gebe ich die Medizin dem Kind?"),
    ("Why is the big red ball heavy?", "Why is the red big ball heavy?"),
]

# (cached question, request): one question word asking for the same role, or worded otherwise.
SAME_ROLE = [
    ("Who wrote Hamlet?", "Who did write Hamlet?"),  # "did" stresses: Hamlet is the object in both
    ("谁是李白？", "李白是谁？"),
    ("What does compound interest mean?", "Can you explain what compound interest is?"),  # a fit rewording
    ("谁？", "你是谁？"),  # an oasst1 train rewording
]


def _exchanged(cached: str, request_: str) -> bool:
    """`order.exchanged` on the tokens the hit features compare."""
    pair = _Pair(request_, cached)
    return order.exchanged(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_", "before"), EXCHANGED)
def test_two_arguments_exchanged_around_a_verb(cached: str, request_: str, before: float | None) -> None:
    assert _exchanged(cached, request_) and _exchanged(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), REORDERED)
def test_words_reordered_otherwise_are_no_exchange(cached: str, request_: str) -> None:
    assert not _exchanged(cached, request_) and not _exchanged(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "before"), SUBJECT_OBJECT)
def test_subject_and_object_asked_in_each_others_place(cached: str, request_: str, before: float) -> None:
    pair = _Pair(request_, cached)
    assert subject_object.subject_object_swap(pair.tq, pair.tc) and subject_object.subject_object_swap(pair.tc, pair.tq)


@pytest.mark.parametrize(("cached", "request_"), SAME_ROLE)
def test_the_same_role_asked_is_no_subject_object_swap(cached: str, request_: str) -> None:
    pair = _Pair(request_, cached)
    assert not subject_object.subject_object_swap(pair.tq, pair.tc) and not subject_object.subject_object_swap(pair.tc, pair.tq)


@pytest.mark.parametrize(
    ("cached", "request_", "served"),
    [
        *((c, r, False) for c, r, _ in EXCHANGED[:4]),  # served at 0.95-0.99 by format 10
        *((c, r, False) for c, r, before in EXCHANGED[8:] + SUBJECT_OBJECT if before),  # format 15: 0.67-0.995
        ("What's the capital of France?", "France's capital is what?", True),  # 1.0
    ],
)
def test_exchanged_arguments_are_a_miss_and_a_reordering_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, served: bool
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got is served, (decision.score, decision.features)
    assert decision.features.role_swap == float(not served)


@pytest.mark.parametrize(("cached", "request_", "newcomer", "format_16"), NEWCOMER)
def test_the_newcomers_exchanged_arguments_are_a_miss(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, newcomer: float | None, format_16: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.features.role_swap == 1.0, (decision.score, decision.features)


def test_russian_arguments_in_each_others_case_and_place_are_exchanged() -> None:
    assert _exchanged("Почему кошки боятся собак?", "Почему собаки боятся кошек?")
    # the same forms moved, each in its own case: free word order, the same question (rule format 19; formats 17-18
    # vetoed it: nc18 finding 8); two forms alike leave the order to say the roles
    assert not _exchanged("Почему кошки боятся собак?", "Почему собак боятся кошки?")
    assert _exchanged("Почему дочь любит мать?", "Почему мать любит дочь?")
    # the cases exchanged with the words in place (rule format 17: order._cases_exchanged; format 16 served the first
    # at 0.998)
    assert _exchanged("Почему кошки боятся собак?", "Почему кошек боятся собаки?")
    assert _exchanged("Почему собака кусает кота?", "Почему собаку кусает кот?")
    # a noun and its verb agreeing in number are no exchange
    assert not _exchanged("Почему кошки боятся огурцов?", "Почему кошка боится огурцов?")
    assert not _exchanged("Почему кошки очень боятся огурцов?", "Почему кошка очень боится огурцов?")
    # a noun and its verb are no one word in two cases (an oasst1 fit rewording)
    assert not _exchanged("кредитная и дебетовая карта - в чем отличие", "Чем отличается дебетовая карта от кредитной?")


@pytest.mark.parametrize(("cached", "request_"), COMMUTED)
def test_a_commutative_operation_either_way_round_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.features.role_swap == 0.0, (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_"), NOT_COMMUTED)
def test_an_asymmetric_operation_the_other_way_round_is_a_miss(
    shipped_rule_cache: SemanticCache, cached: str, request_: str
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.features.role_swap == 1.0, (decision.score, decision.features)


# (cached question, request, order_swap): the hit features' `order_swap` counts each token (helper veto27, M6): a word
# repeated on one side only is no reordering (formats up to 26 compared token sets: all of these but the first two
# read 1.0; the shipped rule's scores moved by 0.001-0.005 and no decision of the replay's 13 such pairs changed).
ORDER_SWAP = [
    ("Is a tomato a fruit?", "Is a fruit a tomato?", 1.0),
    ("Why did Germany invade Poland?", "Why did Germany invade Poland?", 0.0),
    ("你好", "你好你好！", 0.0),  # oasst1 train rewordings
    ("夸夸我", "夸我", 0.0),
    ("嗨", "嗨嗨", 0.0),
    ("When should I use 'affect' and when 'effect'?", "When should I use 'affect' and when should I use 'effect'?", 0.0),
    ("¿Cuándo se usa 'por' y cuándo 'para'?", "¿Cuándo se usa 'por' y cuándo se usa 'para'?", 0.0),
    ("¿Qué diferencia hay entre una tarjeta de débito y una de crédito?",
     "¿Qué diferencia hay entre una tarjeta de débito y una tarjeta de crédito?", 0.0),
    ("没有指南针，怎么在北半球寻找北方。", "没有指南针，怎么在南半球寻找北方。", 0.0),  # a look-alike: 南 in place of a second 北
]


@pytest.mark.parametrize(("cached", "request_", "swap"), ORDER_SWAP)
def test_order_swap_is_the_same_tokens_each_as_often_in_another_order(cached: str, request_: str, swap: float) -> None:
    pair = _Pair(request_, cached)
    assert float(order.reordered(pair.tq, pair.tc)) == swap == float(order.reordered(pair.tc, pair.tq))


# nc31 (format 30): a passive asked with its agent last ("X was killed by whom?") asks for the doer; its participle stands
# before "by", where the verb of "By whom was X killed?" stands last. Served at 0.999-1.000 beside the object's question.
AGENT_LAST = [
    ("Who did Brutus kill?", "Brutus was killed by whom?"),
    ("Whom did Cain kill?", "Cain was killed by whom?"),
    ("Who did Oswald shoot?", "Oswald was shot by whom?"),
    ("Who did Caesar betray?", "Caesar was betrayed by whom?"),
    ("What did the cat eat?", "The cat was eaten by whom?"),
]


@pytest.mark.parametrize(("cached", "request_"), AGENT_LAST)
def test_a_passive_with_its_agent_asked_last_asks_for_the_subject(cached: str, request_: str) -> None:
    pair = _Pair(request_, cached)
    assert subject_object.subject_object_swap(pair.tq, pair.tc) and subject_object.subject_object_swap(pair.tc, pair.tq)


@pytest.mark.parametrize("cached", ["Who killed Brutus?", "By whom was Brutus killed?", "Who was Brutus killed by?"])
def test_the_doer_asked_with_the_agent_last_is_the_same_question(cached: str) -> None:
    pair = _Pair("Brutus was killed by whom?", cached)
    assert not subject_object.subject_object_swap(pair.tq, pair.tc) and not subject_object.subject_object_swap(pair.tc, pair.tq)
