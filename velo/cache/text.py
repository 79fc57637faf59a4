"""Language-aware text normalization for cache keys and hit-decision features.

Tokens are lowercased, accent-folded words, runs of operator symbols, single symbols (emoji, currency,
math, arrows: Unicode categories S*), a slash between digits and a hyphen between operands ("5/2" vs "5-2", "10 - 3", "x-1"), a
number's sign ("-5", "−5" and "－5" are one token "-" before "5"), a command-line flag ("-rf", "--force") and emoticons made of
punctuation standing alone (":)", ":-(", ";)", ":D"); Han and kana characters are one token each, since
Chinese and Japanese do not separate words with spaces. A superscript is an exponent ("10²" is "10^2": `nfkc`).
What folding hides between two questions that are otherwise the same word for word is read from the texts as written:
an accent on a content word and case that is part of what a word names ("CO" / "Co", "100 Mbps" / "100 MBps", "\\d" /
"\\D", "Ihnen" / "ihnen") by `spelling_swap`, the brackets of code ("a[1:]" / "a[:1]", "sqrt(16)+9" / "sqrt(16+9)")
and the punctuation of code and math (":q!" / ":q", "0!" / "0", "a?.b" / "a.b", "cd .." / "cd .": rule format 26) by
`velo.cache.code_marks`.

What tokens drop (case, except a command-line flag's: "-V" / "-v"; accents on Latin, Greek and Cyrillic letters;
punctuation between words, brackets included) is what rewordings vary freely; everything else that can change what a
question asks stays visible, in the tokens or to those two readers. Marks of other scripts (Thai tone marks, Devanagari
vowel signs, ...) are letters of their words and are kept.

What the hit decision reads from these tokens lives beside this module: the numbers (`velo.cache.numbers`),
negation (`velo.cache.negation`), role and unit swaps (`velo.cache.roles`) and the brackets and punctuation of code
(`velo.cache.code_marks`); the cache's keys are built from them (`velo.cache.keys`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from velo.cache import alignment, spellings
from velo.control_chars import undrawn_removed

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Operator symbols are tokens too: "what does * do in Python" and "... ** ..." ask different things, as do
# C++ and C#. Punctuation, hyphens and slashes between words are not (they vary freely between rewordings);
# between operands they are ("5/2", "5-2", "3:2", "10 - 3", "x-1", "a / b"), and so are a number's sign ("-5",
# "气温-10度") and a command-line flag's dash ("rm -rf", "--force").
OPERATORS = "*+=<>%^&|~#@$"
LETTER = r"[^\W\d_]"
"""A letter of any script (a word character that is no digit and no underscore), as a pattern to build others with."""
_ALONE = rf"(?<!{LETTER}){LETTER}"
_BETWEEN_OPERANDS = (
    rf"(?<=\d)/(?=\d)|(?:(?<=\d)|(?<=\d ))-(?= ?(?:\d|{LETTER}(?!{LETTER})))|(?:(?<={_ALONE})|(?<={_ALONE} ))-(?= ?\d)"
)
"""A slash between digits ("5/2"); a hyphen between operands, one of them digits, the other digits or a letter standing
alone ("x", not the "x" of "max"), at most one space on either side ("10 - 3", "x-1", "x - 1"). Not "a - b" (a dash in
a sentence), "m/s" nor "l/100 km" (units)."""
MINUS_SIGNS = "\u2212"
"""The minus signs NFKC leaves apart from the ASCII hyphen-minus ("−"; "﹣" and "－" fold to "-"): one token, "-"."""


def _mark_ranges(limit: int = 0x20000) -> str:
    """Combining marks (categories Mn, Mc, Me) as a regex class body: Python's `\\w` leaves them out, which
    would cut Thai, Devanagari or Arabic words at every vowel sign or tone mark."""
    ranges, start = [], None
    for code in range(limit + 1):
        is_mark = code < limit and unicodedata.category(chr(code))[0] == "M"
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"\\u{start:04x}" if start == code - 1 else f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return "".join(ranges)


_TOKEN = re.compile(
    rf"(?P<cjk>[{CJK}])|(?P<word>(?:[^\W{CJK}]|[{_mark_ranges()}])+)|(?P<op>[{re.escape(OPERATORS)}]+)"
    rf"|(?P<digits>(?<=\d):(?=\d)|{_BETWEEN_OPERANDS})"
    rf"|(?P<sign>(?<![^\W{CJK}])-(?=\d))|(?P<flag>(?<![^\s(\[{{\"'`])--?{LETTER}[\w-]*)|(?P<other>[^\w\s])"
)
"""`other` is any other single character that is neither a word character nor space: kept iff it is a
symbol (category S*: emoji, currency, math, arrows), dropped if it is punctuation."""
HAN = re.compile(rf"[{CJK}]")
"""One Han or kana character (each is one token)."""
CYRILLIC = re.compile("[\u0400-\u04ff]")
"""One Cyrillic character (a Russian word starts with one)."""


def words_key(folded: str) -> str:
    """A text its caller folded, as the phrase tables read it whole: punctuation and spaces between words as one space,
    none at either end nor between Han characters ("thanks!!" -> "thanks", "谢 谢" -> "谢谢"; `velo.cache.set_phrases`,
    `velo.cache.added_instructions`)."""
    words = re.sub(r"[\W_]+", " ", folded).strip()
    return re.sub(r"(?<=[\u2e80-\u9fff]) (?=[\u2e80-\u9fff])", "", words)



_SUPERSCRIPT = re.compile("[\u00b9\u00b2\u00b3\u2070\u2074-\u207b\u207f]+(?![/\u2044])")
"""A run of superscript digits, signs or "ⁿ": an exponent ("10²", "x⁻¹", "2ⁿ"); not a fraction's numerator ("¹/₂")."""
_FRACTION = re.compile("(?<=\\d)(?=[\u00bc-\u00be\u2150-\u215f\u2189]|[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+[/\u2044])")
"""Before a fraction written as one character after a whole number ("1½", "2¾", "1¹/₂"): NFKC makes "½" "1⁄2", and
"1½" would read "11⁄2"; a space keeps "1 1/2"."""
_DASHES = re.compile("[\u2010-\u2015\u2e3a\u2e3b]")
"""Hyphens and dashes NFKC leaves apart from "-" (‐ ‑ ‒ – — ―, ⸺ ⸻; "﹘" folds to "—"): typography, not another sign
(rule format 27: "1914–1918", "–5", "10 – 3" are "1914-1918", "-5", "10 - 3"; between words a dash is punctuation either
way, "Киты — рыбы?")."""
_DASH_FLAG = re.compile("(?<![^\\s(\\[{\"'`])[\u2013\u2014](?=[A-Za-z])")
"""An en or em dash opening a command-line flag: what "--" becomes under autocorrect ("ls —all" is "ls --all")."""


