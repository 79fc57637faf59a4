"""One word spelled two ways across the two questions of a pair, where neither spelling alone says it is a variant
(rule format 27; issue 8, a newcomer's finding M7: "What is your favourite colour?" / "... favorite color?" 0.9432
against the threshold 0.9434, "e-mail" / "email").

`respelled` writes the request's word as the cached question spells it, so the features and the same-words rule see
one word (as `velo.cache.roles.spelled_as` does for a quantity); the search embedding keeps the texts as written.
A variant counts only where the other question has the other spelling and not its own:

* British and American English by rule (`american`): -our / -or ("colour", "favourite"), -ise / -ize and -isation
  ("organise", "tokenise"), -yse / -yze, -tre / -ter, -bre / -ber ("centre", "fibre"), -ogue / -og, -ence / -ense
  ("defence", "licence"), -mme / -m ("programme"), a doubled "l" before an ending ("travelling", "cancelled"), "ae" /
  "oe" of medical Greek ("anaemia", "oestrogen"), and a few words no rule reaches (`_IRREGULAR`: "grey", "tyre",
  "aluminium"). No maintained package holds such a list (breame 0.1.2 and localspelling 0.94 were last released in
  2021 and 2020); "tonne" / "ton" is no variant (1000 kg / 907 kg).
* A hyphen inside a word against the word written in one ("e-mail" / "email", "Wi-Fi" / "WiFi", "co-operate" /
  "cooperate"); not after "re", whose hyphen tells another word ("re-sign" / "resign", "re-cover" / "recover").
* A German umlaut written out as its vowel and "e" ("groesste" / "größte", "fuer" / "für", "Muenchen" / "München"), as
  a German writer without umlauts types it. A plain vowel for an umlaut stays another word ("schon" / "schön":
  `velo.cache.text.spelling_swap`).
"""

from __future__ import annotations

import re
import unicodedata

from velo.cache.text import fold

_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"(?<=[a-z]{2})our", "or"),
        (r"(?<=[a-z]{2})is(?=(?:e|es|ed|ing|er|ers|ation|ations)$)", "iz"),
        (r"(?<=[a-z]{2})ys(?=(?:e|es|ed|ing|er|ers)$)", "yz"),
        (r"(?<=[a-z]{2})([bt])re(?=s?$)", r"\1er"),
        (r"(?<=[a-z]{2})ogue(?=s?$)", "og"),
        (r"(?<=[a-z]{2})ence(?=s?$)", "ense"),
        (r"(?<=[a-z]{3})mme(?=s?$)", "m"),
        (r"(?<=[a-z]{2}[aeiou]l)l(?=(?:ing|ed|er|ers|ery|ous)$)", ""),
        (r"(?:(?<=^h)|(?<=^p)|(?<=^an)|(?<=^gyn)|(?<=cyclop)|(?<=thop)|(?<=leuk))ae", "e"),
        (r"^oe(?=[sd])|(?<=^f)oe(?=t)", "e"),
    )
)
_IRREGULAR = {
    "grey": "gray", "greys": "grays", "tyre": "tire", "tyres": "tires", "cheque": "check", "cheques": "checks",
    "aluminium": "aluminum", "plough": "plow", "mould": "mold", "mouldy": "moldy", "practise": "practice",
    "practised": "practiced", "practising": "practicing", "ageing": "aging", "judgement": "judgment",
    "jewellery": "jewelry", "pyjamas": "pajamas", "sceptic": "skeptic", "sceptical": "skeptical", "cosy": "cozy",
    "kerb": "curb", "draught": "draft", "maths": "math", "manoeuvre": "maneuver", "fulfil": "fulfill",
    "enrol": "enroll", "instal": "install", "skilful": "skillful", "artefact": "artifact", "diarrhoea": "diarrhea",
}


def american(word: str) -> str:
    """A folded English word in the American spelling the rules above give ("colour" "color", "organisation"
    "organization", "centre" "center"; the American spelling is returned as it is)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for pattern, replacement in _RULES:
        word = pattern.sub(replacement, word)
    return word


def _english_variant(x: str, y: str) -> bool:
    return len(x) >= 4 and len(y) >= 4 and x.isascii() and y.isascii() and x.isalpha() and y.isalpha() and american(x) == american(y)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _umlauts_written_out(text: str) -> list[tuple[str, str]]:
    """The words of `text` with an umlaut as (their token, their token with the umlaut written out): "größte" is
    ("grosste", "groesste")."""
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text.casefold()))
    return [(fold(w), fold(w.translate(_UMLAUTS))) for w in words if any(c in "äöü" for c in w)]


def _hyphenated(text: str) -> set[tuple[str, ...]]:
    """The words of `text` written with a hyphen inside them, as their folded parts ("e-mail": ("e", "mail")), not after
    "re" (module docstring)."""
    found = re.findall(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])", fold(text))
    return {tuple(w.split("-")) for w in found if not w.startswith("re-")}


def respelled(request: str, cached: str, tq: list[str], tc: list[str]) -> list[str]:
    """`tq`, the request's tokens, with each word the cached question spells otherwise written as it does (module
    docstring): "favourite" -> "favorite" against "favorite", "e", "mail" -> "email" against "email", "grosste" ->
    "groesste" against "groesste"."""
    sc, sq = set(tc), set(tq)
    only_c = sc - sq
    if not only_c:
        return tq
    umlauts = {plain: spelled for plain, spelled in _umlauts_written_out(request) if spelled in only_c}
    umlauts |= {spelled: plain for plain, spelled in _umlauts_written_out(cached) if plain in only_c}
    joined_q = _hyphenated(request)
    split_c = {"".join(parts): list(parts) for parts in _hyphenated(cached) if "".join(parts) in sq - sc}
    out: list[str] = []
    i = 0
    while i < len(tq):
        t = tq[i]
        pair = tuple(tq[i : i + 2])
        if len(pair) == 2 and pair in joined_q and "".join(pair) in only_c:
            out.append("".join(pair))
            i += 2
            continue
        if t in split_c:
            out += split_c[t]
        elif t not in sc and t in umlauts:
            out.append(umlauts[t])
        elif t not in sc and (match := next((y for y in sorted(only_c) if _english_variant(t, y)), None)):
            out.append(match)
        else:
            out.append(t)
        i += 1
    return out
