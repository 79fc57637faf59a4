"""Two texts with no word at all, written with other marks (after rule format 33, a newcomer's finding, nc44: "???" /
"!!!" 1.000, served: both have no token, so every token feature read them as one question). Read by
`velo.cache.text.wordless_swap`, in the `symbol_swap` veto. A word is a letter or a digit of any script (`str.isalnum`);
marks compare after NFKC, white space aside, each counted once, so "???" / "??" and "..." / "…" stay one text.

Shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule (weights unchanged). Scores
before are main 01bd437's with the answer "the answer to {cached}" (/work/scratch/place45/probe_before.txt).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache
from velo.cache.features import veto_features, vetoing_readers
from velo.cache.text import wordless_swap

# (cached question, request, score before): served before, refused now at 0.0.
REFUSED = [("???", "!!!", 1.000), ("?", "!", 1.000), ("...", "???", 1.000), ("!!", "?!", 1.000), ("？？？", "！！！", 1.000)]
# (cached question, request, score): one text, or words on both sides, served before and after.
SERVED = [("???", "???", 1.000), ("...", "…", 1.000), ("?!", "!?", 1.000), ("What is Python??", "What is Python?", 1.000)]


@pytest.mark.parametrize(("cached", "request_", "before"), REFUSED)
def test_other_marks_are_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_same_marks_are_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("a", "b"), [("???", "!!!"), ("?", "!"), ("...", "???"), ("？", "！"), ("-", "+"), ("¿?", "¡!")])
def test_texts_of_other_marks_differ(a: str, b: str) -> None:
    assert wordless_swap(a, b) and wordless_swap(b, a)
    assert veto_features(a, b)["symbol_swap"] == 1.0
    assert "text.wordless_swap" in vetoing_readers(a, b)["symbol_swap"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("???", "???"), ("???", "??"), ("?!", "!?"), ("...", "…"), ("？？？", "???"), ("? ?", "??"),
        ("What is Python??", "What is Python?"),  # words on both sides: the other readers'
        ("??", "What?"),  # words on one side: the model weighs it
        ("1+1", "1-1"), ("？", "吗？"), ("!!", "Да!"), ("?", "¿Qué?"), ("...", "Und?"), ("?", "Что?"), ("?", "3?"),
    ],
)
def test_the_same_marks_or_any_word_is_not_read(a: str, b: str) -> None:
    assert not wordless_swap(a, b) and not wordless_swap(b, a)


def test_emoji_and_symbols_were_refused_already() -> None:
    # "🙂" / "🙃" and "1+1" / "1-1" had their veto before (`text.symbol_swap`); an emoji is no word either
    assert vetoing_readers("🙂", "🙃")["symbol_swap"][0] == "text.symbol_swap"
    assert vetoing_readers("1+1", "1-1")["symbol_swap"] == ["text.symbol_swap"]
