"""Who a question's pronouns and German articles point at: "Does she love him?" / "Does he love her?", "Почему он её
любит?" / "Почему она его любит?", "Warum hasst er sie?" / "Warum hasst sie ihn?", "Hat der Hund die Katze gebissen?" /
"Hat den Hund die Katze gebissen?" (a newcomer's findings; 24 such look-alikes served at 0.94-1.0 by rule format 30).

Pronouns and articles are function words, so no content feature sees them, and the two questions' embeddings are
alike. `referent_change` (in the `role_swap` veto, after rule format 30) reads them on folded tokens when the two
questions are otherwise the same word for word, place by place:
- a third-person pronoun that is another pronoun in the other question: someone else, or the roles exchanged ("Why did
  she leave him?" / "Why did he leave her?", "How old is he?" / "How old is she?", "¿Qué le dijo?" / "¿Qué les
  dijo?");
- a German article or determiner whose case changed before the same word ("der Hund" / "den Hund": the dog that bites,
  or the one bitten; "ein" / "einen", "dem Lehrer" / "der Lehrer"). An article of the same case, definite for
  indefinite ("der Hund" / "ein Hund"), is no change of role, and an article that changed with its noun ("der Hund" /
  "die Hunde") is left to the content features.
Beside them a verb may agree with its new subject ("does" / "do", "liebt" / "lieben", "сказал" / "сказала") and a
first- or second-person pronoun may change (`velo.cache.persons` reads those alone).

Not a change: pronouns in each other's place that carry their case with them ("Почему он её любит?" / "Почему её он
любит?": the subject is still "он"). Two of one case in each other's place are exchanged roles ("How do I tell him I
love her?" / "How do I tell her I love him?"), and so are Chinese pronouns, which have no case ("他打了她吗？" /
"她打了他吗？": the order says who hit whom). One person for another in the first and second person only is
`persons.person_swap`'s (the generic "you" of a how-to is no change).
"""

from __future__ import annotations

from velo.cache.persons import _FIRST, _SECOND, _verb_forms

_THIRD = frozenset(
    """he she it they him her them his hers its their theirs himself herself itself themselves
    er sie es ihn ihm ihr ihnen sein seine seinen seinem seiner seines ihre ihren ihrem ihrer ihres
    ella ellas ellos le les
    он она оно они его ее ему еи им их него нее нему неи ним них нем ими ними
    他 她 它""".split()
)
"""Third-person pronouns, folded ("её" is "ее", "ей" is "еи"; Spanish "él" folds to the article "el", which
`_SPANISH_WEAK` holds)."""
_PLURAL = frozenset(
    """we us our ours ourselves wir uns unser unsere unseren unserem unserer unseres euch euer eure euren eurem eurer
    nosotros nosotras nos nuestro nuestra nuestros nuestras vosotros vosotras os vuestro vuestra vuestros vuestras
    мы нас нам нами наш наша наше наши нашего нашеи нашему наших вы вас вам вами ваш ваша ваше ваши вашего вашеи
    вашему ваших""".split()
)
"""First- and second-person plural pronouns, folded: beside a third-person pronoun that changed they go with it ("Do
they love us?" / "Do we love them?"); alone, or for "I" ("How do we install Python?" / "How do I ..."), they are the
generic doer of a how-to or `persons.person_swap`'s."""
_SPANISH_WEAK = frozenset("el la lo los las".split())
"""Spanish words that are an article or an object pronoun ("él" folded, "la", "lo"): another of them beside a third-
person pronoun that changed goes with it ("¿Por qué ella lo odia?" / "¿Por qué él la odia?"), alone it says nothing."""
_PRONOUNS = _THIRD | _FIRST | _SECOND | _PLURAL | _SPANISH_WEAK
_NOMINATIVE = frozenset(
    """i we he she it they you ich du er sie es wir ihr yo tu el ella ellos ellas nosotros nosotras vosotros vosotras
    я ты он она оно мы вы они 他 她 它 我 你 您""".split()
)
_OBJECTIVE_TOO = frozenset("it you sie es ihr nosotros nosotras vosotros vosotras 他 她 它 我 你 您".split())
"""Subject pronouns (folded: "tú" is "tu", "él" is "el") and those of them that are an object's or possessive's form
too; Chinese pronouns have no case. Every other pronoun is an object's or a possessive's form."""

