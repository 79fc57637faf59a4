"""A main verb in the past on one side and in the present or future on the other, the only difference: "Who wins the
World Cup?" / "Who won ...?", "¿Quién gana / ganó el Mundial?", "¿Quién ganó / ganará ...?", "Wer hat die WM gewonnen?"
/ "Wer wird die WM gewinnen?", "Wer gewinnt / gewann die WM?", "Кто выиграл / выиграет чемпионат мира?", "谁赢了世界杯？" /
"谁会赢世界杯？" (verbs42, a newcomer's finding: "¿Quién gana / ganará ...?" served at 0.977, "Who won / wins ...?" at
0.962, "Wer gewinnt die WM?" / "Wer hat die WM gewonnen?" at 0.965). What was won is not what is or will be won.

`velo.cache.tense` reads auxiliaries and copulas; this module reads the verb itself, where each question's rest (its
words without tense marks: `tense._read`) is the same words but for one, and that one is a form of one verb on each
side (`_tenses`, by language):

- English: a simple past on a side with no tense marks against the present's "-s" on a side with none ("won" / "wins",
  "invented" / "invents"). A bare verb with no auxiliary ("Who win ...?") is the writer's grammar, not a tense; a
  participle after "has" is not read ("What theories has Freeman Dyson defended?" / "... did Freeman Dyson defend?" is
  a labelled right pair).
- Spanish: the preterite, written with its accent ("ganó", "comió"; unwritten, "gano" is also "I earn") or in the
  plural ("ganaron", "comieron"), the imperfect ("ganaba", "comía"), and the perfect ("ha ganado") against the present
  ("gana", "come") or the future ("ganará", "comerá").
- German: the simple past ("gewann", "kaufte", "kostete": a stem in t or d puts "e" before "-te") or a participle after
  "haben" / "sein" ("hat ... gewonnen", "ist ... gestorben") against the present ("gewinnt", "kostet") or an infinitive
  after "werden" ("wird ... gewinnen"). "was" is no auxiliary here: it is "what" ("Was kostet / kostete ein Ticket?",
  nc42: served at 0.992).
- Russian: a past in "-л" ("выиграл", "изобрёл") against a present or perfective future ("выиграет", "выигрывает",
  "изобретёт"), or an infinitive after "будет".
- Chinese (no tense in its verbs): 了 on one side where the other has 会 / 将 / 将会 / 将要 ("谁赢了世界杯？" / "谁会赢世界杯？"),
  nothing else differing.

A present against a future stays served: a present of a main verb speaks of no time in particular or of the time to
come ("Wer gewinnt die WM?" / "Wer wird die WM gewinnen?" 0.987, "¿Quién gana / ganará el Mundial?"), as "do" does for
`tense` ("how much change do I get?" / "... will I get?" is a labelled right pair). A past against a perfect is one
past ("Wer gewann / hat ... gewonnen?", "¿Quién ganó / ha ganado ...?"). Read in the `role_swap` veto by
`velo.cache.features`, through `tense.tense_change`.
"""

from __future__ import annotations

import re
from velo.cache.text import fold, shared_ends
from velo.cache.verb_forms import DE_STRONG, english_past

_ES_ENDINGS = (
    # (folded ending, tense, conjugations it belongs to, whether the text must write it with an accent)
    ("aron", "past", "a", False), ("ieron", "past", "ei", False), ("aban", "past", "a", False),
    ("aba", "past", "a", False),
    ("ian", "past", "ei", True), ("ia", "past", "ei", True), ("io", "past", "ei", True), ("o", "past", "a", True),
    ("aran", "future", "a", False), ("ara", "future", "a", False), ("eran", "future", "e", False),
    ("era", "future", "e", False), ("iran", "future", "i", False), ("ira", "future", "i", False),
    ("an", "present", "a", False), ("a", "present", "a", False), ("en", "present", "ei", False),
    ("e", "present", "ei", False), ("ado", "participle", "a", False), ("ido", "participle", "ei", False),
)
"""Spanish endings of the third person, folded: the preterite, the imperfect, the future, the present, the participle;
"a" is the "-ar" conjugation, "e" / "i" the "-er" / "-ir" ones. An accented ending ("-ó", "-ió", "-ía") is read only
where the text writes the accent: folded, "gano" is also "I earn", "tenia" also "tapeworm"."""
_ES_HABER = frozenset("ha han he has hemos habia habian".split())
"""Spanish "haber" before a participle: the perfect, a past."""

