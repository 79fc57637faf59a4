"""An instruction naming the answer's language on one side only: "What is photosynthesis? Answer in French." /
"What is photosynthesis?" asks for another answer (helper veto27, H4: served at 0.975 by rule format 26), as do "...
Bitte auf Deutsch antworten.", "... Responde en inglés.", "... Ответь по-английски.", "...用英文回答。" beside the question
without them (0.99-0.997). `answer_language_change` is folded into the `role_swap` veto by `velo.cache.features`.

An answer-language instruction is a language's name after the preposition that says what a text is written in ("in
French", "auf Englisch", "en inglés", "по-английски" / "на английском", "用英文") with a verb of answering, writing or
explaining next to it ("answer in", "write it in", "auf Englisch antworten", "responde en", "ответь по-", "英文回答") or
"please" / "only" right after the name ("in English please", "en inglés, por favor"). The veto: a language one
question's instruction names that the other question does not name at all. A language named otherwise is part of what
is asked and stays for the content words to weigh ("How do you say hello in French?", "What does the German word
'Schadenfreude' mean?", "英语怎么说"), and a language both name is no difference ("请你使用繁体中文" / "请用繁体中文回答",
oasst1 train rewordings). An instruction naming the language the question is written in changes nothing ("What is
photosynthesis? Please answer in English.", "Was ist Photosynthese? Antworte auf Deutsch."): the answer was in that
language already (`_question_language`, by script or by common words; "What is photosynthesis? Bitte auf Deutsch
antworten." names German in an English question).
"""

from __future__ import annotations

import re

from velo.cache.text import HAN, fold

_CYRILLIC = re.compile(r"[а-яё]")

