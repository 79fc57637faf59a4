"""Numbers as the hit decision reads them: digits of any script, Han numerals and number words
(`velo.cache.number_words`).

`number_change` compares the numbers two questions mention ("5 km" / "50 km", "五个" / "四个", "five" / "ten",
"seventeen" / "19" differ; "5 km" / "five km", "twenty-one" / "21" do not); `is_number_token` tells `velo.cache.roles`
where a quantity starts (small number words only: `_NUMBER_WORDS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from decimal import Decimal

from velo.cache import arithmetic, number_words, value_matching
from velo.cache.text import CJK, FUNCTION_WORDS, MINUS_SIGNS, fold, nfkc, tokens

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LEADING_POINT = re.compile(r"(?<![\w.,])\.(?=\d+(?![\w.]))")
"""A decimal point with no digit before it, before a number that ends its word: ".5" is "0.5" (rule format 25; "1..5",
"v.5", "1.2.5" are left alone, and so is a number with letters written onto it, ".01c/yr": "0.01c" would be two tokens,
"0" and "01c", and move the features of two rewordings of the oasst1 train set that both write ".01c")."""


def leading_zero(text: str) -> str:
    """`text` with a zero before a decimal point that has no digit before it (`_LEADING_POINT`: ".5" -> "0.5")."""
    return _LEADING_POINT.sub("0.", text)


def ascii_digits(text: str) -> str:
    """NFKC (a superscript as a `^` exponent: `text.nfkc`), then every decimal digit of any script as its ASCII digit
    ("٥", "५", "５" -> "5")."""
    return leading_zero("".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and unicodedata.decimal(ch, None) is not None else ch
        for ch in nfkc(text)
    ))


def numbers(text: str) -> frozenset[str]:
    """The numbers written in digits (of any script), a decimal comma read as a point: "3,5" -> "3.5"."""
    return frozenset(n.replace(",", ".") for n in _NUMBER.findall(ascii_digits(text)))


_NUMERAL = re.compile(
    rf"(?P<sign>(?<![^\W{CJK}])(?<!\d )[-+{MINUS_SIGNS}])?(?P<digits>\d+(?:[.,]\d+)*)"
    rf"(?:e(?P<exponent>[-+{MINUS_SIGNS}]?\d+)(?!\w))?"
)
"""A numeral with its sign and exponent: "-5", "−5", "气温-10度" (a sign after a space, a Han character or the start,
not after a word or a number and a space: "x-1", "10 -3" subtract), "1e-5"."""
_HAN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000}
_HAN_MYRIADS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_HAN_NUMERAL = re.compile(f"[{''.join(_HAN_DIGITS)}{''.join(_HAN_UNITS)}{''.join(_HAN_MYRIADS)}]+")
# Small numbers written as words, 2 to 12 and round tens, in the languages of the team's set. "One" and its
# kin are left out: they are also articles and pronouns ("which one", "un", "ein", "один из"); so are words
# that are another word in a neighbouring language ("once", "elf").
_NUMBER_WORDS = {
    fold(w): n
    for n, words in {
        2: "two dos zwei два двух двум двумя", 3: "three tres drei три трех трем тремя",
        4: "four cuatro vier четыре четырех", 5: "five cinco funf пять пяти", 6: "six seis sechs шесть шести",
        7: "seven siete sieben семь семи", 8: "eight ocho acht восемь восьми", 9: "nine nueve neun девять девяти",
        10: "ten diez zehn десять десяти", 11: "eleven", 12: "twelve doce zwolf двенадцать",
        20: "twenty veinte zwanzig двадцать", 30: "thirty treinta dreissig тридцать",
        100: "hundred cien hundert сто",
    }.items()
    for w in words.split()
}
_NUMBER_WORD_PARTS = frozenset(_NUMBER_WORDS) | frozenset(
    fold(w) for w in """one eleven thirteen fourteen fifteen sixteen seventeen eighteen nineteen forty fifty sixty seventy
    eighty ninety thousand million y und и""".split()
)
"""Words that may join a number word into a longer number ("nineteen eighty-four", "veinte y dos"): a number word
beside one of them is not read on its own."""


def _han_value(run: str) -> int:
    """A run of Han numerals as an integer: "十五" 15, "二百零五" 205, "三万" 30000; without a unit character the
    digits are read in place ("八五" 85, as in 八五折, "二〇二四" 2024)."""
    if not any(c in _HAN_UNITS or c in _HAN_MYRIADS for c in run):
        return int("".join(str(_HAN_DIGITS[c]) for c in run))
    total = section = digit = 0
    for c in run:
        if c in _HAN_DIGITS:
            digit = _HAN_DIGITS[c]
        elif c in _HAN_UNITS:
            section += (digit or 1) * _HAN_UNITS[c]
            digit = 0
        else:
            total += (section + digit or 1) * _HAN_MYRIADS[c]
            section = digit = 0
    return total + section + digit


def _readings(numeral: str) -> frozenset[str]:
    """What a numeral can mean: the digits without separators where each separator is one kind of thousands separator
    ("1,000" / "1.000" / "1,000,000": the groups after the first have 3 digits) and, with its last separator read as a
    decimal point, the decimal ("3,5" = 3.5, "1.234,5" = 1234.5: the decimal point written once, the groups before it
    by three), each without leading zeros. Since rule format 22 "1,5" is 1.5 only, not 15 as well (German and Spanish
    write a decimal comma: "1,5 Liter" / "15 Liter" is another quantity); a numeral neither reading fits ("1,2,3")
    keeps both."""
    digits = numeral.replace(",", "").replace(".", "").lstrip("0") or "0"
    head, _, tail = numeral.replace(",", ".").rpartition(".")
    decimal = f"{head.replace('.', '').lstrip('0') or '0'}.{tail.rstrip('0')}" if head else digits
    if not head:
        return frozenset({digits})
    seps = [c for c in numeral if c in ",."]
    groups = re.split("[.,]", numeral)
    grouped = len(set(seps)) == 1 and all(len(g) == 3 for g in groups[1:])
    pointed = seps.count(seps[-1]) == 1 and all(len(g) == 3 for g in groups[1:-1])
    found = ({digits} if grouped else set()) | ({decimal.rstrip(".")} if pointed else set())
    return frozenset(found or {digits, decimal.rstrip(".")})


_EXPONENT_WRITTEN_OUT = 100
"""The largest exponent (either sign) a number's readings are written out with ("1e5" is 100000, one number with
"100000"); a larger one is kept as it is written, its mantissa read."""


def _signed_readings(m: re.Match) -> frozenset[str]:
    """The readings (`_readings`) of a `_NUMERAL` match with its exponent applied and its sign ("-5" is not "5";
    "+5" is), in the decimal notation `Decimal` normalizes to ("1e-5" 0.00001, "1e5" 100000)."""
    found = _readings(m["digits"])
    if m["exponent"]:
        written = m["exponent"].replace(MINUS_SIGNS, "-")
        exponent = int(written) if len(written.lstrip("+-0")) <= 3 else None  # int() refuses 4,301 digits and more
        if exponent is None or abs(exponent) > _EXPONENT_WRITTEN_OUT:  # "1e999999" raised Overflow; "1e99999" is 100,000 digits
            found = frozenset(f"{r}e{written.lstrip('+')}" for r in found)
        else:
            found = frozenset(format((Decimal(r) * Decimal(10) ** exponent).normalize(), "f") for r in found)
    if m["sign"] and m["sign"] != "+" and found != {"0"}:
        found = frozenset("-" + r for r in found)
    return found


MEASURE_WORDS = re.compile(
    "公斤|公里|千克|千米|小时|分钟|星期|点钟|點鐘|点半|點半|[个個只隻本次件条條张張位天年月斤米元块塊岁歲杯碗辆輛台部双雙对對瓶份页頁篇首支名"
    "间間座棵朵匹周秒克遍层層节節盒包袋箱升吨噸倍颗顆粒场場届屆套日号號楼樓]"
)
"""Measure words (classifiers), units and what a numeral before it numbers: a numeral before one counts or numbers
something ("一个" / "两个", "一次", "一年", a date "十月一日", a metro line "一号线", a floor "一楼")."""
_NOT_COUNTING = frozenset("哪这這那每某同唯")
_ORDINAL_MARKERS = ("第", "星期", "礼拜", "禮拜", "周", "週")


_WORDS_ENDING_IN_ONE = frozenset("统一 統一 唯一 同一 单一 單一 逐一 专一 專一 划一 劃一 均一 合一 归一 歸一 不一".split())
"""Words whose last character is 一 without counting ("统一六国" unified the six states: 6, not 16)."""
_ENDING_BEFORE_ONE = frozenset("规划 規劃 计划 計劃 策划 策劃 筹划 籌劃 比划 比劃 刻划 结合 結合 组合 組合 综合 綜合 符合 配合 融合 适合 適合 回归 回歸".split())
"""Words whose last character starts a word of `_WORDS_ENDING_IN_ONE` with the 一 after them, which then counts:
"重新规划一个计划" (plan one plan: 划一 read as "uniform" had left 一个 unread beside "做一个计划", and the pair was read as 1
against 3 on the other side, a right pair of the replay refused at 0.000: recall44), "结合一个例子", "回归一个"."""
_TOGETHER = re.compile("块儿|塊兒|块[去来走玩吃喝做学住回看跑坐聊干过]|塊[去來走玩吃喝做學住回看跑坐聊幹過]")
"""一块 meaning "together" ("一块儿", "我们一块去"), not "one piece" ("一块蛋糕") or "one yuan" ("一块钱")."""


def _counts_one(text: str, at: int) -> bool:
    """Whether a lone 一 at `at` is the number one: before a measure word ("吃了一个" / "吃了两个", "一年") or
    after an ordinal marker ("第一", "星期一"). Elsewhere it is as often "a", "once" or part of a word
    (一下, 一样, 一起, 统一) as the number one; after a demonstrative or question word it picks one out, not counts
    ("哪一年" which year, "这一次" this time, "每一个" every one)."""
    if one_counts_nothing(text, at):
        return False
    return bool(MEASURE_WORDS.match(text, at + 1)) or text[:at].endswith(_ORDINAL_MARKERS)


def one_counts_nothing(text: str, at: int) -> bool:
    """Whether the 一 at `at` picks one out or is part of a word whatever follows it: after a demonstrative or question
    word ("哪一年", "这一次"), the end of a word ("统一"), "together" ("一块儿")."""
    return text[at - 1 : at] in _NOT_COUNTING or _one_ends_a_word(text, at) or bool(_TOGETHER.match(text, at + 1))


def _one_ends_a_word(text: str, at: int) -> bool:
    """Whether the 一 at `at` is the end of a word of `_WORDS_ENDING_IN_ONE` ("统一"), not the 一 after a word whose last
    character starts one (`_ENDING_BEFORE_ONE`: "规划一个" counts)."""
    return text[at - 1 : at + 1] in _WORDS_ENDING_IN_ONE and text[max(at - 2, 0) : at] not in _ENDING_BEFORE_ONE


_WORDS_STARTING_WITH_ZERO = tuple("零食 零件 零部件 零钱 零錢 零售 零散 零星 零碎 零花 零用 零乱 零亂 零工 零活 零头 零頭 零落".split())
"""Words whose first character is 零 with no zero in them (recall43): 零食 snacks, 零件 parts, 零钱 small change, 零售 retail,
零散 / 零星 / 零碎 scattered, 零花 / 零用 pocket money, 零乱 messy, 零工 odd jobs ("买零食" had read "买0食"). Not 零基础 (no
grounding at all, a beginner): a zero of experience, which "有多年经验" (years of it) replaces."""
_HAN_UNIT_THOUSAND = re.compile("千[米克瓦]")
"""千 starting a unit's name (千米 km, 千克 kg, 千瓦 kW), not a thousand: "5千米" is 5 km."""


