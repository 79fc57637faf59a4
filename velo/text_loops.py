"""Text that ends in a loop: a small model decoding greedily often repeats one passage until `max_tokens` cuts it
("Paris is the capital of France. Paris is the capital of France. Paris is the ..."). Such an answer is relayed to the
client who asked, but an edge does not write it into its cache (`services/edge_writeback.py`), where it would be served
as an answer to the question and its rewordings.

The rule, in one sentence: a text loops when its last `LOOP_MIN_SHARE` of characters (and at least `LOOP_MIN_CHARS`) are
one passage of at most `LOOP_MAX_PERIOD` characters repeated at least `LOOP_MIN_COPIES` times in a row, the last copy
possibly cut short. Whitespace is compared as written. An answer whose passages vary (numbered steps, a table's rows)
does not loop by it.

    degenerate_repetition("Paris. " * 5)   # -> "its last 34 of 34 characters are 'Paris. ' 4.9 times over"
    degenerate_repetition("Paris is the capital of France.")   # -> None
"""

from __future__ import annotations

LOOP_MIN_COPIES = 3.0
"""Copies of the passage in the run: two could be an answer that restates itself once."""
LOOP_MIN_SHARE = 1 / 3
"""Of the text's characters the run covers at least this much: a short run at the end ("...", "!!!") is no loop."""
LOOP_MIN_CHARS = 24
LOOP_MAX_PERIOD = 400
"""The longest passage looked for (characters): about two sentences; bounds the work to a few hundred slice comparisons."""


def degenerate_repetition(text: str) -> str | None:
    """None when `text` does not end in a loop (the module docstring's rule); else what repeats, for a log line. Costs
    at most `LOOP_MAX_PERIOD` x log2(len(text)) slice comparisons (well under a millisecond for a 1,000-token answer)."""
    body = text.rstrip()
    n = len(body)
    need = max(LOOP_MIN_CHARS, n * LOOP_MIN_SHARE)
    for period in range(1, min(LOOP_MAX_PERIOD, int(n / LOOP_MIN_COPIES)) + 1):
        run = _matching_suffix(body, period) + period  # the characters of the run: the first copy and what repeats it
        if run >= need and run >= LOOP_MIN_COPIES * period:
            passage = body[n - run : n - run + period]
            return f"its last {run} of {n} characters are {passage[:80]!r} {run / period:.1f} times over"
    return None


def _matching_suffix(text: str, period: int) -> int:
    """The longest L with text[-L:] == text[-L - period:-period] (each of the last L characters equals the one `period`
    before it), found by bisection: if L characters match, so do fewer."""
    n = len(text)
    low, high = 0, n - period
    while low < high:
        mid = (low + high + 1) // 2
        if text[n - mid :] == text[n - mid - period : n - period]:
            low = mid
        else:
            high = mid - 1
    return low


ECHO_RATIO = 0.85
"""How alike an answer and its question must be, as `difflib.SequenceMatcher.ratio` of their letters and digits, for
the answer to be the question said again (`echoes_question`). "What is the capital of France?" and "The capital of
France is Paris." are 0.71 alike: an answer that restates its question to answer it is no echo."""


def echoes_question(question: str, answer: str) -> bool:
    """Whether `answer` is its `question` said again, nearly letter for letter: their words (casefolded, punctuation
    left out) at least `ECHO_RATIO` alike. A small model answers some questions so (SmolLM2-135M, greedy: "Какая
    столица Японии?" -> "Какой столица Японии?", 0.90 alike); written back, that was served from the cache to the
    question's rewordings (nc46)."""
    import difflib

    q, a = _words(question), _words(answer)
    return bool(q and a) and difflib.SequenceMatcher(None, q, a, autojunk=False).ratio() >= ECHO_RATIO


def _words(text: str) -> str:
    import re

    return " ".join(re.findall(r"\w+", text.casefold()))
