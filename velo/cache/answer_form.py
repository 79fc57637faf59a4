"""An instruction about the answer's form on one side only: "What is photosynthesis?" / "What is photosynthesis? Answer
in one word." asks for another answer (rule format 29, a newcomer's finding H4: served at 0.994 by format 28), as do
"... Explain like I'm five." (0.993), "... Answer in three sentences." (0.997), "... Answer as a bulleted list." (0.985),
"... Answer in a haiku." (0.977), "¿Qué es la fotosíntesis? Responde en una palabra.", "Was ist Photosynthese? Antworte
in einem Satz.", "Что такое фотосинтез? Ответь одним словом.", "什么是光合作用？用一句话回答。" (0.996-0.999): the cached
answer does not follow the new instruction. `answer_form_change` is folded into the `role_swap` veto by
`velo.cache.features`, as `velo.cache.answer_language` (the same kind for the answer's language, format 27) is.

A form is one of `_FORMS`' labels: a length counted in words, sentences, paragraphs or lines ("in one word", "in 3
sentences", "limit your answer to 100 words", "3 sentences max", "一句话": "word:1", "sentence:3"), "brief" / "detail"
(a difference only against each other: `_DEGREES`), an audience ("simple": a child's level, "like I'm five", "to a
10-year-old", "как пятилетнему", "给五岁小孩"; "teen": "to a teenager"; "expert": "to an expert", "at a PhD level",
"专业术语"), a format ("json", "table", "list", "markdown", ...), verse ("in a haiku", "in poetic form", "als Gedicht", "стихами"), "yes or
no", or a register ("pirate", "formal", "casual", "funny", "sarcastic", "polite", "rude", "文言文"). A form is an
*instruction* inside an instruction's frame: after a verb of answering, explaining or writing that opens its clause
(`_VERBS`, `_FILLERS`: "Answer in one word", "Can you explain it like I'm five?", "Tabulate X", "Responde en una
palabra"; an audience only after a verb of telling: `_TELLING`), alone in its sentence ("... ? In one word."), in
Chinese in a sentence with a verb of answering and no question word before it ("请分点回答", "一句话概括"); a length
with a count, a degree or "ELI5" also where it opens or closes its sentence ("In one word, what is X?", "What is X in
one sentence?"). Elsewhere a form's words are a topic: "Cuentos para niños", "How do I teach math to a child?", "What
is meter in a poem?", "给孩子买什么玩具好？" (format 29 read these as instructions: brk29's MEDIUM-2, 0.98-0.99 -> 0).
The veto: a form one question asks for that the other neither asks for nor names more often than the asker does
outside its instruction (`_unnamed`), with whole words in spaced scripts and whole phrases in Chinese ("table" in
"stable", "fun" in "function", 点 in 特点 name nothing: brk29's HIGH-4, served at 0.96-0.998 by format 29). The same
form on both sides, worded otherwise, is no difference ("Answer in one word" / "Reply with a single word", "Describe
the ocean in poetic form" / "... as a poem", "Tabulate X" / "Put X in a table"), nor is a form that is part of what
is asked on both sides ("How do I parse JSON?" / "How to read a JSON file?"). Left to the model, because the oasst1
rewordings in the replay add them to the same question: "in simple terms", "in plain English", a degree on one side
only (`_DEGREES`), "step by step" (12 right hits add it on one side: "How do I build a PC?" / "Could you walk me
through ... step by step?"), "with examples" (19: "编写一个python for循环" / "请帮我用python编写一个for循环的例子").

An instruction set apart from the question (`_set_apart`: a sentence of its own, besides the form only verbs of
answering, objects and courtesy, or a clause of that kind opening the sentence before a colon; after format 32,
newcomers' findings: "Explain photosynthesis." / "... Use simple words." served at 0.968, "Что такое инфляция?" /
"Кратко: что такое инфляция?" 0.950) is read for forms a rewording words inside its question instead
(`velo.cache.added_instructions`): a plain-language level ("Use simple words.", "In layman's terms.", "Explain it
simply.", "Explícalo fácil.", "Erklär es einfach.", "Объясни просто.", "简单点说。", "说人话。"), "technically", an
example ("Give an example.", "Приведи пример.", "举个例子。"), the reasons ("Explain why.", "Give me three reasons.",
"解释一下为什么。"), and the degrees: "brief" ("Keep it short.", "Sé breve.", "Будь краток.", "简短一点。", "Кратко: ...")
and "detail" beside a question ("Подробно.", "请详细解释。", "In detail: ..."); any other form there too ("Write it for
a child.", "Sei witzig.", "用正式的语气。"). In the labelled pairs outside dev the same level inside the question's
sentence is a rewording ("Что такое инфляция?" / "Объясни простыми словами, что значит инфляция"), and so is "detail"
asked as "more" ("Расскажи, пожалуйста, подробнее.", "详细点？": follow-ups worded "more specifically"); a "why" alone is
the question's word ("Why?" / "How so?"). A number's notation is read wherever it follows its preposition ("What is 1+1
in binary?", "1+1在二进制里是多少", "Answer in words."), and verbs of going on frame an instruction as verbs of answering
do ("Continue in bullet points.", "继续，用表格"). Any other instruction added as a sentence of its own, on no list, is
read by its shape (`added_instructions.instruction_added`: "... Show me some code.", "... Step by step.", "... 用代码说明。").
"""

