"""Who a question is about: the speaker and the listener exchanged ("How old are you?" / "How old am I?", "Do you love
me?" / "Do I love you?", "Wie alt bist du?" / "Wie alt bin ich?", "¿Cómo te llamas?" / "¿Cómo me llamo?", "你爱我吗？" /
"我爱你吗？", "Как тебя зовут?" / "Как меня зовут?"; a newcomer's finding, served at 0.94-1.00 by rule format 25).

Person pronouns are function words, so no content feature sees them; `person_swap` (rule format 26, in the `role_swap`
veto) reads them, on folded tokens, when the two questions are otherwise the same word for word (a verb may change its
ending with its person: "liebst" / "liebe", "любишь" / "люблю", "llamas" / "llamo").

Not a swap: the generic "you" of a how-to, which is the generic "I" ("How do I install Python?" / "How do you install
Python?", "How do I change my password?" / "How do you change your password?", "我怎么安装Python？" / "你怎么安装Python？"):
when every person changes the same way (first to second or back) and the question has a subject pronoun of a task's
verb, not of "to be" or "to have" ("are you", "bist du", "tienes", "你是"). In the replay of format 26 (fit, dev, shared
paraphrases, oasst1 train and validation: 8,946 pairs) no pair met the exception and the veto took no right hit; it newly
refused 6 look-alikes ("你是谁" / "我是谁", "你可以帮助我做什么事情" / "我可以帮助你做什么事情", "en qué te puedo servir" /
"¿en qué me puedes servir?").
"""

from __future__ import annotations

from velo.cache.text import HAN

_FIRST = frozenset(
    """i me my mine myself ich mich mir mein meine meinen meinem meiner meines yo me mi mis mio mia conmigo
    я меня мне мнои мои моя мое моего моеи моему моих 我""".split()
)
_SECOND = frozenset(
    """you your yours yourself du dich dir dein deine deinen deinem deiner deines tu te ti tus tuyo tuya contigo
    ты тебя тебе тобои твои твоя твое твоего твоеи твоему твоих 你 您""".split()
)
_SUBJECTS = frozenset("i you ich du yo я ты 我 你 您".split())
"""Pronouns that may be a verb's subject ("you" and the Han pronouns also its object: `_subject`; Spanish "tú" folds
to the possessive "tu" and is left out: Spanish says its subject in the verb)."""
_BE_HAVE = {
    "am": 1, "are": 0, "m": 1, "re": 0, "bin": 1, "bist": 2, "habe": 1, "hast": 2, "soy": 1, "eres": 2, "estoy": 1,
    "estas": 2, "tengo": 1, "tienes": 2, "llamo": 1, "llamas": 2, "是": 0, "有": 0,
}
"""Forms of "to be" and "to have" (and Spanish "llamarse", whose subject is who is named) with the person they mark
(0: none); a subject beside them is who the question is about, not a generic doer."""
_AUXILIARIES = frozenset("do does did can could should would will may might must shall".split())


def _person(token: str) -> int:
    """1 for the speaker, 2 for the listener, 0 for neither (a pronoun or a verb form of `_BE_HAVE`)."""
    if token in _FIRST:
        return 1
    if token in _SECOND:
        return 2
    return _BE_HAVE.get(token, 0)


def _subject(toks: list[str], i: int) -> bool:
    """Whether the pronoun at `i` is a subject: not an object form, English "you" only at the start or after an
    auxiliary or "to be" ("Can you help me?", not "Can I help you?"), a Han pronoun not after another Han character nor
    before 的."""
    t = toks[i]
    if t not in _SUBJECTS:
        return False
    if t == "you":
        return i == 0 or toks[i - 1] in _AUXILIARIES or toks[i - 1] in _BE_HAVE
    if t in ("我", "你", "您"):  # "我的手机" is a possessive, "帮助我" an object
        return (i + 1 == len(toks) or toks[i + 1] != "的") and (i == 0 or not HAN.match(toks[i - 1]))
    return True


