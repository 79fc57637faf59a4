"""The bare question inside a frame: "I want to know who Caesar killed." is "Who did Caesar killed?", "Please tell me how
old I am." is "How old am I?", "Ich möchte wissen, wen Cäsar getötet hat." is "Wen hat Cäsar getötet?", "Quiero saber a
quién mató César." is "¿A quién mató César?", "我想知道凯撒杀了谁。" is "凯撒杀了谁？", "Я хочу знать, кого убил Цезарь." is
"Кого убил Цезарь?" (newcomer nc43's finding: look-alikes served at 0.96-1.00 by rule format 33 once one question was
wrapped, the vetoes that refuse them bare reading only a question's own shape). Frames of showing, teaching and
explaining were added after nc44 found "Show me how to boil an egg." / "How do I boil an egg?" refused, its "me" read as
the asker where no frame was read.

`bare` takes the frame off the start of a text and puts an indirect question in a direct one's word order, so that
`velo.cache.features` asks every veto about the bare questions as well as about the texts as written (a veto found in
either counts). The frames read, with an optional courtesy word ("please", "por favor", "bitte", "пожалуйста", 请, 麻烦):

| lang | frames | the indirect question after it |
|---|---|---|
| en | "(can / could / would you) tell / show / teach me", "explain (to me)", "walk me through", "I want / I'd like / I would like / I need to know", "do you know", "I wonder", "I'm / I was wondering" | a question word or "if" / "whether"; or a direct question after "," or ":" |
| de | "sag / zeig / erklär (e, t) mir", "sagen / zeigen / erklären Sie mir", "kannst du / können Sie mir sagen / zeigen / erklären", "ich möchte / will / würde gern wissen", "weißt du", "wissen Sie", "ich frage mich" | a question word or "ob"; or a direct question after "," |
| es | "dime", "dígame", "muéstrame", "enséñame", "explica(me)", "(me) puedes / podrías decir / mostrar / explicar / enseñar(me)", "quiero / quisiera / necesito saber", "me gustaría saber", "¿sabes / sabe (usted)", "me pregunto" | a question word (after a preposition too: "a quién") or "si"; or "¿...?" |
| zh | 告诉我, 跟我说, 教我, 给我讲讲, 给我解释, 你能 / 可以告诉我, 我想知道, 我想问, 我想了解, 你知道 | any text holding a question word (谁 什么 哪 怎么 多少 几 多大 ...) or ending in 吗 / 呢 |
| ru | "скажи(те) (мне)", "подскажи(те)", "покажи / объясни(те) (мне)", "научи(те) (меня)", "(я) хочу знать", "(я) хотел(а) бы знать", "(ты) знаешь", "(вы) знаете", "можешь / можете сказать" | a question word (after a preposition too), a verb with "ли", or a question after "," |

Word order (`_english`, `_german`): an English indirect question keeps its subject before its verb ("who Caesar
killed", "how old I am", "what the capital of France was"): its first auxiliary after the subject goes before it ("how
old am I", "what was the capital of France"), else "do" is put in ("who did Caesar killed": `subject_object` reads the
verb's form change as it does "Who did Caesar kill?"); a subject is a pronoun, a determiner or a capitalized word right
after the question word ("who killed Caesar" has none: the question word is the subject, the order the direct one).
German puts the finite verb last ("wen Cäsar getötet hat"): it goes after the question word and its phrase ("wie alt",
"welchen Konzern"), read so where a pronoun, an article or a capitalized word follows them ("wer hat Cäsar getötet" is
direct). Spanish, Chinese and Russian ask an indirect question in the direct order: the frame is only taken off (and
Spanish "si", Chinese 吗 closing a question that has a question word after 你知道). A frame holds its first sentence
(up to "?", "!", "。" or a full stop before a space; German to its first comma, "..., die sie heute noch nicht haben"):
what follows is kept as written ("你知道他的作者是谁吗？请使用英文来回复" -> "他的作者是谁？ 请使用英文来回复").

Not read: a frame that is no question ("Tell me a joke", "Dime un chiste", "告诉我你的名字", "Show me a picture",
"Explain quantum entanglement", "Walk me through setting up git" hold no question word: an instruction, left as it
is), a frame in the middle or at the end ("Who killed Caesar, do you know?"), and "that" / "dass" / "что" clauses ("I
want to know that ..."), which are no questions.
"""