from __future__ import annotations

import functools
import re

from velo.cache.added_instructions import (
    ANYWHERE, BARE, BARE_WORDS, COUNT, COUNT_WORD, HAN_BARE, TRIGGERS, counted, instruction_added,
)
from velo.cache.text import HAN, LETTER, fold

_UNITS = {
    "word": r"words?|one-word|palabras?|wort|worten|worter|слов\w*|个?词|个?字",
    "sentence": r"sentences?|frases?|oracion(?:es)?|satz|satzen|satze|предложени\w*|句话?",
    "paragraph": r"paragraphs?|parrafos?|absatz|absatzen|absatze|абзац\w*|个?段落|段话",
    "line": r"lines?|lineas?|zeilen?|строк\w*",
}
"""Units a length is counted in (folded; "предложением", "句话")."""
_LEAD = r"(?:(?:in|with|using|within|under|into|to|at most|no more than|fewer than|less than|max(?:imum)?(?: of)?|en|con|mit|" \
    r"maximo|como maximo|auf|hochstens|maximal|в|не более|не больше|максимум|用|以|不超过)(?:\s*(?:about|around|roughly|approximately|unas|unos|etwa|ungefahr|" \
    r"около|примерно))?)"
"""Words that put a length before its count ("in one word", "con una palabra", "mit einem Satz", "в одном предложении",
"用一句话", "不超过"); without one, a count and unit is an instruction only before an answer's noun (`_NOUNS`), in the
Russian instrumental (`_LED_COUNTS`) or, in Chinese, before a verb of answering ("一句话概括")."""
_NOUNS = r"(?:answer|reply|response|summary|explanation|description|definition|respuesta|resumen|antwort|ответ)"
_NOUNS_TUPLE = tuple(_NOUNS.strip("(?:)").split("|"))
_LENGTH = re.compile(
    rf"(?:(?<![a-zа-я]){_LEAD}\s*)?(?<![a-zа-я0-9])({COUNT_WORD}|\d+)[\s-]*(?:(?:single|einzig\w*)\s+)?"
    rf"({'|'.join(_UNITS.values())})(?![a-zа-я0-9])(?:\s*{_NOUNS})?"
)
_LED_COUNTS = frozenset("одним двумя тремя четырьмя пятью шестью семью восемью девятью десятью".split())
"""Counts in the Russian instrumental, which asks for a length with no preposition ("одним словом", "тремя
предложениями"; not "одной", also genitive: "по одной строке")."""
_AT_MOST = re.compile(
    r"\s*(?:max(?:imum)?|or (?:less|fewer)|o menos|oder weniger|или меньше|only|at most|como maximo|solamente|nur|hochstens|"
    r"только|не больше)(?![\w-])"
)
"""After a count and unit, a limit ("3 sentences max", "100 words or less", "One paragraph only")."""
_IDIOMS = frozenset({"в двух словах"})
"""Counts that are no length: "в двух словах" is "briefly" ("brief" in `_FORMS`)."""
_UNIT_PATTERNS = [(unit, re.compile(rf"(?:{pattern})\Z")) for unit, pattern in _UNITS.items()]
_HAN_ANSWER = re.compile(r"回答|回复|概括|总结|解释|说明|描述|介绍|以内|左右")

