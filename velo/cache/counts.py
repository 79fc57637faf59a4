"""A count of things against one thing: "Tell me a joke." / "Tell me 5 jokes.", "Nenne ein Beispiel ..." / "Nenne drei
Beispiele ...", "Приведи пример ..." / "Приведи три примера ...", "讲个笑话" / "讲五个笑话".

A newcomer's finding after rule format 29: `number_mismatch` read these as 0.5 (a number on one side only), which the
model weighs too lightly ("Dame un ejemplo de un mamífero." / "Dame tres ejemplos de mamíferos." 0.988, served). One
question asks for one thing, the other for several of the same thing: the answers differ. `count_replaced` is read by
`velo.cache.numbers.number_change` as a number replaced (1.0, a veto).

One thing is an article or a word for one before the noun ("a", "an", "one", "un", "una", "ein", "eine", "один",
"一个", a classifier straight after a verb "讲个"), or in Russian, which has no articles, the noun bare in its singular
where the other side counts it ("Расскажи анекдот" / "Расскажи пять анекдотов", "книгу" / "три книги"). A count is
a whole number 2 to 1000 in digits or words before the noun, not after an article ("a 3 bedroom house"). Not a count: "a few", "several", "some" (no
number: a rewording may add them), a plural without a number ("What is a mammal?" / "What are mammals?"), an ordinal
("the first man on the moon"). A question that names the thing once and counts it too ("How do I split a file into 3
files?") is left to the model against one that names it once.

The one thing a superlative picks out against several of it (`superlative_number_change`, after rule format 33, a
newcomer's finding: "What is the largest planet?" / "What are the largest planets?" 0.999, served): the same
superlative ("the largest", "the most spoken", "the best"; "el ... más grande", "los mejores"; "der größte" / "die
größten"; "самая большая" / "самые большие") before one noun in its singular and its plural, the number read from the
noun's ending in English and from the article or the adjective's ending in Spanish, German and Russian; in Chinese,
which marks no plural, 哪些 (which ones) against 什么 / 哪个 (which one) after or before the same 最. The noun may
stand after a question word with the superlative after the verb ("Which planet is the largest?" / "Which planets are the
largest?", "¿Qué planeta es el más grande?", "Welcher Planet ist der größte?", "Какая планета самая большая?", "哪颗行星
最大" / "哪些行星最大": nc43, 0.999 served by format 33). Read in `number_mismatch`.
A singular or plural of a kind without a superlative ("What is a cat?" / "What are cats?") is a rewording and not
read; "the main cause" / "the main causes" is no superlative either.
"""

from __future__ import annotations

import re

from velo.cache import number_words
from velo.cache.numbers import MEASURE_WORDS
from velo.cache.text import CYRILLIC, FUNCTION_WORDS, HAN, fold

GENDERED_ONES = frozenset(
    fold(w) for w in "un una uno ein eine einen einem einer eines один одна одно одну одного одной одним одном".split()
)
"""Spanish, German and Russian words for one (and articles) whose form follows the noun's gender and case, folded: also
one of a unit to `quantities.ones_before_units` ("un kilo" / "una libra"), which leaves English "a" alone (folded, it is
the Spanish preposition too: "a mi jefe")."""
WORDS_FOR_ONE = frozenset("a an one single".split()) | GENDERED_ONES
"""An article or a word for one before a noun, folded (en / es / de / ru)."""
_ENDINGS = frozenset(
    "s es ies y e en n er a o as os ы и а я у ю ов ев еи ь ом ем ам ям ах ях ами ями о е ои".split()
) | {""}
"""Inflection endings a noun's singular and plural (or its cases after a number) differ by: "joke" / "jokes", "story" /
"stories", "Witz" / "Witze", "ejemplo" / "ejemplos", "пример" / "примера" / "примеров", "книгу" / "книги"; the Russian
(Cyrillic) "о", "е" and "ои" ("ой" folded) of a singular's cases since lk40: "в банане" / "в 2 бананах", "в яблоке" / "в
3 яблоках", "с ложкой" / "с 2 ложками" (the Latin "e" and "o" were there, the Cyrillic letters were not)."""
_SINGULAR_ENDINGS = frozenset("у ю ь о е ом ем ои".split()) | {""}
"""Endings of a bare noun read as one thing against its counted form: the stem itself ("joke", "пример", "анекдот"),
a Russian singular accusative or neuter ("книгу", "песню", "слово"), prepositional or dative ("в банане", "о книге"),
instrumental ("с бананом", "с ложкой", folded "ложкои"); a plural ending ("примеры", "jokes", "бананах", "бананами") is
none, nor "й", which folding makes и ("музей" / "музеи"), nor "а" / "я", the singular genitive that a count of 2-4
takes ("2 банана")."""
_NOT_COUNTING = frozenset("这這那哪每某几幾多少各整半第")
"""Han characters before a classifier that pick out, ask or count otherwise ("这个", "几个", "多少个", "多个" several,
"各个" each, "整个" whole, "半个" half, "第二个" the second)."""
_CLASSIFIERS_AFTER_ONE = frozenset("根头頭片把滴勺串枝艘架栋棟幅句段封")
"""Classifiers `MEASURE_WORDS` lacks (`velo.cache.numbers` reads no 一 before them as 1): "一根香蕉" / "两根香蕉", "一片面包"
/ "三片面包" (lk40). Read as a count after a number and as one thing after 一 or 1 only: after another character they
end words ("知道" is no 道, left out; "木头", "照片" are no classifier after 一)."""
_NOT_A_COUNT_AFTER = frozenset({"-", ".", ",", "第"})
"""A number after these is a code's, a decimal's or an ordinal's ("AK-47", "第二个"), no count."""
_NOUN_REACH = 3
"""How many tokens after a number or an article its noun may stand ("three good examples", "ein Beispiel")."""


