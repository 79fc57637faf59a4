"""The speaker and another person exchanged as doer and one acted on: "How do I tell my wife I lost my job?" / "How
does my wife tell me she lost her job?", "What gift should I buy for my girlfriend?" / "What gift should my girlfriend
buy for me?", "Wie sage ich meiner Frau, dass ...?" / "Wie sagt mir meine Frau, dass ...?", "Как сказать девушке, что я
её люблю?" / "Как девушке сказать мне, что она меня любит?" (newcomer nc40's finding 1: served at 0.965-0.987 by
format 30). `velo.cache.persons` reads the speaker and the listener exchanged in place; here the other person is a
noun ("my wife"), which moves, so the two questions are not the same word for word.

`speaker_exchanged` (in the `role_swap` veto, after format 30) reads it on folded tokens: the same content words (a
verb may agree with its new subject: "sage" / "sagt", "люблю" / "любит"), one question's doer is the speaker or the
listener (`persons.subject_person`), the other's is a third person, and the other names that person only as an object ("me",
"mir", "мне", "меня"; not "for me to ...", the infinitive's doer), which the first does not. Not read yet: Spanish,
which says its subject in the verb's ending ("¿Cómo le digo a mi esposa ...?" / "¿Cómo me dice mi esposa ...?"), and
German where the function-word list holds one of the verb's forms ("sage" / "sagt"): both are left to the model.
"""

from __future__ import annotations

from velo.cache.case_words import _PRONOUNS
from velo.cache.persons import subject_person
from velo.cache.quantities import content_terms
from velo.cache.text import one_beginning

_OBJECTS = {
    1: frozenset("me mir mich меня мне мнои".split()),
    2: frozenset("dir dich тебя тебе тобои".split()),
}
"""The speaker's and the listener's object forms, folded ("мной" is "мнои"; English "you" is both subject and object
and is not read here, nor Spanish "me" / "te", whose subject the verb says)."""


_AUXILIARIES = frozenset("habe hast hat haben bin bist ist sind dass".split())
"""German auxiliaries that agree with their subject, and "dass", which the content words would keep."""


def _content(toks: list[str]) -> list[str]:
    """The content terms but for pronouns and agreeing auxiliaries, which change with the doer."""
    return content_terms([t for t in toks if t not in _PRONOUNS and t not in _AUXILIARIES])


def _same_content(a: list[str], b: list[str]) -> bool:
    ca, cb = _content(a), _content(b)
    return len(ca) == len(cb) and _each_in(ca, cb) and _each_in(cb, ca)


def _each_in(xs: list[str], ys: list[str]) -> bool:
    """Whether every word of `xs` is a word of `ys`, perhaps in another form (`text.one_beginning`)."""
    return all(any(x == y or one_beginning(x, y) for y in ys) for x in xs)


def speaker_exchanged(a: list[str], b: list[str]) -> bool:
    """True when the speaker (or the listener) is the doer of one question and only the one acted on in the other,
    with the same content words (module docstring). Folded tokens (`velo.cache.text.tokens`); symmetric."""
    if not _same_content(a, b):
        return False
    for x, y in ((a, b), (b, a)):
        person = subject_person(x)
        # the other's doer a third person: the speaker and the listener as doers are `persons`' ("Can I borrow money
        # from you?" / "Can you lend me money?" is one loan: `opposites.converse_action`)
        if person in _OBJECTS and subject_person(y) == 0:
            objects = _OBJECTS[person]
            # "for me to eat" makes the speaker the infinitive's doer: "Is it ok for me to eat eggs?" is "Can I eat eggs?"
            acted_on = [i for i, t in enumerate(y) if t in objects and y[i + 1 : i + 2] != ["to"]]
            if acted_on and not any(t in objects for t in x):
                return True
    return False
