"""Rule format 29's trailing-zero fold and British / American name veto, narrowed after a tester's probes (brk29):

* a version or section number lost its trailing zero beside any operator or unit word ("Why choose Python 3.10 over
  3.9?" / "... 3.1 over 3.9?", "What's new in OS X 10.10?", "Python 3.10加了哪些新特性？", "sec 2.10": served at 1.000,
  0.11-0.86 in format 28). Now only a decimal that is a quantity and not named folds (`velo.cache.decimals`): the
  versions score as in format 28, "2.50 plus 1" / "2.5 plus 1", "1.50 m", "$2.50", "2,50 умножить на 4" stay 1.000.
* any capitalized word or any word before a party noun was a name ("Pearl Harbor" / "Pearl Harbour", "What's your
  favourite party game?", "Who is Israel's defence minister?": 0.97-1.000 -> 0). Now only names whose two spellings
  name different things are (`velo.cache.variants._NAME_PHRASES`): the labour party, labour day, grey's anatomy.

The shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text, variants
from velo.cache.decimals import without_trailing_zeros
from velo.cache.features import _Pair

# (cached question, request, format 29's score, now) with the answer "the answer to {cached}"
# (/work/scratch/fix29a/score.py on main 59e5f7a (brk29's results.txt) and on this branch; the rule's weights unchanged).
REFUSED = [
    ("Why choose Python 3.10 over 3.9?", "Why choose Python 3.1 over 3.9?", 1.0, 0.742),
    ("What's new in OS X 10.10?", "What's new in OS X 10.1?", 1.0, 0.726),
    ("Should I use Kubernetes 1.20 over 1.19?", "Should I use Kubernetes 1.2 over 1.19?", 1.0, 0.465),
    ("¿Vale la pena reemplazar Python 3.10 por 3.12?", "¿Vale la pena reemplazar Python 3.1 por 3.12?", 1.0, 0.725),
    ("Wird Python 3.10 durch 3.12 ersetzt?", "Wird Python 3.1 durch 3.12 ersetzt?", 1.0, 0.586),
    ("Python 3.10加了哪些新特性？", "Python 3.1加了哪些新特性？", 1.0, 0.527),
    ("安卓4.10加了什么？", "安卓4.1加了什么？", 1.0, 0.238),
    ("Чем Python 3.10 минус GIL отличается?", "Чем Python 3.1 минус GIL отличается?", 1.0, 0.737),
    ("What does sec 2.10 of the tax code say?", "What does sec 2.1 of the tax code say?", 1.0, 0.236),
    ("What happened on day 3.10 of the trial?", "What happened on day 3.1 of the trial?", 1.0, 0.216),
    ("Is Python 3.10 / 3.11 supported by Django?", "Is Python 3.1 / 3.11 supported by Django?", 1.0, 0.822),
    # made up after brk29: a version word in es / de / ru / zh, two versions compared with no name
    ("Was steht in Kapitel 3.10?", "Was steht in Kapitel 3.1?", 1.0, 0.064),
    ("Что говорится в главе 3.10?", "Что говорится в главе 3.1?", 1.0, 0.203),
    ("第3.10条讲了什么？", "第3.1条讲了什么？", 1.0, 0.106),
    ("¿Qué dice la sección 2.10?", "¿Qué dice la sección 2.1?", 1.0, 0.032),
    ("Is 3.10 / 3.11 supported by Django?", "Is 3.1 / 3.11 supported by Django?", 1.0, 0.751),
    # names whose two spellings name different things, lower-case too
    ("who is the main character in grey's anatomy?", "who is the main character in gray's anatomy?", 1.0, 0.0),
    ("who wrote grey's anatomy?", "who wrote gray's anatomy?", 0.957, 0.0),
    ("what is the labour party's policy on tax?", "what is the labor party's policy on tax?", 0.0, 0.0),
    ("what did the 1945 labour government do?", "what did the 1945 labor government do?", 0.0, 0.0),
    ("who are the labour candidates in sydney?", "who are the labor candidates in sydney?", 0.0, 0.0),
    ("When is Labour Day?", "When is Labor Day?", 0.0, 0.0),
    ("Who stars in Neighbours?", "Who stars in Neighbors?", 0.0, 0.0),
]

# (cached question, request, format 29's score, now)
SERVED = [
    ("What is 2.50 plus 1?", "What is 2.5 plus 1?", 1.0, 1.0),
    ("What is 1.10 x 2?", "What is 1.1 x 2?", 1.0, 1.0),
    ("What is 3.20 minus 1.10?", "What is 3.2 minus 1.1?", 1.0, 1.0),
    ("How much is $2.50 in euros?", "How much is $2.5 in euros?", 1.0, 1.0),
    ("Is 1.50 m tall for a child?", "Is 1.5 m tall for a child?", 1.0, 1.0),
    ("Wie viel sind 1,50 Meter in Fuß?", "Wie viel sind 1,5 Meter in Fuß?", 1.0, 1.0),
    ("Сколько будет 2,50 умножить на 4?", "Сколько будет 2,5 умножить на 4?", 1.0, 1.0),
    ("2.50公斤是多少磅？", "2.5公斤是多少磅？", 1.0, 1.0),
    ("¿Cuánto es 2,50 por 4?", "¿Cuánto es 2,5 por 4?", 1.0, 1.0),
    ("3.10除以2等于多少？", "3.1除以2等于多少？", 1.0, 1.0),
    # a name spelled the other way is the same name; a listed word before a party noun is no name
    ("What happened at Pearl Harbor?", "What happened at Pearl Harbour?", 0.0, 0.967),
    ("What does the World Health Organisation do?", "What does the World Health Organization do?", 0.0, 0.979),
    ("How tall is the Sydney Harbour Bridge?", "How tall is the Sydney Harbor Bridge?", 0.0, 0.973),
    ("When was the Globe Theatre built?", "When was the Globe Theater built?", 0.0, 0.968),
    ("How Do I Organise My Closet?", "How Do I Organize My Closet?", 0.0, 0.977),
    ("How Do I Apologise To My Boss?", "How Do I Apologize To My Boss?", 0.0, 0.988),
    ("What's your favourite party game?", "What's your favorite party game?", 0.0, 1.0),
    ("Who is your favourite politician?", "Who is your favorite politician?", 0.0, 1.0),
    ("How do I analyse voters' behaviour?", "How do I analyze voters' behavior?", 0.0, 1.0),
    ("Who is Israel's defence minister?", "Who is Israel's defense minister?", 0.0, 1.0),
    ("Which colour party hats sell best?", "Which color party hats sell best?", 0.0, 1.0),
]


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), REFUSED)
def test_the_false_hit_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, now)


@pytest.mark.parametrize(("cached", "request_", "format_29", "now"), SERVED)
def test_the_rewording_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_29: float, now: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, now)


@pytest.mark.parametrize(
    ("written", "folds"),
    [
        # named: a capitalized word or a version word right before it
        ("Why choose Python 3.10 over 3.9?", False), ("What's new in OS X 10.10?", False),
        ("Python 3.10 - what's new?", False), ("What is new in Minecraft 1.20 days update?", False),
        ("What's in version 2.10 plus the hotfix?", False), ("Is python v3.10 x 2 faster?", False),
        ("What does sec 2.10 of the tax code say?", False), ("¿Qué dice la sección 2.10?", False),
        ("Was steht in Kapitel 3.10?", False), ("Что говорится в главе 3.10?", False), ("第3.10条讲了什么？", False),
        ("Чем Python 3.10 плюс 3.11 отличаются от 3.9?", False),
        # a unit before it that is no currency, an operator word with no number beside it, two decimals compared
        ("What happened on day 3.10 of the trial?", False), ("What does min 2.10 of the video show?", False),
        ("Is it 3.10 times faster?", False), ("Ist es 3.10 mal schneller?", False), ("Is 3.10 / 3.11 supported?", False),
        ("¿Es 3.10 por 3.12 mejor?", False), ("Python 3.10加了哪些新特性？", False), ("Python 3.10除了match还有什么？", False),
        ("3.10减少了哪些开销？", False), ("3.10加了什么？", False),
        # an ambiguous operator inside the question, two decimals with more question after them
        ("Is python 3.10 x 2 faster?", False), ("Is python 3.10 plus 3.11 faster?", False),
        ("what is 3.20 + 1.10?", False),
        # quantities
        ("What is 2.50 plus 1?", True), ("What is 2 plus 2.50?", True), ("What is 1.10 x 2?", True), ("What is 2 x 1.10?", True),
        ("What is 3.20 minus 1.10?", True), ("What is 10.0 divided by 4?", True), ("What is 9 divided by 1.50?", True),
        ("How much is $2.50 in euros?", True), ("What is 12.50% of 80?", True), ("Convert 1.50 liters to cups", True),
        ("Is 1.50 m tall for a child?", True), ("¿Cuánto es 2,50 por 4?", True), ("Was ist 2,50 mal 4?", True),
        ("Сколько будет 2,50 умножить на 4?", True), ("2.50公斤是多少磅？", True), ("3.10除以2等于多少？", True),
    ],
)
def test_only_an_unnamed_quantity_loses_its_trailing_zeros(written: str, folds: bool) -> None:
    toks = text.tokens(written, spelled=True)
    assert (without_trailing_zeros(toks, written) != toks) is folds


@pytest.mark.parametrize(
    ("a", "b", "vetoed"),
    [
        ("what is the labour party?", "what is the labor party?", True),
        ("Who is the leader of the Labour Party?", "Who is the leader of the Labor Party?", True),
        ("what does the labour leader think about brexit?", "what does the labor leader think about brexit?", True),
        ("when is labour day?", "when is labor day?", True),
        ("grey's anatomy season 3 cast", "gray's anatomy season 3 cast", True),
        ("Who stars in Neighbours?", "Who stars in Neighbors?", True),
        ("What happened at Pearl Harbor?", "What happened at Pearl Harbour?", False),
        ("Is Earl Grey tea healthy?", "Is Earl Gray tea healthy?", False),
        ("What's your favourite party game?", "What's your favorite party game?", False),
        ("What is your favourite government policy?", "What is your favorite government policy?", False),
        ("Should I analyse candidate CVs manually?", "Should I analyze candidate CVs manually?", False),
        ("What is the centre party?", "What is the center party?", False),
        ("Why are my neighbours so loud?", "Why are my neighbors so loud?", False),
        ("who leads labour in australia?", "who leads labor in australia?", False),
        ("What are the main labour laws in the UK?", "What are the main labor laws in the UK?", False),
    ],
)
def test_only_a_listed_name_spelled_the_other_way_is_vetoed(a: str, b: str, vetoed: bool) -> None:
    for request, cached in ((a, b), (b, a)):
        p = _Pair(request, cached)
        assert variants.name_respelled(p.request, p.cached, p.tq, p.tc) is vetoed
