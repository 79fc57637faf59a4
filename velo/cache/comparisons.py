"""A comparison of two things as the hit decision reads it: its two arguments, the quality it compares and which way.

"Is the Earth bigger than Mars?" / "Is Mars larger than Earth?" asks the reverse question in a synonym, and "Is light
faster than sound?" / "Is light slower than sound?" the opposite one (a newcomer's finding, nc43, with format 33:
0.953-1.000, served, in English, Spanish, German, Russian and Chinese). `roles.role_swap` and `order.exchanged` read
the same comparative with its arguments exchanged, not a synonym, and no reader knew "faster" / "slower" for
opposites. Here each comparative is read as the quality it compares and its direction (`_QUALITIES`: "bigger",
"larger", "greater", "más grande", "mayor", "größer", "больше", "крупнее", 大 are all (size, +1); "smaller", "kleiner",
"меньше", 小 are (size, -1); "more expensive" and "cheaper" are (price, +1) and (price, -1)), and the two questions are
compared as (first argument, quality, direction, second argument):

* the same quality and direction, the arguments exchanged: the reverse question (`arguments_exchanged`, a `role_swap`
  veto);
* the same quality in the other direction, the same arguments: the opposite question (`opposite_comparison`, read by
  `negation.negation_change` as an opposite, 1.0, a veto);
* the other direction with the arguments exchanged ("Is the Earth bigger than Mars?" / "Is Mars smaller than Earth?")
  asks the same thing (whichever is bigger, the other is smaller; a yes answers both): not read, the model weighs it as
  before;
* the same comparison with its comparative alone put in a synonym of the very same qualities ("Земля больше Марса?" /
  "Земля крупнее Марса?", 0.900, a miss): the same words (`same_in_synonyms`, read by `features._alike`).

A comparison is read where a comparative stands right before its "than" ("bigger than", "more expensive than", "más
rápida que", "größer als"), in Russian before its second argument in the genitive or after "чем" ("Земля больше Марса",
"Свет быстрее, чем звук"), and in Chinese between 比's argument and the end ("地球比火星(更)大吗"); the first argument
is the content words before the comparative, the second those after its "than" (what both questions share after it, or
before the first, left out: "... in volume?"). Arguments compare word by word with a case ending apart ("Земля" /
"Земли", `opposites.case_forms_alike`). A comparison elsewhere in the sentence ("How much bigger is the Earth than Mars?",
"Which is bigger, Mars or Earth?", "ein größerer Planet als") is not read, nor a quality outside `_QUALITIES` but
"more X" / "less X" ("más X" / "menos X", "более X" / "менее X"), read as X's quality.

`degree_changed` reads one comparison asked to another degree (after rule format 33, a newcomer's finding, nc44: "Is
Python faster than C?" / "Is Python as fast as C?" 0.998, "Is a cheetah twice as fast as a lion?" / "Is a cheetah faster
than a lion?" 0.971, served): `graded` reads a comparative as above, an equality ("as fast as", "tan rápido como", "so
schnell wie", "так же быстр, как", "和C一样快", "有C那么快") with its plain adjective's quality (`_PLAIN`,
`_RUSSIAN_PLAIN`), and a multiplier before either ("twice", "two times", "el doble de", "doppelt so", "в два раза",
"вдвое") or, in Chinese, after the comparative ("大两倍"). The degrees are "than", "equal" and "x2" (a multiplied
comparison either way: "twice as fast as" and "two times faster than" are one degree); the same arguments, in place or
exchanged, and a quality both may mean, to another degree, are another question.
"""

from __future__ import annotations

from typing import NamedTuple

from velo.cache.opposites import case_forms_alike
from velo.cache.text import CYRILLIC, FUNCTION_WORDS, HAN, fold

