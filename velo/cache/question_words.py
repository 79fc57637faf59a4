"""Question words by what they ask for: a question word of one category put in place of one of another asks another
question ("Where was Einstein born?" / "When was Einstein born?", "Who wrote Hamlet?" / "When was Hamlet written?").

Question words are function words, so the content-word features do not see such a swap; `question_swap` (the first
question word of each question) is folded into the `role_swap` veto. Categories: place, time, person, reason, manner, quantity (how much, how many, how long,
how much time: a duration is a quantity, so "¿Cuánto tarda?" / "¿Cuánto tiempo tarda?" agree). Words too vague to
categorise ("what", "which", "qué", "cuál", "was", "что", "什么", "哪个") and set phrases that only ask for a name
("cómo se llama", "wie heißt", "как зовут", "怎么样") belong to no category. Phrases are matched on folded tokens,
longest first ("what time" is time, "how many" quantity, "为什么" reason although it holds "什么"; "怎么会" reason
although it holds "怎么"); Han phrases are matched character by character (`velo.cache.text.tokens` splits Han so).
Besides the first question words, `question_swap` sees a how-to against a motive, worded with how / why or not
(`how_to_against_motive`), and a time word exchanged for a place word anywhere, a conjunction included in a one-time
event (`time_for_place`).
"""

from __future__ import annotations


from velo.cache import alignment
from velo.cache.text import FUNCTION_WORDS, by_first_word, fold, tokens
from velo.cache.where_to_start import asks_to_start

_PHRASES = {
    "place": """where | whereabouts | donde | adonde | wo | wohin | где | куда
        | 哪里 | 哪儿 | 哪裡 | 哪兒 | 何处 | 何處 | 何地""",
    "time": """when | what time | what year | which year | what date | what day | cuando | a que hora | que ano | en que ano
        | que dia | wann | um wie viel uhr | um wieviel uhr | welchem jahr | welches jahr | когда | во сколько
        | в каком году | в котором часу | какого числа | 什么时候 | 什麼時候 | 何时 | 何時 | 几点 | 幾點 | 哪年 | 哪一年
        | 什么时间 | 几号 | 幾號 | 几几年 | 幾幾年 | 几月 | 幾月""",
    "person": """who | whom | whose | quien | quienes | wer | wen | wem | wessen | кто | кого | кому | кем | чей | чья | 谁 | 誰 | 哪一位 | 哪位""",
    "reason": """why | how come | how is it that | how so | what for | por que | para que | como es que | como asi | warum
        | wieso | weshalb | weswegen | wozu | wie kommt es | почему | зачем | для чего | отчего | как так | как же так
        | 为什么 | 為什麼 | 为何 | 為何 | 为啥 | 為啥 | 何必 | 何苦 | 怎么会 | 怎麼會 | 干嘛
        | 幹嘛 | 怎么不 | 怎麼不 | 怎么没 | 怎麼沒 | 怎么这么 | 怎麼這麼 | 怎么那么 | 怎麼那麼""",
    "manner": """how | como | wie | как | каким образом | 怎么 | 怎麼 | 如何 | 怎样 | 怎樣""",
    "quantity": """how many | how much | how long | how much time | how often | cuanto | cuantos | cuanta | cuantas
        | cuanto tiempo | wie viel | wie viele | wie vielen | wie vieler | wieviel | wieviele | wie lange | wie oft
        | сколько | как долго | как часто
        | 多少 | 几 | 幾 | 多久 | 多长时间 | 多長時間""",
    "": """what | which | how old | how about | what about | que | cual | cuales | como se llama | como se llamaba
        | como se dice | was | welche | welcher | welches | welchen | welchem | wie heisst | wie hiess | wie geht | woher
        | что | какой | какая | какое | какие | каком | какого | каких | который | которая | которое | откуда
        | как зовут | как звали | как называется | как назывался | как дела | 什么 | 什麼 | 啥 | 哪个 | 哪個 | 哪些
        | 怎么样 | 怎麼樣 | 几乎 | 幾乎 | 如何是好
        | wie heissen | wie hiessen | wie sie heissen | wie du heisst | wie er heisst | wie sie heisst | wie ist ihr name
        | wie ist dein name | wie ist sein name | wie ist der name | wie lautet ihr name | wie lautet dein name
        | 难在哪 | 難在哪 | 难在哪里 | 難在哪裡 | 难在哪儿 | 难点在哪 | 难点在哪里 | 错在哪 | 錯在哪 | 错在哪里 | 錯在哪裡 | 错在哪儿
        | 错哪 | 好在哪 | 好在哪里 | 区别在哪 | 区别在哪里 | 區別在哪裡 | 不同在哪里 | 差别在哪里 | 问题在哪 | 问题在哪里""",
    "-": """como minimo | como maximo | как минимум | как максимум | 这几 | 這幾 | 那几 | 那幾 | 怎么连 | 怎麼連""",
}
"""Each category's question words and phrases in the five languages (folded, as `velo.cache.text.fold` leaves them);
"" holds phrases that hold a categorised word but ask for none of the categories; "-" phrases that hold a question
word and are none, not counted at all (recall43: "как минимум четыре примера", "como mínimo", at least; "这几位思想家",
these few; "你怎么连这个都听不懂？" how come you don't even get this, a reproach; each had been read as the question's first
word, "how" / "how many", against the "where" / "who" it asks).
Since recall43 "几几年" and "几月" ask a time (which year, which month: "最冷的年份是几几年？" / "最冷的是哪一年？", "今天是几月几号？" /
"今天是几号"), not a quantity, and "哪一位" a person ("哪一位的思想" / "谁的思想").
Since recall44 German "wie" asking a name ("wie heißen Sie?", "wie Sie heißen", "wie ist Ihr Name?": "wie heißt" was
there) and Chinese "where" of a difficulty, a fault or a difference ("难在哪里", "错在哪儿", "区别在哪里": what is hard,
wrong, different) ask for no category ("室温超导技术难在哪里？" / "室温超导难点？", "Guten Tag, wie ist Ihr Name?" / "...
mit wem ich es zu tun habe – wie heißen Sie denn?": right pairs of the replay, refused as place or manner against time
or person)."""


