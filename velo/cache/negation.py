"""Negation as the hit decision reads it: "Is coffee bad for you?" and "Is coffee not bad for you?" ask
opposite things, while a negative yes/no question ("Isn't coffee harmful?") or a tag ("..., or not?") asks the same
one. `negation_change` scores what differs; a negation put in where the two questions differ is a veto.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from velo.cache import opposites
from velo.cache.text import FUNCTION_WORDS, stem

# Words that negate a question, per language ("n't" is split off by the tokenizer into "t").
_NEGATIONS = frozenset(
    {
        "not", "no", "never", "without", "nor", "t", "cannot", "dont", "doesnt", "isnt", "arent", "cant",
        "nunca", "sin", "tampoco", "ni",  # es ("no" above)
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne",  # de
        "не", "нет", "ни", "никогда", "без", "нельзя",  # ru
        "不", "没", "別", "别", "无", "無", "非", "勿", "未",  # zh: single characters, as tokenized
    }
)


def is_negated(toks: Iterable[str]) -> bool:
    return any(t in _NEGATIONS for t in toks)


_CONTRACTED = frozenset("isn aren wasn weren don doesn didn haven hasn hadn won wouldn shouldn couldn mustn ain".split())
"""English auxiliaries before a split-off "n't" ("isn't" is the tokens "isn", "t")."""
_TAG_OPENERS = frozenset("or o oder или 还是 還是".split())


def _asks_either_way(toks: list[str], k: int) -> bool:
    """Whether the negation at `toks[k]` only shapes a yes/no question, which asks the same either way: a negative
    question's opener ("Isn't coffee harmful?", "¿No es malo?", "Не вреден ли кофе?"), a tag ("..., or not?",
    "¿o no?", "oder nicht?", "или нет?", "nicht wahr?", "..., isn't it?") or a Chinese A-not-A question ("要不要",
    "是不是", "有没有")."""
    t = toks[k]
    if (k == 1 and toks[0] in _CONTRACTED) or (k == 0 and t == "no"):
        return True
    if t == "не" and "ли" in toks[k + 1 : k + 4]:
        return True
    if (t == "no" and k == len(toks) - 1) or toks[k - 1 : k] and toks[k - 1] in _TAG_OPENERS or toks[k + 1 : k + 2] == ["wahr"]:
        return True  # "..., ¿no?", "..., or not?", "nicht wahr?" (a German "nicht" at the end is no tag: "Warum geht das nicht?")
    if t == "t" and toks[k - 1 : k] and toks[k - 1] in _CONTRACTED and k >= len(toks) - 3:
        return True
    if t in ("不", "没", "沒") and all(x in FUNCTION_WORDS for x in toks[k + 1 :]):
        return True  # a tag at the end: "你吃饭了没有", "去不"
    return t in ("不", "没", "沒") and 0 < k < len(toks) - 1 and toks[k - 1] == toks[k + 1]


_NEGATING_PREFIXES = ("des", "dis", "non", "un", "de", "in", "im", "il", "ir", "не", "без", "бес")
"""Prefixes that turn a word into its opposite: "uncooked" / "ungekocht", "deinstallieren", "desinstalar", "disable",
"illegal", "неправильно", "безопасно"."""


def _negated_word(x: str, y: str) -> bool:
    """Whether `x` is `y` with a negating prefix ("ungekochter" / "gekochter", "deinstalliere" / "installiere",
    "неправильный" / "правильная"): the rest has at least four letters and the same stem as `y`."""
    return any(
        x.startswith(p) and len(x) - len(p) >= 4 and stem(x[len(p) :]) == stem(y) for p in _NEGATING_PREFIXES
    )


def _plain_content(toks: list[str]) -> set[str]:
    """The stems of the content words, negations and English auxiliaries before "n't" left out."""
    return {stem(t) for t in toks if t not in FUNCTION_WORDS and t not in _NEGATIONS and t not in _CONTRACTED}


def _negations(toks: list[str], i1: int, i2: int) -> list[int]:
    return [k for k in range(i1, i2) if toks[k] in _NEGATIONS and not _asks_either_way(toks, k)]


def negation_change(a: list[str], b: list[str]) -> float:
    """How negation differs between two token lists.

    1.0: *a negation put in* -- where the two questions differ (difflib's alignment), one side has only a
    negation and function words and the other only function words ("Is coffee bad for you?" / "Is coffee not bad
    for you?", "有害" / "无害", "with" / "without") while the two have the same content words and not as many
    negations, or one word replaced by itself with a negating prefix ("gekochter"
    / "ungekochter", "installiere" / "deinstalliere", "правильно" / "неправильно"), or an action put in the opposite
    direction by a prefix or particle ("включить" / "выключить", "turn on" / "turn off", "schalte ... ein" / "... aus",
    "打开" / "关闭": `opposites.opposite_action`): the opposite question, whatever the wording around it.
    A negation that only shapes a yes/no question is not counted ("Is coffee harmful?" / "Isn't coffee harmful?",
    "..., or not?", "要不要"): see `_asks_either_way`.
    0.5: exactly one question is negated otherwise (a rewording may say "without X" for "no X needed"),
    weighed by the hit rule.
    0.0: both or neither negated.
    """
    ops = [o for o in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if o[0] != "equal"]
    for op, i1, i2, j1, j2 in ops:
        if op == "replace" and i2 - i1 == j2 - j1 == 1 and (_negated_word(a[i1], b[j1]) or _negated_word(b[j1], a[i1])):
            return 1.0
    if opposites.opposite_action(a, b, ops):
        return 1.0  # an action in the opposite direction ("включить" / "выключить", "turn on" / "turn off")
    # A negation moved or written otherwise ("nicht mein WLAN" / "mein WLAN nicht", "does not" / "doesn't") is none put
    # in; nor is one beside other words ("can't" / "unable": the model weighs that).
    if len(_negations(a, 0, len(a))) == len(_negations(b, 0, len(b))) or _plain_content(a) != _plain_content(b):
        return 0.5 if is_negated(a) != is_negated(b) else 0.0
    for op, i1, i2, j1, j2 in ops:
        for (x, x1, x2), (y, y1, y2) in (((a, i1, i2), (b, j1, j2)), ((b, j1, j2), (a, i1, i2))):
            if (
                _negations(x, x1, x2)
                and not any(t in _NEGATIONS for t in y[y1:y2])
                and all(t in FUNCTION_WORDS or t in _NEGATIONS or t in _CONTRACTED for t in x[x1:x2])
                and all(t in FUNCTION_WORDS or t in _CONTRACTED for t in y[y1:y2])
            ):
                return 1.0
    return 0.5 if is_negated(a) != is_negated(b) else 0.0