@functools.lru_cache(maxsize=1 << 12)  # a pure function of the text: the readers ask for a pair's texts ~140 times
def nfkc(text: str) -> str:
    """NFKC, with a superscript written as the exponent it is: "10²" is "10^2", as written with a caret, not "102"
    (NFKC alone makes it a plain digit). Subscripts stay plain digits: "H₂O" is "H2O", a formula written either way.
    A presentation selector is dropped (`velo.control_chars.UNDRAWN`: "❤️" is "❤"). A typographic dash is "-" (`_DASHES`; "--"
    opening a flag, `_DASH_FLAG`) and a fraction "½" is "1/2" ("1½" is "1 1/2": `_FRACTION`; the fraction slash "⁄" is
    "/"), rule format 27."""
    text = _FRACTION.sub(" ", undrawn_removed(text))
    text = _DASHES.sub("-", _DASH_FLAG.sub("--", text.replace("\ufe58", "\u2014")))
    return unicodedata.normalize("NFKC", _SUPERSCRIPT.sub(lambda m: f"^{m.group()}", text)).replace("\u2044", "/")


def _folds_marks(base: str) -> bool:
    """Accents are dropped only on Latin, Greek and Cyrillic letters (é/e, ё/е are spelling variants there)."""
    code = ord(base)
    return code < 0x0530 or 0x1E00 <= code < 0x2000


@functools.lru_cache(maxsize=1 << 12)  # a pure function of the text: the readers fold a pair's texts and spans ~100 times
def fold(text: str) -> str:
    """Casefold, NFKC (a superscript as a `^` exponent: `nfkc`), and strip accents of Latin, Greek and Cyrillic
    letters (a missing accent or ё/е is not a difference); combining marks of other scripts are kept, recomposed
    (NFC)."""
    decomposed = unicodedata.normalize("NFKD", nfkc(text).casefold())
    out: list[str] = []
    base = " "
    for ch in decomposed:
        if unicodedata.combining(ch):
            if _folds_marks(base):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


