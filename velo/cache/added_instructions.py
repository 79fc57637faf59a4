"""The tables of `velo.cache.answer_form` for instructions read only where they are set apart from the question: in a
sentence of their own ("Explain photosynthesis. Use simple words.") or before a colon that opens it ("Кратко: что такое
инфляция?"), and the counts its lengths are written with.

| label | asked (set apart; folded) | why only there |
|---|---|---|
| "plain": a plain-language level | "Use simple words.", "In layman's terms.", "Explain it simply.", "Explícalo fácil.", "Hazlo sencillo.", "Erklär es einfach.", "Объясни просто.", "Объясни попроще.", "简单点说。", "说人话。", "简单说：" | within the question's sentence it is how rewordings word the same question ("Объясни простыми словами, что значит инфляция") |
| "expert" | "Technically." | "how you technically work" is a rewording |
| "example:N" / "example" | "Give an example.", "Give me three examples.", "Dame un ejemplo.", "Gib ein Beispiel.", "Приведи пример.", "举个例子。" | "with examples" inside the question is a rewording (19 oasst1 right pairs: "请帮我用python编写一个for循环的例子") |
| "reason:N" / "reason" | "Explain why.", "Why?", "Give me three reasons.", "Explica por qué.", "Nenne drei Gründe.", "Объясни почему.", "解释一下为什么。" | a "why" in the question's sentence is its question word |

`ANYWHERE` holds the forms read wherever they stand after a preposition, as no rewording adds them: a number's notation
("What is 1+1 in binary?", "1+1在二进制里是多少", "What is 255 in hex?", "Answer in words.", "прописью", "用大写数字").
These were served by format 32 as look-alikes (after format 32, a newcomer's finding: "Was ist Inflation? Erklär es
einfach." 0.990, "什么是通货膨胀？请详细解释。" 0.997, "... 举个例子。" 0.980, "Is Python faster than Java? Explain why."
0.965, "2+2=? Answer in words." 0.994, "1+1是多少" / "1+1在二进制里是多少" 0.964).

`instruction_added` reads the kind beyond the tables (after format 33, a newcomer's finding: "What is photosynthesis?
Show me some code." 0.979, "... Step by step." 0.983, "... Cite your sources." 0.961, "Paso a paso." 0.994,
"Пошагово." 0.983, "用代码说明。" 0.973): a sentence (or a clause before a colon) one text adds to the whole of the other
is an instruction when it is an imperative or a bare phrase addressed to the answerer, whatever its words, beside a
question or a request (`_asks`), and is no courtesy or aside, statement, other question, bare request for the answer
or restatement (`_instruction`). The tables stay for what it cannot see: an instruction within the question's own
sentence or clause, and which form two instructions ask for.
"""

from __future__ import annotations

import re

from velo.cache import answer_language, question_words
from velo.cache.text import fold, tokens, words_key

COUNTS = {
    "1": "a an one single 1 un una uno unica sola ein eine einem einer einen einzigen одним одно одном однои одну один "
    "одного одна 一",
    "2": "two 2 dos zwei zweien двумя два две двух 两 二", "3": "three 3 tres drei dreien тремя три трех 三",
    "4": "four 4 cuatro vier четырьмя четыре четырех 四", "5": "five 5 cinco funf пятью пять пяти 五",
    "6": "six 6 seis sechs шестью шесть шести 六", "7": "seven 7 siete sieben семью семь семи 七",
    "8": "eight 8 ocho acht восемью восемь восьми 八", "9": "nine 9 nueve neun девятью девять девяти 九",
    "10": "ten 10 diez zehn десятью десять десяти 十",
}
"""Counts of a length or of things asked for in the five languages, folded ("одной" is "однои"), as the digits they
stand for."""
COUNT = {w: n for n, words in COUNTS.items() for w in words.split()}
COUNT_WORD = "|".join(sorted(map(re.escape, COUNT), key=len, reverse=True))
_COUNTED = rf"(?:(?:{COUNT_WORD}|\d+)\s+)?"
"""A count before the things asked for ("three reasons", "tres razones", "drei Gründe", "три причины"), optional."""
_HAN_COUNTED = r"[一二两三四五六七八九十几\d]*\s*[个條条種种]?"
"""The same in Chinese ("三个理由", "几个例子", "个例子")."""

