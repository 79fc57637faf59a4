"""Opposite actions written with a direction prefix or a particle, as the hit decision reads them: "включить" /
"выключить", "einschalten" / "ausschalten", "enable" / "disable", "upload" / "download", "login" / "logout", "turn on"
/ "turn off", "schalte ... ein" / "schalte ... aus", "打开" / "关闭", "开灯" / "关灯", and "before" / "after" (rule format
17: `_RELATION_PAIRS`, "перед" / "после", "vor" / "nach", "之前" / "之后"). `negation.negation_change` scores such a
pair as a negation put in (1.0, a veto), and so a converse verb with the same people in the same places ("lend" /
"borrow", "buy" / "sell": `converse_action`, rule format 23). The activities a relation word orders, exchanged ("stretch
before running" / "run before stretching": `relation_arguments_exchanged`, rule format 25), are an exchange of roles
(`velo.cache.order.exchanged`). Opposites that are other words ("encender" / "apagar")
are left to the model.
"""

from __future__ import annotations

import functools

from velo.cache import alignment, persons
from velo.cache.text import FUNCTION_WORDS, HAN, shared_ends

_PREFIX_PAIRS = tuple(
    tuple(p.split("/"))
    for p in """
    en/dis en/de in/de in/ex im/ex in/out up/down over/under pre/post on/off max/min at/de ac/de as/de
    ein/aus an/aus auf/zu an/ab ein/ab auf/ab zu/ab hoch/herunter hoch/runter ver/ent hinein/hinaus herein/heraus rein/raus
    в/вы во/вы за/от за/рас за/раз под/от в/от при/от при/у за/вы
    sobre/sub
    """.split()
)
"""Prefixes of opposite direction, folded (й is и): "enable" / "disable", "encrypt" / "decrypt", "increase" / "decrease",
"include" / "exclude", "import" / "export", "input" / "output", "upload" / "download", "overestimate" / "underestimate",
"online" / "offline", "maximize" / "minimize", "attach" / "detach", "accelerate" / "decelerate"; "einschalten" /
"ausschalten", "anmachen" / "ausmachen", "aufmachen" / "zumachen", "anmelden" / "abmelden", "hochladen" /
"herunterladen", "verschlüsseln" / "entschlüsseln"; "включить" / "выключить", "войти" / "выйти", "вход" / "выход",
"закрыть" / "открыть", "заблокировать" / "разблокировать", "подключить" / "отключить", "включить" / "отключить",
"прийти" / "уйти"; "sobreestimar" / "subestimar" (es "desactivar" is a negating prefix: `negation`)."""
_SUFFIX_PAIRS = (("in", "out"), ("on", "off"), ("up", "down"))
"""Particles written onto their verb: "login" / "logout", "signin" / "signout", "checkin" / "checkout"."""
_PARTICLE_PAIRS = frozenset(
    frozenset(p.split("/")) for p in "on/off in/out up/down ein/aus an/aus auf/zu an/ab ein/ab hoch/runter".split()
)
"""Particles of opposite direction after the same verb ("turn on" / "turn off", "log in" / "log out", "zoom in" /
"zoom out") or, in German, ending the clause ("Wie schalte ich Bluetooth ein?" / "... aus?")."""
_HAN_PAIRS = frozenset(frozenset(p) for p in "开关 上下 入出 进出 升降 增减 启禁".split())
"""Han characters of opposite direction put in each other's place: "打开" / "关闭", "开灯" / "关灯", "上传" / "下传",
"登入" / "登出", "输入" / "输出", "升级" / "降级", "增加" / "减加", "启用" / "禁用"."""
_RELATION_PAIRS = frozenset(
    frozenset(p.split("/")) for p in "before/after antes/despues vor/nach bevor/nachdem перед/после до/после 前/后 前/後".split()
)
"""Words of opposite order in time put in each other's place: "before" / "after a workout", "antes" / "después de
entrenar", "vor" / "nach dem Training", "перед тренировкой" / "после тренировки", "до" / "после", "训练之前" / "之后",
"睡前" / "睡后" (folded: "después" is "despues"). A Han character only where it alone is replaced ("前" of "目前"
/ "后" of "然后" are other words)."""
_DIRECTION_PAIRS = frozenset(
    frozenset(p.split("/"))
    for p in """to/from into/from towards/from for/from above/below over/under inside/outside since/until since/till
    a/desde hacia/desde encima/debajo dentro/fuera desde/hasta
    nach/aus zu/von uber/unter innen/aussen seit/bis
    в/из во/из к/от над/под""".split()
)
"""Prepositions of opposite direction or side put in each other's place, one for one (folded: "über" is "uber",
"außen" is "aussen"): "Cheap flights to Paris" / "... from Paris" (served at 0.982 by format 30), "Vuelos baratos a
Madrid" / "... desde Madrid" (0.958), "Flüge nach Berlin" / "Flüge aus Berlin", "билеты в Москву" / "билеты из Москвы",
"above" / "below zero", "over" / "under 18", "a gift for" / "from my wife" (0.970), "days since" / "until Christmas". Not after a word of difference ("different from" / "different to": the
same question, `_DIFFERENT`), nor "for" / "from" after a word of protection or cure (`_GUARDED`). Since the lead's probe after format 30; "for" / "against" are left to the model ("a
vaccine for" / "against measles" is one vaccine), as are Chinese direction words, which are also verbs ("到", "从")."""
_DIFFERENT = ("differ", "distinct", "separat", "unterschied", "verschied", "distint", "diferent", "отлича", "различ")
"""Beginnings of words after which "from" and "to" say the same ("different from / to", "verschieden von / zu")."""
_GUARDED = ("protect", "cure", "remed", "medic", "safe", "shelter", "guard", "defen", "shield")
"""Beginnings of words after which "for" and "from" say the same to many writers ("a cure for / from cancer",
"protect yourself from / for the sun")."""
_NOT_CLOSING = frozenset("于系键注心")
"""关 before one of these is no closing (关于 about, 关系 relation, 关键 key, 关注 follow, 关心 care)."""