from __future__ import annotations

import re

from velo.cache.verb_forms import EN_PAST_FORMS

_LEAD = r"^[\s¿¡\"'«“]*"
_SEP = r"\s*[,:，：]?\s*"
_WORD_END = r"(?!\w)"
_COURTESY = r"(?:(?:please|por favor|bitte|пожалуйста)\s*,?\s*)?"
_FRAMES: dict[str, re.Pattern] = {
    # a frame ends a word ("sabe", not "saber"; Han characters are word characters: no boundary after 告诉我)
    lang: re.compile(
        _LEAD + _COURTESY + rf"(?:{frames}){'' if lang == 'zh' else _WORD_END}"
        rf"(?:\s*,?\s*(?:please|por favor|bitte|пожалуйста))?(?P<sep>{_SEP})", re.I,
    )
    for lang, frames in (
        # "show me how to", "explain how", "walk me through how" (nc44: "Show me how to boil an egg." / "How do I boil
        # an egg?" was refused, the frame's "me" read as the asker)
        ("en", r"(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:tell|show|teach)\s+me|(?:(?:can|could|would|will)"
               r"\s+you\s+(?:please\s+)?)?explain(?:\s+to\s+me)?|walk\s+me\s+through|i(?:\s+(?:want|need|would\s+like)|\s*['’]d\s+like)"
               r"\s+to\s+know|do\s+you\s+(?:happen\s+to\s+)?know|i\s+wonder|i\s*['’]?m\s+wondering|i\s+am\s+wondering"
               r"|i\s+was\s+wondering"),
        ("de", r"(?:sag|zeig|erklär)(?:e|t)?\s+(?:mir|uns)|(?:sagen|zeigen|erklären)\s+sie\s+mir|(?:kannst|könntest)\s+du"
               r"\s+mir\s+(?:sagen|zeigen|erklären)|(?:können|könnten)\s+sie\s+mir\s+(?:sagen|zeigen|erklären)|ich\s+(?:möchte|will|würde|wüsste)(?:\s+gerne?)?\s+(?:wissen|gern)|weißt\s+du|wissen\s+sie"
               r"|ich\s+frage\s+mich"),
        ("es", r"d[ií]me|d[ií]game|d[ií]ganos|d[ií]nos|mu[ée]strame|ens[ée][ñn]ame|expl[ií]ca(?:me)?"
               r"|(?:me\s+)?(?:puedes|podr[ií]as|puede|podr[ií]a)\s+(?:decir|mostrar|explicar|ense[ñn]ar)(?:me)?"
               r"|(?:quiero|quisiera|necesito)\s+saber|me\s+gustar[ií]a\s+saber|sabes|sabe\s+usted|sabe|me\s+pregunto"),
        # not 我想问 alone: "我想问一个问题：..." announces the question
        ("zh", r"(?:请|麻烦)?(?:你|您)?(?:能|可以|能不能)?(?:告诉我|跟我说|教我|教教我|给我讲讲|给我解释)(?:一下)?|我(?:很)?想(?:要)?(?:知道|问一下|问问|了解一下"
               r"|了解)|(?:你|您)知道"),
        ("ru", r"скажи(?:те)?(?:\s+мне)?|подскажи(?:те)?(?:\s+мне)?|(?:покажи|объясни)(?:те)?(?:\s+мне)?|научи(?:те)?"
               r"(?:\s+меня)?|(?:я\s+)?хочу\s+знать|(?:я\s+)?хотел(?:а)?\s+бы\s+знать"
               r"|(?:ты\s+)?знаешь|(?:вы\s+)?знаете|(?:можешь|можете)\s+(?:мне\s+)?сказать(?:\s+мне)?"),
    )
}
"""Each language's frames at the start of a text (module docstring), with a separator after them (kept as `sep`)."""