BARE = {
    "plain": (
        r"\b(?:(?:in |with |use |using )?(?:simple|plain|easy|everyday|non-?technical|basic) (?:words|terms|language|english)|"
        r"(?:in )?layman'?s? terms|(?:for|to) (?:a )?(?:laym[ae]n|layperson|beginners?|novices?|non-?experts?|"
        r"non-?technical (?:audience|person|people|readers?))|(?:avoid|without|no|don'?t use|do not use) (?:any )?"
        r"(?:technical )?(?:jargon|technical terms|technical language)|(?:keep|make) (?:it|the (?:language|wording|answer|explanation)) (?:simple|easy)|simply|"
        r"(?:easy|simple) to understand|simpler|more simply|dumb(?:ed)? (?:it )?down|in plain words|plainly|"
        r"(?:con |usa |usando |en )?(?:palabras|terminos|lenguaje) (?:sencill[ao]s?|simples?|faciles?|llan[ao]s?)|"
        r"(?:de (?:forma|manera|modo)|en forma) (?:sencilla|simple|facil)|sencillamente|(?:sin|evita(?:ndo)?) (?:tecnicismos|"
        r"jerga|terminos tecnicos)|para (?:principiantes|novatos|legos|tontos)|explicado facil|facil de entender|"
        r"(?:mas )?(?:facil|facilito|sencill[oa]|sencillito)|"
        r"(?:in |mit |verwende |benutze |nutze )?einfache(?:n|r)? (?:worte|worten|worter|wortern|sprache|begriffe|begriffen)|"
        r"in leichter sprache|einfach erklart|(?:ohne|vermeide) (?:fachbegriffe|fachjargon|fachsprache|jargon)|"
        r"fur (?:anfanger|laien|dummies)|leicht verstandlich|(?<=[a-z] )(?:einfach|einfacher|verstandlich|verstandlicher)|"
        r"простыми словами|простые слова|простым языком|по-простому|на простом языке|доступным языком|доступно|(?:без|избегаи\w*) "
        r"(?:терминов|жаргона|сложных терминов|специальных терминов)|для (?:начинающих|новичков|чаиников)|как (?:новичку|"
        r"чаинику)|попроще|проще|(?<=[а-я] )(?:просто|понятно|понятнее|доступнее))\b|简单的话|简单的语言|通俗易懂(?:的语言|的话)?|通俗地|"
        r"通俗的语言|大白话|浅显易懂|(?:不要|不用|避免|别)用?专业术语|给初学者|给新手|简单(?:点|一点|些|一些)?地?(?:说|讲|解释)|"
        r"(?:说|讲|解释)得?简单(?:点|一点|些|一些)|通俗(?:点|一点|些|一些)|(?:说|讲)人话|白话",
        r"\b(?:simple words|plain (?:language|english)|layman\w*|jargon|beginners?|novices?|principiantes?|novatos?|"
        r"tecnicismos?|jerga|anfanger\w*|laien|fachbegriff\w*|fachjargon|начинающ\w*|новичк\w*|чаиник\w*|жаргон\w*|"
        r"simpl\w*|plain|easy|sencill\w*|facil\w*|einfach\w*|leicht\w*|прост\w*|доступн\w*)\b|"
        r"通俗|大白话|初学者|新手|简单|浅显|人话",
    ),
    "expert": (r"\b(?:technically|tecnicamente|technisch|технически)\b", r"(?!)"),
    "example": (
        rf"\b{_COUNTED}(?:(?:concrete|real[- ]world|practical|simple|specific|konkrete\w*|concret[oa]s?|конкретн\w*)\s+)?"
        rf"(?:examples?|ejemplos?|beispiele?n?|пример|примеры|примера|примеров|примером|примерами)\b|"
        rf"举{_HAN_COUNTED}例子?(?:说明)?|(?:给|来)我?{_HAN_COUNTED}例子",
        r"\b(?:examples?|ejemplos?|beispiel\w*|пример\w*)\b|例子|举例|列举|举几|举一|举些|举出|示例|实例|比如|例如",
    ),
    "reason": (
        rf"\b(?:why|por que|warum|wieso|weshalb|почему|{_COUNTED}(?:reasons?|razon(?:es)?|motivos?|grunde?|grunden|"
        rf"причин\w*)|justify|justifica\w*|begrunde\w*|обоснуи\w*)\b|为什么|为何|{_HAN_COUNTED}(?:原因|理由)",
        r"\b(?:why|reasons?|porque|razon\w*|motivo\w*|warum|wieso|weshalb|grund\w*|begrund\w*|почему|зачем|причин\w*)\b|"
        r"为什么|为何|原因|理由",
    ),
}
"""Forms read as an instruction only where they are set apart (`answer_form._set_apart`): label -> (the form as an
instruction asks for it, the words that name it), as folded text matches. German "einfach" and Russian "просто" ("just"
before a verb: "Просто объясни.") only after another word ("Erklär es einfach.", "Объясни просто.")."""
COUNTED = frozenset({"example", "reason"})
"""Forms whose label takes the count of the things asked for ("Give me three reasons." is "reason:3"; one, or none
written, is the bare label)."""

