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
"несколько", "немного", 一点, 几颗), or a time that narrows it (`_time`: a year, a decade or a date, "in 2014", "in the
90s", "on November 5, 2024", "en 2014", "los años 90", "2014 gewonnen", "в 2014 году", "в 90-х", 2014年, 90年代, or a
time named from now other than now, "last year", "tomorrow", 去年; nc44: "Who won the World Cup?" / "I want to know who
won the World Cup in 2014." 0.977, served, the frame raising the model's score of the bare pair's 0.746).

`restriction_added` reads a group or a condition one side restricts its question to where the other names none, among
any other rewording (nc44: "Is ibuprofen safe?" / "Can children take ibuprofen safely?" 0.955, "Is ibuprofen safe for
children?" 0.960): a group after a preposition of it or as the subject after an opening modal ("for children", "to
dogs", "para niños", "für Kinder", "для детей", 对儿童, "Can children ...", "¿Pueden los niños ...", "Dürfen Kinder
...", a Russian dative, "Можно ли детям ...") and a condition wherever it stands ("while pregnant", "during pregnancy",
"with diabetes", "on an empty stomach", "durante el embarazo", "in der Schwangerschaft", "во время беременности",
"натощак", 怀孕期间, 空腹). Both are read in the `role_swap` veto by `velo.cache.features`, in the bare question too where
a text is framed (`velo.cache.frames`).

Not read: a qualifier reworded with the rest (the model weighs the added words: `added_words_similarity`), "some" /
"algunos" / "einige" / 一些 (writers add and drop them freely: "Give me some examples" / "Give me examples"), a count
(`velo.cache.counts` reads "one grape" / "grapes"), "without ..." (`velo.cache.negation` reads it), a Russian
addressee (its dative has no word of its own before it); a time of now ("today", "this year": the question without it
asks of now too), a month alone ("may" is also a modal); a group or a condition on both sides in other words ("for kids"
/ "for children", "without eating" / "on an empty stomach"), or different on the two sides ("for dogs" / "for cats":
the model weighs the words replaced), a group named where it restricts nothing ("How do children learn languages?"),
and a side under a third of the other's tokens (a follow-up asked in short: "为什么呢？" against a full question about
children, a labelled right pair).
"""

from __future__ import annotations

import re

from velo.cache.text import shared_ends
from velo.cache.time_deixis import times

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


_TIME_FILLERS = frozenset(
    """in on of during since by the en el la los las de del durante desde im am den der dem die des seit wahrend jahr
    jahre jahren jahrzehnt year years decade ano anos decada в во на с к году год года годах годы годов г""".split()
)
"""Words around a date (folded): its prepositions and articles, and the words for a year or decade ("in the year 2014",
"en el año 2014", "im Jahr 2014", "в 2014 году", "los años 90")."""
_MONTHS = frozenset(
    """january february march april may june july august september october november december enero febrero marzo abril
    mayo junio julio agosto septiembre setiembre octubre noviembre diciembre januar februar marz mai juni juli oktober
    dezember январь января февраль февраля март марта апрель апреля май мая июнь июня июль июля август августа сентябрь
    сентября октябрь октября ноябрь ноября декабрь декабря""".split()
)
_YEAR = re.compile(r"1\d{3}|20\d{2}")
_DECADE = re.compile(r"(?:1\d|20)?\d0(?:s|er|ern|erjahre|erjahren)")
"""A decade with its ending: "90s", "1990s", "90er", "90ern"."""
_TENS = re.compile(r"(?:1\d|20)?\d0")
"""A decade written bare ("90", "1990"): read so only before "-х" / "-е" or beside a word for years ("los años 90")."""
_YEARS = frozenset("years anos jahre годы годов".split())
_MONTH_AFTER = frozenset("in en im в".split())
_DATE_MARKS = frozenset("- х е x e".split())
_DAY = re.compile(r"(?:[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?")
_HAN_DATE = re.compile(r"[在于]?(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号])?)?|\d{1,2}月\d{1,2}[日号]|(?:\d{2}|\d{4})年代)的?")


def _time(put_in: list[str]) -> bool:
    """Whether a stretch is a time that narrows a question (module docstring): a year, a decade or a date with its
    prepositions ("in 2014", "2014", "в 2014 году", "2014年", "in the 90s", "los años 90", "on November 5, 2024"), or a
    time named from now other than now (`velo.cache.time_deixis.times`: "last year", "el año pasado", "letztes Jahr",
    "в прошлом году", 去年, "tomorrow"; "today" / "this year" ask of now, as the question without them does)."""
    if len(put_in) > 7:
        return False
    if len(put_in) <= 4 and any(offset for _, offset in times(put_in)):
        return True
    if _HAN_DATE.fullmatch("".join(put_in)):
        return True
    dated = month = day = False
    for i, t in enumerate(put_in):
        if _YEAR.fullmatch(t) or _DECADE.fullmatch(t):
            dated = True
        elif _TENS.fullmatch(t) and (put_in[i + 1 : i + 2] == ["-"] or not _YEARS.isdisjoint(put_in)):
            dated = True
        elif t in _MONTHS:
            # a month counts after "in" or with its day ("may" alone is also a modal, "march" a verb)
            month = month or (i > 0 and put_in[i - 1] in _MONTH_AFTER)
        elif _DAY.fullmatch(t):
            day = True
        elif t not in _TIME_FILLERS and t not in _DATE_MARKS:
            return False
    return dated or month or (day and any(t in _MONTHS for t in put_in))


def _han(toks: list[str]) -> bool:
    return bool(toks) and all(len(t) == 1 and "\u4e00" <= t <= "\u9fff" for t in toks)


def _kind(put_in: list[str], shorter: list[str], at: int) -> str | None:
    """What a stretch `put_in`, put into `shorter` at `at`, is: "condition", "audience", "amount", "time" or None."""
    if len(put_in) > 12:
        return None
    if _time(put_in):
        return "time"
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
    """The kind of qualifier ("condition", "audience", "amount", "time") one token list (`text.tokens`) puts into the
    other where nothing else differs (module docstring): "How do I cook rice if I have no rice cooker?" / "How do I cook
    rice?", "Explain quantum entanglement to a physicist." / "Explain quantum entanglement.", "Can dogs eat a few
    grapes?" / "Can dogs eat grapes?", "Who won the World Cup in 2014?" / "Who won the World Cup?"; None otherwise."""
    if tq == tc:
        return None
    start, end = shared_ends(tq, tc)
    dq, dc = tq[start : len(tq) - end], tc[start : len(tc) - end]
    if dq and dc:
        return None
    longer, shorter = (tq, tc) if dq else (tc, tq)
    return _kind(longer[start : len(longer) - end], shorter, start)