SENTENCE_PUNCT = "?!¿¡.,;:…\"'«»“”„‘’‚‹›-–—"
"""Punctuation that ends, opens or splits sentences: what rewordings vary freely."""
_STANDALONE = re.compile(r"(?<!\S)(?:[^\w\s]+|[:;=][-']?[dpox3][?!.,…]*)(?!\S)")
"""A run of punctuation or symbols standing alone between spaces (":)", ":-(", ";)", "(:", "?", "...") or an
emoticon with a letter for a mouth (":D", ";P", ":3" after folding)."""


def _standalone_punct(run: str) -> str | None:
    """A stand-alone run as one token when it is more than sentence punctuation and symbols (an emoticon made of
    punctuation, ":)" / ":(", ":-)" / ":-(", ";)"); its sentence punctuation at either end is dropped (":)?" is
    ":)"). None for a run that is only sentence punctuation ("?", "...", " - ") or has no punctuation beside
    symbols (emoji, `**`, `$`: the other token kinds already keep them)."""
    core = run.strip("?!¿¡.,…")
    if not core or all(c in SENTENCE_PUNCT for c in core):
        return None
    if all(unicodedata.category(c)[0] == "S" or c in OPERATORS or c in SENTENCE_PUNCT for c in core):
        return None
    return core


_FLAG = re.compile(rf"(?<![^\s(\[{{\"'`])--?{LETTER}[\w-]*")
"""A command-line flag as written ("-V", "--force"): the `flag` tokens of `_TOKEN`, found before folding."""


def _fold_keeping_flags(text: str) -> str:
    """`fold`, except that a command-line flag keeps its case: "ls -V" and "ls -v", "tar -C" and "tar -c" are different
    options (NFKC still applies: "－V" is "-V")."""
    text = nfkc(text)
    out, end = [], 0
    for m in _FLAG.finditer(text):
        out += [fold(text[end : m.start()]), m.group()]
        end = m.end()
    return "".join(out) + fold(text[end:])


def tokens(text: str, spelled: bool = False) -> list[str]:
    """The tokens of `text` (module docstring); `spelled`: with one spelling of an English contraction
    (`velo.cache.spellings`, rule format 27: "What's" / "What is"), what the hit features compare where it makes two
    questions the same words (`velo.cache.features._Pair`, which writes Chinese in one script first:
    `spellings.one_script`)."""
    return list(_tokens(text, spelled))


@functools.lru_cache(maxsize=1 << 12)  # a pure function of the text: the readers tokenize a pair's texts ~12 times
def _tokens(text: str, spelled: bool) -> tuple[str, ...]:
    folded = _fold_keeping_flags(text).replace(MINUS_SIGNS, "-")
    if spelled:
        folded = spellings.contractions(folded)
    out: list[str] = []
    pos = 0
    for run in _STANDALONE.finditer(folded):
        core = _standalone_punct(run.group())
        if core is None:
            continue
        out += _plain_tokens(folded[pos : run.start()])
        out.append(core)
        pos = run.end()
    return tuple(out + _plain_tokens(folded[pos:]))


def _plain_tokens(folded: str) -> list[str]:
    return [
        m.group() for m in _TOKEN.finditer(folded)
        if m.lastgroup != "other" or unicodedata.category(m.group())[0] == "S"
    ]


def shared_ends(a: list[str], b: list[str], back_over: frozenset[str] = frozenset()) -> tuple[int, int]:
    """How many terms `a` and `b` share at their start (less the `back_over` words ending it) and then at their end:
    what stays around the stretch where two questions differ (`velo.cache.order`, `velo.cache.opposites`)."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    while start and a[start - 1] in back_over:
        start -= 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return start, end


def symbols(toks: Iterable[str]) -> tuple[str, ...]:
    """The tokens that are symbols or operators (emoji, currency, math, `**`, `#`), sorted: a multiset."""
    return tuple(sorted(t for t in toks if not t[0].isalnum()))


_CASE_SENSITIVE = re.compile(rf"(?P<word>(?:[^\W{CJK}]|[{_mark_ranges()}])+)")


_OPENERS = "¿¡\"'«“‘„(["
_SENTENCE_ENDS = ".!?…。！？"


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` starts a sentence: only space and opening quotes or brackets (`_OPENERS`) between it
    and the start of `text`, a line break, or the end of a sentence followed by space. Read backwards over that run
    alone: a regex searched from 0 to each word (as before) took 0.67 s on a request of 6,000 characters."""
    i = start
    while i and (text[i - 1].isspace() or text[i - 1] in _OPENERS):
        i -= 1
    run = text[i:start]
    return i == 0 or "\n" in run or (text[i - 1] in _SENTENCE_ENDS and run[:1].isspace())


