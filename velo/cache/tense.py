"""A question asked in another tense: "Was Python faster than Java?" / "Is Python faster than Java?", "What was the
capital of Germany?" / "What is the capital of Germany?", "Will Brazil win the World Cup?" / "Did Brazil win the World
Cup?", "¿Era Python más rápido que Java?" / "¿Es ...?", "War Python schneller als Java?" / "Ist ...?", "Python был
быстрее Java?" / "Python быстрее Java?" (after rule format 32, a newcomer's finding: served at 0.940; 0.986 with the
answer "the answer to {cached}"). The answer about then is not the answer about now.

`tense_change` reads the kind where the tense is the only difference: each question read as its tense marks
(`_MARKS`: auxiliaries and copulas of the present, the past, the future) and the rest; the rest the same words, the marks
of another tense. So a future written in two words is read ("Who will be the president of France?" / "Who is ...?",
"Will Bitcoin be banned?" / "Is Bitcoin banned?", "Wer wird Präsident sein?", "¿Quién va a ser ...?"; the infinitive
"be", "sein", "ser", "estar" after a future mark is part of it), and so is Russian, which has no present copula and puts
the noun after a past or future one in the instrumental ("Кто президент Франции?" / "Кто был президентом Франции?",
"Плутон планета?" / "Плутон был планетой?": `_instrumental`). The other tense's marks may differ in number: "¿Es esta la
casa?" / "¿Es la casa?" has only present marks, and no tense changed.

A future against a present is the same question where the present already speaks of the future or of no time in
particular (lk41: "how much change do I get?" / "... will I get?" is a labelled right pair): against the generic present
of "do" ("How long does it take?" / "How long will it take?", "How much does it cost?"), in a question that names a time
to come, a condition or a number (`_FUTURE_READ`: "tomorrow", "next", "future", "if", "when"; a number in digits, a
year or an operand, "Сколько будет 2+2?": "What is the
weather tomorrow?" / "What will the weather be tomorrow?", "What is the future of AI?" / "What will be the future of
AI?"), not vetoed. A past against any other tense is always another question.

A tense changed beside a light rewording is read too (`reworded_tense_change`; after format 33, a newcomer's finding,
nc42: "Who is the CEO of Twitter?" / "Who was Twitter's CEO?" 0.999, "Wer ist der Kanzler von Deutschland?" / "Wer war
Deutschlands Kanzler?" 0.999, "谁是法国总统？" / "法国总统以前是谁？" 0.979): each short question's copula or auxiliaries read on
their own as one tense (`_main_tense`; a perfect, "has" + participle, "hat ... verraten", "ist ... gefallen", is none),
and the rest the same words in any order but for articles, a possessive's words and words of then and now ("formerly",
"früher", "antes", "раньше"; a German genitive, a Russian instrumental); "ever" is one of them, and a perfect asked
with it a past (a newcomer's finding, nc43: "Is Pluto a planet?" / "Was Pluto ever a planet?" 0.996, "Has Pluto ever
been a planet?", "¿Fue Plutón alguna vez ...?", "War Pluto jemals ...?", "Плутон когда-либо был планетой?"). Other differences besides are left to the
model: another verb or noun for the same fact is no tense of it ("Where was Lionel Messi born?" / "What is Lionel
Messi's birthplace?", "Who wrote Hamlet?" / "Who is the author of Hamlet?", "В каком году произошло / было крещение
Руси?", labelled right pairs or rewordings the model serves; in the labelled pairs outside dev, a tense read on each side
with one word more or changed flags right pairs, /work/scratch/tense43/wide.py). A first one asked in the past or the
present is one question, and so is the maker of a thing made ("Who was / is the first president of the US?", "Who
was / is the founder of Microsoft?": `_FIRST`); the last one is not (it may be the one in office).

A main verb is read in one case only here (`_past_verbs`): an English simple past on a side with no tense marks, or a
participle after a perfect's "has" / "have", against "will" or "do" and the bare verb ("Who invented the telephone?" /
"Who will invent the telephone?", "Has the UK left the EU?" / "Will the UK leave the EU?"); `velo.cache.verb_tenses`
reads the others. A participle after "has" against "did" is one past ("What theories has Dyson defended?" / "... did
Dyson defend?" is a labelled right pair). German "was" beside a German word is "what" and English "war" beside an
English word the noun (`_no_marks`: "Was kostet / kostete ein Ticket?" was read as two English pasts, 0.992); Russian
становиться is a copula of its own tenses ("Кто стал президентом?" / "Кто президент?" 0.996).

Chinese marks no tense in its verbs: a word of the past put in is read (`_HAN_PAST`: "以前", "曾经"), and two aspect
marks put in where nothing else differs: 过, that the thing has been done ever ("你去北京吗" / "你去过北京吗", are you
going / have you been), and 了 before the question's 吗 or 没(有), that it is done ("他走吗" / "他走了吗", is he leaving / has he
left). Not 会 ("明天下雨吗" / "明天会下雨吗" is one question: 明天 says the time already; "他会游泳吗" is "can he swim"), nor 了 in
a statement before the question ("我失恋了怎么办" / "我失恋怎么办"). A word of the past moved with the rest is read in any order
(`_han_past_moved`: "法国总统以前是谁？" / "谁是法国总统？"), and 了 after the verb or after its object before 吗 is one aspect
(`han_done_moved`, read as the same words by `velo.cache.features`: "你吃了饭吗" / "你吃饭了吗"). Read in the `role_swap` veto
by `velo.cache.features`.
"""