def _han_number_spans(text: str) -> list[tuple[int, str]]:
    """The runs of Han numerals that are numbers, with where each starts: a 一 that ends a word ("统一六国": 六, not
    一六) is cut off a run, so is a 千 that starts a unit ("五千米": 五 and 千米 km), "万一" (in case) is no number, and
    a lone 一 counts only where `_counts_one` says so."""
    out = []
    for m in _HAN_NUMERAL.finditer(text):
        start, run = m.start(), m.group()
        if run[0] == "一" and len(run) > 1 and _one_ends_a_word(text, start):
            start, run = start + 1, run[1:]
        if _HAN_UNIT_THOUSAND.match(text, start + len(run) - 1):
            run = run[:-1]
        if run == "零" and text.startswith(_WORDS_STARTING_WITH_ZERO, start):
            continue
        if not run or run == "万一" or run == "萬一" or (run == "一" and not _counts_one(text, start)):
            continue
        out.append((start, run))
    return out


_DIGITS_BEFORE = re.compile(r"\d+(?:\.\d+)?$")
_AND_A_HALF = re.compile(
    r"(?<![\d.])(\d+)(?:(个|個)半(?=小时|小時|钟头|鐘頭|月|星期|礼拜|禮拜|世纪|世紀)|(年|天|周|週|斤|公里|公斤|分钟|分鐘)半)"
)
"""A number and a half ("一个半小时" 1.5 hours, "两年半", "3天半"), written "1.5个小时", "2.5年", "3.5天" (recall43: "到车站要1.5小时" /
"大概要一个半小时" had read 1 against 1.5). Not 点半, half past an hour ("三点半" is 3:30)."""


