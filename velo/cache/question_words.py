"""Question words by what they ask for: a question word of one category put in place of one of another asks another
question ("Where was Einstein born?" / "When was Einstein born?", "Who wrote Hamlet?" / "When was Hamlet written?").

Question words are function words, so the content-word features do not see such a swap; `question_swap` (the first
question word of each question) is folded into the `role_swap` veto. Categories: place, time, person, reason, manner, quantity (how much, how many, how long,
how much time: a duration is a quantity, so "¿Cuánto tarda?" / "¿Cuánto tiempo tarda?" agree). Words too vague to
categorise ("what", "which", "qué", "cuál", "was", "что", "什么", "哪个") and set phrases that only ask for a name
("cómo se llama", "wie heißt", "как зовут", "怎么样") belong to no category. Phrases are matched on folded tokens,
longest first ("what time" is time, "how many" quantity, "为什么" reason although it holds "什么"; "怎么会" reason
although it holds "怎么"); Han phrases are matched character by character (`velo.cache.text.tokens` splits Han so).
"""

from __future__ import annotations

from velo.cache.text import fold, tokens

_PHRASES = {
    "place": """where | whereabouts | donde | adonde | wo | wohin | где | куда
        | 哪里 | 哪儿 | 哪裡 | 哪兒 | 何处 | 何處 | 何地""",
    "time": """when | what time | what year | which year | what date | what day | cuando | a que hora | que ano | en que ano
        | que dia | wann | um wie viel uhr | um wieviel uhr | welchem jahr | welches jahr | когда | во сколько
        | в каком году | в котором часу | какого числа | 什么时候 | 什麼時候 | 何时 | 何時 | 几点 | 幾點 | 哪年 | 哪一年
        | 什么时间 | 几号 | 幾號""",
    "person": """who | whom | whose | quien | quienes | wer | wen | wem | wessen | кто | кого | кому | кем | чей | чья | 谁 | 誰""",
    "reason": """why | how come | what for | por que | para que | warum | wieso | weshalb | weswegen | почему | зачем | отчего
        | 为什么 | 為什麼 | 为何 | 為何 | 怎么会 | 怎麼會 | 干嘛 | 幹嘛""",
    "manner": """how | como | wie | как | каким образом | 怎么 | 怎麼 | 如何 | 怎样 | 怎樣""",
    "quantity": """how many | how much | how long | how much time | how often | cuanto | cuantos | cuanta | cuantas
        | cuanto tiempo | wie viel | wie viele | wie vielen | wie vieler | wieviel | wieviele | wie lange | wie oft
        | сколько | как долго | как часто
        | 多少 | 几 | 幾 | 多久 | 多长时间 | 多長時間""",
    "": """what | which | how old | how about | what about | que | cual | cuales | como se llama | como se llamaba
        | como se dice | was | welche | welcher | welches | welchen | welchem | wie heisst | wie hiess | wie geht | woher
        | что | какой | какая | какое | какие | каком | какого | каких | который | которая | которое | откуда
        | как зовут | как звали | как называется | как назывался | как дела | 什么 | 什麼 | 啥 | 哪个 | 哪個 | 哪些
        | 怎么样 | 怎麼樣 | 几乎 | 幾乎 | 如何是好""",
}
"""Each category's question words and phrases in the five languages (folded, as `velo.cache.text.fold` leaves them);
"" holds phrases that hold a categorised word but ask for none of the categories."""


def _phrase_table() -> list[tuple[tuple[str, ...], str]]:
    table = [
        (tuple(tokens(fold(p.strip()))), cat) for cat, phrases in _PHRASES.items() for p in phrases.split("|") if p.strip()
    ]
    return sorted(table, key=lambda pc: -len(pc[0]))


_TABLE = _phrase_table()


def question_words(toks: list[str]) -> list[str]:
    """The category of each question word in a question's tokens (`velo.cache.text.tokens`), in order, longest phrase
    first; "" for a word too vague to categorise."""
    found, i = [], 0
    while i < len(toks):
        for phrase, cat in _TABLE:
            if tuple(toks[i : i + len(phrase)]) == phrase:
                found.append(cat)
                i += len(phrase)
                break
        else:
            i += 1
    return found


_COMPATIBLE = {frozenset({"manner", "reason"}), frozenset({"manner", "quantity"})}
"""Pairs of categories that rewordings put in each other's place: "How does X work?" / "Why does X work?", "Как
сварить гречку?" / "Сколько варить гречку?", "Wie hoch ist der Verbrauch?" / "Wie viele Kalorien ...?" ("how" before
an adjective asks for a measure)."""


def question_swap(a: list[str], b: list[str]) -> bool:
    """True when the two questions' first question words are of different categories: one was put in another's place
    ("dónde" / "cuándo", "wo" / "wann", "где" / "когда", "在哪里" / "什么时候", "who" / "when"). Not a swap: the same
    category worded otherwise ("when" / "what time", "why" / "how come", "cuándo" / "a qué hora"), a first question
    word too vague to categorise ("what", "qué", "что", "什么": "What's a good way to ... when learning"), no question
    word on one side, and the `_COMPATIBLE` pairs (manner beside reason or quantity)."""
    wa, wb = question_words(a), question_words(b)
    if not wa or not wb or not wa[0] or not wb[0] or wa[0] == wb[0]:
        return False
    return frozenset({wa[0], wb[0]}) not in _COMPATIBLE