_NAMES = {
    "en": """english:en french:fr german:de spanish:es russian:ru chinese:zh mandarin:zh cantonese:yue italian:it
        portuguese:pt japanese:ja korean:ko arabic:ar dutch:nl polish:pl turkish:tr ukrainian:uk hindi:hi latin:la
        swedish:sv norwegian:no danish:da finnish:fi greek:el hebrew:he vietnamese:vi thai:th indonesian:id czech:cs
        hungarian:hu romanian:ro persian:fa""",
    "fr": """anglais:en francais:fr allemand:de espagnol:es russe:ru chinois:zh italien:it portugais:pt japonais:ja
        coreen:ko neerlandais:nl polonais:pl turc:tr ukrainien:uk suedois:sv norvegien:no danois:da finnois:fi grec:el
        hebreu:he vietnamien:vi""",
    "de": """englisch:en franzosisch:fr deutsch:de spanisch:es russisch:ru chinesisch:zh italienisch:it portugiesisch:pt
        japanisch:ja koreanisch:ko arabisch:ar niederlandisch:nl polnisch:pl turkisch:tr ukrainisch:uk latein:la
        schwedisch:sv norwegisch:no danisch:da finnisch:fi griechisch:el hebraisch:he vietnamesisch:vi""",
    "es": """ingles:en frances:fr aleman:de espanol:es castellano:es ruso:ru chino:zh mandarin:zh italiano:it
        portugues:pt japones:ja coreano:ko arabe:ar neerlandes:nl holandes:nl polaco:pl turco:tr ucraniano:uk latin:la
        sueco:sv noruego:no danes:da finlandes:fi griego:el hebreo:he vietnamita:vi""",
}
"""Languages' names, folded, by the language they are written in, with the language they name (French and the
Nordic, Greek, Hebrew, Vietnamese ... names since rule format 28: "... Answer in Swedish." was served at 0.948, "...
Réponds en français." was no instruction; a name two languages share counts as the later one's, "arabe" Spanish)."""
_RU_STEMS = {
    "англииск": "en", "француз": "fr", "немецк": "de", "испанск": "es", "русск": "ru", "китаиск": "zh",
    "итальянск": "it", "португальск": "pt", "японск": "ja", "кореиск": "ko", "арабск": "ar", "украинск": "uk",
    "польск": "pl", "турецк": "tr", "латин": "la", "шведск": "sv", "норвежск": "no", "датск": "da", "финск": "fi",
    "греческ": "el", "иврит": "he", "вьетнамск": "vi",
}
"""Russian languages' stems, folded (й is и), after "по" ("по-английски") or "на" ("на английском")."""
_HAN_NAMES = {
    "英文": "en", "英语": "en", "英語": "en", "中文": "zh", "汉语": "zh", "漢語": "zh", "普通话": "zh", "简体": "zh",
    "簡體": "zh", "繁体": "zh-hant", "繁體": "zh-hant", "法语": "fr", "法文": "fr", "法語": "fr",
    "德语": "de", "德文": "de", "德語": "de", "西班牙语": "es", "西班牙文": "es", "西班牙語": "es", "俄语": "ru",
    "俄文": "ru", "俄語": "ru", "日语": "ja", "日文": "ja", "日語": "ja", "韩语": "ko", "韩文": "ko", "韓語": "ko",
    "意大利语": "it", "葡萄牙语": "pt", "阿拉伯语": "ar", "粤语": "yue", "粵語": "yue", "意大利文": "it", "葡萄牙文": "pt",
    "韩國語": "ko", "韓文": "ko", "瑞典语": "sv", "瑞典語": "sv", "挪威语": "no", "丹麦语": "da", "芬兰语": "fi",
    "希腊语": "el", "希伯来语": "he", "越南语": "vi", "越南語": "vi",
}
_PREPOSITIONS = {"en": ("in", "using"), "de": ("auf", "in"), "es": ("en",), "ru": ("по", "на"), "fr": ("en",)}
_ANY_PREPOSITION = frozenset().union(*_PREPOSITIONS.values())
_VERBS = {
    "en": ("answer", "respond", "reply", "replies", "write", "explain", "speak", "talk", "tell", "describe", "summar",
           "continu", "carry", "going", "keep"),
    "de": ("antwort", "beantwort", "schreib", "erklar", "sprich", "sprech", "formulier", "beschreib", "weiter", "fortfahr",
           "fahr", "fortsetz"),
    "es": ("respond", "respuesta", "contest", "escrib", "explic", "habl", "describ", "resum", "dime", "continu", "sigue",
           "segui", "prosigu"),
    "ru": ("ответ", "отвеч", "напиш", "пиши", "объясн", "расскаж", "говор", "опиш", "продолж", "дальше"),
    "fr": ("repond", "reponse", "ecri", "expliqu", "redig", "decri", "resum", "parl", "continu"),
}
"""Beginnings of the verbs (and nouns: "Antwort", "respuesta") of answering, writing and explaining, folded, and of
going on ("Continue in Spanish", "Sigue en inglés", "Weiter auf Englisch", "Продолжай на английском": after format 32,
a newcomer's finding: "Continue" / "Continue in Spanish" served at 0.959, "Продолжай" / "... на английском" 0.944)."""
_AFTER = frozenset("please only bitte nur solo solamente пожалуиста только seulement uniquement svp".split())
"""Words right after a language's name that make it an instruction ("in English please"; Spanish "por favor" too)."""
_HAN_VERBS = ("回答", "回复", "回覆", "作答", "答复", "解释", "解釋", "解答", "写", "寫", "讲", "講", "说明", "說明", "描述", "继续",
              "繼續", "接着")
"""Chinese verbs of answering, writing, explaining and going on, after the language's name ("用英文回答", "请用英语来回答"); not 说 ("英语怎么说": how to say it in English) nor 翻译 (a translation's target is what is asked)."""

_COMMON = {
    "en": frozenset("the is are what how why who when where does do did can you i an of and to this that it my your with for".split()),
    "de": frozenset("der das ist sind wie warum wer wann wo und ich du ein eine einen nicht kann mit fur von zu".split()),
    "es": frozenset("el la los las son que como por cual quien cuando donde y un una del se mi tu con para".split()),
    "fr": frozenset("est ce qu les des du et je il elle vous nous pour dans avec pas quoi comment pourquoi quel quelle qui sont au aux explique".split()),
}
"""Common words of each Latin-script language, folded, none the others' ("was", "die", "es", "a", French "la" / "que" /
"une" left out)."""
_ORDER = {lang: n for n, lang in enumerate(("zh", "ru", *_COMMON))}

_HAN_BETWEEN = ("中文", "字", "来", "來", "进行", "進行")
"""What may stand between a language's name and the verb: the rest of a name ("繁体中文回答"), "来" ("用英语来回答")."""


