"""A newcomer's two findings in the hit rule's number reading after format 29, each a kind.

HIGH (precision): a count of things on one side against one of the same thing on the other was served
(`number_mismatch` 0.5, weighed too lightly): "Dame un ejemplo de un mamífero." / "Dame tres ejemplos de mamíferos."
0.988. Now a number replaced, 1.0, a veto (`velo.cache.counts`). The same question stays served: one written as "a" or
"one", a plural without a count, the same count in digits and words.
MEDIUM (recall): a number written in words against the same in digits was a miss ("Is 17 prime?" / "Is seventeen
prime?" 0.313): number words of any size up to 999, compounds too, are read and fold to digits where that makes the
same words (`velo.cache.number_words`); another number stays refused, now by the veto.
Token-level tests read the features as the featurizer does; the shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, counts, number_words, numbers, text
from velo.cache.features import _Pair

# (cached question, request, format 29's score, this branch's) with the answer "the answer to {cached}"
# (/work/scratch/count30/score.py on main 06f0817 and on this branch; the rule's weights unchanged).
COUNT_REFUSED = [
    ("Tell me a joke.", "Tell me 5 jokes.", 0.458, 0.0),
    ("Give me an example of a mammal.", "Give me three examples of mammals.", 0.968, 0.0),
    ("Write a poem about the sea.", "Write two poems about the sea.", 0.968, 0.0),
    ("Name one example of a mammal.", "Name three examples of mammals.", 0.996, 0.0),
    ("Nenne ein Beispiel für ein Säugetier.", "Nenne drei Beispiele für Säugetiere.", 0.973, 0.0),
    ("Erzähl mir einen Witz.", "Erzähl mir fünf Witze.", 0.898, 0.0),
    ("Dame un ejemplo de un mamífero.", "Dame tres ejemplos de mamíferos.", 0.988, 0.0),
    ("Cuéntame un chiste.", "Cuéntame cinco chistes.", 0.977, 0.0),
    ("Приведи пример млекопитающего.", "Приведи три примера млекопитающих.", 0.998, 0.0),
    ("Расскажи анекдот.", "Расскажи пять анекдотов.", 0.959, 0.0),
    ("Назови одну страну Африки.", "Назови пять стран Африки.", 0.737, 0.0),
    ("讲个笑话", "讲五个笑话", 0.842, 0.0),
    ("给我举个哺乳动物的例子", "给我举三个哺乳动物的例子", 0.920, 0.0),
    ("Give 3 examples of mammals.", "Give 5 examples of mammals.", 0.0, 0.0),  # two counts: refused already
]

# (cached question, request, score on both): one thing as an article or as one, a plural without a count, one count
# written two ways, a count against the same count as a modifier.
COUNT_SERVED = [
    ("Name one example of a mammal.", "Give an example of a mammal.", 0.968),
    ("Tell me a joke", "Tell me one joke", 0.993),
    ("What is a mammal?", "What are mammals?", 1.0),
    ("¿Qué es un mamífero?", "¿Qué son los mamíferos?", 1.0),
    ("Was ist ein Säugetier?", "Was sind Säugetiere?", 0.999),
    ("Что такое млекопитающее?", "Что такое млекопитающие?", 0.995),
    ("Cuéntame un chiste.", "Cuéntame uno chiste.", 0.998),
    ("Приведи пример млекопитающего.", "Приведи один пример млекопитающего.", 0.984),
    ("Расскажи анекдот.", "Расскажи один анекдот.", 0.975),
    ("讲个笑话", "讲一个笑话", 0.988),
    ("给我举个哺乳动物的例子", "给我举一个哺乳动物的例子", 0.977),
    ("Give me three examples of mammals.", "Give me 3 examples of mammals.", 1.0),
    ("Summarize this article in 3 sentences", "Give me a three-sentence summary of this article", 0.989),
    ("A train travels 120 km in 1.5 hours. What is its average speed?",
     "If a train covers 120 kilometers in an hour and a half, how fast is it going on average?", 0.975),
]

# (cached question, request, format 29's score, this branch's): one number in words and in digits is served, another
# number refused.
WORDS = [
    ("Is 17 prime?", "Is seventeen prime?", 0.313, 1.0),
    ("Is 21 a prime number?", "Is twenty-one a prime number?", 0.628, 1.0),
    ("What is 45 divided by 9?", "What is forty-five divided by nine?", 0.225, 1.0),
    ("How old is someone born ninety-nine years ago?", "How old is someone born 99 years ago?", 0.031, 1.0),
    ("¿Es 17 un número primo?", "¿Es diecisiete un número primo?", 0.005, 1.0),
    ("¿Es 21 un número primo?", "¿Es veintiuno un número primo?", 0.100, 1.0),
    ("¿Cuánto es treinta y dos por dos?", "¿Cuánto es 32 por 2?", 0.0, 1.0),
    ("Ist 17 eine Primzahl?", "Ist siebzehn eine Primzahl?", 0.0, 1.0),
    ("Ist 21 eine Primzahl?", "Ist einundzwanzig eine Primzahl?", 0.0, 1.0),
    ("Wie viel ist zweiundvierzig geteilt durch sechs?", "Wie viel ist 42 geteilt durch 6?", 0.100, 1.0),
    ("Является ли 17 простым числом?", "Является ли семнадцать простым числом?", 0.118, 1.0),
    ("Является ли 21 простым числом?", "Является ли двадцать один простым числом?", 0.0, 1.0),
    ("Сколько будет двадцать пять плюс семнадцать?", "Сколько будет 25 плюс 17?", 0.565, 1.0),
    ("17是质数吗？", "十七是质数吗？", 1.0, 1.0),  # Han numerals were read already
    ("Is seventeen prime?", "Is 19 prime?", 0.059, 0.0),
    ("Is twenty-one prime?", "Is 12 prime?", 0.308, 0.0),
    ("¿Es diecisiete un número primo?", "¿Es 19 un número primo?", 0.002, 0.0),
    ("Ist siebzehn eine Primzahl?", "Ist 19 eine Primzahl?", 0.0, 0.0),
    ("Является ли семнадцать простым числом?", "Является ли 19 простым числом?", 0.057, 0.0),
    ("十七是质数吗？", "19是质数吗？", 0.0, 0.0),
]


@pytest.mark.parametrize(("cached", "request_", "format_29", "score"), COUNT_REFUSED)
def test_a_count_against_one_thing_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, score)


@pytest.mark.parametrize(("cached", "request_", "score"), COUNT_SERVED)
def test_one_thing_asked_alike_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("cached", "request_", "format_29", "score"), WORDS)
def test_a_number_in_words_is_its_digits(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, score > 0.5, score)


def _replaced(a: str, b: str) -> bool:
    p = _Pair(b, a)
    return counts.count_replaced(p.tq, p.tc)


@pytest.mark.parametrize(
    ("a", "b"),
    [(c, r) for c, r, *_ in COUNT_REFUSED[:-1]] + [
        ("Recommend a book about history.", "Recommend 3 books about history."),
        ("Empfiehl mir ein Buch über Geschichte.", "Empfiehl mir drei Bücher über Geschichte."),
        ("Recomiéndame un libro de historia.", "Recomiéndame tres libros de historia."),
        ("Посоветуй книгу по истории.", "Посоветуй три книги по истории."),
        ("推荐一本历史书", "推荐三本历史书"), ("写一首关于大海的诗", "写两首关于大海的诗"),
        ("Name a country in Africa.", "Name five countries in Africa."),
        ("How many calories are in an apple?", "How many calories are in 2 apples?"),
    ],
)
def test_a_count_against_one_is_a_count_replaced(a: str, b: str) -> None:
    assert _replaced(a, b) and _replaced(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [(c, r) for c, r, _ in COUNT_SERVED] + [
        ("Who was the first man on the moon?", "Who was the first person on the moon?"),  # an ordinal
        ("Give me some examples of mammals.", "Give me three examples of mammals."),  # no number: left to the model
        ("How do I split a file?", "How do I split a file into 3 files?"),  # named once on both sides
        ("What are 3 ways to save money?", "What is the best way to save money?"),  # no article: left to the model
        ("Write an essay on climate change in 500 words", "Write a 500-word essay on climate change"),
        ("You said AK-47 is named for the year, which explains the 47, but where does the \"A\" come from?",
         "The 47 is the year, fine, but where does the \"A\" in AK-47 come from?"),  # a code's number
        ("* 第一个不太懂笑点在哪里 * 第二个笑点还行", "* 第一个笑话我不太明白 * 第二个还算好笑"),  # ordinals
        ("小明有15个苹果，给了小红4个，现在有几个？", "小明原本有苹果15个，先送给小红4个，请问他现在一共有多少个苹果？"),
    ],
)
def test_one_thing_or_no_count_is_no_count_replaced(a: str, b: str) -> None:
    assert not _replaced(a, b) and not _replaced(b, a)


@pytest.mark.parametrize(
    ("words", "values"),
    [
        ("is seventeen prime", [17]), ("twenty-one", [21]), ("two hundred and five", [205]), ("a hundred", [100]),
        ("nineteen eighty-four", [1984]),  # verbs42: a year in two halves (before: [19, 84])
        ("the forty-fourth president", []), ("the ten-second rule", [10]),
        ("veintiún", [21]), ("treinta y dos", [32]), ("ciento veinte", [120]), ("dos y tres", [2, 3]),
        ("quince años", []), ("einundzwanzig", [21]), ("dreihundertzwölf", [312]), ("hundertfünf", [105]),
        ("elf", []), ("dreiunddreißig", [33]), ("двадцать один", [21]), ("двести сорок два", [242]), ("трёхсот", [300]),
        ("двадцать первый век", []), ("a joke", []), ("один из", []), ("un chiste", []), ("ein Witz", []),
        # nc31: German tens before "eine" / "ein" (an article) had been read as 31 / 41
        ("ist dreißig eine Primzahl", [30]), ("ist vierzig eine Primzahl", [40]), ("zwanzig ein Euro", [20]),
        ("thirty one", [31]), ("treinta y uno", [31]), ("тридцать одна", [31]),
    ],
)
def test_cardinals_in_words(words: str, values: list[int]) -> None:
    assert [c.value for c in number_words.cardinals(text.tokens(words))] == values


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("Is 17 prime?", "Is seventeen prime?", 0.0), ("Is 19 prime?", "Is seventeen prime?", 1.0),
        ("Является ли 21 простым числом?", "Является ли двадцать один простым числом?", 0.0),  # format 29: 1.0
        ("Who was the 44th president?", "Who was the forty-fourth president?", 0.5),  # ordinals are not read
        ("Count to 5200", "Count to five thousand two hundred", 0.0),  # verbs42: thousands read (before: 0.5)
        ("Was sind 15 Prozent von 80?", "Rechne mir 15 Prozent von achtzig aus.", 0.0),
        ("Ist 30 eine Primzahl?", "Ist dreißig eine Primzahl?", 0.0), ("Ist 31 eine Primzahl?", "Ist dreißig eine Primzahl?", 1.0),
    ],
)
def test_number_words_are_compared_as_numbers(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == numbers.number_change(b, a) == change
