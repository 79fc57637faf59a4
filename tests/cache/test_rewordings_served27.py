"""Rewordings rule format 26 refused for their spelling or typography (issue 8: recall 0.585 at precision 0.988 on dev
against the 0.85 target; a newcomer's findings M5 and M7): a writer who types no accent at all ("¿Cual es la ciudad mas
grande de Canada?"), two questions asked in another order ("When was penicillin first discovered, and by whom?" / "Who
discovered penicillin and when?"), a typographic dash or "½" ("–5" / "-5", "½" / "1/2"), a contraction ("What's" /
"What is"), British and American spelling ("favourite colour"), a hyphen inside a word ("e-mail"), Traditional and
Simplified Chinese ("臺灣" / "台灣"), a German umlaut written out ("groesste" / "größte"), one quantity in another unit
written with a decimal or in data sizes ("1.5 kg" / "1500 g", "1 GB" / "1000 MB"). Rule format 27 (same weights)
serves them; their look-alikes stay vetoed or missed. Token-level tests read the features as the featurizer does; the
shipped-rule tests use real e5 + USE embedders, real embedded Milvus and the shipped rule.
"""

from __future__ import annotations

import pytest

from tests.cache.backends import served_pair
from velo.cache import SemanticCache, numbers, question_words, spellings, text, variants
from velo.cache.features import _Pair

# (cached question, request, format 26's score, format 27's) with the answer "the answer to {cached}"
# (/work/scratch/norm27/score.py on main 6294ff7 and on this branch).
SERVED = [
    # a writer who types no accent at all (format 26: symbol_swap, an accent on a content word)
    ("¿Cuál es la ciudad más grande de Canadá?", "¿Cual es la ciudad mas grande de Canada?", 0.0, 1.0),
    ("¿Quién inventó la nitroglicerina?", "Quien invento la nitroglicerina?", 0.0, 1.0),
    ("¿Qué come un pingüino?", "que come un pinguino", 0.0, 1.0),  # Spanish "ü": an accent, not an umlaut
    ("What is the best café in Paris?", "What is the best cafe in Paris?", 0.0, 1.0),
    # the same two things asked in another order (format 26: role_swap, question_words.question_swap)
    ("Who discovered penicillin and when?", "When was penicillin first discovered, and by whom?", 0.0, 1.0),
    ("¿Quién descubrió la penicilina y cuándo?", "¿Cuándo y quién descubrió la penicilina?", 0.0, 0.964),
    ("Wann und von wem wurde das Penicillin entdeckt?", "Wer hat das Penicillin wann entdeckt?", 0.0, 0.994),
    ("Когда и кем был открыт пенициллин?", "Кто и когда открыл пенициллин?", 0.0, 0.994),
    ("青霉素是什么时候被谁发现的？", "谁在什么时候发现了青霉素？", 0.0, 0.986),
    # typographic dashes and fractions (format 26: number_mismatch or symbol_swap, or tokens that differ)
    ("What happened in 1914-1918?", "What happened in 1914–1918?", 0.636, 1.0),
    ("Is it -5 degrees outside?", "Is it –5 degrees outside?", 0.0, 1.0),
    ("What is 10 - 3?", "What is 10 – 3?", 0.908, 1.0),
    ("What does ls --all do?", "What does ls —all do?", 0.0, 1.0),
    ("What is 1/2 of 10?", "What is ½ of 10?", 0.0, 1.0),
    ("How many grams is 1 1/2 cups of flour?", "How many grams is 1½ cups of flour?", 0.0, 1.0),
    # contractions, British / American spelling, a hyphen inside a word, Traditional / Simplified, an umlaut written out
    ("What is the SQL query to count rows?", "What's the SQL query to count rows?", 0.981, 1.0),
    ("What is the SQL query to count the number of rows in a table?",
     "What's the SQL query to count the number of rows in a table?", 0.949, 1.0),
    ("What time is it in Tokyo when it is noon in London?", "What time is it in Tokyo when it's noon in London?", 0.975, 1.0),
    ("I'm not sure which laptop to buy, can you help?", "I am not sure which laptop to buy, can you help?", 0.976, 1.0),
    ("Why do not cats like water?", "Why don't cats like water?", 0.995, 1.0),
    ("What is your favorite color?", "What is your favourite colour?", 0.997, 1.0),
    ("How do I organize my closet?", "How do I organise my closet?", 0.984, 1.0),
    ("Where is the city center of Berlin?", "Where is the city centre of Berlin?", 0.963, 1.0),
    ("How do I send an email?", "How do I send an e-mail?", 0.976, 1.0),
    ("Wie schreibe ich eine Email?", "Wie schreibe ich eine E-Mail?", 0.947, 1.0),
    ("臺灣最高的山是哪一座？", "台灣最高的山是哪一座？", 0.669, 1.0),
    ("台湾最高的山是哪一座？", "臺灣最高的山是哪一座？", 0.822, 1.0),
    ("為什麼天空是藍色的？", "为什么天空是蓝色的？", 0.870, 1.0),
    ("Wie groß ist der größte See Deutschlands?", "Wie gross ist der groesste See Deutschlands?", 0.076, 1.0),
    ("Was kostet ein Ticket für München?", "Was kostet ein Ticket fuer Muenchen?", 0.347, 1.0),
    # one quantity in another unit of its family, a decimal or a data size (format 26: number_mismatch)
    ("How much is 1.5 kg in pounds?", "How much is 1500 g in pounds?", 0.0, 1.0),
    ("Wie viel sind 1,5 kg in Pfund?", "Wie viel sind 1500 g in Pfund?", 0.0, 1.0),
    ("How long is 1.5 hours in seconds?", "How long is 90 minutes in seconds?", 0.0, 1.0),
    ("A train travels 120 km in 90 minutes. What is its average speed?",
     "A train travels 120 km in 1.5 hours. What is its average speed?", 0.0, 1.0),
    ("Is 1 GB enough for a phone plan?", "Is 1000 MB enough for a phone plan?", 0.0, 1.0),
    ("Is 2 TB enough for a laptop?", "Is 2000 GB enough for a laptop?", 0.0, 1.0),
]