_AFTER_NUMBER = re.compile(r"\d ?\Z")
_CODE_PUNCT = "\\%$@#&^~/*+=<>|`"
"""Punctuation that makes a single letter right after it code: "\\d" / "\\D" (a regex class), "%m" / "%M" (strftime),
"A^T". Not a letter before it ("C++" / "c++", "C#", "A*": a name) nor after a hyphen ("X-ray" / "x-ray", "L-theanine";
a flag's case is in its token: "-V" / "-v")."""
_POLITE_FORMS = frozenset("sie ihnen ihr ihre ihren ihrem ihrer ihres".split())
"""German pronouns whose capital makes them the polite "you": "Wie geht es Ihnen?" (you) / "... ihnen?" (them)."""


def cased_words(text: str) -> list[tuple[str, bool, bool, bool]]:
    """The words of `text` as written (NFKC, case and accents kept, in the order `tokens` finds them), each with
    whether it starts a sentence (its case is how a writer starts: "WHO is ..." is "Who is ..."), whether its case is
    part of what it names wherever it stands (a unit or formula, a word with a digit or right after a number: "100
    Mbps" / "100 MBps", "CO2"; a single letter after code punctuation: "\\d" / "\\D", "%m" / "%M"; a German polite
    pronoun: "Ihnen" / "ihnen"), and whether it is such a single letter."""
    return list(_cased_words(text))


@functools.lru_cache(maxsize=1 << 12)  # a pure function of the text: the readers ask for a pair's texts ~8 times
def _cased_words(text: str) -> tuple[tuple[str, bool, bool, bool], ...]:
    text = nfkc(text)
    out = []
    for m in _CASE_SENSITIVE.finditer(text):
        w, start = m.group(), m.start()
        coded = len(w) == 1 and start > 0 and text[start - 1] in _CODE_PUNCT
        unit = any(c.isdigit() for c in w) or bool(_AFTER_NUMBER.search(text, max(0, start - 2), start))
        named = unit or coded or w.lower() in _POLITE_FORMS
        out.append((w, _starts_sentence(text, start), named, coded))
    return tuple(out)


def _case_counts(x: str, y: str, x_named: bool, y_named: bool) -> bool:
    """Whether two spellings of one word that differ only in case name different things: an acronym's capitals on
    either side ("CO" / "Co", "US" / "us"), or a word whose case is part of what it names (`cased_words`). A capital
    first letter of another word is typing ("World War" / "world war", "Python" / "python")."""
    return (len(x) > 1 and x.isupper()) or (len(y) > 1 and y.isupper()) or x_named or y_named


def marks_case(text: str) -> bool:
    """True for a text that marks case: neither all in capitals nor all in lower case (in a text written all one way,
    "co" or "CO" says nothing about which one is meant)."""
    return text.upper() != text and text.lower() != text


# Function words as written with their accents: a writer who leaves the accent out still means them.
ACCENTED_FUNCTION_WORDS = frozenset(
    unicodedata.normalize("NFC", w) for w in """
    qué cómo cuál cuáles quién quiénes dónde cuándo cuánto cuánta cuántos cuántas adónde está están estás estáis él tú
    mí sí más sé dé aún sólo éste ésta éstos éstas ése ésa ésos ésas aquél aquélla también después así podrías podría
    ahí allí aquí según través explícame explícalo dímelo podrías qu'est ça où à là déjà très être
    für über können könnte könntest konnen erkläre erklär wäre wären hätte müssen muss gehört dürfen größer
    """.split()
)


