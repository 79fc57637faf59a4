"""The same question in another tense: "Was Python faster than Java?" / "Is Python faster than Java?" (after rule
format 32, a newcomer's finding: served at 0.940), read by `velo.cache.tense` in the `role_swap` veto; a future in two
words, Russian's instrumental after its copula and Chinese aspect marks (tense42, a newcomer's finding: "Who is / will
be the president of France?" 0.977, "Кто президент Франции?" / "Кто был президентом Франции?" 0.997).

Token-level tests call `tense.tense_change`; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and
the shipped rule (weights unchanged). Scores before are main's (f027f07, format 32) with the answer "the answer to
{cached}" (/work/scratch/lk41/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.tense import tense_change

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [
    ("Is Python faster than Java?", "Was Python faster than Java?", 0.986),
    ("Was Python faster than Java?", "Is Python faster than Java?", 0.993),
    ("Who is the president of France?", "Who was the president of France?", 0.962),
    ("Are dinosaurs dangerous?", "Were dinosaurs dangerous?", 0.997),
    ("Does Google track my location?", "Did Google track my location?", 0.981),
    ("Has Tesla made a profit?", "Had Tesla made a profit?", 0.988),
    ("¿Es Python más rápido que Java?", "¿Era Python más rápido que Java?", 0.982),
    ("¿Hay vida en Marte?", "¿Hubo vida en Marte?", 0.958),
    ("Ist Python schneller als Java?", "War Python schneller als Java?", 0.945),
    ("Python比Java快吗？", "Python以前比Java快吗？", 0.993),
    # tense42: a future in two words, Russian's case after its copula, Chinese aspect marks (before: branch tense42's
    # first commit, 7a4c716, /work/scratch/tense42/tense_before.txt)
    ("Who is the president of France?", "Who will be the president of France?", 0.977),
    ("Is Bitcoin banned?", "Will Bitcoin be banned?", 0.999),
    ("Will Bitcoin be banned?", "Is Bitcoin banned?", 0.996),
    ("Are robots dangerous?", "Will robots be dangerous?", 0.999),
    ("Ist Bitcoin verboten?", "Wird Bitcoin verboten sein?", 0.999),
    ("Was ist die Hauptstadt von Deutschland?", "Was wird die Hauptstadt von Deutschland sein?", 0.955),
    ("¿Quién es el presidente de Francia?", "¿Quién va a ser el presidente de Francia?", 0.944),
    ("¿Está prohibido Bitcoin?", "¿Estará prohibido Bitcoin?", 0.993),
    ("¿Hay vida en Marte?", "¿Habrá vida en Marte?", 0.963),
    ("Кто президент Франции?", "Кто был президентом Франции?", 0.997),
    ("Плутон планета?", "Плутон был планетой?", 0.990),
    ("Кто президент Франции?", "Кто будет президентом Франции?", 0.994),
    ("Кто самый богатый человек в мире?", "Кто был самым богатым человеком в мире?", 0.998),
    ("你吃饭吗？", "你吃饭了吗？", 0.966),
    # an English main verb in the past against "will" and the bare verb (/work/scratch/tense42/p_verbs.txt)
    ("Who invented the telephone?", "Who will invent the telephone?", 0.987),
    ("What happened in 2020?", "What will happen in 2020?", 0.975),
]

# (cached question, request, score): the same question, the tense among other words or a hypothetical's future.
SERVED = [
    ("If I buy 3 notebooks at $2.50 each and pay with a $10 bill, how much change do I get?",
     "If I buy 3 notebooks at $2.50 each and pay with a $10 bill, how much change will I get?", 0.954),
    ("Where was Lionel Messi born?", "What is Lionel Messi's birthplace?", 0.998),
    ("Are AI assistants going to replace human workers?", "Will AI assistants take over human jobs?", 0.980),
    # tense42: a future against a present that speaks of the future or of no time in particular; Chinese 会
    ("How long does it take to boil an egg?", "How long will it take to boil an egg?", 0.979),
    ("How much does it cost?", "How much will it cost?", 0.972),
    ("What is the weather tomorrow?", "What will the weather be tomorrow?", 0.995),
    ("What is the future of AI?", "What will be the future of AI?", 0.993),
    ("Wie lange dauert es, ein Ei zu kochen?", "Wie lange wird es dauern, ein Ei zu kochen?", 0.965),
    ("明天下雨吗", "明天会下雨吗", 0.952),
]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_another_tense_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is the capital of Germany?", "What was the capital of Germany?"),
        ("Will Brazil win the World Cup?", "Did Brazil win the World Cup?"),
        ("Are you happy?", "Were you happy?"), ("Am I right?", "Was I right?"),
        ("¿Cuál es la capital de Alemania?", "¿Cuál fue la capital de Alemania?"),
        ("¿Dónde está el libro?", "¿Dónde estaba el libro?"), ("¿Quién tiene razón?", "¿Quién tenía razón?"),
        ("Was ist die Hauptstadt von Deutschland?", "Was war die Hauptstadt von Deutschland?"),
        ("Wer hat den Krieg gewonnen?", "Wer hatte den Krieg gewonnen?"), ("Wie wird Brot gebacken?", "Wie wurde Brot gebacken?"),
        ("Python быстрее Java?", "Python был быстрее Java?"), ("Какая столица Германии?", "Какая была столица Германии?"),
        ("Кто является президентом Франции?", "Кто являлся президентом Франции?"),
        ("他是老师吗？", "他以前是老师吗？"), ("你去过北京吗？", "你曾经去过北京吗？"),
        # tense42: a future in two words, on one side only
        ("Who is the president of France?", "Who will be the president of France?"),
        ("Who was the president of France?", "Who will be the president of France?"),
        ("Is the stock market open?", "Will the stock market be open?"), ("Who's the president?", "Who was the president?"),
        ("Are you my friend?", "Will you be my friend?"), ("Is it true?", "Will it be true?"),
        ("Wer ist Präsident von Frankreich?", "Wer wird Präsident von Frankreich?"),
        ("Wer ist der Präsident von Frankreich?", "Wer wird der Präsident von Frankreich sein?"),
        ("¿Quién es el presidente de Francia?", "¿Quién será el presidente de Francia?"),
        ("¿Quién fue el presidente de Francia?", "¿Quién será el presidente de Francia?"),
        ("¿Quiénes son los mejores?", "¿Quiénes serán los mejores?"), ("¿Cómo va el proyecto?", "¿Cómo iba el proyecto?"),
        ("¿Dónde estamos?", "¿Dónde estábamos?"),
        # Russian: the noun or adjective in the instrumental after a past or future copula
        ("Кто президент Франции?", "Кто был президентом Франции?"), ("Плутон планета?", "Плутон был планетой?"),
        ("Москва столица России?", "Москва была столицей России?"),
        ("Кто является президентом Франции?", "Кто был президентом Франции?"),
        ("Кто самый богатый человек в мире?", "Кто был самым богатым человеком в мире?"),
        ("Кто президент Франции?", "Кто будет президентом Франции?"), ("Есть ли жизнь на Марсе?", "Будет ли жизнь на Марсе?"),
        # Chinese: 过, and 了 on the question's verb
        ("你去北京吗", "你去过北京吗"), ("你看这部电影吗？", "你看过这部电影吗？"), ("他走吗", "他走了吗"),
        ("你吃饭吗？", "你吃饭了吗？"), ("你吃饭没有？", "你吃饭了没有？"),
        # an English main verb in the past against "will" or "do" and the bare verb
        ("Who won the World Cup?", "Who will win the World Cup?"), ("Who invented the telephone?", "Who will invent the telephone?"),
        ("Who wrote Hamlet?", "Who does write Hamlet?"), ("Who carried the flag?", "Who will carry the flag?"),
        # tense43: a perfect's participle after "has" against "will" and the bare verb is a past against a future
        # (tense42 held it no change: nc42 found "Has the UK left the EU?" / "Will the UK leave the EU?" served, 0.968)
        ("Who has invented it?", "Who will invent it?"),
        # nc44: a future with "going to" (the subject between, or none) against a past: served at 0.968-0.988 before
        ("Who won the World Cup?", "Who is going to win the World Cup?"), ("Who won the World Cup?", "Who's going to win the World Cup?"),
        ("Did it rain in London?", "Is it going to rain in London?"), ("Did it snow in Berlin?", "Is it going to snow in Berlin?"),
        ("What is the price of bitcoin?", "What is going to be the price of bitcoin?"),
        ("Was the market open?", "Is the market going to be open?"),
    ],
)
def test_another_tense_is_read_both_ways(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert tense_change(ta, tb) and tense_change(tb, ta)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("How much change do I get?", "How much change will I get?"),  # a hypothetical's present and future
        ("Where was Lionel Messi born?", "What is Lionel Messi's birthplace?"),  # the tense among other words
        ("Is Python faster than Java?", "Is Python faster than Java?"),
        ("Is Python faster than Java?", "Is Python slower than Java?"),  # another word, not a tense
        ("Was ist Python?", "Wer ist Python?"),  # German "was" is "what"
        # tense42: a future against a generic present or in a question about a time to come, a condition, a number
        ("How long does it take to boil an egg?", "How long will it take to boil an egg?"),
        ("Does it work?", "Will it work?"), ("What is the weather tomorrow?", "What will the weather be tomorrow?"),
        ("What is the future of AI?", "What will be the future of AI?"), ("When is Easter?", "When will Easter be?"),
        ("Who is the president in 2030?", "Who will be the president in 2030?"),
        ("If I drop a ball, is it going to fall?", "If I drop a ball, will it fall?"),
        # "going to" is a future as "will" is; not before a place ("going to the party": a present of "go")
        ("Who will win the World Cup?", "Who is going to win the World Cup?"), ("Is it going to rain?", "Will it rain?"),
        ("Is it going to rain tomorrow?", "Is it raining tomorrow?"), ("Are you going to the party?", "Are you at the party?"),
        ("Wie ist das Wetter morgen?", "Wie wird das Wetter morgen?"),
        ("¿Cómo es el futuro?", "¿Cómo va a ser el futuro?"), ("Сколько 2+2?", "Сколько будет 2+2?"),
        ("Кто президент Франции?", "Кто будет президентом Франции в 2030 году?"),  # another word besides
        # present marks alone, or one more of the same tense; a modal is a word of its own
        ("Какой город является столицей Казахстана?", "Какой город — столица Казахстана?"),  # a labelled right pair
        ("¿Es esta la casa?", "¿Es la casa?"), ("Is it banned?", "Should it be banned?"),
        ("What's Messi's age?", "What is Messi age?"),
        # Chinese: 会 (will, can), 了 in a statement, one aspect mark beside the other
        ("明天下雨吗", "明天会下雨吗"), ("他游泳吗？", "他会游泳吗？"), ("我失恋怎么办", "我失恋了怎么办"),
        ("你吃过饭了吗", "你吃饭了吗"), ("你去过北京吗", "你去过北京了吗"),
        # a main verb: the past against "did" and the bare verb is one tense; a bare verb with no auxiliary is the
        # writer's grammar; a participle after "has" or "are" is no simple past (a labelled right pair: "What other
        # controversial theories has Freeman Dyson defended?" / "... did Freeman Dyson defend?")
        ("Who won the World Cup?", "Who did win the World Cup?"), ("Who invented the telephone?", "Who invent the telephone?"),
        ("What theories has Dyson defended?", "What theories did Dyson defend?"),
        ("Where are the files stored?", "Where do the files store?"),
    ],
)
def test_no_tense_change(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not tense_change(ta, tb) and not tense_change(tb, ta)