def _phrase_table() -> list[tuple[tuple[str, ...], str]]:
    table = [
        (tuple(tokens(fold(p.strip()))), cat) for cat, phrases in _PHRASES.items() for p in phrases.split("|") if p.strip()
    ]
    return sorted(table, key=lambda pc: -len(pc[0]))


_TABLE = _phrase_table()
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str]]] = {}
for _phrase, _cat in _TABLE:
    _BY_FIRST.setdefault(_phrase[0], []).append((_phrase, _cat))
"""`_TABLE` by each phrase's first token, longest first: a phrase can match only where its first token stands."""


def _matches(toks: list[str]) -> list[tuple[int, int, str]]:
    """(start, length, category) of each question word or phrase in a question's tokens, in order, longest first."""
    found, i = [], 0
    while i < len(toks):
        for phrase, cat in _BY_FIRST.get(toks[i], ()):
            if tuple(toks[i : i + len(phrase)]) == phrase:
                if cat != "-":  # no question word: "как минимум", "这几位"
                    found.append((i, len(phrase), cat))
                i += len(phrase)
                break
        else:
            i += 1
    return found


def question_words(toks: list[str]) -> list[str]:
    """The category of each question word in a question's tokens (`velo.cache.text.tokens`), in order, longest phrase
    first; "" for a word too vague to categorise."""
    return [cat for _, _, cat in _matches(toks)]


_COMPATIBLE = {frozenset({"manner", "reason"}), frozenset({"manner", "quantity"})}
"""Pairs of categories that rewordings put in each other's place: "¿Por qué flotan los barcos si son de acero?" /
"¿Cómo es posible que un barco de hierro no se hunda?", "武汉火神山医院为什么能十天建成?" / "...是怎么做到只用十天就建成的?"
(team dev and oasst1 train rewordings), "Как сварить гречку?" / "Сколько варить гречку?", "Wie hoch ist der Verbrauch?"
/ "Wie viele Kalorien ...?" ("how" before an adjective asks for a measure). Manner beside reason is compatible even with
every other word kept (rule format 28, the lead's decision after tester brk27's finding 2): format 27 vetoed "how" put in
place of "why" (helper veto27's H5, "How did Napoleon die?" / "Why did Napoleon die?") and so refused plain rewordings
at 0 that format 26 served at 0.94-0.99 ("How does ice float?" / "Why does ice float?", "How do magnets attract iron?",
"How did the dinosaurs go extinct?", "天怎么是蓝的？" / "为什么天是蓝的？", "你怎么哭了？" / "你为什么哭了？"): a mechanism
question and a cause question about one event mostly share their answer (Napoleon: stomach cancer either way)."""


_DOERS = frozenset("i you we one someone somebody people".split())
_HOW_TO_VERBS = {
    "how": frozenset("can could should shall may might must would do does".split()),
    "como": frozenset("""puedo puedes puede podemos pueden podria podriamos debo debes debe debemos deben deberia
        deberiamos hago hacemos se""".split()),
    "как": frozenset("мне нам можно нужно надо лучше следует стоит правильно".split()),
}
"""Words after "how" (before a doer: "How can I ...?", "How do you ...?", "How does one ...?"), "cómo" ("¿Cómo puedo
...?", "¿Cómo se hace ...?": the impersonal "se") and "как" ("Как мне ...?", "Как можно ...?") that make a how-to."""
_MOTIVE_VERBS = {
    "why": frozenset("should shall would must ought".split()),
    "por": frozenset("deberia deberias deberiamos debo debes debe debemos deben necesito necesitamos conviene".split()),
    "warum": frozenset("soll sollte sollten sollen solle sollst solltest muss musst mussen musste brauche".split()),
    "почему": frozenset("нужно надо должен должна должно должны стоит следует".split()),
    "为": frozenset("要需应應必该該"), "為": frozenset("要需应應必该該"), "干": frozenset("要"), "幹": frozenset("要"),
}
"""Words after a reason word, and after its subject if one stands between, that make it ask for a motive: "Why should /
would I ...?", "¿Por qué (yo) debería ...?", "Warum sollte ich ...?" (also after "wieso", "weshalb"), "Почему (я)
должен / нужно ...?", 为什么(我们)要 / 为何需要 / 干嘛要."""
_SUBJECTS = frozenset("yo tu usted nosotros я мы ты вы мне нам тебе вам 我 你 您 他 她 们 們 咱".split())
_MOTIVE_WORDS = frozenset(tuple(tokens(p)) for p in ("what for", "para que", "wozu", "зачем", "для чего", "何必", "何苦"))
"""Reason words that ask for a purpose whatever follows ("What for?", "¿Para qué ahorrar?", "Wozu abnehmen?", "Зачем
медитировать?", "何必省钱？")."""
_HAN_BEFORE_HOW_TO = frozenset("我们們咱你您该該应應要能可以才到底究竟")
"""Han characters that may stand before 如何 / 怎么 in a how-to: its doer and modal ("我该怎么减肥？", "我们要如何省钱？")."""


