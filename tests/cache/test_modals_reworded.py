"""A modal of permission against one of advice among other rewording: "Can I drink alcohol while pregnant?" / "Should I
drink alcohol when pregnant?" (after rule format 33, a newcomer's finding, nc43: served at 0.977 with a real answer;
"while" / "when" hid the modal from `modals.modal_change`, which read it only as the one difference), read by
`modals.asked_modal` in the `role_swap` veto: a yes-no question opening with a modal asked of the asker, of one verb.

Token-level tests call `modals.modal_change` and `modals.asked_modal`; the shipped-rule tests use real e5 + USE
embedders, real embedded Milvus and the shipped rule (format 33's weights). Scores before are main's (0b10e9b) with the
answer "the answer to {cached}" (`velo cache score --pairs`, /work/scratch/modal44/probe2_cmp.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.modals import asked_modal, modal_change

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("Can I drink alcohol while pregnant?", "Should I drink alcohol when pregnant?", 0.985),
    ("Should I drink alcohol when pregnant?", "Can I drink alcohol while pregnant?", 0.986),
    ("¿Puedo beber alcohol durante el embarazo?", "¿Debería beber alcohol cuando estoy embarazada?", 0.999),
    ("Можно ли пить алкоголь во время беременности?", "Стоит ли пить алкоголь при беременности?", 0.963),
    ("Can I eat sushi while pregnant?", "Should I eat sushi during pregnancy?", 0.999),
    ("Can I take ibuprofen with coffee?", "Should I take ibuprofen with my coffee?", 0.982),
    ("Darf man in der Schwangerschaft Sushi essen?", "Sollte ich während der Schwangerschaft Sushi essen?", 0.990),
    ("孕妇可以喝咖啡吗？", "怀孕的时候应该喝咖啡吗？", 0.990),
    ("Мне можно пить кофе?", "Нужно ли мне пить кофе?", 0.973),
    ("Do I have to pay taxes on crypto?", "Can we pay taxes on crypto gains?", 0.981),
]

# (cached question, request, score): one kind of modal, or a modal asked with a question word: served as before.
SERVED = [
    ("Can I drink alcohol while pregnant?", "Is it okay to drink alcohol while pregnant?", 0.997),
    ("Can I drink alcohol while pregnant?", "Could I drink alcohol when pregnant?", 0.997),
    ("Should I drink alcohol while pregnant?", "Must I drink alcohol when pregnant?", 0.995),
    ("How can I start going to the gym?", "What should I do to start going to the gym?", 0.993),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_permission_against_advice_among_rewording_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_one_kind_or_a_question_word_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I drink alcohol while pregnant?", "Should I drink alcohol when pregnant?"),
        ("May we still park here at night?", "Must we park here?"),
        ("So can I drink coffee?", "Do I need to drink coffee every day?"),
        ("¿Puedo beber alcohol durante el embarazo?", "¿Debería beber alcohol cuando estoy embarazada?"),
        ("¿Se puede comer huevos crudos?", "¿Tengo que comer huevos?"),
        ("Darf ich in der Schwangerschaft Alkohol trinken?", "Sollte ich schwanger Alkohol trinken?"),
        ("Darf man hier parken?", "Muss ich hier parken?"),
        ("Можно ли пить алкоголь во время беременности?", "Стоит ли пить алкоголь при беременности?"),
        ("Могу ли я пить кофе?", "Следует ли мне пить кофе утром?"),
        ("孕妇可以喝酒吗？", "怀孕的时候应该喝酒吗？"), ("我能不能喝咖啡", "每天必须喝咖啡吗"),
    ],
)
def test_permission_against_advice_is_read_among_rewording(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert modal_change(ta, tb) and modal_change(tb, ta)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Can I drink alcohol while pregnant?", "Should I eat sushi while pregnant?"),  # another verb: the model's
        ("Can I drink alcohol while pregnant?", "Is it okay to drink alcohol while pregnant?"),
        ("How can I start going to the gym?", "What should I do to start going to the gym?"),
        ("Can you explain it?", "Should I explain it?"),  # a request to the answerer
        ("¿Cómo puedo empezar a ir al gimnasio?", "¿Qué debería hacer para iniciarme en el gym?"),  # labelled right pair
        ("¿Puedes ayudarme?", "¿Debo ayudarte?"),
        ("Kannst du mir helfen?", "Soll ich helfen?"),
        ("Сколько кофе можно пить в день?", "Сколько воды нужно пить в день?"),
        ("请问你能不能给我列出一些法律条文吗", "请问老公需要给钱吗"),  # a request to the answerer
        ("怎么可以学好英语", "应该怎么学英语"),
    ],
)
def test_no_modal_read_among_rewording(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not modal_change(ta, tb) and not modal_change(tb, ta)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Can I drink alcohol while pregnant?", ("may", "drink")), ("Do I have to pay taxes?", ("should", "pay")),
        ("Ought I to go?", ("should", "go")), ("¿Debería beber alcohol?", ("should", "beber")),
        ("¿Se puede comer huevos?", ("may", "comer")), ("¿Hay que pagar?", ("should", "pagar")),
        ("Darf ich in der Schwangerschaft Alkohol trinken?", ("may", "trinken")),
        ("Стоит ли пить алкоголь?", ("should", "пить")), ("怀孕时可以喝酒吗", ("may", "喝")),
        ("What should I do?", None), ("Can you help?", None), ("Is it safe to drink?", None), ("你可以帮我吗", None),
    ],
)
def test_asked_modal(question: str, asked: tuple[str, str] | None) -> None:
    assert asked_modal(text.tokens(question)) == asked
