"""A qualifier put into a question that narrows what it asks (a newcomer's finding, nc43, with the shipped rule): a
condition ("How do I cook rice?" / "How do I cook rice if I have no rice cooker?" 0.984), an audience ("Explain quantum
entanglement." / "Explain quantum entanglement to a physicist." 0.993), an amount ("Can dogs eat grapes?" / "Can dogs eat
a few grapes?" 0.988). The answer to the wider question does not answer the narrower one: how to cook rice in a rice
cooker, an explanation for anyone, whether grapes are toxic at all.

`qualifier_added` reads the kind where the qualifier is all that differs: one token list is the other with one stretch
put in (`text.shared_ends`), and that stretch is a condition clause of two words or more opening with "if", "unless",
"si", "wenn", "falls", "если", 如果, 要是, 假如 (`_IF`), an addressee after a verb of telling in the question ("to a
physicist", "a un físico", "einem Physiker", 给物理学家: `_TELLING`, `_TO`), or an amount before the thing it measures
(`_AMOUNTS`: "a few", "a little", "a lot of", "too much", "unos pocos", "un poco de", "ein paar", "ein bisschen",
"несколько", "немного", 一点, 几颗). Read in the `role_swap` veto by `velo.cache.features`.

Not read: a qualifier reworded with the rest (the model weighs the added words: `added_words_similarity`), "some" /
"algunos" / "einige" / 一些 (writers add and drop them freely: "Give me some examples" / "Give me examples"), a count
(`velo.cache.counts` reads "one grape" / "grapes"), "without ..." (`velo.cache.negation` reads it), a Russian
addressee (its dative has no word of its own before it).
"""

from __future__ import annotations

from velo.cache.text import shared_ends

_IF = frozenset("if unless si wenn falls если".split())
_THEN = frozenset("then so entonces dann то тогда".split())
"""A "then" inside the stretch: the question's own words put in with its condition ("А если есть абсолютный ноль, то
чему равна абсолютная единица?" / "А абсолютная единица?", a labelled right pair: a follow-up asked in full and in
short)."""
_HAN_IF = ("如果", "要是", "假如", "假设")
_TELLING = ("explain", "describe", "tell", "teach", "explica", "describ", "ensen", "erklar", "beschreib")
"""Beginnings of the verbs of telling (folded) whose addressee narrows the answer ("Explain X to a physicist"); a
Russian addressee is a dative with no word before it, not read."""
_TO = {
    "to": frozenset("a an my your our the someone somebody".split()),
    "a": frozenset("un una mi mis alguien".split()),
}
"""A preposition of the addressee and what may follow it ("to a physicist", "a un físico"); German puts the addressee
in the dative with no preposition (`_DATIVE`)."""
_DATIVE = frozenset("einem einer meinem meiner jemandem".split())
_HAN_TELLING = ("解释", "讲解", "介绍", "说明", "讲")
_AMOUNTS = frozenset(
    tuple(p.split())
    for p in """a few|a little|a bit of|a lot of|lots of|many|much|too many|too much|a small amount of|a large amount of|
    a couple of|unos pocos|unas pocas|un poco de|mucho|mucha|muchos|muchas|demasiado|demasiados|demasiadas|
    ein paar|ein bisschen|ein wenig|viel|viele|zu viel|zu viele|wenig|wenige|несколько|немного|много|слишком много|
    чуть чуть""".replace("\n", "").split("|")
)
"""Amounts before the thing they measure (folded tokens). A Russian amount puts its noun in the genitive ("есть
виноград" / "есть немного винограда"): another word, not read."""
_HAN_AMOUNTS = frozenset("一点 一点点 几颗 几个 几粒 很多 太多 少量 大量".split())
"""Chinese amounts before the thing they measure (一些 is left out: a free word; 一颗, one, is a count:
`velo.cache.counts`)."""
_THANKS = frozenset("thanks gracias dank danke спасибо merci".split())
"""Thanks measured ("¡Muchas gracias!" / "Gracias!", a labelled right pair): courtesy, not an amount of a thing."""


def _han(toks: list[str]) -> bool:
    return bool(toks) and all(len(t) == 1 and "\u4e00" <= t <= "\u9fff" for t in toks)


def _kind(put_in: list[str], shorter: list[str], at: int) -> str | None:
    """What a stretch `put_in`, put into `shorter` at `at`, is: "condition", "audience", "amount" or None."""
    if len(put_in) > 12:
        return None
    if _han(put_in):
        joined, around = "".join(put_in), "".join(shorter)
        if joined.startswith(_HAN_IF) and len(joined) > 3:
            return "condition"
        if joined.startswith(("给", "对", "向")) and joined[1] != "我" and len(joined) >= 3 and around[at : at + 2] in _HAN_TELLING:
            return "audience"
        if joined in _HAN_AMOUNTS and at < len(shorter) and "".join(shorter[at : at + 2]) not in {"谢谢", "感谢"}:
            return "amount"
        return None
    if put_in[0] in _IF and len(put_in) >= 3 and _THEN.isdisjoint(put_in):
        return "condition"
    telling = any(t.startswith(_TELLING) for t in shorter[:at])
    if telling and len(put_in) <= 4 and (
        (put_in[0] in _TO and len(put_in) >= 2 and put_in[1] in _TO[put_in[0]]) or put_in[0] in _DATIVE
    ):
        return "audience"
    if tuple(put_in) in _AMOUNTS and at < len(shorter) and shorter[at] not in _THANKS:
        return "amount"
    return None


def qualifier_added(tq: list[str], tc: list[str]) -> str | None:
    """The kind of qualifier ("condition", "audience", "amount") one token list (`text.tokens`) puts into the other
    where nothing else differs (module docstring): "How do I cook rice if I have no rice cooker?" / "How do I cook
    rice?", "Explain quantum entanglement to a physicist." / "Explain quantum entanglement.", "Can dogs eat a few
    grapes?" / "Can dogs eat grapes?"; None otherwise."""
    if tq == tc:
        return None
    start, end = shared_ends(tq, tc)
    dq, dc = tq[start : len(tq) - end], tc[start : len(tc) - end]
    if dq and dc:
        return None
    longer, shorter = (tq, tc) if dq else (tc, tq)
    return _kind(longer[start : len(longer) - end], shorter, start)