_NOTATIONS = (
    ("binary", r"binary|binario|binarsystem|binarform|binardarstellung|binar|binarcode|двоичн\w*|base[- ]?(?:2|two)",
     r"binary|binari\w*|binar\w*|двоичн\w*|base[- ]?(?:2|two)", "(?:二|2)进位?制"),
    ("hex", r"hex|hexadecimal|hexadezimal\w*|шестнадцатеричн\w*|base[- ]?16", r"hex\w*|шестнадцатеричн\w*|base[- ]?16",
     "(?:十六|16)进位?制"),
    ("octal", r"octal|oktal\w*|восьмеричн\w*|base[- ]?8", r"octal|oktal\w*|восьмеричн\w*|base[- ]?8", "(?:八|8)进位?制"),
    ("roman", r"roman numerals?|numeros romanos|romischen zahlen|romische\w* zahl\w*|римскими цифрами|римских цифрах",
     r"roman|romanos|romisch\w*|римск\w*", "罗马数字"),
)
ANYWHERE = {
    **{
        f"notation:{name}": (
            rf"\b(?:(?:in|into|to|as|en|al|im|ins|als|в|во|на)\s+(?:(?:the|el|la|das|den)\s+)?(?:{spaced})|a (?=binario|hexadecimal|octal|numeros romanos)(?:{spaced}))\b|"
            rf"(?:用|以|在|转|转成|转换成|转换为|换成|变成|写成){han}|{han}(?:里|中|下|表示)",
            rf"\b(?:{named})\b|{han}",
        )
        for name, spaced, named, han in _NOTATIONS
    },
    "notation:words": (
        r"\b(?:(?:in|into|to|as|en|con) (?:words|letras|worten)|spell(?:ed)? (?:it )?out|written out|ausgeschrieben|"
        r"прописью|(?:respond|contest|escrib|di)\w* (?:con|en) palabras|(?:ответ|напиш|скаж|запиш)\w* словами)\b|"
        r"大写数字|中文大写|汉字数字",
        r"\b(?:in words|spelled out|en letras|in worten|ausgeschrieben|прописью)\b|大写数字|中文大写|汉字数字",
    ),
}
"""Forms read wherever they stand after a preposition: a number's notation ("What is 1+1 in binary?", "¿Cuánto es 1+1
en binario?", "im Binärsystem", "в двоичной системе", "1+1在二进制里是多少", "Answer in words.", "Ответь словами.",
"прописью", "用大写数字回答"). No rewording of the labelled pairs adds one; where both questions name it, it is no
difference."""


def counted(label: str, matched: str) -> str:
    """`label` with the count of the things `matched` asks for, when a form of `COUNTED` asks for more than one ("three
    reasons" -> "reason:3", "三个理由" -> "reason:3"; "an example", "几个例子" -> "example")."""
    if label not in COUNTED:
        return label
    words = re.findall(r"[^\W\d_]+|\d+", matched)
    n = next((COUNT[w] for w in words if w in COUNT), None)
    if n is None:
        n = next((COUNT[c] for c in matched if c in COUNT), None)
    return label if n in (None, "1") else f"{label}:{n}"


TRIGGERS = {
    "example": r"exampl|ejempl|beispiel|пример|例|举|比如",
    "reason": r"why|por ?que|warum|wieso|weshalb|почему|зачем|reason|razon|motivo|grund|причин|justif|begrund|обоснуи|为什么|"
    r"为何|原因|理由",
    "notation:binary": r"binar|двоичн|base[- ]?(?:2|two)|进位?制",
    "notation:hex": r"hex|шестнадцатеричн|base[- ]?16|进位?制",
    "notation:octal": r"octal|oktal|восьмеричн|base[- ]?8|进位?制",
    "notation:roman": r"roman|romisch|римск|罗马",
    "notation:words": r"words|letras|worten|ausgeschrieben|spell|written out|прописью|palabras|словами|大写|汉字数字",
}
"""Stems without which a form of `BARE` or `ANYWHERE` cannot match, asked or named: `answer_form` runs a form's patterns only on a
sentence with one (the counts before the examples and reasons made their patterns cost 0.03-0.05 ms a text)."""

