"""A list of numbers with a number put in or left out asks of other data (nc45 HIGH: "What is the median of 3, 7, ...,
45?" / "... 45, 50?" served at 0.958, the mean of 20 test scores and one more at 0.956, in German at 0.963, "Add these
numbers: 1 2 ... 30" / "... 31" at 0.950: `number_change` read one number more as a rewording's 0.5). A list is three
numbers or more in a row (`velo.cache.numbers._lists`); the same numbers in another order or other words around them
stay a rewording, and so does a number added beside no list."""

from __future__ import annotations

import pytest

from velo.cache.features import veto_features

MEDIAN = "What is the median of 3, 7, 9, 12, 15, 18, 21, 24, 30, 33, 41, 45?"
SCORES = "88 92 79 85 91 67 73 95 88 90 84 77 69 93 81 86 72 98 75 80"


@pytest.mark.parametrize(("cached", "request_"), [
    (MEDIAN, MEDIAN[:-1] + ", 50?"),
    (f"Find the mean of these test scores: {SCORES}", f"Find the mean of these test scores: {SCORES} 12"),
    (f"Berechne den Durchschnitt von {SCORES}", f"Berechne den Durchschnitt von {SCORES} 12"),
    ("Add these numbers: " + " ".join(map(str, range(1, 31))), "Add these numbers: " + " ".join(map(str, range(1, 32)))),
    ("¿Cuál es la media de 4, 8, 15, 16, 23 y 42?", "¿Cuál es la media de 4, 8, 15, 16, 23?"),
    ("求 3、5、7、9 的平均数", "求 3、5、7、9、11 的平均数"),
    ("Найди сумму чисел 2, 4, 6, 8", "Найди сумму чисел 2, 4, 6, 8, 10"),
    ("Sort 5 3 9 1", "Sort 5 3 9 1 7"),
])
def test_a_number_put_in_or_left_out_of_a_list_is_vetoed(cached: str, request_: str) -> None:
    for a, b in ((request_, cached), (cached, request_)):
        assert veto_features(a, b)["number_mismatch"] == 1.0, (a, b)


@pytest.mark.parametrize(("cached", "request_", "expected"), [
    (MEDIAN, "Median of 3, 7, 9, 12, 15, 18, 21, 24, 30, 33, 41, 45, please.", 0.0),  # the same list, reworded
    ("Sort 5 3 9 1", "Sort the numbers 1 3 5 9", 0.0),  # the same numbers in another order
    ("1+1 为什么等于2", "1+1=?", 0.5),  # no list: a number added, weighed by the model as before
    ("What happened between 1939 and 1945?", "What happened between 1939 and 1945, 80 years ago?", 0.5),
])
def test_the_same_list_or_no_list_is_left_as_it_was(cached: str, request_: str, expected: float) -> None:
    assert veto_features(request_, cached)["number_mismatch"] == expected


def test_characters_that_draw_nothing_are_no_difference() -> None:
    """nc45 LOW: "Was ist 2+2?" and the same with a zero-width space after it was refused as code written otherwise.
    The soft hyphen, zero-width space, word joiner and byte-order mark are dropped (`velo.cache.text.nfkc`), and so
    are the bidirectional marks and controls (nc45 LOW: the left-to-right mark U+200E had been left in)."""
    for mark in ("\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u200f", "\u061c", "\u202a", "\u202e", "\u2066", "\u2069"):
        assert set(veto_features("Was ist 2+2?", f"Was ist 2+2?{mark}").values()) == {0.0}, repr(mark)
        assert set(veto_features("What is 10 km in miles?", f"What is 1{mark}0 km in miles?").values()) == {0.0}, repr(mark)
