"""Who a question asks for, the doer or the one acted on: "Who killed Brutus?" / "Who did Brutus kill?", "Wer tötete
Brutus?" / "Wen tötete Brutus?", "Кто убил Брута?" / "Кого убил Брут?", "谁打了小明？" / "小明打了谁？" ask for the subject
and the object of one act, other questions with the same content words (`subject_object_swap`, folded into the
`role_swap` veto since rule format 16). Moved out of `velo.cache.question_words` unchanged.
"""

from __future__ import annotations

from typing import NamedTuple

from velo.cache.quantities import content_terms
from velo.cache.text import FUNCTION_WORDS


_OBJECT_WORDS = frozenset("whom wen wem кого кому кем какую".split())
"""Question words that ask for an object by their case ("Wen tötete Brutus?", "Кого убил Брут?", "Какую компанию
купил Twitter?")."""
_SUBJECT_WORDS = frozenset("wer кто какая".split())
"""Question words that ask for the subject by their case ("Wer tötete Brutus?", "Кто убил Брута?", "Какая компания
купила Twitter?")."""
_FIRST_OBJECT_WORDS = frozenset("welchen".split())
_FIRST_SUBJECT_WORDS = frozenset("welcher".split())
"""German "which" by its case, read only as a question's first word ("Welchen Konzern kaufte Twitter?" / "Welcher
Konzern kaufte Twitter?"; "mit welchen Tools" is a dative)."""
_AGENT_BEFORE = frozenset("by von".split())
"""Prepositions that make the question word after them the passive's agent, the active's subject ("By whom was Brutus
killed?", "Von wem wurde Brutus getötet?")."""
_PASSIVE = frozenset("wurde wurden wird werden fue fueron был была было были".split())
"""Auxiliaries of the passive after a subject's question word ("Wer wurde von Brutus getötet?", "¿Quién fue asesinado por
Bruto?", "Кто был убит Брутом?"): the question word is the one acted on, the object of the active."""
_AGENT_AFTER = frozenset("von por".split())
"""Prepositions of a passive's agent after the verb ("von Brutus", "por Bruto")."""
_OPEN_WORDS = frozenset("who what which quien quienes que 谁 誰".split())
"""Question words whose case is not written: the question's shape says whether they ask for the subject or the
object (`_asks_for`)."""
_DO = frozenset("did does do".split())
"""English "do" after a question word: the question word is the object ("Who did Brutus kill?")."""
_BE = frozenset("was were is are been".split())
"""English "be" after a question word: a passive ("Who was Brutus killed by?", "Who was killed by Brutus?")."""
_TRAILING = frozenset("了 呢 吗 嗎 啊 呀 的".split())
_HAN_AGENT, _HAN_OBJECT = frozenset("被 叫 让"), frozenset("把 將 将")
"""Chinese markers before the agent of a passive ("小明被谁打了": who hit Xiaoming) and before the object ("小明把谁打了":
whom Xiaoming hit)."""


class _Asked(NamedTuple):
    """What a question word asks for ("subject" or "object"), its place, and the place of the verb whose form the
    other wording changes ("killed" of "Who killed Brutus?", "kill" of "Who did Brutus kill?"; the places it may be
    at: "What company bought Twitter?" may have a noun after "what", "What ate the cat?" none), if any."""

    role: str
    at: int
    verbs: tuple[int, ...] = ()


def _last_content(toks: list[str], after: int) -> tuple[int, ...]:
    return tuple(i for i in range(len(toks) - 1, after, -1) if toks[i].isalpha() and toks[i] not in FUNCTION_WORDS)[:1]


def _first_content(toks: list[str], after: int) -> tuple[int, ...]:
    return tuple(i for i in range(after + 1, len(toks)) if toks[i].isalpha() and toks[i] not in FUNCTION_WORDS)[:1]


def _english(toks: list[str], k: int) -> _Asked | None:
    """`_asks_for` of an English "who", "what" or "which" at `k`, the question's first word, with up to two nouns after
    it ("which company", "what big company"): "do" after them asks for the object ("Who did Brutus kill?", "Which
    company did Twitter buy?"), a verb for the subject ("Which company bought Twitter?"); a passive asks for the
    agent, the subject, when "by" ends it ("Who was Brutus killed by?") and for the object when "by" names the agent
    ("Who was killed by Brutus?")."""
    nouns = 0 if toks[k] == "who" else next(
        (n for n in range(3) if toks[k + 1 + n : k + 2 + n] and toks[k + 1 + n] in _DO | _BE), 0
    )
    after = toks[k + 1 + nouns : k + 2 + nouns]
    if not after:
        return None
    if after[0] in _DO:
        return _Asked("object", k, _last_content(toks, k + 1 + nouns))
    if after[0] in _BE and "by" in toks[k + 2 + nouns :]:
        by = len(toks) - 1 - toks[::-1].index("by")
        if all(not t.isalnum() for t in toks[by + 1 :]):
            return _Asked("subject", k, _last_content(toks, k + 1 + nouns))  # "Who was Brutus killed by?"
        return _Asked("object", k, _first_content(toks, k + 1 + nouns))  # "Who was killed by Brutus?"
    if after[0].isalpha() and after[0] not in FUNCTION_WORDS:
        return _Asked("subject", k, (k + 1,) if toks[k] == "who" else (k + 1, k + 2))
    return None


