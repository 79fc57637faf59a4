"""`velo.text_loops.degenerate_repetition`: answers that end in a loop, on both sides of the rule's bounds. The looping
texts are SmolLM2-135M-Instruct's greedy answers at max_tokens 48 to `velo demo`'s questions (svc40 item 7), the others
its answers that do not loop and texts whose passages vary."""

from __future__ import annotations

import time

import pytest

from velo.text_loops import LOOP_MIN_CHARS, LOOP_MIN_COPIES, degenerate_repetition, echoes_question

LOOPS = [
    "Скажи, какой-Какой-Такой-Такой-Такой-Такой-Такой-",  # "Скажи, какой город является столицей Австралии"
    "Австрии, как обёха, это обёха, это обёха, это об",  # "Какая столица Австрии?"
    "Paris is the capital of France. " * 4 + "Paris is",
    "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!",
]
NOT_LOOPS = [
    "The water cycle is a fundamental process that sustains life on Earth. It involves the continuous movement of water on, "
    "above, and below the surface of the Earth. The water cycle is a continuous cycle of evaporation, condensation, and "
    "precipitation, which",
    "El capital de Canadá es La capital de Canadá (Ciudad de Canadá).",
    "你可能是听说的吉杉首都是哪个城市？\n\n你可能是听说的吉杉",  # said twice, not three times
    "1. Mix the flour.\n2. Add the eggs.\n3. Bake for 20 minutes.\n4. Serve.",
    "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |",
    "Wow!!!",  # a run, but shorter than LOOP_MIN_CHARS
    "ha ha ha ha",
    "",
]


@pytest.mark.parametrize("text", LOOPS)
def test_an_answer_ending_in_one_passage_repeated_loops(text: str) -> None:
    assert degenerate_repetition(text) is not None


@pytest.mark.parametrize("text", NOT_LOOPS)
def test_an_answer_whose_passages_vary_does_not_loop(text: str) -> None:
    assert degenerate_repetition(text) is None


def test_the_bounds_of_the_rule() -> None:
    passage = "It is here. "  # 12 characters
    intro = "x" * 200
    assert degenerate_repetition(intro + passage * 3) is None  # three copies, but under a third of the text
    assert degenerate_repetition("Start. " + passage * 2) is None  # two copies: an answer that restates itself once
    said = degenerate_repetition("Start. " + passage * int(LOOP_MIN_COPIES))
    # by hand: 42 characters once stripped; from the "." of "Start." on, each equals the one 12 before: 37 = 3.1 copies
    assert said == "its last 37 of 42 characters are '. It is here' 3.1 times over", said
    assert degenerate_repetition("ab" * (LOOP_MIN_CHARS // 2)) is not None and degenerate_repetition("ab" * (LOOP_MIN_CHARS // 2 - 1)) is None


def test_a_long_answer_is_judged_in_well_under_a_millisecond_per_kilobyte() -> None:
    text = " ".join(f"Step {i}: do thing number {i}." for i in range(300))  # ~8,000 characters, no loop
    t0 = time.perf_counter()
    assert degenerate_repetition(text) is None
    assert time.perf_counter() - t0 < 0.5  # a bound on correctness under load, not a speed claim (~2 ms alone)


@pytest.mark.parametrize(("question", "answer", "echo"), [
    ("Какая столица Японии?", "Какой столица Японии?", True),  # SmolLM2-135M's greedy answer (nc46)
    ("What is the capital of France?", "what is the capital of France", True),
    ("What is the capital of France?", "The capital of France is Paris.", False),  # restates it to answer it
    ("Как сварить яйцо?", "Как сварить яйцо? (What is your favorite color?)", False),  # more than the question
    ("What is 2+2?", "2+2 is 4.", False),
    ("Hi", "", False),
    ("???", "???", False),  # no words on either side
])
def test_an_answer_that_says_its_question_again(question: str, answer: str, echo: bool) -> None:
    assert echoes_question(question, answer) is echo
