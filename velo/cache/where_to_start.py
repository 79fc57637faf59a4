"""Where to start asks how to start (rc41, after rule format 32).

`question_words.question_swap` reads "where" (place) put in place of "how" (manner) as another question ("Where was
Einstein born?" / "How was Einstein born?"). Asked by someone about to start, the two ask one thing: "No qualifications
yet - where do I start?" / "how can I get started?", "我想学数据库，该从哪里入手？" / "数据库怎么入门？" (rewordings of
the team's sets that the veto refused at 0.000). Each side must ask how a doer should start (`asks_to_start`): a word of
starting after the question word, with only a doer or a modal between ("where do I start", "where to begin", "how can
I get started", "¿por dónde empiezo?", "wo fange ich an", "с чего мне начать", "从哪里入手", "怎么入门"). An event is left
to the veto ("Where was the marathon started?" / "How was the marathon started?", "Where does the race start?",
"马拉松是在哪里开始的？"), and so is a side without starting: "从哪里着手" / "如何学习" (where to start / how to learn);
"Where do I start?" / "When do I start?" (place / time) is another category. Since recall44 a where-to-start is also
read against a how-to whose verb the where-to-start side says, or a bare 怎么做
(`question_words._start_against_how_to`: "我想自己创建一门新的编程语言，请问应该从哪里着手？" / "如何创建一门新的编程语言？").
"""

from __future__ import annotations

from velo.cache.text import fold, tokens

_STARTING = frozenset(tokens(fold(
    """start begin empiezo empezar comienzo comenzar anfangen fange beginnen beginne starten starte начать начинать начну"""
)))
"""Words of starting, in the forms a doer asking how to start uses (infinitive, first person; folded as
`velo.cache.text.tokens` gives them): not "started", "begins", "empieza", "начинается", which tell of an event."""
_BETWEEN = frozenset(tokens(fold(
    """do should can could shall would must might may i we you one to get best puedo puedes debo debemos deberia
    podemos yo ich man wir du soll sollte sollen kann konnen muss am besten мне нам лучше стоит надо нужно следует я"""
)))
"""Words that may stand between the question word and the word of starting: a doer, a modal, "to", "get" ("how can I
get started": "started" is read after "get" only)."""
_HAN_STARTING = ("入手", "着手", "著手", "开始", "開始", "下手", "入门", "入門", "上手", "起步")
"""Chinese words of starting, right after the question word ("从哪里入手", "怎么入门", "如何开始"; "怎么起步", get
started, since recall44: "我打算系统地学编程，应该从哪里开始？" / "系统学编程，怎么起步？")."""
_HAN_EVENT_ENDS = frozenset("的了")
"""A Chinese question closed by these tells of an event ("马拉松是在哪里开始的？", "你怎么开始了？"), as in `question_words`."""
WINDOW = 4
"""How many tokens after the question word may hold the word of starting ("how can I get started")."""


def asks_to_start(toks: list[str], start: int, length: int) -> bool:
    """Whether the question word of `length` tokens at `start` of `toks` (`velo.cache.text.tokens`, folded) asks how a
    doer should start: a word of starting (`_STARTING`; "started" after "get") after it with only `_BETWEEN` words
    between, within `WINDOW` tokens; in Chinese a word of starting right after it (`_HAN_STARTING`) in a question not
    closed by 的 or 了."""
    after = toks[start + length :]
    if toks[start] >= "\u2e80":
        last = [t for t in toks if t.isalnum()][-1:]
        return "".join(after[:2]) in _HAN_STARTING and not _HAN_EVENT_ENDS.intersection(last)
    for k, t in enumerate(after[:WINDOW]):
        if t in _STARTING or (t == "started" and k and after[k - 1] == "get"):
            return True
        if t not in _BETWEEN:
            return False
    return False
