"""A number written more or fewer times, and digits inside a word (a chemical formula, a model name), are what a
question asks (issue 8, cache kind: what differs between two questions must never be invisible to the cache):
"10 * 10" / "10 * 10 * 10", "H2O" / "H2O2", "CO" / "CO2" are other questions; "MP3" / "MP-3", "5G" / "5 G" are not.
Real e5 + USE embedders, real embedded Milvus, the shipped default rule: one cache, one namespace per pair.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, numbers


# (lang, cached question, request): another question. The newcomer's reports first (the format 9 rule served the
# first two at 0.949 and 0.946), then the same kinds in other languages, then what was already refused.
OTHER_QUESTIONS = [
    ("en", "How much is 10 * 10?", "How much is 10 * 10 * 10?"),
    ("en", "What is the boiling point of H2O?", "What is the boiling point of H2O2?"),
    ("en", "Is CO dangerous to breathe?", "Is CO2 dangerous to breathe?"),
    ("en", "What is the boiling point of H2O?", "What is the boiling point of HO2?"),
    ("de", "Was ist 3 mal 3?", "Was ist 3 mal 3 mal 3?"),
    ("ru", "Сколько будет 2 + 2?", "Сколько будет 2 + 2 + 2?"),
    ("es", "¿Es tóxico el CO?", "¿Es tóxico el CO2?"),
    ("zh", "H2O的沸点是多少？", "H2O2的沸点是多少？"),
    ("en", "What foods contain vitamin B12?", "What foods contain vitamin B6?"),
    ("en", "Is the PS4 backwards compatible?", "Is the PS5 backwards compatible?"),
    ("en", "What is the difference between IPv4 addresses?", "What is the difference between IPv6 addresses?"),
    ("en", "What is the difference between MP3 and WAV?", "What is the difference between MP4 and WAV?"),
    ("en", "Is COVID-19 dangerous?", "Is COVID-20 dangerous?"),
    ("en", "Is an i5 enough for gaming?", "Is an i7 enough for gaming?"),
    ("en", "Does my phone support 5G?", "Does my phone support 4G?"),
]


@pytest.mark.parametrize(("lang", "cached", "request_"), OTHER_QUESTIONS)
def test_a_number_counted_otherwise_or_a_code_with_other_digits_is_a_miss(
    shipped_rule_cache: SemanticCache, lang: str, cached: str, request_: str
) -> None:
    served, decision = served_pair(shipped_rule_cache, cached, request_, lang)
    assert not served, (decision.score, decision.features)
    assert decision.features.number_mismatch == 1.0


# The same code written apart is the same question (lang, cached question, its answer, request).
SAME_QUESTIONS = [
    ("en", "How do I convert an MP3 file to WAV?", "Open it in Audacity and export it as WAV.", "How do I convert a MP-3 file into WAV?"),
    ("en", "Does my phone support 5G?", "Look for 5G in Settings > Mobile data; the specifications list its 5G bands.", "Does my phone support 5 G?"),
]


@pytest.mark.parametrize(("lang", "cached", "answer", "request_"), SAME_QUESTIONS)
def test_a_code_written_apart_is_still_served(shipped_rule_cache: SemanticCache, lang: str, cached: str, answer: str, request_: str) -> None:
    served, decision = served_pair(shipped_rule_cache, cached, request_, lang, answer)
    assert served, (decision.score, decision.features)
    assert decision.features.number_mismatch == 0.0


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("How much is 10 * 10?", "How much is 10 * 10 * 10?", 1.0),  # 10 twice / three times
        ("What is 1,000 + 1?", "What is 1000 + 1 + 1?", 1.0),  # 1 once / twice in the computation
        ("Is 2 + 2 = 4?", "Is 2 + 2 = 4 and 2?", 0.5),  # the same computation, a number more in prose
        ("Save 5 people or 1 person? 5 deaths or 1?", "Let 5 die or kill 1?", 0.5),  # prose repeats freely: no veto
        ("Stream at 720p 30fps", "Stream at 720p30", 0.0),  # a quantity with its unit, no code
        ("这是一个群聊天界面吗", "这是群聊的界面吗", 0.5),  # 一 dropped: no computation
        ("What is the boiling point of H2O?", "What is the boiling point of H2O2?", 1.0),
        ("Is CO dangerous?", "Is CO2 dangerous?", 1.0),  # the same letters, digits on one side only
        ("What is H2O?", "What is HO2?", 1.0),  # the same letters and digits, elsewhere
        ("Is the PS4 backwards compatible?", "Is the PS5 backwards compatible?", 1.0),
        ("How much is 10 * 10?", "What is 10 times 10?", 0.0),  # an operator as a word: the same numbers
        ("Convert an MP3 file", "Convert an MP-3 file", 0.0),  # one code written apart
        ("Does my phone support 5G?", "Does my phone support 5 G?", 0.0),
        ("Songs of the 90s", "Songs of the 90's", 0.0),
        ("What is the boiling point of H2O?", "What is the boiling point of water?", 0.5),  # a name for the code
        ("What is IPv4?", "What is IP?", 0.5),  # other letters: another word, weighed by the rule
        ("Top 10 movies", "Top 10 movies of 2020", 0.5),  # a number more, none counted otherwise
    ],
)
def test_numbers_are_counted_and_codes_compared(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == numbers.number_change(b, a) == change