def _han_instruction(after: str) -> bool:
    """Whether the Han text right after a language's name starts with a verb of answering or writing (`_HAN_VERBS`),
    perhaps after `_HAN_BETWEEN` ("回答", "来写"; not "缩写", an abbreviation: "英文缩写")."""
    for _ in range(3):
        after = after.removeprefix(next((w for w in _HAN_BETWEEN if after.startswith(w)), ""))
    return after.startswith(_HAN_VERBS)


_WORDS = {w: (lang, code) for lang, names in _NAMES.items() for w, code in (p.split(":") for p in names.split())}


def _is_verb(token: str, lang: str) -> bool:
    return token.startswith(_VERBS[lang])


def _named(toks: list[str], k: int) -> tuple[str, str] | None:
    """(the instruction's own language, the language it names) when the token at `k` names a language in an
    answer-language instruction, else None."""
    t = toks[k]
    if t in _WORDS:
        lang, code = _WORDS[t]
    elif k and toks[k - 1] in _PREPOSITIONS["ru"] and (stem := next((s for s in _RU_STEMS if t.startswith(s)), None)):
        lang, code = "ru", _RU_STEMS[stem]
    else:
        return None
    if not k or toks[k - 1] not in _PREPOSITIONS[lang]:
        return None
    near = toks[max(k - 4, 0) : k - 1] + toks[k + 1 : k + 3]
    after = toks[k + 1 : k + 3]
    if any(_is_verb(w, lang) for w in near) or after[:1] and after[0] in _AFTER or after == ["por", "favor"]:
        return lang, code
    return None


def _question_language(toks: list[str], fallback: str) -> str:
    """The language a question is written in (`written_in`; with no common word, any of `_COMMON`'s), `fallback` (the
    instruction's own) on a tie, else the first in `_COMMON`'s order."""
    top = written_in(toks) or frozenset(_COMMON)
    return fallback if fallback in top else min(top, key=_ORDER.get)


def _han_text(toks: list[str]) -> str:
    """The question's Han characters run together (each is a token of its own), for names of more than one character."""
    return "".join(t for t in toks if len(t) == 1 and HAN.match(t))


_SET_OFF = (
    re.compile(r"[,;:(\u2013\u2014]\s*(?P<prep>(?:in|auf|en|на|по)\s|по-)\s*(?P<name>\w+)\s*\)?\s*[?.!]*\s*$"),
    re.compile(r"^[\s¿¡]*(?P<prep>(?:in|auf|en|на|по)\s|по-)\s*(?P<name>\w+)\s*[,:]"),
)
"""A language's name after its preposition set off from the question by a comma (a colon, a dash, brackets) at its end or
its start: "What is the capital of Spain, in Spanish?", "¿Cuál es la capital de España, en inglés?", "Was ist die
Hauptstadt von Spanien, auf Spanisch?", "Какая столица Испании, по-испански?", "In French: what is photosynthesis?"
(folded text)."""
_HAN_SET_OFF = re.compile(r"[，,；;：:（(]\s*请?(?:用|以)(?P<name>[\u4e00-\u9fff]+?)[)）]?[？?。.!！]*\s*$")
"""The same in Chinese: "西班牙的首都是什么，用西班牙语？"."""
_ASKS_FOR_WORDS = (
    "say", "translat", "mean", "word", "call", "spell", "pronounc", "sagt", "sage", "heisst", "ubersetz", "bedeut",
    "wort", "dice", "decir", "traduc", "signific", "palabra", "llama", "сказат", "скажи", "перев", "значит", "значен",
    "слово", "называ", "произн", "说", "翻译", "翻譯", "意思", "叫", "念", "读",
)
"""Beginnings of words (folded; Chinese characters as written) of saying, translating, meaning and naming: a question with
one asks for words in the language it names ("How do you say hello, in French?"), which is part of what is asked."""


