"""Right rewordings the vetoes refused by a misreading (recall44, after rule format 33; issue 8).

The veto replay over the 17,170 right pairs outside dev (main 0b10e9b) found 102 that a veto forced to 0.000. Grouped by
the reader that fired, the misreadings fixed here: a relative "who" in an existence question, "когда" / "cuando" after a
word of feeling, "wie heißen Sie" / "wie ist Ihr Name", "难在哪里" / "区别在哪里" read as question words of a category
(`question_words`); when to use which against how to tell, where to start against a how-to of the same verb, 起步
(`question_words`, `where_to_start`); an umlaut of a name in English text (`text.spelling_swap`); a prose quote closed
after a symbol (`text.symbol_swap`); 规划一个 read as 划一 and a date written twice (`numbers`); 帮不了 read as a tag
(`negation`); a count read inside one compound (`uncounted`); phrases moved whole (`moved_phrases`), now read as the
same words. Each kind has a look-alike that stays refused.

Token-level tests call the modules; the shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the
shipped rule (weights unchanged), with the answer "the answer to {cached}".
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache, numbers, text
from velo.cache.features import veto_features, vetoing_readers
from velo.cache.moved_phrases import moved_whole
from velo.cache.question_words import question_swap


def _vetoed(a: str, b: str) -> bool:
    f = veto_features(a, b)
    return f["number_mismatch"] >= 1 or any(f[k] >= 1 for k in ("negation_mismatch", "symbol_swap", "role_swap"))


# (a, b): the same question, no question word of another category
NO_QUESTION_SWAP = [
    # a relative "who" after a person word in an existence question (en)
    ("Do you know anyone who owns a fighter jet? How did they get it?", "Anyone own a fighter jet? How did they get it?"),
    ("Is there anyone who can fix it? How?", "How can it be fixed?"),
    # "когда" / "cuando" after a word of feeling joins a clause (ru, es)
    ("Меня бесит, когда приходит спам. Как это отключить?", "Как отключить спам?"),
    ("Me molesta cuando llega spam. ¿Cómo lo desactivo?", "¿Cómo desactivo el spam?"),
    # asking a name (de)
    ("Guten Tag, wie ist Ihr Name?", "Guten Tag, mit wem spreche ich – wie heißen Sie?"),
    ("Hallo! Darf ich fragen, wie Sie heißen?", "Guten Tag, ich wüsste gern, mit wem ich es zu tun habe – wie heißen Sie denn?"),
    # where a difficulty lies (zh)
    ("室温超导技术难在哪里？人类什么时候能实现室温超导？", "室温超导难点？何时能实现？"),
    # when to use which, against how to tell (en, de, es, ru)
    ("When should I use 'affect' and when 'effect'?", "affect vs effect, how do i tell which one is right?"),
    ("wann schreibt man das und wann dass", "Wie erkenne ich, ob ich 'das' oder 'dass' schreiben muss?"),
    ("Ich verwechsle „das“ und „dass“. Kannst du mir erklären, wann man welche Schreibweise verwendet?", "Wie erkenne ich, ob ich „das“ oder „dass“ schreiben muss?"),
    ("¿Cuándo se usa por y cuándo para?", "¿Cómo sé si uso por o para?"),
    ("Когда пишется не и когда ни?", "Как понять, писать не или ни?"),
    # where to start against a how-to (zh, en)
    ("我打算系统地学编程，应该从哪里开始？", "系统学编程，怎么起步？"),
    ("我想自己创建一门新的编程语言，请问应该从哪里着手？", "创建一门新的编程语言应该怎么做？"),
    ("Where should I start to learn Rust?", "How do I learn Rust?"),
]

# (a, b): another question, still a question word of another category
QUESTION_SWAP = [
    ("Do you know who owns a fighter jet?", "Do you know how they got a fighter jet?"),
    ("Когда приходит спам?", "Как приходит спам?"),
    ("¿Cuándo llega el spam?", "¿Cómo llega el spam?"),
    ("Wo wohnen Sie?", "Wann wohnen Sie?"),
    ("他在哪里出生？", "他什么时候出生？"),
    ("When do I plant tomatoes?", "How do I plant tomatoes?"),
    ("Where was the marathon started?", "How was the marathon started?"),
]


@pytest.mark.parametrize(("a", "b"), NO_QUESTION_SWAP)
def test_no_question_swap(a: str, b: str) -> None:
    for x, y in ((a, b), (b, a)):
        assert "question_words.question_swap" not in vetoing_readers(x, y)["role_swap"]


@pytest.mark.parametrize(("a", "b"), QUESTION_SWAP)
def test_question_swap_kept(a: str, b: str) -> None:
    ta, tb = text.tokens(text.fold(a)), text.tokens(text.fold(b))
    assert question_swap(ta, tb) and question_swap(tb, ta)


# (a, b, vetoed): the other readers' misreadings (False) beside the look-alike of each kind (True)
OTHER_READERS = [
    ("What happened to Schrödinger's cat?", "What happened to schrodinger's cat?", False),
    ("What happened to Gödel?", "What happened to Godel?", False),
    ("What does 'schön' mean?", "What does 'schon' mean?", True),
    ("Ist das schön?", "Ist das schon?", True),
    (
        "Give me a list of topics. (Don't write any disclaimers how 'as an ai assistant [...]')",
        "Give me a list of topics. And please skip disclaimers like 'as an ai assistant [...]'.", False,
    ),
    ("How are you? :)", "How are you? :(", True),
    ("我觉得你这个计划太满了，能不能重新做一个更轻松的计划？", "你的行程太紧凑了，能不能帮我重新规划一个更轻松一点的三天计划？", False),
    ("开始：2023/02/01 上午10.30\n结束：2023/02/01 下午2.00", "2023/02/01上午10.30开始，同一天下午2.00结束", False),
    ("开始：2023/02/01 上午10.30", "开始：2023/02/02 上午10.30", True),
    ("我觉得你帮不了我。", "我不觉得你能帮到我。", False),
    ("我能帮你", "我帮不了你", True),
    # a preposition after another verb stays a direction turned: the rewording "call it from" / "incorporate it into"
    # goes on refused with the look-alikes "find in" / "remove from", "the farthest from" / "the nearest to"
    ("Make a function and then call it from the main code.", "Make a function and then incorporate it into the main code.", True),
    ("как найти дубликаты в списке в python", "как удалить дубликаты из списка в python", True),
    ("Cheap flights to Paris", "Cheap flights from Paris", True),
    ("写一段情侣之间互相调情的对话，要求2500个中文字。", "描写一段情侣互相调情的对话，字数要求2500字中文。", False),
    ("五个苹果和三个梨", "三个苹果和五个梨", True),
]


@pytest.mark.parametrize(("a", "b", "vetoed"), OTHER_READERS)
def test_other_readers(a: str, b: str, vetoed: bool) -> None:
    assert _vetoed(a, b) is vetoed and _vetoed(b, a) is vetoed


def test_one_after_a_word_ending_in_hua_counts() -> None:
    assert numbers.han_numerals_as_digits("重新规划一个计划，整齐划一，统一六国") == "重新规划1个计划，整齐划一，统一6国"


# (a, b, moved): token lists as `velo.cache.text.tokens` gives them
@pytest.mark.parametrize(
    ("a", "b", "moved"),
    [
        ("why is the sky blue", "why the sky is blue", True),
        ("por que el cielo es azul", "por que es azul el cielo", True),
        ("warum ist der himmel blau", "warum der himmel blau ist", True),
        ("какое озеро самое большое в мире", "какое самое большое озеро в мире", True),
        ("сколько возможно вариантов", "сколько вариантов возможно", True),
        ("推 荐 10 本 科 幻 小 说", "10 本 科 幻 小 说 推 荐", True),
        ("is a tomato a fruit", "is a fruit a tomato", False),
        ("is the sky blue", "the sky is blue", False),  # no question word: a statement against a question
        ("朋 友 推 荐", "推 荐 朋 友", False),  # a friend recommends / recommend a friend
    ],
)
def test_moved_whole_recall44(a: str, b: str, moved: bool) -> None:
    assert moved_whole(a.split(), b.split()) is moved
    assert moved_whole(b.split(), a.split()) is moved


# (cached question, request, score now): right pairs of the replay refused at 0.000 by a veto (or, moved whole, served
# 0.887-0.954 by the model alone) on main 0b10e9b, served now
SERVED = [
    ("What happened to schrodinger's cat?", "What happened to Schrödinger's cat?", 1.0),
    ("Какое самое большое озеро в мире?", "Какое озеро самое большое в мире?", 1.0),
    ("推荐10本科幻小说\n.", "10本科幻小说推荐\n.", 1.0),
    ("why the sky is blue?", "why is the sky blue?", 1.0),
    ("¿Por qué el cielo es azul?", "¿Por qué es azul el cielo?", 1.0),
    ("系统学编程，怎么起步？", "我打算系统地学编程，应该从哪里开始？", 0.971),
    ("室温超导难点？何时能实现？", "室温超导技术难在哪里？人类什么时候能实现室温超导？", 0.956),
    ("写一段情侣之间互相调情的对话，要求2500个中文字。", "写2500字中文的情侣调情对话", 0.991),
    ("markdown进阶语法怎么学？", "在掌握了基础之后，我希望能更深入地学习markdown语法里的一些进阶内容，请问应该从哪里着手？", 0.973),
]

# (cached question, request): the look-alike of each kind, still refused at 0.0 by a veto
STILL_REFUSED = [
    ("What does 'schon' mean?", "What does 'schön' mean?"),
    ("他什么时候出生？", "他在哪里出生？"),
    ("How was the marathon started?", "Where was the marathon started?"),
    ("Cheap flights from Paris", "Cheap flights to Paris"),
    ("我能帮你", "我帮不了你"),
    ("Do you know how they got a fighter jet?", "Do you know who owns a fighter jet?"),
]


@pytest.mark.parametrize(("cached", "request_", "score"), SERVED)
def test_the_rewording_is_served(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    assert_scored(shipped_rule_cache, cached, request_, True, score)


@pytest.mark.parametrize(("cached", "request_"), STILL_REFUSED)
def test_the_look_alike_is_refused(shipped_rule_cache: SemanticCache, cached: str, request_: str) -> None:
    assert_scored(shipped_rule_cache, cached, request_, False, 0.0)