def _omitted_accent(x: str, y: str) -> bool:
    """Two lower-case spellings of one folded word: True when one is the other with an accent a writer leaves out
    freely -- ё written е (Russian convention), or the accents of a function word ("qué" / "que", "für" / "fur")."""
    if x.replace("ё", "е") == y.replace("ё", "е"):
        return True
    return fold(x) in FUNCTION_WORDS and (x in ACCENTED_FUNCTION_WORDS or y in ACCENTED_FUNCTION_WORDS)


_SPANISH_SIGNS = re.compile("[¿¡ñÑáéíóúÁÉÍÓÚ]")
"""What only Spanish writes among texts with a diaeresis: there "ü" is an accent ("pingüino"), not a German umlaut."""
_ENGLISH_SIGNS = re.compile(r"(?i)\b(?:the|what|which|who|how|why|is|are|does|did|happened|of|and)\b|\w's\b")
"""English words (and the possessive 's) no German text writes: in an English text an umlaut in a capitalised word is
a foreign name's accent, which a writer who types none leaves out ("What happened to Schrödinger's cat?" / "... to
schrodinger's cat?", "Gödel", "Möbius": a right pair of the replay refused at 0.000, recall44); a German word in an
English text keeps its umlaut ("What does 'schön' mean?" / "... 'schon' ...": lower case, other words)."""


def types_accents(text: str) -> bool:
    """Whether `text` writes an accent on any Latin or Greek letter (Cyrillic "й" and "ё" are letters of their own)."""
    base = " "
    for ch in unicodedata.normalize("NFD", nfkc(text)):
        if not unicodedata.combining(ch):
            base = ch
        elif ord(base) < 0x0400 or 0x1E00 <= ord(base) < 0x2000:
            return True
    return False


_OWN_LETTERS = frozenset("ñÑßẞ")
"""Letters of their own, no accent a writer leaves out (rule format 28, a tester's finding: "Que es un ano?" / "¿Qué es
un año?", "sonar" / "soñar", "Masse" / "Maße", "in Massen" / "in Maßen" were served as one)."""
_ACCENT_PAIRS = frozenset(
    unicodedata.normalize("NFC", w) for w in "papá sábana secretaría hábito péché".split()
)
"""Accented words whose accent-less spelling is another frequent word ("papa" / "papá", "sabana" / "sábana",
"secretaria" / "secretaría", "habito" / "hábito", "peche" / "péché"): even a writer who types no accent asks another
question with the other word (rule format 28)."""


def _unaccented_writer(accented_word: str, accented_text: str) -> bool:
    """Whether a word's accents may be left out by a writer who types none (rule format 27): any accent, except a
    German umlaut ("schön" / "schon", "würde" / "wurde", "zählen" / "zahlen" are other words; a German writer without
    umlauts writes "schoen"), read as such in a text without Spanish signs (`_SPANISH_SIGNS`: "pingüino" / "pinguino"
    folds), "ñ", a letter of its own (`_OWN_LETTERS`: "año" / "ano"), and the words of `_ACCENT_PAIRS` (rule format 28).
    An umlaut in a capitalised word of an English text is a name's accent (`_ENGLISH_SIGNS`: "Schrödinger", recall44)."""
    word = unicodedata.normalize("NFC", accented_word)
    if "ñ" in word.lower() or word.lower() in _ACCENT_PAIRS:  # "ß": `spelling_swap`, `_no_german_letters`
        return False
    umlaut = any(c in "äöüÄÖÜ" for c in word)
    english_name = word[:1].isupper() and bool(_ENGLISH_SIGNS.search(accented_text))
    return not umlaut or bool(_SPANISH_SIGNS.search(accented_text)) or english_name


def _no_german_letters(words: str, a: str, b: str) -> bool:
    """Whether "ß" in `words` is written "ss" by a writer who types no German letters: one of the texts writes an umlaut
    of the other out ("Wie gross ist der groesste See?" / "Wie groß ist der größte See?"); "Masse" / "Maße" alone is two
    words (mass, measure)."""
    if "ß" not in words.lower():
        return False
    for plain, accented in ((a, b), (b, a)):
        written = fold(plain).split()
        umlauts = re.findall(r"\w*[äöü]\w*", unicodedata.normalize("NFC", accented.lower()))
        if any(w.translate(_UMLAUTS_OUT).replace("ß", "ss") in written for w in umlauts):
            return True
    return False


_UMLAUTS_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})