from __future__ import annotations

from collections import Counter

import re

from velo.cache.text import FUNCTION_WORDS, fold, shared_ends
from velo.cache.verb_forms import english_past
from velo.cache.verb_tenses import main_verb_change

_MARKS = {
    "present": """
        is are am has have isn aren hasn haven s re m ve
        es son eres soy somos esta estan estas estoy estamos hay ha han hemos tiene tienen tenemos va van
        ist sind bin bist seid hat haben habe hast habt gibt
        является являются есть становится становятся
    """,
    "generic": "do does don doesn",
    "past": """
        was were did had wasn weren didn hadn
        era eran eras eramos fue fueron fui fuiste fuimos estaba estaban estabamos estuvo estuvieron habia habian hubo
        tenia tenian teniamos tuvo tuvieron iba iban
        war waren warst wart hatte hatten hattest wurde wurden wurdest gab
        был была было были являлся являлась являлось являлись стал стала стало стали
    """,
    "future": """
        will shall ll
        sera seran seras seremos estara estaran estaremos habra habran tendra tendran tendremos
        wird werden wirst werdet werde
        будет будут буду будешь будем будете станет станут стану станешь станем станете
    """,
}
"""Auxiliaries and copulas by the tense they mark (folded: "está" is "esta", "había" is "habia"), en / es / de / ru.
"generic" is English "do" of the present, which speaks of no time in particular. English contractions as tokens
write them ("who's": "s", "you're": "re", "I'll": "ll"; a possessive "s" is no tense of its own, and a present mark
alone never makes a change). Not the modals ("would", "can"), which stay among the words, nor "won't" ("won" is a
past)."""
_TENSE_OF = {fold(w): tense for tense, words in _MARKS.items() for w in words.split()}
_INFINITIVES = frozenset("be sein ser estar".split())
"""The copula's infinitive, part of a future written in two words ("will be", "wird ... sein", "va a ser")."""
_GOING = frozenset("va van vas voy vamos".split())
"""Spanish "ir" of the present, a future before "a" and an infinitive ("va a ser", "van a estar")."""

_FUTURE_READ = frozenset(
    fold(w) for w in """
        tomorrow tonight next soon later future upcoming coming if when
        mañana próximo próxima próximos próximas futuro pronto luego si cuando
        morgen nächste nächsten nächster nächstes bald zukunft künftig später wenn falls wann
        завтра скоро будущем будущее будущего позже если когда
    """.split()
)
"""Words that put a present question in the future or in no time ("What is the weather tomorrow?", "If I drop a ball,
is it going to fall?", "When is Easter?"): there a future is the same question."""
_FUTURE_READ_STEMS = ("следующ", "nachst")

_NOMINATIVE = ("", "а", "я", "о", "е", "ы", "и", "ь", "ыи", "ии", "ои", "ая", "яя", "ое", "ее", "ые", "ие")
_INSTRUMENTAL = ("ом", "ем", "ои", "еи", "ою", "ею", "ью", "ым", "им", "ами", "ями", "ыми", "ими")
"""Russian endings of the nominative and the instrumental, nouns and adjectives (folded: "й" is "и")."""