_CONDITIONS = {
    "pregnancy": """pregnant pregnancy embarazada embarazadas embarazo schwanger schwangere schwangeren schwangerschaft
        беременна беременная беременной беременным беременных беременность беременности""",
    "breastfeeding": """breastfeeding breastfeed lactancia amamantando lactando stillzeit stillen stillende stillenden
        кормящим кормящей кормящая лактации""",
    "diabetes": """diabetes diabetic diabetics diabetico diabeticos diabetiker диабет диабете диабетом диабетикам
        диабетиков""",
    "empty stomach": "ayunas nuchtern nuchternen натощак",
}
"""Conditions that restrict when a question holds (folded words), read wherever they stand: "while pregnant", "during
pregnancy", "durante el embarazo", "in der Schwangerschaft", "во время беременности", "with diabetes", "en ayunas",
"натощак" (in several words: `_CONDITION_PHRASES`)."""
_GROUPS = {
    "child": """child children kid kids toddler toddlers teen teens teenager teenagers nino ninos nina ninas
        kinder kindern kleinkind kleinkinder kleinkindern jugendliche jugendlichen ребенок ребенка ребенку детеи дети
        детям детях подростков подросткам""",
    "baby": """baby babies infant infants newborn newborns bebe bebes babys saugling sauglinge sauglingen младенец
        младенцев младенцам младенцу грудничку грудничков новорожденным новорожденных""",
    "dog": "dog dogs puppy puppies perro perros perrito perritos hund hunde hunden собака собаки собак собакам собаке",
    "cat": "cat cats kitten kittens gato gatos katze katzen кошка кошки кошек кошкам кошке кот кота котам",
    "elderly": "elderly seniors ancianos senioren пожилых пожилым",
}
"""Groups a question can be restricted to (folded words): read where a preposition of the group stands before them
(`_FOR`: "for children", "para niños", "für Kinder", "для детей", "in children"), where a modal opens the question
they are the subject of (`_MODALS`: "Can children take ...", "¿Pueden los perros ...", "Dürfen Hunde ..."), or in
the Russian dative, which needs no preposition ("Можно ли детям ...")."""
_NAMED = frozenset(
    "son sons daughter daughters hijo hijos hija hijas sohn sohne tochter сын сына сыну дочь дочери infantil"
    " infantiles pediatric pediatrico pediatrica".split()
)
_NAMED_STEMS = ("kinder", "детск", "baby", "hunde", "katzen", "собач", "кошач")
"""Words that name a group without restricting a question by themselves, but carry the restriction in other words
("How do I teach math to a child?" / "How can I teach my son math?", "Cuentos para niños" / "Cuentos infantiles",
"Kinderlieder", "детские песни": labelled right pairs and their kind), so that the other side's is no restriction
added."""
_CONDITION_OF = {w: kind for kind, words in _CONDITIONS.items() for w in words.split()}
_GROUP_OF = {w: kind for kind, words in _GROUPS.items() for w in words.split()}
_CONDITION_PHRASES = {
    ("empty", "stomach"): "empty stomach", ("without", "eating"): "empty stomach", ("without", "food"): "empty stomach",
    ("sin", "comer"): "empty stomach", ("ohne", "essen"): "empty stomach", ("ohne", "zu", "essen"): "empty stomach",
    ("без", "еды"): "empty stomach", ("не", "поев"): "empty stomach",
}
"""Conditions in several words, read where they stand ("Can I take ibuprofen without eating anything first?" / "... on
an empty stomach?" is one question: a labelled right pair)."""
_FOR = frozenset("for to in para en fur bei для у".split())
_BETWEEN = frozenset(
    "a an the my our your young small little los las mi mis sus pequenos die den meine meinen kleine kleinen unsere"
    " маленьких маленьким моего моему моих".split()
)
"""Words that may stand between `_FOR` or a modal and the group ("for young children", "para los niños")."""
_MODALS = frozenset(
    "can could may should must pueden puede deben debe durfen darf konnen kann sollten sollen могут может"
    " должны".split()
)
_RU_DATIVE = frozenset(
    "детям ребенку младенцам младенцу собакам собаке кошкам кошке пожилым беременным кормящим диабетикам".split()
)
_HAN_CONDITIONS = {"pregnancy": ("怀孕", "孕妇", "孕期", "妊娠"), "breastfeeding": ("哺乳",), "diabetes": ("糖尿病",),
                   "empty stomach": ("空腹", "空肚子", "不吃东西", "没吃饭")}