def _noun(toks: list[str], at: int) -> int | None:
    """Where the first content word at or after `at` stands, within `_NOUN_REACH` tokens, else None."""
    for k in range(at, min(len(toks), at + _NOUN_REACH)):
        if toks[k] not in FUNCTION_WORDS and toks[k][0].isalpha() and not number_words.cardinals([toks[k]]):
            return k
    return None


def _han(t: str) -> bool:
    return len(t) == 1 and HAN.match(t) is not None


def _counted(toks: list[str]) -> tuple[list[str], list[str]]:
    """The nouns `toks` counts (a number 2-1000 before them) and the nouns it names once (an article or one before
    them; in Chinese a classifier with its next character, "个笑", counted after a number, once after 一 or a verb)."""
    values: dict[int, tuple[int, int]] = {  # a count is 2-1000: a longer run of digits is none (int() refuses 4,301 digits and more)
        i: (int(t), i + 1) for i, t in enumerate(toks) if t.isdecimal() and len(t.lstrip("0")) <= 4
    }
    values.update((c.start, (c.value, c.end)) for c in number_words.cardinals(toks))
    counts, ones = [], []
    for i, (value, end) in values.items():
        before = toks[i - 1] if i else ""
        if (
            2 <= value <= 1000 and end < len(toks) and before not in WORDS_FOR_ONE and before not in _NOT_A_COUNT_AFTER
            and not before[-1:].isdigit() and not toks[end][0].isdigit()
        ):
            if _han(toks[end]) and _classifier(toks[end]) and end + 1 < len(toks):
                counts.append(toks[end] + toks[end + 1])
            elif (k := _noun(toks, end)) is not None and not _han(toks[k]):
                counts.append(toks[k])
    for i, t in enumerate(toks):
        if t in WORDS_FOR_ONE and i + 1 < len(toks) and i + 1 not in values and (k := _noun(toks, i + 1)) is not None:
            ones.append(toks[k])
        elif (
            _han(t) and MEASURE_WORDS.fullmatch(t) and i + 1 < len(toks) and i
            and (
                (toks[i - 1] == "1" and toks[i - 2 : i - 1] != ["第"])
                or (_han(toks[i - 1]) and toks[i - 1] not in _NOT_COUNTING)
            )
        ):
            ones.append(t + toks[i + 1])
        elif t in _CLASSIFIERS_AFTER_ONE and i + 1 < len(toks) and i and toks[i - 1] in ("1", "一"):
            ones.append(t + toks[i + 1])
    return counts, ones


def _classifier(t: str) -> bool:
    return bool(MEASURE_WORDS.fullmatch(t)) or t in _CLASSIFIERS_AFTER_ONE


def _split(x: str, y: str) -> tuple[str, str] | None:
    """The endings of two forms of one noun after their common stem (at least 3 letters), if both are endings of
    `_ENDINGS`: ("joke", "jokes") -> ("", "s"); else None."""
    n = 0
    while n < min(len(x), len(y)) and x[n] == y[n]:
        n += 1
    if n < 3 and x != y:
        return None
    return (x[n:], y[n:]) if x[n:] in _ENDINGS and y[n:] in _ENDINGS else None


