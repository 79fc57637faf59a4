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

Among other rewording (after format 33, a newcomer's finding, nc43: "Can I drink alcohol while pregnant?" / "Should I
drink alcohol when pregnant?" 0.977, "¿Puedo beber alcohol durante el embarazo?" / "¿Debería beber alcohol cuando estoy
embarazada?" 0.968, "Можно ли пить ...?" / "Стоит ли пить ...?" 0.977, served: "while" / "when" made a second stretch)
the modal is read where it opens a yes-no question asked of the asker or of anyone, with the verb it governs
(`asked_modal`): two such questions, "may" on one side and "should" on the other of one verb, are two questions whatever
else differs. A question word before the modal makes the two kinds one question ("How can I start?" / "What should I do
to start?", "¿Cómo puedo empezar ...?" / "¿Qué debería hacer ...?": labelled right pairs), a modal asked of the answerer
is a request ("Can you ...?", "你能不能..."), and another verb is another question the model judges. In the labelled
pairs outside dev no right pair has the two kinds so asked of one verb (/work/scratch/modal44/study/asked_study.py).
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
    eat", "puedo" / "debo", "darf" / "soll", "можно" / "нужно", 可以 / 应该; or when both ask it of the same verb,
    the modal opening a yes-no question, whatever else is reworded (`asked_modal`: "Can I drink alcohol while
    pregnant?" / "Should I drink alcohol when pregnant?")."""
    if tq == tc:
        return False
    start, end = shared_ends(tq, tc)
    kinds = {_kind(tq[start : len(tq) - end]), _kind(tc[start : len(tc) - end])}
    if kinds == {"may", "should"}:
        return True
    aq, ac = asked_modal(tq), asked_modal(tc)
    return aq is not None and ac is not None and {aq[0], ac[0]} == {"may", "should"} and aq[1] == ac[1]


_OPENERS = frozenset("so and but then also now ok okay well hey hi pues y entonces und also dann а и ну так".split())
"""Words a yes-no question may open with before its modal ("So can I ...?", "Y ¿puedo ...?", "А можно ли ...?")."""
_ASKER = frozenset(fold(w) for w in "i we ich wir man".split())
"""The subject a modal asks of: the asker or anyone ("Can I ...?", "Darf man ...?"), not the answerer ("Can you
explain ...?", "Kannst du ...?": a request)."""
_ADVERBS = frozenset("still really safely legally also even actually just ever".split())
"""English adverbs between a modal's subject and its verb ("Can I still drink ...?")."""
_FIRST_PERSON_ES = frozenset(
    fold(w) for w in "puedo podemos podría podríamos pueda debo debemos debería deberíamos".split()
)
"""Spanish modals of the asker (the second person, "¿Puedes ...?", "¿Podrías ...?", is a request); "puede" and "debe"
only after an impersonal "se" ("¿Se puede comer huevos?")."""
_ES_OBLIGED = frozenset("tengo tenemos hay".split())
"""Spanish obligation before "que" and the verb ("¿Tengo que pagar?", "¿Hay que pagar?")."""
_DE_MODALS = frozenset(
    fold(w) for w in "darf dürfen kann können könnte könnten soll sollen sollte sollten muss müssen".split()
)
_RU_MODALS = frozenset(
    "можно могу можем мог могла могли нужно надо стоит следует должен должна должно должны обязан обязана".split()
)
_RU_BESIDE = frozenset("ли я мы мне нам".split())
"""What stands between a Russian modal and its verb ("Можно ли мне пить ...?", "Могу ли я ...?")."""
_RU_INFINITIVE = ("ть", "ться", "ти", "чь")
_HAN_YES_NO = frozenset("吗 么 嘛".split())
_HAN_ASKING = ("什么", "怎么", "怎样", "如何", "为什么", "为何", "哪", "谁", "多少", "几")
"""Chinese question words: a question with one is no yes-no question of a modal ("应该怎么吃")."""
_HAN_ASKED = {
    "可以": "may", "可不可以": "may", "能不能": "may", "能否": "may", "可否": "may", "能够": "may",
    "应该": "should", "应不应该": "should", "应当": "should", "必须": "should", "需要": "should", "该不该": "should",
}
"""Chinese modals read in a reworded question; 能 alone and 该 alone also stand in other words (可能, 功能, 该公司)."""


def asked_modal(toks: list[str]) -> tuple[str, str] | None:
    """(kind, verb) of a yes-no question that opens with a modal asked of the asker or of anyone, and the verb it is
    asked of (folded): "Can I drink alcohol while pregnant?" ("may", "drink"), "Do I have to pay taxes?" ("should",
    "pay"), "¿Debería beber alcohol ...?" ("should", "beber"), "¿Se puede comer huevos?", "Darf ich in der
    Schwangerschaft Alkohol trinken?" ("may", "trinken": German puts the verb last), "Стоит ли пить алкоголь ...?"
    ("should", "пить"), "怀孕时可以喝酒吗" ("may", "喝"); None for any other text (a question word first, "How can I
    ...?", "¿Cómo puedo ...?", "Сколько воды нужно пить?": there "can" and "should" ask the same; a request, "Can you
    ...?"; no modal). Two sides of a pair asking "may" and "should" of one verb ask whether a thing is allowed against
    whether it is advised, whatever else is reworded (nc43: "Can I drink alcohol while pregnant?" / "Should I drink
    alcohol when pregnant?" 0.977, "¿Puedo beber alcohol durante el embarazo?" / "¿Debería beber alcohol cuando estoy
    embarazada?" 0.968, served)."""
    words = list(toks)
    while words and words[0] in _OPENERS:
        words = words[1:]
    if len(words) < 2:
        return None
    if all(len(t) == 1 and "\u4e00" <= t <= "\u9fff" for t in words):
        return _han_asked(words)
    first, second = words[0], words[1]
    if first in _MAY | _SHOULD and second in {"i", "we"}:  # English
        rest = [w for w in words[2:] if w not in _ADVERBS]
        if first == "ought" and rest[:1] == ["to"]:
            rest = rest[1:]
        return ("may" if first in _MAY else "should", rest[0]) if rest else None
    if first in {"do", "does"} and second in {"i", "we"} and words[2:3] in (["have"], ["need"]) and words[3:4] == ["to"]:
        return ("should", words[4]) if len(words) > 4 else None
    if first in _DE_MODALS and second in _ASKER and len(words) > 2:
        return ("may" if first in _MAY else "should", words[-1])
    if first in {"se", "yo", "me", "nos"}:
        words = words[1:]
        first, second = words[0], (words[1] if len(words) > 1 else "")
    if first in _FIRST_PERSON_ES or (toks[: len(toks) - len(words)][-1:] == ["se"] and first in {"puede", "debe"}):
        return ("may" if first in _MAY else "should", second) if second else None
    if first in _ES_OBLIGED and second == "que" and len(words) > 2:
        return "should", words[2]
    while words and words[0] in _RU_BESIDE:
        words = words[1:]
    if words and words[0] in _RU_MODALS:
        verb = next((w for w in words[1:] if w not in _RU_BESIDE), "")
        if verb.endswith(_RU_INFINITIVE):
            return "may" if words[0] in _MAY else "should", verb
    return None


def _han_asked(chars: list[str]) -> tuple[str, str] | None:
    """`asked_modal` of a Chinese question: one modal of `_HAN_ASKED` and the character after it, in a question that
    ends with 吗 / 么 or asks the modal itself (可不可以, 应不应该) and holds no question word; not after 你 / 您."""
    joined = "".join(chars)
    if any(w in joined for w in _HAN_ASKING):
        return None
    found = [(at, m) for m in _HAN_ASKED for at in range(len(joined)) if joined.startswith(m, at)]
    found = [(at, m) for at, m in found if not any(a <= at and at + len(m) < a + len(n) for a, n in found if n != m)]
    if len({m for _, m in found}) != 1 or len(found) != 1:
        return None
    at, modal = found[0]
    after = joined[at + len(modal) :]
    if joined[at - 1 : at] in {"你", "您"}:
        return None  # "你能不能给我列出 ...？": a request to the answerer, as "Can you ...?"
    if not after or not (joined[-1] in _HAN_YES_NO or "不" in modal):
        return None
    return _HAN_ASKED[modal], after[0]
