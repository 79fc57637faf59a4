"""Counts and their nouns agree in what the CLI and the services print (`velo.plural.counted`): a newcomer saw
"the cloud budget of this key (1 answers)"; `velo up` said "after 1 restarts"; `velo data` hedged "answer(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from velo.cli.up import Stack
from velo.plural import counted, noun_for, plural

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("n", "noun", "said"), [
    (1, "answer", "1 answer"), (2, "answer", "2 answers"), (0, "answer", "0 answers"), (-1, "degree", "-1 degree"),
    (1, "entry", "1 entry"), (3, "entry", "3 entries"), (2, "query", "2 queries"), (2, "day", "2 days"),
    (2, "match", "2 matches"), (2, "box", "2 boxes"), (2, "edge server", "2 edge servers"),
    (np.int64(1), "hit", "1 hit"), (1.0, "request", "1 request"), (40.0, "request", "40 requests"), (0.5, "request", "0.5 requests"),
])
def test_a_count_takes_the_singular_only_for_one(n: object, noun: str, said: str) -> None:
    assert counted(n, noun) == said


def test_irregular_plurals_are_given_and_large_counts_may_be_grouped() -> None:
    assert counted(2, "person", "people") == "2 people" and counted(1, "person", "people") == "1 person"
    assert counted(1_500, "token", grouped=True) == "1,500 tokens" and counted(1_500, "token") == "1500 tokens"
    assert plural("policy") == "policies" and plural("key") == "keys"
    assert noun_for(1, "device") == "device" and noun_for(2, "device") == "devices"


@pytest.mark.parametrize("bad", [True, "3", None])
def test_a_count_that_is_no_number_is_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="counted\\(\\) takes a number"):
        counted(bad, "answer")  # type: ignore[arg-type]


def test_no_message_hedges_a_plural_with_s_in_parentheses() -> None:
    """"answer(s)", "env(s)", "file(s)" in an f-string: `counted` words them. "http(s)" names two schemes, not a count."""
    hedged = []
    for folder in ("velo", "services"):
        for path in sorted((REPO / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"\bf[\"'].*\b(?!https?\()[a-z]+\(s\)", line) and "http(s)" not in line:
                    hedged.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert not hedged, "\n".join(hedged)


def test_velo_ups_supervisor_says_one_restart(tmp_path: Path) -> None:
    """A real child that exits at once, under a stack allowed one restart per minute."""
    stack = Stack(tmp_path / "logs", restarts=1, window_s=60.0)
    stack.start("edge-0", ["sh", "-c", "exit 3"])
    said: list[str] = []
    try:
        for _ in range(2):
            stack.children[0].proc.wait(10)
            stack.supervise(said.append)
    finally:
        stack.stop()
    assert said[0].startswith("edge-0 stopped (code 3); restarting it (1 of 1 within 60 s)"), said
    assert said[1].startswith("edge-0 stopped (code 3) after 1 restart within 60 s: left down"), said