_FORMS = {
    "brief": (
        r"\b(?:briefly|brief|concise(?:ly)?|succinct(?:ly)?|in short|in a nutshell|short answer|keep it short|tl;? ?dr|"
        r"brevemente|breve|en pocas palabras|conciso|resumido|kurz(?:e|en|er)?|knapp|in kurze|кратко|коротко|вкратце|"
        r"в двух словах|сжато|лаконично|будь(?:те)? крат\w*|shorter|mas corto|короче|покороче|кратче)\b|简短|简要|简洁|简明|扼要",
        r"\b(?:short|corto|кратк\w*|коротк\w*|короче)\b|简短",
    ),
    "detail": (
        r"\b(?:in detail|detailed|in depth|in-depth|thoroughly|at length|en detalle|detallad[ao](?:mente)?|a fondo|"
        r"ausfuhrlich|detailliert|im detail|подробн\w*|детальн\w*|развернут\w*)\b|详细|详尽",
        r"\b(?:details?|подробн\w*)\b|详细",
    ),
    "simple": (
        r"\b(?:like i'?m (?:five|5)|like i am (?:five|5)|eli5|(?:five|5)[- ]year[- ]old|as if i were (?:five|5)|"
        r"(?:to|for) (?:a )?(?:small |little |young )?(?:child|children|kids?)|como si tuviera (?:cinco|5) anos|"
        r"(?:[1-9]|1[0-2]|six|seven|eight|nine|ten|eleven|twelve)[- ]years?[- ]old|like i'?m (?:[1-9]|1[0-2]|ten)\b|"
        r"(?:einem|fur einen) (?:sechs|sieben|acht|neun|zehn|elf|zwolf)jahrigen|(?:de|con) (?:[1-9]|1[0-2]|diez) anos|"
        r"как (?:шести|семи|восьми|девяти|десяти)летнему|"
        r"(?:como a|para|a) (?:que )?(?:un )?nin[oa]s?|wie (?:einem|fur einen) (?:funfjahrigen|kind)|"
        r"als ware ich (?:funf|5)|fur kinder|как (?:пятилетнему|ребенку)|для детеи)\b|五岁|给小孩|给孩子",
        r"\b(?:child|children|kids?|nin[oa]s?|kinder|kindern|funfjahrig\w*|ребен\w*|ребят\w*|дети|детеи|детям|детьми|"
        r"пятилетн\w*)\b|孩子|小孩|小朋友|儿童",
    ),
    "teen": (
        r"\b(?:(?:to|for) (?:a )?(?:teenagers?|teens?|high school students?)|(?:para|a) (?:un )?adolescentes?|"
        r"(?:einem|fur einen) (?:teenager|jugendlichen)|как подростку|для подростков)\b|给中学生",
        r"\b(?:teenagers?|teens?|high school students?|adolescentes?|jugendliche\w*|подрост\w*)\b|中学生",
    ),
    "expert": (
        r"\b(?:(?:for|to) (?:an )?(?:expert|professional|specialist)s?|at (?:a|an) (?:phd|expert|graduate) level|"
        r"(?:para|a|como a) (?:un )?expertos?|(?:fur|einem) experten|(?:как|для) (?:специалист|эксперт)\w*)\b|(?<!不要用)(?<!不用)(?<!避免)(?<!别用)专业术语|专家的角度",
        r"\b(?:experts?|expertos?|experten?|специалист\w*|эксперт\w*)\b|专家",
    ),
    **{
        name: (
            rf"\b(?:(?:in|as|into|using|en|a|como|als|im|в|в формате|в виде)\s+(?:(?:a|an|valid|the|un|una)\s+)?|formato\s+){name}"
            rf"(?![a-z])|(?<![a-z]){name}[- ]?(?:format|formato|формат\w*)|[用以]\s*{name}|{name}\s*格式",
            rf"(?<![a-z]){name}(?![a-z])",
        )
        for name in ("json", "yaml", "xml", "csv", "markdown", "html")
    },
    "table": (
        r"\b(?:(?:in|as|into|using) (?:a )?(?:markdown )?table|table format|tabular|tabulate|en (?:una |forma de )?tabla|"
        r"als tabelle|in (?:einer )?tabelle|in tabellenform|tabellarisch|в виде таблицы|в формате таблицы|в табличном виде|таблицеи)\b|表格形式|用表格|以表格|"
        r"做成表格|列成表格",
        r"\b(?:tables?|tablas?|tabellen?|таблиц\w*)\b|表格",
    ),
    "list": (
        r"\b(?:bullet(?:ed)? (?:list|points?)|bullets|numbered (?:list|steps|points)|as a list|in list form|point form|"
        r"en (?:forma de )?lista|con vinetas|(?:usa|utiliza|con) (?:una )?(?:lista|vinetas)|als liste|in stichpunkten|"
        r"stichpunktartig|als aufzahlung|(?:verwende|benutze|nutze|mit) (?:einer )?(?:stichpunkte\w*|aufzahlung\w*|liste)|"
        r"списком|по пунктам|в виде списка|(?:маркированн|нумерованн)\w* спис(?:ок|к\w*))\b|列表形式|以列表|用列表|分点",
        r"\b(?:lists?|bullets?|bullet points?|listas?|liste|vinetas?|stichpunkt\w*|aufzahlung\w*|списк\w*)\b|列表|清单|要点",
    ),
    "verse": (
        r"\b(?:(?:as|in|into|in the form of) (?:a )?(?:poem|haiku|limerick|sonnet|song|rap|rhymes?|verse)|rhyming|"
        r"poetic(?:ally)?|in poetic form|(?:en (?:forma de )?|con )(?:un )?(?:poema|haiku|verso|rima)|como (?:un )?poema|"
        r"als gedicht|in (?:form eines )?(?:gedichts?|reimen|versen)|als haiku|в стихах|стихами|в форме стих\w*|в рифму|"
        r"в виде стих\w*|(?:write|compose|escrib\w*|compon\w*|schreib\w*|verfass\w*|напиш\w*|сочин\w*)\s+(?:\w+\s+){0,3}?"
        r"(?:poem|poema|gedicht|стих\w*|haiku|limerick|sonnet|song|rap|cancion))\b|用诗|以诗|写成诗|诗的形式",
        r"\b(?:poems?|poetry|poetic\w*|verses?|rhym\w*|haikus?|limericks?|sonnets?|songs?|raps?|poemas?|poesia|versos?|"
        r"rimas?|cancion\w*|gedichte?|poesie|reim\w*|стих\w*|поэз\w*|рифм\w*|хаику|песн\w*)\b|诗歌|诗词|诗句|首诗|写诗|作诗",
    ),
    "pirate": (r"\b(?:like a pirate|as a pirate|pirate speak|como un pirata|wie ein pirat|как пират)\b|像海盗", r"\bpirat\w*|海盗"),
    "formal": (
        r"\b(?:formally|in a formal|formal tone|tono formal|formell\w*(?: ton| stil)|formell|официально|официальным|"
        r"официальн\w* (?:тон\w*|стил\w*))\b|正式的语气|正式的口吻",
        r"\b(?:formal\w*|formell\w*|официальн\w*)\b",
    ),
    "casual": (
        r"\b(?:casually|informally|in a casual|casual tone|(?:keep it|be) (?:casual|informal)|tono (?:informal|casual)|"
        r"informell|неформально|неформальн\w* (?:тон\w*|стил\w*))\b|口语化",
        r"\b(?:casual\w*|informal\w*|informell\w*|неформальн\w*)\b|口语",
    ),
    "sarcastic": (
        r"\b(?:sarcastic(?:ally)?|in a sarcastic|sarcastico|sarcasticamente|sarkastisch|саркастично|с сарказмом)\b|讽刺",
        r"\b(?:sarcas\w*|sarkas\w*|сарказм\w*|саркастич\w*)\b|讽刺",
    ),
    "polite": (r"\b(?:politely|in a polite|polite tone|hoflich|educadamente|вежливо)\b|礼貌", r"\b(?:polite\w*|hoflich\w*)\b"),
    "rude": (r"\b(?:rudely|in a rude|rude tone|grob|groseramente|грубо)\b", r"\b(?:rude\w*)\b"),
    "yesno": (
        r"(?:\b(?P<told>answer|reply|respond|say|responde|contesta|di|antworte|sag|ответь|скажи)(?:\s+(?:with|only|just|"
        r"solo|con|mit|nur|только))*\s+)?\b(?:(?:a )?yes or (?:a )?no|yes/no|si o no|ja oder nein|да или нет)\b|"
        r"(?P<han>(?:回答|用))?(?:是或否|是或不是)",
        r"\b(?:yes or no|si o no|ja oder nein|да или нет)\b",
    ),
    "classical": (r"(?:用|以)文言文?|文言文", r"文言文"),
    "friendly": (
        r"\b(?:friendly tone|in a friendly (?:way|tone|manner)|(?:be|keep it) friendly|tono (?:amable|amistoso)|"
        r"freundliche\w* ton|дружелюбн\w*(?: тон\w*)?)\b|友好的语气|亲切的语气",
        r"\b(?:friendl\w*|amable|amistos\w*|freundlich\w*|дружелюбн\w*)\b|友好|亲切",
    ),
    "academic": (
        r"\b(?:academic (?:tone|style)|in an academic|academically|tono academico|estilo academico|akademische\w* "
        r"(?:ton|stil)|wissenschaftliche\w* stil|академическ\w* (?:тон\w*|стил\w*)|научн\w* стил\w*)\b|学术的语气|学术风格",
        r"\b(?:academ\w*|akademisch\w*|академическ\w*)\b|学术",
    ),
    "emoji": (
        r"\b(?:(?:use|add|include|using|with|con|usa|mit|verwende|с|используи\w*) (?:some |lots of |many |muchos |viele |"
        r"(?:a )?few )?(?:emojis?|emoticons?|эмодзи|смаиликами|смаилики))\b|(?:用|加上?)表情(?:符号)?",
        r"\b(?:emojis?|emoticons?|эмодзи|смаилик\w*)\b|表情",
    ),
    "funny": (
        r"\b(?:in a (?:funny|humorous|witty) (?:way|tone|manner)|funnily|humorously|with humou?r|(?:be|make it|keep it) "
        r"(?:funny|humorous|witty)|con humor|de forma divertida|(?:hazlo|se) divertid[oa]|witzig|lustig|с юмором|смешно)\b|"
        r"幽默|搞笑",
        r"\b(?:fun|funny|humou?r\w*|divertid\w*|witz\w*|lustig\w*|юмор\w*|смешн\w*)\b|幽默|搞笑",
    ),
}
"""Forms an answer can be asked in, by label: (the form as an instruction asks for it, the words that name it), as
folded text matches in the five languages. Both are whole words in spaced scripts and whole phrases in Chinese: a form
word inside another word names nothing ("fun" in "function", "table" in "stable", "kid" in "kidneys", "дет" in
"будет", 点 in 特点, 表 in 代表作: brk29's HIGH-4, served at 0.96-0.998 by format 29), nor does a bare count ("five" in
"the five senses"). "brief" and "detail" are told apart only from each other (`_DEGREES`)."""
_FORM_PATTERNS = {label: (re.compile(asked), re.compile(f"{asked}|{named}")) for label, (asked, named) in _FORMS.items()}
_BARE_PATTERNS = {label: (re.compile(asked), re.compile(f"{asked}|{named}")) for label, (asked, named) in BARE.items()}
"""Forms read as an instruction only where they are set apart (`_set_apart`; `velo.cache.added_instructions.BARE`): a
plain-language level (and "technically"), an example, the reasons, asked within the question's own sentence, are how
oasst1 rewordings word the same question ("Что такое инфляция?" / "Объясни простыми словами, что значит инфляция", "Can
you explain how you technically work behind the scenes?", "请帮我用python编写一个for循环的例子" are right pairs in the
replay), so there they are left to the model; added as a sentence of their own, they are an instruction about the
answer that the cached answer did not follow (after format 32, newcomers' findings: served at 0.968-0.997)."""
_TRIGGERS = {label: re.compile(stems) for label, stems in TRIGGERS.items()}
_ANYWHERE_PATTERNS = {
    label: (re.compile(asked), re.compile(f"{asked}|{named}")) for label, (asked, named) in ANYWHERE.items()
}
_DEGREES = frozenset({"brief", "detail"})
"""Forms that are a difference only against each other ("Answer briefly." / "Answer in detail."): a rewording adds and
drops them freely (in the replay of format 28's pairs, 30 oasst1 rewordings added "详细", "подробнее", "kurz" or
"briefly" to a question without it: "介绍你自己" / "能请你详细介绍一下你自己吗？")."""
_BESIDE = frozenset({"detail", "reason"})
"""Forms read only beside a question, where a sentence of its own adds them (`_unnamed`)."""
_MORE = re.compile(r"\b(?:more|mas|mehr|ausfuhrlicher|genauer|detaillierter|подробнее|поподробнее|более)\b|详细(?:点|一点|些|一些)|再")
"""A degree of detail asked as "more" than an answer gave ("Расскажи подробнее.", "详细点？"): a follow-up's words."""
_ADDRESSED = re.compile(r"eli5|like i'?m|like i am|as if i were|como si tuviera|als ware ich|tl;? ?dr")
"""Forms worded to the answerer themselves, an instruction wherever they open or close their sentence ("ELI5: what is
X?"), as are the degrees ("Briefly, what is X?") and a length with a count ("What is X in one sentence?"); any other
form there is a topic ("Cuentos para niños", "What is meter in a poem?", "How do I teach math to a child?")."""