_DE_HABEN = frozenset("hat haben habe hast habt ist sind bin bist seid hatte hatten war waren".split())
"""German auxiliaries of the perfect ("hat ... gewonnen", "ist ... gestorben"): with a participle, a past."""
_DE_WERDEN = frozenset("wird werden wirst werdet werde".split())
_DE_TABLE: dict[str, tuple[str, str]] = {}
"""German strong verbs' forms (`verb_forms.DE_STRONG`), folded -> (stem of the infinitive, "past" / "participle" /
"infinitive")."""
for _entry in DE_STRONG.split(";"):
    _forms = [fold(w) for w in _entry.split()]
    if len(_forms) == 3:
        _stem = _forms[0][:-2] if _forms[0].endswith("en") else _forms[0][:-1]
        for _form, _kind in zip(_forms, ("infinitive", "past", "participle")):
            _DE_TABLE.setdefault(_form, (_stem, _kind))

_RU_PAST = re.compile(r"(.{4,}?)(?:л|ла|ло|ли)")
_RU_NONPAST = re.compile(r"(.{3,}?)(?:ет|ит|ут|ют|ат|ят|ешь|ишь|ем|им|ете|ите)")
_RU_INFINITIVE = re.compile(r"(.{4,}?)(?:ть|ти|чь)")
_RU_FUTURE = frozenset("будет будут буду будешь будем будете".split())

_HAN_FUTURE = ("将会", "将要", "会", "将")
"""Chinese marks of a thing to come, against 了 (done) on the other side."""


def _spanish(word: str, marks: list[str], written: frozenset[str]) -> list[tuple[str, str, str]]:
    """The readings (stem, tense, conjugations) of a folded Spanish word on a side whose tense marks are `marks`."""
    out = []
    for ending, tense, conj, accent in _ES_ENDINGS:
        stem = word[: -len(ending)]
        if not word.endswith(ending) or len(stem) < 3:
            continue
        if accent and not any(w.endswith(("ó", "ía", "ían")) and fold(w) == word for w in written):
            continue
        if tense == "participle":
            tense = "past" if marks and set(marks) <= _ES_HABER else ""  # "ha ganado", "había ganado"
        elif marks:
            continue  # another tense mark on the side: not a verb read alone
        if tense:
            out.append((stem, tense, conj))
    return out


def _german(word: str, marks_words: list[str]) -> list[tuple[str, str]]:
    """The readings (stem, tense) of a folded German verb form on a side whose tense marks are `marks_words` ("gewinnt"
    is a present of "gewinnen" or a participle of "winnen": both are read, and the stem tells them apart)."""
    kinds = [_DE_TABLE[word]] if word in _DE_TABLE else []
    if not kinds:
        if word.startswith("ge") and word.endswith("t") and len(word) >= 6:
            kinds.append((word[2:-2] if word.endswith("et") else word[2:-1], "participle"))
        if word.endswith("en") and len(word) >= 5:
            kinds.append((word[:-2], "infinitive"))
        elif word.endswith(("te", "ten")) and len(word) >= 6:
            stem = word[: -2 if word.endswith("te") else -3]
            kinds.append((stem, "past"))
            if stem.endswith("e") and stem[-2:-1] in ("t", "d"):
                kinds.append((stem[:-1], "past"))  # "kostete", "redete": an "e" after a stem's t or d
        elif word.endswith("t") and len(word) >= 5:
            kinds.append((word[:-2] if word.endswith("et") else word[:-1], "present"))
    aux, out = set(marks_words) - {"was"}, []  # "was" is German "what" ("Was kostete ...?"), never an auxiliary
    for stem, kind in kinds:
        if kind == "participle":
            tense = "past" if aux and aux <= _DE_HABEN else ""
        elif kind == "infinitive":
            tense = "future" if aux and aux <= _DE_WERDEN else "present" if not aux else ""
        else:
            tense = kind if not aux else ""
        if tense:
            out.append((stem, tense))
    return out


