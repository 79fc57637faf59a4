"""One word in two spellings that case and accent folding keep apart, written one way in every token (rule format 27).

`velo.cache.text.tokens` folds what any single text can tell on its own (issue 8, a newcomer's finding M7: light
rewordings were refused for their spelling alone, "What's the SQL query ...?" / "What is the SQL query ...?" 0.919,
"台灣最高的山是哪一座？" / "臺灣最高的山是哪一座？" 0.684):

* English contractions (`contractions`): "what's" is "what is", "you're" "you are", "I'm" "I am"; a negation is written
  the way "n't" splits ("do not", "don't" and "dont" are the tokens "don", "t"; "cannot", "can not" and "can't" are
  "can", "t"), so `velo.cache.negation` keeps reading a contracted auxiliary as before ("Isn't coffee harmful?" asks
  either way).
* Traditional Chinese characters in their Simplified forms (`simplified`, OpenCC's t2s: "為什麼" is "为什么"), only
  between a text written wholly in Traditional and one written wholly in Simplified (`one_script`, rule format 28);
  and "臺" written "台" between two Traditional texts ("臺灣" / "台灣").

`contractions` reads one text; `one_script` reads the pair. What else only the pair shows (British / American spelling, a hyphen inside a word, a German umlaut written "oe") is in
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


@functools.lru_cache(maxsize=2)
def _converter(config: str = "t2s") -> opencc.OpenCC:
    return opencc.OpenCC(config)


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


_BOTH_SCRIPTS = str.maketrans({"臺": "台"})
""""台", OpenCC's Simplified form of "臺", is written for it in Traditional too ("台灣", "台北"): a Traditional text
with it is still Traditional, and two Traditional texts read "臺" as "台" (dev's "臺灣最高的山是哪一座？" / "台灣...")."""


def _traditional(text: str) -> bool:
    """Whether `text` is written wholly in Traditional characters: OpenCC s2t leaves it as it is but for "台"."""
    converted = _converter("s2t").convert(text)
    return len(converted) == len(text) and all(x == y or y == "台" for x, y in zip(converted, text))


def one_script(a: str, b: str) -> tuple[str, str]:
    """`a` and `b` in one script where each is written wholly in one (rule format 28, a tester's finding after format
    27: converting every text to Simplified merged the characters a question is about, "“髮”是什么意思？" / "“發”是什么意思？",
    "麵" / "面", "“瞭解”和“了解”一样吗？", served at 1.000): a Traditional text (`_traditional`) in Simplified (`simplified`)
    against a Simplified one (t2s leaves it as it is), "臺" as "台" between two Traditional texts; a text that mixes
    the two scripts (a Traditional character in a Simplified question: the character asked about) is left as written
    ("為什麼天空是藍色的？" / "为什么天空是蓝色的？" are one text; "“髮”是什么意思？" / "“發”是什么意思？" stay two), and so are
    texts with kana (Japanese, whose kanji are no Traditional Chinese)."""
    if not (_HAN.search(a) and _HAN.search(b)) or _KANA.search(a) or _KANA.search(b):
        return a, b
    trad_a, trad_b = _traditional(a), _traditional(b)
    if trad_a and trad_b:
        return a.translate(_BOTH_SCRIPTS), b.translate(_BOTH_SCRIPTS)
    if trad_a and simplified(b) == b:
        return simplified(a), b
    if trad_b and simplified(a) == a:
        return a, simplified(b)
    return a, b
