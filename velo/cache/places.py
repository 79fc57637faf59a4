"""A place against a larger, smaller or qualified place: "What is the history of America?" / "... of the Americas?",
"What is the capital of the Virgin Islands?" / "... of the U.S. Virgin Islands?" (after rule format 32, a newcomer's
finding: 0.998 and 0.973 with the answer "the answer to {cached}", served), "Korea" / "South Korea", "Virginia" / "West
Virginia", "Mexico" / "New Mexico", "Samoa" / "American Samoa", "Corea" / "Corea del Sur", "Korea" / "Südkorea", "Кореи"
/ "Южной Кореи", 美洲 / 南美洲. Another place, and another answer.

`place_changed` reads the kind where it is the only difference: the same tokens but for a qualifier put in before a
name (`_BEFORE`: a point of the compass, "central", "upper", "lower", "new", a country's "U.S.", "British", "American",
...; Russian "южная", "северная", ...; Chinese 南, 北, 东, 西) or after it (Spanish "del Sur", "occidental"), a name
written with a compass prefix in one word ("Südkorea", "Nordamerika", "Sudáfrica", "Norteamérica"), or a name in its
plural (`_PLURALS`: "the Americas", "las Américas", "the Koreas"). A name is a word written with a capital in a text
that marks case (`text.marks_case`; any word in a text all in lower or upper case, and a Han character); "new" and a
country's adjective must be written with one too ("the new iPhone" / "the iPhone" is no place). Read in the
`role_swap` veto by `velo.cache.features`.

`compass_changed` reads the kind among other rewording (after rule format 33, a newcomer's finding: "What is the
capital of Ireland?" / "Capital of Northern Ireland?" 0.982, "How big is America?" / "How big are the Americas?" 0.998,
served): the places each text names, each bare, narrowed by a point of the compass written with a capital before it
("South Korea", "Южной Кореи"), after it ("Irlanda del Norte") or joined to it ("Nordirland", "Sudamérica"), widened to
its plural after an article ("the Americas"), or qualified otherwise ("Latin America", "the Republic of Korea"); in
Chinese a short list of names (`_HAN_NAMES`) after 南 / 北 / 东 / 西 / 中 and the short forms 东欧, 东南亚, 东德. One text
naming a place bare and the other only narrowed, or the two narrowed by two points ("North Korea" / "South Korea"), is
another place. Nothing is read where a compass word qualifies no name ("the north of Ireland", "North and South
Korea", 北部), nor for one place written two ways ("América del Sur" / "Sudamérica": both south).

`type_changed` reads a place named with its kind against the same name bare or with another kind, among other rewording
(after rule format 33, a newcomer's finding, nc44: "What is the capital of Georgia?" / "What is the capital of the state
of Georgia?" 0.969, served): the kind before the name as its apposition, after an article ("the state of Georgia", "el
estado de México", "des Bundesstaates Georgia"; Russian "штата Джорджия", not after a question word), or written with
a capital after it ("New York City", "Washington State", "Washington, D.C."); in Chinese 州 or 国 put after a name, the
only difference (华盛顿 / 华盛顿州). The kind says which place of the name is meant, and the cached answer may be for the
other. Nothing is read where both name the same kind, a kind is no name's ("the state of the economy", "the state of
the US economy", "which state of Australia"), in a text that marks no case or of more than 20 words (places named as a
request's setting), nor for "the city of X", "город X", 北京市, 广东省: the replay's labelled rewordings name a city or a
province as what it is ("la ciudad de Maracaibo" / "Maracaibo", "город Магнитогорск" / "Магнитогорск").
"""

from __future__ import annotations

import os
import re

from velo.cache.text import CYRILLIC, FUNCTION_WORDS, HAN, cased_words, fold, marks_case, shared_ends