_HAN_GROUPS = {
    "child": ("儿童", "孩子", "小孩", "小朋友", "幼童", "学童", "幼儿", "小学生", "未成年", "青少年", "儿子", "女儿"),
    "baby": ("婴儿", "宝宝", "新生儿"), "dog": ("狗",), "cat": ("猫",), "elderly": ("老人", "老年人"),
}
"""Chinese groups: a restriction at the start of the question or after 对 / 给 / 让 ("布洛芬对儿童安全吗", "儿童可以吃
布洛芬吗"), named anywhere."""
_HAN_BEFORE_GROUP = ("对", "给", "让")


def _restrictions(toks: list[str]) -> tuple[frozenset[str], bool]:
    """(the restrictions a token list reads as narrowing its question, whether it names any group or condition at all,
    wherever it stands)."""
    found: set[str] = set()
    named = False
    han = "".join(t for t in toks if len(t) == 1 and "\u4e00" <= t <= "\u9fff")
    for kind, words in _HAN_CONDITIONS.items():
        if any(w in han for w in words):
            found.add(kind)
    for kind, words in _HAN_GROUPS.items():
        for w in words:
            at = han.find(w)
            if at >= 0 and not (w == "狗" and han[at - 1 : at] == "热"):  # 热狗, a hot dog
                named = True
                if at == 0 or han[at - 1] in _HAN_BEFORE_GROUP:
                    found.add(kind)
    opened = bool(toks) and toks[0] in _MODALS
    named = named or any(t in _NAMED or t.startswith(_NAMED_STEMS) for t in toks)
    for i, t in enumerate(toks):
        if t in _CONDITION_OF:
            found.add(_CONDITION_OF[t])
        elif (kind := next((k for words, k in _CONDITION_PHRASES.items() if tuple(toks[i : i + len(words)]) == words),
                           None)):
            found.add(kind)
        elif t in _GROUP_OF:
            named = True
            j = i - 1
            while j >= 0 and toks[j] in _BETWEEN:
                j -= 1
            if (j >= 0 and toks[j] in _FOR) or (opened and j == 0) or t in _RU_DATIVE:
                found.add(_GROUP_OF[t])
    return frozenset(found), named or bool(found)


def restriction_added(tq: list[str], tc: list[str]) -> str | None:
    """The restriction (module docstring: a group, "child", "baby", "dog", "cat", "elderly", or a condition,
    "pregnancy", "breastfeeding", "diabetes", "empty stomach") one token list (`text.tokens`) puts on its question where
    the other names no group or condition at all, whatever else is reworded: "Is ibuprofen safe for children?" / "Is
    ibuprofen safe?", "Can children take ibuprofen safely?" / "Is ibuprofen safe?", "Can I drink coffee when I'm
    pregnant?" / "Can I drink coffee?"; None where neither or both carry one ("for kids" / "for children", "Can children
    take ibuprofen safely?" / "Is ibuprofen safe for children?"), and where the other holds under a third of its tokens
    (a follow-up asked in short: "为什么呢？" / "你为什么认为不应该让孩子接触死亡这个话题呢？", a labelled right pair)."""
    (rq, named_q), (rc, named_c) = _restrictions(tq), _restrictions(tc)
    if rq and not named_c and 3 * len(tc) >= len(tq):
        return min(rq)
    if rc and not named_q and 3 * len(tq) >= len(tc):
        return min(rc)
    return None
