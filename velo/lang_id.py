"""The language of a question that does not state one, so the cache compares it only with entries of its language.

py3langid (langid.py's maintained fork: a naive Bayes over byte n-grams, its model inside the wheel, numpy only, no
pickle) ranks the candidate `languages`; the answer is the best one's ISO 639-1 code when its probability (normalized
over the candidates) is at least `min_probability`, else "und" (undetermined). An "und" question is written back as
"und"; the cache, given this identifier, matches "und" on either side as the question's best guess (`Identified.guess`,
the one it was unsure of: `SemanticCache.search`), so an unsure question finds and is found by questions of the
language it most probably is, and never one of another language. Of the 31 questions "und" at 0.8 in the bundled sample
and the shared paraphrases, 27 have their own language as the best guess (`benchmarks/lang_id_accuracy.py` at 0.0).

A language written in several scripts (`velo.scripts.SCRIPTS`) is identified with the script of the question's letters:
"zh-Hant" for a question in Traditional characters, "zh-Hans" for one in Simplified, bare "zh" for one written alike in
both ("北京的人口是多少"), which the cache reads as Simplified (CLDR's likely script for zh); "sr-Latn" / "sr-Cyrl" when
Serbian is a candidate. The cache tells the scripts apart, so a question in Traditional characters is served answers
cached for Traditional ones.

Accuracy and time per question on the bundled sample and the shared paraphrases, per language:
`benchmarks/lang_id_accuracy.py` (figures in the README's serving section).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from velo.control_chars import undrawn_removed
from velo.scripts import written_script

UNDETERMINED = "und"
"""BCP 47 / ISO 639-2 "undetermined": what an unsure identification and a request without a language are stored as."""

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "zh", "es", "ru", "de", "fr", "pt", "it", "ja", "ko")
"""Candidates by default: the five languages of the team's data (oasst1's largest) and the next five of oasst1.
A short question has too few n-grams to tell 97 languages apart ("Capital of Germany?" ranks Bikol first among
all of py3langid's); among these ten it is English."""


EDGE_MIN_PROBABILITY = 0.8
"""The edge server's default `min_probability` (`VELO_EDGE_LANG_MIN_PROBABILITY`; why 0.8: `services/edge.py`)."""

IDENTIFIABLE = frozenset(
    """af am an ar as az ba be bg bn br bs ca cs cy da de dz el en eo es et eu fa fi fo fr fy ga gd gl gu ha he hi hr ht hu
    hy id ig is it ja jv ka kk km kn ko ku ky la lb lg ln lo lt lv mg mk ml mn mr ms mt my ne nl nn no oc om or pa pl ps pt
    qu ro ru rw sa se si sk sl sn so sq sr st sv sw ta te tg th tk tl tr tt ug uk ur uz vi vo wa xh yo zh zu""".split()
)
"""The candidates an identifier may be given: the languages of py3langid's model (its `nb_classes`, checked by
tests/test_lang_id.py) that are ISO 639-1 codes the cache accepts (its "yue", "wuu", "ary", ... are not). A script is no
candidate ("zh-Hant"): the identifier adds the script it sees."""


def check_candidates(languages: object) -> tuple[str, ...]:
    """`languages` as a tuple when it is a non-empty list of distinct `IDENTIFIABLE` codes; else ValueError saying why
    (read without loading the model, ~1-5 s, so settings refuse a bad list before a server starts)."""
    if isinstance(languages, (str, bytes)) or not isinstance(languages, (list, tuple)) or not languages:
        raise ValueError(f"must be a non-empty list of language codes, like en,zh (got {languages!r})")
    unknown = [c for c in languages if c not in IDENTIFIABLE]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r} is not a language the identifier knows: give ISO 639-1 codes of py3langid's model "
            f"without script or region ({', '.join(sorted(IDENTIFIABLE))})"
        )
    if len(set(languages)) != len(languages):
        raise ValueError(f"lists a language twice: {list(languages)}")
    return tuple(languages)