_VERBS = re.compile(
    r"(?<![a-zа-я])(?:answer|respond|reply|write|explain|describe|summar|tell|give|define|outline|list|format|put|keep|"
    r"return|output|say|elaborate|compose|limit|use|make|present|provide|tabulat|rewrite|rephrase|redo|do (?:it|that|this|"
    r"the same)|respuesta|respond|contest|escrib|reescrib|explic|describ|resum|dime|dame|defin|enumer|compon|usa|haz|"
    r"di|indic|muestr|pasa|pon|presenta|antwort|beantwort|schreib|umschreib|erklar|beschreib|fass|gib|nenn|formulier|"
    r"verfass|mach|sag|ответ|скажи|отвеч|напиш|пиши|перепиш|объясн|расскаж|опиш|перечисл|даи|излож|сочин|сделаи|переделаи|"
    r"continu|keep going|go on|sigue|segui|weiter|fortfahr|fahr fort|продолж)"
)
"""Beginnings of the verbs (and nouns) of answering, explaining and writing, folded: an instruction's frame where one
opens its clause, after nothing but a request's fillers (`_FILLERS`: "Answer in one word", "Can you explain it like
I'm five?", "Объясни как пятилетнему"; going on: "Continue in bullet points", "Продолжай кратко"), not where it is the asker's own ("How do I explain death to a child?",
"Как объяснить ребенку ...")."""
_AUDIENCES = frozenset({"simple", "teen", "expert"})
_TELLING = re.compile(
    r"(?<![a-zа-я])(?:answer|respond|reply|explain|describe|define|tell|summar|contest|respond|explic|describ|resum|"
    r"antwort|beantwort|erklar|beschreib|ответ|отвеч|объясн|расскаж|опиш)"
)
"""The verbs whose listener an audience is ("Explain it to a child"), unlike a thing's ("Give me gift ideas for a 5 year
old", "Write a story for kids")."""
_OF = re.compile(r"\s+(?:of|de|del|von|der|des|eines|einer)\b")
"""After a length, a part of something named, no length of the answer ("how many syllables are in one line of a haiku")."""
_FILLERS = re.compile(
    r"(?:[\s¿¡]+|(?<!\w)(?:please|pls|plz|now|also|and|then|but|just|only|kindly|simply|so|like|ok(?:ay)?|(?:can|could|"
    r"would|will) (?:you|u)|i(?: would|'d)? (?:want|like) you to|try to|por favor|puedes|podrias|y|ahora|solo|bitte|"
    r"kannst du|konntest du|und|jetzt|nur|пожалуиста|можешь|можете|и|а|теперь|только)(?!\w))*"
)
_CLAUSE = re.compile(r"[,:;()\"«»“”—–]")
_HAN_VERBS = re.compile(r"回答|回复|作答|解释|讲解|说明|描述|介绍|概括|总结|列出|阐述|表述|写|继续|接着")
"""Chinese verbs of answering: a form before or after one in its clause is an instruction ("请用表格回答", "给五岁小孩
解释一下"), not one with no such verb ("给孩子买什么玩具好？") or after a question word (`_HAN_QUESTION`)."""
_HAN_QUESTION = re.compile(r"如何|怎么|怎样|为什么|为何|哪|吗")
_HAN_CLAUSE = re.compile(r"[^，、：,:]+")
_SENTENCES = re.compile(r"(?:[^.?!;。？！；\n]|\.(?=\w))+")
"""Sentences: a point before a letter or digit ends none (".exe", "3.5", "e.g")."""