_QUALITIES: dict[str, str] = {
    "size+": """bigger larger greater more mayor mayores grosser grossere mehr больше крупнее 大 多""",
    "size-": """smaller less fewer lesser menor menores kleiner weniger меньше мельче 小 少""",
    "speed+": "faster quicker schneller rascher быстрее скорее 快",
    "speed-": "slower langsamer медленнее 慢",
    "price+": "pricier costlier dearer teurer дороже 贵",
    "price-": "cheaper billiger gunstiger дешевле 便宜",
    "age+": "older elder mayor mayores alter старше 老",
    "age-": "younger junger menor menores младше моложе 年轻",
    "weight+": "heavier schwerer тяжелее 重",
    "weight-": "lighter leichter легче 轻",
    "quality+": "better mejor mejores besser лучше 好",
    "quality-": "worse peor peores schlechter хуже 差 坏",
    "height+": "taller higher hoher выше 高",
    "height-": "lower niedriger ниже 矮 低",
    "length+": "longer langer длиннее 长",
    "length-": "shorter kurzer короче 短",
    "strength+": "stronger starker сильнее 强",
    "strength-": "weaker schwacher слабее 弱",
    "heat+": "hotter warmer heisser горячее теплее 热",
    "heat-": "colder cooler kalter холоднее 冷",
    "difficulty+": "harder schwerer schwieriger сложнее труднее 难",
    "difficulty-": "easier leichter einfacher легче проще 容易 简单",
    "wealth+": "richer reicher богаче 富",
    "wealth-": "poorer armer беднее 穷",
}
"""Comparatives by the quality they compare and its direction, folded ("größer" is "grosser", "jünger" is "junger";
Han words as written): a word may compare two qualities (German "schwerer" heavier or harder, "leichter" and Russian
"легче" lighter or easier, Spanish "mayor" bigger or older)."""
_QUANTITY_WORDS = frozenset("more less fewer lesser mehr weniger 多 少".split())
"""Comparatives that compare an amount as often as a size ("Is Tom more than a friend?"): not a synonym of "bigger" to
`same_in_synonyms` (Russian "больше" before a genitive is "bigger than" as often, and is read)."""
_PLAIN: dict[str, str] = {
    "size+": "big large great grande grandes gross",
    "size-": "small little pequeno pequena pequenos pequenas klein",
    "speed+": "fast quick rapido rapida rapidos rapidas veloz schnell rasch",
    "speed-": "slow lento lenta lentos lentas langsam",
    "price+": "expensive costly caro cara caros caras teuer",
    "price-": "cheap barato barata baratos baratas billig gunstig",
    "age+": "old viejo vieja viejos viejas alt",
    "age-": "young joven jovenes jung",
    "weight+": "heavy pesado pesada pesados pesadas schwer",
    "weight-": "light ligero ligera ligeros ligeras liviano liviana leicht",
    "height+": "tall high alto alta altos altas hoch",
    "height-": "low bajo baja bajos bajas niedrig",
    "length+": "long largo larga largos largas lang",
    "length-": "short corto corta cortos cortas kurz",
    "strength+": "strong fuerte fuertes stark",
    "strength-": "weak debil debiles schwach",
    "heat+": "hot warm caliente calientes heiss",
    "heat-": "cold cool frio fria frios frias kalt",
    "difficulty+": "hard difficult dificil dificiles schwierig",
    "difficulty-": "easy facil faciles einfach",
    "wealth+": "rich rico rica ricos ricas reich",
    "wealth-": "poor pobre pobres arm",
}
"""Adjectives that "more" / "less" (`_MORE`, `_LESS`) make comparatives of, by the quality and direction of "more X":
"more expensive" is (price, +1), "less expensive" (price, -1), "más rápida" (speed, +1), "más lenta" (speed, -1); and
the plain adjectives of an equality ("as fast as", "so schnell wie": `_equality`), German ones folded ("groß" is
"gross")."""
_MORE = frozenset("more mas более".split())
_LESS = frozenset("less menos менее".split())
"""Words that make a comparative of the adjective after them (folded: "más" is "mas"); German inflects instead."""
_THAN = frozenset("than que als чем".split())
"""Words that open a comparison's second argument (Spanish "que" only after a comparative: it is also "that")."""
_HAN_DEGREE = frozenset("更还要")
"""Han characters that may stand between 比's second argument and the comparative ("比火星更大", "比我还高")."""
_NOT_COMPARING = frozenset("如较較赛賽例特喻分率方拟擬重利萨薩基尔爾亚亞")
"""Han characters after 比 that make it another word (比如 for example, 比较 rather, 比赛 a match, 比例, 比特, 比重) or a
name (比利时 Belgium, 比萨 pizza, 比基尼, 比尔 Bill, 比亚迪)."""
_HAN_LONGEST = 2


def _table(rows: dict[str, str]) -> dict[str, frozenset[tuple[str, int]]]:
    out: dict[str, set[tuple[str, int]]] = {}
    for quality, words in rows.items():
        for w in words.split():
            out.setdefault(w, set()).add((quality[:-1], 1 if quality.endswith("+") else -1))
    return {w: frozenset(qs) for w, qs in out.items()}


