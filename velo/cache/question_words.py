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

from velo.cache.roles import content_terms
from velo.cache.text import FUNCTION_WORDS, fold, tokens

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


_OBJECT_WORDS = frozenset("whom wen wem кого кому кем".split())
"""Question words that ask for an object by their case ("Wen tötete Brutus?", "Кого убил Брут?")."""
_SUBJECT_WORDS = frozenset("wer кто".split())
"""Question words that ask for the subject by their case ("Wer tötete Brutus?", "Кто убил Брута?")."""
_OPEN_WORDS = frozenset("who what quien quienes 谁 誰".split())
"""Question words whose case is not written: the question's shape says whether they ask for the subject or the
object (`_asks_for`)."""
_DO = frozenset("did does do".split())
"""English "do" after a question word: the question word is the object ("Who did Brutus kill?")."""
_TRAILING = frozenset("了 呢 吗 嗎 啊 呀 的".split())


def _asks_for(toks: list[str]) -> tuple[str, int] | None:
    """Whether a question's first person-or-thing question word asks for the subject or the object, and its place: the
    word's case ("wer" / "wen", "кто" / "кого"); Spanish "a quién" (the personal "a" marks the object) against "quién"
    before a content word; English "who" / "what" before "did" against before a content word ("Who did Brutus kill?"
    / "Who killed Brutus?", the question's first word only); Chinese "谁" first against last ("谁杀了布鲁图斯" /
    "布鲁图斯杀了谁", not beside "是"). None when the shape says neither ("Who is ...?", "What about ...?", "谁是李白").""" 
    for k, t in enumerate(toks):
        if t in _OBJECT_WORDS:
            return "object", k
        if t in _SUBJECT_WORDS:
            return "subject", k
        if t not in _OPEN_WORDS:
            continue
        if t in ("quien", "quienes") and k > 0 and toks[k - 1] == "a":
            return "object", k
        after = toks[k + 1 : k + 2]
        if t in ("谁", "誰"):
            if "是" in toks[max(k - 1, 0) : k + 2]:
                return None  # "谁是李白" / "李白是谁": who is, either way round
            if k == 0 and after and after[0].isalnum() and after[0] not in _TRAILING:
                return "subject", k
            if k > 0 and all(x in _TRAILING or not x.isalnum() for x in toks[k + 1 :]):
                return "object", k
            return None
        if k > 0 and t in ("who", "what"):
            return None  # a clause inside the question ("Can you explain what compound interest is?")
        if after and after[0] in _DO:
            return "object", k
        if after and after[0].isalpha() and after[0] not in FUNCTION_WORDS:
            return "subject", k
        return None
    return None


def subject_object_swap(a: list[str], b: list[str]) -> bool:
    """True when one question's question word asks for the subject and the other's for the object of the same words
    ("Who did Brutus kill?" / "Who killed Brutus?", "What did the cat eat?" / "What ate the cat?", "¿A quién mató
    Bruto?" / "¿Quién mató a Bruto?", "Wen tötete Brutus?" / "Wer tötete Brutus?", "Кого убил Брут?" / "Кто убил
    Брута?"): both question words ask for a person or a thing and are of one category, so `question_swap` cannot see
    it. Only when the two questions' content terms, the question words left out, are the same (`roles.content_terms`:
    a word as its stem; English's verb after "did" is in its other form), so a question worded otherwise around the
    question word is none ("Who wrote Hamlet?" / "Who did write Hamlet?": "did" stresses, the object is Hamlet in
    both). Folded into `role_swap` since rule format 16."""
    ra, rb = _asks_for(a), _asks_for(b)
    if ra is None or rb is None or ra[0] == rb[0]:
        return False
    rest_a, rest_b = content_terms(a[: ra[1]] + a[ra[1] + 1 :]), content_terms(b[: rb[1]] + b[rb[1] + 1 :])
    if sorted(rest_a) == sorted(rest_b):
        return True
    # English changes the verb's form with "did": "Who killed Brutus?" / "Who did Brutus kill?", "What ate the cat?" /
    # "What did the cat eat?". The verb right after the subject's question word and the object question's last term
    # are that verb; the rest must be the same.
    (s, k), (o, m) = ((a, ra[1]), (b, rb[1])) if ra[0] == "subject" else ((b, rb[1]), (a, ra[1]))
    if o[m + 1 : m + 2] and o[m + 1] in _DO and content_terms(s[k + 1 : k + 2]):
        return sorted(content_terms(s[:k] + s[k + 2 :])) == sorted(content_terms(o[:m] + o[m + 1 :])[:-1])
    return False