BARE_WORDS = frozenset(
    """it this that them me you your the a an answer response reply explanation tone style words language terms please
    can could would will keep be make use using avoid write try just only por favor un una unos unas ein eine einen einem einer
    lo la le me mi es das dich mir sie ihn bitte
    sei seien halte bleib verwende benutze nutze schreib mach usa utiliza emplea escribe hazlo haz se manten mantenlo tu
    это его ее мне свои ответ будь будьте используи используите пиши сделаи
    show provide include add with us some more also and pon ponme muestra muestrame algun algunos algunas con mas
    zeig zeige mir mit noch paar приведи приведите покажи покажите назови назовите с еще несколько пару парочку
    ну и going on but aber pero но geben nennen dar poner mostrar привести показать назвать
    du kannst konntest puedes podrias можешь можете""".split()
)
"""Words a sentence of a set-apart instruction may hold besides the form and a verb of answering (`answer_form._VERBS`),
folded: objects ("it", "lo", "es", "это"), "be" / "keep" / "use" / "show" / "give" and their Spanish, German and Russian
imperatives and infinitives ("pon", "zeig", "приведи", "назови", "Kannst du ein Beispiel geben?"), "with" / "con" / "mit" / "с", "but" ("Keep going, but be brief."),
courtesy."""
HAN_BARE = frozenset("请你您用以一点些吧说讲写来地的给我们回答解释下话明再几个呢继续接着但")
"""The same for Chinese, character by character ("请解释一下", "给我", "再举几个", "继续，但简短一点"). Not 能 / 可以 ... 吗:
"能详细说说吗？", "能说说理由吗？" close oasst1 follow-ups whose rewordings ask "具体" (4 right pairs in the replay)."""


# An instruction added as a sentence of its own, whatever its words (after format 33, a newcomer's finding: "What is
# photosynthesis? Show me some code." 0.979, "... Step by step." 0.983, "... Cite your sources." 0.961, "Paso a paso."
# 0.994, "Пошагово." 0.983, "用代码说明。" 0.973, served though no list above holds their words).
_PARTS = re.compile(r"[^.?!。？！\n]+[.?!。？！\n]*")
"""A text's sentences with the punctuation that closes each; a point before a letter or digit ends none (below)."""
_COLON_LEAD = re.compile(r"^([^:：]{1,40}?)[:：]\s*(?=\S)")
"""A short clause that opens its sentence before a colon ("TL;DR: what is X?", "Кратко: что такое ...", "概括：...")."""
_POLITE = re.compile(
    r"^(?:(?:can|could|would|will) (?:you|u)|(?:puedes|podrias|podria usted)|(?:kannst|konntest) du|(?:konnen|konnten) sie|"
    r"(?:можешь|можете|не могли бы вы|не мог бы ты)|(?:你|您)?(?:能不能|可不可以|能否|可以|能))\s*"
)
"""The opening of a request worded as a question ("Can you show me some code?", "¿Puedes citar tus fuentes?", "能用代码
说明吗？"): an instruction all the same."""
_LEAD = re.compile(
    r"^(?:(?:please|pls|plz|now|also|and|then|just|ok(?:ay)?|so|kindly|por favor|ahora|y|tambien|bitte|jetzt|und|auch|"
    r"пожалуиста|теперь|и|а|также|ещё|еще)\b[\s,]*|(?:请你|请您|请|麻烦你|麻烦|再|也)\s*)*"
)
_ASIDES = frozenset(w.strip() for w in """thanks|thank you|thanks a lot|thank you very much|thanks in advance|thx|ty|cheers|please|hi|hello|hey|
    hi there|hello there|good morning|good evening|quick question|just curious|just wondering|i am curious|asking for a friend|
    gracias|muchas gracias|gracias de antemano|hola|buenos dias|por favor|saludos|danke|danke schon|vielen dank|danke im voraus|
    hallo|guten morgen|bitte|grusse|спасибо|большое спасибо|заранее спасибо|привет|здравствуите|добрыи день|пожалуиста|
    谢谢|谢谢你|谢谢您|多谢|感谢|麻烦了|你好|您好|请|拜托|拜托了""".split("|"))