def _russian(word: str, marks_words: list[str]) -> tuple[str, str] | None:
    if (m := _RU_PAST.fullmatch(word)) and not marks_words:
        return m.group(1), "past"
    if (m := _RU_NONPAST.fullmatch(word)) and not marks_words:
        return m.group(1), "present"
    if (m := _RU_INFINITIVE.fullmatch(word)) and marks_words and set(marks_words) <= _RU_FUTURE:
        return m.group(1), "future"
    return None


def _russian_stems(x: str, y: str) -> bool:
    """One Russian verb: a shared beginning of four letters at least, all of the shorter stem but for its last three
    ("выигра-л" / "выигра-ет", "выигр-ал" / "выигр-ывает", "изобре-л" / "изобрете-т")."""
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return n >= 4 and n >= min(len(x), len(y)) - 3


def _past_against_other(x: str, y: str, mx: list[str], my: list[str], written: frozenset[str]) -> bool:
    """Whether `x` and `y` (folded words, the one differing word of each side) are one verb, a past on one side and
    a present or future on the other; `mx`, `my`: each side's tense-mark words."""
    if not mx and not my and x.isascii() and y.isascii():
        for past, present in ((x, y), (y, x)):  # English "won" / "wins", "invented" / "invents"
            bases = [present[:-1]] * present.endswith("s") + [present[:-2]] * present.endswith("es")
            bases += [present[:-3] + "y"] * present.endswith("ies")
            if any(english_past(past, b) for b in bases if not b.endswith("s")):
                return True
    tenses = set()
    for sx in _spanish(x, mx, written):
        for sy in _spanish(y, my, written):
            if sx[0] == sy[0] and set(sx[2]) & set(sy[2]):
                tenses.add(frozenset((sx[1], sy[1])))
    tenses.update(frozenset((gx[1], gy[1])) for gx in _german(x, mx) for gy in _german(y, my) if gx[0] == gy[0])
    rx, ry = _russian(x, mx), _russian(y, my)
    if rx and ry and _russian_stems(x, y):
        tenses.add(frozenset((rx[1], ry[1])))
    return any("past" in t and len(t) == 2 for t in tenses)


def _one_each(a: list[str], b: list[str]) -> tuple[int, int] | None:
    """The index of the one word of `a` and the one of `b` whose removal leaves the same words in the same order
    (the verb may stand elsewhere: "Wer gewinnt die WM?" / "Wer hat die WM gewonnen?"), else None. Read in the stretch
    where the lists differ (`text.shared_ends`), of eight words at most: a verb moves within its clause."""
    if len(a) != len(b) or a == b:
        return None
    start, end = shared_ends(a, b)
    wa, wb = a[start : len(a) - end], b[start : len(b) - end]
    if len(wa) != len(wb) or len(wa) > 8:
        return None
    for i in range(len(wa)):
        rest = wa[:i] + wa[i + 1 :]
        for j in range(len(wb)):
            if wa[i] != wb[j] and wb[:j] + wb[j + 1 :] == rest:
                return start + i, start + j
    return None


def main_verb_change(tq: list[str], tc: list[str], rq: list[str], rc: list[str], wq: list[str], wc: list[str],
                     written: frozenset[str] = frozenset()) -> bool:
    """True when two questions are the same words but for one main verb, a past on one side against a present or
    future on the other (module docstring), or, in Chinese, 了 against 会 / 将. `tq`, `tc`: the token lists
    (`text.tokens`); `rq`, `rc`: their rests (`tense._read`); `wq`, `wc`: each side's tense-mark words; `written`:
    the two texts' words as written, lowercased (the Spanish preterite's accent)."""
    if (ij := _one_each(rq, rc)) is not None:
        x, y = rq[ij[0]], rc[ij[1]]
        if len(x) >= 3 and len(y) >= 3 and _past_against_other(x, y, wq, wc, written):
            return True
    return _han_done_against_future(tq, tc) or _han_done_against_future(tc, tq)


def _han_done_against_future(done: list[str], future: list[str]) -> bool:
    """Whether `done` is `future` with 了 after its verb in the place of a future mark before it (`_HAN_FUTURE`)."""
    if done.count("了") != 1 or "了" in future:
        return False
    without = [t for t in done if t != "了"]
    for mark in _HAN_FUTURE:
        for at in range(len(future)):
            if "".join(future[at : at + len(mark)]) == mark and future[:at] + future[at + len(mark) :] == without:
                return True
    return False