def set_off_languages(text: str) -> frozenset[str]:
    """The languages named in a phrase set off at a question's end or start (`_SET_OFF`, `_HAN_SET_OFF`), as codes, when
    the question asks for no words of a language (`_ASKS_FOR_WORDS`); empty for an empty `text`. Not a verb of
    answering beside the name, which `_named` reads: "..., in Spanish?" is an instruction by its place alone (lk40:
    "What is the capital of Spain?" / "What is the capital of Spain, in Spanish?" was served at 0.974 by format 30)."""
    folded = fold(text.strip())
    found = set()
    for pattern in _SET_OFF:
        m = pattern.search(folded)
        if m is None:
            continue
        prep, name = m["prep"].strip(" -"), m["name"]
        if name in _WORDS and prep in _PREPOSITIONS[_WORDS[name][0]]:
            found.add(_WORDS[name][1])
        elif prep in _PREPOSITIONS["ru"] and (stem := next((s for s in _RU_STEMS if name.startswith(s)), None)):
            found.add(_RU_STEMS[stem])
    m = _HAN_SET_OFF.search(folded)
    if m is not None and m["name"] in _HAN_NAMES:
        found.add(_HAN_NAMES[m["name"]])
    if not found:
        return frozenset()
    words = re.findall(r"\w+", folded)
    if any(w.startswith(_ASKS_FOR_WORDS) for w in words) or any(c in folded for c in _ASKS_FOR_WORDS if HAN.match(c)):
        return frozenset()
    return frozenset(found)


def answer_languages(toks: list[str], text: str = "") -> frozenset[str]:
    """The languages a question's answer-language instructions name other than the one it is written in (codes:
    "fr", "en", ...); with the question's `text`, a language's name set off at its end or start too
    (`set_off_languages`: "..., in Spanish?")."""
    named = [found for k in range(1, len(toks)) if toks[k - 1] in _ANY_PREPOSITION and (found := _named(toks, k))]
    if text:
        named += [("", code) for code in sorted(set_off_languages(text))]
    joined = _han_text(toks)
    for name, code in _HAN_NAMES.items() if joined else ():
        at = joined.find(name)
        while at >= 0:
            if _han_instruction(joined[at + len(name) :]):
                named.append(("zh", code))
            at = joined.find(name, at + 1)
    if not named:
        return frozenset()
    own = _question_language(toks, next((lang for lang, _ in named if lang), ""))
    return frozenset(code for _, code in named if code != own)


def mentioned(toks: list[str]) -> frozenset[str]:
    """Every language a question names anywhere, in an instruction or not ("in German", "Текст песни на японском",
    "繁体字", "#zh-hant")."""
    out = {_WORDS[t][1] for t in toks if t in _WORDS}
    out.update(code for t in toks for stem, code in _RU_STEMS.items() if t.startswith(stem))
    joined = _han_text(toks)
    out.update(code for name, code in _HAN_NAMES.items() if name in joined)
    if "hant" in toks:
        out.add("zh-hant")
    return frozenset(out)


def written_in(toks: list[str]) -> frozenset[str]:
    """The languages a question may be written in: Chinese by Han characters, Russian by Cyrillic, else every
    Latin-script language with most common words (`_COMMON`; two on a tie, none without a common word)."""
    if any(HAN.match(t) for t in toks):
        return frozenset({"zh"})
    if any(_CYRILLIC.match(t) for t in toks):
        return frozenset({"ru"})
    counts = {lang: sum(t in words for t in toks) for lang, words in _COMMON.items()}
    best = max(counts.values())
    return frozenset(lang for lang, n in counts.items() if n == best and n)


def answer_language_change(a: list[str], b: list[str], text_a: str = "", text_b: str = "") -> bool:
    """True when an answer-language instruction of one question names a language the other does not name at all:
    "What is photosynthesis? Answer in French." / "What is photosynthesis?", "... Answer in English." / "... Answer in
    French.", "Was ist Photosynthese? Bitte auf Englisch antworten." / "Was ist Photosynthese?". Not when the other
    names it otherwise ("请你使用繁体中文" / "请用繁体中文回答", "Dame la respuesta en inglés y en español." / "En inglés y
    en español.": oasst1 train rewordings) or is written in it (`written_in`, rule format 28, tester brk27's finding 3:
    "Was ist Photosynthese?" / "What is photosynthesis? Answer in German.", "What is photosynthesis?" / "¿Qué es la
    fotosíntesis? Responde en inglés.", "Explique la photosynthèse" / "Explain photosynthesis in French": the cached
    answer is in the asked language, served at 0.99-1.000 by format 26)."""
    la, lb = answer_languages(a, text_a), answer_languages(b, text_b)
    if not (la or lb):
        return False
    return bool(la - mentioned(b) - written_in(b) or lb - mentioned(a) - written_in(a))