_COMPASS = frozenset(
    """north south east west northern southern eastern western central northeast northwest southeast southwest upper
    lower nord sud ost""".split()
)
_QUALIFIED = frozenset(
    """new u s us british american french dutch danish spanish portuguese german italian nueva nuevo baja alta""".split()
)
"""Qualifiers that are place names' only where written with a capital: "New Mexico", "British Columbia", "Baja
California" ("u s": "U.S. Virgin Islands")."""
_RUSSIAN = ("южн", "северн", "восточн", "западн", "центральн")
"""Russian compass adjectives in any case ("Южная Корея", "в Южной Корее")."""
_HAN_COMPASS = frozenset("南北东西")
_AFTER = frozenset({("del", "sur"), ("del", "norte"), ("del", "este"), ("del", "oeste"), ("occidental",), ("oriental",)})
"""Spanish qualifiers after the name ("Corea del Sur", "Carolina del Norte", "Europa Occidental")."""
_PREFIXES = ("nord", "sud", "ost", "west", "mittel", "norte", "centro")
"""Compass prefixes of a name in one word (folded: "Südkorea" is "sudkorea", "Sudáfrica" "sudafrica")."""
_PLURALS = frozenset("americas koreas carolinas dakotas".split())
"""Names whose plural is a larger place ("the Americas": North, Central and South America; "the Dakotas")."""
_ARTICLES = frozenset("the el la los las die der den des das".split())


def _written_with_capital(token: str, text: str) -> bool:
    """Whether `text` writes a word folded as `token` with a capital (any word where the text marks no case, and a Han
    character)."""
    if HAN.match(token) or not marks_case(text):
        return True
    return any(w[0].isupper() for w in re.findall(r"\w+", text) if fold(w) == token)


def _qualifier_before(put: list[str], name: str, text: str) -> bool:
    if len(put) == 1 and HAN.match(put[0]):
        return put[0] in _HAN_COMPASS and HAN.match(name) is not None
    if not _written_with_capital(name, text) or HAN.match(name):
        return False
    words = " ".join(put)
    if words in _COMPASS or (len(put) == 1 and put[0].startswith(_RUSSIAN)):
        return True
    return (words in _QUALIFIED or words == "u s") and _written_with_capital(put[0], text)


def _trim(part: list[str]) -> list[str]:
    return [t for t in part if t not in _ARTICLES]


def place_changed(tq: list[str], tc: list[str], request: str, cached: str) -> bool:
    """True when two token lists (`text.tokens` of `request`, `cached`) are the same but for a place qualified, widened
    or narrowed (module docstring): a qualifier put in before or after a name, a compass prefix joined to it, or the
    name in its plural; or, among other rewording, when one names a place that the other narrows by a point of the
    compass or widens to its plural (`compass_changed`)."""
    return (
        _only_place_changed(tq, tc, request, cached) or compass_changed(request, cached)
        or type_changed(tq, tc, request, cached)
    )


def _only_place_changed(tq: list[str], tc: list[str], request: str, cached: str) -> bool:
    if tq == tc or abs(len(tq) - len(tc)) > 3:
        return False
    start, end = shared_ends(tq, tc)
    dq, dc = _trim(tq[start : len(tq) - end]), _trim(tc[start : len(tc) - end])
    if not dq and not dc:
        return False
    if not dq or not dc:  # a qualifier put in: before the name, or (Spanish) after it
        longer, put, text = (tq, dq, request) if dq else (tc, dc, cached)
        after = longer[len(longer) - end] if end else None
        before = longer[start - 1] if start else None
        return (after is not None and _qualifier_before(put, after, text)) or (
            before is not None and tuple(put) in _AFTER and _written_with_capital(before, text)
        )
    if len(dq) == len(dc) == 1:
        x, y = sorted((dq[0], dc[0]), key=len)
        if y == x + "s" and y in _PLURALS:
            return True
        name_text = request if dq[0] == x else cached
        return any(y == p + x for p in _PREFIXES) and len(x) >= 4 and _written_with_capital(x, name_text)
    return False