_HAN_PAST = frozenset("以前 曾经 曾 过去 从前 当年 那时 当时 过".split())
"""Chinese words that put a question in the past, put in where the other has none ("Python以前比Java快吗？" / "Python比Java快吗？",
"你去过北京吗" / "你去北京吗"): Chinese has no tense of its verbs."""
_HAN_DONE_BEFORE = frozenset("吗 么 没 嘛".split())
"""What 了 stands before when it marks the question's verb done ("他走了吗", "你吃了没有")."""
_HAN_ASPECTS = frozenset("了 过".split())
"""Chinese marks that the thing is done: one put in beside the other adds nothing ("你吃过饭了吗" / "你吃饭了吗", have you
eaten)."""

_PERFECT = frozenset("has have hasn haven ve ha han hemos".split())
"""English and Spanish "have" as the perfect's auxiliary: with a participle it speaks of a past ("Has the UK left the
EU?", "¿Ha salido ...?")."""
_HABEN = frozenset("hat haben habe hast habt".split())
"""German "haben" of the present, most often a perfect's auxiliary ("Hat Brutus Caesar verraten?" is a past, as "Wurde
Caesar von Brutus verraten?"): a question with it has no one tense to read."""
_RU_PAST = re.compile(r".{3,}(?:л|ла|ло|ли)")
"""A Russian past of a main verb ("произошло", "крестил"): beside it, a question with no copula is no present."""
_S_IS = frozenset(
    "who what where when why how which it that there here he she this everything everyone nobody someone".split()
)
"""Words after which "'s" is "is" ("who's", "it's"); elsewhere it is a possessive ("Twitter's")."""
_FIRST = frozenset(
    fold(w) for w in """
        first primer primera primero erste ersten erster erstes первый первая первое первым первой первого первыми
        founder founders inventor inventors author authors painter composer discoverer creator
        fundador fundadores fundadora inventora autor autora autores pintor compositor descubridor creador
        gründer gründerin erfinder erfinderin autorin maler komponist komponisten entdecker schöpfer
        основатель основателем основателя изобретатель изобретателем изобретателя автор автором автора композитор
        композитором создатель создателем
    """.split()
)
"""A first one, or the maker of a thing made: who held it then holds it now ("Who was / is the first president of the
US?", "¿Quién fue / es el primer presidente ...?", "Кто был первым / первый президент США?", "Who was / is the founder
of Microsoft?", "Wer war / ist der Erfinder des Telefons?"). Not "last", nor an office held ("CEO", "president")."""
_WHO_WHAT = frozenset(fold(w) for w in "who what which quién quiénes qué cuál cuáles wer was welche welcher welches кто что какой какая какое".split())
_SHORT = 12
"""The most tokens of a question read by `reworded_tense_change`: a question alone, not a story in one tense around a
question in another."""
_LIGHT = frozenset(
    fold(w) for w in """
        the a an of s
        el la los las lo un una de del
        der die das den dem des ein eine einen einem einer eines von vom
        ли
    """.split()
)
"""Articles, the words of a possessive and the Russian question particle ("Был ли Плутон планетой?"), which a light rewording puts in or takes out ("the CEO of Twitter" /
"Twitter's CEO", "el presidente de Francia" / "presidente de Francia", "der Kanzler von Deutschland" / "Deutschlands
Kanzler")."""
_EVER_ONE = frozenset("ever jemals je".split())
""""Ever" in one token, a word of then and now (`_THEN_NOW`) that also makes a perfect a past (`_main_tense`)."""
_THEN_NOW = frozenset(
    fold(w) for w in """
        formerly previously once before earlier then now currently current today nowadays
        antes anteriormente antiguamente entonces ahora actualmente actual hoy
        früher vorher damals einst ehemals jetzt aktuell aktuelle aktueller aktuellen derzeit derzeitige derzeitiger heute
        раньше прежде тогда сейчас теперь сегодня нынешний нынешнии нынешнего нынешним текущий
    """.split()
) | _EVER_ONE
"""Words of then and now, which say the tense again beside a copula ("Who was formerly the CEO?", "Wer war früher
Kanzler?", "¿Quién era antes ...?", "Кто раньше был ...?", "Wer ist der aktuelle Kanzler?"). Not "former" / "ehemalige",
which ask of the past in the present ("Who is the former CEO?" / "Who was the CEO?"). And "ever", which asks the
past whole ("Is Pluto a planet?" / "Was Pluto ever a planet?", "War Pluto jemals ein Planet?"; nc43: served at 0.996;
two words in Spanish and Russian, `_EVER`)."""
_EVER = (("alguna", "vez"), ("когда", "либо"), ("когда", "нибудь"))
""""Ever" in two tokens: "alguna vez", "когда-либо", "когда-нибудь" (`text.tokens` splits at the hyphen)."""
_BEEN = frozenset("been sido gewesen".split())
"""The copula's participle, part of a perfect asked with "ever" ("Has Pluto ever been a planet?")."""
_HAN_NOW = frozenset("现在 目前 当前 如今 现任".split())
"""Chinese words of now, against a word of the past on the other side ("现在谁是总统" / "以前谁是总统")."""


