"""Set phrases of a conversation worded otherwise make the same words (rc41, after rule format 32).

The "same words" step of the hit rule serves outright two questions that are the same words after folding what writers
vary freely (`velo.cache.features._Pair`, `velo.cache.free_words`). The team's sets hold short turns that say one thing
in words that share nothing, so the model refused them ("在吗" / "你还在吗" 0.52, "对" / "嗯" 0.000, "1+1=?" / "1+1是多少"
0.109). `fold` writes each as one phrase of its language:

| kind | examples (folded to the first, per language) | kept apart |
|---|---|---|
| an arithmetic question, the whole text | "1+1=?", "1+1是多少", "1+1等于几", "1加1的结果是几", "请帮我算一下，1+2的结果是多少？", "What is 2 plus 2?", "123 x 3567" / "123*3567", "(-1)*(-1)*(-1)=?" / "-1 × -1 × -1 等于多少？", "-(2+3)=?" / "¿Cuánto es -(2+3)?", "１＋１＝？" (folded to the bare expression as `velo.cache.arithmetic` writes it, "1+1", "-1*-1*-1", "-(2+3)") | another number, operator, sign or bracket ("1+2", "1×2", "(2+3)", "2*3+4" / "2*(3+4)": `numbers.computation_change` refuses what these tokens still hide, "-1--1" / "-1-1"), an expression asked about ("1+1为什么等于2", "1+1在二进制里等于几"), an equation ("1+1=2?") |
| agreement, the whole text | "yes", "yeah", "correct", "that's right"; "sí", "correcto", "así es"; "ja", "genau", "richtig", "stimmt", "jep"; "да", "верно", "точно", "ага", "угу"; 是的, 是, 对, 对的, 没错, 正确, 嗯, 你说的是对的 | acceptance ("ok"), refusal ("no", 不对, 不是) |
| acceptance, the whole text | "ok", "okay", "alright", "fine", "sure", "got it"; "vale", "de acuerdo", "está bien"; "in ordnung", "alles klar"; "хорошо", "ладно", "понятно"; 好的, 好, 好吧, 行, 行吧, 可以, 嗯好, 知道了, 明白了, 好的我知道了 | agreement, refusal |
| refusal, the whole text | "no", "nope"; "nein", "nö", "nee"; "нет", "неа", "не-а"; 不, 不是, 不对, 不正确 | agreement, acceptance |
| "are you there", the whole text | "are you there", "you there", "are you still there"; "estás ahí", "sigues ahí"; "bist du da", "bist du noch da"; "ты здесь", "ты тут", "ты ещё здесь"; 在吗, 在？, 你在吗, 你还在吗, 请问你现在在线吗, 喂，你现在还在线吗 | "where are you" (你在哪里), someone else (他在吗), "how are you" (你还好吗) |
| "continue", the whole text | "continue", "go on", "keep going", "carry on"; "continúa", "sigue"; "weiter", "mach weiter"; "продолжай", "дальше"; 继续, 继续吧, 接着来 | another instruction ("stop", "再写一首") |
| continuing to write, in Chinese, anywhere | 接着写, 接着往下写, 往下写, 继续写下去, 继续写, 接着来 / 继续 ("请接着写这个故事" / "继续这个故事") | 接着说 (talk on), 再写 (write another) |

Each phrase keeps its language (an answer to "да" is Russian), except the bare arithmetic expression, which has none:
the cache looks up entries of the request's language. Like `free_words`, the features read the folded texts only where
that makes the two questions the same words; the vetoes read the texts as written.

A phrase said is not the phrase asked: the tokens drop a question mark, so "Yes" / "Yes?" were the same words and
served at 1.000 (after format 32, a newcomer's finding M2), and "继续" / "继续吗？" at 0.955; nor is "are you there" a
question of place ("¿Estás ahí?" / "¿Dónde estás?" 0.971, "在吗" / "在哪" 0.978: M1). Nor is any turn of one or two
words said the same turn asked, whatever its words (`_short_turn`; after format 33, a newcomer's finding: "Right" /
"Right?", "Правда" / "Правда?", "对不起" / "对不起？" 1.000). `another_turn` reads these kinds, and `velo.cache.features`
folds it into the `role_swap` veto.
"""

from __future__ import annotations

