"""Language-aware text normalization for cache keys and hit-decision features.

Tokens are lowercased, accent-folded words, runs of operator symbols, single symbols (emoji, currency,
math, arrows: Unicode categories S*), punctuation between two digits ("5/2" vs "5-2") and emoticons made of
punctuation standing alone (":)", ":-(", ";)", ":D"); Han and kana characters are one token each, since
Chinese and Japanese do not separate words with spaces. What folding hides between two questions that are
otherwise the same word for word (an accent on a content word, an acronym's capitals) is `spelling_swap`.

What tokens drop (case, accents on Latin, Greek and Cyrillic letters, punctuation between words) is what
rewordings vary freely; everything else that can change what a question asks stays visible. Marks of
other scripts (Thai tone marks, Devanagari vowel signs, ...) are letters of their words and are kept.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Operator symbols are tokens too: "what does * do in Python" and "... ** ..." ask different things, as do
# C++ and C#. Punctuation, hyphens and slashes between words are not (they vary freely between rewordings);
# between digits they are ("5/2", "5-2", "3:2").
_OPERATORS = "*+=<>%^&|~#@$"


def _mark_ranges(limit: int = 0x20000) -> str:
    """Combining marks (categories Mn, Mc, Me) as a regex class body: Python's `\\w` leaves them out, which
    would cut Thai, Devanagari or Arabic words at every vowel sign or tone mark."""
    ranges, start = [], None
    for code in range(limit + 1):
        is_mark = code < limit and unicodedata.category(chr(code))[0] == "M"
        if is_mark and start is None:
            start = code
        elif not is_mark and start is not None:
            ranges.append(f"\\u{start:04x}" if start == code - 1 else f"\\U{start:08x}-\\U{code - 1:08x}")
            start = None
    return "".join(ranges)


_TOKEN = re.compile(
    rf"(?P<cjk>[{_CJK}])|(?P<word>(?:[^\W{_CJK}]|[{_mark_ranges()}])+)|(?P<op>[{re.escape(_OPERATORS)}]+)"
    rf"|(?P<digits>(?<=\d)[/:\-](?=\d))|(?P<other>[^\w\s])"
)
"""`other` is any other single character that is neither a word character nor space: kept iff it is a
symbol (category S*: emoji, currency, math, arrows), dropped if it is punctuation."""
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_HAN = re.compile(rf"[{_CJK}]")

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


def _folds_marks(base: str) -> bool:
    """Accents are dropped only on Latin, Greek and Cyrillic letters (é/e, ё/е are spelling variants there)."""
    code = ord(base)
    return code < 0x0530 or 0x1E00 <= code < 0x2000


def fold(text: str) -> str:
    """Casefold, NFKC, and strip accents of Latin, Greek and Cyrillic letters (a missing accent or ё/е is
    not a difference); combining marks of other scripts are kept, recomposed (NFC)."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    out: list[str] = []
    base = " "
    for ch in decomposed:
        if unicodedata.combining(ch):
            if _folds_marks(base):
                continue
        else:
            base = ch
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


_SENTENCE_PUNCT = "?!¿¡.,;:…\"'«»“”„‘’‚‹›-–—"
"""Punctuation that ends, opens or splits sentences: what rewordings vary freely."""
_STANDALONE = re.compile(r"(?<!\S)(?:[^\w\s]+|[:;=][-']?[dpox3][?!.,…]*)(?!\S)")
"""A run of punctuation or symbols standing alone between spaces (":)", ":-(", ";)", "(:", "?", "...") or an
emoticon with a letter for a mouth (":D", ";P", ":3" after folding)."""


def _standalone_punct(run: str) -> str | None:
    """A stand-alone run as one token when it is more than sentence punctuation and symbols (an emoticon made of
    punctuation, ":)" / ":(", ":-)" / ":-(", ";)"); its sentence punctuation at either end is dropped (":)?" is
    ":)"). None for a run that is only sentence punctuation ("?", "...", " - ") or has no punctuation beside
    symbols (emoji, `**`, `$`: the other token kinds already keep them)."""
    core = run.strip("?!¿¡.,…")
    if not core or all(c in _SENTENCE_PUNCT for c in core):
        return None
    if all(unicodedata.category(c)[0] == "S" or c in _OPERATORS or c in _SENTENCE_PUNCT for c in core):
        return None
    return core