_DIRECTIONS = {
    **dict.fromkeys("north northern nord norte".split(), "n"),
    **dict.fromkeys("south southern sud sur".split(), "s"),
    **dict.fromkeys("east eastern ost este oriental".split(), "e"),
    **dict.fromkeys("west western oeste occidental".split(), "w"),
    **dict.fromkeys("central mittel centro".split(), "c"),
    "northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw", "upper": "up", "lower": "lo",
}
"""A point of the compass (or "upper", "lower") that narrows a place, folded, as one letter or two."""
_RUSSIAN_DIRECTIONS = {"южн": "s", "северн": "n", "восточн": "e", "западн": "w", "центральн": "c"}
_SAID_ANYWHERE = frozenset(
    """north south east west northern southern eastern western northeast northwest southeast southwest nord sud ost
    norden suden osten westen norte sur oeste oriental occidental""".split()
)
"""Compass words that, anywhere in the text that names a place bare, may already narrow it ("the north of Ireland",
"in northern Ireland", "im Norden Irlands"): then `compass_changed` reads nothing. Spanish "este" (this), "centro" and
"central" (a central bank) are left out: they would keep most texts from being read."""
_RUSSIAN_SAID = ("юг", "север", "восто", "запад", "южн")
_HAN_SAID = re.compile("[南北东西](?:部|方|边)")
_HAN_NAMES = "爱尔兰 苏丹 美洲 非洲 欧洲 亚洲 卡罗来纳 卡罗莱纳 达科他 弗吉尼亚 帝汶 德国".split()
"""Han names of places that a point of the compass narrows into another place (北爱尔兰, 南苏丹, 南美洲, 北卡罗来纳, 西弗吉尼亚,
东帝汶). Not 韩 / 朝鲜 (南韩 is 韩国, 北朝鲜 is 朝鲜) nor 马其顿 (北马其顿 is the same country): a short list, since a Han
character before a name may be part of another word (越南, 马来西亚)."""
_HAN_MENTION = re.compile(
    "(拉丁|东南|西南|东北|西北|[南北东西中])?(" + "|".join(_HAN_NAMES) + ")"
    "|(东南|[南东])(亚)(?!洲)|([南北东西])(欧)(?!洲)|([东西])(德)(?!国)"
)
"""A Han place name with what stands before it; short forms of a region, 东欧 / 东南亚 / 东德, name the continent or
country (欧洲, 亚洲, 德国) narrowed. Not read as short forms, since the characters stand in other words: 西亚 (in 马来西亚),
南非 / 西非 ("湖南非常", "东西非常"), 北美 ("东北美食"), 中欧 / 中美 (China and Europe, the US)."""
_HAN_SHORT = {"欧": "欧洲", "亚": "亚洲", "德": "德国"}
_HAN_DIRECTIONS = {"南": "s", "北": "n", "东": "e", "西": "w", "中": "c", "东南": "se", "西南": "sw", "东北": "ne", "西北": "nw"}
_OTHER = "other"
"""A name qualified by a word other than a point of the compass ("Latin America", "América Latina", "拉丁美洲")."""


def _direction(word: str) -> str | None:
    return _DIRECTIONS.get(word) or next((d for s, d in _RUSSIAN_DIRECTIONS.items() if word.startswith(s)), None)