def _length(match: re.Match) -> str:
    unit = next(u for u, pattern in _UNIT_PATTERNS if pattern.match(match[2]))
    return f"{'word' if match[2] == 'one-word' else unit}:{COUNT.get(match[1], match[1])}"


def _led(match: re.Match, sentence: str) -> bool:
    """Whether a count and unit asks for a length (`_LEAD`)."""
    if HAN.match(match[1]) or HAN.match(match[2][-1]):
        return match[0] != match[0].lstrip("用以不超过") or bool(_HAN_ANSWER.match(sentence, match.end()))
    return (not match[0].startswith(match[1]) or match[0].rstrip().endswith(_NOUNS_TUPLE) or match[1] in _LED_COUNTS
            or bool(_AT_MOST.match(sentence, match.end())))


def _framed(sentence: str, start: int, end: int, label: str) -> bool:
    """Whether the words at start:end are in an instruction's frame: after a verb of answering that opens its clause
    (`_VERBS`), or, in Chinese, in a clause with a verb of answering and no question word before them."""
    if HAN.search(sentence):
        clause = next(c for c in _HAN_CLAUSE.finditer(sentence) if c.start() <= start < c.end() or c.end() >= end)
        return bool(_HAN_VERBS.search(sentence)) and not _HAN_QUESTION.search(sentence, clause.start(), start)
    for verb in (_VERBS if label not in _AUDIENCES else _TELLING).finditer(sentence, 0, end):
        before = _CLAUSE.split(sentence[: verb.start()])[-1]
        if verb.start() <= start and _FILLERS.fullmatch(before):
            return True
    return False