def _same_rest(x: str, y: str) -> bool:
    """Two word rests that are one word inflected: a common beginning of at least 3 letters that leaves at most 2 of
    the shorter ("abled" / "able", "ключить" / "ключите")."""
    n = 0
    for c, d in zip(x, y):
        if c != d:
            break
        n += 1
    return n >= max(3, min(len(x), len(y)) - 2)


def opposite_words(x: str, y: str) -> bool:
    """Whether `x` and `y` are one word with prefixes or particles of opposite direction ("enable" / "disable",
    "выключить" / "включить", "login" / "logout")."""
    for p, q in _PREFIX_PAIRS:
        for u, v in ((x, y), (y, x)):
            if u.startswith(p) and v.startswith(q) and _same_rest(u[len(p) :], v[len(q) :]):
                if not (v.startswith(p) and len(q) < len(p)):  # "выход" / "вход": в + ыход is no prefix of вы
                    return True
    for p, q in _SUFFIX_PAIRS:
        for u, v in ((x, y), (y, x)):
            if u.endswith(p) and v.endswith(q) and len(u) - len(p) >= 3 and u[: -len(p)] == v[: -len(q)]:
                return True
    return False


def _one_for_one(xs: list[str], ys: list[str], k: int, m: int) -> bool:
    """Whether `xs[k]` and `ys[m]` are put in each other's place and nothing else changed but one word's case ending
    (Russian "в Москву" / "из Москвы": `_same_rest`)."""
    if len(xs) != len(ys) or k != m or len(xs) > 2:
        return False
    return all(u == v or _same_rest(u, v) for i, (u, v) in enumerate(zip(xs, ys)) if i != k)


def _said_alike(a: list[str], k: int, y: str) -> bool:
    """Whether `a[k]` and `y`, prepositions of `_DIRECTION_PAIRS`, say the same after one of the two words before `a[k]`:
    a word of difference ("different from / to": `_DIFFERENT`), or for "for" / "from" one of protection or cure
    ("protect yourself from / for": `_GUARDED`)."""
    guarded = {a[k], y} == {"for", "from"}
    return any(w.startswith(_DIFFERENT) or (guarded and w.startswith(_GUARDED)) for w in a[max(0, k - 2) : k])