def compatibility_letters_folded(text: str) -> str:
    """`text` with each letter or number in a compatibility form written as NFKC writes it: full-width Latin and
    digits ("Ｗｈａｔ" -> "What", "３" -> "3"), half-width katakana, ligatures ("ﬁ" -> "fi"), "㎞" -> "km", "①" -> "1"; and
    full-width punctuation and spaces after a letter or digit of a spaced script ("python？" -> "python?", the
    ideographic space between "What" and "is").

    py3langid reads UTF-8 byte n-grams, and a full-width letter is three bytes as a CJK character is: "Ｗｈａｔ ｉｓ
    ｐｙｔｈｏｎ？" was "und" with best guess zh (0.72), so the cache searched it among Chinese entries and found no neighbour
    at all (the lookup's similarity None) although its tokens and embeddings are those of "What is python?"; "Что такое
    Ｐｙｔｈｏｎ？" was zh, sure. Punctuation after a CJK character keeps its width: a Chinese "？" or "！" tells Chinese
    ("嗨！" is zh at 0.81, "嗨!" at 0.38; folding every character by NFKC made 6 of the 8,859 texts of the labelled pairs
    unsure; this folding changes 2 of them: "WLAN？" is unsure either way, best guess en (0.18) for zh (0.49), and a
    Chinese prompt full of English tags is zh at 0.69 for 0.83, unsure, its best guess still zh)."""
    out: list[str] = []
    last = ""
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        if ch in _HALF_WIDTH_MARKS and out:  # "ﾋﾟ" is "ピ": the mark joins the kana before it
            out[-1] = unicodedata.normalize("NFKC", out[-1] + ch)
            continue
        if folded != ch and (folded.isalnum() or (last.isalnum() and ord(last) < _CJK_START)):
            ch = folded
        out.append(ch)
        if ch.strip():
            last = ch[-1]
    return "".join(out)


_HALF_WIDTH_MARKS = "\uff9e\uff9f"
"""The half-width voiced and semi-voiced sound marks, which NFKC composes with the kana before them."""
_CJK_START = 0x2E80
"""The first code point of the CJK radicals: letters below it are of spaced scripts (Latin, Greek, Cyrillic, ...)."""


@dataclass(frozen=True)
class Identified:
    lang: str
    """ISO 639-1 code ("zh-Hant" / "zh-Hans" when the characters show the script), or "und" when `probability` is below
    the identifier's `min_probability`."""
    best: str
    """The most probable candidate, kept even when unsure (for diagnostics)."""
    guess: str
    """`best` with the script its letters show, as `lang` would be if sure ("zh-Hant"; "en"): what the cache matches an
    "und" question as (`SemanticCache.search`)."""
    probability: float
    """The best candidate's probability among the candidates, in [0, 1]."""


class LanguageIdentifier:
    """`identify(text)` -> `Identified`; one per edge server (the model is ~1 s to load, ~50 MB in memory).

    Raises ValueError for a candidate not in `IDENTIFIABLE` or `min_probability` outside [0, 1]."""

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES, min_probability: float = 0.9) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier as _Model

        if not 0.0 <= min_probability <= 1.0:
            raise ValueError(f"min_probability must be in [0, 1], got {min_probability}")
        try:
            languages = check_candidates(list(languages) if isinstance(languages, tuple) else languages)
        except ValueError as err:
            raise ValueError(f"languages {err}") from None
        self._model = _Model.from_model_file(MODEL_FILE, norm_probs=True)
        self._model.set_languages(list(languages))
        self.languages, self.min_probability = tuple(languages), min_probability

    def identify(self, text: str) -> Identified:
        text = compatibility_letters_folded(undrawn_removed(text))  # `UNDRAWN`: no evidence of a language
        best, probability = self._model.classify(text)
        best, probability = str(best), float(probability)
        script = written_script(text, best)
        guess = f"{best}-{script.title()}" if script else best
        return Identified(guess if probability >= self.min_probability else UNDETERMINED, best, guess, probability)