def han_numerals_as_digits(text: str) -> str:
    """`text` with each run of Han numerals that is a number (`_han_number_spans`) written in ASCII digits ("一万元" ->
    "10000元", "十月一日" -> "10月1日"; "统一六国" -> "统一6国"; "一下", "万一" stay): what the hit features compare,
    so "一万元" / "10000元" differ in no word. Digits right before a run that starts with 十, 百, 千, 万 or 亿 multiply it
    ("5万" -> "50000", "1.5千" -> "1500"; "5千米" is 5 km, `_HAN_UNIT_THOUSAND`)."""
    out, end = [], 0
    for start, run in _han_number_spans(text):
        value = _han_value(run)
        head = text[end:start]
        digits = _DIGITS_BEFORE.search(head) if (run[0] in _HAN_UNITS or run[0] in _HAN_MYRIADS) else None
        if digits is not None:
            product = Decimal(ascii_digits(digits.group())) * value
            head, value = head[: digits.start()], format(product.normalize(), "f")
        out += [head, str(value)]
        end = start + len(run)
    return _AND_A_HALF.sub(lambda m: f"{m[1]}.5{m[2] or m[3]}", "".join(out) + text[end:])


_SIGN_WORDS = frozenset("minus negative menos negativo negativ минус".split())
"""Words for a number's minus sign in en, es, de and ru ("minus 5 degrees", "menos 5 grados", "minus 5 Grad", "минус 5
градусов"); Chinese writes 零下 (below zero) or 负 before the number (`_HAN_SIGN`)."""
_NOT_A_SIGN_AFTER = frozenset("al lo o mas".split())
"""Words after which "menos" is no sign: "al menos 5" / "por lo menos 5" (at least 5), "más o menos 5" (about 5)."""
_SIGN_WORD = re.compile(rf"(?i)(?<!\w)(?:{'|'.join(sorted(_SIGN_WORDS))})\s+(?=[-+{MINUS_SIGNS}]?\d)")
_HAN_SIGN = re.compile(f"(?<![正胜勝])(?:零下|负|負)(?=\\s*[\\d{''.join(_HAN_DIGITS)}十百千])")