def _infinitive(word: str) -> bool:
    """A Spanish or Russian infinitive by its ending ("bajar", "relajarse", "медитировать", "беречь")."""
    return len(word) > 3 and word not in FUNCTION_WORDS and word.endswith(
        ("ar", "er", "ir", "arse", "erse", "irse", "ть", "ться", "ти", "тись", "чь", "чься")
    )


_EXPLAIN = frozenset(
    "explain account explicar explicas explica explicarias erklart erklaren erklarst объяснить объяснишь объяснять".split()
)
_CLAUSE_WORDS = frozenset("that why how what whether que por dass warum wieso weshalb ob что почему как".split())
_EXPLAINERS = _DOERS | frozenset("se man ich du wir es мне нам".split())


def _explains(toks: list[str], after: int) -> bool:
    """True when the words from `after` (right after a manner word) ask to explain a fact, which asks its cause as
    "why" does, not how to explain something to someone: an explain verb among the next three words with a clause
    after it and its doer ("How do you explain that the sky is blue?", "How can you explain why people yawn?", "¿Cómo
    explicas que ...?", "Wie erklärt man, dass ...?", "Как объяснить, что ...?") or, in English, after a doer and
    with no "to" after it ("How do you explain cats purring?"; "How do I explain inflation to my kids?" is a how-to),
    and 解释 right after 怎么 / 如何 ("怎么解释天是蓝的？"): tester brk29's MEDIUM-3."""
    if after < len(toks) and toks[after] >= "\u2e80":
        return "".join(toks[after : after + 2]) in ("解释", "解釋")
    for k in range(after, min(after + 3, len(toks))):
        if toks[k] in _EXPLAIN:
            nxt = next((t for t in toks[k + 1 :] if t not in _EXPLAINERS), "")
            english = toks[k] in ("explain", "account") and toks[after] != "to" and "to" not in toks[k + 1 :]
            return nxt in _CLAUSE_WORDS or english
    return False


def _german_infinitive(toks: list[str], i: int) -> bool:
    """True for a German infinitive question opened by the question word at `i`, the first word: no finite verb after
    it and an infinitive last ("Wie Geld sparen?", "Warum abnehmen?"; not "Wie heißen die Planeten?")."""
    rest = [t for t in toks[i + 1 :] if t.isalnum()]
    if i != 0 or not rest or len(rest[-1]) < 5 or not rest[-1].endswith(("en", "ern", "eln")):
        return False
    return all(t not in FUNCTION_WORDS and not t.endswith(("en", "t")) for t in rest[:-1])


def _how_to(toks: list[str], at: tuple[int, int, str]) -> bool:
    """True when the manner word at `at` asks how a doer should perform an act: "How can I / do you / does one ...?",
    "How to ...?", "¿Cómo puedo ...?", "¿Cómo se hace ...?", "¿Cómo bajar de peso?", "Wie kann ich / nehme ich / macht
    man ...?", "Как медитировать?", "Как мне ...?", "Как я могу ...?", 如何 / 怎么 with only a doer or a modal before it
    and no 了 or 的 closing the question ("如何省钱？", "我该怎么减肥？"; not "你怎么哭了？", "拿破仑是怎么死的？": an event)."""
    i, n, category = at
    word, after = toks[i], [*toks[i + n : i + n + 2], "", ""]
    if category != "manner":
        return False
    if word >= "\u2e80":
        last = [t for t in toks if t.isalnum()][-1:]
        return all(t in _HAN_BEFORE_HOW_TO for t in toks[:i]) and last not in (["了"], ["的"])
    if _explains(toks, i + n):
        return False
    if word == "how":
        return after[0] == "to" or (after[0] in _HOW_TO_VERBS["how"] and after[1] in _DOERS)
    if word == "wie":
        return after[1] in ("ich", "man", "wir", "du") or _german_infinitive(toks, i)
    if word in ("como", "как", "каким"):
        verbs = _HOW_TO_VERBS["como" if word == "como" else "как"]  # "каким образом" is Russian "how" too
        person = word != "como" and after[0] in ("я", "мы", "ты", "вы") and after[1].startswith(("мог", "може", "долж"))
        return after[0] in verbs or _infinitive(after[0]) or person
    return False


_HAN_WHY = frozenset("为 什 么|為 什 麼|为 何|為 何|为 啥|為 啥".split("|"))
_HAN_NOT_BARE = frozenset("是会會能的了呢吗嗎这這那")
"""A Chinese "why" followed by a short bare predicate asks for a motive as "Why meditate?" does ("为啥省钱？"), unless
a copula, modal or particle shows a statement about a thing ("为什么天是蓝的？", "为什么猫会打呼噜？")."""
_SUBJECT_CUES = frozenset("is are was were can could will would does do did has have had may might must".split())