_GERMAN = frozenset(
    fold(w) for w in """
        ist sind bist seid gibt waren wurde wurden wird werden wirst hatte hatten der das dem des ein eine einen einem
        einer eines wie wer wann warum ich du nicht und von vom mit für über auf zum zur kann sich
    """.split()
)
"""German words no English question holds: beside one of them "was" is German "what", no past ("Was kostet ein
Ticket?", "Was war Deutschlands Hauptstadt?"; nc42: "Was kostet / kostete ein Ticket?" was read as two English pasts
and served at 0.992), nor before "war" ("Was war ...?"). Not "war", "hat", "die", "man", "den", which English writes
too."""
_ENGLISH = frozenset("the a an of to in it you is are did does do will has have be".split())
"""English words no German question holds: beside one of them "war" is the noun, no past ("Has the war ended?")."""


def _no_marks(toks: list[str]) -> set[str]:
    """The words of `_MARKS` that are no marks in this question: German "was" and English "war" (`_GERMAN`,
    `_ENGLISH`)."""
    out = set()
    if "was" in toks and (not _GERMAN.isdisjoint(toks) or "war" in toks[toks.index("was") + 1 :][:1]):
        out.add("was")
    if "war" in toks and not _ENGLISH.isdisjoint(toks):
        out.add("war")
    return out


_EN_BE = frozenset("is are am s re m".split())
"""English "be" of the present before "going to", a future with the verb after it ("Who is going to win?", nc44: served
at 0.975 against "Who won?", where "Who will win?" was refused)."""


def _going_to(toks: list[str], i: int) -> int | None:
    """Where "going" stands when `toks[i:]` opens with "is / are / am", up to two words of a subject ("is it", "is the
    price"), then "going to" and a verb (a word that is no function word, or "be": "going to win", "going to be"; not
    "going to the store", a place gone to); else None."""
    if toks[i] not in _EN_BE:
        return None
    for going in range(i + 1, min(i + 4, len(toks) - 2)):
        if toks[going] == "going" and toks[going + 1] == "to":
            verb = toks[going + 2]
            return going if verb == "be" or verb not in FUNCTION_WORDS else None
    return None


def _read(toks: list[str]) -> tuple[list[str], Counter]:
    """The tokens without their tense marks (`_MARKS`; a future's infinitive, `_INFINITIVES`), and the marks' tenses.
    German "was" ("what", beside a word of `_GERMAN`) and English "war" (beside a word of `_ENGLISH`) are no marks."""
    tenses: Counter = Counter()
    rest: list[str] = []
    words = _no_marks(toks)
    i = 0
    while i < len(toks):
        t = toks[i]
        if t in words:
            rest.append(t)
            i += 1
            continue
        if t in _GOING and i + 2 < len(toks) and toks[i + 1] == "a" and toks[i + 2].endswith(("ar", "er", "ir")):
            tenses["future"] += 1  # "va a ser": the infinitive is read next
            i += 2
            continue
        if (going := _going_to(toks, i)) is not None:
            tenses["future"] += 1  # "is going to win", "is it going to rain": the subject kept, the infinitive read next
            rest += toks[i + 1 : going]
            i = going + 2
            continue
        if (tense := _TENSE_OF.get(t)) is not None:
            tenses[tense] += 1
        else:
            rest.append(t)
        i += 1
    if tenses["future"]:
        rest = [t for t in rest if t not in _INFINITIVES]
    return rest, tenses