def _bare_singulars(toks: list[str], counted: str) -> bool:
    """Whether `toks` has `counted`'s noun bare in its singular, in Russian, which has no articles: a form of it whose
    ending after their common stem is a singular's (`_SINGULAR_ENDINGS`) where the counted form's is another
    ("пример" / "примера", "книгу" / "книги"), not after a number. In English, Spanish and German a singular without
    an indefinite article is a definite one or a modifier ("the best way" / "3 ways", "a three-sentence summary" / "in
    3 sentences"): left to the model."""
    for k, t in enumerate(toks):
        ends = _split(t, counted) if CYRILLIC.match(t) and not (k and _is_number(toks[k - 1])) else None
        if ends is not None and ends[0] != ends[1] and ends[0] in _SINGULAR_ENDINGS:
            return True
    return False


def _is_number(t: str) -> bool:
    return t[0].isdigit() or bool(number_words.cardinals([t]))


def _one_against_count(ta: list[str], tb: list[str]) -> bool:
    counts_a, ones_a = _counted(ta)
    counts_b, ones_b = _counted(tb)
    for noun in counts_a:
        def same(x: str) -> bool:
            return x == noun if _han(noun[0]) else _split(x, noun) is not None

        def one_form(x: str) -> bool:  # another form of the noun: "joke" / "jokes"; "come" / "come" is no noun counted
            return x == noun if _han(noun[0]) else x != noun and _split(x, noun) is not None

        if any(map(same, counts_b)) or any(map(same, ones_a)):
            continue  # counted on both sides (`number_change` compares the numbers), or named once beside its count
        if any(map(one_form, ones_b)) or (not _han(noun[0]) and _bare_singulars(tb, noun)):
            return True
    return False


def count_replaced(ta: list[str], tb: list[str]) -> bool:
    """Whether one question asks for several of a thing (a number 2-1000 before its noun) and the other for one of
    the same thing (an article or a word for one, or the noun bare in its singular): "Tell me a joke." / "Tell me 5
    jokes.", "Dame un ejemplo" / "Dame tres ejemplos", "Приведи пример" / "Приведи три примера", "讲个笑话" / "讲五个笑话".
    Token lists as `velo.cache.numbers.as_digits` and `velo.cache.text.tokens` give them."""
    return _one_against_count(ta, tb) or _one_against_count(tb, ta)


_NOT_SUPERLATIVES = frozenset(
    """forest interest honest harvest request contest protest manifest modest digest suggest arrest conquest inquest
    midwest southwest northwest everest budapest bucharest earnest priest tempest behest unrest bequest
    invest""".split()
)
"""English words in "-est" that are no superlative ("the forest fire")."""
_SPANISH_SUPERLATIVES = frozenset("mejor mejores peor peores mayor mayores menor menores".split())
_GERMAN_SUPERLATIVE = re.compile(r"(\w{2,}st)(e|en)")
_RUSSIAN_SUPERLATIVE = re.compile(r"(?:сам|лучш|худш|\w+[еа][йи]ш)\w*")  # folded: "крупнейший" is "крупнеишии"
_RUSSIAN_ONE, _RUSSIAN_SEVERAL = ("ыи", "ии", "ои", "ая", "яя", "ое", "ее"), ("ые", "ие")


def _superlatives(toks: list[str]) -> list[tuple[str, str | None, list[str]]]:
    """The superlatives `toks` asks with, each as (what it says, "one" / "several" where its article or ending tells,
    else None, the tokens its noun may be among): "the largest planet", "the most spoken languages", "el planeta más
    grande", "los mejores libros", "der größte Planet", "die größten Planeten", "самая большая планета"."""
    out: list[tuple[str, str | None, list[str]]] = []
    # the noun a question word picks out, the superlative after the verb ("Which planet is the largest?", "¿Qué planeta
    # es el más grande?", "Welcher Planet ist der größte?", "Какая планета самая большая?"): nc43, 0.999 served
    asked = [toks[q + 1] for q in range(len(toks) - 1) if toks[q] in _WHICH]
    for i, t in enumerate(toks):
        before = toks[i - 1] if i else ""
        if before == "the" and t in ("most", "least") and i + 1 < len(toks):  # "the most spoken language"
            out.append((t + " " + toks[i + 1], None, toks[i + 2 : i + 5] + [w for w in asked if w not in toks[i + 1 :]]))
        elif before == "the" and (
            t in ("best", "worst") or (len(t) >= 6 and t.endswith("est") and t not in _NOT_SUPERLATIVES)
        ):
            out.append((t, None, toks[i + 1 : i + 4] + [w for w in asked if w not in toks[i + 1 :]]))
        elif t in ("mas", "menos") and i >= 2 and (art := [a for a in toks[max(0, i - 3) : i] if a in _ES_ARTICLES]):
            out.append((t, _ES_ARTICLES[art[-1]], toks[i - 2 : i] + asked))  # "el planeta más grande"
        elif t in _SPANISH_SUPERLATIVES and before in _ES_ARTICLES:  # "los mejores libros"
            out.append((t.removesuffix("es"), _ES_ARTICLES[before], toks[i + 1 : i + 4]))
        elif (m := _GERMAN_SUPERLATIVE.fullmatch(t)) and before in ("der", "das", "die"):
            several = m.group(2) == "en"
            if not several or before == "die":  # "den größten Planeten" is one: left out
                out.append((m.group(1), "several" if several else "one", toks[i + 1 : i + 4] + asked))
        elif CYRILLIC.match(t) and _RUSSIAN_SUPERLATIVE.fullmatch(t) and t.endswith(_RUSSIAN_ONE + _RUSSIAN_SEVERAL):
            out.append((t[:-2], "several" if t.endswith(_RUSSIAN_SEVERAL) else "one", toks[i + 1 : i + 4] + asked))
    return out


