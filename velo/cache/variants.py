"""One word spelled two ways across the two questions of a pair, where neither spelling alone says it is a variant
(rule format 27; issue 8, a newcomer's finding M7: "What is your favourite colour?" / "... favorite color?" 0.9432
against the threshold 0.9434, "e-mail" / "email").

`respelled` writes the request's word as the cached question spells it, so the features and the same-words rule see
one word (as `velo.cache.quantities.spelled_as` does for a quantity); the search embedding keeps the texts as written.
A variant counts only where the other question has the other spelling and not its own:

* British and American spellings of one English word (`american`, `_BRITISH`: "colour" / "color", "favourite",
  "organise", "analyse", "centre", "travelling", "defence", "catalogue", "grey", "aluminium"), listed, between two
  English texts (`_english`) and never for a name, capitalized inside a sentence (`_names`: "Grey's Anatomy", "the
  Labour Party"; rule format 28) or listed as one whose two spellings name different things (`_NAME_PHRASES`: "the
  labour party", "labour day", "grey's anatomy"; format 29, a listed name spelled the other way is a `symbol_swap`).
  No maintained package holds such a list (breame 0.1.2 and localspelling 0.94 were last released in 2021 and 2020);
  "tonne" / "ton" is no variant (1000 kg / 907 kg).
* A hyphen inside a word against the word written in one, for the compounds `_COMPOUNDS` lists ("e-mail" / "email",
  "Wi-Fi" / "WiFi", "co-operate" / "cooperate"; not "co-op" / "coop", "re-sign" / "resign": rule format 28).
* A German umlaut written out as its vowel and "e" ("groesste" / "größte", "fuer" / "für", "Muenchen" / "München"), as
  a German writer without umlauts types it. A plain vowel for an umlaut stays another word ("schon" / "schön":
  `velo.cache.text.spelling_swap`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from velo.cache.text import by_first_word, cased_words, fold, tokens

_OUR = "colour flavour honour humour labour neighbour behaviour harbour rumour vapour armour endeavour favour savour"
_TRE = "centre theatre fibre litre calibre sombre spectre meagre lustre sabre mitre"
_ISE = (
    "organ real recogn apolog optim minim maxim summar priorit custom visual categor emphas critic memor standard normal"
    " initial serial token synchron util character special general capital author"
)
_YSE = "anal paral catal"
_LL = "travel cancel model label fuel signal channel jewel"
_WORDS = """
favourite favorite favourites favorites colourful colorful neighbourhood neighborhood neighbourhoods neighborhoods
catalogue catalog catalogues catalogs dialogue dialog dialogues dialogs analogue analog defence defense offence offense
licence license pretence pretense grey gray aluminium aluminum plough plow pyjamas pajamas sceptic skeptic sceptical
skeptical ageing aging judgement judgment manoeuvre maneuver fulfil fulfill enrol enroll skilful skillful artefact
artifact diarrhoea diarrhea anaemia anemia haemoglobin hemoglobin oestrogen estrogen paediatric pediatric foetus fetus
leukaemia leukemia orthopaedic orthopedic encyclopaedia encyclopedia gynaecology gynecology anaesthesia anesthesia cosy
cozy jewellery jewelry counsellor counselor paediatrics pediatrics paediatrician pediatrician anaesthetic anesthetic
oesophagus esophagus haemorrhage hemorrhage haemorrhoids hemorrhoids foetal fetal practise practice practised practiced practising practicing
""".split()


def _pairs() -> dict[str, str]:
    """British spelling -> American, for the words listed above and their endings."""
    out = dict(zip(_WORDS[::2], _WORDS[1::2]))
    for w in _OUR.split():
        for end in ("", "s", "ed", "ing", "ite", "ites", "able", "er", "ers"):
            out[w + end] = w[:-2] + "r" + end
    for w in _TRE.split():
        out[w], out[w + "s"] = w[:-2] + "er", w[:-2] + "ers"
    for stem, spellings in ((_ISE, ("is", "iz")), (_YSE, ("ys", "yz"))):
        for w in stem.split():
            for end in ("e", "es", "ed", "ing", "er", "ers", "ation", "ations"):
                out[w + spellings[0] + end] = w + spellings[1] + end
    for w in _LL.split():
        for end in ("led", "ling", "ler", "lers"):
            out[w + end] = w + end[1:]
    return out


_BRITISH = _pairs()
"""One English word's British and American spellings (rule format 28, a tester's finding after format 27: rules reading
any word's end made other words one, "Grey's Anatomy" / "Gray's Anatomy", "timbre" / "timber", "flour" / "flor",
"Paella" / "Pella", "Reize" / "Reise"). Only pairs where neither spelling is another word: not "draught" / "draft",
"cheque" / "check", "kerb" / "curb", "tyre" / "tire", "metre" / "meter", "programme" / "program", "storey" / "story",
"mould" / "mold", "prise" / "prize"."""


def american(word: str) -> str:
    """A folded English word in its American spelling where `_BRITISH` lists it ("colour" "color", "organisation"
    "organization", "centre" "center"); any other word is returned as it is."""
    return _BRITISH.get(word, word)


@functools.lru_cache(maxsize=1 << 12)  # a pure function of the text, asked 4 times for each pair's texts
def _names(text: str) -> frozenset[str]:
    """The folded words of `text` written with a capital inside a sentence: a name ("Grey's Anatomy", "the Labour
    Party"), whose spelling is the name's own."""
    return frozenset(fold(w) for w, starts, *_ in cased_words(text) if not starts and w[:1].isupper())


_POLITICAL_NOUNS = (
    "party parties leader leaders government governments mp mps voter voters candidate candidates politician"
    " politicians minister ministers manifesto"
)
_NAME_PHRASES = tuple(
    (tuple(phrase.split()), capitalized)
    for phrase, capitalized in (
        *((f"labour {noun}", False) for noun in _POLITICAL_NOUNS.split()),
        ("labour day", False),
        ("grey's anatomy", False),
        ("neighbours", True),
    )
)
"""Names whose British and American spellings name different things, as (the words in British spelling, whether the
name must be capitalized), lower-case too unless marked (rule format 29; a tester, brk29, found format 29's veto of any
capitalized word or any word before a party noun refusing the same name or no name at all: "Pearl Harbor" / "Pearl
Harbour" 0.967 -> 0, "World Health Organisation" / "... Organization" 0.979 -> 0, "How Do I Organise My Closet?",
"What's your favourite party game?" / "... favorite ..." 1.000 -> 0, "Who is Israel's defence minister?" 1.000 -> 0):

* the Labour party (the UK's, New Zealand's, Ireland's) and the Labor party (Australia's), named with a political noun
  ("the labour party", "the 1945 labour government", "the labour leader"); "labour laws", "labour" of childbirth and
  "who leads labour in australia?" (no political noun: served at 1.000, as in format 28) are left alone;
* Labour Day (1 May in much of the world, other dates in Australia and New Zealand) and Labor Day (the United States' in
  September): the spelling says which country's holiday, and so which date, is asked about;
* Grey's Anatomy (the television series) and Gray's Anatomy (the anatomy textbook);
* Neighbours (the Australian soap opera) and Neighbors (the 2014 film), capitalized only: "my neighbours" is no name.

A name spelled the other way is otherwise the same name ("Pearl Harbour", "Sydney Harbor Bridge", "Globe Theater",
"Kennedy Space Centre"): as in format 28, a capitalized listed word inside a sentence is not folded (`_names`) and the
pair is left to the model."""


_PHRASES_BY_FIRST = by_first_word(
    (([american(t) for t in tokens(" ".join(phrase))], capital) for phrase, capital in _NAME_PHRASES), lambda item: item[0]
)
"""`_NAME_PHRASES` as (American-spelled tokens, capitalized only), by their first token: `_listed_names` tries at a
word only the phrases it opens (it had tried each phrase at each word)."""


def _listed_names(text: str, toks: list[str]) -> set[str]:
    """The tokens of `toks` (of `text`) inside a name `_NAME_PHRASES` lists, in either spelling: "labour" and "party" of
    "the labour party", "gray", "s", "anatomy" of "gray's anatomy"; "Neighbours" only capitalized."""
    spelled = [american(t) for t in toks]
    out: set[str] = set()
    for k, first in enumerate(spelled):
        for words, needs_capital in _PHRASES_BY_FIRST.get(first, ()):
            if spelled[k : k + len(words)] == words and (not needs_capital or toks[k] in _names(text)):
                out.update(toks[k : k + len(words)])
    return out


def _english(text: str) -> bool:
    """Whether `text` may be English: its letters are all ASCII (no "sobre" of a Spanish text is a "sober")."""
    return all(c.isascii() for c in text if c.isalpha()) and bool(_ENGLISH_WORD.search(text))


_ENGLISH_WORD = re.compile(r"(?i)\b(?:the|is|are|a|an|what|how|why|who|when|where|which|of|my|your|do|does|i|you|to|in)\b")
"""Frequent English words, one of which an ASCII text must hold to be read as English ("who", "when", "where", "which"
since a tester's finding, brk29: "who wrote grey's anatomy?" had none and was no English text)."""


def _english_variant(x: str, y: str) -> bool:
    return x != y and american(x) == american(y)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def _umlauts_written_out(text: str) -> list[tuple[str, str]]:
    """The words of `text` with an umlaut as (their token, their token with the umlaut written out): "größte" is
    ("grosste", "groesste")."""
    words = re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text.casefold()))
    return [(fold(w), fold(w.translate(_UMLAUTS))) for w in words if any(c in "äöü" for c in w)]


