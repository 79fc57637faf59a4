"""A passive with its agent named is the active's question, and the names exchanged in either voice are another
(rule format 30, `velo.cache.passive`): "Did Brutus betray Caesar?" / "Was Caesar betrayed by Brutus?" was refused at
0.000 by format 29 (`order.exchanged` read the names as exchanged), while "Why did Germany invade Poland?" / "Why was
Germany invaded by Poland?" and the same kind in Spanish, German and Chinese were served at 0.97-1.0.
Token-level tests call `velo.cache.passive.active_order`; the shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, numbers, text
from velo.cache.passive import active_order

# (cached question, request, format 29's score, this change's) with the answer "the answer to {cached}"
# (/work/scratch/passive30/score.py on main e2bfa21 and on this branch; the rule's weights unchanged).
SERVED = [
    ("Did Brutus betray Caesar?", "Was Caesar betrayed by Brutus?", 0.0, 1.0),
    ("Why did Germany invade Poland?", "Why was Poland invaded by Germany?", 0.0, 1.0),
    ("Did the cat chase the dog?", "Was the dog chased by the cat?", 0.0, 0.999),
    ("Did Shakespeare write Hamlet?", "Was Hamlet written by Shakespeare?", 0.0, 1.0),
    ("Does the wind close the door?", "Is the door closed by the wind?", 0.0, 0.998),
    ("¿Por qué Alemania invadió Polonia?", "¿Por qué fue Polonia invadida por Alemania?", 0.0, 0.993),
    ("¿El gato atrapó al ratón?", "¿Fue el ratón atrapado por el gato?", 0.0, 0.999),
    # Served by format 29 too: the passive is read and the pair stays served.
    ("¿Traicionó Bruto a César?", "¿Fue César traicionado por Bruto?", 0.998, 0.998),
    ("¿Por qué invadió Alemania a Polonia?", "¿Por qué fue Polonia invadida por Alemania?", 0.995, 0.995),
    ("¿Atrapó el gato al ratón?", "¿Fue el ratón atrapado por el gato?", 0.994, 0.994),
    ("¿Escribió Cervantes el Quijote?", "¿Fue el Quijote escrito por Cervantes?", 0.998, 0.998),
    ("Hat Brutus Caesar verraten?", "Wurde Caesar von Brutus verraten?", 0.986, 0.986),
    ("Hat der Hund die Katze gejagt?", "Wurde die Katze von dem Hund gejagt?", 0.991, 0.991),
    ("布鲁图背叛了凯撒吗", "凯撒被布鲁图背叛了吗", 0.985, 0.985),
    ("为什么德国入侵了波兰？", "为什么波兰被德国入侵了？", 0.984, 0.984),
    ("Who was killed by Brutus?", "Who did Brutus kill?", 0.999, 0.999),
    # "by" of a time or a means names no doer: the clause keeps its order.
    ("Was the report finished by Monday?", "Was the report finished on Monday?", 0.989, 0.989),
]

# (cached question, request, format 29's score, this change's): the names exchanged, in one voice or across the two.
REFUSED = [
    ("Was Caesar betrayed by Brutus?", "Was Brutus betrayed by Caesar?", 0.0, 0.0),
    ("Did Brutus betray Caesar?", "Did Caesar betray Brutus?", 0.0, 0.0),
    ("Who was killed by Brutus?", "Who killed Brutus?", 0.0, 0.0),
    ("Did Caesar betray Brutus?", "Was Caesar betrayed by Brutus?", 1.0, 0.0),
    ("Why did Germany invade Poland?", "Why was Germany invaded by Poland?", 1.0, 0.0),
    ("Did the dog chase the cat?", "Was the dog chased by the cat?", 0.996, 0.0),
    ("Did Hamlet write Shakespeare?", "Was Hamlet written by Shakespeare?", 0.999, 0.0),
    ("Does the door close the wind?", "Is the door closed by the wind?", 0.995, 0.0),
    ("¿Fue Bruto traicionado por César?", "¿Fue César traicionado por Bruto?", 0.0, 0.0),
    ("¿Por qué Polonia invadió Alemania?", "¿Por qué fue Polonia invadida por Alemania?", 0.994, 0.0),
    ("¿El ratón atrapó al gato?", "¿Fue el ratón atrapado por el gato?", 0.995, 0.0),
    ("¿Traicionó César a Bruto?", "¿Fue César traicionado por Bruto?", 0.993, 0.0),
    ("¿Por qué invadió Polonia a Alemania?", "¿Por qué fue Polonia invadida por Alemania?", 0.987, 0.0),
    ("¿Atrapó el ratón al gato?", "¿Fue el ratón atrapado por el gato?", 0.979, 0.0),
    ("Hat Caesar Brutus verraten?", "Wurde Caesar von Brutus verraten?", 0.978, 0.0),
    ("Wurde Brutus von Caesar verraten?", "Wurde Caesar von Brutus verraten?", 0.0, 0.0),
    ("Hat die Katze den Hund gejagt?", "Wurde die Katze von dem Hund gejagt?", 0.971, 0.0),
    ("Hat Amerika Kolumbus entdeckt?", "Wurde Amerika von Kolumbus entdeckt?", 0.977, 0.0),
    ("凯撒背叛了布鲁图吗", "凯撒被布鲁图背叛了吗", 0.965, 0.0),
    ("布鲁图被凯撒背叛了吗", "凯撒被布鲁图背叛了吗", 0.0, 0.0),
    ("为什么波兰入侵了德国？", "为什么波兰被德国入侵了？", 0.985, 0.0),
    ("小明批评了老师吗", "小明被老师批评了吗", 0.986, 0.0),
]


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), SERVED)
def test_the_other_voice_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, now)


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), REFUSED)
def test_the_names_exchanged_are_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, now)


def _active(question: str) -> str:
    return " ".join(active_order(text.tokens(numbers.as_digits(question))))


@pytest.mark.parametrize(
    ("question", "active"),
    [
        ("Was Caesar betrayed by Brutus?", "was brutus betray caesar"),
        ("Caesar was betrayed by Brutus.", "brutus was betray caesar"),
        ("Why was Poland invaded by Germany?", "why was germany invad poland"),  # "invade" stems to "invad"
        ("Can the file be opened by Python?", "can python be open the file"),
        ("Was America discovered by Columbus in 1492?", "was columbus discover america in 1492"),
        ("Is the door closed by the wind?", "is the wind clos the door"),
        ("¿Fue César traicionado por Bruto?", "fue bruto traiciono a cesar"),
        ("César fue traicionado por Bruto", "bruto fue traiciono a cesar"),
        ("¿Por qué fue Polonia invadida por Alemania?", "por que fue alemania invadio a polonia"),
        ("¿Es el ratón atrapado por el gato?", "es el gato atrapa al raton"),
        ("¿Fue el Quijote escrito por Cervantes?", "fue cervantes escrito al quijote"),
        ("Wurde Caesar von Brutus verraten?", "hat brutus caesar verraten"),
        ("Ist Caesar von Brutus verraten worden?", "hat brutus caesar verraten"),
        ("Caesar wurde von Brutus verraten.", "brutus hat caesar verraten"),
        ("Warum wurde die Katze von dem Hund gejagt?", "warum hat dem hund die katze gejagt"),
        ("Wurde die Stadt durch den Krieg zerstört?", "hat den krieg die stadt zerstort"),
        ("凯撒被布鲁图背叛了吗", "布 鲁 图 背 叛 了 凯 撒 吗"),
        ("为什么凯撒被布鲁图背叛了？", "为 什 么 布 鲁 图 背 叛 了 凯 撒"),
        ("小明被老师批评了", "老 师 批 评 了 小 明"),
    ],
)
def test_a_passive_with_its_agent_is_read_in_the_actives_order(question: str, active: str) -> None:
    assert _active(question) == active


@pytest.mark.parametrize(
    "question",
    [
        "Was the report finished by Monday?",  # a time
        "Was the letter sent by email?",  # a means
        "Is the file encrypted by default?",  # a manner
        "Was the city founded by 1200?",  # a year
        "Is 10 divided by 2 equal to 5?",  # arithmetic's operands (`role_words.exchanged_numbers`)
        "Who was killed by Brutus?",  # the one acted on is the question word: `subject_object` reads it
        "Who was Brutus killed by?",
        "By whom was Brutus killed?",
        "Is the door closed?",  # a state with no doer
        "¿Quién fue asesinado por Bruto?",
        "¿Se puede pagar por adelantado?",  # "por" after no form of "ser"
        "Ist die Stadt weit von Berlin entfernt?",  # "sein" with no "worden": a state
        "Wer wurde von Brutus getötet?",
        "Wurde er von 2010 bis 2015 gewählt?",  # "von" of a time
        "凯撒被谁背叛了",  # the agent is the question word
        "小明被打了吗",  # 被 right before its verb: no agent
        "Был ли Цезарь предан Брутом?",  # Russian: the cases would have to change (module docstring)
    ],
)
def test_no_passive_with_a_doer_keeps_its_order(question: str) -> None:
    assert _active(question) == " ".join(text.tokens(numbers.as_digits(question)))


# nc31: names exchanged across the voices with a verb whose participle stems otherwise than its base ("discovered" /
# "discov", "stabbed" / "stab") had been served at 0.995-0.998; the same event in the other voice stays served.
@pytest.mark.parametrize(
    ("cached", "request_", "exchanged"),
    [
        ("Did Columbus discover America?", "Was Columbus discovered by America?", True),
        ("Did Brutus stab Caesar?", "Was Brutus stabbed by Caesar?", True),
        ("Did the police arrest the thief?", "Was the police arrested by the thief?", True),
        ("Did the cat chase the dog?", "Was the cat chased by the dog?", True),
        ("Did Columbus discover America?", "Was America discovered by Columbus?", False),
        ("Did Brutus stab Caesar?", "Was Caesar stabbed by Brutus?", False),
        ("Did the cat chase the dog?", "Was the dog chased by the cat?", False),
        ("Did the farmer carry the lamb?", "Was the lamb carried by the farmer?", False),
    ],
)
def test_the_participle_is_read_as_its_verb(cached: str, request_: str, exchanged: bool) -> None:
    from velo.cache import order, passive, roles
    from velo.cache.text import tokens

    a, b = passive.active_order(tokens(cached)), passive.active_order(tokens(request_))
    assert bool(roles.role_swap(a, b) or order.exchanged(a, b)) is exchanged, (a, b)