def _is_operand(word: str) -> bool:
    """A number or a letter standing alone that is no word ("10", "x"; not the "a" of "a menos 5"): a sign word after
    it subtracts ("10 minus 3", "x minus 5")."""
    return bool(word) and (
        word[-1].isdigit() or (len(word) == 1 and word.isalpha() and fold(word) not in FUNCTION_WORDS) or fold(word) in _NUMBER_WORDS
    )


def _sign_as_minus(m: re.Match) -> str:
    before = m.string[: m.start()].split()
    previous = before[-1].strip(".,;:!?¿¡()\"'") if before else ""
    if _is_operand(previous) or fold(previous) in _NOT_A_SIGN_AFTER:
        return m.group()
    return "-"


def signs_as_minus(text: str) -> str:
    """`text` with a number's sign written as a word turned into a minus sign ("minus 5 °C" -> "-5 °C", "零下5度" ->
    "-5度", "负五" -> "-五"): the same number as "-5" (`_NUMERAL`). A sign word after an operand subtracts and stays
    ("10 minus 3", "x minus 5"), so do "al menos 5" (at least), "más o menos 5" (about) and "正负5" (plus or minus)."""
    return _HAN_SIGN.sub("-", _SIGN_WORD.sub(_sign_as_minus, text))


_GROUPED = re.compile(r"(?<![\d.,])(?<![\d.,] )[1-9]\d{0,2}(?P<sep>[,.'\u00a0\u2009\u202f ])\d{3}(?:(?P=sep)\d{3})*(?![\d]|[.,]\d)")
"""A number written in groups of three digits with one kind of separator: a comma, a point, an apostrophe or a space
("10 000", "1,000,000", "1.000", "1'000"), not a decimal ("1,5", "3.14"), not after another number ("5 100 200"
starts at 5: a list is no number, `_GROUPED` needs the whole run)."""

