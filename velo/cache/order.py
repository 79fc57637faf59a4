"""Arguments exchanged around a verb: the same words, two of them in each other's place, ask another question.

"Why did Germany invade Poland?" / "Why did Poland invade Germany?", "Did the cat chase the dog?" / "Did the dog chase
the cat?", "¿Por qué Alemania invadió Polonia?" / "¿Por qué Polonia invadió Alemania?", "为什么德国入侵波兰？" /
"为什么波兰入侵德国？": subject and object swapped, with no role word to show it (`velo.cache.roles` reads role words).
German puts both arguments side by side before a final verb ("Warum hat Deutschland Polen angegriffen?", "..., dass der
Hund die Katze jagt") or after a first verb ("Warum jagt der Hund die Katze?"): nothing stays between them, so
`_german_neighbours` reads that order on its own (rule format 16). Arguments with only function words between them
("Is a tomato a fruit?" / "Is a fruit a tomato?") and German compounds' modifiers ("Katzenfutter ... Hunde" /
"Hundefutter ... Katzen") since rule format 23; the only two content words of a yes/no question exchanged as neighbours
("Are all squares rectangles?" / "Are all rectangles squares?": `_neighbours_exchanged`) and the activities of "before"
exchanged in other forms ("stretch before running" / "run before stretching": `opposites.relation_arguments_exchanged`)
since rule format 25. Since rule format 30 `order_swap` is 0 for a reordering that keeps the question (`symmetric_reordering`:
commuted operands, joined items, alternatives, a symmetric relation's arguments), which `exchanged` also leaves alone;
after it the hit features read such a pair as the same words (`features._Pair.reordered_alike`), and Russian arguments
of a symmetric relation exchanged with their case endings count ("Чем кошки отличаются от собак?" / "Чем собаки
отличаются от кошек?": `_russian_cases_as`).
The hit features' `order_swap` (the same tokens in another order) is only a model feature, weighed among the rest,
and rule format 10 served them at 0.95-0.99; `exchanged` is part of the `role_swap` veto since rule format 11.
"""

from __future__ import annotations

import re
from collections import Counter

from velo.cache.negation import QUANTIFIER_WORDS
from velo.cache.numbers import is_number_token
from velo.cache.opposites import alternatives_exchanged, relation_arguments_exchanged
from velo.cache.question_words import question_words
from velo.cache.quantities import content_terms, term
from velo.cache.role_words import ASYMMETRIC_OPERATORS, COMMUTATIVE_OPERATORS, COORDINATORS, ROLE_MARKERS, numbers_commute
from velo.cache.roles import COMPARATIVES, symmetric_exchange, symmetric_term
from velo.cache.text import FUNCTION_WORDS, HAN, nfkc, one_beginning, shared_ends, tokens


_LONGEST = 3
"""The most terms each exchanged argument and what stays between them may have: a subject and an object are short
("Germany", "德 国", "the big cat") around a verb ("invade", "入 侵"). Longer stretches in each other's place are phrases a
rewording reorders ("写一首关于人工智能的诗，作者为李白" / "以李白为作者，写一首关于人工智能的诗", "请详细解释一下开源项目
OpenAssistant" / "OpenAssistant开源项目，详细说说": right hits of the oasst1 train rewordings)."""


def reordered(a: list[str], b: list[str]) -> bool:
    """The hit features' `order_swap`: the same tokens, each as often, in another order ("Is a tomato a fruit?" / "Is a
    fruit a tomato?"). A word repeated on one side only is no reordering ("你好" / "你好你好！", "When should I use
    'affect' and when 'effect'?" / "... and when should I use 'effect'?", "夸夸我" / "夸我"): rule formats up to 26
    compared the two token sets, so an added repeat read as the same words reordered (helper veto27, M6: 13 of the
    replay's 8,946 pairs)."""
    return a != b and Counter(a) == Counter(b)


