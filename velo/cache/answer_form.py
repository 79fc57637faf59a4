"""An instruction about the answer's form on one side only: "What is photosynthesis?" / "What is photosynthesis? Answer
in one word." asks for another answer (rule format 29, a newcomer's finding H4: served at 0.994 by format 28), as do
"... Explain like I'm five." (0.993), "... Answer in three sentences." (0.997), "... Answer as a bulleted list." (0.985),
"... Answer in a haiku." (0.977), "¿Qué es la fotosíntesis? Responde en una palabra.", "Was ist Photosynthese? Antworte
in einem Satz.", "Что такое фотосинтез? Ответь одним словом.", "什么是光合作用？用一句话回答。" (0.996-0.999): the cached
answer does not follow the new instruction. `answer_form_change` is folded into the `role_swap` veto by
`velo.cache.features`, as `velo.cache.answer_language` (the same kind for the answer's language, format 27) is.

A form is one of `_FORMS`' labels: a length counted in words, sentences, paragraphs or lines ("in one word", "in 3
sentences", "一句话": "word:1", "sentence:3"), "brief" / "detail" (a difference only against each other: `_DEGREES`),
"simple" (a child's level: "like I'm five", "como si tuviera cinco años", "как пятилетнему", "给五岁小孩"), "expert", a
format ("json", "table", "list", "markdown", ...), verse ("in a haiku", "als Gedicht", "стихами") or a register
("pirate", "formal", "casual", "funny"). A form is an *instruction* where its sentence also has a verb of answering,
explaining or writing (`_VERBS`: "Answer in one word", "Responde en una palabra", "一句话概括"), or where it opens or
closes its sentence ("In one word, what is X?", "What is X in one sentence?"), and is *mentioned* wherever its words
stand. The veto: a form one question's instruction asks for that the other question does not mention at all. The same
form on both sides, worded otherwise, is no difference ("Answer in one word" / "Reply with a single word", "Explain like
I'm five" / "Explain it to a five-year-old"), nor is a form that is part of what is asked on both sides ("How do I
parse JSON?" / "How to read a JSON file?"). Rule format 29 reads these; "in simple terms", "in plain English" and a
degree on one side only are left to the model: oasst1 rewordings add them freely (`_DEGREES`).
"""

from __future__ import annotations

import re

from velo.cache.text import HAN, fold

_NUMBERS = {
    "1": "a an one single 1 un una uno unica sola ein eine einem einer einen einzigen одним одно одном однои одну один "
    "одного одна 一",
    "2": "two 2 dos zwei zweien двумя два две двух 两 二", "3": "three 3 tres drei dreien тремя три трех 三",
    "4": "four 4 cuatro vier четырьмя четыре четырех 四", "5": "five 5 cinco funf пятью пять пяти 五",
    "6": "six 6 seis sechs шестью шесть шести 六", "7": "seven 7 siete sieben семью семь семи 七",
    "8": "eight 8 ocho acht восемью восемь восьми 八", "9": "nine 9 nueve neun девятью девять девяти 九",
    "10": "ten 10 diez zehn десятью десять десяти 十",
}
"""Counts of a length in the five languages, folded ("одной" is "однои"), as the digits they stand for."""
_COUNT = {w: n for n, words in _NUMBERS.items() for w in words.split()}
_COUNT_WORD = "|".join(sorted(map(re.escape, _COUNT), key=len, reverse=True))

_UNITS = {
    "word": r"words?|one-word|palabras?|wort|worten|worter|слов\w*|个?词|个?字",
    "sentence": r"sentences?|frases?|oracion(?:es)?|satz|satzen|satze|предложени\w*|句话?",
    "paragraph": r"paragraphs?|parrafos?|absatz|absatzen|absatze|абзац\w*",
    "line": r"lines?|lineas?|zeilen?|строк\w*",
}
"""Units a length is counted in (folded; "предложением", "句话")."""
_LEAD = r"(?:in|with|using|within|under|into|at most|no more than|fewer than|less than|max(?:imum)?(?: of)?|en|con|mit|" \
    r"auf|hochstens|maximal|в|не более|用|以|不超过)"