_SCALE_WORDS = {
    n: words.split()
    for n, words in {
        10**3: "thousand thousands tausend mil тысяча тысячи тысяч тысячу тыс",
        10**6: "million millions millionen mio millón millon millones миллион миллиона миллионов млн",
        10**9: "billion billions milliarde milliarden mrd миллиард миллиарда миллиардов млрд",
        10**12: "trillion trillions billionen",
    }.items()
}
_SCALES = {fold(w): n for n, words in _SCALE_WORDS.items() for w in words}
"""Words that multiply the number before them ("1 million", "zwei Millionen", "5 mil", "пять тысяч"), folded; "mil
millones" multiplies twice. German "Billion" (10^12) is left as the English word: one spelling means one value."""
_ONES = frozenset(fold(w) for w in "one ein eine un uno una один одна одну".split())
"""Words for one before a scale word ("one million", "eine Million", "un millón", "одна тысяча"); elsewhere they are
articles (`_NUMBER_WORDS` leaves them out)."""
_SCALE = "|".join(sorted((re.escape(w) for ws in _SCALE_WORDS.values() for w in ws), key=len, reverse=True))
_SCALED = re.compile(
    rf"(?i)(?<![\w.,])(?P<number>\d+(?:[.,]\d+)?|[^\W\d_]+)"
    rf"(?:(?P<scales>(?:\s+(?:{_SCALE})(?![\w])\.?)+)|(?P<k>k)(?![\w]))"
)
"""A number in digits or a word, then scale words (`_SCALES`) or a "k" written onto it ("5k", "10K": five thousand;
`quantities.unglued` reads no unit there)."""
_NEXT_WORD = re.compile(r"\s*([^\W_]+)")


def _number_value(number: str) -> Decimal | None:
    """The value of a number written in digits (a decimal comma or point once: "2,5" is 2.5) or as a word for one to
    twelve or a round ten (`_NUMBER_WORDS`, `_ONES`), else None."""
    if number[0].isdecimal():  # not isdigit: "³" and "①" are digits Decimal cannot read ("³k" raised InvalidOperation)
        readings = _readings(number)
        return Decimal(next(iter(readings))) if len(readings) == 1 else None
    word = fold(number)
    return Decimal(1) if word in _ONES else Decimal(_NUMBER_WORDS[word]) if word in _NUMBER_WORDS else None


def _scaled(m: re.Match) -> str:
    value = _number_value(m["number"])
    if value is None or (m["k"] and not m["number"][0].isdecimal()):
        return m.group()
    if m["k"]:  # "5k", "50k", "2.5k"; "401k" is a retirement plan's name, no round number of thousands
        return format((value * 1000).normalize(), "f") if value < 100 or value % 10 == 0 else m.group()
    after = _NEXT_WORD.match(m.string, m.end())
    if after and (after[1][0].isdigit() or fold(after[1]) in _NUMBER_WORD_PARTS or fold(after[1]) in _ONES):
        return m.group()  # a number goes on ("dos mil veinte", "five thousand two hundred", "1 million 200")
    for word in m["scales"].split():
        value *= _SCALES[fold(word.rstrip("."))]
    return format(value.normalize(), "f")


def scales_as_digits(text: str) -> str:
    """`text` with a number written in groups of three digits as one number ("10 000" -> "10000", "1,000,000" ->
    "1000000", "1.000" -> "1000"; `_GROUPED`) and a number with a word that multiplies it in digits ("1 million" ->
    "1000000", "5k" -> "5000", "zwei Millionen" -> "2000000", "2,5 Millionen" -> "2500000", "пять тысяч" -> "5000";
    `_SCALES`): one number written two ways differs in no word. A number that goes on after the scale word ("dos mil
    veinte", 2020) stays as written (issue 8: "Is 10 000 a big number?" / "Is 10000 a big number?", "count to 1
    million" / "count to 1000000" were `number_mismatch` 1.0 under rule format 21)."""
    text = _GROUPED.sub(lambda m: re.sub(r"\D", "", m.group()), text)
    return _SCALED.sub(_scaled, text)


def as_digits(text: str) -> str:
    """`text` as the hit features compare it: a sign word as a minus (`signs_as_minus`), numbers in groups or with a
    scale word in plain digits (`scales_as_digits`), then Han numerals in digits (`han_numerals_as_digits`; in that
    order: the 零 of 零下 is no zero)."""
    return han_numerals_as_digits(scales_as_digits(signs_as_minus(leading_zero(text))))