# (cached question, request, score): another question (or word), as format 26 scored it, unchanged by format 27.
STILL_MISSED = [
    ("¿Quién es el papá?", "¿Quién es el papa?", 0.0),  # both type accents elsewhere: "papá" is another word
    # "papá" / "papa" even from a writer who types no accent (rule format 28: test_false_hits28.py)
    ("¿Cuántos años tiene?", "¿Cuántos anos tiene?", 0.0),
    ("Ist das schön gut?", "Ist das schon gut?", 0.0),  # a German umlaut left out is another word
    ("Was würde passieren?", "Was wurde passieren?", 0.0),
    ("Who discovered penicillin and when?", "When was penicillin discovered?", 0.0),  # two things against one
    ("Who discovered penicillin?", "When was penicillin discovered?", 0.0),
    ("How do I re-sign a document?", "How do I resign a document?", 0.088),  # "re-": another word
    ("How many kilograms are in a ton?", "How many kilograms are in a tonne?", 0.441),  # 907 kg / 1000 kg
    ("Is 1 GB enough for a phone plan?", "Is 100 MB enough for a phone plan?", 0.0),
    ("Convert 1.5 kg to g", "Convert 1500 g to kg", 0.0),  # the reverse conversion
    ("How far is 2.5 km in miles?", "How far is 250 m in miles?", 0.0),
]


def _vetoed(cached: str, request_: str) -> bool:
    p = _Pair(request_, cached)
    return bool(
        numbers.number_change(p.request, p.cached, p.same_quantities) >= 1.0
        or question_words.question_swap(p.tq, p.tc)
        or text.symbol_swap(p.tq, p.tc)
        or (p.tq == p.tc and text.spelling_swap(p.request, p.cached))
    )


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, *_ in SERVED])
def test_a_rewording_is_no_veto_either_way(cached: str, request_: str) -> None:
    assert not _vetoed(cached, request_) and not _vetoed(request_, cached)