def _han_opposite(a: list[str], b: list[str], k: int, m: int) -> bool:
    x, y = a[k], b[m]
    if frozenset((x, y)) not in _HAN_PAIRS:
        return False
    return not any(t == "关" and s[i + 1 : i + 2] and s[i + 1] in _NOT_CLOSING for t, s, i in ((x, a, k), (y, b, m)))


def opposite_action(a: list[str], b: list[str], ops: list[tuple[str, int, int, int, int]]) -> bool:
    """Whether, where two token lists differ (`ops`: difflib's non-equal opcodes, at most 3 tokens a side), one puts
    an action in the opposite direction: a word with a prefix or particle of opposite direction (`opposite_words`), a
    particle of opposite direction after the same content word or ending both questions ("turn on" / "turn off",
    "Bluetooth ein?" / "Bluetooth aus?"), a Han character of opposite direction ("开" / "关", "上" / "下"), a word of
    opposite order in time (`_RELATION_PAIRS`: "before" / "after", "перед" / "после"), or a preposition of opposite
    direction or side, one for one (`_DIRECTION_PAIRS`: "to" / "from Paris", "above" / "below zero")."""
    for op, i1, i2, j1, j2 in ops:
        if op != "replace" or i2 - i1 > 3 or j2 - j1 > 3:
            continue
        for k in range(i1, i2):
            for m in range(j1, j2):
                x, y = a[k], b[m]
                if x in b[j1:j2] or y in a[i1:i2]:
                    continue
                if opposite_words(x, y) or _han_opposite(a, b, k, m):
                    return True
                if frozenset((x, y)) in _RELATION_PAIRS and (x.isalpha() and not HAN.fullmatch(x) or i2 - i1 == j2 - j1 == 1):
                    return True  # "before" / "after", "перед" / "после", "之前" / "之后"
                if frozenset((x, y)) in _DIRECTION_PAIRS and _one_for_one(a[i1:i2], b[j1:j2], k - i1, m - j1) and not _said_alike(a, k, y):
                    return True  # "to" / "from Paris", "a" / "desde Madrid", "в Москву" / "из Москвы"
                if frozenset((x, y)) in _PARTICLE_PAIRS and k == i1 and m == j1:
                    after_same = i1 > 0 and j1 > 0 and a[i1 - 1] == b[j1 - 1] and a[i1 - 1].isalpha() and a[i1 - 1] not in FUNCTION_WORDS
                    if after_same or (i2 == len(a) and j2 == len(b)):
                        return True
    return False


_CONVERSE = (
    (("lend", "lent"), ("borrow",)), (("teach", "taught"), ("learn",)), (("buy", "bought"), ("sell", "sold")),
    (("give", "gave", "given"), ("receiv",)),
    (("ensen",), ("aprend",)), (("compra", "compro", "compre"), ("vend",)), (("dar", "da", "dan", "dio", "dado"), ("recib",)),
    (("lehr", "beibring", "bringt"), ("lern",)), (("kauf", "gekauft"), ("verkauf",)), (("verleih",), ("ausleih",)),
    (("gebe", "gibt", "gibst", "gab", "gegeben"), ("bekomm", "erhalt", "erhielt")),
    (("покуп", "купи", "купл"), ("прода",)), (("преподава",), ("изуча",)),
    (("дать", "дал", "дает", "даст", "давать", "даю"), ("получ",)),
    (("prest",), ("pedirprestado",)), (("одолж", "одалжива"), ("заня", "займ", "занима")),
    (("дать", "дал", "дает", "даст", "давать", "даю"), ("взять", "взял", "возьм")),
    (("买", "買"), ("卖", "賣")), (("教",), ("学", "學")),
)
"""Converse verbs, folded: the same act seen from the other side ("lend" / "borrow", "teach" / "learn", "buy" / "sell",
"give" / "receive", "enseñar" / "aprender", "comprar" / "vender", "dar" / "recibir", "lehren" / "lernen", "kaufen" /
"verkaufen", "verleihen" / "ausleihen", "geben" / "bekommen", "покупать" / "продавать", "давать" / "получать", 买 / 卖,
教 / 学). Each form opens a word: a beginning of at least four letters takes any ending, a shorter form stands alone
("dar", "dio"; "da" not "dame"). Rule format 23; lend / borrow in es / de / ru since helper veto27 ("prestar" / "pedir
prestado", "одолжить" / "занять", "дать" / "взять в долг"; German "leihen" and Russian "одолжить" by `_directed`)."""