def _bare_verb(after: list[str]) -> bool:
    """True when the words after "why" start with a bare verb ("Why meditate?", "Why save money?"), not a noun phrase
    followed by its verb, the learner's "Why + clause" that asks a cause ("Why sky is blue?", "Why people yawn?", "Why
    cats purr?", "Why leaves change color?": tester brk29's MEDIUM-3): a doer, a word before a form of be / do / have /
    a modal, or a plural before a content word is a subject."""
    first, second = after[0], after[1]
    if not first.isalpha() or first in FUNCTION_WORDS or first in _DOERS or second in _SUBJECT_CUES:
        return False
    plural = first.endswith("s") and not first.endswith(("ss", "us", "is"))
    return not (plural and _content(second))


def _motive(toks: list[str], at: tuple[int, int, str]) -> bool:
    """True when the reason word at `at` asks for a motive to act (`_MOTIVE_WORDS`, `_MOTIVE_VERBS`, "why do I need /
    have to ...", "¿Por qué tengo que / hay que ...?", an infinitive after "por qué": "¿Por qué ahorrar?", a content
    word right after "why": "Why meditate?")."""
    i, n, category = at
    phrase, after = " ".join(toks[i : i + n]), [*toks[i + n : i + n + 3], "", "", ""]
    if category != "reason":
        return False
    if tuple(toks[i : i + n]) in _MOTIVE_WORDS:
        return True
    key = {"wieso": "warum", "weshalb": "warum", "weswegen": "warum"}.get(toks[i], toks[i])
    verb = next((t for t in toks[i + n :] if t not in _SUBJECTS), "")
    if verb in _MOTIVE_VERBS.get(key, ()):
        return True
    if key == "warum":
        return _german_infinitive(toks, i)  # "Warum Geld sparen?"
    if phrase in _HAN_WHY:
        rest = [t for t in toks[i + n :] if t.isalnum()]
        return all(t in _SUBJECTS for t in toks[:i]) and 0 < len(rest) <= 4 and not _HAN_NOT_BARE.intersection(rest)
    if phrase == "why":
        doer_needs = after[0] in ("do", "does") and after[1] in _DOERS and after[2] in ("need", "have", "want")
        return doer_needs or after[0] == "be" or _bare_verb(after)  # "Why meditate?", "Why be happy?"
    if phrase == "por que":
        return (after[0] in ("tengo", "tenemos", "tienes", "hay") and after[1] == "que") or _infinitive(after[0])
    return False


def _phrases(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(tokens(fold(p.strip()))) for p in text.split("|") if p.strip())


_HOW_TO_PHRASES = by_first_word(_phrases(
    """best way to | best ways to | easiest way to | tips for | tips to | tips on | consejos para | tipps fur | tipps zum
    | советы как | what should i do to | what can i do to | mejor manera de
    | mejor forma de | mejor modo de | que debo hacer para | que puedo hacer para | beste weg | besten weg
    | beste methode | was soll ich tun um | was kann ich tun um | лучший способ | лучшии способ | что мне делать чтобы
    | что делать чтобы | 最好的方法 | 最好的办法 | 最好的辦法 | 最佳方法 | 最好方法"""
), lambda p: p)
"""How-tos worded without "how" ("What is the best way to lose weight?", "¿Cuál es la mejor manera de ahorrar?",
"Was ist der beste Weg, Geld zu sparen?", "Какой лучший способ экономить деньги?", "省钱的最好方法是什么？")."""
_MOTIVE_PHRASES = by_first_word(_phrases(
    """the point of | the point in | any point in | benefits of | is it worth | worth it | para que sirve | que sentido tiene
    | vale la pena | lohnt es sich | lohnt sich | какои смысл | в чем смысл | стоит ли | 有什么意义 | 有什麼意義 | 有什么好处
    | 有什麼好處 | 有啥好处 | 值得"""
), lambda p: p)
"""Motives worded without "why" ("What is the point of meditating?", "What are the benefits of quitting smoking?",
"¿Qué sentido tiene ahorrar?", "Какой смысл бросать курить?", "减肥有什么好处？") and whether to act at all ("Is it worth
learning Spanish?", "¿Vale la pena aprender alemán?", "Lohnt es sich, Deutsch zu lernen?", "Стоит ли учить немецкий?",
"值得学德语吗？"); not "What is the meaning of ...?"."""


def _holds(toks: list[str], phrases: dict[str, list[tuple[str, ...]]]) -> bool:
    """Whether one of `phrases` (indexed by their first token: `text.by_first_word`) is a run of `toks`."""
    return any(tuple(toks[k : k + len(p)]) == p for k, tok in enumerate(toks) for p in phrases.get(tok, ()))


def _how_to_or_motive(toks: list[str]) -> tuple[bool, bool]:
    """Whether a question asks how to act and whether it asks for a motive: by its first question word (`_how_to`,
    `_motive`) or by a phrase anywhere (`_HOW_TO_PHRASES`, `_MOTIVE_PHRASES`)."""
    first = _asked(toks)[:1]
    how_to = any(_how_to(toks, f) for f in first) or _holds(toks, _HOW_TO_PHRASES)
    should = toks[:2] in (["should", "i"], ["should", "we"])  # "Should I learn Rust?": whether to act
    motive = any(_motive(toks, f) for f in first) or _holds(toks, _MOTIVE_PHRASES) or should
    return how_to, motive