_WHICH = frozenset("which what que cual cuales welcher welche welches welchen какои какая какое какие каких".split())
"""Question words that pick out a noun ("Which planet", folded: "qué", "cuál", "какой")."""


_ES_ARTICLES = {"el": "one", "la": "one", "los": "several", "las": "several"}
_ENGLISH_PLURALS = {("", "s"), ("", "es"), ("y", "ies")}


def _one_superlative_against_several(ta: list[str], tb: list[str]) -> bool:
    """Whether `ta` asks for the one thing a superlative picks out ("the largest planet") and `tb` for several of it
    ("the largest planets"), the same superlative before the same noun in the singular and the plural."""
    if {"are", "were"} & set(ta) or {"is", "was"} & set(tb):
        english_agrees = False  # "Which of the largest planets is hottest?": the plural is not what is asked for
    else:
        english_agrees = True
    for said, number_a, near_a in _superlatives(ta):
        for said_b, number_b, near_b in _superlatives(tb):
            if said != said_b or number_a == "several" or number_b == "one":
                continue
            if number_a is None and not english_agrees:
                continue
            for x in near_a:
                for y in near_b:
                    ends = _split(x, y) if x != y else None
                    if ends is None or x in FUNCTION_WORDS or y in FUNCTION_WORDS:
                        continue
                    if number_a is None and ends not in _ENGLISH_PLURALS:
                        continue
                    if number_a is not None and (number_a, number_b) != ("one", "several"):
                        continue
                    return True
    return False


def _han_several(ta: list[str], tb: list[str]) -> bool:
    """Chinese marks no plural: `tb` asks which ones (哪些) and `ta` which one (`_HAN_WHICH_ONE`), each within
    `_HAN_REACH` characters after the same 最 superlative, and `ta` counts nothing (几: "说几个最有名的..." asks for
    several too): "最大的行星是什么？" / "最大的行星有哪些？"."""
    def asked(toks: list[str], words: tuple[str, ...]) -> set[str]:
        # the question word after 最 ("最大的行星是什么") or before it ("哪颗行星最大" / "哪些行星最大": nc43)
        return {
            toks[i + 1] for i, t in enumerate(toks[:-1]) if t == "最"
            and any(w in "".join(toks[i + 2 : i + 2 + _HAN_REACH]) or w in "".join(toks[max(0, i - _HAN_REACH) : i]) for w in words)
        }

    if "几" in ta or "些" in ta:
        return False
    return bool(asked(ta, _HAN_WHICH_ONE) & asked(tb, ("哪些",)))


_HAN_WHICH_ONE = ("什么", "谁", "哪一") + tuple("哪" + c for c in "个座颗位家本部种国条所只门")
"""Question words that ask for one: what, who, which one (哪 with a classifier: 哪座 of a mountain, 哪颗 of a planet)."""
_HAN_REACH = 12
"""How many characters after 最 and its next one the question word may stand ("最大的行星是什么", "最有名的日本特摄有哪些")."""


def superlative_number_change(ta: list[str], tb: list[str]) -> bool:
    """Whether one question asks for the one thing a superlative picks out and the other for several ("What is the
    largest planet?" / "What are the largest planets?", "el mejor libro" / "los mejores libros", "der größte Planet" /
    "die größten Planeten", "самая большая планета" / "самые большие планеты"; after rule format 33, a newcomer's
    finding: 0.999, served). One answer names one, the other a list. A singular or plural of a kind without a
    superlative ("What is a cat?" / "What are cats?", "the benefit" / "the benefits") is a rewording and not read.
    Chinese marks no plural: there 哪些 (which ones) against a question without it is read ("最大的行星是什么？" / "最大的行星
    有哪些？"). Token lists as `count_replaced` takes them."""
    return any(
        _one_superlative_against_several(a, b) or _han_several(a, b) for a, b in ((ta, tb), (tb, ta))
    )