_COMPARATIVES = _table(_QUALITIES)
_ADJECTIVES = _table(_PLAIN)


class Comparison(NamedTuple):
    """One comparison of a question: its first and second arguments (content tokens), and the (quality, direction)
    pairs its comparative may mean (`_QUALITIES`: "bigger" is {("size", 1)})."""

    first: list[str]
    qualities: frozenset[tuple[str, int]]
    second: list[str]
    span: tuple[int, int]
    """Where the comparative stands among the tokens ("more expensive": two tokens)."""


_PERSONS = frozenset(
    """i me you he him she her we us they them yo mi ti tu el ella nosotros ellos ich mich mir du dich dir er ihn ihm sie
    wir uns я меня мне ты тебя тебе он его она ее мы нас они их 我 你 他 她 们""".split()
)
"""Personal pronouns, folded: an argument of a comparison though function words elsewhere ("Is my brother older than
me?")."""


def _content(toks: list[str]) -> list[str]:
    return [t for t in toks if (t not in FUNCTION_WORDS or t in _PERSONS) and t.isalnum()]


def _qualities(toks: list[str], end: int) -> tuple[int, frozenset[tuple[str, int]]] | None:
    """The start and qualities of the comparative ending right before `end` ("bigger", "more expensive", "más grande",
    "menos caro"), or None."""
    if end < 1:
        return None
    word = toks[end - 1]
    if end >= 2 and toks[end - 2] in _MORE | _LESS:
        plain = _ADJECTIVES.get(word)
        if plain is None and (word in FUNCTION_WORDS or not word.isalpha()):
            return None
        sign = 1 if toks[end - 2] in _MORE else -1
        # an adjective outside `_PLAIN` is its own quality: "more dangerous" / "less dangerous"
        qs = plain if plain is not None else frozenset({(word, 1)})
        return end - 2, frozenset((q, s * sign) for q, s in qs)
    if word in _COMPARATIVES:
        return end - 1, _COMPARATIVES[word]
    return None


def _han_comparison(toks: list[str]) -> Comparison | None:
    """A Chinese comparison "X比Y(更)ADJ": X the characters before 比, Y those up to the comparative."""
    if toks.count("比") != 1:
        return None
    k = toks.index("比")
    if toks[k + 1 : k + 2] and toks[k + 1] in _NOT_COMPARING or k and toks[k - 1] in "对對相无無好评評类類攀":
        return None
    for m in range(k + 2, len(toks)):
        for n in range(_HAN_LONGEST, 0, -1):
            word = "".join(toks[m : m + n])
            if len(word) == n and word in _COMPARATIVES and all(HAN.fullmatch(t) for t in toks[m : m + n]):
                second = toks[k + 1 : m]
                while second and second[-1] in _HAN_DEGREE:
                    second = second[:-1]
                first, second = _content(toks[:k]), _content(second)
                return Comparison(first, _COMPARATIVES[word], second, (m, m + n)) if first and second else None
    return None


def comparison(toks: list[str]) -> Comparison | None:
    """The one comparison `toks` (as `text.tokens` gives them) asks, or None where it asks none or several."""
    if any(HAN.fullmatch(t) for t in toks):
        return _han_comparison(toks)
    found: dict[int, Comparison] = {}  # by where the comparative starts: "быстрее, чем" is read once
    for i, t in enumerate(toks):
        if t in _THAN and (read := _qualities(toks, i)) is not None:
            found.setdefault(read[0], Comparison(_content(toks[: read[0]]), read[1], _content(toks[i + 1 :]), (read[0], i)))
        elif CYRILLIC.match(t) and toks[i + 1 : i + 2] != ["чем"]:
            # Russian: the second argument in the genitive right after the comparative ("Земля больше Марса", "более
            # дорогой, чем" is read at "чем")
            if t in _COMPARATIVES:
                found.setdefault(i, Comparison(_content(toks[:i]), _COMPARATIVES[t], _content(toks[i + 1 :]), (i, i + 1)))
            elif t in ("более", "менее") and toks[i + 2 : i + 3] != ["чем"] and (read := _qualities(toks, i + 2)):
                found.setdefault(i, Comparison(_content(toks[:i]), read[1], _content(toks[i + 2 :]), (i, i + 2)))
    whole = [c for c in found.values() if c.first and c.second]
    return whole[0] if len(whole) == 1 else None


