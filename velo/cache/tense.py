"""A question asked in another tense: "Was Python faster than Java?" / "Is Python faster than Java?", "What was the
capital of Germany?" / "What is the capital of Germany?", "Will Brazil win the World Cup?" / "Did Brazil win the World
Cup?", "¿Era Python más rápido que Java?" / "¿Es ...?", "War Python schneller als Java?" / "Ist ...?", "Python был
быстрее Java?" / "Python быстрее Java?" (after rule format 32, a newcomer's finding: served at 0.940; 0.986 with the
answer "the answer to {cached}"). The answer about then is not the answer about now.

`tense_change` reads the narrowest form of the kind: the two questions are the same tokens but for one auxiliary or
copula in two tenses (`_TENSES`), or, in Russian, which has no present copula, but for a past or future one put in. A
tense changed beside other differences is left to the model: in the labelled pairs outside dev, 15 right pairs change
an auxiliary's tense among other words ("Where was Lionel Messi born?" / "What is Lionel Messi's birthplace?", "Are AI
assistants going to replace human workers?" / "Will AI assistants take over human jobs?"). A main verb in another form
("Who wins ...?" / "Who won ...?") is not read: `verb_forms.same_verb` pairs forms of one tense too (a participle, an
infinitive), and the labelled pairs hold no such pair to judge it by. Chinese marks no tense in its verbs (了, 过 are
aspect, and function words): a word of the past put in is read instead ("以前", "曾经"). Read in the `role_swap` veto by
`velo.cache.features`.
"""

from __future__ import annotations

from velo.cache.text import fold, shared_ends

_TENSES = """
    is was; are were; am was; do did; does did; has had; have had; will did;
    es era; es fue; son eran; son fueron; está estaba; está estuvo; están estaban; están estuvieron; hay había; hay hubo;
    tiene tenía; tiene tuvo; tienen tenían; será es; será fue; será era; serán son; serán fueron; va iba;
    ist war; sind waren; bin war; bist warst; hat hatte; haben hatten; gibt gab; wird wurde; werden wurden; wird war;
    является являлся; является являлась; являются являлись; есть был; есть была; есть было; есть были; будет был;
    будет была; будет было; будут были
"""
"""Forms of one auxiliary or copula in two tenses (present / past, future / past or present), en / es / de / ru. Not
"will" / "do": "how much change do I get?" / "... will I get?" is one hypothetical question (a labelled right pair)."""
_TENSE_PAIRS = frozenset(frozenset(fold(w) for w in pair.split()) for pair in _TENSES.split(";"))
_RUSSIAN_COPULAS = frozenset("был была было были будет будут".split())
"""Russian copulas of the past and the future, put in where the present has none ("Python быстрее Java?")."""

_HAN_PAST = frozenset("以前 曾经 曾 过去 从前 当年 那时 当时".split())
"""Chinese words that put a question in the past, put in where the other has none ("Python以前比Java快吗？" / "Python比Java快吗？"):
Chinese has no tense of its verbs."""


def tense_change(tq: list[str], tc: list[str]) -> bool:
    """True when two token lists (`text.tokens`) differ only in one auxiliary or copula in another tense (`_TENSES`:
    "was" / "is", "era" / "es", "war" / "ist", "является" / "являлся"), or only in a Russian past or future copula put
    in (`_RUSSIAN_COPULAS`), or only in a Chinese word of the past put in (`_HAN_PAST`)."""
    if tq == tc or abs(len(tq) - len(tc)) > 2:
        return False
    start, end = shared_ends(tq, tc)
    dq, dc = tq[start : len(tq) - end], tc[start : len(tc) - end]  # where they differ
    if len(dq) == len(dc) == 1:  # one token in another form, all else the same
        return frozenset((dq[0], dc[0])) in _TENSE_PAIRS
    if dq and dc:
        return False
    put_in = dq or dc
    return (len(put_in) == 1 and put_in[0] in _RUSSIAN_COPULAS) or "".join(put_in) in _HAN_PAST