import re

from velo.cache import arithmetic, numbers, question_words
from velo.cache.text import fold as text_fold
from velo.cache.text import tokens, words_key

_ASK_BEFORE = re.compile(
    r"^(?:请问|请帮我算一下|帮我算一下|算一下|请计算|计算|"
    r"what(?:'s| is)|how much is|calculate|compute|cu[aá]nto (?:es|son)|calcula|was ist|wie ?viel ist|berechne|"
    r"сколько будет|чему равно|посчитай)?$",
    re.IGNORECASE,
)
_ASK_AFTER = re.compile(r"^(?:=|等于几|等于多少|等于|是多少|是几|的结果是多少|的结果是几|的结果|equals|is)?$", re.IGNORECASE)


def _arithmetic(text: str) -> str | None:
    """The expression of a text that only asks an arithmetic question ("1+1=?", "1+1是多少", "What is 2 plus 2?",
    "-(2+3)等于多少？"), as `velo.cache.arithmetic` writes it: operators + - * / ^, brackets where they change the
    expression, no spaces ("1+1", "2+2", "123*3567", "-1*-1*-1", "-(2+3)"); else None. The text is read as numbers read
    it (`numbers.arithmetic_text`: "１＋１＝？" is "1+1=?"). An equation ("1+1=2?") asks whether it holds: None."""
    core = re.sub(r"[\s?!。.,:¿¡]+$", "", numbers.arithmetic_text(text).strip())
    core = re.sub(r"^[\s¿¡]+", "", core)
    expression = next((e for e in arithmetic.read(core) if e.computes), None)
    if expression is None or "=" in expression.written:
        return None
    before = re.sub(r"[\s,:]+$", "", core[: expression.start])
    after = re.sub(r"\s+", "", core[expression.end :])
    if not _ASK_BEFORE.match(before.strip()) or not _ASK_AFTER.match(after):
        return None
    return expression.written


def _table(rows: dict[str, str]) -> dict[str, str]:
    """Phrase -> the phrase it is folded to, both as `_key` writes them."""
    return {_key(p): _key(canonical) for canonical, phrases in rows.items() for p in phrases.split("|")}


def _key(text: str) -> str:
    """A whole text as the tables read it: case folded, punctuation and spaces between words as one space, none at
    either end nor between Han characters (`words_key`)."""
    return words_key(text.casefold())


_WHOLE = _table({
    # agreement
    "yes": "yes|yeah|yep|yup|correct|that's right|that is right|exactly|yes indeed",
    "sí": "sí|si|correcto|exacto|así es|eso es|claro que sí",
    "ja": "ja|genau|richtig|stimmt|jawohl|ja genau|das stimmt|jep|jup",
    "да": "да|верно|точно|правильно|ага|угу|да верно|всё верно|все верно",
    "是的": "是的|是|是啊|是呀|对|对的|对啊|对呀|没错|正确|正确的|嗯|嗯嗯|确实|你说的是对的|你说得对|是啊确实是这样",
    # acceptance (and understanding)
    "ok": "ok|okay|alright|all right|fine|sure|got it|ok got it|i see|understood|ok thanks",
    "vale": "vale|de acuerdo|está bien|esta bien|bueno|entendido|entiendo|perfecto",
    "in ordnung": "in ordnung|alles klar|gut|verstanden|verstehe|na gut",
    "хорошо": "хорошо|ладно|ок|окей|понятно|ясно|понял|поняла",
    "好的": "好的|好|好吧|行|行吧|可以|嗯好|嗯 好|好嘞|知道了|我知道了|明白了|我明白了|懂了|好的我知道了|好的我明白了|好的我明白你的意思了",
    # refusal
    "no": "no|nope|nah|no thanks",
    "nein": "nein|nein danke|nö|nee|nö danke",
    "нет": "нет|нет спасибо|неа|не-а",
    "不是": "不是|不|不对|不正确|不是的|错了|不对的",
})
"""Whole statements of one set phrase (`_key`) -> the phrase each is folded to; see the module's table. Not a text ending
in a question mark: "Yes?", "好的？", "继续？" ask something (against the statement, a veto: `another_turn`)."""

