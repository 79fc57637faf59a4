"""Spanish rewordings the rule refused (after rule format 32, a newcomer's findings): a country or union named in full
and by its abbreviation ("Estados Unidos" / "EE. UU." / "EEUU": `velo.cache.short_names`, and the kind in en / de / ru:
"the U.S.", "die Vereinigten Staaten" / "die USA", "в Соединённых Штатах" / "в США", "la UE", "ЕС" / "Евросоюз"), and
a topic put before the question word ("¿Messi cuántos años tiene?" / "¿Cuántos años tiene Messi?":
`order.topic_fronted`). Both are read only where they make the two questions the same words (`features._Pair`). Since
tense42: the United Nations, "the US" in capitals, Chinese full names (美国 / 美利坚合众国; scores before from branch
tense42's 7a4c716, /work/scratch/tense42/names_before.txt).

Token-level tests call the readers; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the
shipped rule (weights unchanged). Scores before are main's (f027f07, format 32) with the answer "the answer to
{cached}" (/work/scratch/lk41/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.order import topic_fronted
from velo.cache.short_names import capitals, respelled

# (cached question, request, score before): now the same words, served at 1.000.
SERVED = [
    ("¿Cuál es la capital de Estados Unidos?", "¿Cuál es la capital de EE. UU.?", 0.674),
    ("¿Cuál es la capital de Estados Unidos?", "¿Cuál es la capital de EEUU?", 0.697),
    ("¿Quién es el presidente de los Estados Unidos?", "¿Quién es el presidente de EE. UU.?", 0.812),
    ("What is the population of the United States?", "What is the population of the U.S.?", 0.851),
    ("When did the UK leave the EU?", "When did the United Kingdom leave the European Union?", 0.854),
    ("¿Cuándo entró España en la Unión Europea?", "¿Cuándo entró España en la UE?", 0.596),
    ("Wie viele Einwohner haben die USA?", "Wie viele Einwohner haben die Vereinigten Staaten?", 0.744),
    ("Wann wurde die Europäische Union gegründet?", "Wann wurde die EU gegründet?", 0.612),
    ("Сколько жителей в США?", "Сколько жителей в Соединённых Штатах?", 0.905),
    ("Когда был основан Евросоюз?", "Когда был основан ЕС?", 0.571),
    ("What is the population of the United States?", "What is the population of the US?", 0.691),
    ("Who is the president of the US?", "Who is the president of the United States?", 0.785),
    ("When was the UN founded?", "When was the United Nations founded?", 0.654),
    ("How many countries are in the UN?", "How many countries are in the United Nations?", 0.536),
    ("¿Cuántos países hay en la ONU?", "¿Cuántos países hay en las Naciones Unidas?", 0.924),
    ("Когда была основана ООН?", "Когда была основана Организация Объединённых Наций?", 0.151),
    ("美国的首都是哪里？", "美利坚合众国的首都是哪里？", 0.112),
    ("美国有多少人口？", "美利坚合众国有多少人口？", 0.314),
    ("英国的首都是哪里？", "联合王国的首都是哪里？", 0.001),
    ("欧盟有多少个成员国？", "欧洲联盟有多少个成员国？", 0.658),
    ("¿Cuántos años tiene Messi?", "¿Messi cuántos años tiene?", 0.832),
    ("¿Cuándo nació Cervantes?", "¿Cervantes cuándo nació?", 0.0),
    ("¿Cómo funciona un motor eléctrico?", "¿Un motor eléctrico cómo funciona?", 0.988),
    ("¿Cuánto cuesta un iPhone en México?", "¿En México cuánto cuesta un iPhone?", 0.972),
]

# (cached question, request, score): kept apart as before.
REFUSED = [
    ("Can you help us?", "Can you help the United States?", 0.184),  # the pronoun is no country
    ("What is un?", "What is the United Nations?", 0.173),  # "un" not in capitals
    ("¿Cuántos años tiene Messi?", "¿Cuántos años tiene Cristiano?", 0.0),
    ("¿Messi cuántos goles tiene?", "¿Cuántos años tiene Messi?", 0.010),
    ("¿Quién mató a César?", "¿César a quién mató?", 0.0),  # Caesar killed someone: not a topic put first
    ("¿Juan ama a María?", "¿María ama a Juan?", 0.0),
]


@pytest.mark.parametrize(("cached", "request_", "before"), SERVED)
def test_the_rewording_is_served_as_the_same_words(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, 1.0)
    assert_scored(shipped_rule_cache, request_, cached, True, 1.0)


@pytest.mark.parametrize(("cached", "request_", "score"), REFUSED)
def test_the_other_question_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("de EE. UU.", "de los Estados Unidos", True), ("de EEUU", "de Estados Unidos", True),
        ("de los EE. UU.", "de Estados Unidos", True),
        ("the USA", "the United States", True), ("the U.S.A.", "the USA", True),
        ("in den Vereinigten Staaten", "in den USA", True), ("в США", "в Соединённых Штатах", True),
        ("Can you help us?", "Can you help the United States?", False), ("the UK", "the USA", False),
        ("Is it in the US?", "Is it in the United States?", True), ("the UN", "the United Nations", True),
        ("Tell us about the UN.", "Tell us about the United Nations.", True),  # "us" the pronoun, "UN" the name
        ("CAN YOU HELP US?", "CAN YOU HELP THE UNITED STATES?", False),  # a text all in capitals marks no case
        ("Es un país.", "Es Naciones Unidas país.", False),  # the Spanish article
        ("der UNO", "der Vereinten Nationen", True), ("в ООН", "в Организации Объединённых Наций", True),
        ("美国人", "美利坚合众国人", True), ("英国", "联合王国", True), ("欧盟", "欧洲联盟", True), ("美国", "英国", False),
    ],
)
def test_a_name_is_written_as_the_other_question_writes_it(a: str, b: str, same: bool) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert (respelled(ta, tb, capitals(a), capitals(b)) == tb) is same


@pytest.mark.parametrize(
    ("a", "b", "fronted"),
    [
        ("¿Messi cuántos años tiene?", "¿Cuántos años tiene Messi?", True),
        ("La fotosíntesis, ¿qué es?", "¿Qué es la fotosíntesis?", True),
        ("¿En México cuánto cuesta un iPhone?", "¿Cuánto cuesta un iPhone en México?", True),
        ("¿César a quién mató?", "¿Quién mató a César?", False),
        ("¿Cuántos años tiene Messi?", "¿Cuántos años tiene Messi?", False),
        ("Is a fruit a tomato?", "Is a tomato a fruit?", False),  # no Spanish question word opens it
        ("tomato a fruit what is", "what is a tomato a fruit", False),
    ],
)
def test_a_spanish_topic_put_first(a: str, b: str, fronted: bool) -> None:
    assert topic_fronted(text.tokens(a), text.tokens(b)) is fronted
