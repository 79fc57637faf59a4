"""Negation as the hit decision reads it: "Is coffee bad for you?" and "Is coffee not bad for you?" ask
opposite things, while a negative yes/no question ("Isn't coffee harmful?") or a tag ("..., or not?") asks the same
one. `negation_change` scores what differs; a negation put in where the two questions differ is a veto.
"""

from __future__ import annotations

from collections.abc import Iterable

from velo.cache import alignment, comparisons, opposites, verb_forms
from velo.cache.text import FUNCTION_WORDS, HAN, stem

# Words that negate a question, per language ("n't" is split off by the tokenizer into "t").
_NEGATIONS = frozenset(
    {
        "not", "no", "never", "without", "nor", "t", "cannot", "dont", "doesnt", "isnt", "arent", "cant",
        "nunca", "sin", "tampoco", "ni",  # es ("no" above)
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne",  # de
        "не", "нет", "ни", "никогда", "без", "безо", "нельзя",  # ru
        "不", "没", "別", "别", "无", "無", "非", "勿", "未",  # zh: single characters, as tokenized
    }
)


def is_negated(toks: Iterable[str]) -> bool:
    return any(t in _NEGATIONS for t in toks)


_CONTRACTED = frozenset("isn aren wasn weren don doesn didn haven hasn hadn won wouldn shouldn couldn mustn ain".split())
"""English auxiliaries before a split-off "n't" ("isn't" is the tokens "isn", "t")."""
_TAG_OPENERS = frozenset("or o oder или 还是 還是".split())


_TAG_PRONOUNS = frozenset("i you he she it we they there this that".split())


def _tag_after(rest: list[str]) -> bool:
    """Whether what follows an "n't" ends a question tag: nothing, or a pronoun perhaps with "think" ("..., isn't it?",
    "..., don't you think?"). Before lk40 any "n't" among a question's last three tokens was a tag, so "Who didn't write
    Hamlet?" and "Why doesn't it work?" were read as asking either way."""
    return not rest or (rest[0] in _TAG_PRONOUNS and rest[1:] in ([], ["think"]))


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
    if t == "t" and toks[k - 1 : k] and toks[k - 1] in _CONTRACTED and _tag_after(toks[k + 1 :]):
        return True
    if t in ("不", "没", "沒") and all(x in FUNCTION_WORDS for x in toks[k + 1 :]) and toks[k : k + 2] != ["不", "了"]:
        return True  # a tag at the end: "你吃饭了没有", "去不"; not "帮不了我", cannot help (recall44)
    return t in ("不", "没", "沒") and 0 < k < len(toks) - 1 and toks[k - 1] == toks[k + 1]


_NEGATING_PREFIXES = ("des", "dis", "non", "un", "de", "in", "im", "il", "ir", "не", "без", "бес")
"""Prefixes that turn a word into its opposite: "uncooked" / "ungekocht", "deinstallieren", "desinstalar", "disable",
"illegal", "неправильно", "безопасно"."""


_NOT_NEGATED = tuple(
    """discover discuss dismiss display dispos dispatch district distinct disgust disease discount dispens
    detail design depart deport depress deposit depend demand decid defin defend deliver describ desir deserv determin
    devot derive decline denot detras
    invest install inform invent intend insight inside income index import impress improv impart impose inflamm invaluab
    irradiat unravel
    desarroll descubr desayun despert destac despach despedi
    """.split()
)
"""Beginnings of words whose first letters are a negating prefix's but which are no negation of the rest: "discover" /
"cover", "display" / "play", "install" / "stall", "detrás" / "tras", "desarrollar" / "arrollar", "descubrir" /
"cubrir"; "inflammable" / "flammable" and "invaluable" / "valuable" even mean the same. ("understand" is no "un-":
its rest "derstand" is no word.)"""


_LATIN_IN = ("in", "im", "il", "ir")
"""Latin "in-" and its forms, mostly an adjective's ("invalid", "impossible", "illegal") and as often a verb's own
beginning ("indicar" / "dicar", "inform"): read only where the word alone was replaced (`_negated_in`)."""