_WHOLE_QUESTIONS = _table({
    "are you there": "are you there|you there|are you still there|still there|anyone there|is anyone there|are you online",
    "estás ahí": "estás ahí|estas ahi|sigues ahí|sigues ahi|estás ahí todavía|hay alguien",
    "bist du da": "bist du da|bist du noch da|noch da|ist jemand da",
    "ты здесь": "ты здесь|ты тут|ты ещё здесь|ты еще здесь|ты ещё тут|ты еще тут|ты на связи|ау",
})
"""Whole questions of one set phrase, with or without their question mark ("在？", "Are you there?")."""

_ARE_YOU_THERE = frozenset({*_WHOLE_QUESTIONS.values(), "在吗"})
"""What `fold` writes a whole "are you there" as, in each language."""

_CONTINUE = _table({
    "continue": "continue|go on|keep going|carry on|continue writing|keep writing|go on please",
    "continúa": "continúa|continua|sigue|continuar|sigue escribiendo|continúa escribiendo",
    "weiter": "weiter|mach weiter|weitermachen|fahre fort|fahr fort|schreib weiter|bitte weiter",
    "продолжай": "продолжай|продолжи|продолжайте|дальше|давай дальше|продолжай писать",
    "继续": "继续|继续吧|接着来|你继续|继续继续|接着",
})
_WHOLE.update(_CONTINUE)

_HAN_ARE_YOU_THERE = re.compile(r"^(?:喂|你好|您好)?(?:请问)?(?:你|您)?(?:现在)?还?(?:在|在线)(吗|么|嘛|不在|没)?$")
"""Chinese "are you there", the whole text as `_key` writes it: 在吗, 在, 你还在吗, 请问你现在在线吗, 喂你现在还在线吗."""
_HAN_CONTINUE_WRITING = re.compile("接着往下写|继续写下去|继续往下写|接着写下去|接着写|往下写|继续写|接着来")
"""Chinese verb phrases of writing on, read anywhere as 继续: in a chat each asks to go on with what was being written
("请接着写这个故事" / "继续这个故事", "继续写下去。" / "继续。")."""


def fold(text: str) -> str:
    """`text` with a set phrase of the module's table written one way: a whole text of one kind as its language's
    phrase ("你还在吗？" -> "在吗", "Yeah!" -> "yes", "1+1是多少" -> "1+1"), and Chinese writing on as 继续 anywhere
    ("请接着写这个故事" -> "请继续这个故事"); else `text` as it is. Any str."""
    expression = _arithmetic(text)
    if expression is not None:
        return expression
    key = _key(text)
    if key in _WHOLE_QUESTIONS:
        return _WHOLE_QUESTIONS[key]
    if key in _WHOLE and not _ends_asking(text):
        return _WHOLE[key]
    there = _HAN_ARE_YOU_THERE.match(key.replace(" ", ""))
    if there and (there[1] or _ends_asking(text)):
        return "在吗"  # a bare "在" without a question mark answers "here", it asks nothing
    return _HAN_CONTINUE_WRITING.sub("继续", text)


_QUESTION_PARTICLE = re.compile(r"(?<=[\u2e80-\u9fff])(?:吗|么|嘛|呢)$")
"""A Chinese particle that makes a statement a question ("继续吗", "对吗", "好的吗")."""
_WHERE = re.compile(r"\b(?:where|donde|wo|wohin|woher|где|куда|откуда)\b|哪")
"""Question words of place, folded ("¿Dónde estás?", "Wo bist du?", "Где ты?", "在哪", "你在哪里")."""


def _asked(text: str) -> str | None:
    """The set phrase of `_WHOLE` a whole text asks back ("Yes?" -> "yes", "¿Sí?" -> "sí", "继续吗？" -> "继续", "对吗" ->
    "是的"), else None."""
    key = _key(text)
    core = _QUESTION_PARTICLE.sub("", key)
    if core == key and not _ends_asking(text):
        return None
    return _WHOLE.get(core)


def _said(text: str) -> str | None:
    """The set phrase of `_WHOLE` a whole text says, not asking it ("Yes." -> "yes", "继续" -> "继续"), else None."""
    return None if _ends_asking(text) else _WHOLE.get(_key(text))


_CLOSING = re.compile(r"[\W_]*$")