_ASK_OR_TAKE = ("pid", "ped", "tom")
"""Spanish "pedir" / "tomar" before "prestado": borrowing in two words (`_directed` writes them as one)."""
_REFLEXIVE = {"mir": "ich", "mich": "ich", "dir": "du", "dich": "du", "uns": "wir", "euch": "ihr"}
"""German pronouns that are reflexive beside their own subject ("Kann ich mir Geld leihen?": borrow; "Kannst du mir Geld
leihen?": lend, "mir" the one lent to); "sich" always is."""


def _directed(toks: list[str]) -> list[str]:
    """`toks` with a verb of lending whose direction the question's other words set written as the verb of that
    direction: German "leihen" is "ausleihen" (borrow) beside a reflexive pronoun (`_REFLEXIVE`) or "von" ("Kann ich
    mir von meinem Bruder Geld leihen?"), else "verleihen" (lend: "Kann ich meinem Bruder Geld leihen?", "Kannst du
    mir Geld leihen?"); Russian "одолжить" beside "у" (from) is "занять" ("одолжить деньги у брата", borrow); Spanish
    "pedir prestado" / "tomar prestado" is one word, "pedirprestado" (borrow). Lend / borrow in es / de / ru were
    served at 0.943-0.988 by format 26 (format 25's leftover)."""
    out, k = [], 0
    borrow_de = "von" in toks or "sich" in toks or any(p in toks and s in toks for p, s in _REFLEXIVE.items())
    from_ru = "у" in toks
    while k < len(toks):
        t = toks[k]
        if t.startswith("leih") and t.isalpha():
            out.append(("aus" if borrow_de else "ver") + t)
        elif from_ru and t.startswith(("одолж", "одалжива")):
            out.append("занять")
        elif t.startswith(_ASK_OR_TAKE) and k + 1 < len(toks) and toks[k + 1].startswith("prestad"):
            out.append("pedirprestado")
            k += 1
        else:
            out.append(t)
        k += 1
    return out


def _opens(word: str, forms: tuple[str, ...]) -> bool:
    return any(word == f or (len(f) >= 4 and word.startswith(f) and len(word) - len(f) <= 5) for f in forms)


def _opposed(opened_x: frozenset[tuple[int, int]], opened_y: frozenset[tuple[int, int]]) -> bool:
    """Whether words opening `opened_x` and words opening `opened_y` (`_forms_opened`) hold a verb and its converse."""
    return any((k, 1 - side) in opened_y for k, side in opened_x)  # one opens a form the other's converse is


@functools.lru_cache(maxsize=1 << 16)  # a pure function of one word, asked for each word of each replacement
def _forms_opened(word: str) -> frozenset[tuple[int, int]]:
    """The (index in `_CONVERSE`, side) of each form list `word` opens; none for "comprender", "comprobar" ...: other
    verbs than "comprar"."""
    if word.startswith(("compren", "comprom", "comprob", "compres")):
        return frozenset()
    return frozenset((k, side) for k, forms in enumerate(_CONVERSE) for side in (0, 1) if _opens(word, forms[side]))