def _negated_word(x: str, y: str, prefixes: tuple[str, ...] = _NEGATING_PREFIXES) -> bool:
    """Whether `x` is `y` with a negating prefix ("ungekochter" / "gekochter", "deinstalliere" / "installiere",
    "неправильный" / "правильная", "disconnect" / "connect"): the rest has at least four letters and the same stem as
    `y`, and `x` is none of the `_NOT_NEGATED` words ("discover" / "cover")."""
    return not x.startswith(_NOT_NEGATED) and any(
        x.startswith(p) and len(x) - len(p) >= 4 and stem(x[len(p) :]) == stem(y) for p in prefixes
    )


def _negated_in(a: list[str], b: list[str], ops: list[tuple[str, int, int, int, int]]) -> bool:
    """Whether, where two token lists differ (`ops`: difflib's non-equal opcodes, at most 3 tokens a side), one word is
    the other with a negating prefix (`_negated_word`): "connect to" / "disconnect from", "install" / "uninstall", "lock"
    / "unlock", "activar" / "desactivar". Not where the other side negates in a word ("not likely" / "unlikely": the
    same question). In a stretch of more than one word a side, Latin "in-" is not read (`_LATIN_IN`: "dices" / "me
    indicas" is a rewording)."""
    for op, i1, i2, j1, j2 in ops:
        if op != "replace" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        if any(t in _NEGATIONS for t in a[i1:i2] + b[j1:j2]):
            continue
        alone = i2 - i1 == j2 - j1 == 1
        prefixes = _NEGATING_PREFIXES if alone else tuple(p for p in _NEGATING_PREFIXES if p not in _LATIN_IN)
        for x in a[i1:i2]:
            for y in b[j1:j2]:
                if x not in b[j1:j2] and y not in a[i1:i2] and (_negated_word(x, y, prefixes) or _negated_word(y, x, prefixes)):
                    return True
    return False


_QUANTIFIERS = {
    "all": """all every each todos todas cada alle jeder jede jedes jeden jedem все каждыи каждая каждое каждого каждому
        所有 每 每个 每個 全部 一切""",
    "most": """most mayoria meisten большинство 大多数 大多數 大部分""",
    "some": """some several algunos algunas varios varias einige manche mehrere некоторые несколько 有些 有的 一些 某些""",
    "any": "any irgendwelche irgendein irgendeine irgendeinen",
}
"""Quantifiers by how much of a kind they speak of, folded ("mayoría" is "mayoria", "каждый" is "каждыи"; Han words
matched character by character, longest first): "all" / "most" / "some" put in each other's place ask another question
("Can all birds fly?" / "Can some birds fly?", "所有的鸟都会飞吗？" / "有些鸟会飞吗？"). "any" asks what "some" asks (a
rewording says "any" for "some": "Are there any ..." / "Are there some ...": `_SAME_SHARE`), and another share than
"all" ("Do all birds fly?" / "Do any birds fly?": nc43, 0.984 served by format 33). Not "todo" / "alles" (everything;
Russian "всё" is folded into "все"). Rule format 23."""
_SAME_SHARE = {"any": "some"}
"""Kinds of `_QUANTIFIERS` that speak of the same share as another."""
QUANTIFIER_WORDS = frozenset(w for ws in _QUANTIFIERS.values() for w in ws.split() if not HAN.match(w))
"""The quantifiers of `_QUANTIFIERS` written as one token ("all", "alle", "todos", "все"; not the Han words, read
character by character): words that may stand before two arguments exchanged as neighbours ("Are all squares
rectangles?": `velo.cache.order._neighbours_exchanged`, rule format 25)."""
_QUANTIFIER_PHRASES = sorted(
    ((tuple(w) if HAN.match(w) else (w,), kind) for kind, ws in _QUANTIFIERS.items() for w in ws.split()),
    key=lambda pk: -len(pk[0]),
)


_QUANTIFIERS_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _kind in _QUANTIFIER_PHRASES:
    _QUANTIFIERS_BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _kind))
"""`_QUANTIFIER_PHRASES` by each phrase's first token, longest first."""