def _bare(sentence: str, start: int, end: int) -> bool:
    """Whether the words at start:end are an instruction in a sentence of its own: besides them only verbs of answering,
    objects and courtesy (`BARE_WORDS`; in Chinese, `HAN_BARE`): "Use simple words.", "Explain it to a beginner.",
    "Keep it short.", "用大白话解释。"; not "Explain photosynthesis in simple terms." nor "Что значит инфляция, простыми
    словами?"."""
    if HAN.search(sentence):  # every letter outside start:end one of HAN_BARE
        others = _han_not_bare(sentence)
        return not others or (others[0] >= start and others[-1] < end)
    rest = _CLAUSE.sub(" ", sentence[:start] + " " + sentence[end:])
    return all(w in BARE_WORDS or _VERBS.match(w) or _FILLERS.fullmatch(w) for w in re.findall(r"[^\W\d_]+|\d+", rest))


@functools.lru_cache(maxsize=256)  # asked for each form a sentence names: once per sentence, not once per form
def _han_not_bare(sentence: str) -> tuple[int, ...]:
    """Where `sentence` has a letter (no digit, mark or punctuation) that is not one of `HAN_BARE`."""
    return tuple(i for i, ch in enumerate(sentence) if ch not in HAN_BARE and _LETTER.match(ch))