def how_to_against_motive(a: list[str], b: list[str]) -> bool:
    """True when one question asks how to do something and the other why one should do it: a procedure against a
    motive ("How can I lose weight?" / "Why should I lose weight?", "¿Cómo puedo bajar de peso?" / "¿Por qué debería
    bajar de peso?", "Wie kann ich abnehmen?" / "Warum sollte ich abnehmen?", "Как медитировать?" / "Зачем
    медитировать?", "如何省钱？" / "为什么要省钱？": served at 0.99-0.998 by rule format 28, newcomer's finding H2). Read on
    each question's first question word (`_how_to`, `_motive`) and, since tester brk29's MEDIUM-4, on phrases that
    word them without how / why (`_HOW_TO_PHRASES`, `_MOTIVE_PHRASES`: "What is the best way to lose weight?" / "Why
    should I lose weight?", "How to meditate?" / "What is the point of meditating?", 0.97-0.999 by format 29); a side
    read both ways is neither. "How do you explain that ...?" asks a cause, no how-to (`_explains`), and "Why sky is
    blue?" a cause, no motive (`_bare_verb`). Manner beside reason stays compatible otherwise
    (`_COMPATIBLE`): "How does ice float?" / "Why does ice float?", "How did Napoleon die?" / "Why did Napoleon die?",
    "你怎么哭了？" / "你为什么哭了？" ask for the mechanism and the cause of one event, and share their answer."""
    (how_a, why_a), (how_b, why_b) = _how_to_or_motive(a), _how_to_or_motive(b)
    return (how_a and not why_a and why_b and not how_b) or (how_b and not why_b and why_a and not how_a)


_CONJUNCTIONS = frozenset("and or but y e o u pero und oder aber sowie и а или но 和 与 與 跟 而 并 並 还 還 或".split())
"""Conjunctions that open a clause ("... and when did he die?", "... y cuándo murió", "... und wann starb er", "... и
когда он умер")."""
_CONJUNCTION_WHEN = frozenset("when where".split())
_CLAUSE_STARTS = frozenset(
    """i you he she it we they the a an this that these those my your his her its our their someone people there if""".split()
)
"""English "when" / "where" before a subject (a content word or one of these: "Who died when Lincoln was shot?",
"However, when I make a and b closer, ...", "words where the letters are ...", "when making pancakes") joins a clause
and asks nothing, unlike "When did he die?", "Where do I start?", "When to plant tomatoes?", "Where in the lower 48 ...?"
(tester brk27, finding 1)."""
_ASKING_AFTER = frozenset("exactly else".split())
"""Content words that still ask after "when" / "where" ("When exactly did it start?")."""


def _content(t: str) -> bool:
    return t.isalnum() and t not in FUNCTION_WORDS


_ENDS = frozenset("please bitte пожалуйста 了 呢 吗 嗎 啊 呀 的 请 請".split())
"""Words that may end a question after its last question word ("... and when, please?", "...被谁发现的？")."""


def _ends(t: str) -> bool:
    """True for a token that may stand after a question word that ends the question: punctuation or `_ENDS` (not
    function words at large: "... and when did he die?" ends in "did he die", all of them function words, "die" a
    German article)."""
    return not t.isalnum() or t in _ENDS


_PERSON_HEADS = frozenset("anyone anybody someone somebody person people persons individual man woman guy".split())
_EXISTENCE = (("is", "there"), ("are", "there"), ("do", "you", "know"), ("does", "anyone"), ("has", "anyone"))
"""A person word before English "who" in a question that asks whether such a person exists ("Do you know a single
person in the world who owns a working fighter jet?", "Is there anyone who ...?"): "who" opens a relative clause and
asks no person (recall44: against "Anyone in the world own a working fighter jet? If so, how did they get it?", a
right pair of the replay refused as person against manner). "Do you know who owns ...?" (no person word before it)
still asks one."""
_FEELING_WHEN = ("бес", "раздраж", "нрав", "люблю", "ненавиж", "надоел", "злит", "обидно", "неприятно",
                 "odio", "molesta", "encanta", "gusta", "fastidia", "enoja")
"""Beginnings of Russian and Spanish words of liking or annoyance after which "когда" / "cuando" is a conjunction
("Особенно бесит, когда предлагают ...", "Me molesta cuando ...": it annoys me when), as English "I hate it when"
(`_CLAUSE_STARTS`) is: recall44, a long Russian rewording read as asking a time."""


def _relative(toks: list[str], i: int) -> bool:
    """Whether the question word at `i` is a relative "who" after a person word in an existence question
    (`_PERSON_HEADS`, `_EXISTENCE`) or a "когда" / "cuando" after a word of feeling (`_FEELING_WHEN`)."""
    before = toks[:i]
    if toks[i] == "who":
        existence = any(tuple(before[k : k + len(e)]) == e for e in _EXISTENCE for k in range(len(before)))
        return existence and bool(_PERSON_HEADS.intersection(before))
    return toks[i] in ("когда", "cuando") and i > 0 and before[-1].startswith(_FEELING_WHEN)


def _asked(toks: list[str]) -> list[tuple[int, int, str]]:
    """`_matches` without English "when" / "where" used as a conjunction (`_CLAUSE_STARTS`, `_ASKING_AFTER`) nor a
    relative "who" or a "когда" of feeling (`_relative`)."""
    return [
        (i, n, cat) for i, n, cat in _matches(toks)
        if (toks[i] not in _CONJUNCTION_WHEN or all(_ends(t) for t in toks[i + n :]) or toks[i + n] in _ASKING_AFTER
            or not (_content(toks[i + n]) or toks[i + n] in _CLAUSE_STARTS))
        and not _relative(toks, i)
    ]