def _ends_asking(text: str) -> bool:
    """Whether the punctuation that closes `text` holds a question mark: "Yes?", "Yes?!", "Yes!?", "Yes? ", "对？！" (nc42
    finding H3: "Yes" / "Yes?!" was served at 1.000, only a last "?" having been read as asking)."""
    return any(mark in _CLOSING.search(text).group() for mark in "?？")


_SHORT_WORDS = 2
"""The most words (Han: runs of at most `_SHORT_HAN` characters) a turn said or asked back may hold (`_short_turn`)."""
_SHORT_HAN = 4


def _short_turn(text: str) -> tuple[str, bool] | None:
    """A short turn of a conversation, any word: (its words as `_key` writes them without a Chinese question particle,
    whether it asks), for a text of one or two words ("Right", "Really?", "¿Claro?", "Wirklich?", "Правда?", "对不起？",
    "真的吗", "Okay then?") with no question word ("Why?", "Wie bitte?", "怎么了" ask the same said or asked), no digit
    (an arithmetic question asks with or without its "?": "1+1" / "1+1=?") and no name (`_NAMED`); else None. Said and
    asked, the same words are two turns: "Right" agrees, "Right?" asks for agreement (after format 33, a newcomer's
    finding: "Right" / "Right?", "Sorry" / "Sorry?", "Правда" / "Правда?", "对不起" / "对不起？" served at 1.000, their
    words on no list of `_WHOLE`). Three words or more are a request, the same with or without its "?" ("Tell me a joke"
    / "Tell me a joke?", "Capital of France" / "Capital of France?")."""
    key = _key(text)
    core = _QUESTION_PARTICLE.sub("", key)
    words = core.split()
    if not words or len(words) > _SHORT_WORDS or re.search(r"\d", core):
        return None
    if any(len(w) > _SHORT_HAN and re.match(r"[\u2e80-\u9fff]", w) for w in words):
        return None
    if question_words.question_words(tokens(core)) or _NAMED.search(text):
        return None
    return core, core != key or _ends_asking(text)


_NAMED = re.compile(r"[^\W\d_][A-Z]")
"""A word with a capital inside it: an acronym or a product's name ("WLAN", "GPU", "iPhone", "ChatGPT"). Alone, it names
a topic whether asked or said: "WLAN？" / "WLAN" (with "请问WLAN" and "说说WLAN") are one oasst1 first turn's rewordings,
the only right pair of the replay the rule flagged."""


def _are_you_there(text: str) -> bool:
    """Whether a whole text asks "are you there" (`fold` writes it as its language's phrase)."""
    return fold(text) in _ARE_YOU_THERE


def another_turn(request: str, cached: str) -> bool:
    """True when two short turns of a conversation ask for other answers though their words are (nearly) the same
    (after format 32, a newcomer's findings M1 and M2): a set phrase said on one side and a set phrase asked on the
    other ("Yes" / "Yes?" 1.000, "Sí" / "¿Sí?", "继续" / "继续吗？" 0.955, "对" / "对吗？" 0.949, "Continue" / "Continue?":
    the tokens drop the question mark, so the first were the same words), and "are you there" against a question of
    place ("¿Estás ahí?" / "¿Dónde estás?" 0.971, "在吗" / "在哪" 0.978, "Ты здесь?" / "Где ты?"). Texts of at most
    `MAX_LENGTH` characters; False for longer ones. Folded into the `role_swap` veto by `velo.cache.features`."""
    if not could_fold(request, cached):
        return False
    turn_a, turn_b = _short_turn(request), _short_turn(cached)
    if turn_a and turn_b and turn_a[0] == turn_b[0] and turn_a[1] != turn_b[1]:
        return True
    for a, b in ((request, cached), (cached, request)):
        if _said(a) is not None and _asked(b) is not None:
            return True
        if _are_you_there(a) and _WHERE.search(text_fold(b)):
            return True
    return False


MAX_LENGTH = 40
"""Longer texts hold none of the module's phrases as a whole, and `features._Pair` reads no set phrase in them: a
second reading of the texts costs about 2 ms (`free_words.could_fold`'s measure)."""


def could_fold(request: str, cached: str) -> bool:
    """Whether `fold` may make the two texts the same words: both at most `MAX_LENGTH` characters."""
    return len(request) <= MAX_LENGTH and len(cached) <= MAX_LENGTH