_LETTER = re.compile(LETTER)


def _set_apart(sentence: str, start: int, end: int) -> bool:
    """Whether the words at start:end are an instruction set apart from the question: in a sentence of their own
    (`_bare`) or in a clause of their own that opens the sentence before a colon ("Кратко: что такое инфляция?",
    "Briefly: what is X?", "简单说：什么是通货膨胀？"; after format 32, a newcomer's finding: served at 0.950-0.993)."""
    if _bare(sentence, start, end):
        return True
    colon = sentence.find(":", end)
    return colon > 0 and ":" not in sentence[:start] and _bare(sentence[:colon], start, end)


def _alone(sentence: str, start: int, end: int) -> bool:
    """Whether the words at start:end are their sentence, but for fillers ("... ? In one word, please.", "ELI5")."""
    rest = _CLAUSE.sub(" ", sentence[:start] + " " + sentence[end:]).strip(" ¿¡'")
    return bool(_FILLERS.fullmatch(rest)) or rest in ("请", "请你")


def _spans(sentence: str, instructions: bool) -> list[tuple[str, int, int]]:
    """The forms a sentence (folded) names, with where; with `instructions`, only those it asks the answer in (module
    docstring)."""
    out = []
    edges = sentence.strip(" ¿¡\"'«»“”()[],:")

    def asked(m: re.Match, edge: bool, label: str) -> bool:
        if label == "yesno" and not (m["told"] or m["han"]):
            return _alone(sentence, m.start(), m.end())
        if _framed(sentence, m.start(), m.end(), label) or _alone(sentence, m.start(), m.end()):
            return True
        if _set_apart(sentence, m.start(), m.end()):  # "Write it for a child.", "Sei witzig.", "用正式的语气。"
            return True
        return edge and (edges.startswith(m[0].strip()) or edges.endswith(m[0].strip()))

    for m in _LENGTH.finditer(sentence):
        if m[0] in _IDIOMS:
            continue
        if HAN.match(m[1]) or HAN.match(m[2][-1]):
            verb = bool(_VERBS.search(sentence) or _HAN_VERBS.search(sentence))
            told = verb or edges.startswith(m[0]) or edges.endswith(m[0])
        else:
            told = asked(m, m[1] not in ("a", "an"), "length") and not _OF.match(sentence, m.end())
        if not instructions or (_led(m, sentence) and told):
            out.append((_length(m), m.start(), m.end()))
    for label, (asked_as, named) in _FORM_PATTERNS.items():
        for m in (asked_as if instructions else named).finditer(sentence):
            if not instructions or asked(m, label in _DEGREES or bool(_ADDRESSED.search(m[0])), label):
                out.append((label, m.start(), m.end()))
    for label, (asked_as, named) in _BARE_PATTERNS.items():
        if label in _TRIGGERS and not _TRIGGERS[label].search(sentence):
            continue
        out += [(counted(label, m[0]), m.start(), m.end()) for m in (asked_as if instructions else named).finditer(sentence)
                if not instructions or _set_apart(sentence, m.start(), m.end())]
    for label, (asked_as, named) in _ANYWHERE_PATTERNS.items():
        if _TRIGGERS[label].search(sentence):
            out += [(label, m.start(), m.end()) for m in (asked_as if instructions else named).finditer(sentence)]
    return out


