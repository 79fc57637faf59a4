"""Answer-form instructions after a tester's probes of rule format 29 (brk29, /work/scratch/brk29/REPORT.txt): a form
word hidden inside another word of the other question no longer cancels the veto ("What is a function in Python?" /
"... Answer humorously.", HIGH-4), instructions format 29 did not read are read (word and sentence limits, yes or no,
an audience's age or expertise, a tone, "в формате таблицы", "文言文": MEDIUM-1), and an audience or topic word outside
an instruction's frame is no instruction ("Cuentos para niños" / "Cuentos infantiles", MEDIUM-2).
Token-level tests call `velo.cache.answer_form`; the shipped-rule tests use real e5 + USE embedders, real embedded
Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import assert_scored
from velo.cache import SemanticCache
from velo.cache.answer_form import answer_form_change, forms

# (cached question, request, format 29's score, this change's) with the answer "the answer to {cached}"
# (/work/scratch/fix29b/score.py on main 59e5f7a and on this branch; the rule's weights unchanged).
REFUSED = [
    ("What is a function in Python?", "What is a function in Python? Answer humorously.", 0.964, 0.0),
    ("What kind of animal is a platypus?", "What kind of animal is a platypus? Explain like I'm five.", 0.990, 0.0),
    ("How do kidneys work?", "How do kidneys work? Explain like I'm five.", 0.984, 0.0),
    ("What is stable diffusion?", "What is stable diffusion? Answer in a table.", 0.994, 0.0),
    ("What is the latest version of Python?", "What is the latest version of Python? Answer as a poem.", 0.977, 0.0),
    ("Was ist eine Funktion in Python?", "Was ist eine Funktion in Python? Antworte lustig.", 0.986, 0.0),
    ("Что будет, если смешать уксус и соду?", "Что будет, если смешать уксус и соду? Объясни как пятилетнему.", 0.980, 0.0),
    ("量子计算有什么特点？", "量子计算有什么特点？请分点回答。", 0.997, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Limit your answer to 100 words.", 0.994, 0.0),
    ("What is photosynthesis?", "What is photosynthesis? Keep it to 3 sentences max.", 0.997, 0.0),
    ("Is coffee bad for you? Answer yes or no.", "Is coffee bad for you?", 0.979, 0.0),
    ("What is recursion?", "What is recursion? Explain it to a 10-year-old.", 0.995, 0.0),
    ("What is quantum computing?", "What is quantum computing? Explain it to an expert.", 0.986, 0.0),
    ("What is love?", "What is love? Answer in a sarcastic tone.", 0.988, 0.0),
    ("Что такое инфляция?", "Что такое инфляция? Ответь в формате таблицы.", 0.994, 0.0),
    ("什么是光合作用？", "什么是光合作用？请用文言文回答。", 0.993, 0.0),
]

# (cached question, request, format 29's score, this change's): an audience or topic word, or one form in two wordings.
SERVED = [
    ("Cuentos para niños", "Cuentos infantiles", 0.0, 0.991),
    ("Canciones para niños", "Canciones infantiles", 0.0, 0.988),
    ("给孩子买什么玩具好？", "买什么玩具送小朋友好？", 0.0, 0.993),
    ("How do I teach math to a child?", "How can I teach my son math?", 0.0, 0.991),
    ("What is the meter in a poem?", "What is meter in poetry?", 0.0, 0.977),
    ("Tabulate the populations of the five largest countries.",
     "Put the populations of the five largest countries in a table.", 0.0, 0.956),
    ("Describe the ocean in poetic form.", "Describe the ocean as a poem.", 0.0, 0.995),
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


# (plain question, the same with an instruction): the plain side holds the form's word inside another word, a number
# or a word of another language ("kind" is German for child), which format 29 read as naming the form.
HIDDEN = [
    ("What is a function in Python?", "What is a function in Python? Answer humorously."),
    ("What kind of animal is a platypus?", "What kind of animal is a platypus? Explain like I'm five."),
    ("How do kidneys work?", "How do kidneys work? Explain like I'm five."),
    ("What is stable diffusion?", "What is stable diffusion? Answer in a table."),
    ("Which vegetables are high in protein?", "Which vegetables are high in protein? Answer in a table."),
    ("What is the latest version of Python?", "What is the latest version of Python? Answer as a poem."),
    ("What is cognitive behavioral therapy?", "What is cognitive behavioral therapy? Answer as a poem."),
    ("What is the point of philosophy?", "What is the point of philosophy? Answer in bullet points."),
    ("How do I listen to podcasts on Android?", "How do I listen to podcasts on Android? Answer as a numbered list."),
    ("What are the five senses?", "What are the five senses? Explain like I'm five."),
    ("What is the boiling point of water?", "What is the boiling point of water? Answer in bullet points."),
    ("¿Qué es una función en Python?", "¿Qué es una función en Python? Responde con humor."),
    ("¿Cuál es la versión más reciente de Python?", "¿Cuál es la versión más reciente de Python? Responde con un poema."),
    ("Was ist eine Funktion in Python?", "Was ist eine Funktion in Python? Antworte lustig."),
    ("Warum gibt es Kinderarbeit?", "Warum gibt es Kinderarbeit? Erkläre es wie einem Fünfjährigen."),
    ("Wie funktioniert ein Funkgerät?", "Wie funktioniert ein Funkgerät? Antworte witzig."),
    ("Что будет, если смешать уксус и соду?", "Что будет, если смешать уксус и соду? Объясни как пятилетнему."),
    ("Какие детали нужны для сборки ПК?", "Какие детали нужны для сборки ПК? Объясни как пятилетнему."),
    ("Что такое пункт назначения?", "Что такое пункт назначения? Ответь списком."),
    ("量子计算有什么特点？", "量子计算有什么特点？请分点回答。"),
    ("现在几点了？", "现在几点了？请分点回答。"),
    ("什么是代表作？", "什么是代表作？请用表格回答。"),
    ("如何表达感谢？", "如何表达感谢？请用表格回答。"),
    ("什么是唐诗？", "什么是唐诗？请用诗的形式回答。"),
    # made up: the same kinds
    ("What is a fungus?", "What is a fungus? Answer in a funny way."),
    ("How do I adjust a listing price?", "How do I adjust a listing price? Answer as a list."),
    ("¿Qué es una tablatura?", "¿Qué es una tablatura? Responde en una tabla."),
    ("Wie funktioniert ein Kindergarten?", "Wie funktioniert ein Kindergarten? Erkläre es wie einem Kind."),
    ("Что будет с ценами на нефть?", "Что будет с ценами на нефть? Объясни как ребенку."),
    ("这个地点安全吗？", "这个地点安全吗？请分点回答。"),
]


@pytest.mark.parametrize(("plain", "asked"), HIDDEN)
def test_a_form_word_inside_another_word_names_no_form(plain: str, asked: str) -> None:
    assert forms(asked) and answer_form_change(plain, asked) and answer_form_change(asked, plain)


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("What is photosynthesis? Limit your answer to 100 words.", "word:100"),
        ("What is photosynthesis? Respond in about 50 words.", "word:50"),
        ("What is photosynthesis? Keep it to 3 sentences max.", "sentence:3"),
        ("What is photosynthesis? Answer in 100 words or less.", "word:100"),
        ("Is coffee bad for you? Answer yes or no.", "yesno"), ("Is coffee bad for you? Just say yes or no.", "yesno"),
        ("Is coffee bad for you? Yes or no?", "yesno"),
        ("What is recursion? Explain it to a 10-year-old.", "simple"), ("What is recursion? Explain like I'm 10.", "simple"),
        ("What is quantum computing? Explain it to an expert.", "expert"),
        ("What is quantum computing? Explain it at a PhD level.", "expert"),
        ("What is inflation? Explain it to a teenager.", "teen"), ("¿Qué es la inflación? Explícalo para un adolescente.", "teen"),
        ("Что такое инфляция? Объясни как подростку.", "teen"),
        ("What is love? Answer in a sarcastic tone.", "sarcastic"), ("What is inflation? Answer politely.", "polite"),
        ("Tabulate the populations of the five largest countries.", "table"),
        ("Describe the ocean in poetic form.", "verse"),
        ("¿Qué es la fotosíntesis? Responde sí o no.", "yesno"),
        ("¿Qué es la fotosíntesis? Responde en unas 50 palabras.", "word:50"),
        ("¿Qué es la inflación? Explícalo para un experto.", "expert"),
        ("Was ist Photosynthese? Erkläre es einem Zehnjährigen.", "simple"),
        ("Was ist Inflation? Antworte höflich.", "polite"), ("Was ist Inflation? Antworte mit Ja oder Nein.", "yesno"),
        ("Что такое фотосинтез? Ответь да или нет.", "yesno"),
        ("Что такое инфляция? Ответь в формате таблицы.", "table"),
        ("Что такое инфляция? Объясни как эксперту.", "expert"),
        ("什么是光合作用？请用文言文回答。", "classical"), ("什么是通货膨胀？请用专业术语回答。", "expert"),
        ("这是真的吗？请回答是或否。", "yesno"),
    ],
)
def test_an_instruction_format_29_did_not_read(question: str, form: str) -> None:
    assert form in forms(question)
    for mark in ("? ", "？"):
        if mark in question.rstrip("?？"):
            plain = question.split(mark)[0] + mark.strip()
            assert not forms(plain) and answer_form_change(plain, question) and answer_form_change(question, plain)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # an audience or a topic, no instruction
        ("Cuentos para niños", "Cuentos infantiles"), ("Películas para niños", "Películas infantiles"),
        ("¿Dónde compro ropa para niños?", "¿Dónde compro ropa infantil?"),
        ("给孩子买什么玩具好？", "买什么玩具送小朋友好？"), ("给孩子看的动画片推荐", "儿童动画片推荐"),
        ("给孩子讲什么睡前故事好？", "睡前给小朋友讲什么故事好？"),
        ("How do I teach math to a child?", "How can I teach my son math?"),
        ("What is the meter in a poem?", "What is meter in poetry?"), ("What is enjambment in a poem?", "What is enjambment in poetry?"),
        ("¿Qué es una estrofa en un poema?", "¿Qué es una estrofa en poesía?"),
        ("What is a bridge in a song?", "What is a bridge in music?"),
        ("How do I find duplicates in a table?", "How do I find duplicate rows in SQL?"),
        ("How many words are in a sentence?", "How long is the average sentence?"),
        ("Tell me how many syllables are in one line of a haiku.", "How many syllables go in each line of a haiku?"),
        ("Give me gift ideas for a 5 year old", "Give me gift ideas for a preschooler"),
        ("Explain HTML", "Explain HyperText Markup Language"),
        ("How do I explain death to a child?", "How do I explain death to a toddler?"),
        ("Best books for teenagers", "Good books for teens"),
        ("Как объяснить ребенку, что такое смерть?", "Как рассказать малышу о смерти?"),
        ("Wie erkläre ich einem Kind den Tod?", "Wie spreche ich mit meinem Sohn über den Tod?"),
        ("如何给孩子解释死亡？", "怎么跟小朋友讲死亡？"),
        # the same form in other words
        ("Tabulate the populations of the five largest countries.", "Put the populations of the five largest countries in a table."),
        ("Describe the ocean in poetic form.", "Describe the ocean as a poem."),
        ("Summarize World War 2 in 100 words.", "Summarize World War 2 in under 100 words."),
        ("Explain photosynthesis in simple terms for a child.", "Explain photosynthesis to a kid."),
        ("Explain gravity like I'm five.", "ELI5: gravity"),
        ("Is coffee bad for you? Answer yes or no.", "Is coffee bad for you? Reply with yes or no."),
        ("Escribe un poema corto que rime sobre el amor", "Escribe un poema breve y con rima sobre el amor"),
        # left to the model: oasst1 rewordings add them to the same question
        ("How do I build a PC?", "Could you walk me through the process of building a PC myself, step by step?"),
        ("编写一个python for循环", "请帮我用python编写一个for循环的例子。"),
        ("Can you answer questions in German?", "Can you answer questions in German, yes or no?"),
    ],
)
def test_no_change_of_form(a: str, b: str) -> None:
    assert not answer_form_change(a, b) and not answer_form_change(b, a)