def _same(x: list[str], y: list[str]) -> bool:
    return len(x) == len(y) and all(map(case_forms_alike, x, y))


def _trimmed(a: Comparison, b: Comparison) -> tuple[list[str], list[str], list[str], list[str]]:
    """The two comparisons' arguments without the words both first arguments open with and both second arguments end
    with ("Is X bigger than Y in volume?" / "Is Y bigger than X in volume?")."""
    fa, fb, sa, sb = a.first, b.first, a.second, b.second
    while fa and fb and fa[0] == fb[0]:
        fa, fb = fa[1:], fb[1:]
    while sa and sb and sa[-1] == sb[-1]:
        sa, sb = sa[:-1], sb[:-1]
    return fa, fb, sa, sb


def _directions(a: Comparison, b: Comparison) -> set[bool]:
    """Whether the two comparatives compare a quality both may mean in the same direction (True), the other (False)."""
    return {sa == sb for qa, sa in a.qualities for qb, sb in b.qualities if qa == qb}


def arguments_exchanged(ta: list[str], tb: list[str]) -> bool:
    """Whether two questions ask one comparison, the same quality in the same direction, with its two arguments in each
    other's place: "Is the Earth bigger than Mars?" / "Is Mars larger than Earth?", "Земля больше Марса?" / "Марс
    крупнее Земли?", "地球比火星大吗" / "火星比地球更大吗", "¿Es la Tierra más grande que Marte?" / "¿Es Marte mayor que la
    Tierra?". Not the other direction ("Is Mars smaller than Earth?" asks the same)."""
    a, b = comparison(ta), comparison(tb)
    if a is None or b is None or _directions(a, b) != {True}:
        return False
    fa, fb, sa, sb = _trimmed(a, b)
    return bool(fa and sa) and _same(fa, sb) and _same(sa, fb) and not _same(fa, sa)


def opposite_comparison(ta: list[str], tb: list[str]) -> bool:
    """Whether two questions compare the same two arguments in the same places by one quality in opposite directions:
    "Is light faster than sound?" / "Is light slower than sound?", "¿Es la luz más rápida que el sonido?" / "... más
    lenta ...", "Ist Licht schneller als Schall?" / "... langsamer ...", "Свет быстрее звука?" / "Свет медленнее звука?",
    "光比声音快吗" / "光比声音慢吗", "cheaper" / "more expensive", "older" / "younger". Not with the arguments exchanged too
    ("Is sound slower than light?" asks the same)."""
    a, b = comparison(ta), comparison(tb)
    if a is None or b is None or _directions(a, b) != {False}:
        return False
    return _same(a.first, b.first) and _same(a.second, b.second)


def same_in_synonyms(ta: list[str], tb: list[str]) -> bool:
    """Whether `tb` is `ta` with its comparative put in a synonym of the very same qualities and directions and nothing
    else changed: "Земля больше Марса?" / "Земля крупнее Марса?", "Is Python faster than Java?" / "Is Python quicker than
    Java?", "¿Es la Tierra más grande que Marte?" / "... mayor ..." is not ("mayor" is bigger or older). The hit features
    read such a pair as the same words (`features._alike`). Not a quantity's comparative (`_QUANTITY_WORDS`: "more" /
    "bigger")."""
    a, b = comparison(ta), comparison(tb)
    if a is None or b is None or a.qualities != b.qualities:
        return False
    (i, j), (k, m) = a.span, b.span
    if _QUANTITY_WORDS.intersection(ta[i:j] + tb[k:m]) or ta[i:j] == tb[k:m]:
        return False
    return ta[:i] + tb[k:m] + ta[j:] == tb


