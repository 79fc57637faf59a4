"""The control characters a question may not hold: every C0 control code (U+0000-U+001F) but tab, line feed and
carriage return, the rule of XML 1.0's `Char` production (section 2.2). The one rule of every VELO service's request
bodies (`velo.wire.parse_body`, every text field), the SDK (before sending) and the semantic cache's questions and
context turns (`SemanticCache.insert` / `lookup`, a `CacheInputError`).

    >>> control_character("What is 2+2?\\n")  # None: text
    >>> control_character("What is\\x00 2+2?")
    'the control character U+0000 (NUL) at character 7'

Why refused (issue 8 finding 1: a NUL in a question had been accepted, looked up, answered and written back): none
of them is text anyone reads, so two questions that show alike in a log, the admin routes or a terminal are two cache
entries (`velo.cache.semantic_cache.entry_id` keys on the characters), the embedders and the LLM read a code they were
not trained on, and stores a deployment copies answers into refuse them (PostgreSQL's `text` refuses NUL:
aegra/aegra#370, python-discord/bot#1182). Milvus cuts nothing: milvus-lite, its server and Milvus standalone read
back an answer holding NUL and ESC as written (tests/cache/test_semantic_cache.py), so the refusal is the rule, not a
workaround, and an LLM's answer is stored as it wrote it. DEL (U+007F) and the C1 codes
(U+0080-U+009F) stay allowed, as XML allows them; tab, line feed and carriage return are how text is laid out.
OpenAI documents no rule for control characters in a message's content.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL_RULE = "text may hold tab, line feed and carriage return, no other control character (U+0000-U+001F)"
"""The rule as a refusal states it."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS HT LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB CAN EM SUB ESC FS GS RS US"
).split()
"""The C0 codes' names (ISO 646 / ECMA-48), so a refusal names one a reader can look up."""


def control_character(text: str) -> str | None:
    """The first control character `text` may not hold and its position (in characters, from 0), as a refusal says it,
    else None. One regular-expression search, linear in the text (a few hundred microseconds for a 64,000-character
    prompt on a loaded core)."""
    found = _CONTROL.search(text)
    if found is None:
        return None
    code = ord(found.group())
    return f"the control character U+{code:04X} ({_NAMES[code]}) at character {found.start()}"


_BLANK_LETTERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800})
"""Characters of a letter or symbol category that show nothing: the Hangul fillers (choseong / jungseong, the
compatibility and half-width fillers) and the blank braille pattern (Unicode's Default_Ignorable_Code_Point lists the
fillers; U+2800 renders as an empty cell)."""


def blank(text: str) -> bool:
    """Whether `text` shows nothing: only white space, Unicode format characters (category Cf: the zero-width space
    U+200B, the joiners U+200C / U+200D, the byte-order mark U+FEFF, direction marks), marks with no letter to sit on
    (categories Mn / Me alone: variation selectors U+FE0F, the grapheme joiner U+034F, a lone U+0301) and the blank
    letters of `_BLANK_LETTERS`. Such a question is empty to a reader, so the cache and the services refuse it as empty
    (newcomer nc40: "\\u200b\\u200b" was stored, and through the gateway it cost a cloud call; nc41: "\\u3164",
    "\\u2800", "\\ufe0f" still did)."""
    return all(c.isspace() or unicodedata.category(c) in ("Cf", "Mn", "Me") or ord(c) in _BLANK_LETTERS for c in text)


UNDRAWN = re.compile("[\ufe0e\ufe0f\u00ad\u200b\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
"""Characters that are no difference between two questions: the text and emoji presentation selectors ("❤" and "❤️",
U+2764 U+FE0F, are one symbol drawn two ways: rule format 25); the soft hyphen, zero-width space, word joiner and
byte-order mark, which draw nothing ("Was ist 2+2?" with a zero-width space after it was refused as code written
otherwise: nc45); and the bidirectional marks, embeddings, overrides and isolates (U+200E, U+200F, U+061C,
U+202A-U+202E, U+2066-U+2069), which only order how a line is drawn (UAX #9) and which editors insert around a
right-to-left word. The zero-width joiner and non-joiner are not among them: they join emoji and letters into others.
The readers of the hit rule drop them (`velo.cache.text.nfkc`), and so does the language identifier (`velo.lang_id`):
"What is the largest planet?" with a zero-width space after each word had been `und` and looked up among `und`
entries only (nc46)."""


def undrawn_removed(text: str) -> str:
    """`text` without the characters of `UNDRAWN`."""
    return UNDRAWN.sub("", text)