def _instrumental(x: str, y: str) -> bool:
    """Whether two Russian words are one word in the nominative and the instrumental ("президент" / "президентом",
    "планета" / "планетой", "самый" / "самым"), the stem of three letters at least."""
    for nom, ins in ((x, y), (y, x)):
        for ending in _INSTRUMENTAL:
            stem = ins[: -len(ending)]
            if ins.endswith(ending) and len(stem) >= 3 and "а" <= stem[0] <= "я" and nom[len(stem) :] in _NOMINATIVE and nom.startswith(stem):
                return True
    return False


def _past_verbs(a: list[str], b: list[str], ma: Counter, mb: Counter, wa: list[str], wb: list[str]) -> tuple[int, int] | None:
    """None where the rests `a`, `b` (`_read`) are not the same words; else how many English main verbs in the past
    each has where the other has the bare verb after "will" or "do" ("Who invented the telephone?" / "Who will invent
    ...?": 1, 0), read on a side with no tense marks of its own or with a perfect's "has" / "have" alone (`wa`, `wb`:
    each side's mark words; "Has the UK left the EU?" / "Will the UK leave the EU?": a past against a future). A
    participle after "has" against "did" is one past ("What theories has Dyson defended?" / "... did Dyson defend?",
    a labelled right pair): "did" is neither "will" nor "do". A Russian nominative against its instrumental is the same
    word (`_instrumental`)."""
    if len(a) != len(b):
        return None
    pa = pb = 0
    bare_a, bare_b = not ma or set(wa) <= _PERFECT, not mb or set(wb) <= _PERFECT
    for x, y in zip(a, b):
        if x == y or _instrumental(x, y):
            continue
        if bare_a and (mb["future"] or mb["generic"]) and english_past(x, y):
            pa += 1
        elif bare_b and (ma["future"] or ma["generic"]) and english_past(y, x):
            pb += 1
        else:
            return None
    return pa, pb


def _future_read(toks: list[str]) -> bool:
    return any(t in _FUTURE_READ or t.startswith(_FUTURE_READ_STEMS) or t.isdigit() for t in toks)


def _han_aspect(tq: list[str], tc: list[str]) -> bool:
    """Whether one list is the other with a Chinese word of the past (`_HAN_PAST`) put in, or 了 before 吗 / 没; not 过
    or 了 where the other list has one of them (`_HAN_ASPECTS`)."""
    start, end = shared_ends(tq, tc)
    dq, dc = tq[start : len(tq) - end], tc[start : len(tc) - end]  # where they differ
    if dq and dc:
        return False
    put_in, after = "".join(dq or dc), (tq if dq else tc)[start + len(dq or dc) :]
    if put_in in _HAN_ASPECTS and _HAN_ASPECTS.intersection(tq if dc else tc):
        return False  # the other mark of a thing done is there already
    return (put_in in _HAN_PAST) or (put_in == "了" and bool(after) and after[0] in _HAN_DONE_BEFORE)


def _mark_words(toks: list[str]) -> list[str]:
    """The tense marks of a token list (`_MARKS`), as written there."""
    words = _no_marks(toks)
    return [t for t in toks if t in _TENSE_OF and t not in words]


def _fixed_first(changed: Counter, rest: list[str]) -> bool:
    """Whether a past against a present asks who or what is a first one or a maker (`_FIRST`, the rest `rest`
    beginning with a word of `_WHO_WHAT`), which stays so: "Who was / is the first president of the US?", "Who was / is
    the founder of Microsoft?" are one question each; "Is / Was the author alive?" asks of the person, not who it is."""
    return set(changed) <= {"past", "present"} and bool(rest) and rest[0] in _WHO_WHAT and not _FIRST.isdisjoint(rest)


