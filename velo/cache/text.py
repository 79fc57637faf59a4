"""Language-aware text normalization for cache keys and hit-decision features.

Tokens are lowercased, accent-folded words and runs of operator symbols; Han and kana characters are one
token each, since Chinese and Japanese do not separate words with spaces.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Operator symbols are tokens too: "what does * do in Python" and "... ** ..." ask different things, as do
# C++ and C#. Punctuation, hyphens and slashes are not (they vary freely between rewordings).
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|[*+=<>%^&|~#@$]+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")

# Words that negate a question, per language ("n't" is split off by the tokenizer into "t").
_NEGATIONS = frozenset(
    {
        "not", "no", "never", "without", "nor", "t", "cannot", "dont", "doesnt", "isnt", "arent", "cant",
        "nunca", "sin", "tampoco", "ni",  # es ("no" above)
        "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne",  # de
        "не", "нет", "ни", "никогда", "без", "нельзя",  # ru
        "不", "没", "別", "别", "无", "無", "非", "勿", "未",  # zh: single characters, as tokenized
    }
)


def fold(text: str) -> str:
    """Lowercase, NFKC, and strip accents (so a missing accent or ё/е is not a difference)."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


def numbers(text: str) -> frozenset[str]:
    return frozenset(n.replace(",", ".") for n in _NUMBER.findall(unicodedata.normalize("NFKC", text)))


def is_negated(toks: Iterable[str]) -> bool:
    return any(t in _NEGATIONS for t in toks)


def context_key(user_turns: Iterable[str]) -> str:
    """Digest of a conversation's earlier user turns ("" for a first turn).

    Only user turns count: the assistant's earlier replies may differ by which tier answered, yet the
    follow-up means the same thing.
    """
    parts = [" ".join(tokens(t)) for t in user_turns]
    if not parts:
        return ""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


# Function words: dropping them leaves the words that carry a question's meaning ("content words").
_FUNCTION_WORDS = """
a an the is are was were be been being am do does did doing have has had what whats which who whom whose when where
why how can could would should will shall may might must i me my you your yours we our us he him his she her it its they
them their this that these those there here of in on at to for from by with about as into onto over under than then so if
or and but s t re ll ve d m please tell explain give show let lets know want need like just really some any much many more
most very also get got make one thing things way kind sort well ok okay hey hi hello thanks thank pls mean means
el la los las un una unos unas es son fue era ser estar esta este esto estos estas ese esa eso hay de del al en a por para
con que como cual cuales quien quienes donde cuando cuanto cuantos cuanta cuantas porque y o u e mi mis tu tus su sus yo
me te se le les lo nos puedes puede podrias podria dime decir explica explicame favor hola algo muy mas sobre entre tiene
tienen hacer hace
der die das den dem des ein eine einen einem einer eines ist sind war waren sein bin bist hat haben hatte wird werden was
wie wer wen wem wessen wo wann warum weshalb welche welcher welches welchen wieviel wieviele viele und oder aber im ins an
am auf aus bei mit nach von vom zu zum zur fur uber unter um durch ich du er sie es wir ihr mir dir mich dich uns euch man
mein dein kannst kann konntest konnen bitte erklare erklar sag sage mal gibt denn doch noch schon auch sehr etwas
и в во на с со к ко по о об от до из за для у а но или что чем как какои какая какое какие каков кто где когда почему
зачем сколько ли же бы это этот эта эти тот та те то мне меня мои моя ты тебя твои вы вас ваш он она оно они его ее их мы
нас наш есть был была было были быть можно может могу можешь можете расскажи скажи объясни подскажи пожалуиста такое
такои очень
"""
_FUNCTION_CHARS = "的了是吗呢吧啊呀在有和与及或我你您他她它们这那个么什怎如何请一下能会可以要想给把被对就都也还很最从到为哪谁几嘛样告诉说讲解释里儿"
FUNCTION_WORDS = frozenset(fold(w) for w in _FUNCTION_WORDS.split()) | frozenset(_FUNCTION_CHARS)


def content_words(toks: Iterable[str]) -> list[str]:
    """Tokens that are not function words, cut to six characters (a crude stemmer for inflected languages)."""
    return [t[:6] for t in toks if t not in FUNCTION_WORDS]