_HAN_ABOUT = ("多大", "多高", "多重", "几岁", "叫")
"""Chinese words after a subject that ask of the person themselves ("你多大了", "我几岁", "你叫什么名字"; nc43: "你多大了？" /
"我多大了？" was read as the generic doer of a task)."""


def _about_themselves(toks: list[str], i: int) -> bool:
    """A subject beside "to be" or "to have" ("How old are you?", "Am I a robot?", "你是机器人吗？"), or a Han subject
    before a word of `_HAN_ABOUT` ("你多大了？")."""
    if toks[i] in ("我", "你", "您") and "".join(toks[i + 1 : i + 3]).startswith(_HAN_ABOUT):
        return True
    return any(0 <= j < len(toks) and toks[j] in _BE_HAVE for j in (i - 1, i + 1))


def _verb_forms(x: str, y: str) -> bool:
    """One verb in two persons ("liebst" / "liebe", "любишь" / "люблю", "quieres" / "quiero")."""
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    return n >= 3 and x[0].isalpha()


def person_swap(a: list[str], b: list[str]) -> bool:
    """True when two questions the same word for word, place by place, except for person (pronouns, the person of "to be" / "to have"
    and verb endings) ask about another person: persons exchanged ("Do you love me?" / "Do I love you?") or changed
    one way in a question about the speaker or listener themselves ("How old are you?" / "How old am I?", "Where is my
    phone?" / "Where is your phone?"). Not the generic doer of a how-to (module docstring)."""
    changes: set[tuple[int, int]] = set()
    generic = about = False
    if len(a) != len(b):
        return False
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        px, py = _person(x), _person(y)
        if px and py and px != py:
            changes.add((px, py))
            for toks in (a, b):
                if _subject(toks, i):
                    if _about_themselves(toks, i):
                        about = True
                    else:
                        generic = True
        elif not (_verb_forms(x, y) or {x, y} <= set(_BE_HAVE)):
            return False
    if not changes:
        return False
    if len(changes) > 1:
        return True
    return about or not generic


_RU_FIRST = frozenset("можно могу хочу".split())
"""Russian words that make the speaker the doer without a pronoun ("Можно одолжить у тебя денег?": may I borrow)."""
_ES_VERBS = ("prest", "pid", "ped", "pued", "pod", "quier", "tom")
"""Beginnings of the Spanish verbs of lending and borrowing and their modals, whose ending says the person ("¿Me
prestas dinero?": you lend; "¿Te pido prestado dinero?", "¿Puedo pedirte ...?": I borrow)."""


def subject_person(toks: list[str]) -> int:
    """The person of a question's doer, on folded tokens: 1 the speaker, 2 the listener, 0 unknown (a third person, or
    nothing says). The first subject pronoun (`_subject`: "Can I ...", "Can you ...", "Kannst du ...", "Ты можешь ...",
    "我能 ..."), else a Russian verb in the second person ("можешь") or a word that makes the speaker the doer
    ("можно", "могу"), else the ending of a Spanish verb of lending or its modal ("prestas", "puedes": 2; "pido",
    "puedo": 1). Used by `velo.cache.opposites.converse_action` (rule format 28: "you lend me" is "I borrow from you")."""
    for i, t in enumerate(toks):
        if _subject(toks, i):
            return _person(t)
    for t in toks:
        if t.endswith(("ешь", "ишь", "ешься", "ишься")) and _cyrillic_word(t):
            return 2
        if t in _RU_FIRST:
            return 1
    for t in toks:
        if t.startswith(_ES_VERBS) and t.isalpha() and not t.endswith(("ado", "ada")):
            if t.endswith("o"):
                return 1
            if t.endswith(("as", "es")):
                return 2
    return 0


def _cyrillic_word(t: str) -> bool:
    """A word wholly in lower-case Russian letters (а-я, ё), as a second-person verb is: a capitalized name or a
    token mixing scripts or digits that ends in "-ешь" is none."""
    return all("а" <= c <= "я" or c == "ё" for c in t)