def tense_change(tq: list[str], tc: list[str], request: str = "", cached: str = "") -> bool:
    """True when two token lists (`text.tokens`) are the same question in two tenses: the same words but for their
    tense marks (`_read`; a Russian noun in the nominative against the instrumental after a copula, `_instrumental`),
    and a past on one side only ("was" / "is", "era" / "es", "war" / "ist", "был" / -), or a future on one side only
    against a present that speaks of now ("will be" / "is", "será" / "es", "wird ... sein" / "ist", "будет" / -; not
    against "do", nor where `_FUTURE_READ` reads a time to come); not a past against a present of a first one
    (`_fixed_first`); or the same content reworded around two tenses (`reworded_tense_change`); or, in Chinese, the same
    characters but for a word of the past or an aspect mark put in (`_han_aspect`, `_han_past_moved`); or the same
    words but for one main verb, a past on one side against a present or future on the other
    (`velo.cache.verb_tenses`; `request`, `cached`: the texts as written, where a Spanish preterite's accent is read)."""
    if tq == tc:
        return False
    if reworded_tense_change(tq, tc) or _han_past_moved(tq, tc) or _han_past_moved(tc, tq):
        return True
    if abs(len(tq) - len(tc)) > 3:
        return False
    rq, mq = _read(tq)
    rc, mc = _read(tc)
    if (verbs := _past_verbs(rq, rc, mq, mc, _mark_words(tq), _mark_words(tc))) is not None:
        mq, mc = mq + Counter(past=verbs[0]), mc + Counter(past=verbs[1])
    if mq != mc and verbs is not None:
        changed = (mq - mc) + (mc - mq)
        if changed["past"] and not _fixed_first(changed, rq):
            return True
        if changed["future"] and not (mq["generic"] or mc["generic"] or _future_read(tq) or _future_read(tc)):
            return True
    written = frozenset(re.findall(r"\w+", (request + " " + cached).lower()))
    return _han_aspect(tq, tc) or main_verb_change(tq, tc, rq, rc, _mark_words(tq), _mark_words(tc), written)


def _main_tense(toks: list[str]) -> tuple[str | None, list[str]]:
    """The tense of a short question's copula or auxiliaries (`_MARKS`: "present", "generic", "past", "future"), None
    where its marks hold two tenses, where a present is a perfect's ("has", "ha", German "haben", or a participle by its
    form: a present of a past) or where it has none (but a Russian question with no past verb is in the present: Russian
    has no present copula); and its rest (`_read`). An English possessive "'s" is no mark
    ("Twitter's CEO"): "'s" is "is" only after a pronoun or a question word (`_S_IS`)."""
    rest, marks = _read(toks)
    possessive = sum(1 for i, t in enumerate(toks) if t == "s" and i and toks[i - 1] not in _S_IS)
    marks = +(marks - Counter(present=possessive))
    if marks["present"] and (not _PERFECT.isdisjoint(toks) or not _HABEN.isdisjoint(toks) or any(map(_participle, rest))):
        if _ever(toks) and (set(marks) == {"present"}):
            # "Has Pluto ever been a planet?", "¿Ha sido alguna vez ...?", "Ist Pluto jemals ein Planet gewesen?": a past
            return "past", [t for t in rest if t not in _BEEN]
        return None, rest  # "Has it ended?", "¿Ha ganado?", "Hat Brutus Caesar verraten?", "Wann ist sie gefallen?"
    if not marks:
        russian = any("а" <= c <= "я" for t in toks for c in t)
        return ("present" if russian and not any(_RU_PAST.fullmatch(t) for t in rest) else None), rest
    return (next(iter(marks)) if len(marks) == 1 else None), rest


def _participle(t: str) -> bool:
    """A German or Spanish participle, by its form ("gefallen", "gekauft", "ganado", "vendido")."""
    return (t.startswith("ge") and t.endswith(("t", "en")) and len(t) >= 6) or (t.endswith(("ado", "ido")) and len(t) >= 5)


def _same_content(a: list[str], b: list[str]) -> bool:
    """Whether two rests hold the same words in any order, less articles and a possessive's words (`_LIGHT`) and words
    of then and now (`_THEN_NOW`); a German genitive is its noun ("Deutschlands" / "Deutschland"), a Russian
    instrumental its nominative (`_instrumental`)."""
    a = [t for t in _without_ever(a) if t not in _LIGHT and t not in _THEN_NOW]
    b = [t for t in _without_ever(b) if t not in _LIGHT and t not in _THEN_NOW]
    if len(a) != len(b) or not a:
        return False
    left = list(b)
    for x in a:
        at = next((j for j, y in enumerate(left) if x == y or _genitive(x, y) or _instrumental(x, y)), None)
        if at is None:
            return False
        del left[at]
    return True


