"""A phrase moved whole to another place in the question: the same question (recall43, after rule format 33).

`order.reordered` (the hit features' `order_swap`) reads two questions made of the same tokens in another order as
another question, unless `order.symmetric_reordering` finds a symmetric exchange. Over the labelled pairs outside dev it
gave 24 right pairs (12 rewordings, both ways) 1.0, for a phrase moved whole, which keeps every word's role:

| kind | examples (request / cached) |
|---|---|
| a phrase after a preposition of place, means or order, moved over its neighbour (`_HEADS`) | "Wie lese ich eine Datei in Python Zeile für Zeile ein?" / "Wie lese ich in Python eine Datei ...", "Was ist der Unterschied zwischen == und === in JavaScript?" / "Was ist in JavaScript der Unterschied ...", "Как проверить в JavaScript, ..." / "Как в JavaScript проверить, ...", "¿Cómo ordeno de mayor a menor los resultados ...?" / "¿Cómo ordeno los resultados ... de mayor a menor?", "请用golang语言帮我写一个程序" / "请帮我用golang语言写一个程序" |
| "exactly" at the start or the end (`_ADVERBS`) | "Exactly how reliable is carbon dating?" / "How reliable is carbon dating exactly?" |
| a Chinese "what / who is" asked before or after 是 | "人工智能是什么？" / "什么是人工智能？", "X是谁" / "谁是X" |

Moved whole means two neighbouring runs of tokens in each other's place, one of them the phrase, the rest in place. Two
arguments exchanged around a word keep reading as another question: "Is a tomato a fruit?" / "Is a fruit a tomato?"
(no phrase of `_HEADS`), "de menor a mayor" / "de mayor a menor" (the words inside the phrase exchanged), "Germany
invaded Poland" / "Poland invaded Germany".
"""

from __future__ import annotations

_HEADS = frozenset("in im en dans в во 用".split())
"""Prepositions whose phrase may stand before or after its neighbour with the same meaning (folded, as
`velo.cache.text.tokens` gives them): "in Python", "en SQL", "в JavaScript", "用golang语言" (with). Not "de" (it
joins a noun to another, "los resultados de una consulta": moved, it would attach elsewhere), nor a role word of
`velo.cache.role_words` that gives its argument a role against another ("to", "from", "than", "a", "на")."""
_NOT_WITH = frozenset("户途处法品力量于来作意心功")
"""Characters that make 用 the start of a word (用户 user, 用途, 用处, 用法, 用品, 用力, 用量, 用于, 用来, 用作, 用意, 用心,
用功), not "with"."""
_DE_SPAN = ("de", "a")
"""Spanish "de X a Y" (from X to Y): a range moved whole, "de mayor a menor"."""
_ADVERBS = frozenset("exactly exactamente genau именно возможно".split())
"""Adverbs that may open or close a question with the same meaning ("Exactly how ...?" / "How ... exactly?"); Russian
"возможно" (possible) before or after what it says of ("Сколько возможно вариантов ...?" / "Сколько вариантов ...
возможно?", recall44)."""
_SUPERLATIVE = ("самы", "сама", "само", "самой", "самого", "самом", "самую", "самым", "самых")
"""Russian "самый" in its forms: with its adjective a phrase that stands before or after its noun ("Какое самое большое
озеро?" / "Какое озеро самое большое?", recall44)."""
_COPULAS = frozenset("is are was were es son esta estan era ist sind war waren".split())
_ASKING = frozenset(
    "why what who where how when which whom whose que quien donde cuando como por warum wieso weshalb was wer wo wie wann".split()
)
"""Question words after which a copula stands before or after the subject: "why is the sky blue?" / "why the sky is
blue?", "¿Por qué el cielo es azul?" / "¿Por qué es azul el cielo?" (recall44)."""
_HAN_RECOMMEND = ("推荐", "推薦")
"""A Chinese request verb that stands before a counted object or after it as a heading's: "推荐10本科幻小说" / "10本科幻小说推荐"."""
_HAN_ASKED = (["什", "么"], ["什", "麼"], ["谁"], ["誰"])
"""What a Chinese question asks before or after 是: "什么是X" / "X是什么", "谁是X" / "X是谁"."""
_MAX_PHRASE = 4
"""The longest phrase read as moved whole, in tokens: a preposition and up to three words ("in der deutschen Sprache")."""


