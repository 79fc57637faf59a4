"""What differs between two questions is never invisible to the cache (issue "Correctness", cache kind).

Instances of one kind, each tried in several forms: a question that differs by an emoji, a symbol or a
number put in another's place is another question; two texts that differ get two entry ids (so a write-back never overwrites another
question's answer), in any script; and a question with its arguments swapped ("5 km to miles" / "5 miles
to km") is the reverse question. Real e5 + USE embedders, real embedded Milvus, the shipped default rule.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest

from velo.cache import CacheConfig, SemanticCache, default_rule, negation, numbers, question_words, roles, text
from velo.cache.decision import embedder_key
from velo.cache.features import HitFeaturizer
from velo.cache.semantic_cache import entry_id
from velo.embedding import Embedder


@pytest.fixture
def cache(tmp_path, e5: Embedder, use: Embedder) -> Iterator[SemanticCache]:
    """What `open_cache` builds by default: e5 search, USE for the differing words, the shipped rule."""
    config = CacheConfig(uri=str(tmp_path / "cache.db"), collection=f"d_{uuid.uuid4().hex[:8]}", capacity=None)
    with SemanticCache(e5, default_rule(embedder_key(e5.name, use.name)), config, HitFeaturizer(e5, use)) as c:
        yield c


# (cached question, request): the request asks something else; the cache must miss.
SYMBOL_SWAPS = [
    ("What does the 🙂 emoji mean?", "What does the 🙃 emoji mean?"),
    ("What does 🍕 mean in a text?", "What does 🍑 mean in a text?"),
    ("What does * do in Python?", "What does ** do in Python?"),
    ("What is the difference between == and === in JavaScript?", "What is the difference between == and != in JavaScript?"),
    ("Is C++ hard to learn?", "Is C# hard to learn?"),
    ("How much is 10/2?", "How much is 10-2?"),
    ("¿Cuánto son 100 € en dólares?", "¿Cuánto son 100 £ en dólares?"),
    ("这个表情😂是什么意思？", "这个表情😭是什么意思？"),
]

ROLE_SWAPS = [
    ("Convert 5 km to miles", "Convert 5 miles to km"),
    ("Translate 'good morning' from English to Spanish", "Translate 'good morning' from Spanish to English"),
    ("Is a blue whale heavier than an elephant?", "Is an elephant heavier than a blue whale?"),
    ("Convierte 5 km a millas", "Convierte 5 millas a km"),
    ("Rechne 5 km in Meilen um", "Rechne 5 Meilen in km um"),
    ("Переведи 5 км в мили", "Переведи 5 миль в км"),
    ("把5公里换算成英里", "把5英里换算成公里"),
    ("把这段话从中文翻译成英文", "把这段话从英文翻译成中文"),
]

# A number replaced by another (in digits of any script, Han numerals or words): each question has a number the
# other lacks.
NUMBER_REPLACEMENTS = [
    ("If I buy 3 apples at $2 each, how much do I pay?", "If I buy 4 apples at $2 each, how much do I pay?"),
    ("¿Quién ganó el Mundial de 2014?", "¿Quién ganó el Mundial de 2010?"),
    ("Wie viele Eier brauche ich für 500 g Mehl?", "Wie viele Eier brauche ich für 250 g Mehl?"),
    ("Сколько будет 20% от 300?", "Сколько будет 25% от 300?"),
    ("一个班有30个学生，走了6个，还剩几个？", "一个班有30个学生，走了8个，还剩几个？"),
    ("५ किलोमीटर कितने मील होते हैं?", "६ किलोमीटर कितने मील होते हैं?"),  # Devanagari digits
    ("كم ميلاً في ٥ كيلومترات؟", "كم ميلاً في ٧ كيلومترات؟"),  # Arabic-Indic digits
    ("小明有五个苹果，吃了两个，还剩几个？", "小明有五个苹果，吃了三个，还剩几个？"),  # Han numerals
    ("一件衣服原价200元，打八折后多少钱？", "一件衣服原价200元，打八五折后多少钱？"),
    ("Does the five-second rule for dropped food exist?", "Does the ten-second rule for dropped food exist?"),
]


# What case, accent and punctuation folding throws away, where it names another thing: each was served word for
# word at score 1.0 before (emoticons made of punctuation, an accent on a content word, an acronym's capitals).
FOLDED_AWAY = [
    ("What does :) mean in a chat?", "What does :( mean in a chat?"),
    ("What does :-) mean in a chat?", "What does :-( mean in a chat?"),
    ("Is ;) flirty?", "Is :) flirty?"),
    ("What does :D mean?", "What does :P mean?"),
    ("¿Qué come el papa?", "¿Qué come el papá?"),
    ("¿Cuántos años tiene?", "¿Cuántos anos tiene?"),
    ("Ist das schon gut?", "Ist das schön gut?"),  # an umlaut left out is another word (rule format 27)
    ("Was würde passieren?", "Was wurde passieren?"),
    ("Where is the US?", "Where is the us?"),
]


# Swapped arguments in inflected forms: the role words' arguments are compared by stem ("долларов" / "доллары").
INFLECTED_ROLE_SWAPS = [
    ("Переведи 10 долларов в рубли", "Переведи 10 рублей в доллары"),
    ("Сколько евро в 100 рублях?", "Сколько рублей в 100 евро?"),
    ("Переведи текст с русского на английский", "Переведи текст с английского на русский"),
    ("Rechne 10 Dollar in Euro um", "Rechne 10 Euro in Dollar um"),
    ("Convierte 10 dólares a pesos", "Convierte 10 pesos a dólares"),
    ("Traduce del inglés al español", "Traduce del español al inglés"),
]
# A number of things counted with 一 and a measure word, replaced by another ("吃了一个" / "吃了两个").
HAN_ONE_REPLACEMENTS = [
    ("小明有五个苹果，吃了一个，还剩几个？", "小明有五个苹果，吃了两个，还剩几个？"),
    ("我一年去一次北京", "我一年去三次北京"),
    ("第一次世界大战是哪一年开始的？", "第二次世界大战是哪一年开始的？"),
]


# A quantity's unit or counted thing swapped with no role word to show it, in the five languages.
UNIT_SWAPS = [
    ("Wie viele Meilen sind 10 Kilometer?", "Wie viele Kilometer sind 10 Meilen?"),
    ("How many miles are 10 kilometers?", "How many kilometers are 10 miles?"),
    ("¿Cuántas millas son 5 km?", "¿Cuántos km son 5 millas?"),
    ("Сколько миль составляют 10 километров?", "Сколько километров составляют 10 миль?"),
    ("10公里是多少英里？", "10英里是多少公里？"),
    ("I have 5 apples and 3 pears: how many fruits?", "I have 3 apples and 5 pears: how many fruits?"),
    # a unit written as an abbreviation on one side and as a word on the other
    ("Convert 5 km to miles", "Convert 5 miles to kilometers"),
    ("Convierte 5 km a millas", "Convierte 5 millas a kilómetros"),
    ("Rechne 5 km in Meilen um", "Rechne 5 Meilen in Kilometer um"),
    ("Переведи 5 км в мили", "Переведи 5 миль в километры"),
    ("How many pounds is 10 kg?", "How many kilograms is 10 pounds?"),
    ("Convert 30 °C to Fahrenheit", "Convert 30 °F to Celsius"),
    ("Convert 100 USD to EUR", "Convert 100 euros to dollars"),
]
# The same number in another unit, in the five languages.
UNITS_REPLACED = [
    ("How long does it take to walk 5 km?", "How long does it take to walk 5 miles?"),
    ("¿Cuánto se tarda en caminar 5 km?", "¿Cuánto se tarda en caminar 5 millas?"),
    ("Wie lange braucht man für 5 km zu Fuß?", "Wie lange braucht man für 5 Meilen zu Fuß?"),
    ("Сколько времени идти 5 км пешком?", "Сколько времени идти 5 миль пешком?"),
    ("Is 100 °F hot?", "Is 100 °C hot?"),
    ("¿Cuánto es 50 dólares en pesos?", "¿Cuánto es 50 euros en pesos?"),
]
# A question word of one category in place of one of another (place, time, person, reason, quantity), five languages.
QUESTION_WORD_SWAPS = [
    ("Where was Albert Einstein born?", "When was Albert Einstein born?"),
    ("¿Dónde nació Lionel Messi?", "¿Cuándo nació Lionel Messi?"),
    ("Wo wurde Goethe geboren?", "Wann wurde Goethe geboren?"),
    ("Где родился Пушкин?", "Когда родился Пушкин?"),
    ("鲁迅在哪里出生？", "鲁迅什么时候出生？"),
    ("Who wrote Hamlet?", "When was Hamlet written?"),
    ("Why did the Roman Empire fall?", "When did the Roman Empire fall?"),
    ("¿Quién inventó el teléfono?", "¿Dónde se inventó el teléfono?"),
    ("Warum ist der Himmel blau?", "Wo ist der Himmel blau?"),
    ("Кто написал «Войну и мир»?", "Когда написали «Войну и мир»?"),
    ("谁发明了电话？", "电话是什么时候发明的？"),
    # two things asked against one of them (rule format 27 serves the same two asked in another order)
    ("Who discovered penicillin and when?", "When was penicillin discovered?"),
    ("Когда и кем был открыт пенициллин?", "Кто открыл пенициллин?"),
    # the same set of categories, each opening a clause of its own: two other things asked (tester brk27, finding 1:
    # served at 0.95-0.999 by format 27, rule format 28 vetoes them again)
    ("Where was Einstein born and when did he die?", "When was Einstein born and where did he die?"),
    ("¿Dónde nació Einstein y cuándo murió?", "¿Cuándo nació Einstein y dónde murió?"),
    ("Wo wurde Einstein geboren und wann starb er?", "Wann wurde Einstein geboren und wo starb er?"),
    ("Где родился Эйнштейн и когда он умер?", "Когда родился Эйнштейн и где он умер?"),
    ("爱因斯坦在哪里出生，什么时候去世？", "爱因斯坦什么时候出生，在哪里去世？"),
    ("Where was Mozart born and when did he die?", "When was Mozart born and where did he die?"),
    ("¿Dónde vivió Picasso y cuándo pintó el Guernica?", "¿Cuándo vivió Picasso y dónde pintó el Guernica?"),
    ("When did Lincoln die and who shot him?", "Who died when Lincoln was shot?"),  # "when" joins a clause there    ("When to plant tomatoes?", "Where to plant tomatoes?"),  # "when" / "where" before "to" ask
    ("Where in the lower 48 can I see the best starry sky?", "When is the best time to see the starry sky in the lower 48?"),
]
# Han 一 numbering a date, a metro line or a floor.
HAN_ONE_NUMBERING = [
    ("十月一日是什么节日？", "十月二日是什么节日？"),
    ("一号线几点开始运营？", "十一号线几点开始运营？"),
    ("一楼有厕所吗？", "十一楼有厕所吗？"),
]
# A negation put in where the two questions are otherwise the same, in the five languages.
NEGATIONS_PUT_IN = [
    ("Is coffee bad for you?", "Is coffee not bad for you?"),
    ("Why is the sky blue?", "Why isn't the sky blue?"),
    ("¿El café es malo para la salud?", "¿El café no es malo para la salud?"),
    ("Ist Kaffee schlecht für dich?", "Ist Kaffee nicht schlecht für dich?"),
    ("Кофе вреден для здоровья?", "Кофе не вреден для здоровья?"),
    ("咖啡对身体有害吗？", "咖啡对身体无害吗？"),
    ("Can I fly with a power bank?", "Can I fly without a power bank?"),
    # a word with a negating prefix in place of the word
    ("How long does cooked rice last?", "How long does uncooked rice last?"),
    ("Wie installiere ich ein Python-Paket mit pip?", "Wie deinstalliere ich ein Python-Paket mit pip?"),
    ("¿Cómo instalo Python en Windows?", "¿Cómo desinstalo Python en Windows?"),
    ("Это правильно написано?", "Это неправильно написано?"),
]


@pytest.mark.parametrize(
    ("cached", "request_"),
    SYMBOL_SWAPS + ROLE_SWAPS + NUMBER_REPLACEMENTS + FOLDED_AWAY + INFLECTED_ROLE_SWAPS + HAN_ONE_REPLACEMENTS
    + UNIT_SWAPS + NEGATIONS_PUT_IN + UNITS_REPLACED + QUESTION_WORD_SWAPS + HAN_ONE_NUMBERING,
)
def test_a_swapped_symbol_or_swapped_arguments_is_a_miss(cache: SemanticCache, cached: str, request_: str) -> None:
    cache.insert(cached, "the cached answer", lang="en")
    result = cache.lookup(request_, record=False)
    assert result.answer is None, (request_, result.decision.score, result.decision.features)
    assert cache.lookup(cached, record=False).answer == "the cached answer", "the cached question itself still hits"


# Chinese unit names are words of several characters, each character a token: swapped (reverse direction) and replaced
# at the same number, Simplified and Traditional, each with a real answer (the answer's fit is a feature too); then
# units of the same kind in the other languages.
UNITS_WITH_ANSWERS = [
    ("5公里等于多少英里", "5公里约等于3.1英里。", "5英里等于多少公里"),
    ("5千米等于多少英里？", "5千米约等于3.1英里。", "5英里等于多少千米？"),  # served at 0.989: "5千米" was read as 51000 米
    ("10公斤是多少磅？", "10公斤约等于22磅。", "10磅是多少公斤？"),
    ("30攝氏度是多少華氏度？", "30攝氏度等於86華氏度。", "30華氏度是多少攝氏度？"),
    ("走5公里要多久？", "步行5公里大约需要1小时。", "走5英里要多久？"),
    ("100摄氏度的水烫吗？", "100摄氏度的水是沸水，非常烫。", "100华氏度的水烫吗？"),
    ("100美元能买什么？", "100美元可以买一双运动鞋。", "100欧元能买什么？"),
    ("100美元是多少人民币？", "100美元约合720元人民币。", "100欧元是多少人民币？"),
    ("一百元能买什么？", "一百元可以买几本书。", "一百日元能买什么？"),
    ("8盎司是多少克？", "8盎司约等于227克。", "8克是多少盎司？"),  # the rest were served before: 0.999, 0.972, 0.99
    ("煮鸡蛋要10分钟吗？", "一般煮10分钟左右。", "煮鸡蛋要10小时吗？"),
    ("100公斤重吗？", "100公斤算比较重。", "100斤重吗？"),
    # the same kind in the other languages: units of speed and time were no units (served at 0.943 and 0.636)
    ("Is 30 mph fast?", "30 mph is a typical city speed limit.", "Is 30 km/h fast?"),
    ("Should I boil an egg for 10 minutes?", "10 minutes gives a hard-boiled egg.", "Should I boil an egg for 10 hours?"),
    ("¿Hay que hervir un huevo 10 minutos?", "10 minutos dan un huevo duro.", "¿Hay que hervir un huevo 10 horas?"),
    ("Soll ich ein Ei 10 Minuten kochen?", "Nach 10 Minuten ist es hart.", "Soll ich ein Ei 10 Stunden kochen?"),
    ("Нужно ли варить яйцо 10 минут?", "За 10 минут яйцо сварится вкрутую.", "Нужно ли варить яйцо 10 часов?"),
    ("How far is 100 meters?", "About a football pitch.", "How far is 100 yards?"),
    # a unit written before the number, or after a word for degrees (served at 0.975, 0.72, 0.944 and 0.718)
    ("How much is $100 in euros?", "$100 is about 92 euros.", "How much is 100 euros in dollars?"),
    ("Is USD 100 a lot in Mexico?", "USD 100 goes a long way in Mexico.", "Is EUR 100 a lot in Mexico?"),
    ("¿Cuánto son $100 en euros?", "$100 son unos 92 euros.", "¿Cuánto son 100 euros en dólares?"),
    ("Sind 20 Grad Celsius warm?", "20 °C sind mild.", "Sind 20 Grad Fahrenheit warm?"),
    ("Is 20 degrees Celsius warm?", "20 °C is mild.", "Is 20 degrees Fahrenheit warm?"),
]


@pytest.mark.parametrize(("cached", "answer", "request_"), UNITS_WITH_ANSWERS)
def test_units_swapped_or_replaced_at_the_same_number_are_vetoed(cache: SemanticCache, cached: str, answer: str, request_: str) -> None:
    cache.insert(cached, answer, lang="und")
    result = cache.lookup(request_, lang="und", record=False)
    assert result.answer is None and result.decision.features.role_swap == 1.0, (result.decision.score, result.decision.features)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is 100 yuan a lot of money?", "Is 100 yen a lot of money?"),
        ("¿Es mucho dinero 100 yuanes?", "¿Es mucho dinero 100 yenes?"),
        ("Sind 100 Yuan viel Geld?", "Sind 100 Yen viel Geld?"),
        ("100 юаней это много?", "100 иен это много?"),
        ("100元能买什么？", "100日元能买什么？"),
        ("Is 100 GBP a lot?", "Is 100 USD a lot?"),
        ("20 градусов Цельсия это тепло?", "20 градусов Фаренгейта это тепло?"),  # units as tokens spell them: folded й
        ("Сколько см в 10 дюймах?", "Сколько дюймов в 10 см?"),
        ("Сколько часов в 3 днях?", "Сколько дней в 3 часах?"),
    ],
)
def test_yuan_yen_and_pounds_sterling_are_units(a: str, b: str) -> None:
    assert roles.unit_swap(text.tokens(numbers.han_numerals_as_digits(a)), text.tokens(numbers.han_numerals_as_digits(b)))


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("How far is 5 km in miles?", "How far is five km in miles?"),
        ("十五个苹果吃了三个还剩几个", "15个苹果吃了3个还剩几个"),
        ("How many people live in Tokyo, 1,000 or 14,000,000?", "How many people live in Tokyo: 1000 or 14000000?"),
        ("Сколько будет 3,5 + 2?", "Сколько будет 3.5 + 2?"),
        ("２０２４年は閏年ですか", "2024年は閏年ですか"),
        ("كم ميلاً في ٥ كيلومترات؟", "كم ميلاً في 5 كيلومترات؟"),
    ],
)
def test_numbers_written_otherwise_are_not_a_replaced_number(cached: str, request_: str) -> None:
    assert numbers.number_change(cached, request_) < 1.0


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("What is the difference between a cat and a dog?", "What is the difference between a dog and a cat?"),
        ("How do I convert km to miles?", "How do I convert km to miles? 🙂"),
        ("Wie lese ich eine Datei in Python Zeile für Zeile ein?", "Wie lese ich in Python eine Datei Zeile für Zeile ein?"),
    ],
)
def test_symmetric_or_moved_words_are_not_swaps(cached: str, request_: str) -> None:
    a, b = text.tokens(cached), text.tokens(request_)
    assert not roles.role_swap(a, b) and not text.symbol_swap(a, b)


@pytest.mark.parametrize(
    ("a", "b", "swap"),
    [
        ("How many miles are in 5 kilometers?", "5 km in miles?", False),  # one quantity, same unit: the target moved
        ("¿Cuántas millas hay en 5 kilómetros?", "¿5 km en millas?", False),
        ("Is 5 km more than 3 miles?", "Is 3 miles more than 5 km?", True),  # two quantities: still the reverse
        ("How long does it take to walk 5 km?", "How long does it take to walk 5 kilometers?", False),
    ],
)
def test_a_moved_target_unit_is_no_role_swap(a: str, b: str, swap: bool) -> None:
    assert roles.role_swap(text.tokens(a), text.tokens(b)) is swap


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("When does the store open?", "What time does the store open?"),  # the same category worded otherwise
        ("¿Cuándo abre la tienda?", "¿A qué hora abre la tienda?"),
        ("Why is the sky blue?", "How come the sky is blue?"),
        ("为什么天空是蓝色的？", "天空为何是蓝色的？"),
        ("Wie lange dauert der Flug?", "Wie viel Zeit dauert der Flug?"),
        ("Как зовут президента Франции?", "Кто президент Франции?"),  # "как зовут" asks for a name
        ("How can I remember new words faster?", "What's a good way to memorize words when learning?"),  # first word vague
        ("Как сварить гречку?", "Сколько варить гречку?"),  # manner beside quantity: rewordings do it
        ("Wie hoch ist der Kalorienverbrauch beim Laufen?", "Wie viele Kalorien verbrennt man beim Laufen?"),
        ("Откуда название у Магнитогорска?", "Почему Магнитогорск так называется?"),  # "откуда" is also "why"
        # the same two things asked in another order (rule format 27; dev: "When was penicillin first discovered, and
        # by whom?" / "Who discovered penicillin and when?" was vetoed)
        ("When was penicillin first discovered, and by whom?", "Who discovered penicillin and when?"),
        ("¿Cuándo y quién descubrió la penicilina?", "¿Quién descubrió la penicilina y cuándo?"),
        ("Wer hat das Penicillin wann entdeckt?", "Wann und von wem wurde das Penicillin entdeckt?"),
        ("Кто и когда открыл пенициллин?", "Когда и кем был открыт пенициллин?"),
        ("谁在什么时候发现了青霉素？", "青霉素是什么时候被谁发现的？"),
        # English "when" / "where" before a subject is a conjunction (rule format 28; oasst1 validation and train rewordings
        # that format 27 vetoed)
        ("Why does the second batch of pancakes brown much faster?",
         "I've noticed something when making pancakes: the second batch browns much faster. What's the reason for that?"),
        ("Now give me a list of 5 words where the letters are in reverse alphabetical order.",
         "Now give me 5 words whose letters are in reverse alphabetical order."),
    ],
)
def test_question_words_of_one_category_are_no_swap(a: str, b: str) -> None:
    assert not question_words.question_swap(text.tokens(a), text.tokens(b))


def test_ten_thousand_in_han_numerals_is_the_same_number() -> None:
    assert numbers.number_change("一万元能买什么？", "10000元能买什么？") == 0.0


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("5万元能买车吗？", "50000元能买车吗？", 0.0),  # digits before 万, 千, 百 multiply it
        ("1.5万元够吗？", "15000元够吗？", 0.0),
        ("5千元够吗？", "6千元够吗？", 1.0),
        ("5千米有多远？", "5公里有多远？", 0.0),  # 千米 is km: 5, not 5 and 1000
        ("五千米有多远？", "五公里有多远？", 0.0),
    ],
)
def test_digits_before_a_han_myriad_multiply_it(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == change


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5公里等于多少英里", "5公里是多少英里？"),  # reworded around the same quantity and target
        ("5公里等于多少英里", "五公里是多少英里"),
        ("5千米等于多少英里", "5公里等于多少英里"),  # two names of one unit
        ("把100美元换成人民币", "100美金换成人民币是多少"),
    ],
)
def test_chinese_units_reworded_are_no_swap(a: str, b: str) -> None:
    ta, tb = (text.tokens(numbers.han_numerals_as_digits(q)) for q in (a, b))
    assert not roles.role_swap(ta, tb)


# Pairs of texts that differ: each pair must get two ids, and a write-back of one never replaces the other.
DIFFERENT_TEXTS = [
    ("What does 🍕 mean in a text?", "What does 🍑 mean in a text?"),
    ("What does 👍 mean?", "What does 👍🏽 mean?"),  # a skin-tone modifier
    ("Is 5/2 an integer?", "Is 5-2 an integer?"),
    ("Is 3.5 > 3?", "Is 3.5 < 3?"),
    ("What is $5 in euros?", "What is €5 in euros?"),
    ("What is 'a' in regex?", "What is 'a?' in regex?"),
    ("Why?", "Why!"),
    ("What is US?", "What is us?"),
    ("ไม่ แปลว่าอะไร", "ไม้ แปลว่าอะไร"),  # Thai: tone marks make different words, no spaces between words
    ("東京タワーの高さは？", "東京スカイツリーの高さは？"),
    ("北京的人口是多少", "南京的人口是多少"),
    ("ភាសាខ្មែរ", "ភាសាខ្មែ"),  # Khmer, no spaces
    ("Qu'est-ce que ça veut dire ?", "Qu'est-ce que ca veut dire ?"),
]


@pytest.mark.parametrize(("a", "b"), DIFFERENT_TEXTS)
def test_texts_that_differ_get_different_ids(a: str, b: str) -> None:
    assert entry_id("default", "", a, "und") != entry_id("default", "", b, "und")
    assert entry_id("default", "", a, "und") == entry_id("default", "", f"  {a}\n", "und"), "white space alone is not a difference"


def test_a_write_back_never_overwrites_another_questions_answer(cache: SemanticCache) -> None:
    texts = list(dict.fromkeys(itertools.chain.from_iterable(DIFFERENT_TEXTS)))
    entries = cache.insert_many([(q, f"answer to {q}", "en") for q in texts])
    assert len({e.id for e in entries}) == len(cache) == len(texts)
    stored = {e.question: e.answer for e in cache.entries()}
    assert stored == {q: f"answer to {q}" for q in texts}


def test_pizza_and_peach_are_two_entries_each_served_its_own_answer(cache: SemanticCache) -> None:
    cache.insert("What does 🍕 mean in a text?", "Pizza, or a pizza night.", lang="en")
    cache.insert("What does 🍑 mean in a text?", "A peach, or a bottom.", lang="en")
    assert len(cache) == 2
    assert cache.lookup("What does 🍕 mean in a text?", record=False).answer == "Pizza, or a pizza night."
    assert cache.lookup("What does 🍑 mean in a text?", record=False).answer == "A peach, or a bottom."


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("What does the 🙂 emoji mean?", ["what", "does", "the", "🙂", "emoji", "mean"]),
        ("Is 5/2 or 5-2 or 3:2 bigger?", ["is", "5", "/", "2", "or", "5", "-", "2", "or", "3", ":", "2", "bigger"]),
        ("Price: 5 € → $", ["price", "5", "€", "→", "$"]),
        ("ไม่ ไม้", ["ไม่", "ไม้"]),
        ("नमस्ते दुनिया", ["नमस्ते", "दुनिया"]),
    ],
)
def test_tokens_keep_symbols_and_the_marks_of_other_scripts(raw: str, expected: list[str]) -> None:
    assert text.tokens(raw) == expected


@pytest.mark.parametrize(
    ("cached", "request_"),
    [
        ("¿Qué es Python?", "que es python"),  # the accent of a function word, case, punctuation
        ("Was ist gut für Kinder?", "was ist gut fur kinder"),
        ("What is the capital of France?", "WHAT IS THE CAPITAL OF FRANCE"),
        ("Что такое всё это?", "что такое все это"),  # ё written е
        ("How do I convert km to miles?", "How do I convert km to miles ?"),
    ],
)
def test_what_rewordings_vary_freely_is_still_served_outright(cache: SemanticCache, cached: str, request_: str) -> None:
    cache.insert(cached, "the cached answer", lang="en")
    result = cache.lookup(request_, record=False)
    assert result.answer == "the cached answer" and result.decision.score == 1.0, result.decision.features


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("What does :) mean?", ["what", "does", ":)", "mean"]),
        (":-) or :-( ?", [":-)", "or", ":-("]),
        ("Thanks ;)!", ["thanks", ";)"]),
        ("What does :D mean", ["what", "does", ":d", "mean"]),
        ("a - b ... c ?", ["a", "b", "c"]),  # sentence punctuation standing alone is still dropped
    ],
)
def test_tokens_keep_emoticons_made_of_punctuation(raw: str, expected: list[str]) -> None:
    assert text.tokens(raw) == expected


@pytest.mark.parametrize(("a", "b"), INFLECTED_ROLE_SWAPS)
def test_role_swap_compares_stems(a: str, b: str) -> None:
    assert roles.role_swap(text.tokens(a), text.tokens(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Переведи 10 долларов в рубли", "Переведи 10 долларов в рублях"),  # the same argument, inflected
        ("Convierte 10 dólares a pesos", "Convierte 10 dólares en pesos"),
    ],
)
def test_an_inflected_argument_is_not_a_swap(a: str, b: str) -> None:
    assert not roles.role_swap(text.tokens(a), text.tokens(b))


@pytest.mark.parametrize(
    ("a", "b", "change"),
    [
        ("小明吃了一个苹果", "小明吃了两个苹果", 1.0),  # 一 before a measure word is one
        ("我去过一次北京", "我去过三次北京", 1.0),
        ("星期一开会吗", "星期二开会吗", 1.0),  # after an ordinal marker
        ("请等一下", "请稍等", 0.0),  # 一下, 一样, 统一, 一起: not the number one
        ("这两个一样吗", "这两个相同吗", 0.0),
        ("统一的标准是什么", "统一标准是什么", 0.0),
        ("我们一起吃饭吧", "咱们一起吃饭吧", 0.0),
    ],
)
def test_a_lone_one_counts_only_before_a_measure_word(a: str, b: str, change: float) -> None:
    assert numbers.number_change(a, b) == change


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("秦始皇统一六国", {"6"}),  # 统一 ends in 一: six states, not sixteen
        ("唯一的三个人", {"3"}),
        ("我们一起去", set()),
        ("这两个一样吗", {"2"}),
        ("他一直在等", set()),
        ("统一", set()),
        ("第一次", {"1"}),
        ("一个苹果", {"1"}),
        ("十一个人", {"11"}),
        ("我们一块去吧", set()),  # together
        ("一块儿走", set()),
        ("一块蛋糕多少钱", {"1"}),  # one piece
        ("万一下雨怎么办", set()),  # in case
        ("三万一千人", {"31000"}),
        ("一点钟开会", {"1"}),
        ("等一点儿", set()),
    ],
)
def test_words_containing_one_are_read_as_numbers_only_where_they_count(raw: str, expected: set[str]) -> None:
    assert {r for readings in numbers._all_readings(raw) for r in readings} == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("秦始皇是怎么统一六国的？", "秦始皇是如何统一了六个国家的？"),
        ("我们一块去吃饭吧", "我们一起去吃饭吧"),
    ],
)
def test_one_inside_a_word_is_no_replaced_number(a: str, b: str) -> None:
    assert numbers.number_change(a, b) == 0.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Is coffee harmful?", "Isn't coffee harmful?"),  # a negative question asks the same
        ("¿Es malo el café?", "¿No es malo el café?"),
        ("Вреден ли кофе?", "Не вреден ли кофе?"),
        ("Is coffee bad for you?", "Is coffee bad for you or not?"),  # tags
        ("Ist Kaffee schlecht?", "Ist Kaffee schlecht oder nicht?"),
        ("Вреден ли кофе?", "Вреден кофе или нет?"),
        ("感冒了要吃抗生素吗？", "感冒了要不要吃抗生素？"),  # A-not-A
        ("你吃饭了吗", "你吃饭了没有"),
        ("Can I take ibuprofen without eating anything first?", "Is it safe to take ibuprofen on an empty stomach?"),
        # a negation on both sides, moved or written otherwise
        ("Why does my wifi not work?", "Why doesn't my wifi work?"),
        ("Why is my wifi not working?", "Why isn't my wifi working?"),
        ("Warum funktioniert mein WLAN nicht?", "Warum funktioniert nicht mein WLAN?"),
        ("¿Por qué no funciona mi wifi?", "¿Por qué mi wifi no funciona?"),
        ("Почему не работает мой вайфай?", "Почему мой вайфай не работает?"),
        ("为什么我的wifi不能用？", "我的wifi为什么不能用？"),
        ("Why can't I sleep?", "Why am I unable to sleep?"),  # other words beside it: weighed, not vetoed
    ],
)
def test_a_yes_no_rewording_is_no_negation_put_in(a: str, b: str) -> None:
    assert negation.negation_change(text.tokens(a), text.tokens(b)) < 1.0


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("What are the top 10 movies of 2020?", "What are the 10 top movies of 2020?"),
        ("How many miles are 10 kilometers?", "10 kilometers is how many miles?"),
        ("How many calories in 100 g of rice?", "How many calories does 100 g of rice have?"),
        ("200块的衣服打8折要付多少", "一件衣服原价200元，打八折后多少钱？"),
        ("Convert 5 km to miles", "Convert 5 kilometers to miles"),  # the same unit written otherwise
        ("Is 30 °C hot?", "Is 30 degrees Celsius hot?"),
    ],
)
def test_a_moved_word_is_no_unit_swap(a: str, b: str) -> None:
    assert not roles.unit_swap(text.tokens(a), text.tokens(b)) and not roles.role_swap(text.tokens(a), text.tokens(b))


def test_a_generic_answer_that_fits_another_task_does_not_serve_it(cache: SemanticCache) -> None:
    """Another task on the same topic: a short cached answer fits the request better than its own question, which the
    rule does not take as evidence (`gap_floor`). Format 8 as first fitted served it (threshold 0.627, score 0.654: a
    strict xfail); refitted with the oasst1 train look-alikes, every source weighing the same, for 0.97 out-of-fold
    precision (threshold 0.943; 0.942 since format 15) it is a miss."""
    cache.insert("How do I reset my router password?", "You can find it on your phone.", lang="en")
    result = cache.lookup("How do I find the Wi-Fi password on my phone?", record=False)
    assert result.answer is None, (result.decision.score, result.decision.features)
