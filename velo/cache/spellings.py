"""One word in two spellings that case and accent folding keep apart, written one way in every token (rule format 27).

`velo.cache.text.tokens` folds what any single text can tell on its own (issue 8, a newcomer's finding M7: light
rewordings were refused for their spelling alone, "What's the SQL query ...?" / "What is the SQL query ...?" 0.919,
"台灣最高的山是哪一座？" / "臺灣最高的山是哪一座？" 0.684):

* English contractions (`contractions`): "what's" is "what is", "you're" "you are", "I'm" "I am"; a negation is written
  the way "n't" splits ("do not", "don't" and "dont" are the tokens "don", "t"; "cannot", "can not" and "can't" are
  "can", "t"), so `velo.cache.negation` keeps reading a contracted auxiliary as before ("Isn't coffee harmful?" asks
  either way).
* Traditional Chinese characters in their Simplified forms (`simplified`, OpenCC's t2s: "臺灣" and "台灣" are "台湾",
  "為什麼" is "为什么").

What only the pair shows (British / American spelling, a hyphen inside a word, a German umlaut written "oe") is in
`velo.cache.variants`.
"""

from __future__ import annotations

import functools
import re

import opencc

_AUXILIARIES = "is are was were do does did have has had would should could must need might"
_NOT = re.compile(
    rf"(?<![\w'’])(?:(?P<aux>{'|'.join(_AUXILIARIES.split())})(?:n['’]t| not)|(?P<bare>{'|'.join(_AUXILIARIES.split())})nt"
    r"|(?P<can>can(?:n['’]t|['’]t|not| not|t))|(?P<will>won['’]t|will not)|(?P<shall>shan['’]t|shall not))(?![\w'’])"
)
"""An English auxiliary with "not", contracted ("don't", "don’t"), written out ("do not") or typed without an apostrophe
("dont", "isnt", "cant"; not "wont", a word)."""
_IS = re.compile(r"(?<![\w'’])(what|that|it|there|here|where|who|how|when|why|he|she)['’]s(?![\w'’])")
_IS_BARE = re.compile(r"(?<![\w'’])(what|that|there|where|here|how)s(?![\w'’])")
""""'s" after a pronoun or question word: "is" ("what's", "it's"; not a possessive, "John's"), and the same typed without
an apostrophe where that is no other word ("whats", "thats"; not "its", the possessive)."""
_OTHER = re.compile(r"(?<=\w)['’](re|ve|ll|m)(?![\w'’])")
_EXPANSIONS = {"re": " are", "ve": " have", "ll": " will", "m": " am"}
""""'re", "'ve", "'ll", "'m" after any word ("you're", "I've", "we'll", "I'm"); "'d" is "would" or "had" and is left."""


def _negation(m: re.Match) -> str:
    if m["aux"] or m["bare"]:
        return f"{m['aux'] or m['bare']}n t"
    return "can t" if m["can"] else "won t" if m["will"] else "shan t"


def contractions(folded: str) -> str:
    """`folded` (lower case, `velo.cache.text.fold`) with English contractions written out as one spelling: "what's"
    "what is", "i'm" "i am", "do not" and "don't" "don t" (the tokens "n't" splits into; module docstring)."""
    folded = _NOT.sub(_negation, folded)
    folded = _IS_BARE.sub(r"\1 is", _IS.sub(r"\1 is", folded))
    return _OTHER.sub(lambda m: _EXPANSIONS[m[1]], folded)


@functools.lru_cache(maxsize=1)
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile("[\u3040-\u30ff]")


@functools.lru_cache(maxsize=1 << 14)  # tokens() is called on the same texts many times per pair
def simplified(text: str) -> str:
    """`text` with Traditional Chinese characters and phrases in their Simplified forms (OpenCC t2s: "臺灣" "台湾",
    "頭髮" "头发", "幾點" "几点"); a text without Han characters, or with kana (Japanese, whose kanji are no Traditional
    Chinese: "東京の天気"), is returned as it is."""
    if not _HAN.search(text) or _KANA.search(text):
        return text
    return _converter().convert(text)