def _quantified(toks: list[str]) -> tuple[set[str], list[str]]:
    """The kinds of quantifier (`_QUANTIFIERS`) in `toks`, and `toks` without them."""
    kinds, rest, i = set(), [], 0
    while i < len(toks):
        for phrase, kind in _QUANTIFIERS_BY_FIRST.get(toks[i], ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                kinds.add(kind)
                i += len(phrase)
                break
        else:
            rest.append(toks[i])
            i += 1
    return kinds, rest


def quantifier_change(a: list[str], b: list[str]) -> bool:
    """Whether two questions with the same content words speak of another share of a kind: each has a quantifier and
    one has a kind the other has not ("Can all birds fly?" / "Can some birds fly?", "¿Pueden volar todas las aves?" /
    "¿Pueden volar algunas aves?", "Können alle Vögel fliegen?" / "Können einige Vögel fliegen?", "Все ли птицы умеют
    летать?" / "Некоторые птицы умеют летать?", "所有的鸟都会飞吗？" / "有些鸟会飞吗？": a quantifier is a function word, so
    the content-word features do not see it; the model scored them 0.70-0.89). A quantifier one side adds ("Can birds
    fly?" / "Can all birds fly?") is left to the model. Rule format 23. "any" is the share "some" is (`_SAME_SHARE`):
    "Do all birds fly?" / "Do any birds fly?" asks another (after format 33, nc43), "any" / "some" the same."""
    (ka, ra), (kb, rb) = _quantified(a), _quantified(b)
    ka, kb = ({_SAME_SHARE.get(k, k) for k in kinds} for kinds in (ka, kb))
    if not ka or not kb or ka == kb:
        return False
    return _plain_content(ra) - {"都"} == _plain_content(rb) - {"都"}


def _plain_content(toks: list[str]) -> set[str]:
    """The stems of the content words, negations and English auxiliaries before "n't" left out."""
    return {stem(t) for t in toks if t not in FUNCTION_WORDS and t not in _NEGATIONS and t not in _CONTRACTED}


def _uninflected(x: list[str], y: list[str]) -> list[str]:
    """The tokens of `x` whose stem no token of `y` has: a word a preposition put in another case ("с алкоголем" /
    "без алкоголя", "mit Zucker" / "ohne Zucker") is the same word on both sides."""
    stems = {stem(t) for t in y}
    return [t for t in x if stem(t) not in stems]


def _negations(toks: list[str], i1: int, i2: int) -> list[int]:
    return [k for k in range(i1, i2) if toks[k] in _NEGATIONS and not _asks_either_way(toks, k)]


def _negated_verb_form(a: list[str], b: list[str]) -> bool:
    """Whether one question is the other with a negation put in and its verb in another form, nothing else but function
    words and auxiliaries changed (lk40, newcomer nc32): "Who wrote Hamlet?" / "Who did not write Hamlet?" ("didn't",
    "has not written"), "Wer schrieb Hamlet?" / "Wer hat Hamlet nicht geschrieben?", "¿Quién escribió Hamlet?" / "¿Quién
    no ha escrito Hamlet?", "Кто написал Гамлета?" / "Кто не писал Гамлета?" (`velo.cache.verb_forms.same_verb`). The
    verbs' stems differ, so `_plain_content` found another content word and the pair was left to the model (0.959-0.969
    by rule format 30), or the same stem in two places ("Wer entdeckte Amerika?" / "Wer hat Amerika nicht entdeckt?":
    the negation stands apart from the verb that changed, which the stretch-by-stretch reading below does not join). The
    negated side has one negation that does not only shape a yes/no question
    (`_asks_either_way`: "Didn't Shakespeare write Hamlet?" asks what "Did ...?" asks), the other none."""
    na, nb = _negations(a, 0, len(a)), _negations(b, 0, len(b))
    if len(na) + len(nb) != 1 or any(t in _NEGATIONS for t in (b if na else a) if t != "t"):
        return False
    x, y = (a, b) if na else (b, a)
    sx, sy = {stem(t) for t in x}, {stem(t) for t in y}

    def content(toks: list[str], others: set[str]) -> list[str]:
        # an auxiliary before "n't" is none ("won" of "won't", not "Who won ...?")
        return [
            t for i, t in enumerate(toks)
            if not (t in FUNCTION_WORDS or t in _NEGATIONS or t in verb_forms.AUXILIARIES or toks[i + 1 : i + 2] == ["t"])
            and stem(t) not in others
        ]

    only_x, only_y = content(x, sy), content(y, sx)
    if not only_x and not only_y:
        return True  # one stem in two forms ("entdeckte" / "entdeckt"), the negation apart from the stretch that changed
    return len(only_x) == len(only_y) == 1 and verb_forms.same_verb(only_x[0], only_y[0])


def negation_change(a: list[str], b: list[str]) -> float:
    """How negation differs between two token lists.

    1.0: *a negation put in* -- where the two questions differ (difflib's alignment), one side has only a
    negation and function words and the other only function words, a content word in another case apart ("Is coffee
    bad for you?" / "Is coffee not bad for you?", "有害" / "无害", "with" / "without", "с алкоголем" / "без алкоголя":
    `_uninflected`) while the two have the same content words and not as many negations, or a word replaced by itself with a negating prefix ("gekochter"
    / "ungekochter", "installiere" / "deinstalliere", "правильно" / "неправильно", "connect to" / "disconnect from":
    `_negated_in`), or a negation put in with the verb in another form ("wrote" / "did not write": `_negated_verb_form`),
    or an action put in the opposite
    direction by a prefix or particle ("включить" / "выключить", "turn on" / "turn off", "schalte ... ein" / "... aus",
    "打开" / "关闭": `opposites.opposite_action`), a converse verb with the same people in the same places ("lend" /
    "borrow": `opposites.converse_action`) or a quantifier of another share ("all" / "some": `quantifier_change`; rule
    format 23): the opposite question, whatever the wording around it.
    A negation that only shapes a yes/no question is not counted ("Is coffee harmful?" / "Isn't coffee harmful?",
    "..., or not?", "要不要"): see `_asks_either_way`.
    0.5: exactly one question is negated otherwise (a rewording may say "without X" for "no X needed"),
    weighed by the hit rule.
    0.0: both or neither negated.
    """
    if opposites.alternatives_exchanged(a, b):
        return 0.0  # "mit Milch oder ohne" / "ohne Milch oder mit": the same alternatives in another order
    ops = alignment.changes(a, b)
    if _negated_in(a, b, ops):
        return 1.0  # a word replaced by itself with a negating prefix ("connect to" / "disconnect from")
    if opposites.opposite_action(a, b, ops) or opposites.relations_exchanged(a, b) or opposites.converse_action(a, b, ops):
        return 1.0  # an action in the opposite direction ("включить" / "выключить", "turn on" / "turn off"), a converse
    if comparisons.opposite_comparison(a, b):
        return 1.0  # "Is light faster than sound?" / "... slower than sound?" (after format 33, nc43)
    if quantifier_change(a, b):
        return 1.0  # "all" / "some" (rule format 23)
    if _negated_verb_form(a, b):
        return 1.0  # "Who wrote Hamlet?" / "Who did not write Hamlet?": the verb in its other form (lk40)
    # A negation moved or written otherwise ("nicht mein WLAN" / "mein WLAN nicht", "does not" / "doesn't") is none put
    # in; nor is one beside other words ("can't" / "unable": the model weighs that).
    if len(_negations(a, 0, len(a))) == len(_negations(b, 0, len(b))) or _plain_content(a) != _plain_content(b):
        return 0.5 if is_negated(a) != is_negated(b) else 0.0
    for op, i1, i2, j1, j2 in ops:
        for (x, x1, x2), (y, y1, y2) in (((a, i1, i2), (b, j1, j2)), ((b, j1, j2), (a, i1, i2))):
            if (
                _negations(x, x1, x2)
                and not any(t in _NEGATIONS for t in y[y1:y2])
                and all(t in FUNCTION_WORDS or t in _NEGATIONS or t in _CONTRACTED for t in _uninflected(x[x1:x2], y[y1:y2]))
                and all(t in FUNCTION_WORDS or t in _CONTRACTED for t in _uninflected(y[y1:y2], x[x1:x2]))
            ):
                return 1.0
    return 0.5 if is_negated(a) != is_negated(b) else 0.0
