"""What folding hid between two questions (issue 8, cache kind: what differs between two questions must never be invisible
to the cache). Under hit rule formats 21 to 23 each pair of `OTHER_QUESTION` had the same tokens and was served outright at
1.000: case that is part of what a word names, the brackets of code, a superscript read as a plain digit. Format 24
vetoes them (`text.spelling_swap`, `code_marks.code_swap`, `text.nfkc`); rewordings that differ only by casual typing
are still served. The shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped default rule
(`backends.served_pair`: the first question inserted with an answer of its own, the second looked up).
"""

from __future__ import annotations

import hashlib

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, code_marks, keys, text

# (cached question, request): another question, served at 1.000 by formats 21 to 23 (the same tokens), now vetoed (score 0).
OTHER_QUESTION = [
    # case inside a text that marks case
    ("What is CO?", "What is Co?"),  # carbon monoxide / cobalt
    ("How fast is 100 Mbps?", "How fast is 100 MBps?"),  # megabits / megabytes
    ("What does \\d match in a regex?", "What does \\D match in a regex?"),
    ("What does %m mean in strftime?", "What does %M mean in strftime?"),  # month / minute
    ("Wie geht es Ihnen?", "Wie geht es ihnen?"),  # polite you / them
    # the brackets of code
    ("What does a[1:] return in Python?", "What does a[:1] return in Python?"),
    ("What is sqrt(16)+9?", "What is sqrt(16+9)?"),
    ("What is -2**2 in Python?", "What is (-2)**2 in Python?"),
    # a superscript is an exponent, not a digit
    ("What is 10²?", "What is 102?"),
]

# (cached question, request): the same question typed otherwise, served outright (1.000) under formats 21 to 24.
SAME_QUESTION = [
    ("what is the capital of france", "What is the capital of France?"),
    ("WHO is the president of France?", "Who is the president of France?"),  # a sentence's first word
    ("can i delete a file with rm", "Can I delete a file with rm?"),  # a text all in lower case marks no case
    ("What is Python's list slicing?", "what is python's list slicing"),
    ("Erklären Sie mir die Photosynthese", "erklären sie mir die photosynthese"),
    ("What is RAM (memory)?", "What is RAM memory?"),  # a parenthesis of prose is punctuation between words
    ("What is 10²?", "What is 10^2?"),  # the same exponent written two ways (formats 21 to 23: 0, a replaced number)
    ("What is H₂O?", "What is H2O?"),  # a subscript stays a digit: one formula written two ways
]


@pytest.mark.parametrize(("cached", "request_"), OTHER_QUESTION)
def test_another_question_is_a_miss(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == 0.0, (decision.score, decision.features)
    assert decision.features.symbol_swap == 1.0 or decision.features.number_mismatch == 1.0


@pytest.mark.parametrize(("cached", "request_"), SAME_QUESTION)
def test_the_same_question_typed_otherwise_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.score == 1.0, (decision.score, decision.features)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is CO?", "What is Co?"),  # an acronym's capitals on either side
        ("Where is the US?", "Where is the us?"),
        ("How fast is 100 Mbps?", "How fast is 100 MBps?"),  # a unit: the word right after a number
        ("Is 5 mW a lot?", "Is 5 MW a lot?"),
        ("What is CO2?", "What is Co2?"),  # a word with a digit
        ("What does \\d match in a regex?", "What does \\D match in a regex?"),  # a letter right after code punctuation
        ("What does %m mean in strftime?", "What does %M mean in strftime?"),
        ("Wie geht es Ihnen?", "Wie geht es ihnen?"),  # a German polite pronoun
        ("Können Sie mir helfen?", "Können sie mir helfen?"),
    ],
)
def test_case_that_names_is_a_spelling_swap(a: str, b: str) -> None:
    assert text.tokens(a) == text.tokens(b)
    assert text.spelling_swap(a, b) and text.spelling_swap(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("WHO is the president of France?", "Who is the president of France?"),  # a sentence's first word
        ("Hi there. WHO is the president of France?", "Hi there. Who is the president of France?"),
        ("can i delete a file with rm", "Can I delete a file with rm?"),  # all in lower case
        ("WHAT IS CO?", "What is Co?"),  # all in capitals
        ("Can i delete a file with rm?", "Can I delete a file with rm?"),  # a single letter standing alone
        ("When did World War II end?", "when did world war II end?"),  # a capital first letter (fit: a right hit)
        ("Сколько планет в Солнечной системе?", "Сколько планет в солнечной системе?"),  # (dev: a right hit)
        ("How do I install Python?", "How do I install python?"),
        ("Is JavaScript hard?", "Is Javascript hard?"),
        ("What is C++ used for?", "What is c++ used for?"),  # a letter before code punctuation is a name
        ("What is an X-ray?", "What is an x-ray?"),  # nor after a hyphen
    ],
)
def test_casual_case_is_no_spelling_swap(a: str, b: str) -> None:
    assert text.tokens(a) == text.tokens(b)
    assert not text.spelling_swap(a, b) and not text.spelling_swap(b, a)