def spelling_swap(a: str, b: str) -> bool:
    """True when a word the two questions share after folding is spelled differently in a way that changes what
    it names: an accent on a content word ("papa" / "papá", "anos" / "años", "schon" / "schön") or, where both texts
    mark case (`marks_case`: not all in capitals nor all in lower case) and not at a sentence start, its case when that
    is part of what it names (`_case_counts`): an acronym's capitals ("CO" / "Co": carbon monoxide, cobalt; "US" /
    "us"), a unit or formula ("100 Mbps" / "100 MBps"), a single letter after code punctuation ("\\d" / "\\D", "%m" /
    "%M"), a German polite pronoun ("Wie geht es Ihnen?" / "... ihnen?": you, them).

    Not a swap: the accent of a function word, which writers leave out freely ("qué" / "que", "für" / "fur",
    "está" / "esta"), ё written е, any accent where one text types none at all (that writer's typing, rule format 27:
    "¿Cual es la ciudad mas grande de Canada?" / "¿Cuál es la ciudad más grande de Canadá?"; "¿Quién es el papa?" /
    "¿Quién es el papá?" types accents elsewhere and stays a swap, and so does a German umlaut, `_unaccented_writer`),
    the case of a word that starts a sentence ("WHO is ..." / "Who is ..."), a capital first letter of any other word
    ("World War II" / "world war II", "Солнечной системе" / "солнечной системе", "Python" / "python": mostly typing, 2
    right hits of the fit and dev sets), a single letter standing alone ("can I" / "can i"), or any case in a text
    written all in capitals or all in lower case ("what is python's list slicing" / "What is Python's list slicing?").

    The features ask this only of questions with the same tokens (word for word after folding): there nothing
    else tells the two apart. Between rewordings an accent or capitals left out are mostly typing ("nacio" /
    "nació", "sql" / "SQL": 11 of the dev set's right hits), and the other features weigh the pair.
    """
    wa, wb = cased_words(a), cased_words(b)
    fa, fb = [fold(w) for w, *_ in wa], [fold(w) for w, *_ in wb]
    both_mark_case = marks_case(a) and marks_case(b)
    plain_a, plain_b = not types_accents(a), not types_accents(b)
    for op, i1, i2, j1, j2 in alignment.opcodes(fa, fb):
        if op != "equal":
            continue
        for (x, x_starts, x_named, _), (y, y_starts, y_named, _) in zip(wa[i1:i2], wb[j1:j2]):
            if x == y:
                continue
            if x.lower() != y.lower():
                own = any(c in _OWN_LETTERS for c in x + y) and not _no_german_letters(x + y, a, b)
                typing = not own and ((plain_a and _unaccented_writer(y, b)) or (plain_b and _unaccented_writer(x, a)))
                if not (typing or _omitted_accent(x.lower(), y.lower())):
                    return True
            elif both_mark_case and not (x_starts or y_starts) and _case_counts(x, y, x_named, y_named):
                return True
    return False


def symbol_swap(a: list[str], b: list[str], unread_a: Counter | None = None, unread_b: Counter | None = None) -> bool:
    """True when each question has a symbol the other lacks (🙂 / 🙃, `*` / `**`, C++ / C#, 5/2 / 5-2, "10 - 3" /
    "10 + 3", "x - 1" / "x + 1"): one symbol put in another's place; or a command-line flag is a bare word on the
    other side ("rm -rf" / "rm rf"); or an operator on one side only among the same words ("^abc$" / "abc", "C++" /
    "C", "5%" / "5": nothing else says what it adds, rule format 26). A symbol on one side only beside another word
    ("15 %" / "15 percent") or an emoji on one side only ("Thanks 🙂" / "Thanks") is a rewording; a sign on one
    side only ("-5" / "5") is a number replaced (`velo.cache.numbers`). `unread_a`, `unread_b`: symbols of `a`, `b` that
    join numbers into one name (`arithmetic.numbered_joins`: "50-30-20" / "50/30/20", a date), left out of the first test."""
    sa, sb = Counter(symbols(a)) - (unread_a or Counter()), Counter(symbols(b)) - (unread_b or Counter())
    sa, sb = Counter(_unquoted(t) for t in sa.elements()), Counter(_unquoted(t) for t in sb.elements())
    return (
        (bool(sa - sb) and bool(sb - sa)) or _flag_dropped(a, set(b)) or _flag_dropped(b, set(a))
        or (_operators(_asked(a)) != _operators(_asked(b)) and _words(a) == _words(b))
    )


