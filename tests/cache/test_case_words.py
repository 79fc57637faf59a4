"""Who a question's pronouns and German articles point at (`velo.cache.case_words`, in the `role_swap` veto after rule
format 30).

Newcomer nc32 found German questions whose articles' case exchanges the roles served: "Hat der Hund die Katze
gebissen?" / "Hat den Hund die Katze gebissen?" and "Liebt der Mann die Frau?" / "Liebt den Mann die Frau?" (0.995, 0.997).
The kind is wider: pronouns are function words too, so "Does she love him?" / "Does he love her?" was served at 1.0,
as were its Russian, German, Spanish and Chinese counterparts. The shipped-rule tests use real e5 + USE embedders, real
embedded Milvus and the shipped rule (weights unchanged); the scores before are format 30's on main c61b2bb with the answer "the
answer to {cached}" (/work/scratch/lead/score.py): 24 look-alikes served at 0.94-1.0.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.case_words import referent_change

# (cached question, request, format 30's score): another question, now refused at 0.0 by the `role_swap` veto.
ANOTHER_QUESTION = [
    ("Hat der Hund die Katze gebissen?", "Hat den Hund die Katze gebissen?", 0.995),
    ("Liebt der Mann die Frau?", "Liebt den Mann die Frau?", 0.997),
    ("Warum beißt der Hund die Katze?", "Warum beißt den Hund die Katze?", 0.992),
    ("Den Hund hat die Katze gebissen.", "Der Hund hat die Katze gebissen.", 0.989),
    ("Hat ein Hund die Katze gebissen?", "Hat einen Hund die Katze gebissen?", 1.0),  # "ein(en)" read as 1 before
    ("Hat mein Hund deinen Kater gebissen?", "Hat meinen Hund dein Kater gebissen?", 0.998),
    ("Warum hat der Lehrer dem Schüler geholfen?", "Warum hat dem Lehrer der Schüler geholfen?", 0.972),
    ("Liebt er sie?", "Liebt ihn sie?", 0.976),
    ("Warum hasst er sie?", "Warum hasst sie ihn?", 0.991),
    ("Was hat er ihr geschenkt?", "Was hat sie ihm geschenkt?", 0.988),
    ("Why does he hate her?", "Why does she hate him?", 0.999),
    ("Does she love him?", "Does he love her?", 1.0),
    ("Did he call her?", "Did she call him?", 1.0),
    ("Did he call her?", "Did he call him?", 0.943),
    ("What did they give him?", "What did he give them?", 0.996),
    ("Do you love her?", "Does she love you?", 1.0),
    ("Why did she leave him?", "Why did he leave her?", 0.999),
    ("How do I tell him I love her?", "How do I tell her I love him?", 0.967),  # two of one case exchanged
    ("Почему он её любит?", "Почему она его любит?", 1.0),
    ("Что он ей сказал?", "Что она ему сказала?", 1.0),
    ("¿Por qué ella lo odia?", "¿Por qué él la odia?", 0.992),
    ("¿Qué le dijo ella?", "¿Qué les dijo ella?", 0.990),
    ("他打了她吗？", "她打了他吗？", 0.986),  # Chinese pronouns have no case
    ("他为什么喜欢她？", "她为什么喜欢他？", 0.968),
    ("Do they love us?", "Do we love them?", 0.999),  # a plural first person beside a third
]

# (a, b): the same words but for a pronoun or an article, another question (refused by the model's score before), on
# the tokens only.
ANOTHER_QUESTION_TOKENS = [
    ("Warum liebt dieser Mann die Frau?", "Warum liebt diesen Mann die Frau?"),
    ("How old is he?", "How old is she?"),
    ("Wie alt ist er?", "Wie alt ist sie?"),
    ("他多大了？", "她多大了？"),
    ("How do I install it?", "How do I install them?"),
    ("Почему его любит она?", "Почему её любит он?"),
    ("What should we do?", "What should they do?"),
    ("Where is our hotel?", "Where is their hotel?"),
    ("他们爱我们吗？", "我们爱他们吗？"),
    ("Любят ли они нас?", "Любим ли мы их?"),
]

# (a, b): the same question; no referent changed.
SAME_QUESTION_TOKENS = [
    ("Was frisst der Hund?", "Was frisst ein Hund?"),  # definite for indefinite, one case
    ("Wie füttere ich einen Hund?", "Wie füttere ich den Hund?"),
    ("Was ist der Sinn des Lebens?", "Was ist der Sinn eines Lebens?"),
    ("Was frisst der Hund?", "Was fressen die Hunde?"),  # the article changed with its noun: the content features' case
    ("Почему он её любит?", "Почему её он любит?"),  # the pronouns moved with their cases
    ("Hat er dich gesehen?", "Hat dich er gesehen?"),
    ("How do I install Python?", "How do you install Python?"),  # first and second person: `persons.person_swap`'s
    ("How do we install Python?", "How do I install Python?"),
    ("¿Cómo lo hago?", "¿Cómo la hago?"),  # an article or object pronoun alone says nothing
    ("What does it mean?", "What does this mean?"),  # "this" is no pronoun here
    ("Why did he leave her?", "Why did he leave herbs?"),  # another word, not another pronoun: the content features'
]


@pytest.mark.parametrize(("a", "b"), [(a, b) for a, b, _ in ANOTHER_QUESTION] + ANOTHER_QUESTION_TOKENS)
def test_another_referent_or_case_is_another_question(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert referent_change(ta, tb) and referent_change(tb, ta)


@pytest.mark.parametrize(("a", "b"), SAME_QUESTION_TOKENS)
def test_the_same_referents_in_their_cases_are_no_change(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not referent_change(ta, tb) and not referent_change(tb, ta)


def test_identical_or_differently_long_questions_are_no_change() -> None:
    a = text.tokens("Does she love him?")
    assert not referent_change(a, a)
    assert not referent_change(a, text.tokens("Does she really love him?"))


@pytest.mark.parametrize(("cached", "request_", "format_30"), ANOTHER_QUESTION)
def test_another_referent_or_case_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, format_30: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=False, score=0.0)
    assert_scored(shipped_rule_cache, request_, cached, served=False, score=0.0)


@pytest.mark.parametrize(
    ("cached", "request_", "score"),
    [
        ("Was frisst der Hund?", "Was frisst ein Hund?", 0.994),
        ("Wie alt wird der Hund?", "Wie alt wird ein Hund?", 0.987),
        ("Почему он её любит?", "Почему её он любит?", 0.976),  # pronouns moved with their cases
        ("Hat er dich gesehen?", "Hat dich er gesehen?", 0.960),
    ],
)
def test_the_same_referents_in_their_cases_are_still_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=True, score=score)