_EN_WH = frozenset("who whom whose what which where when why how".split())
_EN_AUX = frozenset("am is are was were can could will would should shall may might must has have had do does did".split())
_EN_SUBJECT = frozenset("i you he she it we they the a an my your his her its our their this that these those".split())
_EN_PLURAL_SUBJECT = frozenset("i you we they".split())
_EN_NOT_IN_PHRASE = frozenset("to of in on for with about from at by and or not".split())
_DE_WH = frozenset(
    "wer wen wem wessen was wo wann warum wieso weshalb weswegen wie welche welcher welches welchen welchem woher wohin"
    " womit wofür worüber".split()
)
_DE_SUBJECT = frozenset(
    "ich du er sie es wir ihr man der die das den dem des ein eine einen einem einer eines mein meine dein deine sein"
    " seine unser unsere euer eure dieser diese dieses diesen".split()
)
_DE_MANY = frozenset("viel viele wenig wenige".split())
_ES_WH = frozenset("qué que quién quien quiénes quienes cuál cual cuáles cuales cuánto cuanto cuánta cuanta cuántos cuantos"
                   " cuántas cuantas dónde donde adónde cuándo cuando cómo como por".split())
_ES_PREPOSITIONS = frozenset("a de con en para por desde hasta".split())
_RU_WH = frozenset(
    "кто кого кому кем ком что чего чему чем почему зачем как какой какая какое какие какого какую каком каких сколько"
    " где куда откуда когда чей чья чьё чье чьи".split()
)
_RU_PREPOSITIONS = frozenset("с со в во на о об от у к по за из для про".split())
_ZH_WH = re.compile("谁|什么|哪|怎么|怎样|为什么|为何|多少|几|多大|多久|多长|多远|多高|何")
_ZH_ASKING = re.compile("[吗呢][\\s？?。.！!]*$")
_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[?!？！。\n]|\.(?=\s|$)")
_EDGE = "?!¿¡.,;:…\"'«»“”„‘’？。！，："


def bare(text: str) -> str | None:
    """The bare question of `text` (module docstring): the frame at its start taken off and an indirect question put in
    the direct order, written as a question ("Please tell me how old I am." -> "How old am I?"); None when `text` starts
    with no frame around a question. Any str."""
    for lang, frame in _FRAMES.items():
        m = frame.match(text)
        if m is None or not (rest := text[m.end():].strip()):
            continue
        # the frame holds its first sentence; what follows is kept as written ("你知道他的作者是谁吗？请使用英文来回复")
        end = _SENTENCE_END.search(rest)
        clause, after = (rest[: end.end()], rest[end.end() :].strip()) if end else (rest, "")
        out = _READERS[lang](clause, bool(m.group("sep").strip()))
        if out:
            return out + (" " + after if after else "")
    return None


def _words(rest: str) -> list[str]:
    """The words of `rest` without the punctuation at its two ends ("¿él", "her?" -> "él", "her")."""
    words = [w.strip(_EDGE) for w in _WORD.findall(rest)]
    return [w for w in words if w]


def _question(words: list[str], opening: str = "") -> str:
    text = " ".join(words)
    return opening + text[:1].upper() + text[1:] + "?"


def _english(rest: str, separated: bool) -> str | None:
    ws = _words(rest)
    low = [w.lower() for w in ws]
    if len(ws) < 2:
        return None
    if low[0] in ("if", "whether"):
        return _question(_en_inverted(ws[1:]))
    if low[0] in _EN_AUX and separated:
        return _question(ws)  # "Please tell me, does he love her?"
    if low[0] not in _EN_WH:
        return None
    # the question word's phrase: "how old", "how many apples", "which company"; "who", "why" ... stand alone
    reach = 1 if low[0] in ("who", "whom", "why", "where", "when") else 3
    for j in range(1, min(reach, len(ws) - 1) + 1):
        if low[j] in _EN_AUX or low[j] in _EN_NOT_IN_PHRASE:
            # the direct order already ("what is the capital", "who did Caesar kill"), an infinitive ("how to format a
            # table"), or a phrase this does not read ("which of the following")
            return _question(ws)
        if low[j] in _EN_SUBJECT or ws[j][:1].isupper():
            return _question(ws[:j] + _en_inverted(ws[j:]))
    return _question(ws)  # the question word is the subject ("who killed Caesar"), or an infinitive ("how to ...")