def wordless_swap(a: str, b: str) -> bool:
    """True when two texts have no word at all (no letter nor digit of any script: `str.isalnum`) and are written with
    other marks: "???" / "!!!", "?" / "!", "..." / "???", "？" / "！" (nc44: 1.000, served, their tokens both empty). Marks
    compare after NFKC, white space aside and each mark counted once: "???" / "??", "?!" / "!?", "..." / "…" are one
    text. A text with words against one without is the model's to weigh ("??" / "What?")."""
    if any(c.isalnum() for c in a + b):
        return False
    return set(nfkc(a)) - set(" \t\n") != set(nfkc(b)) - set(" \t\n")


_QUOTES_AND_CLOSERS = "'\"’”»)"


def _unquoted(symbol: str) -> str:
    """A symbol token without the prose's closing quotes and bracket glued after it: "[...]')" (the end of "(Don't write
    ... 'as an ai assistant [...]')") is "[...]", as "[...]'" is (recall44: two rewordings of an oasst1 request refused
    at 0.000 as one symbol put in another's place, 6 right pairs of the replay). A ")" is the prose's only right after a
    quote ("')"): ":)" and "f(x)" stay, and so does a quote that opens in the symbol ("'*'")."""
    while symbol[-1:] and symbol[-1] in _QUOTES_AND_CLOSERS and len(symbol) > 2:  # ":')" stays an emoticon
        c = symbol[-1]
        if c == ")" and (symbol.count("(") >= symbol.count(")") or symbol[-2] not in _QUOTES_AND_CLOSERS):
            break  # ":)", "f(x)": a bracket of the symbol; "')": the close of a quoted phrase in brackets
        if c != ")" and symbol.count(c) % 2 == 0:
            break
        symbol = symbol[:-1]
    return symbol


def _asked(toks: list[str]) -> Counter:
    """The symbols of `toks` without an "=" that ends them ("1+2=?" asks what "1+2" asks: oasst1 train) nor a number's
    plus sign ("What is +5 plus 3?": no operand before it, a single letter or a number, changes no number)."""
    toks = toks[:-1] if toks and toks[-1] == "=" else toks
    return Counter(symbols(
        t for i, t in enumerate(toks)
        if not (t == "+" and i + 1 < len(toks) and toks[i + 1][0].isdigit() and not _operand(toks[i - 1] if i else ""))
    ))


def _operand(token: str) -> bool:
    return bool(token) and (token[0].isdigit() or (len(token) == 1 and token.isalpha()))


def _operators(symbols_: Counter) -> Counter:
    """The operators among `symbols_` (a multiset), emoji and other symbols left out."""
    return Counter({t: n for t, n in symbols_.items() if all(c in OPERATORS for c in t)})


def _words(toks: list[str]) -> list[str]:
    """The tokens that are words or numbers, in order."""
    return [t for t in toks if t[0].isalnum()]


def _arithmetic(toks: list[str]) -> bool:
    """Whether `toks` are numbers, operators and function words only ("what is 2 ^ 10", "2 ** 10")."""
    return any(t[0].isdigit() for t in toks) and all(
        t in FUNCTION_WORDS or t[0].isdigit() or all(c in OPERATORS for c in t) for t in toks
    )