def _all_readings(text: str) -> list[frozenset[str]]:
    """The readings of every number in a text: written in digits of any script, in Han numerals, or in words
    (`velo.cache.number_words`: "seventeen", "twenty-one", "veintiuno", "einundzwanzig", "двадцать один"), each with its sign, a minus or a sign word (`signs_as_minus`; "minus
    five" is -5)."""
    plain = ascii_digits(text)
    found = [_signed_readings(m) for m in _NUMERAL.finditer(as_digits(plain))]
    toks = tokens(scales_as_digits(plain))
    cardinals = [c for c in number_words.cardinals(toks) if not _goes_on(toks[max(0, c.start - 1) : c.start] + toks[c.end : c.end + 1])]
    for c in cardinals:
        # a thousand in digits that a number in words goes on from ("two thousand and five" is "2000 and five" once
        # `scales_as_digits` read its scale word: 2005, not 2000 as well; a newcomer found "What is two thousand and
        # five?" / "What is 2005?" refused, after format 33)
        if toks[c.start][0].isdigit() and (head := frozenset({toks[c.start]})) in found:
            found.remove(head)
    found += [frozenset({("-" if _signed_word(toks, c.start) else "") + str(c.value)}) for c in cardinals]
    return found


def _goes_on(neighbours: list[str]) -> bool:
    """Whether a number written in words has a word beside it that makes it part of a longer number ("five thousand
    two hundred", "veinte y dos": `_NUMBER_WORD_PARTS`, any number word): then it is not read on its own."""
    return any(t in _NUMBER_WORD_PARTS or number_words.cardinals([t]) for t in neighbours)


def _signed_word(toks: list[str], at: int) -> bool:
    """Whether the number word at `at` has a sign word before it that is no subtraction ("minus five", not "ten minus
    five")."""
    return at > 0 and toks[at - 1] in _SIGN_WORDS and not (
        at > 1 and (_is_operand(toks[at - 2]) or toks[at - 2] in _NOT_A_SIGN_AFTER)
    )


def arithmetic_text(text: str) -> str:
    """`text` as `velo.cache.arithmetic.read` reads it: NFKC and digits of any script in ASCII (`ascii_digits`: "１＋１"
    is "1+1"), a number's sign written as a word as "-" (`signs_as_minus`: "minus 5 plus 3" is "-5 plus 3"; "10 minus 3"
    stays, an operator)."""
    return signs_as_minus(ascii_digits(text))


def _reading(number: str) -> str:
    """A number of an expression as `arithmetic.Expression.key` compares it: its readings (`_readings`: "1,000" is
    "1000" and "1"), one string."""
    return "|".join(sorted(_readings(number)))


def computation_change(a: str, b: str) -> bool:
    """Whether two questions that compute compute different things (`velo.cache.arithmetic`: an operand, a sign, an
    operator or a bracket that changes the expression; "10 * 10" / "10 * 10 * 10", "(-1)-(-1)" / "(-1)-1", "-(2+3)" /
    "(2+3)", "2*(3+4)" / "2*3+4", "-2^2" / "(-2)^2"; not "7+8" / "8+7", "(-1)*(-1)" / "-1 × -1", "1+1=?" / "1+1是多少"):
    where both compute, their computations differ; where one computes by signs alone ("-(-1)", "--1") and the other not
    at all, their arithmetic differs ("-(-1)=?" / "-1=?"). Arithmetic in prose against none is no change (a rewording
    writes "1-2 hours" as "1 to 2 hours"), nor are numbers outside the arithmetic (a rewording mentions a number once
    where the question repeated it), nor a numbered run (a date, "2023/02/01": `arithmetic.Expression.numbered`)
    written twice on one side and once on the other ("开始：2023/02/01 ... 结束：2023/02/01" / "2023/02/01开始，同一天结束",
    the same day: a right pair of the replay refused at 0.000, recall44): a date names a day, it computes nothing."""
    ea, eb = arithmetic.read(arithmetic_text(a)), arithmetic.read(arithmetic_text(b))
    ca, cb = (
        Counter(e.key(_reading) for e in es if e.computes and not e.numbered)
        + Counter({e.key(_reading) for e in es if e.computes and e.numbered})
        for es in (ea, eb)
    )
    if ca and cb:
        return ca != cb
    if (ca or cb) and not any(e.has_operator for e in ea + eb):
        return Counter(e.key(_reading) for e in ea) != Counter(e.key(_reading) for e in eb)
    return False