"""Words that put a length before its count ("in one word", "con una palabra", "mit einem Satz", "в одном предложении",
"用一句话", "不超过"); without one, a count and unit is an instruction only before an answer's noun (`_NOUNS`), in the
Russian instrumental (`_LED_COUNTS`) or, in Chinese, before a verb of answering ("一句话概括")."""
_NOUNS = r"(?:answer|reply|response|summary|explanation|description|definition|respuesta|resumen|antwort|ответ)"
_NOUNS_TUPLE = tuple(_NOUNS.strip("(?:)").split("|"))
_LENGTH = re.compile(
    rf"(?:(?<![a-zа-я]){_LEAD}\s*)?(?<![a-zа-я0-9])({_COUNT_WORD}|\d+)[\s-]*(?:(?:single|einzig\w*)\s+)?"
    rf"({'|'.join(_UNITS.values())})(?![a-zа-я0-9])(?:\s*{_NOUNS})?"
)
_LED_COUNTS = frozenset("одним двумя тремя четырьмя пятью шестью семью восемью девятью десятью".split())
"""Counts in the Russian instrumental, which asks for a length with no preposition ("одним словом", "тремя
предложениями"; not "одной", also genitive: "по одной строке")."""
_IDIOMS = frozenset({"в двух словах"})
"""Counts that are no length: "в двух словах" is "briefly" ("brief" in `_FORMS`)."""
_UNIT_PATTERNS = [(unit, re.compile(rf"(?:{pattern})\Z")) for unit, pattern in _UNITS.items()]
_HAN_ANSWER = re.compile(r"回答|回复|概括|总结|解释|说明|描述|介绍|以内|左右")

_FORMS = {
    "brief": (
        r"\b(?:briefly|brief|concise(?:ly)?|succinct(?:ly)?|in short|in a nutshell|short answer|keep it short|tl;? ?dr|"
        r"brevemente|breve|en pocas palabras|conciso|resumido|kurz(?:e|en|er)?|knapp|in kurze|кратко|коротко|вкратце|"
        r"в двух словах|сжато|лаконично)\b|简短|简要|简洁|简明|扼要",
        r"short|corto|кратк|коротк|简",
    ),
    "detail": (
        r"\b(?:in detail|detailed|in depth|in-depth|thoroughly|at length|en detalle|detallad[ao](?:mente)?|a fondo|"
        r"ausfuhrlich|detailliert|im detail|подробн\w*|детальн\w*|развернут\w*)\b|详细|详尽",
        r"detail|more|mas|mehr|подроб|具体|细",
    ),
    "simple": (
        r"\b(?:like i'?m (?:five|5)|like i am (?:five|5)|eli5|(?:five|5)[- ]year[- ]old|as if i were (?:five|5)|"
        r"(?:to|for) (?:a )?(?:small |little |young )?(?:child|children|kids?)|como si tuviera (?:cinco|5) anos|"
        r"(?:como a|para|a) (?:que )?(?:un )?nin[oa]s?|wie (?:einem|fur einen) (?:funfjahrigen|kind)|"
        r"als ware ich (?:funf|5)|fur kinder|как (?:пятилетнему|ребенку)|для детеи)\b|五岁|给小孩|给孩子",
        r"child|kid|five|nin[oa]|kind|funf|ребен|дет|пятилет|孩|岁",
    ),
    "expert": (
        r"\b(?:for an expert|for experts|para expertos|fur experten|для специалистов|для экспертов)\b",
        r"expert|специалист|эксперт|专家",
    ),
    **{
        name: (rf"(?<![a-z]){name}(?![a-z])", name)
        for name in ("json", "yaml", "xml", "csv", "markdown", "html")
    },
    "table": (
        r"\b(?:(?:in|as|into|using) (?:a )?(?:markdown )?table|table format|tabular|en (?:una |forma de )?tabla|"
        r"als tabelle|in (?:einer )?tabelle|in tabellenform|tabellarisch|в виде таблицы|таблицеи)\b|表格形式|用表格|以表格|"
        r"做成表格|列成表格",
        r"table|tabla|tabelle|таблиц|表",
    ),
    "list": (
        r"\b(?:bullet(?:ed)? (?:list|points?)|bullets|numbered list|as a list|in list form|point form|"
        r"en (?:forma de )?lista|con vinetas|als liste|in stichpunkten|stichpunktartig|als aufzahlung|списком|по пунктам|"
        r"в виде списка)\b|列表形式|以列表|用列表|分点",
        r"list|bullet|point|vineta|stichpunkt|aufzahlung|списк|пункт|列|点",
    ),
    "verse": (
        r"\b(?:(?:as|in|into|in the form of) (?:a )?(?:poem|haiku|limerick|sonnet|song|rap|rhymes?|verse)|rhyming|"
        r"(?:en (?:forma de )?|con )(?:un )?(?:poema|haiku|verso|rima)|como (?:un )?poema|als gedicht|in (?:form eines )?"
        r"(?:gedichts?|reimen|versen)|als haiku|в стихах|стихами|в форме стих\w*|в рифму|в виде стих\w*)\b|用诗|以诗|写成诗|"
        r"诗的形式",
        r"poem|poema|gedicht|стих|诗|rhym|rim|reim|рифм|vers|haiku|limerick|sonnet|song|rap|cancion|lied|песн|хайку",
    ),
    "pirate": (r"\b(?:like a pirate|as a pirate|pirate speak|como un pirata|wie ein pirat|как пират)\b|像海盗", r"pirat|海盗"),
    "formal": (
        r"\b(?:formally|in a formal|formal tone|formell|официально|официальным)\b|正式的语气|正式的口吻",
        r"formal|официальн|正式",
    ),
    "casual": (
        r"\b(?:casually|informally|in a casual|casual tone|informell|неформально)\b|口语化",
        r"casual|informal|неформальн|口语",
    ),
    "funny": (
        r"\b(?:in a funny way|funnily|humorously|with humou?r|sarcastically|con humor|de forma divertida|witzig|lustig|"
        r"с юмором|смешно)\b|幽默|搞笑",
        r"fun|humo|sarcas|divertid|witz|lustig|юмор|смеш|幽默|搞笑",
    ),
}
"""Forms an answer can be asked in, by label: (the form as an instruction asks for it, the words that mention it), as
folded text matches in the five languages. "brief" and "detail" are told apart only from each other (`_DEGREES`); the
wider words of a mention keep a form from being a difference where the other question names it otherwise ("Dame una
lista de pasos" / "Dámelos en forma de lista", "Explain like I'm five" / "... in terms a five-year-old would understand")."""
_FORM_PATTERNS = {label: (re.compile(asked), re.compile(f"{asked}|{named}")) for label, (asked, named) in _FORMS.items()}
_DEGREES = frozenset({"brief", "detail"})
"""Forms that are a difference only against each other ("Answer briefly." / "Answer in detail."): a rewording adds and
drops them freely (in the replay of format 28's pairs, 30 oasst1 rewordings added "详细", "подробнее", "kurz" or
"briefly" to a question without it: "介绍你自己" / "能请你详细介绍一下你自己吗？")."""