_JOINED_BY = COORDINATORS | {"либо"}
"""Words that join two items alike ("cats and dogs", "Python or Java", "Python vs Java", "perros y gatos", "Katzen
und Hunde", "кошки и собаки", "猫和狗"): the items in each other's place are the same question."""
_HAN_JOINED_BY = ("还是", "還是", "或者", "以及")
"""Chinese joining words of two characters (each a token): "跑步还是游泳" / "游泳还是跑步"."""
_NOT_AN_ITEM = (ROLE_MARKERS - {"a", "de", "del", "al"}) | ASYMMETRIC_OPERATORS | _JOINED_BY
"""Tokens no joined item holds: an item that takes a role word's argument ("km to miles and feet" / "feet and km to
miles") or another join is a clause, not an item (Spanish "a" / "de" stay: "a la playa", "de México")."""
_NUMBERS_IN_ORDER = (
    "differ", "diferen", "unterschied", "разниц", "различ", "差", "ratio", "quotient", "cocient", "razon", "verhaltnis",
    "отношен", "比", "subtra", "rest", "minus", "menos", "divid", "teil", "дел", "вычт", "вычес", "отним", "除", "减",
)
"""Beginnings of words (folded; Chinese as written) after which two numbers are read in order: "the difference between
10 and 3" is 7, "between 3 and 10" is -7 (a difference of concepts, "HTML and CSS", is symmetric), a ratio, a
subtraction, a division."""


def _numbers_in_order(toks: list[str], moved: list[str]) -> bool:
    """Whether `moved` (the tokens two questions put in other places) holds a number and the question reads its numbers
    in order (`_NUMBERS_IN_ORDER`)."""
    return any(is_number_token(t) for t in moved) and any(
        t.startswith(_NUMBERS_IN_ORDER) or any(w in t for w in _NUMBERS_IN_ORDER if HAN.match(w)) for t in toks
    )


