""""How" beside "why" asks what a rewording asks: manner beside reason is compatible again, even with every other word
kept (rule format 28, the lead's decision after tester brk27's finding 2). Format 27 (helper veto27's H5) vetoed "how"
put in place of "why" with the rest kept, so as to refuse "How did Napoleon die?" / "Why did Napoleon die?"; the tester
found it refused plain rewordings at 0 that format 26 served at 0.94-0.99 ("How does ice float?" / "Why does ice
float?", magnets attract iron, the sun shines, the dinosaurs went extinct in es / de / ru / zh, the Roman Empire fell,
Chinese 怎么 meaning "how come": "天怎么是蓝的？", "你怎么哭了？"). A mechanism question and a cause question about one event
mostly share their answer (Napoleon died of stomach cancer, asked how or why), so both are served again; the reason
words format 27 added ("how come", "how is it that", "cómo es que", "wie kommt es", "как так", 怎么不) stay reason.
Real e5 + USE embedders, real embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import pytest

from velo.cache import SemanticCache, question_words
from velo.cache.features import _Pair
from tests.cache.backends import served_pair

# (cached question, request, format 26's score -> format 27's 0 by the veto): served by the shipped rule.
HOW_FOR_WHY = [
    ("How did Napoleon die?", "Why did Napoleon die?", 0.983),
    ("Как умер Наполеон?", "Почему умер Наполеон?", 0.991),
    ("¿Cómo murió Napoleón?", "¿Por qué murió Napoleón?", 0.998),
    ("Wie starb Napoleon?", "Warum starb Napoleon?", 0.995),
    ("拿破仑是怎么死的？", "拿破仑为什么死？", 0.996),
    ("Why does ice float?", "How does ice float?", 0.972),
    ("How does ice float?", "Why does ice float?", 0.989),
    ("How did the dinosaurs go extinct?", "Why did the dinosaurs go extinct?", 0.969),
    ("¿Por qué se extinguieron los dinosaurios?", "¿Cómo se extinguieron los dinosaurios?", 0.970),
    ("Почему вымерли динозавры?", "Как вымерли динозавры?", 0.984),
    ("恐龙为什么灭绝了？", "恐龙是怎么灭绝的？", 0.996),
    ("How did the Roman Empire fall?", "Why did the Roman Empire fall?", 0.981),
    ("天怎么是蓝的？", "为什么天是蓝的？", 0.958),
    ("为什么天是蓝的？", "天怎么是蓝的？", 0.988),
    ("Why does the sun shine?", "How does the sun shine?", 0.944),
    ("Why do magnets attract iron?", "How do magnets attract iron?", 0.980),
    ("Why does a whale breathe?", "How does a whale breathe?", 0.944),
]

_EDGE = 0.005
"""How far from the threshold a pinned score lies within floating-point differences between two CPUs' BLAS kernels."""

# No question_swap (and so no role_swap) for manner beside reason; the score is the model's.
NO_SWAP = [
    *((c, r) for c, r, _ in HOW_FOR_WHY),
    ("Warum sind die Dinosaurier ausgestorben?", "Wie sind die Dinosaurier ausgestorben?"),
    ("你怎么哭了？", "你为什么哭了？"),
    ("他怎么生气了？", "他为什么生气了？"),
    ("你怎么来了？", "你为什么来了？"),
    ("How?", "Why?"),
    ("Why is the sky blue?", "How come the sky is blue?"),
    ("Why is the sky blue?", "How is it that the sky is blue?"),
    ("Why?", "How so?"),
    ("¿Por qué?", "¿Cómo así?"),
    ("Почему?", "Как же так?"),
    ("How does a vaccine work?", "Why does a vaccine work?"),
    ("Wie funktioniert ein Impfstoff?", "Warum funktioniert ein Impfstoff?"),
    ("他怎么不来？", "他为什么不来？"),
    ("¿Por qué flotan los barcos si son de acero?", "¿Cómo es posible que un barco de hierro no se hunda?"),
    ("武汉火神山医院为什么能十天建成?", "请问武汉的火神山医院是怎么做到只用十天就建成的?"),
]

# Manner words that ask why are reason ("how come", 怎么不): reason beside reason whatever the other side's wording.
REASON_WORDS = ["How come the sky is blue?", "How is it that the sky is blue?", "¿Cómo es que el cielo es azul?",
                "Wie kommt es, dass der Himmel blau ist?", "Как так получилось?", "他怎么不来？"]


def _swap(cached: str, request_: str) -> bool:
    pair = _Pair(request_, cached)
    return question_words.question_swap(pair.tq, pair.tc)


@pytest.mark.parametrize(("cached", "request_"), NO_SWAP)
def test_manner_beside_reason_is_no_swap(cached: str, request_: str) -> None:
    assert not _swap(cached, request_) and not _swap(request_, cached)


@pytest.mark.parametrize("question", REASON_WORDS)
def test_manner_words_that_ask_why_are_reason(question: str) -> None:
    assert question_words.question_words(_Pair(question, question).tq)[0] == "reason"


@pytest.mark.parametrize(("cached", "request_", "before"), HOW_FOR_WHY)
def test_how_for_why_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert decision.features.role_swap == 0.0
    if abs(before - shipped_rule_cache.rule.threshold) < _EDGE:
        # at the threshold the verdict is the CPU's: "Why does the sun shine?" scored 0.944 where it was pinned and
        # 0.9426 on another machine of this kind (same torch, same models); the score, not the verdict, is pinned
        assert decision.score == pytest.approx(before, abs=_EDGE), decision.features
    else:
        assert got, (decision.score, decision.features)
