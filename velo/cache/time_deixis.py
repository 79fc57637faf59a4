"""A time named from now, moved: "What's the weather this weekend?" / "What's the weather next weekend?" (a newcomer's
finding, nc43: served at 0.993 with a real answer), "today" / "tomorrow", "last week" / "this week", "este fin de
semana" / "el próximo fin de semana", "dieses" / "nächstes Wochenende", "в эти" / "в следующие выходные", 这个周末 /
下个周末, 今年 / 去年. The answer about one day, week or year is not the answer about another.

`time_moved` reads each text's times named from now (`times`): a unit (a day, a week, a weekend, a month, a year) and
its offset from now (-1 last, 0 this, +1 next, 2 the day after tomorrow ...), and vetoes a pair where both texts name a
time of one unit and the offsets they name of it differ ("this weekend" / "next weekend": {0} / {1}). A time on one
side only is left to the model ("What's the weather?" / "What's the weather today?" asks of now either way), as is a
time of another unit ("today" / "this week"). Read in the `role_swap` veto by `velo.cache.features`.

Not read: a time named by its date or weekday ("on Monday", "in 2024": numbers and names, read elsewhere), a part of
a day ("this morning", "tonight"), "recently" / "soon", and a time counted ("in two weeks", "three days ago").
Spanish "mañana" and German "Morgen" are also the morning: read as a day only where no article, "esta" / "heute",
"por" / "am" or "cada" / "jeden" stands before them.
"""

from __future__ import annotations

import re

from velo.cache.text import fold

_UNITS = {
    "week": "week semana woche неделя недели неделе неделю",
    "weekend": "weekend wochenende выходные выходных выходным",
    "month": "month mes monat месяц месяца месяце",
    "year": "year ano jahr год года году",
}
"""Units of a time named from now, folded ("año" is "ano"); Spanish "fin de semana" is read as one word."""
_UNIT_OF = {w: unit for unit, words in _UNITS.items() for w in words.split()}
_OFFSETS = {
    0: "this current este esta estos estas diese dieses diesen dieser diesem этот эта это эти этои этом этих эту текущем",
    1: """next coming upcoming proximo proxima nachste nachstes nachsten nachster kommende kommendes kommenden
          следующии следующая следующее следующие следующеи следующем следующих следующую будущем будущеи будущии""",
    -1: """last previous past pasado pasada anterior letzte letztes letzten letzter vergangene vergangenes vergangenen
          vorige voriges vorigen прошлыи прошлая прошлое прошлые прошлои прошлом прошлых прошлую""",
}
"""Words that place a unit from now, before it (English, German, Russian, Spanish) or after it ("la semana pasada",
"el año próximo"; Spanish "que viene" is +1). Not "last" after its unit ("the week last") nor "past" after "the"
("the past year": the year up to now, read as one unit on both sides only)."""
_OFFSET_OF = {w: off for off, words in _OFFSETS.items() for w in words.split()}
_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1, "hoy": 0, "manana": 1, "ayer": -1, "anteayer": -2,
    "heute": 0, "morgen": 1, "gestern": -1, "ubermorgen": 2, "vorgestern": -2,
    "сегодня": 0, "завтра": 1, "вчера": -1, "послезавтра": 2, "позавчера": -2,
}
"""Days named from now (folded)."""
_MORNING_BEFORE = frozenset("la el una esta por de cada am den der die guten jeden heute this in the a".split())
"""Words before "mañana" / "Morgen" that make it the morning ("por la mañana", "am Morgen", "heute Morgen")."""
_HAN = [
    ("大后天", "day", 3), ("大前天", "day", -3), ("今天", "day", 0), ("明天", "day", 1), ("昨天", "day", -1),
    ("后天", "day", 2), ("前天", "day", -2), ("今晚", "day", 0), ("今早", "day", 0), ("明晚", "day", 1), ("明早", "day", 1),
    ("昨晚", "day", -1),
    ("今年", "year", 0), ("明年", "year", 1), ("去年", "year", -1), ("前年", "year", -2), ("后年", "year", 2),
]
_HAN_PLACED = re.compile(r"(?<![一以])(这个|这|本|下个|下|上个|上)(周末|星期|礼拜|周|月)")
"""这个周末 / 下个周末 / 上周 / 本月 ...: a unit placed from now by 这 / 本 (0), 下 (+1) or 上 (-1); not 下 of 一下 ("安排
一下周末的日程", a labelled right pair against "这个周末") nor 以下 / 以上."""
_HAN_UNIT = {"周末": "weekend", "星期": "week", "礼拜": "week", "周": "week", "月": "month"}


def times(toks: list[str]) -> frozenset[tuple[str, int]]:
    """The times a token list (`text.tokens`) names from now, as (unit, offset) pairs: "What's the weather next
    weekend?" -> {("weekend", 1)}, "¿Qué pasó la semana pasada?" -> {("week", -1)}, "明天天气怎么样" -> {("day", 1)};
    empty where it names none (module docstring: what is not read)."""
    out: set[tuple[str, int]] = set()
    han = "".join(t for t in toks if len(t) == 1 and "\u4e00" <= t <= "\u9fff")
    if han:
        rest = han
        for word, unit, off in _HAN:
            if word in rest:
                out.add((unit, off))
                rest = rest.replace(word, " ")
        for m in _HAN_PLACED.finditer(han):
            if m[1] == "下" and m[2] == "月":
                continue  # 下月 is also "to go down to the month"; 下个月 is read
            out.add((_HAN_UNIT[m[2]], 0 if m[1][0] in "这本" else 1 if m[1][0] == "下" else -1))
    words = [fold(t) for t in toks]
    for i, w in enumerate(words):
        before = words[i - 1] if i else ""
        if w in _DAYS:
            if w in {"manana", "morgen"} and (before in _MORNING_BEFORE or before == "pasado"):
                if before == "pasado":
                    out.add(("day", 2))  # "pasado mañana"
                continue
            out.add(("day", _DAYS[w]))
            continue
        unit = _UNIT_OF.get(w)
        if w == "fin" and words[i + 1 : i + 3] == ["de", "semana"]:
            unit = "weekend"
        elif w == "semana" and words[i - 2 : i] == ["fin", "de"]:
            continue  # read at "fin"
        if unit is None:
            continue
        after = words[i + 3 if w == "fin" else i + 1 :][:2]
        if before in _OFFSET_OF and not (before == "past" and words[i - 2 : i - 1] == ["the"]):
            out.add((unit, _OFFSET_OF[before]))
        elif after[:1] and after[0] in {"pasado", "pasada", "proximo", "proxima", "anterior"}:
            out.add((unit, _OFFSET_OF[after[0]]))
        elif after == ["que", "viene"]:
            out.add((unit, 1))
    return frozenset(out)


def time_moved(tq: list[str], tc: list[str]) -> bool:
    """True when two token lists name a time of one unit from now and the offsets they name of it differ (`times`):
    "this weekend" / "next weekend", "today" / "tomorrow", "el año pasado" / "este año", 今年 / 去年."""
    a, b = times(tq), times(tc)
    if not a or not b or a == b:
        return False
    for unit in {u for u, _ in a} & {u for u, _ in b}:
        if {o for u, o in a if u == unit} != {o for u, o in b if u == unit}:
            return True
    return False