_RUSSIAN_PLAIN = {
    "быстр": "speed+", "скор": "speed+", "медлен": "speed-", "больш": "size+", "велик": "size+", "крупн": "size+",
    "мал": "size-", "маленьк": "size-", "дорог": "price+", "дешев": "price-", "стар": "age+", "молод": "age-",
    "тяжел": "weight+", "легк": "weight-", "высок": "height+", "низк": "height-", "длин": "length+", "коротк": "length-",
    "сильн": "strength+", "силен": "strength+", "слаб": "strength-", "горяч": "heat+", "тепл": "heat+",
    "холодн": "heat-", "богат": "wealth+", "бедн": "wealth-", "хорош": "quality+", "плох": "quality-",
    "трудн": "difficulty+", "сложн": "difficulty+", "прост": "difficulty-",
}
"""Stems of Russian plain adjectives, folded ("тяжёлый" is "тяжелыи"), by quality and direction: a full or short form
is the stem and an ending of at most three letters ("быстр", "быстрый", "быстрая")."""
_EQUAL = {"as": "as", "tan": "como", "so": "wie", "genauso": "wie", "ebenso": "wie"}
"""The word before an equality's adjective and the one after it: "as fast as", "tan rápido como", "so schnell wie"."""
_RUSSIAN_EQUAL = frozenset(fold(w) for w in "так такой такая такое такие столь".split())
"""Russian "так же быстр, как", "такой же быстрый, как", "столь же ...": the word before "же"."""
_NUMBER_WORDS = {
    **dict.fromkeys("two dos zwei два две 两 二".split(), 2), **dict.fromkeys("three tres drei три 三".split(), 3),
    **dict.fromkeys("four cuatro vier четыре 四".split(), 4), **dict.fromkeys("five cinco funf пять 五".split(), 5),
    **dict.fromkeys("ten diez zehn десять 十".split(), 10),
}
_TIMES = frozenset("times veces mal раза раз 倍".split())
_ONE_WORD_TIMES = {
    "twice": 2, "thrice": 3, "half": 0.5, "doppelt": 2, "zweimal": 2, "dreimal": 3, "viermal": 4, "halb": 0.5,
    "doble": 2, "triple": 3, "вдвое": 2, "втрое": 3, "вчетверо": 4, "впятеро": 5,
}
"""A multiplier in one word, folded ("twice as fast as", "doppelt so schnell wie", "el doble de rápido que", "вдвое
быстрее")."""


class Graded(NamedTuple):
    """A comparison with its degree: "than" ("faster than"), "equal" ("as fast as") or "x2" ("twice as fast as", "two
    times faster than": a multiplied comparison either way), its arguments and qualities as `Comparison`'s."""

    first: list[str]
    qualities: frozenset[tuple[str, int]]
    second: list[str]
    degree: str


def _plain_qualities(word: str) -> frozenset[tuple[str, int]]:
    """The (quality, direction) pairs of a plain adjective ("fast", "rápido", "schnell", "быстр", 快), or the word as
    its own quality ("dangerous": "more dangerous than" compares it)."""
    if word in _ADJECTIVES:
        return _ADJECTIVES[word]
    if word in _COMPARATIVES and HAN.match(word):
        return _COMPARATIVES[word]
    if CYRILLIC.match(word):
        stem = max((s for s in _RUSSIAN_PLAIN if word.startswith(s) and len(word) - len(s) <= 3), key=len, default=None)
        if stem is not None:
            return _table({_RUSSIAN_PLAIN[stem]: word})[word]
    return frozenset({(word, 1)})


def _number(token: str) -> float | None:
    return float(token) if token.isdecimal() and len(token) <= 4 else _NUMBER_WORDS.get(token)


def _multiplier(toks: list[str], end: int) -> tuple[int, float] | None:
    """Where the multiplier ending right before `end` starts and its value ("twice", "two times", "3 mal", "в два
    раза", "el doble de"), or None."""
    k = end - 1 if end >= 1 and toks[end - 1] == "de" else end  # "el doble de grande que"
    if k >= 1 and toks[k - 1] in _ONE_WORD_TIMES:
        article = k >= 2 and toks[k - 2] in ("el", "la")  # "el doble": not the pronoun "él" of `_PERSONS`
        return k - 1 - article, _ONE_WORD_TIMES[toks[k - 1]]
    if k >= 2 and toks[k - 1] in _TIMES and (n := _number(toks[k - 2])) is not None:
        return (k - 3 if k >= 3 and toks[k - 3] == "в" else k - 2), n
    if k >= 1 and toks[k - 1].endswith("mal") and (n := _number(toks[k - 1][:-3])) is not None:  # "4mal"
        return k - 1, n
    return None


def _degree(toks: list[str], start: int, first: list[str]) -> tuple[list[str], str]:
    """The first argument without a multiplier ending before `start`, and the degree it gives ("x2"), or "than"."""
    found = _multiplier(toks, start)
    if found is None:
        return first, "than"
    m, value = found
    return _content(toks[:m]), f"x{value:g}"