def _mentions(text: str) -> tuple[list[tuple[str, str]], bool]:
    """The places `text` names, each as (name folded, how it is qualified: "" bare, a direction of `_DIRECTIONS`,
    "plural" for "the Americas", or `_OTHER`), and whether every compass word in it qualifies a name it gives (False
    for "North and South Korea", "the north of Ireland")."""
    words = cased_words(text)
    folded = [fold(w) for w, *_ in words]
    cased = marks_case(text)

    def capital(i: int) -> bool:
        return not cased or words[i][0][0].isupper()

    out: list[tuple[str, str]] = []
    used: set[int] = set()
    for i, f in enumerate(folded):
        if len(f) < 3 or f in FUNCTION_WORDS or _direction(f) or not capital(i):
            continue
        prefix = next((p for p in _PREFIXES if f.startswith(p) and len(f) - len(p) >= 4), None)
        if prefix:  # "Südkorea", "Nordirland", "Sudáfrica"
            out.append((f[len(prefix) :], _DIRECTIONS[prefix]))
            continue
        if i and (d := _direction(folded[i - 1])) and capital(i - 1):  # "South Korea", "Южная Корея"
            out.append((f, d))
            used.add(i - 1)
            continue
        after = tuple(folded[i + 1 : i + 3])
        if after in _AFTER or after[:1] in _AFTER:  # "Corea del Sur", "Europa Occidental"
            out.append((f, _DIRECTIONS[after[-1] if after in _AFTER else after[0]]))
            used.add(i + (2 if after in _AFTER else 1))
            continue
        if f in _PLURALS and i and folded[i - 1] in ("the", "las", "los"):  # "the Americas" (German "Amerikas": of)
            out.append((f[:-1], "plural"))
            continue
        # "Latin America", "América Latina", "the Republic of Korea" (South Korea by another name)
        qualified = any(
            0 <= j < len(words) and cased and words[j][0][0].isupper() and not words[j][1] and folded[j] not in
            FUNCTION_WORDS for j in (i - 1, i + 1, i - 2 if i >= 2 and folded[i - 1] in ("of", "de", "del") else -1)
        )
        out.append((f, _OTHER if qualified else ""))
    said = [i for i, f in enumerate(folded) if f in _SAID_ANYWHERE or f.startswith(_RUSSIAN_SAID)]
    for m in _HAN_MENTION.finditer(text):
        before, name = (m.group(1), m.group(2)) if m.group(2) else next(
            (m.group(k), _HAN_SHORT[m.group(k + 1)]) for k in (3, 5, 7, 9) if m.group(k)
        )
        if before == "中" and not name.endswith("洲"):  # 中德 is China and Germany; 中美洲 is Central America
            before = None
        out.append((name, _OTHER if before == "拉丁" else _HAN_DIRECTIONS.get(before or "", "")))
    return out, not (set(said) - used) and not _HAN_SAID.search(text)


def _same_name(a: str, b: str) -> bool:
    """One name in two forms: the same word, a German genitive ("Irlands"), a Russian case ("Корея" / "Кореи")."""
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or HAN.match(a) or HAN.match(b):
        return False
    if a + "s" == b or b + "s" == a:
        return True
    shared = len(os.path.commonprefix([a, b]))
    return bool(CYRILLIC.match(a)) and shared >= 4 and shared >= max(len(a), len(b)) - 3


def _name_key(name: str) -> str:
    """What two forms of one name (`_same_name`) share: the name itself where only the same word is, else its first 4
    letters."""
    return name if len(name) < 4 or HAN.match(name) else name[:4]