def same_computation_reordered(a: str, b: str) -> bool:
    """Whether two texts differ only in the order of operands inside their arithmetic: each computes, their computing
    expressions (`velo.cache.arithmetic`, in order) have the same keys, so the operands of + and * (and the sides of =)
    exchanged anywhere in the tree, in brackets too ("2*(4+3)=?" / "2*(3+4)=?", "10-(2+3)" / "10-(3+2)", "(2*3)+4" /
    "(3*2)+4"; not "(4-3)*2" / "(3-4)*2"), and the same tokens outside them, and the texts differ (a newcomer found
    "2*(4+3)=?" / "2*(3+4)=?" refused by `role_swap`, which reads the tokens with their brackets dropped, after format 33).
    Not where "x" or "X" multiplies: "1920x1080" / "1080x1920", "a 3 x 5 matrix" / "a 5 x 3 matrix" are sizes; nor where
    an operator is a word (`_WORD`): only symbols."""
    ta, tb = arithmetic_text(a), arithmetic_text(b)
    ea, eb = ([e for e in arithmetic.read(t) if e.computes] for t in (ta, tb))
    if a == b or not ea or len(ea) != len(eb) or any(x.key(_reading) != y.key(_reading) for x, y in zip(ea, eb)):
        return False
    if any(_SIZE.search(t[e.start : e.end]) or _WORD.search(t[e.start : e.end]) for t, es in ((ta, ea), (tb, eb)) for e in es):
        return False
    return _outside(ta, ea) == _outside(tb, eb)


_SIZE = re.compile(r"(?<![^\W\d_])[xX](?![^\W\d_])")
"""An "x" that `arithmetic` reads as a product between numbers: in a size as often ("1920x1080", "2 x 4")."""
_WORD = re.compile(r"[^\W\d_]")
"""A letter in a computing expression: an operator written as a word, which the words around it may turn ("Dividir 10
por 2" / "Dividir 2 por 10": "por" read as a product inside a division; "2 times 3 to the power of 2", whose power is
not read): the order of its operands is left to the other readers (the suite's look-alikes, found by CI after ops43)."""


def _outside(text: str, expressions: list[arithmetic.Expression]) -> list[list[str]]:
    """The tokens of `text` between and around `expressions` (in order), stretch by stretch."""
    cuts = [0] + [k for e in expressions for k in (e.start, e.end)] + [len(text)]
    return [tokens(text[i:j]) for i, j in zip(cuts[::2], cuts[1::2])]


def _has_letters_and_digits(t: str) -> bool:
    return any(c.isdigit() for c in t) and any(c.isalpha() for c in t)


def _letters(t: str) -> str:
    return "".join(c for c in t if c.isalpha())


def _code_replaced(ta: list[str], tb: list[str]) -> bool:
    """Whether a word of `ta` written with letters and digits (a chemical formula, a model name: "H2O", "CO2", "MP3",
    "i5") stands where `tb` has another word with the same letters and other digits or none ("H2O2", "HO2", "CO"):
    another thing of the same family. Only words that start with a letter: "720p30" / "720p" or "5G" are quantities
    with a unit (`number_change` compares their numbers). The same word written apart ("MP-3", "5 G": two tokens of `tb` that
    glue into it) is no other word."""
    glued_a = set(ta) | {x + y for x, y in zip(ta, ta[1:])}
    glued_b = set(tb) | {x + y for x, y in zip(tb, tb[1:])}
    by_letters: dict[str, set[str]] = {}  # the words of `tb` by their letters: each word of `ta` is looked up, not compared with all
    for y in tb:
        if y[0].isalpha() and y not in glued_a:
            by_letters.setdefault(_letters(y), set()).add(y)
    return any(
        by_letters.get(_letters(x), set()) - {x}
        for x in ta if x[0].isalpha() and _has_letters_and_digits(x) and x not in glued_b
    )


_HAN_COMMA = re.compile(r"(?<=\d)，(?=\d)")
"""A full-width comma between two digits: Chinese writes its decimals with a point."""