def _asks_for(toks: list[str]) -> _Asked | None:
    """Whether a question's first person-or-thing question word asks for the subject or the object, and its place: the
    word's case ("wer" / "wen", "кто" / "кого", "какая" / "какую", first "welcher" / "welchen") unless a preposition
    makes it the agent ("by whom", "von wem"); Spanish "a quién" / "a qué" (the personal "a" marks the object) against
    "quién" or a first "qué" before a content word; English by `_english`; Chinese "谁" first against last ("谁杀了布鲁图斯" /
    "布鲁图斯杀了谁", not beside "是") or after 把 (the object) or 被 (the agent). None when the shape says neither ("Who
    is ...?", "What about ...?", "谁是李白").""" 
    for k, t in enumerate(toks):
        agent = k > 0 and toks[k - 1] in _AGENT_BEFORE
        if t in _OBJECT_WORDS or (k == 0 and t in _FIRST_OBJECT_WORDS):
            # English "whom did X defeat?" writes its verb bare, "Who defeated X?" in its tense (rule format 23)
            do = t == "whom" and toks[k + 1 : k + 2] and toks[k + 1] in _DO
            # the agent last ("Brutus was killed by whom?"): the participle stands before its "by" (nc31)
            verbs = (_last_content(toks, k) or _last_content(toks[: k - 1], -1)) if agent else _last_content(toks, k) if do else ()
            return _Asked("subject" if agent else "object", k, verbs)
        if t in _SUBJECT_WORDS or (k == 0 and t in _FIRST_SUBJECT_WORDS) or t in ("quien", "quienes"):
            if toks[k + 1 : k + 2] and toks[k + 1] in _PASSIVE and _AGENT_AFTER.intersection(toks[k + 2 :]):
                return _Asked("object", k, _first_content(toks, k + 1) + _last_content(toks, k + 1))  # the one killed
            if t not in ("quien", "quienes"):
                return _Asked("subject", k, (k + 1,))
        if t not in _OPEN_WORDS:
            continue
        if t in ("quien", "quienes", "que") and k > 0 and toks[k - 1] == "a":
            return _Asked("object", k)
        after = toks[k + 1 : k + 2]
        if t in ("谁", "誰"):
            if "是" in toks[max(k - 1, 0) : k + 2]:
                return None  # "谁是李白" / "李白是谁": who is, either way round
            if k > 0 and toks[k - 1] in _HAN_AGENT | _HAN_OBJECT:
                return _Asked("subject" if toks[k - 1] in _HAN_AGENT else "object", k)
            if k == 0 and after and after[0] in _HAN_AGENT:
                return _Asked("object", k)  # "谁被小明打了": whom Xiaoming hit
            if k == 0 and after and after[0].isalnum() and after[0] not in _TRAILING:
                return _Asked("subject", k)
            if k > 0 and all(x in _TRAILING or not x.isalnum() for x in toks[k + 1 :]):
                return _Asked("object", k)
            return None
        if t in ("quien", "quienes", "que"):
            if (t != "que" or k == 0) and after and after[0].isalpha() and after[0] not in FUNCTION_WORDS:
                return _Asked("subject", k, (k + 1,))
            return None
        if k > 0:
            return None  # a clause inside the question ("Can you explain what compound interest is?")
        return _english(toks, k)
    return None


def subject_object_swap(a: list[str], b: list[str]) -> bool:
    """True when one question's question word asks for the subject and the other's for the object of the same words
    ("Who did Brutus kill?" / "Who killed Brutus?", "What did the cat eat?" / "What ate the cat?", "¿A quién mató
    Bruto?" / "¿Quién mató a Bruto?", "Wen tötete Brutus?" / "Wer tötete Brutus?", "Кого убил Брут?" / "Кто убил
    Брута?"; since rule format 19 also a passive, "which N" and Chinese 把 / 被: "Who did Brutus kill?" / "Who was
    Brutus killed by?", "Which company bought Twitter?" / "Which company did Twitter buy?", "Какая компания купила
    Twitter?" / "Какую компанию купил Twitter?", "谁把小明打了？" / "小明把谁打了？": nc18 finding 5, served at 0.98-0.999
    by format 18): both question words ask for a person or a thing and are of one category, so `question_swap` cannot
    see it. Only when the two questions' content terms, the question words left out, are the same (`quantities.content_terms`:
    a word as its stem), or the same but for the verb each question's shape points to (English changes the verb's
    form with "did" and the passive: "killed" / "kill", "bought" / "buy"). A question worded otherwise around the
    question word is none ("Who wrote Hamlet?" / "Who did write Hamlet?": "did" stresses, the object is Hamlet in
    both; "Who killed Brutus?" / "By whom was Brutus killed?": both ask for the killer). Folded into `role_swap` since
    rule format 16."""
    ra, rb = _asks_for(a), _asks_for(b)
    if ra is None or rb is None or ra.role == rb.role:
        return False

    def rest(toks: list[str], skip: tuple[int, ...]) -> list[str]:  # a passive's auxiliary left out ("wurde", "fue")
        return sorted(content_terms([t for i, t in enumerate(toks) if i not in skip and t not in _PASSIVE]))

    if rest(a, (ra.at,)) == rest(b, (rb.at,)):
        return True
    return any(rest(a, (ra.at, u)) == rest(b, (rb.at, v)) for u in ra.verbs for v in rb.verbs)