@functools.lru_cache(maxsize=512)  # a pure function of the text: `answer_form_change` asks for each text's spans 3-4 times
def _all_spans(question: str, instructions: bool) -> tuple[tuple[str, int, int], ...]:
    folded = fold(question)
    return tuple((label, s.start() + i, s.start() + j) for s in _SENTENCES.finditer(folded) for label, i, j in
                 _spans(s[0], instructions))


def forms(question: str, instructions: bool = True) -> frozenset[str]:
    """The forms a question's instructions ask its answer in ("word:1", "brief", "json", ...); with `instructions`
    False, every form it mentions."""
    return frozenset(label for label, _, _ in _all_spans(question, instructions))


def _unnamed(asker: str, other: str) -> set[str]:
    """The forms `asker` asks for that `other` neither asks for nor names more often than `asker` does outside its
    instructions' sentences: a form the two questions share as their topic ("What is the periodic table?" / "...
    Answer in a table.") names nothing, one the other question asks for in other words does ("¿Puedes darme una lista
    de pasos?" / "Dámelos en forma de lista.")."""
    asked = _all_spans(asker, True)
    folded = fold(asker)
    told = [s.span() for s in _SENTENCES.finditer(folded) if any(s.start() <= i < s.end() for _, i, _ in asked)]
    named_here = [(label, i, j) for label, i, j in _all_spans(asker, False) if not any(x <= i < y for x, y in told)]
    named_there = _all_spans(other, False)
    # a degree set apart is an instruction the other question did not give ("Keep it short.", "Be brief.", "Кратко: ...",
    # "Подробно.", "请详细解释。"); within the question's sentence rewordings add it freely (`_DEGREES`). "detail" and the
    # reasons only beside a question: alone, "Why?" is a question word (`velo.cache.question_words`: "Why?" / "How so?"),
    # and "detail" not as "more", how a follow-up asks ("Расскажи, пожалуйста, подробнее.", "详细点？": 2 right pairs of
    # oasst1 follow-ups worded "more specifically")
    sentences = [s for s in _SENTENCES.finditer(folded) if re.search(r"[^\W\d_]", s[0])]

    def beside(label: str, i: int, j: int) -> bool:
        s = next(s for s in sentences if s.start() <= i < s.end())
        if label in _DEGREES and not _set_apart(s[0], i - s.start(), j - s.start()):
            return False
        if label == "brief" or label.split(":")[0] not in _BESIDE:
            return True
        return (len(sentences) > 1 or ":" in s[0][j - s.start():]) and not (label == "detail" and _MORE.search(s[0]))

    labels = {label for label, i, j in asked if label not in _DEGREES and label.split(":")[0] not in _BESIDE}
    labels |= {label for label, i, j in asked if (label in _DEGREES or label.split(":")[0] in _BESIDE) and beside(label, i, j)}
    out = set()
    for label in labels - forms(other):
        here = len({(i, j) for lab, i, j in named_here if lab == label})
        there = len({(i, j) for lab, i, j in named_there if lab == label})
        # "Why is the sky blue? Explain why." asks nothing its question did not: the reasons asked again
        if there <= here and not (label == "reason" and here):
            out.add(label)
    return out


def answer_form_change(a: str, b: str) -> bool:
    """True when an instruction of one question asks for a form of the answer (a length, a format, a register or a
    style: `forms`) the other question does not name (`_unnamed`): "What is photosynthesis?" / "... Answer in one
    word.", "... Answer briefly." / "... Answer in detail.", "什么是光合作用？" / "什么是光合作用？请用JSON格式回答。". Not "...
    Answer in one word." / "... Reply with a single word." (the same form)."""
    if instruction_added(a, b):  # any instruction added as a sentence of its own, on no list ("... Step by step.")
        return True
    fa, fb = forms(a), forms(b)
    if not (fa or fb):
        return False
    if fa & _DEGREES and fb & _DEGREES and fa & _DEGREES != fb & _DEGREES:
        return True
    return bool(_unnamed(a, b) or _unnamed(b, a))