def _one_question(toks: list[str], found: list[tuple[int, int, str]]) -> bool:
    """True when a question's question words after the first ask about one event with it: each is coordinated with the
    one before it (only function words between: "Кто и когда открыл пенициллин?", "¿Cuándo y quién ...?", "谁在什么时候
    发现了青霉素？"), stands at the end with only function words after it ("Who discovered penicillin and when?", "...
    and by whom?", "¿... y cuándo?") or, outside Chinese, inside the clause ("Wer hat das Penicillin wann entdeckt?").
    False when one opens a clause of its own, after a conjunction (`_CONJUNCTIONS`; the tokens keep no punctuation, so
    "Where was Einstein born, when did he die?" is not seen) with content words after it ("Where was Einstein born and
    when did he die?", "¿Dónde vivió Picasso y cuándo pintó el Guernica?"), and in Chinese any that is neither
    coordinated nor last ("爱因斯坦在哪里出生，什么时候去世？"): tester brk27's finding 1."""
    for (pi, pn, _), (i, n, _) in zip(found, found[1:]):
        if not any(_content(t) for t in toks[pi + pn : i]) or all(_ends(t) for t in toks[i + n :]):
            continue
        if toks[i][0] >= "\u2e80":
            return False  # Han tokens keep no punctuation: a clause's start cannot be seen ("出生，什么时候去世")
        before = next(  # the nearest word before it that is a content word or a conjunction
            (t for t in reversed(toks[:i]) if not (t.isalnum() and t in FUNCTION_WORDS and t not in _CONJUNCTIONS)), ""
        )
        if not before.isalnum() or before in _CONJUNCTIONS:
            return False
    return True


_TIME_OR_PLACE = {
    "time": _PHRASES["time"] + "| whenever | als | wenn | 时候 | 時候 | 时 | 時 | 时间 | 時間",
    "place": _PHRASES["place"] + "| wherever | 地方 | 处 | 處 | 地点 | 地點",
}
"""Time and place words as question words and as conjunctions ("when" / "where", "cuando" / "donde", "als" / "wo",
"когда" / "где", 的时候 / 的地方, 沉没时 / 沉没处)."""
_TIME_OR_PLACE_TABLE = by_first_word(sorted(
    ((tuple(tokens(fold(p.strip()))), kind) for kind, ps in _TIME_OR_PLACE.items() for p in ps.split("|") if p.strip()),
    key=lambda pk: -len(pk[0]),
), lambda pk: pk[0])
"""(phrase tokens, kind) of `_TIME_OR_PLACE` by the phrase's first token, longest first: `_times_and_places` tries at
a word only the phrases it opens (it had tried all 66 at each word)."""
_SITUATIONS = frozenset(
    """case cases situation situations instance instances scenario scenarios circumstance circumstances occasion
    occasions moment moments point stage time times day days year years era period age caso casos situacion
    situaciones momento momentos epoca dia ano tiempo fall falle fallen situation situationen moment momenten zeit tag
    jahr случай случае случаях случаи ситуация ситуации ситуациях момент моменты время день год""".split()
)
"""Nouns of situations and times after which "when" and "where" open the same relative clause ("in cases where /
when the test fails", "a time where / when", "en los casos donde / cuando", "in Fällen, wo / wenn", "in der Zeit, wo /
als", "в случаях, где / когда"): no exchange there."""


def _names_a_variable(toks: list[str], at: int) -> bool:
    """True for a one-letter variable at `at` ("... f(b)-f(a) /(b-a), where / when x is user input": oasst1 validation,
    a rewording; "where x is" defines x as "when x is" does), not "I", "a" nor Spanish "y", "o", "e", "u", nor a letter
    before another lone letter or a content word: an initial or a hyphenated name ("where J. K. Rowling was born",
    "when D-Day started", tokens "d", "day": tester brk29's LOW)."""
    word, after = (toks[at : at + 2] + ["", ""])[:2]
    name = len(after) == 1 or _content(after)
    return len(word) == 1 and word.isascii() and word.isalpha() and word not in "iayoeu" and not name


_EITHER = frozenset("when where cuando donde adonde wo когда где куда".split())
"""Time and place words that are question words or conjunctions by their place (`_asks`); "wann", "what time", "a
qué hora", "во сколько", 什么时候, 哪里 only ask, "als", "wenn", "whenever", 的时候, 的地方 only join."""
_QUESTION_PHRASES = frozenset(phrase for phrase, cat in _TABLE if cat in ("time", "place"))


def _asks(toks: list[str], i: int, n: int) -> bool:
    """True when the time or place word of `n` tokens at `i` asks (a question word), not a conjunction: English "when"
    / "where" by `_asked`; the other words of `_EITHER` when first, after a conjunction ("... y cuándo", "и где") or
    last ("Who discovered penicillin and when?")."""
    if tuple(toks[i : i + n]) not in _QUESTION_PHRASES:
        return False
    if toks[i] in _CONJUNCTION_WHEN:
        return any(j == i for j, _, _ in _asked(toks))
    if toks[i] not in _EITHER:
        return True
    return i == 0 or toks[i - 1] in _CONJUNCTIONS or all(_ends(t) for t in toks[i + n :])