def one_power_sign(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """`a` and `b` with "**" written "^" when both are questions of numbers and operators only ("What is 2^10?" /
    "What is 2**10?": one power, rule format 25). Not where a word says more: in code ("2^10 in Python", "x^2" / "x**2")
    "^" may be XOR, and "2^10 in Python" is 8."""
    if not (_arithmetic(a) and _arithmetic(b)):
        return a, b
    return [("^" if t == "**" else t) for t in a], [("^" if t == "**" else t) for t in b]


def _flag_dropped(a: list[str], b: set[str]) -> bool:
    """A command-line flag of `a` written as a bare word in `b` ("rm -rf" / "rm rf", "-v" / "v")."""
    return any(t[0] == "-" and len(t) > 1 and t not in b and t.lstrip("-").lower() in b for t in a)


# Function words: dropping them leaves the words that carry a question's meaning ("content words").
_FUNCTION_WORDS = """
a an the is are was were be been being am do does did doing have has had what whats which who whom whose when where
why how can could would should will shall may might must i me my you your yours we our us he him his she her it its they
them their this that these those there here of in on at to for from by with about as into onto over under than then so if
or and but s t re ll ve d m please tell explain give show let lets know want need like just really some any much many more
most very also get got make one thing things way kind sort well ok okay hey hi hello thanks thank pls mean means
el la los las un una unos unas es son fue era ser estar esta este esto estos estas ese esa eso hay de del al en a por para
con que como cual cuales quien quienes donde cuando cuanto cuantos cuanta cuantas porque y o u e mi mis tu tus su sus yo
me te se le les lo nos puedes puede podrias podria dime decir explica explicame favor hola algo muy mas sobre entre tiene
tienen hacer hace
der die das den dem des ein eine einen einem einer eines ist sind war waren sein bin bist hat haben hatte wird werden was
wie wer wen wem wessen wo wann warum weshalb welche welcher welches welchen wieviel wieviele viele und oder aber im ins an
am auf aus bei mit nach von vom zu zum zur fur uber unter um durch ich du er sie es wir ihr mir dir mich dich uns euch man
mein dein kannst kann konntest konnen bitte erklare erklar sag sage mal gibt denn doch noch schon auch sehr etwas
и в во на с со к ко по о об от до из за для у а но или что чем как какои какая какое какие каков кто где когда почему
зачем сколько ли же бы это этот эта эти тот та те то мне меня мои моя ты тебя твои вы вас ваш он она оно они его ее их мы
нас наш есть был была было были быть можно может могу можешь можете расскажи скажи объясни подскажи пожалуиста такое
такои очень
"""
_FUNCTION_CHARS = "的了是吗呢吧啊呀在有和与及或我你您他她它们这那个么什怎如何请一下能会可以要想给把被对就都也还很最从到为哪谁几嘛样告诉说讲解释里儿"
FUNCTION_WORDS = frozenset(fold(w) for w in _FUNCTION_WORDS.split()) | frozenset(_FUNCTION_CHARS)


def content_words(toks: Iterable[str]) -> list[str]:
    """Tokens that are not function words, cut to six characters (a crude stemmer for inflected languages)."""
    return [t[:6] for t in toks if t not in FUNCTION_WORDS]


_SUFFIXES = sorted(
    """ами ями ого его ому ему ов ев еи ам ям ах ях ом ем ои ью ии ыи ая яя ое ее ые ие ых их ую юю а я о е ы и у ю ь
    ern en er es em os as e n s a o""".split(),
    key=len, reverse=True,
)
"""Inflection endings of nouns and adjectives in ru, de, es and en, longest first (a suffix-stripping stemmer), as
folded: й is read и ("рублей" is the token "рублеи")."""


def one_beginning(x: str, y: str) -> bool:
    """Whether two words share a beginning of at least 3 characters that leaves at most 2 of each: one word in two
    forms ("кошки" / "кошек", "sage" / "sagt", "люблю" / "любит"; not "отлич" / "отличаетс", a noun and its verb).
    `velo.cache.order` reads Russian cases with it, `velo.cache.speaker_roles` a verb agreeing with its subject."""
    n = next((k for k, (c, d) in enumerate(zip(x, y)) if c != d), min(len(x), len(y)))
    return n >= max(3, len(x) - 2, len(y) - 2)


@functools.lru_cache(maxsize=1 << 16)  # a pure function of one token, called ~350 times per pair's vetoes
def stem(token: str) -> str:
    """The token without its longest inflection ending, keeping at least three characters: "долларов" / "доллары"
    / "доллар", "рублей" / "рубли", "Meilen" / "Meile", "millas" / "milla", "miles" / "mile" each share a stem,
    "km" / "miles" do not."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


_Item = TypeVar("_Item")


def by_first_word(items: Iterable[_Item], words: Callable[[_Item], Sequence[str]]) -> dict[str, list[_Item]]:
    """`items` (phrases, or records holding one) by the first of their `words`, in their order: a reader tries at a
    token only the phrases it opens, not every phrase at every token (`question_words`, `variants`: 3.5 million slices
    per 1,500 pairs' vetoes had gone to that)."""
    index: dict[str, list[_Item]] = {}
    for item in items:
        index.setdefault(words(item)[0], []).append(item)
    return index