def _phrase(run: list[str]) -> bool:
    """Whether `run` is a phrase that may move whole: a preposition of `_HEADS` and at most `_MAX_PHRASE` - 1 tokens
    after it, a Spanish "de X a Y", or one adverb of `_ADVERBS`."""
    if run[:1] and run[0] in _HEADS and len(run) <= _MAX_PHRASE:
        return run[0] != "用" or (len(run) > 1 and run[1] not in _NOT_WITH)
    if len(run) == 4 and run[0] == _DE_SPAN[0] and run[2] == _DE_SPAN[1]:
        return True
    if len(run) == 2 and run[0].startswith(_SUPERLATIVE) and run[1].isalpha():
        return True  # "самое большое"
    return len(run) == 1 and run[0] in _ADVERBS


def _swapped_runs(a: list[str], b: list[str]) -> list[tuple[list[str], list[str]]]:
    """Each way `b` is `a` with two neighbouring runs in each other's place: (first run of `a`, second run of `a`)."""
    start = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    end = len(a) - next((k for k, (x, y) in enumerate(zip(reversed(a), reversed(b))) if x != y), len(a))
    mid_a, mid_b = a[start:end], b[start:end]
    return [(mid_a[:k], mid_a[k:]) for k in range(1, len(mid_a)) if mid_a[k:] + mid_a[:k] == mid_b]


def _han_copula(a: list[str], b: list[str]) -> bool:
    """Whether `a` and `b` ask "what / who is X" on either side of 是: [..., X, 是, 什, 么] / [..., 什, 么, 是, X]."""
    for asked in _HAN_ASKED:
        for x, y in ((a, b), (b, a)):
            n = len(asked)
            k = len(x) - n - 1  # where 是 stands before the question word closing `x`
            if k > 0 and x[k] == "是" and x[k + 1 :] == asked:
                for i in range(len(y) - n):
                    if y[i : i + n] == asked and y[i + n : i + n + 1] == ["是"] and y[:i] + y[i + n + 1 :] == x[:k]:
                        return True
    return False


def moved_whole(a: list[str], b: list[str]) -> bool:
    """Whether two token lists (`velo.cache.text.tokens`) are one question with a phrase moved whole (module docstring):
    two neighbouring runs in each other's place, one of them a phrase (`_phrase`), or a Chinese question word on the
    other side of 是. ["wie", "lese", "ich", "eine", "datei", "in", "python"] / ["wie", "lese", "ich", "in",
    "python", "eine", "datei"] -> True; ["is", "a", "tomato", "a", "fruit"] / ["is", "a", "fruit", "a", "tomato"] ->
    False."""
    if len(a) != len(b) or a == b:
        return False
    if any(_phrase(x) or _phrase(y) for x, y in _swapped_runs(a, b)):
        return True
    return _han_copula(a, b) or _copula_inverted(a, b) or _han_recommend_moved(a, b)


def _copula_inverted(a: list[str], b: list[str]) -> bool:
    """Whether `a` and `b` put the copula of a question before or after its subject, right after the question word:
    two neighbouring runs exchanged, one starting with a copula (`_COPULAS`), the other of at most three tokens and no
    copula, a question word of `_ASKING` right before them ("why is the sky blue" / "why the sky is blue", "por que el
    cielo es azul" / "por que es azul el cielo")."""
    start = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    if start == 0 or a[start - 1] not in _ASKING:
        return False
    return any(
        (x[0] in _COPULAS) != (y[0] in _COPULAS) and len(y if x[0] in _COPULAS else x) <= 3
        and not _COPULAS.intersection(y if x[0] in _COPULAS else x)
        for x, y in _swapped_runs(a, b)
    )


def _han_recommend_moved(a: list[str], b: list[str]) -> bool:
    """Whether one side asks 推荐 before a counted object and the other after it, as a heading does ("推荐10本科幻小说" /
    "10本科幻小说推荐"): the same characters, the object starting with a number."""
    for x, y in ((a, b), (b, a)):
        for verb in _HAN_RECOMMEND:
            v = list(verb)
            rest = x[len(v) :]
            if x[: len(v)] == v and rest[:1] and rest[0][0].isdigit():
                end = len(y)
                while end and not y[end - 1].isalnum():
                    end -= 1
                if y[end - len(v) : end] == v and y[: end - len(v)] + y[end:] == rest:
                    return True
    return False
