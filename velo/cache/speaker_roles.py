"""The speaker and another person exchanged as doer and one acted on: "How do I tell my wife I lost my job?" / "How
does my wife tell me she lost her job?", "What gift should I buy for my girlfriend?" / "What gift should my girlfriend
buy for me?", "Wie sage ich meiner Frau, dass ...?" / "Wie sagt mir meine Frau, dass ...?", "Как сказать девушке, что я
её люблю?" / "Как девушке сказать мне, что она меня любит?" (newcomer nc40's finding 1: served at 0.965-0.987 by
format 30). `velo.cache.persons` reads the speaker and the listener exchanged in place; here the other person is a
noun ("my wife"), which moves, so the two questions are not the same word for word.

`speaker_exchanged` (in the `role_swap` veto, after format 30) reads it on folded tokens: the same content words (a
verb may agree with its new subject: "sage" / "sagt", "люблю" / "любит"), one question's doer is the speaker or the
listener (`persons.subject_person`), the other's is a third person, and the other names that person only as an object ("me",
"mir", "мне", "меня"; not "for me to ...", the infinitive's doer), which the first does not. Since frame44 (newcomer
nc43's finding: "¿Por qué mi perro me ladra?" / "¿Por qué le ladro a mi perro?" served at 0.991, and the Chinese and
Russian ones alike) also: a Chinese doer after the question word ("为什么我对我的狗叫"; `persons` reads a pronoun after a
Han character as an object) against 我 / 你 after 对 / 给 / 向 / 跟 / 朝 / 冲 ("为什么我的狗对我叫"); a Russian verb
agreeing with its new subject where the stem is short ("лаю" / "лает", `_agrees`) and the reflexive possessive ("свою
собаку" / "моя собака"); a Spanish verb in the first or second person ("ladro", "ladras") against its third person
after the clitic "me" / "te" ("me ladra": `_spanish_exchanged`). Not read yet: German where the function-word list
holds one of the verb's forms ("sage" / "sagt"), left to the model.
"""

from __future__ import annotations

from velo.cache.case_words import _PRONOUNS
from velo.cache.persons import subject_person
from velo.cache.quantities import content_terms
from velo.cache.text import HAN, one_beginning

_OBJECTS = {
    1: frozenset("me mir mich меня мне мнои".split()),
    2: frozenset("dir dich тебя тебе тобои".split()),
}
"""The speaker's and the listener's object forms, folded ("мной" is "мнои"; English "you" is both subject and object
and is not read here, nor Spanish "me" / "te", whose subject the verb says)."""


_AUXILIARIES = frozenset("habe hast hat haben bin bist ist sind dass".split())
"""German auxiliaries that agree with their subject, and "dass", which the content words would keep."""


_RU_OWN = frozenset("свои своя свое своего своеи своему своих своим своими своем свою".split())
"""The Russian reflexive possessive, folded ("своей" is "своеи"): "свою собаку" is the doer's own, "моя" or "его"."""


def _content(toks: list[str]) -> list[str]:
    """The content terms but for pronouns and agreeing auxiliaries, which change with the doer."""
    return content_terms([t for t in toks if t not in _PRONOUNS and t not in _AUXILIARIES and t not in _RU_OWN])


def _same_content(a: list[str], b: list[str]) -> bool:
    ca, cb = _content(a), _content(b)
    return len(ca) == len(cb) and _each_in(ca, cb) and _each_in(cb, ca)


def _each_in(xs: list[str], ys: list[str]) -> bool:
    """Whether every word of `xs` is a word of `ys`, perhaps in another form (`text.one_beginning`, `_agrees`)."""
    return all(any(x == y or one_beginning(x, y) or _agrees(x, y) or _agrees(y, x) for y in ys) for x in xs)


_RU_FIRST_ENDINGS = ("ю", "у")
_RU_OTHER_ENDINGS = ("ешь", "ишь", "ет", "ит", "ем", "им", "ете", "ите", "ют", "ут", "ят", "ат")


def _agrees(x: str, y: str) -> bool:
    """A Russian verb in the first person singular and in another person, whose stem is too short for `one_beginning`
    ("лаю" / "лает", "иду" / "идет"): the same stem, of two letters at least, before the two endings."""
    if not x.endswith(_RU_FIRST_ENDINGS) or len(x) < 3 or not all("а" <= c <= "я" for c in x + y):
        return False
    return any(y.endswith(e) and y[: -len(e)] == x[:-1] for e in _RU_OTHER_ENDINGS)


_HAN_PRONOUNS = {"我": 1, "你": 2, "您": 2}
_HAN_TOWARDS = frozenset("对给向跟朝冲")
"""Chinese prepositions before the one acted on ("我的狗对我叫": barks at me)."""


def _han_doer(toks: list[str]) -> int:
    """The person of a Chinese doer `persons.subject_person` does not read: 我 / 你 / 您 right after a question word
    (为什么, 怎么, 为何: "为什么我对我的狗叫"), not a possessive (before 的); 0 where none."""
    for i, t in enumerate(toks):
        if t in _HAN_PRONOUNS and toks[i + 1 : i + 2] != ["的"] and i and toks[i - 1] in ("么", "何"):
            return _HAN_PRONOUNS[t]
    return 0


def _han_objects(toks: list[str], person: int) -> list[int]:
    """Places of the speaker's (1) or the listener's (2) Han pronoun after a preposition of the one acted on
    (`_HAN_TOWARDS`: "对我叫"), not a possessive."""
    return [
        i for i, t in enumerate(toks)
        if _HAN_PRONOUNS.get(t) == person and i and toks[i - 1] in _HAN_TOWARDS and toks[i + 1 : i + 2] != ["的"]
    ]


def _doer(toks: list[str]) -> int:
    return subject_person(toks) or _han_doer(toks)


_ES_CLITICS = {"me": 1, "te": 2}


def _spanish_exchanged(x: list[str], y: list[str]) -> bool:
    """Whether `y` has a verb in the third person singular after the speaker's or the listener's clitic ("me ladra": it
    barks at me) and `x` the same verb in that person ("ladro", "ladras": I bark, you bark) without the clitic. Spanish
    says its subject in the verb's ending."""
    for i, verb in enumerate(y):
        person = _ES_CLITICS.get(y[i - 1]) if i else None
        if person and len(verb) >= 4 and verb.isalpha() and verb[-1] in "ae" and y[i - 1] not in x:
            if (verb[:-1] + "o" if person == 1 else verb + "s") in x:
                return True
    return False


def speaker_exchanged(a: list[str], b: list[str]) -> bool:
    """True when the speaker (or the listener) is the doer of one question and only the one acted on in the other,
    with the same content words (module docstring). Folded tokens (`velo.cache.text.tokens`); symmetric."""
    if not _same_content(a, b):
        return False
    for x, y in ((a, b), (b, a)):
        person = _doer(x)
        # the other's doer a third person: the speaker and the listener as doers are `persons`' ("Can I borrow money
        # from you?" / "Can you lend me money?" is one loan: `opposites.converse_action`)
        if person in _OBJECTS and _doer(y) == 0:
            objects = _OBJECTS[person]
            # "for me to eat" makes the speaker the infinitive's doer: "Is it ok for me to eat eggs?" is "Can I eat eggs?"
            acted_on = [i for i, t in enumerate(y) if t in objects and y[i + 1 : i + 2] != ["to"]] + _han_objects(y, person)
            if acted_on and not any(t in objects for t in x) and not _han_objects(x, person):
                return True
        if _spanish_exchanged(x, y):
            return True
    return False