def _equality(toks: list[str]) -> Graded | None:
    """The one equality `toks` asks ("Is Python as fast as C?", "¿Es Python tan rápido como C?", "Ist Python so
    schnell wie C?", "Python так же быстр, как C?", "Python和C一样快吗", "Python有C那么快吗"), multiplied or not, or
    None."""
    found = []
    for i, t in enumerate(toks[:-2]):
        adj = toks[i + 1]
        if adj in FUNCTION_WORDS or not adj.isalpha():
            continue
        if _EQUAL.get(t) == toks[i + 2]:
            first, degree = _degree(toks, i, _content(toks[:i]))
            found.append(Graded(first, _plain_qualities(adj), _content(toks[i + 3 :]), "equal" if degree == "than" else degree))
        elif t == "de" and i and toks[i - 1] in ("doble", "triple") and toks[i + 2] == "que":  # "el doble de grande que"
            first, degree = _degree(toks, i + 1, [])
            found.append(Graded(first, _plain_qualities(adj), _content(toks[i + 3 :]), degree))
        elif t == "же" and i and toks[i - 1] in _RUSSIAN_EQUAL and toks[i + 2] == "как":
            first, degree = _degree(toks, i - 1, _content(toks[: i - 1]))
            found.append(Graded(first, _plain_qualities(adj), _content(toks[i + 3 :]), "equal" if degree == "than" else degree))
    if any(HAN.fullmatch(t) for t in toks):
        found += _han_equality(toks)
    whole = [g for g in found if g.first and g.second]
    return whole[0] if len(whole) == 1 and len(found) == 1 else None


def _han_equality(toks: list[str]) -> list[Graded]:
    """"X和Y一样ADJ" (和, 跟, 与, 同) and "X有Y那么ADJ" (那么, 这么)."""
    joined = "".join(toks)
    out = []
    for k, t in enumerate(toks):
        if t not in "和跟与同有":
            continue
        for j in range(k + 2, len(toks) - 2):
            if "".join(toks[j : j + 2]) in (("一样",) if t != "有" else ("那么", "这么")):
                word = next((w for n in (2, 1) if (w := "".join(toks[j + 2 : j + 2 + n])) in _COMPARATIVES and len(w) == n), None)
                if word is not None and "比" not in joined:
                    out.append(Graded(_content(toks[:k]), _COMPARATIVES[word], _content(toks[k + 1 : j]), "equal"))
                break
    return out


def graded(toks: list[str]) -> Graded | None:
    """The one comparison `toks` asks with its degree (`Graded`): an equality (`_equality`) or a comparative
    (`comparison`), multiplied before it ("two times faster than", "в два раза больше") or, in Chinese, after it
    ("大两倍"); None where it asks none, several, or both kinds."""
    eq, c = _equality(toks), comparison(toks)
    if eq is not None and c is not None:
        return None
    if eq is not None:
        return eq
    if c is None:
        return None
    start, end = c.span
    if any(HAN.fullmatch(t) for t in toks):
        after = [t for t in toks[end:] if t != "了"]
        n = _number(after[0]) if len(after) >= 2 and after[1] == "倍" else None
        return Graded(c.first, c.qualities, c.second, "than" if n is None else f"x{n:g}")
    first, degree = _degree(toks, start, c.first)
    return Graded(first, c.qualities, c.second, degree) if first else None


def degree_changed(ta: list[str], tb: list[str]) -> bool:
    """Whether two questions compare the same two arguments by one quality (either direction) to another degree: an
    equality against a comparative ("Is Python as fast as C?" / "Is Python faster than C?"), a multiplied comparison
    against a plain one ("Is a cheetah twice as fast as a lion?" / "Is a cheetah faster than a lion?") or by another
    factor ("twice as big" / "three times as big"), in English, Spanish ("tan rápido como" / "más rápido que", "el doble
    de grande que"), German ("so schnell wie" / "schneller als", "doppelt so groß wie"), Russian ("так же быстр, как" /
    "быстрее, чем", "в два раза больше") and Chinese ("和C一样快" / "比C快", "大两倍"). The arguments may be exchanged
    (an equality has no order). "twice as fast as" / "two times faster than" is one degree (x2)."""
    a, b = graded(ta), graded(tb)
    if a is None or b is None or a.degree == b.degree:
        return False
    if not {q for q, _ in a.qualities} & {q for q, _ in b.qualities}:
        return False
    fa, fb, sa, sb = _trimmed(a, b)  # type: ignore[arg-type]
    return (_same(fa, fb) and _same(sa, sb)) or (bool(fa and sa) and _same(fa, sb) and _same(sa, fb))
