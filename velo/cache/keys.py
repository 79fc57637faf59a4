"""The cache's keys: a question's exact key (`exact_key`: a repeat of the same text is the same entry) and the context
key of its conversation's earlier user turns (`context_key`: only entries of the same context are candidates for a
follow-up, `velo.cache.semantic_cache`).
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable

from velo.cache.code_marks import code_marks
from velo.cache.text import ACCENTED_FUNCTION_WORDS, FUNCTION_WORDS, cased_words, fold, marks_case, tokens


def exact_key(text: str) -> str:
    """The text as a cache key: NFC with runs of white space as one space. Two texts that differ in any
    character (case, punctuation, emoji, any script) have different keys."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _marked_spellings(text: str) -> list[str]:
    """The words of `text` whose spelling says more than their folded token, as `text.spelling_swap` reads them, each
    with its place among the words: a content word with an accent ("josé", "papá"; not "qué", "für"; ё is е) and, in a
    text that marks case and not as its first word ("WHO is ..." is "Who is ..."), an acronym's capitals ("US") or a
    single capital after code punctuation ("\\D", "%M"); then the brackets of its code (`code_marks`: "a[1:]" /
    "a[:1]").

    A key is one text's, so it cannot see what only a pair shows: a unit's or a polite pronoun's case ("100 MBps" /
    "100 Mbps", "Ihnen" / "ihnen") is not in it (marked, it would split every German turn in the polite form from
    the same turn typed in lower case, and change their keys)."""
    marks_case_ = marks_case(text)
    out = []
    for i, (w, _, _, coded) in enumerate(cased_words(text)):
        lw = w.lower().replace("ё", "е")
        if fold(lw) != lw and not (fold(lw) in FUNCTION_WORDS and lw in ACCENTED_FUNCTION_WORDS):
            out.append(f"{i}:{lw}")
        elif i and marks_case_ and w.isupper() and (len(w) > 1 or coded):
            out.append(f"{i}:{w}")
    return out + code_marks(text)


def context_key(user_turns: Iterable[str]) -> str:
    """Digest of a conversation's earlier user turns ("" for a first turn).

    Only user turns count: the assistant's earlier replies may differ by which tier answered, yet the
    follow-up means the same thing. Turns are matched as strictly as questions: by their tokens (case, punctuation
    between words and the accents of function words fold away) and by what `text.spelling_swap` and
    `code_marks.code_swap` would see in one text (`_marked_spellings`): an accent on a content word, an acronym's
    capitals, a capital after code punctuation, the brackets of code ("¿Quién es José?" and "quien es jose", "a[1:]" and
    "a[:1]" are two contexts).
    A turn without such spellings keeps the key it had when only tokens counted (a superscript, now a `^` exponent,
    changes a turn's tokens and so its key: "10²" was "102").
    """
    parts = [" ".join(tokens(t) + (["\x1e", *marked] if (marked := _marked_spellings(t)) else [])) for t in user_turns]
    if not parts:
        return ""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