_VERBS = re.compile(
    r"\b(?:answer|respond|reply|write|explain|describe|summar|tell|give|define|outline|list|format|put|keep|return|"
    r"output|elaborate|compose|respuesta|contest|escrib|explic|describ|resum|dime|dame|defin|enumer|compon|antwort|"
    r"beantwort|schreib|erklar|beschreib|fass|gib|nenn|formulier|verfass|ответ|отвеч|напиш|пиши|объясн|расскаж|опиш|"
    r"перечисл|дай|излож|сочин)|回答|回复|解释|说明|描述|介绍|概括|总结|写|列出|给出|输出|返回|讲"
)
"""Beginnings of the verbs (and nouns) of answering, explaining and writing, folded; Chinese as written."""
_SENTENCES = re.compile(r"[^.?!;。？！；\n]+")


def _length(match: re.Match) -> str:
    unit = next(u for u, pattern in _UNIT_PATTERNS if pattern.match(match[2]))
    return f"{'word' if match[2] == 'one-word' else unit}:{_COUNT.get(match[1], match[1])}"


def _led(match: re.Match, sentence: str) -> bool:
    """Whether a count and unit asks for a length (`_LEAD`)."""
    if HAN.match(match[1]) or HAN.match(match[2][-1]):
        return match[0] != match[0].lstrip("用以不超过") or bool(_HAN_ANSWER.match(sentence, match.end()))
    return not match[0].startswith(match[1]) or match[0].rstrip().endswith(_NOUNS_TUPLE) or match[1] in _LED_COUNTS


def _forms(sentence: str, instructions: bool) -> set[str]:
    """The forms a sentence (folded) names; with `instructions`, only those it asks the answer in (module docstring)."""
    out = set()
    verb = bool(_VERBS.search(sentence))
    edges = sentence.strip(" ¿¡\"'«»“”()[],:")

    def asked(m: re.Match) -> bool:
        return verb or edges.startswith(m[0].strip()) or edges.endswith(m[0].strip())

    for m in _LENGTH.finditer(sentence):
        if m[0] in _IDIOMS:
            continue
        if not instructions or (_led(m, sentence) and asked(m)):
            out.add(_length(m))
    for label, (asked_as, named) in _FORM_PATTERNS.items():
        pattern = asked_as if instructions else named
        if any(not instructions or asked(m) for m in pattern.finditer(sentence)):
            out.add(label)
    return out


def forms(question: str, instructions: bool = True) -> frozenset[str]:
    """The forms a question's instructions ask its answer in ("word:1", "brief", "json", ...); with `instructions`
    False, every form it mentions."""
    folded = fold(question)
    return frozenset().union(*(_forms(s, instructions) for s in _SENTENCES.findall(folded)))


def answer_form_change(a: str, b: str) -> bool:
    """True when an instruction of one question asks for a form of the answer (a length, a format, a register or a
    style: `forms`) the other question does not mention: "What is photosynthesis?" / "... Answer in one word.", "...
    Answer briefly." / "... Answer in detail.", "什么是光合作用？" / "什么是光合作用？请用JSON格式回答。". Not "... Answer in one
    word." / "... Reply with a single word." (the same form)."""
    fa, fb = forms(a), forms(b)
    if not (fa or fb):
        return False
    if fa & _DEGREES and fb & _DEGREES and fa & _DEGREES != fb & _DEGREES:
        return True
    fa, fb = fa - _DEGREES, fb - _DEGREES
    return bool(fa - forms(b, instructions=False) or fb - forms(a, instructions=False))