_PAST = frozenset(
    """was were did had wasn weren didn hadn sank fell began broke came went won lost took wrote fought struck rose
    grew flew drew threw spoke stood became gave told said brought built bought taught thought held kept knew sold sent
    spent froze stole ran saw met fue fueron era eran hubo habia estaba estaban war waren wurde wurden hatte hatten
    geschah starb fiel begann kam ging 了 曾""".split()
)
"""Past forms that tell of a one-time event (`_one_time`), beside English "-ed" after its subject, Spanish "-aron",
"-ieron", "-ió" and Russian "-л", "-ла", "-ли", "-лся" (`_past`)."""
_PAST_SUBJECTS = frozenset("who what which i you he she it we they".split())
_PASSIVE_OR_PERFECT = frozenset("is are be been being am get gets has have".split())


def _past(toks: list[str], k: int) -> bool:
    """True when the token at `k` is a past form: `_PAST`; English "-ed" after a subject, not after "is" / "has" nor
    an adverb in "-ly" ("What happened", "the volcano erupted"; not "the data is nearly sorted", "for distributed
    systems"); Spanish "-aron", "-ieron", "-io" ("hundió", "dispararon"); Russian "-л", "-ла", "-ло", "-ли" and their
    reflexives ("убили", "случилось")."""
    t = toks[k]
    if t in _PAST:
        return t != "was" or k > 0  # a first "was" is German "what" ("Was passiert, wenn ...?")
    if t in FUNCTION_WORDS or not t.isalpha() or len(t) < 4:
        return False
    if not t.isascii():
        return t.endswith(("л", "ла", "ло", "ли", "лся", "лась", "лось", "лись"))
    before = toks[max(k - 2, 0) : k]
    subject = bool(before) and (before[-1] in _PAST_SUBJECTS or (_content(before[-1]) and not before[-1].endswith("ly")))
    english = t.endswith("ed") and not t.endswith("eed") and subject and not _PASSIVE_OR_PERFECT.intersection(before)
    return english or t.endswith(("aron", "ieron", "yeron")) or (len(t) > 4 and t.endswith("io"))


def _one_time(toks: list[str]) -> bool:
    """True when a question tells of a one-time event, a past one (`_past`; German "als" is "when" of the past): there
    a time word against a place word asks another thing ("What happened when / where the Titanic sank?"), while in a
    general condition, present and repeatable, "when" and "where" are close ("What happens when / where two tectonic
    plates meet?", "Give an example where / when recursion is better", "apps where / when reads dominate": tester
    brk29's HIGH-2)."""
    return "als" in toks or any(_past(toks, k) for k in range(len(toks)))


def _times_and_places(toks: list[str], lo: int, hi: int) -> tuple[set[str], bool] | None:
    """The kinds ("time", "place") of the time and place words in toks[lo:hi] and whether one of them asks (`_asks`);
    None when a word there is neither one of them nor a function word (the questions differ in more than those
    words)."""
    kinds, asks, i = set(), False, lo
    while i < hi:
        found = next(((p, k) for p, k in _TIME_OR_PLACE_TABLE.get(toks[i], ()) if tuple(toks[i : min(i + len(p), hi)]) == p), None)
        if found:
            if not (i > 0 and toks[i - 1] in _SITUATIONS) and not _names_a_variable(toks, i + len(found[0])):
                kinds.add(found[1])
                asks = asks or _asks(toks, i, len(found[0]))
            i += len(found[0])
        elif toks[i] in FUNCTION_WORDS or not toks[i].isalnum():
            i += 1
        else:
            return None
    return kinds, asks


def time_for_place(a: list[str], b: list[str]) -> bool:
    """True when the two questions are the same words but for a time word in one where the other has a place word,
    as a question word or as a conjunction ("What happened when / where the Titanic sank?", "Who died when / where
    Lincoln was shot?", "Что случилось, когда / где убили Линкольна?", "¿Qué pasó cuando / donde se hundió el
    Titanic?", "Was geschah, als / wo die Titanic sank?", "泰坦尼克号沉没的时候 / 的地方发生了什么？", "Who discovered
    penicillin and when / and where?": served at 0.96-0.98 by rule format 28, newcomer's finding H5; `question_swap`
    reads only the first question words, and English "when" / "where" before a clause not at all). Function words may
    differ beside them ("什么时候出生" / "在哪里出生"); a side with both kinds ("when and where") asks the other's too.
    A conjunction counts only in a one-time event (`_one_time`, tester brk29's HIGH-2): "What happens when / where two
    tectonic plates meet?", "Give an example where / when recursion is better", 0.95-0.98, are served again."""
    ka, kb, asks = set(), set(), False
    for tag, i1, i2, j1, j2 in alignment.opcodes(a, b):
        if tag == "equal":
            continue
        da, db = _times_and_places(a, i1, i2), _times_and_places(b, j1, j2)
        if da is None or db is None:
            return False
        ka |= da[0]
        kb |= db[0]
        asks = asks or da[1] or db[1]
    exchanged = {frozenset(ka), frozenset(kb)} == {frozenset({"time"}), frozenset({"place"})}
    return exchanged and (asks or _one_time(a) or _one_time(b))


def question_swap(a: list[str], b: list[str]) -> bool:
    """True when a question word of one category was put in place of one of another: the first question words
    (`_first_words_swap`, where a how-to against a motive is a swap although manner beside reason is compatible:
    `how_to_against_motive`) or a time word for a place word anywhere (`time_for_place`)."""
    return _first_words_swap(a, b) or how_to_against_motive(a, b) or time_for_place(a, b)