def _without_ever(toks: list[str]) -> list[str]:
    """The tokens without "ever" written in two ("alguna vez", "когда-либо": `_EVER`)."""
    out = list(toks)
    for pair in _EVER:
        for at in range(len(out) - 1):
            if tuple(out[at : at + 2]) == pair:
                del out[at : at + 2]
                break
    return out


def _ever(toks: list[str]) -> bool:
    return not _EVER_ONE.isdisjoint(toks) or len(_without_ever(toks)) < len(toks)


def _genitive(x: str, y: str) -> bool:
    return len(min(x, y, key=len)) >= 4 and (x + "s" == y or y + "s" == x)


def reworded_tense_change(tq: list[str], tc: list[str]) -> bool:
    """True when two short questions (`_SHORT` tokens at most) ask for the same things in two tenses, their copulas or
    auxiliaries read each on its own (`_main_tense`), whatever light rewording comes with it (`_same_content`: "Who is
    the CEO of Twitter?" / "Who was Twitter's CEO?", "Wer ist der Kanzler von Deutschland?" / "Wer war Deutschlands
    Kanzler?", "¿Quién es el presidente de Francia?" / "¿Quién fue presidente de Francia?", "Кто президент России?" /
    "Кто раньше был президентом России?"; nc42: served at 0.980-0.999). A past against another tense, or a future
    against a present of now (not against "do", nor where `_FUTURE_READ` reads a time to come), as `tense_change`
    reads them where nothing else differs; not a past against a present of a first one (`_fixed_first`)."""
    if len(tq) > _SHORT or len(tc) > _SHORT:
        return False
    (sq, rq), (sc, rc) = _main_tense(tq), _main_tense(tc)
    if sq is None or sc is None or sq == sc or not _same_content(rq, rc):
        return False
    changed = Counter((sq, sc))
    if changed["past"]:
        return not _fixed_first(changed, rq)
    return bool(changed["future"]) and not (changed["generic"] or _future_read(tq) or _future_read(tc))


def _han_past_moved(past: list[str], other: list[str]) -> bool:
    """Whether `past` holds the characters of `other` in any order and a Chinese word of the past (`_HAN_PAST`, less
    the aspect mark 过) besides, and `other` at most a word of now (`_HAN_NOW`) besides: "法国总统以前是谁？" / "谁是法国
    总统？" (nc42: served at 0.979), "苹果以前的CEO是谁？" / "谁是苹果的CEO？"."""
    extra, missing = Counter(past) - Counter(other), Counter(other) - Counter(past)
    put_in = "".join(sorted(extra.elements()))
    now = "".join(sorted(missing.elements()))
    return (
        len(past) <= _SHORT + 4
        and any(put_in == "".join(sorted(w)) for w in _HAN_PAST - {"过"})
        and (not now or any(now == "".join(sorted(w)) for w in _HAN_NOW))
        and any("\u4e00" <= c <= "\u9fff" for t in other for c in t)
    )


def han_done_moved(a: list[str], b: list[str]) -> bool:
    """Whether two Chinese questions are one question with 了 after the verb on one side and after its object, before
    the question's 吗 / 没 (`_HAN_DONE_BEFORE`), on the other: "你吃了饭吗" / "你吃饭了吗", "你看了电影没有" / "你看电影了没有"
    (have you eaten: one aspect, the thing done; nc42: served at 0.114, not vetoed, so read as the same words by
    `velo.cache.features._alike`). One 了 on each side, the same characters but for where it stands."""
    if a.count("了") != 1 or b.count("了") != 1 or a == b:
        return False
    i, j = a.index("了"), b.index("了")
    late, early = (a, b) if i > j else (b, a)
    at, before = max(i, j), min(i, j)
    return (
        [t for t in a if t != "了"] == [t for t in b if t != "了"]
        and before >= 1 and "\u4e00" <= early[before - 1] <= "\u9fff"
        and at + 1 < len(late) and late[at + 1] in _HAN_DONE_BEFORE
        and all("\u4e00" <= c <= "\u9fff" for t in late[before:at] for c in t)
    )