def converse_action(a: list[str], b: list[str], ops: list[tuple[str, int, int, int, int]]) -> bool:
    """Whether `b` is `a` with a verb put in its converse (`_CONVERSE`) and nothing else changed but function words
    (the prepositions that go with it): "Should I lend money to my brother?" / "Should I borrow money from my
    brother?", "¿Puedo comprar una casa con mal crédito?" / "¿Puedo vender ...?", "Wie lerne ich Deutsch?" / "Wie
    lehre ich Deutsch?", "怎么买房？" / "怎么卖房？": the same people in the same places in the other role. With the people
    exchanged too ("Should my brother borrow money from me?") more than function words change: no veto, the model
    weighs it. Rule format 23. A verb of lending whose direction other words set is read in that direction
    (`_directed`: "Kann ich meinem Bruder Geld leihen?" / "Kann ich mir von meinem Bruder Geld leihen?"), and a person
    in another case is in the same place ("одолжить деньги брату" / "занять деньги у брата": `case_forms_alike`). Not when the
    two doers are known and differ (`velo.cache.persons.subject_person`, rule format 28): "Can you lend me your car?" /
    "Can I borrow your car?" is one loan; "Can I lend you my car?" / "Can I borrow your car?" stays vetoed."""
    doers = persons.subject_person(a), persons.subject_person(b)  # read before `_directed` joins "pido prestado"
    da, db = _directed(a), _directed(b)
    if (da, db) != (a, b):
        a, b = da, db
        ops = alignment.changes(a, b)
    found = False
    for op, i1, i2, j1, j2 in ops:
        xs, ys = a[i1:i2], b[j1:j2]
        # the forms each side's words open, joined: a word pair of the two sides is converse when the joins are (read
        # word by word, a replacement of n words a side had asked n^2 pairs: 64 million for 8,000 characters)
        opened_x, opened_y = (frozenset().union(*map(_forms_opened, side)) for side in (xs, ys))
        pair = op == "replace" and _opposed(opened_x, opened_y)
        either = opened_x | opened_y
        rest_x, rest_y = (
            [t for t in side if t not in FUNCTION_WORDS and t.isalnum() and not (pair and _opposed(_forms_opened(t), either))]
            for side in (xs, ys)
        )
        if (rest_x or rest_y) and not (len(rest_x) == len(rest_y) and all(map(case_forms_alike, rest_x, rest_y))):
            return False
        found = found or pair
    # the converse verb with its doer changed is the same act seen from the other side ("Can you lend me your car?" /
    # "Can I borrow your car?", "Kannst du mir Geld leihen?" / "Kann ich mir Geld von dir leihen?", "¿Me prestas
    # dinero?" / "¿Te pido prestado dinero?"): tester brk27's finding 4, rule format 28
    return found and not (0 < doers[0] != doers[1] > 0)


def case_forms_alike(u: str, v: str) -> bool:
    """Two words that may be one word in two cases: the same, or a common beginning of at least 2 letters that leaves
    at most 2 of the shorter ("сном" / "сна", "пробуждения" / "пробуждением")."""
    n = next((k for k, (c, d) in enumerate(zip(u, v)) if c != d), min(len(u), len(v)))
    return u == v or n >= max(2, min(len(u), len(v)) - 2)


def _argument(toks: list[str], at: int) -> str | None:
    """The word a relation word at `at` relates to: the first content word after it, past up to two function words
    ("перед сном", "antes de dormir", "vor dem Schlafen"), or for a Han relation word the character before it, past 之
    ("睡觉前", "跑步之前")."""
    if HAN.fullmatch(toks[at]):
        k = at - 1 - (toks[at - 1 : at] == ["之"])
        return toks[k] if k >= 0 and HAN.fullmatch(toks[k]) else None
    return next((t for t in toks[at + 1 : at + 4] if t not in FUNCTION_WORDS and t.isalpha()), None)


def relations_exchanged(a: list[str], b: list[str]) -> bool:
    """Whether two questions that both hold two words of opposite order in time (`_RELATION_PAIRS`) attach them to each
    other's arguments: "Что нужно сделать перед сном и после пробуждения?" / "... после сна и перед пробуждением?"
    (nc18 finding 6, served at 0.991 by format 18), "before sleeping and after waking up" / "after sleeping and before
    waking up", "睡觉前和起床后" / "睡觉后和起床前". Not clauses reordered with their arguments ("before running and
    after swimming" / "after swimming and before running"), nor alternatives (`alternatives_exchanged`)."""
    for pair in _RELATION_PAIRS:
        x, y = sorted(pair)
        if not all(w in a and w in b for w in (x, y)):
            continue
        ax, ay, bx, by = _argument(a, a.index(x)), _argument(a, a.index(y)), _argument(b, b.index(x)), _argument(b, b.index(y))
        if None in (ax, ay, bx, by) or case_forms_alike(ax, ay):
            continue
        if case_forms_alike(ax, by) and case_forms_alike(ay, bx) and not case_forms_alike(ax, bx):
            return True
    return False