"""Courtesy, greetings and asides a sentence of its own may be (folded, `_key`): nothing asked of the answer."""
_STATES = re.compile(
    r"^(?:i|i'm|im|i've|i'd|we|we're|my|our|he|she|it|it's|its|this|that|these|those|there|here|the|a|an|yo|mi|mis|nosotros|"
    r"el|la|los|las|un|una|esto|eso|este|esta|aqui|me|te|le|lo|nos|se|ich|mein|meine|wir|er|sie|es|das|der|die|dies|ein|"
    r"eine|hier|я|мы|мои|моя|мое|мне|он|она|оно|они|это|этот|эта|вот|у|тут|здесь)\b|^[我你他她它这那咱]"
)
"""Openings of a statement, not of an instruction: a subject or an article before one ("I'm a student.", "This is
the news:", "Ahora te presento el mío." (a clitic opens a finite verb: the imperative puts it after, "Dime"), "Это
важно.", "我写了下面这样一段文字：", "这是新闻："). Read on the casefolded words, accents kept ("Sé breve." is "be brief",
"Se ..." a statement)."""
_FINITE = re.compile(
    r"\b(?:is|are|was|were|am|has|have|had|does|did|'s|'re|'m|es|son|esta|estan|era|fue|soy|estoy|tengo|tiene|hay|ha|"
    r"ist|sind|war|bin|habe|hat|gibt|wird|является|был|была|было|были|есть|будет)\b|是"
)
"""A copula or auxiliary (folded): the sentence states something ("It's for school.", "Photosynthesis is complex.",
"Das ist wichtig.", "这是新闻"), an instruction has none ("Be thorough.", "Sé breve.")."""
_ANSWERING = frozenset("""please por favor bitte пожалуиста thanks thank gracias danke спасибо answer respond reply explain tell describe elaborate clarify help go ahead continue say it
    that this me us you them again one more time responde contesta explica explicalo explicame dime di ayudame sigue
    continua eso esto lo antworte erklare erklar erklaren erklaere sag sage beschreibe hilf weiter mach es das dies mir
    uns ответь ответьте объясни объясните скажи скажите расскажи расскажите опиши помоги продолжи продолжай это мне
    нам""".split())
"""Words that ask only for the answer already asked ("Explain.", "Please answer.", "Tell me.", "Объясни, пожалуйста."):
with courtesy (`BARE_WORDS` less its words of forms), no instruction."""
_HAN_ANSWERING = frozenset("请你您我们的一下吧呢说讲解释回答告诉明白吗啊呀")
"""The same in Chinese, character by character ("解释一下。", "请回答。", "告诉我吧。")."""
_MAX_WORDS = 8
_MAX_HAN = 12
"""The most words (Han characters) an added instruction holds: longer sentences are another question or a context."""


def _key(text: str) -> str:
    return words_key(fold(text))


def _parts(text: str) -> list[str]:
    """A text's sentences, each with its closing punctuation, and a short clause before a colon that opens one as a
    part of its own; a point before a letter or digit joins (".exe", "3.5")."""
    out: list[str] = []
    for m in _PARTS.finditer(text):
        if out and re.search(r"\.$", out[-1]) and re.match(r"\w", m[0]):
            out[-1] += m[0]
            continue
        lead = _COLON_LEAD.match(m[0].lstrip())
        out += [lead[1] + ":", m[0].lstrip()[lead.end():]] if lead else [m[0]]
    return [p for p in out if re.search(r"\w", p)]


def _added(longer: str, shorter: str) -> list[str]:
    """The sentences `longer` adds before or after the whole of `shorter` (the same words, case, accents and punctuation
    folded: `_key`), else []. A question reworded beside the sentence added is left to the model ("What's X?" / "What is
    X? Step by step.")."""
    key = _key(shorter)
    if not key or len(longer) <= len(shorter):
        return []
    cuts = _ends(_parts(longer), True) + _ends(_parts(longer), False)
    return next((added for added, rest in cuts if _key(" ".join(rest)) == key), [])


def _ends(parts: list[str], first: bool) -> list[tuple[list[str], list[str]]]:
    """The ways to cut `parts` into a short run of sentences at one end (at most `_MAX_ADDED` characters: an added
    instruction is short) and the rest, nonempty."""
    out = []
    for k in range(1, len(parts)):
        added, rest = (parts[:k], parts[k:]) if first else (parts[-k:], parts[:-k])
        if sum(map(len, added)) > _MAX_ADDED:
            break
        out.append((added, rest))
    return out


_MAX_ADDED = 120