@pytest.mark.parametrize(("cached", "request_"), [(c, r) for c, r, s in STILL_MISSED if s == 0.0])
def test_a_look_alike_is_vetoed_either_way(cached: str, request_: str) -> None:
    assert _vetoed(cached, request_) and _vetoed(request_, cached)


@pytest.mark.parametrize(
    ("a", "b", "swap"),
    [
        ("¿Cual es la ciudad mas grande de Canada?", "¿Cuál es la ciudad más grande de Canadá?", False),
        ("quien es jose", "¿Quién es José?", False),
        ("¿Quién es el papa?", "¿Quién es el papá?", True),  # both type accents
        ("¿Quien es el cantante?", "¿Quién es el cantánte?", False),  # "Quien": this writer types none
        ("¿Quien es el papa?", "¿Quién es el papá?", True),  # a frequent minimal pair (rule format 28)
        ("Ist das schon gut?", "Ist das schön gut?", True),  # an umlaut, even from a writer who types none
        ("Que come un pinguino", "Qué come un pingüino", False),  # "ü" beside Spanish signs is an accent
        ("Где ёлка?", "Где елка?", False),  # ё written е, as before
    ],
)
def test_an_accent_is_typing_only_where_one_side_types_none(a: str, b: str, swap: bool) -> None:
    assert text.spelling_swap(a, b) is swap and text.spelling_swap(b, a) is swap


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1914–1918", ["1914", "-", "1918"]), ("–5 °C", ["-", "5", "°", "c"]), ("10 — 3", ["10", "-", "3"]),
        ("ls —all", ["ls", "--all"]), ("ls –force", ["ls", "--force"]), ("½", ["1", "/", "2"]),
        ("1½ cups", ["1", "1", "/", "2", "cups"]), ("¹/₂", ["1", "/", "2"]), ("10²", ["10", "^", "2"]),
        ("Киты — рыбы?", ["киты", "рыбы"]), ("well‐known", ["well", "known"]),  # a dash between words stays punctuation
    ],
)
def test_typographic_dashes_and_fractions_are_the_ascii_ones(raw: str, expected: list[str]) -> None:
    assert text.tokens(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("How much is 1.5 kg in pounds?", "How much is 1500 g in pounds?", 0.0),
        ("120 km in 90 minutes", "120 km in 1.5 hours", 0.0),
        ("Is 1 GB enough?", "Is 1024 MB enough?", 0.0),  # binary prefixes
        ("Is 1 GB enough?", "Is 1000 MB enough?", 0.0),  # decimal prefixes
        ("Is 1 GB enough?", "Is 100 MB enough?", 1.0),
        ("How much is 1.5 kg in pounds?", "How much is 150 g in pounds?", 1.0),
        ("How much is 1,000 kg in pounds?", "How much is 1 g in pounds?", 1.0),  # a thousands separator, no decimal
    ],
)
def test_one_quantity_in_another_unit_is_one_number(a: str, b: str, change: float) -> None:
    p = _Pair(a, b)
    assert numbers.number_change(p.request, p.cached, p.same_quantities) == change


def test_a_typographic_minus_sign_is_the_same_number() -> None:
    assert numbers.number_change("Is it –5 degrees?", "Is it -5 degrees?") == 0.0
    assert numbers.number_change("Is it –5 degrees?", "Is it 5 degrees?") == 1.0


@pytest.mark.parametrize(
    ("folded", "spelled"),
    [
        ("what's the sql query", "what is the sql query"), ("whats up", "what is up"), ("it’s noon", "it is noon"),
        ("why don't cats", "why don t cats"), ("why do not cats", "why don t cats"), ("why dont cats", "why don t cats"),
        ("i cannot go", "i can t go"), ("i can not go", "i can t go"), ("i can't go", "i can t go"),
        ("i won't", "i won t"), ("you're", "you are"), ("i'm here", "i am here"), ("we'll see", "we will see"),
        ("john's car", "john's car"), ("its tail", "its tail"), ("i'd go", "i'd go"), ("a wont", "a wont"),
    ],
)
def test_contractions_have_one_spelling(folded: str, spelled: str) -> None:
    assert spellings.contractions(folded) == spelled