def test_code_marks_place_brackets_among_the_tokens() -> None:
    assert code_marks.code_marks("What does a[1:] return?") == ["3[", "4:", "4]"]
    assert code_marks.code_marks("What does a[:1] return?") == ["3[", "3:", "4]"]
    assert code_marks.code_marks("What is sqrt(16)+9?") == ["3(", "4)"]
    assert code_marks.code_marks("What is sqrt(16+9)?") == ["3(", "6)"]
    assert code_marks.code_marks("What is (-2)**2?") == ["2(", "4)"]
    assert code_marks.code_marks("What is -2**2?") == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What does a[1:] return in Python?", "What does a[:1] return in Python?"),
        ("What is sqrt(16)+9?", "What is sqrt(16+9)?"),
        ("What is -2**2 in Python?", "What is (-2)**2 in Python?"),
        ("Haz la siguiente operación: 2*3+5-9", "Haz la siguiente operación: 2*(3+5)-9"),  # a validation look-alike
        ("What is f(a, b)?", "What is f(a), b?"),
    ],
)
def test_brackets_of_code_elsewhere_are_a_code_swap(a: str, b: str) -> None:
    assert text.tokens(a) == text.tokens(b)
    assert code_marks.code_swap(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What is RAM (memory)?", "What is RAM memory?"),  # a parenthesis of prose
        ("What is sqrt(16) + 9?", "what is sqrt(16)+9"),  # spaces do not count
        ("What does len() do?", "What does len do?"),  # an empty pair: a call written or not
        ("-1* -1*-1 = ?", "(-1)*(-1)*(-1)=?"),  # a grouping around one operand changes nothing (train: a right hit)
        ("What is (2)**2?", "What is 2**2?"),
        ("Is 1) the answer?", "Is 1 the answer?"),  # an unmatched bracket
    ],
)
def test_brackets_that_change_nothing_are_no_code_swap(a: str, b: str) -> None:
    assert text.tokens(a) == text.tokens(b)
    assert not code_marks.code_swap(a, b)


def test_a_superscript_is_an_exponent() -> None:
    assert text.nfkc("10²") == "10^2" and text.nfkc("2ⁿ") == "2^n"
    assert text.tokens("What is x⁻¹?") == text.tokens("What is x^-1?")  # NFKC's "⁻" is "−", a minus sign
    assert text.tokens("What is 10²?") == text.tokens("What is 10^2?") == ["what", "is", "10", "^", "2"]
    assert text.tokens("What is 102?") == ["what", "is", "102"]
    assert text.tokens("What is H₂O?") == text.tokens("What is H2O?")  # subscripts stay digits
    assert text.fold("m²") == "m^2"


def _tokens_only_key(turns: list[str]) -> str:
    # The key of hit rule format 5 and after for a turn with nothing marked: its tokens alone.
    return hashlib.sha256("\x1f".join(" ".join(text.tokens(t)) for t in turns).encode()).hexdigest()[:32]


@pytest.mark.parametrize(
    "turn", ["Who is Barack Obama?", "Wie geht es Ihnen?", "How fast is 100 MBps?", "What is C++ used for?", "Who was Barack Obama (the president)?"]
)
def test_a_turn_with_nothing_marked_keeps_its_key(turn: str) -> None:
    assert keys.context_key([turn]) == _tokens_only_key([turn])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What does a[1:] return in Python?", "What does a[:1] return in Python?"),  # the brackets of code
        ("What does \\d match in a regex?", "What does \\D match in a regex?"),  # a capital after code punctuation
        ("What is CO?", "What is Co?"),  # an acronym's capitals (as before)
    ],
)
def test_context_key_sees_what_one_text_marks(a: str, b: str) -> None:
    assert keys.context_key([a]) != keys.context_key([b])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Wie geht es Ihnen?", "Wie geht es ihnen?"),
        ("How fast is 100 Mbps?", "How fast is 100 MBps?"),
    ],
)
def test_context_key_cannot_see_what_only_a_pair_shows(a: str, b: str) -> None:
    # A key is one text's: "Ihnen" marked would split every polite German turn from the same turn in lower case.
    assert keys.context_key([a]) == keys.context_key([b])
