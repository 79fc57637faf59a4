"""The speaker and another person exchanged as doer and one acted on (`velo.cache.speaker_roles`, in the `role_swap`
veto after rule format 30; newcomer nc40's finding 1). Scores before: nc40's `velo cache eval --verdicts` on main
68b9bb9 (the rule's score). Real e5 + USE embedders, real embedded Milvus, the shipped rule (weights unchanged).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, text
from velo.cache.speaker_roles import speaker_exchanged

# (cached question, request, format 30's score as nc40 measured it): now refused at 0.0.
EXCHANGED = [
    ("How do I tell my wife I lost my job?", "How does my wife tell me she lost her job?", 0.987),
    ("What gift should I buy for my girlfriend?", "What gift should my girlfriend buy for me?", 0.965),
    ("Как сказать девушке, что я её люблю?", "Как девушке сказать мне, что она меня любит?", 0.972),
]

EXCHANGED_TOKENS = [
    ("How do I ask my boss for a raise?", "How does my boss ask me for a raise?"),
]

# (a, b): the speaker stays the doer, or other words change: no exchange.
NOT_EXCHANGED = [
    ("How do I lose weight?", "What helps me lose weight?"),  # another content word
    ("Can I eat eggs every day?", "Is it ok for me to eat eggs every day?"),  # "for me to": still the doer
    ("How do I tell my wife I love her?", "How do I tell my wife that I love her?"),
    ("Can I borrow money from you?", "Can you lend me money?"),  # speaker and listener: one loan (`opposites`)
    ("Kann ich mir Geld von dir leihen?", "Kannst du mir Geld leihen?"),
    ("Can you help me?", "Can I help you?"),  # speaker and listener exchanged: `persons.person_swap`'s
]


@pytest.mark.parametrize(("a", "b"), [(a, b) for a, b, _ in EXCHANGED] + EXCHANGED_TOKENS)
def test_the_speaker_exchanged_with_another_person_is_read(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert speaker_exchanged(ta, tb) and speaker_exchanged(tb, ta)


@pytest.mark.parametrize(("a", "b"), NOT_EXCHANGED)
def test_the_speaker_still_the_doer_is_no_exchange(a: str, b: str) -> None:
    ta, tb = text.tokens(a), text.tokens(b)
    assert not speaker_exchanged(ta, tb) and not speaker_exchanged(tb, ta)


@pytest.mark.parametrize(("cached", "request_", "before"), EXCHANGED)
def test_the_speaker_exchanged_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, served=False, score=0.0)
    assert_scored(shipped_rule_cache, request_, cached, served=False, score=0.0)