def test_traditional_chinese_is_simplified_and_japanese_kept() -> None:
    assert spellings.simplified("臺灣最高的山") == spellings.simplified("台灣最高的山") == "台湾最高的山"
    assert spellings.simplified("為什麼") == "为什么"
    assert spellings.simplified("東京の天気は？") == "東京の天気は？"
    assert spellings.simplified("What is Python?") == "What is Python?"


@pytest.mark.parametrize(
    ("british", "american"),
    [("colour", "color"), ("favourite", "favorite"), ("organisation", "organization"), ("tokenise", "tokenize"),
     ("analyse", "analyze"), ("centre", "center"), ("fibres", "fibers"), ("catalogue", "catalog"), ("defence", "defense"),
     ("travelling", "traveling"), ("cancelled", "canceled"), ("anaemia", "anemia"),
     ("oestrogen", "estrogen"), ("grey", "gray"), ("aluminium", "aluminum")],
)
def test_british_spelling_is_american(british: str, american: str) -> None:
    assert variants.american(british) == variants.american(american) == american


@pytest.mark.parametrize(
    ("a", "b"),
    [("four", "for"), ("filling", "filing"), ("michael", "michel"), ("tonne", "ton"), ("programme", "program"),
     ("timbre", "timber"), ("flour", "flor"), ("draught", "draft")],  # rule format 28: listed words only
)
def test_other_words_are_no_variant(a: str, b: str) -> None:
    assert variants.american(a) != variants.american(b)


@pytest.mark.parametrize(
    ("request_", "cached", "spelled"),
    [
        ("How do I send an e-mail?", "How do I send an email?", ["how", "do", "i", "send", "an", "email"]),
        ("How do I send an email?", "How do I send an e-mail?", ["how", "do", "i", "send", "an", "e", "mail"]),
        ("How do I re-sign it?", "How do I resign it?", ["how", "do", "i", "re", "sign", "it"]),
        ("Wie gross ist der groesste See?", "Wie groß ist der größte See?", ["wie", "gross", "ist", "der", "grosste", "see"]),
        ("Wie groß ist der größte See?", "Wie gross ist der groesste See?", ["wie", "gross", "ist", "der", "groesste", "see"]),
        ("Ist das schon gut?", "Ist das schön gut?", ["ist", "das", "schon", "gut"]),
    ],
)
def test_a_word_is_respelled_as_the_other_question_spells_it(request_: str, cached: str, spelled: list[str]) -> None:
    assert variants.respelled(request_, cached, text.tokens(request_), text.tokens(cached)) == spelled


def test_respelling_counts_only_where_it_makes_the_same_words() -> None:
    """A rewording's contraction is left as the model was fitted on it: respelled, "What's Google Authenticator?" /
    "What is google authenticator?" fell from 0.965 to 0.887 (the overlap features moved off the fit)."""
    p = _Pair("What's Google Authenticator? Is it something similar?", "What is google authenticator? Is it similar things?")
    assert p.tq[:2] == ["what", "s"]
    p = _Pair("What's your favourite colour?", "What is your favorite color?")
    assert p.tq == p.tc == ["what", "is", "your", "favorite", "color"]


@pytest.mark.parametrize(("cached", "request_", "format_26", "format_27"), SERVED)
def test_the_rewording_is_served(
    shipped_rule_cache: SemanticCache, cached: str, request_: str, format_26: float, format_27: float
) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert got and decision.score == pytest.approx(format_27, abs=0.02), decision.features


@pytest.mark.parametrize(("cached", "request_", "score"), STILL_MISSED)
def test_the_look_alike_is_a_miss(shipped_rule_cache: SemanticCache, cached: str, request_: str, score: float) -> None:
    got, decision = served_pair(shipped_rule_cache, cached, request_, "und", f"the answer to {cached}")
    assert not got and decision.score == pytest.approx(score, abs=0.02), decision.features