def _by_name_key(mentions: list[tuple[str, str]]) -> dict[str, set[tuple[str, str]]]:
    """`mentions` by `_name_key`: a name is compared with the mentions of its key only (with all of them, a text of
    1,500 names took 25 s)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for mention in mentions:
        out.setdefault(_name_key(mention[0]), set()).add(mention)
    return out


def compass_changed(request: str, cached: str) -> bool:
    """True when, among any other rewording, one text names a place bare and the other only narrowed by a point of the
    compass or widened to its plural ("What is the capital of Ireland?" / "Capital of Northern Ireland?", "How big is
    America?" / "How big are the Americas?", "Irlanda" / "Irlanda del Norte", "Кореи" / "Южной Кореи", 苏丹 / 南苏丹), or
    both name it narrowed, each by another point ("North Korea" / "South Korea"). Nothing is read where a compass
    word in a text qualifies no name of it ("North and South Korea", "the north of Ireland", 北部)."""
    (mq, whole_q), (mc, whole_c) = _mentions(request), _mentions(cached)
    if not (whole_q and whole_c):
        return False
    by_q, by_c = _by_name_key(mq), _by_name_key(mc)
    for name in dict.fromkeys(name for name, _ in mq):
        ways_q = {w for n, w in by_q.get(_name_key(name), ()) if _same_name(n, name)}
        ways_c = {w for n, w in by_c.get(_name_key(name), ()) if _same_name(n, name)}
        if not ways_c or ways_q == ways_c or len(ways_q) > 1 or len(ways_c) > 1 or _OTHER in ways_q | ways_c:
            continue
        return True
    return False


_TYPES = {
    **dict.fromkeys("state estado bundesstaat bundesstaates bundesstaats staat staates staats штат".split(), "state"),
    **dict.fromkeys("country pais land landes страна".split(), "country"),
    **dict.fromkeys("province provincia provinz провинция область".split(), "province"),
    **dict.fromkeys("county condado grafschaft".split(), "county"),
    **dict.fromkeys("territory territorio territorium территория".split(), "territory"),
    **dict.fromkeys("district distrito bezirk округ".split(), "district"),
    **dict.fromkeys("island isla insel остров".split(), "island"),
}
"""Words naming the kind of a place, folded, by kind ("the state of Georgia", "el estado de México", "des Bundesstaates
Georgia", "штата Джорджия"). Not "republic" / "kingdom": an official name is the same place ("the Kingdom of Saudi
Arabia"); nor "the city of" before a name ("la ciudad de Maracaibo", "город Магнитогорск" / "Магнитогорск": labelled
rewordings of the replay, a city named as what it is), only "City" after one, a name of its own ("New York City",
"Mexico City")."""
_RUSSIAN_TYPES = {fold(w): k for k, ws in {
    "state": "штат", "country": "стран", "province": "провинци област", "district": "округ",
    "island": "остров", "territory": "территори"}.items() for w in ws.split()}
"""Russian stems of `_TYPES`' words, in a case of the singular (`_SINGULAR`: "в штате Техас", "в городе Нью-Йорке"; not
"штатов США", a plural, nor "странный", strange)."""
_SINGULAR = frozenset(fold(w) for w in "а у е ом ой ы и ю я ей ью ь".split()) | {""}
_TYPE_AFTER = {"City": "city", "State": "state", "County": "county", "Province": "province"}
"""A kind written with a capital after the name: "New York City", "Washington State", "Mexico City"."""
_ARTICLE_BEFORE = {"of": frozenset({"the"}), "de": frozenset("el la del al".split()), "": frozenset(
    "der die das des dem den".split())}
"""What stands before a kind named before its place, by the word between the kind and the name: "the state of Georgia",
"el estado de México", "des Bundesstaates Georgia" (a German kind has no word between); the article makes it the name's
apposition, not "which state of the US", "welcher Staat Europas"."""
_RUSSIAN_ASKING = frozenset(fold(w) for w in "какой какая какое какие каком какого какую который которая котором самый самом самая сколько".split())
"""A Russian kind after a question word or a superlative is no apposition: "Какой штат США самый большой?"."""
_HAN_TYPES = frozenset("州国")
"""Han kinds after a name: 州 (华盛顿州), 国. Not 市, 省, 县, which Chinese writes after a city's or a province's name by
habit (北京市 / 北京, 广东省 / 广东: one place)."""
_MOST_WORDS = 20
"""Texts of more words are not read: a long request names places as the setting of what it asks ("viajar entre Madrid y
el pueblo de Huercal-Overa, en la provincia de Almería" / "Madrid - Huercal-Overa (Almería)", labelled rewordings)."""
_HAN_NOT_TYPED = frozenset("全国 各国 外国 本国 两国 出国 回国 祖国 各州 本州".split())
_HAN_TYPE_WORDS = frozenset("国家 国际 国内 国外 国王 国民 国籍 国旗 国歌 州长".split())
"""A Han kind character in a word with the character before or after it (外国 abroad, 国家 a country, 州长 a governor):
not a place's kind."""
_WORD = re.compile(r"\w+")


def _typed_mentions(text: str) -> list[tuple[str, str]]:
    """The names `text` writes with a capital, each as (its last word folded, the kind named with it or "" bare):
    "What is the capital of the state of Georgia?" is [("georgia", "state")] ("What" opens the sentence; function words
    are left out), "Washington, D.C." ("washington", "dc"), "New York City" ("york", "city"), "в штате Техас" ("техас",
    "state"). Empty for a text that marks no case."""
    words = list(_WORD.finditer(text))
    if not marks_case(text) or len(words) > _MOST_WORDS:
        return []
    folded = [fold(m.group()) for m in words]

    def capital(i: int) -> bool:
        return 0 <= i < len(words) and words[i].group()[0].isupper() and folded[i] not in FUNCTION_WORDS

    def gap(i: int) -> str:  # what stands between word i and word i + 1
        return text[words[i].end() : words[i + 1].start()] if i + 1 < len(words) else ""

    typed: dict[int, str] = {}
    for i, f in enumerate(folded):
        kind = _TYPES.get(f) or next((k for s, k in _RUSSIAN_TYPES.items() if f[len(s) :] in _SINGULAR and f.startswith(s)), None)
        lead = next((w for w in ("of", "de") if folded[i + 1 : i + 2] == [w]), "")
        before = folded[i - 1] if i else ""
        if kind is not None and (
            before not in _RUSSIAN_ASKING if CYRILLIC.match(f) else before in _ARTICLE_BEFORE[lead]
        ):  # a kind before its name: "the state of Georgia", "des Bundesstaates Georgia", "штата Джорджия"
            j = i + 1 + bool(lead) + (folded[i + 1 + bool(lead) : i + 2 + bool(lead)] in (["the"], ["la"], ["el"]))
            end = j
            while capital(end) and gap(end - 1).strip() in ("", "-"):
                end += 1
            # the name ends its phrase: not "the state of the US economy"
            if end > j and (end == len(words) or gap(end - 1).strip() or folded[end] in FUNCTION_WORDS):
                typed[end - 1] = kind
        elif words[i].group() in _TYPE_AFTER and capital(i - 1) and gap(i - 1) == " ":
            typed[i - 1] = _TYPE_AFTER[words[i].group()]
        elif f == "d" and folded[i + 1 : i + 2] == ["c"] and capital(i - 1) and words[i].group() == "D":
            typed[i - 1] = "dc"  # "Washington, D.C.", "Washington D.C."
        elif words[i].group() == "DC" and capital(i - 1):
            typed[i - 1] = "dc"
    return [(folded[i], typed.get(i, "")) for i in range(len(words)) if capital(i) or i in typed]


def _han_type_added(tq: list[str], tc: list[str]) -> bool:
    """One token list is the other with a Han kind put after a name of two characters or more (华盛顿 / 华盛顿州), nothing
    else changed."""
    longer, shorter = (tq, tc) if len(tq) == len(tc) + 1 else (tc, tq)
    if len(longer) != len(shorter) + 1:
        return False
    k = next((i for i, (x, y) in enumerate(zip(longer, shorter)) if x != y), len(shorter))
    if longer[:k] + longer[k + 1 :] != shorter or longer[k] not in _HAN_TYPES or k < 2:
        return False
    name, after = longer[k - 2 : k], longer[k + 1 : k + 2]
    return (
        all(HAN.fullmatch(c) and c not in FUNCTION_WORDS for c in name)
        and name[1] + longer[k] not in _HAN_NOT_TYPED and longer[k] + "".join(after) not in _HAN_TYPE_WORDS
    )


def type_changed(tq: list[str], tc: list[str], request: str, cached: str) -> bool:
    """True when one text names a place with its kind and the other names it bare or with another kind, among any other
    rewording: "What is the capital of Georgia?" / "... of the state of Georgia?" (nc44: 0.969, served), "Washington" /
    "Washington State" / "Washington, D.C.", "New York" / "New York City", "México" / "el estado de México", "Georgia"
    / "des Bundesstaates Georgia", "Джорджии" / "штата Джорджия", "the state of Georgia" / "the country of Georgia";
    in Chinese a kind put after a name, nothing else changed (华盛顿 / 华盛顿州). The kind may be for
    another place of that name, and the cached answer for the other. Nothing is read where both name the same kind, a
    name is written both ways in one text, or the kind is not a name's ("the state of the economy", "the city's
    population", "which state of the US"), nor in a text of more than `_MOST_WORDS` words."""
    if _han_type_added(tq, tc):
        return True
    mq, mc = _typed_mentions(request), _typed_mentions(cached)
    for name, kind in mq + mc:
        if not kind:
            continue
        ways_q = {k for n, k in mq if _same_name(n, name)}
        ways_c = {k for n, k in mc if _same_name(n, name)}
        if ways_q and ways_c and len(ways_q) == len(ways_c) == 1 and ways_q != ways_c:
            return True
    return False