def number_change(a: str, b: str, same: Collection[tuple[str, str]] = ()) -> float:
    """How the numbers differ between two questions, written in digits of any script, in Han numerals or as
    small number words ("five", "cinco", "пять"), counted as often as they are written.

    1.0: *a number replaced* -- each question has a number the other lacks ("给了小红5个" / "给了小红4个",
    "五个" / "四个", "八折" / "八五折", "200 °F" / "100 °F", "the 43rd / 44th president", "five" / "ten"), the two
    questions compute different things ("10 * 10" / "10 * 10 * 10", "-(2+3)" / "(2+3)": `computation_change`), or a
    word written with letters and digits stands for another with the same letters ("H2O" / "H2O2", "CO" / "CO2", "H2O" / "HO2": `_code_replaced`):
    a different question, whatever the wording around it.
    1.0 too: a list of numbers on each side, and not the same numbers (`_list_changed`: "the median of 3, 7, 9" /
    "the median of 3, 7, 9, 12", after format 33, nc45).
    0.5: numbers on one side only, or one side's numbers and one more ("in 90 minutes" / "in 1.5 hours" has one of
    each, so it is 1.0): possibly a rewording, weighed by the hit rule.
    0.0: the same numbers (digits of any script, "1,000" = "1000", "3,5" = "3.5", "5 km" = "five km", "10 000" = "10000",
    "1 million" = "1000000": `scales_as_digits`).

    `same`: (a number of `a`, a number of `b`) that are one quantity in two units of a family ("1 kg" / "1000 g":
    `quantities.equal_quantities`, since rule format 22).
    """
    # a Chinese comma between two numbers separates them, it is no decimal comma ("若1+1=3，1个苹果..." had read 3.1,
    # which NFKC writes "3,1": rc41)
    a, b = _HAN_COMMA.sub("、", a), _HAN_COMMA.sub("、", b)
    na, nb = _all_readings(a), _all_readings(b)
    # a decimal as `same` writes it ("1.50", "2.0") and as the readings do ("1.5", "2"): rule format 28
    na = [r.union(*(_readings(y) | {y} for x, y in same if x in r or r & _readings(x))) for r in na]
    # a number the other side has no reading of, on each side: a number replaced
    values_a, values_b = frozenset().union(*na), frozenset().union(*nb)
    a_only, b_only = any(not r & values_b for r in na), any(not r & values_a for r in nb)
    ta, tb = tokens(ascii_digits(a)), tokens(ascii_digits(b))
    if (a_only and b_only) or computation_change(a, b) or _code_replaced(ta, tb) or _code_replaced(tb, ta):
        return 1.0
    if _list_changed(ta, tb):
        return 1.0  # "the median of 3, 7, 9, ..., 45" / "... 45, 50": served at 0.958 (nc45)
    # a number is left over when not every number of a side can be paired with its own of the other that may mean the
    # same ("5" written three times on one side, twice on the other): asked last, the pairing being the dearest step
    return 0.5 if value_matching.matched(na, nb) < max(len(na), len(nb)) else 0.0


_LIST_LENGTH = 3
"""Numbers in a row that make a list ("3, 7, 9", "88 92 75"): fewer are a range, a date or a pair ("1939-1945",
"1+1"), which other readers compare."""


_LIST_AND = frozenset("and y e und и 和 及".split())
"""The word before a list's last number ("3, 7 and 9", "3, 7 y 9", "3、7和9")."""


def _lists(toks: list[str]) -> list[list[str]]:
    """The runs of `_LIST_LENGTH` or more numbers in digits one after another in `toks` (the commas and spaces between
    them are no tokens; "and" may stand before the last: `_LIST_AND`)."""
    runs, run = [], []
    toks = [*toks, ""]
    for k, t in enumerate(toks):
        if t[:1].isdigit():
            run.append(t)
            continue
        if run and t in _LIST_AND and toks[k + 1][:1].isdigit():
            continue
        if len(run) >= _LIST_LENGTH:
            runs.append(run)
        run = []
    return runs


def _list_changed(ta: list[str], tb: list[str]) -> bool:
    """Whether both questions hold a list of numbers (`_lists`) and not the same numbers in them, in any order: a
    number put in or left out of the list asks of other data ("Add these numbers: 1 2 ... 30" / "... 30 31"; nc45:
    served at 0.950-0.963 in English and German, `number_change` had read one number more as a rewording's 0.5)."""
    la, lb = _lists(ta), _lists(tb)
    return bool(la and lb) and Counter(t for run in la for t in run) != Counter(t for run in lb for t in run)


def same_number(a: str, b: str) -> bool:
    """Whether two stretches of text are each nothing but numbers, and the same numbers ("一万" / "10000", "五" / "5",
    "five" / "5", "twenty-one" / "21", "1,000" / "1000")."""
    na, nb = _all_readings(a), _all_readings(b)
    if not na or not nb or number_change(a, b) != 0.0:
        return False
    return all(
        is_number_token(t) or t == "一" for x in (a, b) for t in number_words.as_digits(tokens(ascii_digits(x)))
    )


def is_number_token(t: str) -> bool:
    """Digits, a small number word, a Han numeral other than 一 (which is as often "a" or part of a word)."""
    return t[0].isdigit() or t in _NUMBER_WORDS or (t != "一" and (t in _HAN_DIGITS or t in _HAN_UNITS or t in _HAN_MYRIADS))