_RELATION_WORDS = frozenset().union(*_RELATION_PAIRS)


def _content(toks: list[str]) -> bool:
    return any(t not in FUNCTION_WORDS and t.isalpha() for t in toks)


def relation_arguments_exchanged(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with the two activities a word of order in time (`_RELATION_PAIRS`, the same one, once in
    each question) relates in each other's place, each run of up to 3 tokens perhaps in another form (`case_forms_alike`, word
    by word): "Should I stretch before running?" / "Should I run before stretching?", "Should I drink coffee before
    taking antibiotics?" / "Should I take antibiotics before drinking coffee?" (served at 0.99 by format 24:
    `order.exchanged` compares stems, and "running" is no form of "run" there), and German puts both after it, "Soll
    ich vor dem Laufen dehnen?" / "Soll ich vor dem Dehnen laufen?". The relation word stands between the two runs,
    or right before the first (past up to two function words). Rule format 25.

    Not an exchange: a clause moved with its argument ("Before running, should I stretch?"), the other relation word
    ("Should I run after stretching?" is the same question: `opposite_action` reads "before" / "after"), a word
    changed in its place ("before running" / "before a run")."""
    if len(a) != len(b) or a == b:
        return False
    rels = [r for r in _RELATION_WORDS if a.count(r) == 1 and b.count(r) == 1]
    if len(rels) != 1 or sum(a.count(r) for r in _RELATION_WORDS) != 1 or sum(b.count(r) for r in _RELATION_WORDS) != 1:
        return False
    start, end = shared_ends(a, b)
    ma, mb = a[start : len(a) - end], b[start : len(b) - end]
    n = len(ma)
    before = a[max(start - 3, 0) : start]
    for i in range(1, min(n - 1, 3) + 1):
        for j in range(1, min(n - i, 3) + 1):
            x, mid, y = ma[:i], ma[i : n - j], ma[n - j :]
            if mid != mb[j : n - i] or not (_content(x) and _content(y)):
                continue
            if not (all(map(case_forms_alike, x, mb[n - i :])) and all(map(case_forms_alike, y, mb[:j]))):
                continue
            if i == j and all(map(case_forms_alike, x, mb[:j])):
                continue  # each word alike in its own place: no exchange
            related = rels[0] in mid or (
                rels[0] in before and all(t in FUNCTION_WORDS for t in before[before.index(rels[0]) + 1 :])
            )
            if related:
                return True
    return False


_OR = frozenset("or o u oder или либо 或".split())
_HAN_OR = ("还是", "還是")


def alternatives_exchanged(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with two stretches of up to 3 tokens in each other's place across an "or" and nothing else
    changed: the alternatives of one question in another order ("Kaffee mit Milch oder ohne?" / "Kaffee ohne Milch
    oder mit?", "跑步之前还是之后" / "跑步之后还是之前", "before or after" / "after or before": nc18 finding 8, vetoed
    by formats 17-18 as a relation or a negation put in)."""
    if len(a) != len(b) or a == b:
        return False
    diff = [k for k, (x, y) in enumerate(zip(a, b)) if x != y]
    i, j = diff[0], diff[-1]
    n = next((n for n in range(1, 4) if j - i + 1 >= 2 * n and set(diff) <= set(range(i, i + n)) | set(range(j - n + 1, j + 1))), 0)
    if not n or a[i : i + n] != b[j - n + 1 : j + 1] or b[i : i + n] != a[j - n + 1 : j + 1]:
        return False
    between = a[i + n : j - n + 1]
    return bool(_OR.intersection(between)) or any(o in "".join(between) for o in _HAN_OR)