def tokens(text: str) -> list[str]:
    folded = fold(text)
    out: list[str] = []
    pos = 0
    for run in _STANDALONE.finditer(folded):
        core = _standalone_punct(run.group())
        if core is None:
            continue
        out += _plain_tokens(folded[pos : run.start()])
        out.append(core)
        pos = run.end()
    return out + _plain_tokens(folded[pos:])


def _plain_tokens(folded: str) -> list[str]:
    return [
        m.group() for m in _TOKEN.finditer(folded)
        if m.lastgroup != "other" or unicodedata.category(m.group())[0] == "S"
    ]


def symbols(toks: Iterable[str]) -> tuple[str, ...]:
    """The tokens that are symbols or operators (emoji, currency, math, `**`, `#`), sorted: a multiset."""
    return tuple(sorted(t for t in toks if not t[0].isalnum()))


def exact_key(text: str) -> str:
    """The text as a cache key: NFC with runs of white space as one space. Two texts that differ in any
    character (case, punctuation, emoji, any script) have different keys."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _ascii_digits(text: str) -> str:
    """NFKC, then every decimal digit of any script as its ASCII digit ("٥", "५", "５" -> "5")."""
    return "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None else ch
        for ch in unicodedata.normalize("NFKC", text)
    )


def numbers(text: str) -> frozenset[str]:
    """The numbers written in digits (of any script), a decimal comma read as a point: "3,5" -> "3.5"."""
    return frozenset(n.replace(",", ".") for n in _NUMBER.findall(_ascii_digits(text)))


_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000}
_HAN_MYRIADS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_HAN_NUMERAL = re.compile(f"[{''.join(_HAN_DIGITS)}{''.join(_HAN_UNITS)}{''.join(_HAN_MYRIADS)}]+")
# Small numbers written as words, 2 to 12 and round tens, in the languages of the team's set. "One" and its
# kin are left out: they are also articles and pronouns ("which one", "un", "ein", "один из"); so are words
# that are another word in a neighbouring language ("once", "elf").
_NUMBER_WORDS = {
    fold(w): n
    for n, words in {
        2: "two dos zwei два двух двум двумя", 3: "three tres drei три трех трем тремя",
        4: "four cuatro vier четыре четырех", 5: "five cinco funf пять пяти", 6: "six seis sechs шесть шести",
        7: "seven siete sieben семь семи", 8: "eight ocho acht восемь восьми", 9: "nine nueve neun девять девяти",
        10: "ten diez zehn десять десяти", 11: "eleven", 12: "twelve doce zwolf двенадцать",
        20: "twenty veinte zwanzig двадцать", 30: "thirty treinta dreissig тридцать",
        100: "hundred cien hundert сто",
    }.items()
    for w in words.split()
}
_NUMBER_WORD_PARTS = frozenset(_NUMBER_WORDS) | frozenset(
    fold(w) for w in """one eleven thirteen fourteen fifteen sixteen seventeen eighteen nineteen forty fifty sixty seventy
    eighty ninety thousand million y und и""".split()
)
"""Words that may join a number word into a longer number ("nineteen eighty-four", "veinte y dos"): a number word
beside one of them is not read on its own."""


def _han_value(run: str) -> int:
    """A run of Han numerals as an integer: "十五" 15, "二百零五" 205, "三万" 30000; without a unit character the
    digits are read in place ("八五" 85, as in 八五折, "二〇二四" 2024)."""
    if not any(c in _HAN_UNITS or c in _HAN_MYRIADS for c in run):
        return int("".join(str(_HAN_DIGITS[c]) for c in run))
    total = section = digit = 0
    for c in run:
        if c in _HAN_DIGITS:
            digit = _HAN_DIGITS[c]
        elif c in _HAN_UNITS:
            section += (digit or 1) * _HAN_UNITS[c]
            digit = 0
        else:
            total += (section + digit or 1) * _HAN_MYRIADS[c]
            section = digit = 0
    return total + section + digit


def _readings(numeral: str) -> frozenset[str]:
    """What a numeral can mean: the digits without separators ("1,000" / "1.000" = 1000) and, with its last
    separator read as a decimal point, the decimal ("3,5" = 3.5), each without leading zeros."""
    digits = numeral.replace(",", "").replace(".", "").lstrip("0") or "0"
    head, _, tail = numeral.replace(",", ".").rpartition(".")
    decimal = f"{head.replace('.', '').lstrip('0') or '0'}.{tail.rstrip('0')}" if head else digits
    return frozenset({digits, decimal.rstrip(".")})


_MEASURE_WORDS = re.compile(
    "公斤|公里|千克|小时|分钟|星期|点钟|點鐘|点半|點半|[个個只隻本次件条條张張位天年月斤米元块塊岁歲杯碗辆輛台部双雙对對瓶份页頁篇首支名"
    "间間座棵朵匹周秒克遍层層节節盒包袋箱升吨噸倍颗顆粒场場届屆套]"
)
"""Measure words (classifiers) and units: a numeral before one counts something ("一个" / "两个", "一次", "一年")."""
_NOT_COUNTING = frozenset("哪这這那每某同唯")
_ORDINAL_MARKERS = ("第", "星期", "礼拜", "禮拜", "周", "週")


_WORDS_ENDING_IN_ONE = frozenset("统一 統一 唯一 同一 单一 單一 逐一 专一 專一 划一 劃一 均一 合一 归一 歸一 不一".split())
"""Words whose last character is 一 without counting ("统一六国" unified the six states: 6, not 16)."""
_TOGETHER = re.compile("块儿|塊兒|块[去来走玩吃喝做学住回看跑坐聊干过]|塊[去來走玩吃喝做學住回看跑坐聊幹過]")
"""一块 meaning "together" ("一块儿", "我们一块去"), not "one piece" ("一块蛋糕") or "one yuan" ("一块钱")."""


def _counts_one(text: str, at: int) -> bool:
    """Whether a lone 一 at `at` is the number one: before a measure word ("吃了一个" / "吃了两个", "一年") or
    after an ordinal marker ("第一", "星期一"). Elsewhere it is as often "a", "once" or part of a word
    (一下, 一样, 一起, 统一) as the number one; after a demonstrative or question word it picks one out, not counts
    ("哪一年" which year, "这一次" this time, "每一个" every one)."""
    if text[at - 1 : at] in _NOT_COUNTING or text[at - 1 : at + 1] in _WORDS_ENDING_IN_ONE or _TOGETHER.match(text, at + 1):
        return False
    return bool(_MEASURE_WORDS.match(text, at + 1)) or text[:at].endswith(_ORDINAL_MARKERS)


def _han_numbers(text: str) -> list[str]:
    """The runs of Han numerals that are numbers: a 一 that ends a word ("统一六国": 六, not 一六) is cut off a
    run, "万一" (in case) is no number, and a lone 一 counts only where `_counts_one` says so."""
    out = []
    for m in _HAN_NUMERAL.finditer(text):
        start, run = m.start(), m.group()
        if run[0] == "一" and len(run) > 1 and text[start - 1 : start + 1] in _WORDS_ENDING_IN_ONE:
            start, run = start + 1, run[1:]
        if run == "万一" or run == "萬一" or (run == "一" and not _counts_one(text, start)):
            continue
        out.append(run)
    return out


def _all_readings(text: str) -> list[frozenset[str]]:
    """The readings of every number in a text: written in digits of any script, in Han numerals, or as one of
    the small number words of `_NUMBER_WORDS`."""
    plain = _ascii_digits(text)
    found = [_readings(n) for n in _NUMERAL.findall(plain)]
    found += [frozenset({str(_han_value(run))}) for run in _han_numbers(plain)]
    toks = tokens(plain)
    found += [
        frozenset({str(_NUMBER_WORDS[t])}) for i, t in enumerate(toks)
        if t in _NUMBER_WORDS and not _NUMBER_WORD_PARTS.intersection(toks[max(0, i - 1) : i] + toks[i + 1 : i + 2])
    ]
    return found


def number_change(a: str, b: str) -> float:
    """How the numbers differ between two questions, written in digits of any script, in Han numerals or as
    small number words ("five", "cinco", "пять").

    1.0: *a number replaced* -- each question has a number the other lacks ("给了小红5个" / "给了小红4个",
    "五个" / "四个", "八折" / "八五折", "200 °F" / "100 °F", "the 43rd / 44th president", "five" / "ten"): a
    different question, whatever the wording around it.
    0.5: numbers on one side only, or more numbers on one side ("in 90 minutes" / "in 1.5 hours" has one of
    each, so it is 1.0): possibly a rewording, weighed by the hit rule.
    0.0: the same numbers (digits of any script, "1,000" = "1000", "3,5" = "3.5", "5 km" = "five km").
    """
    na, nb = _all_readings(a), _all_readings(b)
    a_only = any(not any(r & s for s in nb) for r in na)
    b_only = any(not any(r & s for s in na) for r in nb)
    if a_only and b_only:
        return 1.0
    return 0.5 if a_only or b_only or len(na) != len(nb) else 0.0


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
        x.startswith(p) and len(x) - len(p) >= 4 and _stem(x[len(p) :]) == _stem(y) for p in _NEGATING_PREFIXES
    )


def _plain_content(toks: list[str]) -> set[str]:
    """The stems of the content words, negations and English auxiliaries before "n't" left out."""
    return {_stem(t) for t in toks if t not in FUNCTION_WORDS and t not in _NEGATIONS and t not in _CONTRACTED}


def _negations(toks: list[str], i1: int, i2: int) -> list[int]:
    return [k for k in range(i1, i2) if toks[k] in _NEGATIONS and not _asks_either_way(toks, k)]


def negation_change(a: list[str], b: list[str]) -> float:
    """How negation differs between two token lists.

    1.0: *a negation put in* -- where the two questions differ (difflib's alignment), one side has only a
    negation and function words and the other only function words ("Is coffee bad for you?" / "Is coffee not bad
    for you?", "有害" / "无害", "with" / "without") while the two have the same content words and not as many
    negations, or one word replaced by itself with a negating prefix ("gekochter"
    / "ungekochter", "installiere" / "deinstalliere", "правильно" / "неправильно"): the opposite question, whatever
    the wording around it.
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


# Words that give an argument a role ("5 km *to* miles", "*from* English", "bigger *than* a cat"). The
# same words with the arguments swapped ask the reverse question.
_ROLE_MARKERS = frozenset(
    """to into from than in per
    a al de del desde hacia en que
    nach zu zum zur von vom aus als ins pro
    в во на из от до чем к ко за по
    成 到 从 比 至 往 向""".split()
)


# Words that join two arguments symmetrically: "the difference between A and B" is "... between B and A".
_COORDINATORS = frozenset("and or vs versus y o e u und oder и или 和 与 或 跟 及".split())


_SUFFIXES = sorted(
    """ами ями ого его ому ему ов ев еи ам ям ах ях ом ем ои ью ии ыи ая яя ое ее ые ие ых их ую юю а я о е ы и у ю ь
    ern en er es em os as e n s a o""".split(),
    key=len, reverse=True,
)
"""Inflection endings of nouns and adjectives in ru, de, es and en, longest first (a suffix-stripping stemmer), as
folded: й is read и ("рублей" is the token "рублеи")."""


def _stem(token: str) -> str:
    """The token without its longest inflection ending, keeping at least three characters: "долларов" / "доллары"
    / "доллар", "рублей" / "рубли", "Meilen" / "Meile", "millas" / "milla", "miles" / "mile" each share a stem,
    "km" / "miles" do not."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 3:
            return token[: -len(suffix)]
    return token


_UNITS = (
    ("km", {"km", "kms", "км", "kilometro", "kilometros"}, ("kilomet", "километр")),
    ("mile", {"mi"}, ("mile", "milla", "meile", "мил")),
    ("kg", {"kg", "kgs", "кг", "kilo", "kilos"}, ("kilogram", "килограм")),
    ("lb", {"lb", "lbs"}, ("pound", "libra", "pfund", "фунт")),
    ("cm", {"cm", "см"}, ("centimet", "zentimet", "сантиметр")),
    ("inch", {"inch", "inches"}, ("pulgada", "zoll", "дюйм")),
    ("liter", {"l", "литр", "литра", "литров"}, ("liter", "litre", "litro")),
    ("gallon", set(), ("gallon", "galon", "галлон")),
    ("celsius", {"c", "°c", "℃"}, ("celsius", "centigrad", "цельси")),
    ("fahrenheit", {"f", "°f", "℉"}, ("fahrenheit", "фаренгейт")),
    ("usd", {"usd", "$"}, ("dollar", "dolar", "доллар")),
    ("eur", {"eur", "€"}, ("euro", "евро")),
    ("rub", {"rub", "₽"}, ("ruble", "rouble", "rubel", "рубл")),
)
"""Units and currencies written as a symbol, an abbreviation or a word in the five languages (as folded tokens): "km" and
"kilometers", "$" and "dólares" are one term to `role_swap` and `unit_swap`."""


def _term(token: str) -> str:
    """A token as `role_swap` compares it: the unit it names (`_UNITS`), else its stem."""
    for unit, words, prefixes in _UNITS:
        if token in words or token.startswith(prefixes):
            return unit
    return _stem(token)


def _roles(toks: list[str]) -> dict[str, tuple[str, set[str]]]:
    """Each role word's first argument and all its arguments: the content words among the three tokens
    after it (numbers skipped: "from 5 km"). A Han role word takes the very next character ("换算成英里")."""
    roles: dict[str, tuple[str, set[str]]] = {}
    for i, t in enumerate(toks):
        if t not in _ROLE_MARKERS or t in roles:
            continue
        args = [_term(n) for n in toks[i + 1 : i + (2 if _HAN.fullmatch(t) else 4)] if n not in FUNCTION_WORDS and not n[0].isdigit()]
        if args:
            roles[t] = (args[0], set(args))
    return roles


def _is_number_token(t: str) -> bool:
    """Digits, a small number word, a Han numeral other than 一 (which is as often "a" or part of a word)."""
    return t[0].isdigit() or t in _NUMBER_WORDS or (t != "一" and (t in _HAN_DIGITS or t in _HAN_UNITS or t in _HAN_MYRIADS))


def _quantities(toks: list[str]) -> dict[str, tuple[str, str]]:
    """Each number's unit or counted thing -- the stem of the content word right after it, or after one function
    or measure word ("10 Kilometer" -> kilomet, "5 millas" -> mill, "10公里" -> 公, "五个苹果" -> 苹; none in
    "200块的衣服") -- and the stem of the token right before it. A run of number tokens ("10", "5" of "10.5"; "十", "五") is one number; the first
    occurrence of a number counts."""
    out: dict[str, tuple[str, str]] = {}
    i = 0
    while i < len(toks):
        if not _is_number_token(toks[i]):
            i += 1
            continue
        j = i
        while j < len(toks) and _is_number_token(toks[j]):
            j += 1
        number = _ascii_digits(" ".join(toks[i:j]))
        after = toks[j : j + 2]
        if after and _term(after[0]) == after[0] and (
            after[0] in FUNCTION_WORDS or _MEASURE_WORDS.fullmatch(after[0]) or not after[0][0].isalnum()
        ):
            after = after[1:]  # "5 个 苹果", "30 ° C" (a unit symbol such as "$" or "€" is kept)
        unit = after[0] if after else ""
        if unit and unit not in FUNCTION_WORDS and not _is_number_token(unit) and (unit[0].isalnum() or _term(unit) != unit):
            out.setdefault(number, (_term(unit), _term(toks[i - 1]) if i else ""))
        i = j
    return out


def unit_swap(a: list[str], b: list[str]) -> bool:
    """True when a number both questions have counts another of their words on each side, each word being in both
    questions ("Wie viele Meilen sind 10 Kilometer" / "Wie viele Kilometer sind 10 Meilen", "¿Cuántas millas son
    5 km?" / "¿Cuántos km son 5 millas?", "5 apples and 3 pears" / "3 apples and 5 pears"): a quantity attached to
    another thing, with no role word to show it.

    Not a swap: a word moved from right before the number to right after it ("the top 10 films" / "the 10 top
    films"), a unit one side leaves out."""
    qa, qb = _quantities(a), _quantities(b)
    sa = {_term(t) for t in a if t not in FUNCTION_WORDS}
    sb = {_term(t) for t in b if t not in FUNCTION_WORDS}
    for n in qa.keys() & qb.keys():
        (ua, before_a), (ub, before_b) = qa[n], qb[n]
        if ua != ub and ua in sb and ub in sa and ub != before_a and ua != before_b:
            return True
    return False


def role_swap(a: list[str], b: list[str]) -> bool:
    """True when two questions with the same content words give a role word different arguments ("convert
    5 km to miles" / "convert 5 miles to km", "from English to Spanish" / "from Spanish to English", "is a
    dog bigger than a cat" / "... a cat bigger than a dog"), or a number counts another of their words with
    no role word to show it (`unit_swap`: "Wie viele Meilen sind 10 Kilometer" / "... Kilometer sind 10 Meilen"):
    the reverse question, not a rewording.

    Not a swap: a moved phrase ("in Python eine Datei" / "eine Datei in Python": same first argument), an
    argument one side leaves out ("в градусы Фаренгейта" / "в Фаренгейты"), and arguments joined
    symmetrically ("between A and B" / "between B and A").
    """
    if unit_swap(a, b):
        return True
    if {_term(t) for t in a if t not in FUNCTION_WORDS} != {_term(t) for t in b if t not in FUNCTION_WORDS}:
        return False
    if _COORDINATORS.intersection(a) and _COORDINATORS.intersection(b):
        return False
    ra, rb = _roles(a), _roles(b)
    for marker in ra.keys() & rb.keys():
        (first_a, args_a), (first_b, args_b) = ra[marker], rb[marker]
        if first_a != first_b and args_a - args_b and args_b - args_a:
            return True
    return False


_CASE_SENSITIVE = re.compile(rf"(?P<word>(?:[^\W{_CJK}]|[{_mark_ranges()}])+)")


def _spellings(text: str) -> list[str]:
    """The words of a text as written (NFKC, case and accents kept), in the order `tokens` finds them."""
    return _CASE_SENSITIVE.findall(unicodedata.normalize("NFKC", text))


# Function words as written with their accents: a writer who leaves the accent out still means them.
_ACCENTED_FUNCTION_WORDS = frozenset(
    unicodedata.normalize("NFC", w) for w in """
    qué cómo cuál cuáles quién quiénes dónde cuándo cuánto cuánta cuántos cuántas adónde está están estás estáis él tú
    mí sí más sé dé aún sólo éste ésta éstos éstas ése ésa ésos ésas aquél aquélla también después así podrías podría
    ahí allí aquí según través explícame explícalo dímelo podrías qu'est ça où à là déjà très être
    für über können könnte könntest konnen erkläre erklär wäre wären hätte müssen muss gehört dürfen größer
    """.split()
)


def _omitted_accent(x: str, y: str) -> bool:
    """Two lower-case spellings of one folded word: True when one is the other with an accent a writer leaves out
    freely -- ё written е (Russian convention), or the accents of a function word ("qué" / "que", "für" / "fur")."""
    if x.replace("ё", "е") == y.replace("ё", "е"):
        return True
    return fold(x) in FUNCTION_WORDS and (x in _ACCENTED_FUNCTION_WORDS or y in _ACCENTED_FUNCTION_WORDS)


def spelling_swap(a: str, b: str) -> bool:
    """True when a word the two questions share after folding is spelled differently in a way that changes what
    it names: an accent on a content word ("papa" / "papá", "anos" / "años", "schon" / "schön") or the capitals
    of an acronym ("US" / "us": a word of two or more capitals on one side, lower case on the other, in a text
    that marks case: not all in capitals nor all in lower case).

    Not a swap: the accent of a function word, which writers leave out freely ("qué" / "que", "für" / "fur",
    "está" / "esta"), ё written е, case at a sentence start or in a text written all in capitals or all in lower case.

    The features ask this only of questions with the same tokens (word for word after folding): there nothing
    else tells the two apart. Between rewordings an accent or capitals left out are mostly typing ("nacio" /
    "nació", "sql" / "SQL": 11 of the dev set's right hits), and the other features weigh the pair.
    """
    wa, wb = _spellings(a), _spellings(b)
    fa, fb = [fold(w) for w in wa], [fold(w) for w in wb]
    # A text all in capitals, or without any, does not mark case.
    caps_a, caps_b, low_a, low_b = a.upper() == a, b.upper() == b, a.lower() == a, b.lower() == b
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, fa, fb, autojunk=False).get_opcodes():
        if op != "equal":
            continue
        for x, y, f in zip(wa[i1:i2], wb[j1:j2], fa[i1:i2]):
            if x == y:
                continue
            if x.lower() != y.lower():
                if not _omitted_accent(x.lower(), y.lower()):
                    return True
            elif (len(x) > 1 and x.isupper() and y.islower() and not caps_a and not low_b) or (
                len(y) > 1 and y.isupper() and x.islower() and not caps_b and not low_a
            ):
                return True
    return False


def symbol_swap(a: list[str], b: list[str]) -> bool:
    """True when each question has a symbol the other lacks (🙂 / 🙃, `*` / `**`, C++ / C#, 5/2 / 5-2): one
    symbol put in another's place. A symbol on one side only ("15 %" / "15 percent") is a rewording."""
    sa, sb = Counter(symbols(a)), Counter(symbols(b))
    return bool(sa - sb) and bool(sb - sa)


def _marked_spellings(text: str) -> list[str]:
    """The words of `text` whose spelling says more than their folded token, as `spelling_swap` reads them: a content
    word with an accent ("josé", "papá"; not "qué", "für"; ё is е) and, in a text that marks case, an acronym's
    capitals ("US"; not the first word, whose case writers vary: "WHO is ..." is "Who is ..."), each with its place
    among the words."""
    caps, low = text.upper() == text, text.lower() == text
    out = []
    for i, w in enumerate(_spellings(text)):
        lw = w.lower().replace("ё", "е")
        if fold(lw) != lw and not (fold(lw) in FUNCTION_WORDS and lw in _ACCENTED_FUNCTION_WORDS):
            out.append(f"{i}:{lw}")
        elif i and len(w) > 1 and w.isupper() and not caps and not low:
            out.append(f"{i}:{w}")
    return out


def context_key(user_turns: Iterable[str]) -> str:
    """Digest of a conversation's earlier user turns ("" for a first turn).

    Only user turns count: the assistant's earlier replies may differ by which tier answered, yet the
    follow-up means the same thing. Turns are matched as strictly as questions: by their tokens (case, punctuation
    between words and the accents of function words fold away) and by what `spelling_swap` would see, an accent on
    a content word or an acronym's capitals ("¿Quién es José?" and "quien es jose" are two contexts). A turn
    without such spellings keeps the key it had when only tokens counted.
    """
    parts = [" ".join(tokens(t) + (["\x1e", *marked] if (marked := _marked_spellings(t)) else [])) for t in user_turns]
    if not parts:
        return ""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


# Function words: dropping them leaves the words that carry a question's meaning ("content words").
_FUNCTION_WORDS = """
a an the is are was were be been being am do does did doing have has had what whats which who whom whose when where
why how can could would should will shall may might must i me my you your yours we our us he him his she her it its they
them their this that these those there here of in on at to for from by with about as into onto over under than then so if
or and but s t re ll ve d m please tell explain give show let lets know want need like just really some any much many more
most very also get got make one thing things way kind sort well ok okay hey hi hello thanks thank pls mean means
el la los las un una unos unas es son fue era ser estar esta este esto estos estas ese esa eso hay de del al en a por para
con que como cual cuales quien quienes donde cuando cuanto cuantos cuanta cuantas porque y o u e mi mis tu tus su sus yo
me te se le les lo nos puedes puede podrias podria dime decir explica explicame favor hola algo muy mas sobre entre tiene
tienen hacer hace
der die das den dem des ein eine einen einem einer eines ist sind war waren sein bin bist hat haben hatte wird werden was
wie wer wen wem wessen wo wann warum weshalb welche welcher welches welchen wieviel wieviele viele und oder aber im ins an
am auf aus bei mit nach von vom zu zum zur fur uber unter um durch ich du er sie es wir ihr mir dir mich dich uns euch man
mein dein kannst kann konntest konnen bitte erklare erklar sag sage mal gibt denn doch noch schon auch sehr etwas
и в во на с со к ко по о об от до из за для у а но или что чем как какои какая какое какие каков кто где когда почему
зачем сколько ли же бы это этот эта эти тот та те то мне меня мои моя ты тебя твои вы вас ваш он она оно они его ее их мы
нас наш есть был была было были быть можно может могу можешь можете расскажи скажи объясни подскажи пожалуиста такое
такои очень
"""
_FUNCTION_CHARS = "的了是吗呢吧啊呀在有和与及或我你您他她它们这那个么什怎如何请一下能会可以要想给把被对就都也还很最从到为哪谁几嘛样告诉说讲解释里儿"
FUNCTION_WORDS = frozenset(fold(w) for w in _FUNCTION_WORDS.split()) | frozenset(_FUNCTION_CHARS)


def content_words(toks: Iterable[str]) -> list[str]:
    """Tokens that are not function words, cut to six characters (a crude stemmer for inflected languages)."""
    return [t[:6] for t in toks if t not in FUNCTION_WORDS]
