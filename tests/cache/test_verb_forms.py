"""A negation put in with the verb in another form is a negation put in (`velo.cache.verb_forms`,
`negation._negated_verb_form`, in the `negation_mismatch` veto after rule format 30; lk40).

Newcomer nc32 found "Who wrote Hamlet?" / "Who did not write Hamlet?" refused by format 30 only by its score and served
by the withdrawn format 31: "do" puts the verb in its base form, the two verbs' stems differ ("wrote" / "write"), so
`negation_change` saw another content word beside the negation and gave 0.5, which the model weighs. The kind: a perfect
beside a simple past ("Wer schrieb Hamlet?" / "Wer hat Hamlet nicht geschrieben?", "¿Quién escribió Hamlet?" /
"¿Quién no ha escrito Hamlet?"), the Russian imperfective after "не" ("Кто написал Гамлета?" / "Кто не писал
Гамлета?"), and "didn't" in a short question, which `_asks_either_way` had read as a tag ("..., isn't it?"). Chinese
marks no form: "谁写了哈姆雷特？" / "谁没写哈姆雷特？" was refused already. Shipped-rule tests: real e5 + USE embedders, real
embedded Milvus, the shipped rule (weights unchanged); scores before are format 30's on 9ed1bd8 with the answer "the
answer to {cached}" (/work/scratch/lk40/score.py).
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, negation
from velo.cache.features import _Pair
from velo.cache.verb_forms import same_verb

# (cached question, request, score before): another question, now refused at 0.0 by the `negation_mismatch` veto.
NEGATED = [
    ("Who wrote Hamlet?", "Who did not write Hamlet?", 0.959),
    ("Who did not write Hamlet?", "Who wrote Hamlet?", 0.865),
    ("Who wrote Hamlet?", "Who didn't write Hamlet?", 0.956),
    ("Who wrote Hamlet?", "Who has not written Hamlet?", 0.967),
    ("Who invented the telephone?", "Who did not invent the telephone?", 0.934),
    ("Who won the World Cup in 2010?", "Who didn't win the World Cup in 2010?", 0.608),
    ("¿Quién escribió Hamlet?", "¿Quién no ha escrito Hamlet?", 0.963),
    ("¿Quién ganó el Mundial de 2010?", "¿Quién no ha ganado el Mundial de 2010?", 0.443),
    ("Wer schrieb Hamlet?", "Wer hat Hamlet nicht geschrieben?", 0.967),
    ("Wer erfand das Telefon?", "Wer hat das Telefon nicht erfunden?", 0.516),
    ("Кто написал Гамлета?", "Кто не писал Гамлета?", 0.969),
    ("Кто сделал это?", "Кто не делал это?", 0.530),
]

# (cached question, request, score before): the negation in the verb's own form, refused before and now.
REFUSED_ALREADY = [
    ("¿Quién escribió Hamlet?", "¿Quién no escribió Hamlet?"),
    ("Wer hat Hamlet geschrieben?", "Wer hat Hamlet nicht geschrieben?"),
    ("Кто написал Гамлета?", "Кто не написал Гамлета?"),
    ("谁写了哈姆雷特？", "谁没写哈姆雷特？"),
    ("谁写了哈姆雷特？", "谁没有写哈姆雷特？"),
    ("What causes cancer?", "What does not cause cancer?"),
]

# (cached question, request, score before and after): the same question in another form of the verb, or a negative
# yes/no question, served as before.
SERVED = [
    ("Who wrote Hamlet?", "Who is the author of Hamlet?", 0.993),
    ("Who wrote Hamlet?", "Who was Hamlet written by?", 0.997),
    ("Who did write Hamlet?", "Who wrote Hamlet?", 0.991),
    ("Didn't Shakespeare write Hamlet?", "Did Shakespeare write Hamlet?", 0.981),
    ("Wer schrieb Hamlet?", "Wer hat Hamlet geschrieben?", 0.984),
    ("¿Quién escribió Hamlet?", "¿Quién ha escrito Hamlet?", 0.994),
    ("Кто написал Гамлета?", "Кто автор Гамлета?", 0.969),
    ("谁写了哈姆雷特？", "哈姆雷特是谁写的？", 0.997),
    ("Who invented the telephone?", "Who was the inventor of the telephone?", 0.999),
]


@pytest.mark.parametrize(("cached", "request_", "before"), NEGATED)
def test_a_negation_with_the_verb_in_another_form_is_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, before: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_"), REFUSED_ALREADY)
def test_a_negation_with_the_verb_in_its_own_form_stays_refused(
    shipped_rule_cache: SemanticCache, cached: str, request_: str
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_same_question_in_another_form_of_the_verb_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float
) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


def _negation(a: str, b: str) -> float:
    p = _Pair(b, a)
    return negation.negation_change(p.tq, p.tc)


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in NEGATED] + REFUSED_ALREADY + [
    ("Why did the Roman Empire fall?", "Why didn't the Roman Empire fall?"),
    ("Why does it work?", "Why doesn't it work?"),  # "n't" before "it" and more words: no tag
    ("Who discovered penicillin?", "Who did not discover penicillin?"),
    ("Who stopped the war?", "Who didn't stop the war?"),
    ("Who carried the flag?", "Who did not carry the flag?"),
    ("What causes headaches?", "What doesn't cause headaches?"),
    ("Wer kaufte das Haus?", "Wer hat das Haus nicht gekauft?"),
    ("Wer entdeckte Amerika?", "Wer hat Amerika nicht entdeckt?"),
    ("¿Quién descubrió América?", "¿Quién no ha descubierto América?"),
    ("¿Quién inventó el teléfono?", "¿Quién no ha inventado el teléfono?"),
    ("Кто прочитал книгу?", "Кто не читал книгу?"),
])
def test_a_negation_put_in_is_read_whatever_the_verbs_form(a: str, b: str) -> None:
    assert _negation(a, b) == 1.0 and _negation(b, a) == 1.0


@pytest.mark.parametrize(("a", "b"), [(c, r) for c, r, _ in SERVED] + [
    ("It works, doesn't it?", "It works?"),  # a tag asks either way
    ("You like tea, don't you think?", "You like tea?"),
    ("Who wrote Hamlet?", "Who did not read Hamlet?"),  # another verb: left to the model (0.5)
])
def test_no_negation_put_in_with_another_form(a: str, b: str) -> None:
    assert _negation(a, b) < 1.0 and _negation(b, a) < 1.0


@pytest.mark.parametrize(("x", "y"), [
    ("wrote", "write"), ("written", "wrote"), ("won", "win"), ("invented", "invent"), ("causes", "cause"),
    ("stopped", "stop"), ("carried", "carry"), ("schrieb", "geschrieben"), ("erfand", "erfunden"), ("kaufte", "gekauft"),
    ("entdeckte", "entdeckt"), ("escribio", "escrito"), ("invento", "inventado"), ("descubrio", "descubierto"),
    ("написал", "писал"), ("сделал", "делал"),
])
def test_two_forms_of_one_verb(x: str, y: str) -> None:
    assert same_verb(x, y) and same_verb(y, x)


@pytest.mark.parametrize(("x", "y"), [
    ("write", "write"), ("write", "read"), ("won", "want"), ("invent", "inventory"), ("cat", "cut"), ("писал", "письмо"),
    ("дал", "продал"),  # the rest of a prefixed verb has four letters at least
])
def test_no_two_forms_of_one_verb(x: str, y: str) -> None:
    assert not same_verb(x, y) and not same_verb(y, x)
