"""Exchanged arguments in wordings rule format 18 missed, and rewordings its vetoes refused (issue 8, cache kind: what
differs between two questions must never be invisible to the cache; nc18 findings 2-6 and 8). Each report is one
instance of a kind; the other instances here are the same kind in en / es / de / ru / zh. Rule formats 19 and 20
(same weights). Token-level tests read the vetoes as the hit features do; the shipped-rule tests use real e5 + USE embedders,
real embedded Milvus and the shipped default rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, negation, order, question_words, roles, subject_object
from velo.cache.features import _Pair

# (cached question, request, format 18's score with the answer "the answer to {cached}"; None: not probed): another
# question, now vetoed.
OTHER_QUESTION = [
    # two operands of division or subtraction exchanged with no role word between them (finding 2)
    ("Divide 10 by 2", "Divide 2 by 10", 0.994),
    ("Teile 10 durch 2", "Teile 2 durch 10", 0.993),
    ("Divide 10 entre 2", "Divide 2 entre 10", 0.995),
    ("Dividir 10 por 2", "Dividir 2 por 10", 0.996),
    ("Divide 100 by 4, please", "Divide 4 by 100, please", 0.989),
    ("¿Cuánto es 3 más 4 por 5?", "¿Cuánto es 4 más 3 por 5?", 0.968),  # format 18's README: left
    # German subject and object with a neuter article, adjectives or a weak noun (finding 3)
    ("Warum liebt der Junge das Mädchen?", "Warum liebt das Mädchen den Jungen?", 0.998),
    ("Warum liebt der kleine Junge das große Mädchen?", "Warum liebt das große Mädchen den kleinen Jungen?", 0.999),
    ("Warum hat der kleine Hund die Katze gebissen?", "Warum hat die Katze den kleinen Hund gebissen?", 0.999),
    ("Warum jagt der große Hund die kleine Katze?", "Warum jagt die kleine Katze den großen Hund?", 0.999),
    ("Warum beißt der böse Hund den alten Briefträger?", "Warum beißt der alte Briefträger den bösen Hund?", 0.996),
    ("Warum sieht das Kind den Mann?", "Warum sieht der Mann das Kind?", 0.993),
    ("Wieso hat der Student den Professor gefragt?", "Wieso hat der Professor den Studenten gefragt?", 0.994),
    # Russian masculine animates: a stem change or a fleeting vowel (finding 4)
    ("Почему кот боится пса?", "Почему пёс боится кота?", 0.977),
    ("Почему лиса ест зайца?", "Почему заяц ест лису?", 0.968),
    ("Почему волк ест зайца?", "Почему заяц ест волка?", 0.984),
    ("Почему отец любит сына?", "Почему сын любит отца?", 0.998),
    # the subject asked in one question, the object in the other, in other wordings (finding 5)
    ("Who did Brutus kill?", "Who was Brutus killed by?", 0.999),
    ("Who killed Brutus?", "Who was killed by Brutus?", 0.995),
    ("Which company bought Twitter?", "Which company did Twitter buy?", 0.995),
    ("What company bought Twitter?", "What company did Twitter buy?", 0.996),
    ("谁把小明打了？", "小明把谁打了？", 0.978),
    ("谁被小明打了？", "小明被谁打了？", 0.975),
    ("Welcher Konzern kaufte Twitter?", "Welchen Konzern kaufte Twitter?", 0.996),
    ("¿Qué empresa compró Twitter?", "¿A qué empresa compró Twitter?", 0.977),
    ("Какая компания купила Twitter?", "Какую компанию купил Twitter?", 1.000),
    # before / after exchanged between two clauses (finding 6)
    ("Что нужно сделать перед сном и после пробуждения?", "Что нужно сделать после сна и перед пробуждением?", 0.991),
]

# (cached question, request): the same kinds, checked on the tokens only.
OTHER_QUESTION_TOKENS = [
    ("Divide 15 by 3", "Divide 3 by 15"),
    ("Teile 100 durch 4", "Teile 4 durch 100"),
    ("Подели 12 на 4", "Подели 4 на 12"),
    ("12除以4是多少", "4除以12是多少"),
    ("Subtract 3 from 10", "Subtract 10 from 3"),
    ("Вычти 3 из 10", "Вычти 10 из 3"),
    ("What is 2 plus 3 times 4?", "What is 4 plus 3 times 2?"),
    ("Warum mag der Lehrer den kleinen Schüler?", "Warum mag der kleine Schüler den Lehrer?"),
    ("Warum ruft die Mutter das Kind?", "Warum ruft das Kind die Mutter?"),
    ("Warum folgt der Hund dem Mann?", "Warum folgt der Mann dem Hund?"),
    ("Почему орёл ловит зайца?", "Почему заяц ловит орла?"),
    ("Почему боец ударил отца?", "Почему отец ударил бойца?"),
    ("Почему лев охотится на орла?", "Почему орёл охотится на льва?"),
    ("Почему дочь любит мать?", "Почему мать любит дочь?"),  # two forms alike: the order says the roles
    ("Who did Caesar defeat?", "Who was Caesar defeated by?"),
    ("Which country invaded Poland?", "Which country did Poland invade?"),
    ("谁把小红骂了？", "小红把谁骂了？"),
    ("Welchen Spieler hat Messi ersetzt?", "Welcher Spieler hat Messi ersetzt?"),
    ("Какую страну захватил Рим?", "Какая страна захватила Рим?"),
    ("¿A qué equipo venció Brasil?", "¿Qué equipo venció a Brasil?"),
    ("What should I do before sleeping and after waking up?", "What should I do after sleeping and before waking up?"),
    ("Was soll ich vor dem Laufen und nach dem Schwimmen essen?", "Was soll ich nach dem Laufen und vor dem Schwimmen essen?"),
    ("Что есть до тренировки и после сна?", "Что есть после тренировки и до сна?"),
    ("睡觉前和起床后应该做什么？", "睡觉后和起床前应该做什么？"),
    # rule format 20: a passive's "who" asks for the one acted on; Russian forms alike in the nominative and accusative
    ("Wer wurde von Brutus getötet?", "Wer hat Brutus getötet?"),
    ("Wer wurde von Brutus getötet?", "Wer tötete Brutus?"),
    ("¿Quién fue asesinado por Bruto?", "¿Quién asesinó a Bruto?"),
    ("Почему время лечит сердце?", "Почему сердце лечит время?"),
    ("Почему стол задевает дверь?", "Почему дверь задевает стол?"),
]

# (cached question, request, format 18's score, format 19's): the same question, refused at 0 by a veto of format 18
# (finding 8); format 19 vetoes none of them (the score is the model's).
SAME_QUESTION = [
    ("Who killed Brutus?", "By whom was Brutus killed?", 0.0, 0.999),
    ("Add 5 to 12", "Add 12 to 5", 0.0, 0.994),
    ("Addiere 5 zu 12", "Addiere 12 zu 5", 0.0, 0.995),
    ("Suma 5 a 12", "Suma 12 a 5", 0.0, 0.995),
    ("Прибавь 5 к 12", "Прибавь 12 к 5", 0.0, 0.995),
    ("Почему кошки боятся собак?", "Почему собак боятся кошки?", 0.0, 0.994),
    ("Почему кот любит собаку?", "Почему собаку любит кот?", 0.0, 0.993),
    # after format 30 an order that keeps the question is the same words (`features._Pair.reordered_alike`): 1.0, not
    # the model's 0.944 / 0.959 (format 30) nor 0.893 / 0.833 / 0.914 (under the threshold up to format 30)
    ("Was ist gesünder: Kaffee mit Milch oder ohne?", "Was ist gesünder: Kaffee ohne Milch oder mit?", 0.0, 1.0),
    ("跑步之前还是之后吃饭好？", "跑步之后还是之前吃饭好？", 0.0, 1.0),
    # all operators the same commutative one: any order
    ("What is 2 plus 3 plus 4?", "What is 4 plus 3 plus 2?", 0.0, 1.0),
    ("Was ist 2 mal 3 mal 4?", "Was ist 4 mal 3 mal 2?", 0.0, 1.0),
    ("2加3加4等于多少？", "4加3加2等于多少？", 0.0, 1.0),
]

# (cached question, request): no veto, on the tokens only.
SAME_QUESTION_TOKENS = [
    ("Multiply 6 by 9", "Multiply 9 by 6"),
    ("Multipliziere 6 mit 9", "Multipliziere 9 mit 6"),
    ("Умножь 6 на 9", "Умножь 9 на 6"),
    ("Сложи 5 и 7", "Сложи 7 и 5"),
    ("What is 1 + 2 + 3 + 4?", "What is 4 + 3 + 2 + 1?"),
    ("How many people are between 18 and 25?", "How many people are between 25 and 18?"),
    ("Wie gebe ich dem kleinen Kind die Medizin?", "Wie gebe ich die Medizin dem kleinen Kind?"),
    ("Почему мама любит папу?", "Почему папу любит мама?"),
    ("Who defeated Caesar?", "By whom was Caesar defeated?"),
    ("Who killed Brutus?", "Who was Brutus killed by?"),
    ("Von wem wurde Caesar getötet?", "Wer hat Caesar getötet?"),
    ("小明被谁打了？", "谁打了小明？"),
    ("Which company makes the iPhone?", "What company makes the iPhone?"),
    ("What should I eat before a run and after a swim?", "What should I eat after a swim and before a run?"),
    ("Should I stretch before or after running?", "Should I stretch after or before running?"),
    ("¿Es mejor café con leche o sin?", "¿Es mejor café sin leche o con?"),
    ("Кофе лучше с молоком или без?", "Кофе лучше без молока или с?"),
    ("跑步前还是跑步后喝水？", "跑步后还是跑步前喝水？"),
    ("Wen hat Brutus getötet?", "Wer wurde von Brutus getötet?"),
    ("¿A quién asesinó Bruto?", "¿Quién fue asesinado por Bruto?"),
    ("Почему сын любит книги?", "Почему книги любит сын?"),
]


def _vetoed(cached: str, request_: str) -> bool:
    """The `role_swap` veto and a negation or relation put in (`negation_mismatch` 1.0), as the hit features read them."""
    p = _Pair(request_, cached)
    return bool(
        roles.role_swap(p.tq, p.tc) or question_words.question_swap(p.tq, p.tc)
        or subject_object.subject_object_swap(p.tq, p.tc) or order.exchanged(p.tq, p.tc)
        or negation.negation_change(p.tq, p.tc) == 1.0
    )


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, _ in OTHER_QUESTION] + OTHER_QUESTION_TOKENS)
def test_another_question_is_vetoed_either_way(cached: str, request_: str) -> None:
    assert _vetoed(cached, request_) and _vetoed(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, _, _ in SAME_QUESTION] + SAME_QUESTION_TOKENS)
def test_the_same_question_reworded_is_no_veto(cached: str, request_: str) -> None:
    assert not _vetoed(cached, request_) and not _vetoed(request_, cached)


@pytest.mark.parametrize(("cached", "request_", "format_18"), OTHER_QUESTION)
def test_another_question_is_a_miss(shipped_rule_cache: SemanticCache, cached: str, request_: str, format_18: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == 0.0, (decision.score, decision.features)


@pytest.mark.parametrize(("cached", "request_", "format_18", "format_19"), SAME_QUESTION)
def test_the_same_question_is_scored_by_the_model(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_18: float, format_19: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.score == pytest.approx(format_19, abs=0.02), decision.features
    assert got is shipped_rule_cache.rule.accepts(decision.score) and decision.features.role_swap == 0.0
