"""Words writers add, drop or put in each other's place without changing what is asked (after rule format 30, rc40).

The "same words" step of the hit rule serves outright two questions that are the same words after folding what writers
vary freely (`velo.cache.features._Pair`). Light rewordings of the team's sets differ in no more than one of these:

| kind | examples (folded one way) | why it asks nothing else |
|---|---|---|
| a courtesy word | "please", "pls", "por favor", "bitte", "пожалуйста", "请问" anywhere; "请" opening a sentence | a request with or without it is the same request |
| a Chinese modal particle closing a clause | 呀 啊 吧 啦 嘛 ("你好呀，你叫什么名字呀" / "你好，你叫什么名字") | it sets the tone, not the question (吗 and 呢, which make or keep a question, are not among them) |
| the polite "you" | 您 / 你 | one person addressed either way |
| a colloquial question word | 咋 / 怎么, 啥 / 什么 | the same question word, spoken |
| a greeting opening the text | "hi", "hi there", "hello there", "hey" / "hello"; 嗨, 哈喽, 您好 / 你好; "buenas" / "hola"; "здравствуйте" / "привет" | a greeting, then the same words |
| thanks | "thank you", "thx", "ty" / "thanks"; 多谢, 感谢, 谢了, 谢啦 / 谢谢; "mil gracias", "muchas gracias" / "gracias" | thanks, however worded |
| a request's modal | "Could you" / "Can you"; "How do / could I" / "How can I" (also we, you, one) | the same request or how-to |

`fold` writes a text with each of these one way; the features read it only where that makes the two questions the same
words (`alike`): elsewhere the tokens the model was fitted on are kept, as for the other spellings (rule format 27's
replay: respelling a rewording's words moved its overlap features and cost right hits). Nothing here hides a veto's
reading: the vetoes read the texts as written, and none of these words is a number, a negation, a role word or a
question word of a category (`velo.cache.question_words`: 咋 and 怎么 are both manner, 啥 and 什么 both vague).
"""

from __future__ import annotations

import re
from collections import Counter

from velo.cache.text import tokens

_FLAGS = re.IGNORECASE
_END = r"(?=[\s\W]|$)"
"""A Han particle closes a clause where punctuation, a space or the end follows it (Han characters are word characters:
"酒吧在哪" keeps its 吧)."""
_RULES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(pattern, _FLAGS), replacement)
    for pattern, replacement in (
        # courtesy words, anywhere ("Explain it, please.", "¿Cómo instalo ..., por favor?", "请问...")
        (r"(?<!\w)(?:please|pls|plz|por favor|bitte|пожалуйста)(?!\w)", ""),
        ("请问", ""),
        # "请" opening a sentence ("请续写红楼梦"), not a verb of its own (请求, 请假, 请教)
        (r"(?:^|(?<=[\s\W]))请(?!求|假|教|客|帖|柬|愿|示|战|缨)", ""),
        ("您", "你"),
        ("咋", "怎么"),
        ("啥", "什么"),
        # a greeting opening the text
        (r"^\W*(?:hi there|hello there|hey there|hi|hey|hello)(?!\w)", "hello"),
        (r"^\W*(?:嗨|哈喽|哈囉|您好|你好)", "你好"),
        (r"^\W*(?:buenas|hola)(?!\w)", "hola"),
        (r"^\W*(?:здравствуйте|здравствуй|привет)(?!\w)", "привет"),
        # thanks
        (r"(?<!\w)(?:thank you|thank u|thanks|thx|ty)(?!\w)", "thanks"),
        ("(?:多谢|感谢|谢谢你|谢谢|谢了|谢啦)", "谢谢"),
        (r"(?<!\w)(?:muchas gracias|mil gracias|gracias)(?!\w)", "gracias"),
        # a request's modal
        (r"(?<!\w)could you(?!\w)", "can you"),
        (r"(?<!\w)how (?:do|could) (i|we|you|one)(?!\w)", r"how can \1"),
        # a Chinese modal particle closing a clause (last: "谢啦" is thanks, not "谢")
        (f"[呀啊吧啦嘛]+{_END}", ""),
    )
)


def fold(text: str) -> str:
    """`text` with each free word of the module's table written one way (removed, or as the table's first spelling):
    "请问您叫什么名字呀？" -> "你叫什么名字？", "Could you explain it, please?" -> "can you explain it, ?". Any str."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


FREE_TOKENS = frozenset(tokens(
    "please pls plz por favor bitte пожалуйста 请问 您你 咋怎么 啥什么 hi there hello hey 嗨哈喽囉好 buenas hola здравствуйте"
    " здравствуй привет thank you u thanks thx ty 多谢感了啦 muchas mil gracias could can how do i we one 呀啊吧嘛"
))
"""Every token a word of the table is written with, before or after `fold` (Han characters one by one)."""


def could_fold(a: list[str], b: list[str]) -> bool:
    """Whether two token lists differ only in tokens of `FREE_TOKENS`, counted as a multiset (order aside): else no
    folding of free words can make them the same words, and `features._Pair` spares itself a second reading of the
    texts (about 7 ms on a long pair, on a third of the labelled pairs)."""
    left = (Counter(a) - Counter(b)) + (Counter(b) - Counter(a))
    return all(t in FREE_TOKENS for t in left)