_COMPOUNDS = frozenset(
    tuple(w.split("-")) for w in """
    e-mail e-mails on-line off-line wi-fi e-book e-books e-commerce web-site web-sites co-operate co-operation
    co-operative co-ordinate co-ordinates co-ordination data-base data-bases data-set data-sets file-name user-name
    pass-word time-stamp play-list back-end front-end life-time co-worker co-workers well-being t-shirt t-shirts
    """.split()
)
"""Words written with a hyphen or in one, one word either way (rule format 28: a hyphen inside any word made other
words one, "co-op" / "coop", "un-ionized" / "unionized", "pre-position" / "preposition", "dis-ease" / "disease"; what
it won was small, "e-mail" / "email" was served at 0.95-0.98 before)."""


def _hyphenated(text: str) -> set[tuple[str, ...]]:
    """The words of `text` written with a hyphen inside them that `_COMPOUNDS` lists, as their folded parts ("e-mail":
    ("e", "mail"))."""
    found = re.findall(r"(?<![\w-])[^\W\d_]+(?:-[^\W\d_]+)+(?![\w-])", fold(text))
    return {parts for w in found if (parts := tuple(w.split("-"))) in _COMPOUNDS}


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
    english = _english(request) and _english(cached)
    names = _names(request) | _names(cached) | _listed_names(request, tq) | _listed_names(cached, tc)
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
        elif english and t not in sc and t not in names and (
            match := next((y for y in sorted(only_c - names) if _english_variant(t, y)), None)
        ):
            out.append(match)
        else:
            out.append(t)
        i += 1
    return out


def name_respelled(request: str, cached: str, tq: list[str], tc: list[str]) -> bool:
    """Whether a word of one question is the other's listed word in its other spelling (`_BRITISH`) inside a name
    whose two spellings name different things (`_NAME_PHRASES`): "When is Labour Day?" / "When is Labor Day?", "what
    is the labour party?" / "what is the labor party?", "grey's anatomy" / "gray's anatomy" (rule format 29, a
    newcomer's finding H6: a country's spelling names its own party or holiday; "what is labour day?" / "what is labor
    day?" was still served at 0.958-0.980 once no longer the same words). Not any other name nor a word before a party
    noun ("Pearl Harbour" / "Pearl Harbor", "favourite party game": a tester's finding, brk29). The listed names are
    names in a text of any language ("grey's anatomy season 3 cast" holds no frequent English word)."""
    names = _listed_names(request, tq) | _listed_names(cached, tc)
    only_q, only_c = set(tq) - set(tc), set(tc) - set(tq)
    return any(_english_variant(x, y) and (x in names or y in names) for x in only_q for y in only_c)