def _instruction(sentence: str, shared: str) -> bool:
    """Whether an added sentence asks something of the answer that the shared question did not: an imperative or a bare
    phrase addressed to the answerer ("Show me some code.", "Step by step.", "Cite your sources.", "Summarize.",
    "TL;DR:", "Paso a paso.", "Zeig mir etwas Code.", "Пошагово.", "Покажи код.", "用代码说明。", "分步骤说明。"), not
    courtesy or an aside (`_ASIDES`), a statement (`_STATES`, `_FINITE`), a question other than a request ("Can you
    cite your sources?" is one), a bare request for the answer ("Explain.", "解释一下。"), nor a restatement (its words
    are the question's: "Explain photosynthesis.")."""
    asks = bool(re.search(r"[?？]\W*$", sentence)) or bool(re.search(r"[吗呢]\W*$", sentence))
    plain = re.sub(r"^[\W_]+|[\W_]+$", "", sentence.casefold())
    plain = _LEAD.sub("", plain)
    polite = _POLITE.match(plain)
    if asks and not polite:
        return False
    plain = _LEAD.sub("", plain[polite.end():] if polite else plain)
    plain = re.sub(r"[吗呢]$", "", plain)
    key = _key(plain)
    if not key or key in _ASIDES or _key(sentence) in _ASIDES or _STATES.match(plain) or _FINITE.search(fold(plain)):
        return False
    if answer_language.mentioned(tokens(sentence)):  # the answer's language: `answer_language` knows the question's own
        return False  # ("What is photosynthesis? Please answer in English." is served; "... in French." is not there)
    han = re.findall(r"[\u2e80-\u9fff]", key)
    words = re.findall(r"[^\W\d_]+|\d+", re.sub(r"[\u2e80-\u9fff]", " ", key))
    if len(words) > _MAX_WORDS or len(han) > _MAX_HAN:
        return False
    content = [w for w in words if w not in _ANSWERING and w not in BARE_WORDS - _FORM_WORDS] + [
        c for c in han if c not in _HAN_ANSWERING
    ]
    if not content:
        return False
    there = set(re.findall(r"[^\W\d_]+|\d+", re.sub(r"[\u2e80-\u9fff]", " ", _key(shared)))) | set(
        re.findall(r"[\u2e80-\u9fff]", shared)
    )
    return sum(c in there for c in content) * 2 < len(content)


_FORM_WORDS = frozenset("""show provide include add some more code sources steps example examples detail""".split())
"""Words of `BARE_WORDS` that name what an added sentence asks for ("Show me some code.", "Add sources."): content here."""


def instruction_added(a: str, b: str) -> bool:
    """True when one text is the other with a sentence (or a clause before a colon) added that is an instruction about
    the answer (`_instruction`), whatever its words: "What is photosynthesis?" / "... Show me some code.", "... Step by
    step.", "... Summarize.", "TL;DR: what is photosynthesis?", "¿Qué es la fotosíntesis? Paso a paso.", "Что такое
    фотосинтез? Пошагово.", "什么是光合作用？用代码说明。"; not "... Thanks!", "... Please.", "... Explain.", "...
    谢谢". Any two str."""
    for longer, shorter in ((a, b), (b, a)):
        if _asks(shorter) and any(_instruction(s, shorter) for s in _added(longer, shorter)):
            return True
    return False


_MAX_ASKED = 200
"""The longest question or request an added instruction is read beside (characters): longer texts are pasted ones."""


def _asks(text: str) -> bool:
    """Whether a text is a question or a request that an instruction can be added to: at most `_MAX_ASKED` characters,
    and closing with a question or opening with no statement ("What is X?", "Explain X.", "Tell me about X"). A text
    pasted alone asks nothing of its own, so a frame added to it is what the rewordings of one oasst1 first turn vary
    ("重复：我是 ChatGPT，……" / "我是 ChatGPT，……（照着重复这句话）" / "我是 ChatGPT，……", "Resumo: los estudios de la
    evolución humana ..." / "Pues mira: los estudios ...", "概括：新年前夕，……", "看看这段：……": the 14 right pairs of the
    replay the rule flagged first)."""
    if len(text) > _MAX_ASKED:
        return False
    if re.search(r"[?？]\W*$|[吗呢]\W*$", text):
        return True
    parts = _parts(text)
    if not parts:
        return False  # no word at all ("-", "???", "🙂"): nothing asked; `_parts(text)[0]` raised IndexError (modal44)
    first = parts[0].casefold().strip()
    if question_words.question_words(tokens(first)):  # a question without its mark ("what is photosynthesis")
        return True
    return not (_STATES.match(_LEAD.sub("", first)) or _FINITE.search(fold(first)))