def _commuting_numbers(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with its numbers in another order and every other token in place, the numbers joined by one
    commutative operator (`role_words.numbers_commute`: "7 plus 8" / "8 plus 7", "3 × 4" / "4 × 3", "7加8" / "8加7",
    "7 умножить на 8"; not "3 plus 4 times 5", nor "Divide 10 by 2")."""
    return (
        len(a) == len(b)
        and all(x == y or (is_number_token(x) and is_number_token(y)) for x, y in zip(a, b))
        and numbers_commute(a) and numbers_commute(b)
    )


def _joined_exchange(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with two items of at most 3 tokens each, either side of a joining word (`_JOINED_BY`,
    `_HAN_JOINED_BY`), in each other's place and nothing else moved: "X and Y" / "Y and X", "X or Y?" / "Y or X?",
    "between the cat and the dog" / "between the dog and the cat", "猫和狗" / "狗和猫". An item holds no role word
    (`_NOT_AN_ITEM`)."""
    if len(a) != len(b):
        return False
    for k in range(1, len(a) - 1):
        m = 1 if a[k] in _JOINED_BY else 2 if "".join(a[k : k + 2]) in _HAN_JOINED_BY else 0
        for i in range(1, min(k, _LONGEST) + 1) if m else ():
            for j in range(1, min(len(a) - k - m, _LONGEST) + 1):
                x, y = a[k - i : k], a[k + m : k + m + j]
                if x != y and not _NOT_AN_ITEM.intersection(x + y) and b == a[: k - i] + y + a[k : k + m] + x + a[k + m + j :]:
                    return True
    return False


def _symmetric_arguments(a: list[str], b: list[str]) -> bool:
    """Whether `b` is `a` with two runs of at most `_LONGEST` content terms (`content_terms`) in each other's place, side
    by side or around what stays, in a question with a word of a symmetric relation anywhere (`roles.symmetric_term`)
    and no comparative: `roles.symmetric_exchange` and, with the relation after both arguments, "Ist Tom mit Anna
    verheiratet?" / "Ist Anna mit Tom verheiratet?"."""
    if symmetric_exchange(a, b):
        return True
    if COMPARATIVES.intersection(a) or COMPARATIVES.intersection(b):
        return False
    ca, cb = content_terms(a), content_terms(b)
    if ca == cb or sorted(ca) != sorted(cb) or not symmetric_term(ca):
        return False
    start, end = shared_ends(ca, cb)
    ma, mb = ca[start : len(ca) - end], cb[start : len(cb) - end]
    n = len(ma)
    adjacent = any(ma[:i] == mb[n - i :] and ma[i:] == mb[: n - i] for i in range(1, n) if max(i, n - i) <= _LONGEST)
    return adjacent or any(True for _ in _swapped_runs(ma, mb))


_ES_QUESTION_WORDS = frozenset("que cual cuales cuando cuanto cuanta cuantos cuantas donde adonde como quien quienes por".split())
"""Spanish question words (folded: "qué", "cuántos", "por qué"), which a topic may be put before."""


def topic_fronted(a: list[str], b: list[str]) -> bool:
    """Whether `a` is the Spanish question `b` with its topic put first (left dislocation): `b` opens with a question
    word, and `a` is `b` with the words after the question's stretch moved before it ("¿Messi cuántos años tiene?" /
    "¿Cuántos años tiene Messi?", "¿Cervantes cuándo nació?" / "¿Cuándo nació Cervantes?", "¿A César quién lo mató?"
    is also read by the model). Spanish marks a fronted object with "a", which moves with it, so the roles stay (after
    format 32; a newcomer's finding: 0.832 and 0.000 with the answer "the answer to {cached}"). Not a topic moved into
    the middle ("¿César a quién mató?" / "¿Quién mató a César?": other tokens), nor any English order ("is a tomato a
    fruit"): only a Spanish question word opens `b`."""
    if a == b or len(a) != len(b) or not b or b[0] not in _ES_QUESTION_WORDS:
        return False
    return any(a[k] == b[0] and a[k:] + a[:k] == b for k in range(1, len(a)))


def symmetric_reordering(a: list[str], b: list[str]) -> bool:
    """Whether two token lists that are the same tokens in another order (`reordered`) exchange what does not change the
    question: the operands of a commutative operator (`_commuting_numbers`: "7 plus 8" / "8 plus 7", "3 × 4" / "4 × 3"),
    two alternatives ("X or Y?" / "Y or X?", "Kaffee mit Milch oder ohne?" / "Kaffee ohne Milch oder mit?":
    `opposites.alternatives_exchanged`), two joined items (`_joined_exchange`: "Katzen und Hunde" / "Hunde und Katzen",
    "кошки или собаки", "猫和狗"), the arguments of a symmetric relation (`roles.symmetric_exchange`: "Is Tom married to
    Anna?" / "Is Anna married to Tom?", "similar to", "the distance between A and B", "Чем крокодил отличается от
    аллигатора?", "北京到上海的距离"). The hit features' `order_swap` is 0 for them (rule format 30; formats up to 29
    gave every reordering 1, so a right hit lost score for a word order that changes nothing), as the vetoes already
    leave them served (`roles.role_swap`, `exchanged`).

    Not symmetric: numbers read in order (`_numbers_in_order`: "the difference between 10 and 3" / "... 3 and 10", a
    difference of concepts is symmetric), a role word's arguments ("Convert 5 km to miles" / "... 5 miles to km"), an
    operation's operands ("Divide 10 by 2" / "... 2 by 10"), an "is-a" question ("Is a tomato a fruit?" / "Is a fruit a
    tomato?"), a comparative ("Is Tom older than Anna?").

    Russian arguments of a symmetric relation exchanged with their case endings are read by their words in either case
    (`_russian_cases_as`: "Чем кошки отличаются от собак?" / "Чем собаки отличаются от кошек?"), after format 30; only
    the symmetric relation's arguments, not joined items nor operands, which keep their case."""
    if not reordered(a, b):
        cased = _russian_cases_as(a, b)
        return cased != b and reordered(a, cased) and _symmetric_arguments(a, cased)
    if _numbers_in_order(a, [x for x, y in zip(a, b) if x != y] if len(a) == len(b) else a):
        return False
    return (
        _commuting_numbers(a, b) or alternatives_exchanged(a, b) or _joined_exchange(a, b) or _symmetric_arguments(a, b)
    )


def _russian_cases_as(a: list[str], b: list[str]) -> list[str]:
    """`b` with each Russian word `a` lacks written as the one word `a` has and `b` lacks that is the same word in another
    case (`_as_cased`, `_one_word`: a common beginning of at least 3 letters that leaves at most 2, or a fleeting vowel):
    ["чем", "собаки", "отличаются", "от", "кошек"] as ["чем", "кошки", ...] writes it -> ["чем", "собак", "отличаются",
    "от", "кошки"]. Russian marks an argument's role by its case, so two arguments exchanged change their endings: "Чем
    кошки отличаются от собак?" / "Чем собаки отличаются от кошек?" (vetoed by `exchanged` up to format 30), "Чем волк
    отличается от собаки?" / "Чем собака отличается от волка?" (0.849). `b` itself where a word only one side has is
    not Cyrillic, or has no one such word (a verb that agrees with another subject, "отличается" / "отличаются", is no
    case form: `_one_word` needs at most 2 letters left)."""
    in_a, in_b = set(a), set(b)
    only = [t for t in a if t not in in_b] + [t for t in b if t not in in_a]
    return _as_cased(a, b) if only and all(_CYRILLIC.fullmatch(t) for t in only) else b


_DE_ARTICLES = frozenset("der die das den dem des ein eine einen einem einer eines".split())
"""German articles: their case marks an argument's role, so one that changes with its noun's place ("der Hund die
Katze" / "die Katze den Hund") says the roles changed."""
_DE_NOMINATIVE_OR_ACCUSATIVE = frozenset("die das eine ein".split())
"""Articles alike in the nominative and the accusative: two nouns that keep them ("die Mutter das Kind" / "das Kind
die Mutter") say their roles by their order alone."""
_DE_CLAUSE = frozenset(
    """dass ob weil wenn obwohl nachdem bevor damit hat hatte haben hatten hast ist war sind waren wird wurde werden
    wurden kann konnte konnen soll sollte sollten will wollte muss musste darf durfte mochte mochten""".split()
)
"""Words after which German puts the arguments before the clause's final verb (verb-final order): subordinating
conjunctions and finite auxiliaries or modals ("weil Deutschland Polen angegriffen hat", "Warum hat Deutschland Polen
angegriffen?"), folded."""
_DE_QUESTION = frozenset("warum wieso weshalb wann wo wie was wen wem wer".split())
"""German question words, the finite verb right after them (verb-second: "Warum liebt Maria Peter?")."""


_CYRILLIC = re.compile(r"[а-яё]+")


_DE_NOUNS = frozenset("kind will gift".split())
"""German nouns that are English function words (folded): a word after an article ("das Kind") is a noun."""


def _noun_phrase(toks: list[str]) -> tuple[str | None, list[str]] | None:
    """(article or None, content words) when `toks` is one noun phrase of at most `_LONGEST` content words, else None."""
    art = toks[0] if toks and toks[0] in _DE_ARTICLES else None
    words = toks[1:] if art else toks
    if not 1 <= len(words) <= _LONGEST or any(
        (w in FUNCTION_WORDS and not (art and w in _DE_NOUNS)) or w in QUANTIFIER_WORDS or not w.isalpha() for w in words
    ):
        return None
    return art, words


def _same_phrase(x: list[str], y: list[str]) -> bool:
    """Whether two noun phrases' words are the same words, each perhaps in another case: an adjective's or a weak
    noun's ending follows the article ("der kleine Junge" / "den kleinen Jungen": nc18 finding 3, served at 0.99 by
    format 18)."""
    return len(x) == len(y) and all(u == v or _one_word(u, v) for u, v in zip(x, y))


def _german_neighbours(a: list[str], b: list[str]) -> bool:
    """True when two German noun phrases side by side are in each other's place where German puts subject and object
    next to each other (`exchanged` needs a term between them): before a final verb after a conjunction or auxiliary
    ("Warum hat Deutschland Polen angegriffen?" / "Warum hat Polen Deutschland angegriffen?", "dass der Hund die Katze
    jagt" / "dass die Katze den Hund jagt"), or after the finite verb of a question ("Warum jagt der Hund die Katze?" /
    "Warum jagt die Katze den Hund?").

    Since rule format 19 the phrases' words compare in any case (`_same_phrase`: "der kleine Junge das Mädchen" / "das
    Mädchen den kleinen Jungen"), and a noun after an article may be an English function word ("das Kind": `_DE_NOUNS`).
    Not an exchange: each noun keeps its article and the two articles differ, one of them not alike in the nominative
    and the accusative ("Wie gebe ich dem Kind die Medizin?" / "Wie gebe ich die Medizin dem Kind?": the case says the
    roles, so the order is a rewording; "die Mutter das Kind" / "das Kind die Mutter" is an exchange), a preposition in the
    stretch ("eine Datei in Python" / "in Python eine Datei"), English and other orders (no German clause word before
    bare nouns; adjectives swapped, "big red ball" / "red big ball", stay a rewording)."""
    start, end = shared_ends(a, b, _DE_ARTICLES)  # an article both first phrases share ("die Katze die Maus")
    ma, mb = a[start : len(a) - end], b[start : len(b) - end]
    if not start or len(ma) < 2 or len(ma) != len(mb) or len(ma) > 2 * (_LONGEST + 1):
        return False
    for i in range(1, len(ma)):
        j = len(mb) - i
        x1, x2, y2, y1 = _noun_phrase(ma[:i]), _noun_phrase(ma[i:]), _noun_phrase(mb[:j]), _noun_phrase(mb[j:])
        if None in (x1, x2, y1, y2) or not _same_phrase(x1[1], y1[1]) or not _same_phrase(x2[1], y2[1]):
            continue
        if x1[0] != y1[0] or x2[0] != y2[0]:
            return True  # an article changed its case with its noun's place
        if x1[0] != x2[0] and not {x1[0], x2[0]} <= _DE_NOMINATIVE_OR_ACCUSATIVE:
            return False  # each noun kept its own article: the case says the roles
        before = a[start - 1]
        verb_final = before in _DE_CLAUSE and end > 0 and a[-end] not in FUNCTION_WORDS and a[-end].isalpha()
        verb_second = start >= 2 and a[start - 2] in _DE_QUESTION and before not in FUNCTION_WORDS
        return verb_final or verb_second
    return False


def _commuted(x: list[str], y: list[str], toks: list[str]) -> bool:
    """Whether `x` and `y` are one number each and the question (its tokens `toks`) puts its numbers in any order
    (`roles.numbers_commute`: "7 times 8" / "8 times 7", "7乘8", "2 plus 3 plus 4" / "4 plus 3 plus 2"). With another
    operator the operands' order can matter through precedence: "3 plus 4 times 5" / "4 plus 3 times 5", "10 minus 2
    plus 3" / "10 minus 3 plus 2" (nc18 finding 1: served at 0.98 by format 17)."""
    return len(x) == len(y) == 1 and is_number_token(x[0]) and is_number_token(y[0]) and numbers_commute(toks)


_FLEETING = re.compile(r"(.+?)([еоя])([^аеиоуыэюяь])")
"""A Russian word whose last vowel drops or turns soft in its other cases (folded: ё is е, й is и): "пёс" / "пса",
"орёл" / "орла", "отец" / "отца"; an е or я may turn into ь or й: "лев" / "льва", "заяц" / "зайца", "боец" / "бойца"."""


def _forms(x: str) -> list[str]:
    """`x` and, for a Russian word with a fleeting vowel (`_FLEETING`), its stem in the other cases ("пес" -> "пс",
    "лев" -> "льв", "заяц" -> "заиц")."""
    m = _FLEETING.fullmatch(x)
    if not m or not _CYRILLIC.fullmatch(x):
        return [x]
    return [x, m[1] + m[3]] + ([m[1] + "ь" + m[3], m[1] + "и" + m[3]] if m[2] != "о" else [])


def _one_word(x: str, y: str) -> bool:
    """Whether two terms are one word in two cases: a common beginning of at least 3 letters that leaves at most 2 of
    each ("кошк" / "кошек", the stems of "кошки" / "кошек"; not "отлич" / "отличаетс", a noun and its verb), or one is
    the other's stem with its fleeting vowel gone (`_forms`: "пес" / "пса", "заяц" / "заица", "лев" / "льв": nc18
    finding 4, served at 0.97-0.98 by format 18) and at most 2 letters more."""
    if not (x.isalpha() and y.isalpha()) or HAN.search(x + y):
        return False
    if one_beginning(x, y):
        return True
    return any(v.startswith(u) and len(v) - len(u) <= 2 for s, t in ((x, y), (y, x)) for u in _forms(s)[1:] for v in (t,))


def _as_cased(ca: list[str], cb: list[str]) -> list[str]:
    """`cb` with each term `ca` lacks replaced by the one term `ca` has and `cb` lacks that is the same word in another
    case (`_one_word`): Russian marks an argument's role by its case, so an exchange changes both arguments' endings
    ("кошки боятся собак" / "собаки боятся кошек")."""
    only_a, only_b = [t for t in ca if t not in cb], [t for t in cb if t not in ca]
    to = {}
    for t in only_b:
        same = [u for u in only_a if _one_word(t, u)]
        if len(same) != 1 or same[0] in to.values():
            return cb
        to[t] = same[0]
    return [to.get(t, t) for t in cb]


def _cases_exchanged(a: list[str], b: list[str]) -> bool:
    """True when two Russian questions differ in exactly two words, each the same word in another case (`_one_word`),
    with a content word that stays between them: the cases exchanged the roles with the words in place ("Почему кошки
    боятся собак?" / "Почему кошек боятся собаки?"). Not a noun and its verb agreeing ("кошки боятся" / "кошка
    боится": side by side)."""
    if len(a) != len(b):
        return False
    diff = [k for k, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) != 2 or not all(_CYRILLIC.fullmatch(a[k]) and _CYRILLIC.fullmatch(b[k]) for k in diff):
        return False
    i, j = diff
    return all(_one_word(a[k], b[k]) for k in diff) and any(t not in FUNCTION_WORDS for t in a[i + 1 : j])


def exchanged(a: list[str], b: list[str], compounds: bool = True) -> bool:
    """True when the content terms of two token lists (`roles.content_terms`: function words left out, a unit as its
    name, a word as its stem) are the same, and one is the other with two runs of terms in each other's place around
    a run of at least one term that stays, each of the three at most `_LONGEST` terms ("germany invade poland" / "poland
    invade germany", "德 国 入 侵 波 兰" / "波 兰 入 侵 德 国").

    Russian arguments in another case count as the same terms (`_as_cased`: "Почему кошки боятся собак?" / "Почему
    собаки боятся кошек?"). Not an exchange: two numbers around a commutative operator ("7 times 8" / "8 times 7",
    `roles.COMMUTATIVE_OPERATORS`), two neighbours in each other's place ("the capital of France" / "France's capital":
    nothing stays between them), a phrase moved to the other end ("In Python, how do I read a file?" / "How do I read a file in
    Python?"), other content words on either side. German arguments side by side: `_german_neighbours`."""
    if alternatives_exchanged(a, b) or symmetric_reordering(a, b):
        return False  # "跑步之前还是之后" / "跑步之后还是之前", "喝茶还是喝咖啡" / "喝咖啡还是喝茶": the same question (format 30)
    if symmetric_exchange(a, b):
        return False  # "Python vs Java" / "Java vs Python": a symmetric relation's arguments (`roles.symmetric_exchange`)
    if _german_neighbours(a, b) or _cases_exchanged(a, b) or _exchanged_around_function_words(a, b):
        return True
    if _neighbours_exchanged(a, b) or relation_arguments_exchanged(a, b):
        return True  # "Are all squares rectangles?" / "Are all rectangles squares?" (rule format 25)
    if compounds and (split := _compounds_split(a, b)) is not None and exchanged(*split, compounds=False):
        return True  # "Katzenfutter ... Hunde" / "Hundefutter ... Katzen" (rule format 23)
    ca, cb = content_terms(a), content_terms(b)
    cb = _as_cased(ca, cb)
    if ca == cb or sorted(ca) != sorted(cb):
        return False
    start, end = shared_ends(ca, cb)
    ma, mb = ca[start : len(ca) - end], cb[start : len(cb) - end]
    n = len(ma)
    for i, j in _swapped_runs(ma, mb):
        if n - i - j <= _LONGEST:  # what stays between them is at most `_LONGEST` terms
            words = [t for t in a if t not in FUNCTION_WORDS]
            heads = words[start + i - 1], words[start + n - 1]  # the last word of each argument, as `a` writes it
            return not (_commuted(ma[:i], ma[n - j :], a) or _moved_in_their_cases(a, b, *heads))
    return False


def _swapped_runs(ma: list[str], mb: list[str]):
    """Every (i, j), each at most `_LONGEST`, such that `mb` is `ma` with its first i terms (A) and its last j terms (B)
    in each other's place around the same non-empty middle: A = ma[:i] is the end of mb, B = mb[:j] the end of ma.
    The one search `exchanged` and `_exchanged_around_function_words` both make; `ma` and `mb` have the same length."""
    n = len(ma)
    for i in range(1, min(n - 2, _LONGEST) + 1):
        if ma[:i] != mb[n - i :]:
            continue
        for j in range(1, min(n - i - 1, _LONGEST) + 1):
            if mb[:j] == ma[n - j :] and ma[i : n - j] == mb[j : n - i]:
                yield i, j


def _ending(word: str) -> str:
    """A Russian word's ending by its last letter, the vowels of one case paired (а/я, о/е, ы/и, у/ю); "" for a
    consonant (no ending: "кот", "собак")."""
    return next((v for v in ("ая", "ое", "ыи", "ую", "ь") if word[-1] in v), "")


def _moved_in_their_cases(a: list[str], b: list[str], x: str, y: str) -> bool:
    """Whether two Russian arguments `x` and `y` changed places with their forms and the two forms are of different
    cases (`_ending`): Russian word order is free and the case says the role, so "Почему кошки боятся собак?" /
    "Почему собак боятся кошки?" (nc18 finding 8, vetoed by formats 17-18) and "Почему кот любит собаку?" / "Почему
    собаку любит кот?" ask the same. Two forms alike ("Почему мать любит дочь?" / "Почему дочь любит мать?"), a
    neuter in -о / -е or a consonant beside a soft sign (nominative and accusative alike: "Почему время лечит сердце?",
    "Почему стол задевает дверь?") leave the order to say the roles: an exchange."""
    if sorted(a) != sorted(b) or not (_CYRILLIC.fullmatch(x) and _CYRILLIC.fullmatch(y)):
        return False
    endings = {_ending(x), _ending(y)}
    return len(endings) == 2 and "ое" not in endings and endings != {"", "ь"}


_JOINS = frozenset(
    """and or vs versus y o e u und oder и или либо with without con sin mit ohne с со без & / + plus
    和 与 與 或 跟 及 同 还 還""".split()
) | COMMUTATIVE_OPERATORS
"""Words between two arguments that join them alike ("cats and dogs", "Python or Java", "bleach with ammonia", "猫和狗",
"A还是B"): the arguments in each other's place are a rewording. Rule format 23."""


_ARTICLE_GENDERS = {"la": "el", "los": "el", "las": "el", "una": "un", "unos": "un", "unas": "un", "eine": "ein"}
"""Articles that agree with their noun's gender only, read as one ("el tomate" / "la fruta", "ein Obst" / "eine Tomate"):
not German articles whose case marks a role ("der" / "den")."""


def _exchanged_around_function_words(a: list[str], b: list[str]) -> bool:
    """True when `b` is `a` with two runs of at most `_LONGEST` tokens, each with a content word, in each other's place
    around function words only, every other token the same (`roles.term`: a unit as its name, a word as its stem):
    "Is a tomato a fruit?" / "Is a fruit a tomato?", "Who is my mother's brother?" / "Who is my brother's mother?",
    "Wie viele Megabyte hat ein Gigabyte?" / "Wie viele Gigabyte hat ein Megabyte?", "¿Cuántos caballos de fuerza tiene un
    kilovatio?" / "¿Cuántos kilovatios tiene un caballo de fuerza?", "番茄是水果吗？" / "水果是番茄吗？" (served at 0.97-1.0 by
    formats 21 and 22: `exchanged` needs a content word to stay between the arguments). Rule format 23.

    Not an exchange: arguments joined alike (`_JOINS`: "cats and dogs" / "dogs and cats"), two numbers (an operation's
    operands: `velo.cache.roles.exchanged_numbers`), neighbours (nothing between), Russian arguments moved with their
    cases (`_moved_in_their_cases`: "Почему мама любит папу?" / "Почему папу любит мама?"), a German article that
    changed with its noun (the case says the roles: `_german_neighbours`), a question word moved with its phrase ("How
    many GB is 5000 MB?" / "5000 MB is how many GB?")."""
    if len(a) != len(b) or a == b:
        return False
    ta, tb = [_ARTICLE_GENDERS.get(t, term(t)) for t in a], [_ARTICLE_GENDERS.get(t, term(t)) for t in b]
    start, end = shared_ends(ta, tb)
    ma, mb = ta[start : len(ta) - end], tb[start : len(tb) - end]
    n = len(ma)
    for i, j in _swapped_runs(ma, mb):
        middle = a[start + i : start + n - j]
        x, y = a[start : start + i], a[start + n - j : start + n]
        if (
            any(t not in FUNCTION_WORDS for t in middle) or any(t in _JOINS for t in middle)
            or all(t in FUNCTION_WORDS or is_number_token(t) for t in x)
            or all(t in FUNCTION_WORDS or is_number_token(t) for t in y)
            or question_words(x) or question_words(y)
        ):
            continue
        return not _moved_in_their_cases(a, b, x[-1], y[-1])
    return False


def _compounds_split(a: list[str], b: list[str]) -> tuple[list[str], list[str]] | None:
    """`a` and `b` with each pair of compounds in the same place that share their head split in two ("katzenfutter" /
    "hundefutter" -> "katzen futter" / "hunde futter"), so that their modifiers read as words: "Ist Katzenfutter
    schlecht für Hunde?" / "Ist Hundefutter schlecht für Katzen?" exchanges "Katzen" and "Hunde" (served at 0.995 by
    formats 21 and 22). None when no compound is split. Rule format 23."""
    if len(a) != len(b):
        return None
    out_a, out_b, split = [], [], False
    for x, y in zip(a, b):
        n = next((k for k in range(1, min(len(x), len(y))) if x[-k] != y[-k]), 0) - 1
        if x != y and n >= 4 and x.isalpha() and y.isalpha() and not HAN.search(x + y) and min(len(x), len(y)) - n >= 3:
            out_a += [x[:-n], x[-n:]]
            out_b += [y[:-n], y[-n:]]
            split = True
        else:
            out_a.append(x)
            out_b.append(y)
    return (out_a, out_b) if split else None


_COPULAS = frozenset("являются является".split())
"""Russian copulas that are no function words (folded: "является"), before the two arguments of "Являются ли все
квадраты прямоугольниками?"."""
_PLURAL_INSTRUMENTAL = ("ами", "ями")
"""Russian endings of the plural instrumental, the predicate's case after "являются" ("прямоугольниками"): a
nominative beside it ("квадраты", ending in a vowel `_ending` pairs with it) is another case."""


def _neighbours_exchanged(a: list[str], b: list[str]) -> bool:
    """True when `b` is `a` with its only two content words, side by side, in each other's place, after function
    words and quantifiers only and with no question word: "Are all squares rectangles?" / "Are all rectangles
    squares?", "Are whales fish?" / "Are fish whales?", "Sind alle Quadrate Rechtecke?", "¿Son todos los cuadrados
    rectángulos?" (Spanish articles read by gender: `_ARTICLE_GENDERS`), "Все квадраты — прямоугольники?" / "Все
    прямоугольники — квадраты?", and Russian words exchanged with their cases changed, "Являются ли все квадраты
    прямоугольниками?" / "Являются ли все прямоугольники квадратами?" (served at 0.96-0.97 by format 24: `exchanged`
    needs a term between the arguments, as "the capital of France" / "France's capital" reorders a rewording). The
    subject and the predicate of an "is-a" question: which is which is the question. Rule format 25.

    Not an exchange: a question word (a name in two orders, "Who is Xi Jinping?" / "Who is Jinping Xi?"), a third
    content word ("big red balls" / "red big balls": adjectives), nothing before the pair (a query of keywords, "python
    tutorial" / "tutorial python"), numbers (`_commuted`), Han characters (`exchanged` reads them: "正方形是长方形吗？"),
    Russian words moved with their cases ("Являются ли все квадраты прямоугольниками?" / "Являются ли все
    прямоугольниками квадраты?": `_moved_in_their_cases`, a plural instrumental beside a nominative)."""
    if len(a) != len(b) or a == b:
        return False
    ta, tb = [_ARTICLE_GENDERS.get(t, term(t)) for t in a], [_ARTICLE_GENDERS.get(t, term(t)) for t in b]
    diff = [k for k, (x, y) in enumerate(zip(ta, tb)) if x != y]
    if len(diff) != 2 or diff[1] != diff[0] + 1 or not diff[0]:
        return False
    k = diff[0]
    (x, y), (u, v) = a[k : k + 2], b[k : k + 2]
    if not all(w.isalpha() and w not in FUNCTION_WORDS and not HAN.search(w) for w in (x, y, u, v)):
        return False
    rest = a[:k] + a[k + 2 :]
    if any(t not in FUNCTION_WORDS and t not in QUANTIFIER_WORDS and t not in _COPULAS for t in rest) or question_words(rest):
        return False
    if (x, y) == (v, u):  # the same forms in each other's place
        instrumental = [w.endswith(_PLURAL_INSTRUMENTAL) for w in (x, y)]
        return not (_moved_in_their_cases(a, b, x, y) or instrumental[0] != instrumental[1])
    swapped = (ta[k] == tb[k + 1] or _one_word(x, v)) and (ta[k + 1] == tb[k] or _one_word(y, u))
    return swapped and not (_one_word(x, u) or _one_word(y, v))  # exchanged, their forms changed with their roles


_DASH = re.compile(r"\s[—–-]\s")
"""A dash between spaces: the Russian copula of "Киты — рыбы?" (the present of "to be" is not written)."""


def dash_exchanged(a: str, b: str) -> bool:
    """True when two Russian questions (as written: `tokens` drops the dash) are each two phrases around a copula dash
    (`_DASH`), the same two in each other's place: "Киты — рыбы?" / "Рыбы — киты?" (served at 0.974 by format 26: with
    nothing before the pair, `_neighbours_exchanged` reads two words as keywords), "Кит — рыба?" / "Рыба — кит?". The
    subject and the predicate of an "is-a" question, one content word each (as `_neighbours_exchanged`): which is which
    is the question. Not an identity ("Москва — столица России?" / "Столица России — Москва?": one thing named twice),
    two words without the dash ("погода москва" / "москва погода": keywords), nor words other than Russian (a dash
    between two names is a range or a pair elsewhere: "Berlin – München")."""
    pa, pb = _DASH.split(nfkc(a)), _DASH.split(nfkc(b))
    if len(pa) != 2 or len(pb) != 2:
        return False
    (x, y), (u, v) = (tokens(t) for t in pa), (tokens(t) for t in pb)
    words = [[t for t in side if t not in FUNCTION_WORDS and t not in QUANTIFIER_WORDS] for side in (x, y)]
    one_noun = all(len(w) == 1 and _CYRILLIC.fullmatch(w[0]) for w in words)
    return one_noun and x != y and (x, y) == (v, u) and not question_words(x + y)