def _en_inverted(clause: list[str]) -> list[str]:
    """A clause in the subject's order ("Caesar killed", "the capital of France was") as a question's: its first
    auxiliary before the subject, else "do" in the tense of a past verb ("did", "do", "does")."""
    low = [w.lower() for w in clause]
    k = next((i for i in range(1, len(clause)) if low[i] in _EN_AUX), None)
    if k is not None:
        return [clause[k]] + clause[:k] + clause[k + 1 :]
    if any(w in EN_PAST_FORMS or (w.endswith("ed") and len(w) > 4) for w in low[1:]):
        do = "did"
    else:
        do = "do" if low[0] in _EN_PLURAL_SUBJECT else "does"
    return [do] + clause


def _german(rest: str, separated: bool) -> str | None:
    head, comma, tail = rest.partition(",")  # the clause ends at its comma ("..., die sie heute noch nicht ...")
    if comma and (out := _german(head, separated)):
        return out[:-1] + ", " + tail.strip()
    ws = _words(rest)
    low = [w.lower() for w in ws]
    if len(ws) < 2:
        return None
    if low[0] == "ob" and len(ws) >= 3:
        return _question([ws[-1]] + ws[1:-1])  # "ob er sie liebt" -> "liebt er sie"
    if low[0] not in _DE_WH:
        return _question(ws) if separated and rest.rstrip().endswith("?") else None  # "Sag mir, liebt er sie?"
    j = 1
    if low[0] == "wie":  # "wie alt", "wie viele Äpfel"
        while j < min(3, len(ws)) and ws[j][:1].islower() and low[j] not in _DE_SUBJECT:
            j += 1
        if j < len(ws) and low[j - 1] in _DE_MANY and ws[j][:1].isupper():
            j += 1
    elif low[0].startswith("welch") and ws[1][:1].isupper():
        j = 2  # "welchen Konzern"
    if j < len(ws) - 1 and (low[j] in _DE_SUBJECT or ws[j][:1].isupper()):
        return _question(ws[:j] + [ws[-1]] + ws[j:-1])  # the finite verb out of its last place
    return _question(ws)


def _spanish(rest: str, separated: bool) -> str | None:
    ws = _words(rest)
    low = [w.lower() for w in ws]
    if not ws:
        return None
    if low[0] == "si" and len(ws) >= 2:
        return _question(ws[1:], "¿")
    first = 1 if low[0] in _ES_PREPOSITIONS and len(ws) > 1 else 0
    if low[first] in _ES_WH or rest.lstrip().startswith("¿"):
        return _question(ws, "¿")
    return None


def _chinese(rest: str, separated: bool) -> str | None:
    core = rest.strip(_EDGE + " ")
    if _ZH_WH.search(core):
        return re.sub("[吗呢]$", "", core) + "？" if core.endswith("吗") else core + "？"
    if _ZH_ASKING.search(rest):
        return core + "？"
    return None


def _russian(rest: str, separated: bool) -> str | None:
    ws = _words(rest)
    low = [w.lower() for w in ws]
    if not ws:
        return None
    first = 1 if low[0] in _RU_PREPOSITIONS and len(ws) > 1 else 0
    if low[first] in _RU_WH or low[1:2] == ["ли"] or (separated and rest.rstrip().endswith("?")):
        return _question(ws)
    return None


_READERS = {"en": _english, "de": _german, "es": _spanish, "zh": _chinese, "ru": _russian}