_AGREEING = (
    frozenset("do does".split()), frozenset("is are am".split()), frozenset("was were".split()),
    frozenset("has have".split()), frozenset("ist sind".split()), frozenset("hat haben".split()),
    frozenset("war waren".split()), frozenset("wird werden".split()), frozenset("kann konnen".split()),
)
"""Auxiliaries that agree with their subject, in two persons or numbers (folded: "können" is "konnen")."""

_DER_WORDS = {"der": "r", "die": "e", "das": "s", "den": "n", "dem": "m", "des": "s"}
_DER_STEMS = ("dies", "jed", "jen", "welch", "manch")
_EIN_STEMS = ("ein", "mein", "dein", "unser", "euer", "eur")
"""German determiners by their case ending: the definite article's own forms, the der-words ("dieser", "jeden") and the
ein-words ("einen", "meinem"; "kein" is a negation: `velo.cache.negation`; "sein" and "ihr" are pronouns above)."""


def _endings(word: str) -> frozenset[str]:
    """The case endings a German determiner may stand for ("den" -> n, "ein" -> r or s: "ein Hund" is "der Hund", "ein
    Kind" is "das Kind"), empty for any other word."""
    if word in _DER_WORDS:
        return frozenset(_DER_WORDS[word])
    for stems, bare in ((_DER_STEMS, ""), (_EIN_STEMS, "rs")):
        for stem in stems:
            rest = word[len(stem):]
            if word.startswith(stem) and rest in ("e", "er", "es", "en", "em") + (("",) if bare else ()):
                return frozenset(rest[-1:] or bare)
    return frozenset()


def _cases(pronoun: str) -> frozenset[str]:
    """The cases a pronoun's form may be in: "subject", "object" (an object's or a possessive's), or both."""
    if pronoun not in _NOMINATIVE:
        return frozenset({"object"})
    return frozenset({"subject", "object"}) if pronoun in _OBJECTIVE_TOO else frozenset({"subject"})


def _case_changed(a: list[str], b: list[str], i: int) -> bool:
    """Whether the German determiners at `i` differ in case before the same word ("der Hund" / "den Hund")."""
    x, y = _endings(a[i]), _endings(b[i])
    return bool(x and y) and not x & y and i + 1 < len(a) and a[i + 1] == b[i + 1]


def referent_change(a: list[str], b: list[str]) -> bool:
    """True when two questions (folded tokens, `velo.cache.text.tokens`) the same word for word, place by place,
    except for pronouns, German determiners and verbs agreeing with them, point at someone else or exchange roles:
    a third-person pronoun changed, or a German determiner changed its case before the same word (module
    docstring). Pronouns that only moved with their own cases are no change (`_cases`).

    `a` and `b` are tokens of the texts as written, before `velo.cache.numbers.as_digits` reads "ein" / "einen" as
    the number 1."""
    if len(a) != len(b) or a == b:
        return False
    moved = sorted(a) == sorted(b)
    changed = False
    for i, (x, y) in enumerate(zip(a, b)):
        if x == y:
            continue
        if _case_changed(a, b, i):
            changed = True
        elif x in _PRONOUNS and y in _PRONOUNS:
            # pronouns only moved keep their case ("он её" / "её он"), unless both may be in one case ("him" / "her")
            if not moved or _cases(x) & _cases(y):
                changed |= x in _THIRD or y in _THIRD
        elif not (_endings(x) and _endings(y) or _verb_forms(x, y) or any({x, y} <= s for s in _AGREEING)):
            return False
    return changed