def _start_against_how_to(a: list[str], at_a: tuple[int, int, str], b: list[str], at_b: tuple[int, int, str]) -> bool:
    """Whether one side asks where a doer should start (`asks_to_start`) and the other how to do it (`_how_to`; in
    Chinese a manner word in a question not closed by 的 or 了): "我想自己创建一门新的编程语言，请问应该从哪里着手？" / "创建一门新的编程语言应该
    怎么做？", "...markdown语法里的一些进阶内容，请问应该从哪里着手？" / "markdown进阶语法怎么学？" (recall44: 14 right pairs of the
    replay, served at 0.94-0.98 without the veto; rc41 had left them to it)."""
    for (x, at_x), (y, at_y) in (((a, at_a), (b, at_b)), ((b, at_b), (a, at_a))):
        if at_x[2] == "place" and asks_to_start(x, *at_x[:2]):
            verb = next((t for t in y[at_y[0] + at_y[1] :] if t not in _HOW_TO_FILLERS), "")
            if verb not in x and verb not in _GENERIC_DO:
                return False  # how to do another thing: "where do I start?" / "how do I stop?", 从哪里着手创建 / 如何学习
            if y[at_y[0]] >= "\u2e80":
                last = [t for t in y if t.isalnum()][-1:]
                return last not in (["了"], ["的"])
            return _how_to(y, at_y)
    return False


_HOW_TO_FILLERS = _DOERS | _HOW_TO_VERBS["how"] | _HOW_TO_VERBS["como"] | _HOW_TO_VERBS["как"] | {"to", "get"}
_GENERIC_DO = frozenset("do hacer hago machen mache делать сделать 做 办 辦 弄 搞".split())
"""The how-to's verb (the first word after "how" that is no doer, modal or "to") must be one the where-to-start side
says, or a bare "do" (怎么做, how to go about it): "我想自己创建一门新的编程语言，请问应该从哪里着手？" / "如何学习一门新的编程语言？"
(learn, not create) and "I want to learn Rust, where do I start?" / "... how do I stop?" stay apart (rc41's look-alikes)."""


_WHICH = frozenset("which welche welcher welches welchen cual cuales какой какая какое какие".split())


def _choice(toks: list[str], found: list[tuple[int, int, str]]) -> bool:
    """Whether a question asks when to use which of two things: a time word joined to a second time word ("When
    should I use 'affect' and when 'effect'?", "wann schreibt man das und wann dass") or followed within three words by
    "which" ("erklären, wann man welche Schreibweise verwendet"). Against a "how" it asks the same as "how do I tell
    which one is right?", "Wie erkenne ich, ob ich 'das' oder 'dass' schreiben muss?" (recall44: 8 right pairs of the
    replay refused as time against manner); "When do I plant tomatoes?" / "How do I plant tomatoes?" stays a swap."""
    first = [(i, n) for i, n, cat in found[:1] if cat == "time"]
    if not first:
        return False
    (i, n), later = first[0], [j for j, _, cat in _matches(toks) if cat == "time" and j > first[0][0]]
    joined = any(toks[j - 1] in _CONJUNCTIONS and toks[j] == toks[i] for j in later)
    return joined or bool(_WHICH.intersection(toks[i + n : i + n + 3]))


def _first_words_swap(a: list[str], b: list[str]) -> bool:
    """True when the two questions' first question words are of different categories: one was put in another's place
    ("dónde" / "cuándo", "wo" / "wann", "где" / "когда", "在哪里" / "什么时候", "who" / "when"). Not a swap: the same
    category worded otherwise ("when" / "what time", "why" / "how come", "cuándo" / "a qué hora"), a first question
    word too vague to categorise ("what", "qué", "что", "什么": "What's a good way to ... when learning"), no question
    word on one side, the `_COMPATIBLE` pairs (manner beside quantity, manner beside reason but for a how-to against a
    motive: `how_to_against_motive`), and two questions that ask the
    same things in another order ("When was penicillin discovered, and by whom?" / "Who discovered penicillin and when?",
    "¿Cuándo y quién ...?", "Кто и когда открыл пенициллин?" / "Когда и кем ...?", "谁在什么时候发现了青霉素？": the same
    set of categories, rule format 27, asked of one event, `_one_question`, rule format 28: "Where was Einstein born and
    when did he die?" / "When was Einstein born and where did he die?" asks two other things)."""
    fa, fb = _asked(a), _asked(b)
    wa, wb = [cat for _, _, cat in fa], [cat for _, _, cat in fb]
    if not wa or not wb or not wa[0] or not wb[0] or wa[0] == wb[0]:
        return False
    if set(wa) - {""} == set(wb) - {""} and _one_question(a, fa) and _one_question(b, fb):
        return False
    if {wa[0], wb[0]} == {"place", "manner"} and asks_to_start(a, *fa[0][:2]) and asks_to_start(b, *fb[0][:2]):
        return False  # where to start is how to start ("where do I start?" / "how do I get started?": rc41)
    if {wa[0], wb[0]} == {"place", "manner"} and _start_against_how_to(a, fa[0], b, fb[0]):
        return False
    if {wa[0], wb[0]} == {"time", "manner"} and (_choice(a, fa) or _choice(b, fb)):
        return False  # when to use which is how to tell which to use (recall44)
    return frozenset({wa[0], wb[0]}) not in _COMPATIBLE
