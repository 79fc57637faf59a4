"""A modal that changes the question: "Can I eat eggs while pregnant?" / "Should I eat eggs while pregnant?" (verbs42,
a newcomer's finding: served at 0.960; "¿Puedo / ¿Debo ...?" 0.917, "Darf / Soll ich ...?" 0.866, "孕妇可以 / 应该吃鸡蛋吗？"
0.927, close below the threshold). Whether a thing is allowed or possible is not whether it is advised or required:
"yes, you can" is no answer to "should I?".

`modal_change` reads the kind where the modal is the only difference: the two token lists the same but for one stretch
(`text.shared_ends`), on one side a modal of possibility or permission (`_MAY`: "can", "may", "could", "might", "puedo",
"podría", "darf", "kann", "можно", "могу", 可以, 能), on the other one of advice or obligation (`_SHOULD`: "should",
"must", "ought to", "have to", "need to", "debo", "debería", "tengo que", "hay que", "soll", "sollte", "muss", "нужно",
"надо", "должен", "стоит", "следует", 应该, 必须, 应当, 需要), each stretch nothing but such words and their particles
("to", "que", "ли", "i" of "do I have to"). Rewordings swap modals within a kind ("Can / Could you explain ...?",
"¿Podrías / Puedes ...?", 可以 / 能, 该 / 要: labelled right pairs) and never across it in the labelled pairs outside dev
(/work/scratch/verbs42/study/modaldiff2.py). Not read: "shall" (an offer: "Shall I open the window?"), 要 and 得 (also
"want", "will" and a particle), "would". Read in the `role_swap` veto by `velo.cache.features`.
"""

from __future__ import annotations

from velo.cache.text import fold, shared_ends

_MAY = frozenset(
    fold(w) for w in """
        can could may might
        puedo puede puedes podemos pueden podría podrías podríamos podrían pueda
        darf darfst dürfen dürft kann kannst können könnt könnte könnten
        можно могу может можешь можем можете могут мог могла могли
    """.split()
)
"""Modals of possibility or permission (folded: "podría" is "podria", "dürfen" is "durfen")."""
_SHOULD = frozenset(
    fold(w) for w in """
        should must ought
        debo debe debes debemos deben debería deberías deberíamos deberían
        soll sollst sollen sollt sollte solltest sollten muss musst müssen müsst
        нужно надо должен должна должно должны следует стоит обязан обязана
    """.split()
)
"""Modals of advice or obligation (folded)."""
_SHOULD_PHRASES = frozenset(
    tuple(p.split())
    for p in "have to|has to|need to|needs to|tengo que|tiene que|tienes que|tenemos que|hay que".split("|")
)
"""Obligation in two words, each word also a word of its own ("have", "need", "tengo", "hay")."""
_PARTICLES = frozenset("to que ли i do does".split())
"""Words that stand with a modal in its stretch: "ought to", "tengo que", "можно ли", "do I have to"."""
_HAN_MAY = frozenset("可以 能 能够 可不可以 能不能 可否 能否 可".split())
_HAN_SHOULD = frozenset("应该 必须 应当 需要 应不应该 该 必需".split())
"""Chinese modals, as the stretch of characters where two questions differ."""


def _kind(stretch: list[str]) -> str | None:
    """"may", "should" or None: what a stretch of tokens is, if nothing but one kind's modal and its particles."""
    if not stretch or len(stretch) > 4:
        return None
    joined = "".join(stretch)
    if all(len(t) == 1 and "\u4e00" <= t <= "\u9fff" for t in stretch):
        return "may" if joined in _HAN_MAY else "should" if joined in _HAN_SHOULD else None
    words = list(stretch)
    for phrase in _SHOULD_PHRASES:
        for at in range(len(words) - len(phrase) + 1):
            if tuple(words[at : at + len(phrase)]) == phrase:
                words[at : at + len(phrase)] = ["must"]
                break
    cores = [w for w in words if w not in _PARTICLES]
    if len(cores) != 1:
        return None
    return "may" if cores[0] in _MAY else "should" if cores[0] in _SHOULD else None


def modal_change(tq: list[str], tc: list[str]) -> bool:
    """True when two token lists (`text.tokens`) are the same but for one stretch, a modal of possibility or
    permission on one side and one of advice or obligation on the other (module docstring): "can I eat" / "should I
    eat", "puedo" / "debo", "darf" / "soll", "можно" / "нужно", 可以 / 应该."""
    if tq == tc:
        return False
    start, end = shared_ends(tq, tc)
    kinds = {_kind(tq[start : len(tq) - end]), _kind(tc[start : len(tc) - end])}
    return kinds == {"may", "should"}
