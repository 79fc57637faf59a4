"""The hit-decision stage: given a lookup's neighbours and their features, serve the best one or not.

Two rules share one interface:

* `StaticThreshold(t)` -- the rule of GPTCache, LiteLLM and RedisVL: **serve the best neighbour iff the
  cosine similarity of the request's and the cached question's embeddings is at least t.** The number is
  model-specific (with multilingual-e5-small unrelated questions already score about 0.7).
* `LogisticHitRule` -- VELO's default: a logistic model over the features of `velo.cache.features`
  (similarity under two embedders, lexical and content-word overlap, similarity of the words that
  differ and of the words one side adds, how well the cached answer fits the request, number / negation / order mismatches). Its weights are fitted per embedder by `velo cache calibrate` on the team's own
  multilingual set, the shared oasst1 paraphrases and the team's rewordings and look-alikes of the oasst1 train questions
  (each source weighing the same, the threshold at 0.97 out-of-fold precision) and shipped in `velo/cache/rules/`.
  `LogisticHitRule.fit(interactions=True)` also weighs the products of every two standardized features (recall29;
  not the shipped rule's model: rule format 29's docstring says why).
"""

from __future__ import annotations

import hashlib
import json
import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from velo.types import HitFeatures, HitRuleId

RULES_DIR = Path(__file__).parent / "rules"
RULE_FORMAT = "velo.hit_rule/29"
"""29: a newcomer's false hits under format 28, each a kind (the same weights). `role_swap` also for a how-to against a
motive, although manner beside reason stays compatible (`question_words.how_to_against_motive`: "How can I lose
weight?" / "Why should I lose weight?" 0.988 -> 0, "Как медитировать?" / "Зачем медитировать?" 0.997 -> 0, "如何省钱？" /
"为什么要省钱？" 0.998 -> 0, "Wie kann ich abnehmen?" / "Warum sollte ich abnehmen?"; "How does ice float?" / "Why does ice
float?" stays 0.989, "你怎么哭了？" / "你为什么哭了？" 0.990); for a time word exchanged for a place word, as a question word
or a conjunction (`question_words.time_for_place`: "What happened when / where the Titanic sank?" 0.976 -> 0, "Who died
when / where Lincoln was shot?", "Что случилось, когда / где убили Линкольна?", "Who discovered penicillin and when / and
where?" 0.976 -> 0, als / wo, 的时候 / 的地方; "... and when?" / "When was penicillin discovered, and by whom?" stays
1.000); for an instruction about the answer's form (a length, a format such as JSON or a table, a child's level, verse,
a register) on one side only or another on the other side, in five languages (`answer_form`: "What is photosynthesis?" /
"... Answer in one word." 0.994 -> 0, "... Explain like I'm five." 0.993 -> 0, "... 用一句话回答。" 0.997 -> 0, "Answer
briefly" / "Answer in detail" 0.915 -> 0; "Answer in one word" / "Reply with a single word" stays 0.997; "briefly" or
"in simple terms" on one side only is left to the model: the oasst1 rewordings add them to the same question). Binary
data units are units of their own ("How many MB are in 1 GB?" / "... 1 GiB?" 1.000 -> 0; "1 GiB" / "1024 MiB" stays
1.000: `roles`). `symbol_swap` for a listed British / American word spelled the other way inside a name, capitalized or
before a name noun (`variants.name_respelled`: "what is the labor party?" / "... labour party?" 1.000 -> 0, "Gray's
Anatomy" / "Grey's Anatomy" 0.618 -> 0; "labour laws" stays the same words). Recall: a decimal quantity (beside a unit or
an arithmetic operator) loses its trailing zeros in the compared tokens (`decimals`: "What is 2.50 plus 1?" / "... 2.5
plus 1?" 0.064 -> 1.000, "1.50 kg" / "1.5 kg"); a version keeps them ("Python 3.10" / "Python 3.1" stays a miss).
wozu, для чего, 为啥, 何必, 何苦 are reason words. Replay of 8,946 pairs against format 28: 26 changed, 0 right hits
newly vetoed, 22 look-alikes newly vetoed.
Narrowed after a tester's 1,012 probes (brk29), before any rule of this format shipped. A time word for a place word as
a conjunction counts only in a one-time event told in the past (a question word always): "What happens when / where two
tectonic plates meet?" 0 -> 0.972, "Which database is best for apps where / when reads dominate?" 0 -> 0.969 served
again, "What happened when / where the Titanic sank?" stays 0, "... when / where D-Day started?" 0.956 -> 0 (a letter
before a word is an initial, not a variable). "Why sky is blue?" / "How do you explain that the sky is blue?" 0 -> 0.996
(both ask the cause). A how-to against a motive is read without how / why too ("How to meditate?" / "What is the point
of meditating?" 0.999 -> 0, "Wie / Warum Geld sparen?" 0.989 -> 0, "怎样省钱？" / "为啥省钱？" 0.993 -> 0, "Should I learn
Rust?" / "How do I learn Rust?" 0.974 -> 0). A decimal loses its trailing zeros only as a quantity, never named
(`decimals`: no version or section word and no capitalized word right before it; a unit after it, a currency before it,
or arithmetic with a plain number beside the operator): "Why choose Python 3.10 over 3.9?" / "... 3.1 ..." 1.000 ->
0.742, "What's new in OS X 10.10?" / "10.1" 1.000 -> 0.726, "Python 3.10加了哪些新特性？" 1.000 -> 0.527; "What is 2.50
plus 1?", "1.50 m", "$2.50" stay 1.000. A British / American spelling is a `symbol_swap` only inside a listed name whose
spellings name two things (`variants._NAME_PHRASES`: labour + a political noun, Labour Day, Grey's Anatomy, capitalized
Neighbours; lower case too): "Pearl Harbor" / "Pearl Harbour" 0 -> 0.967, "What's your favourite party game?" 0 ->
1.000, "Who is Israel's defence minister?" 0 -> 1.000 served again.
An answer form is named only by whole words (whole phrases in Chinese), and the other question's mention cancels the
veto only where it names the form more often than the asker's own topic does ("What is a function in Python?" / "...
Answer humorously." 0.964 -> 0, "What is stable diffusion?" / "... Answer in a table." 0.994 -> 0, "量子计算有什么特点？" /
"...请分点回答。" 0.997 -> 0); an instruction needs its frame: a verb of answering opening its clause, a sentence of its
own, in Chinese a verb of answering with no question word before it ("Cuentos para niños" / "Cuentos infantiles" 0 ->
0.991, "What is the meter in a poem?" / "... in poetry?" 0 -> 0.977, "Tabulate X" / "Put X in a table" 0 -> 0.956 served
again). Newly read: word and sentence limits ("Limit your answer to 100 words" 0.994 -> 0), yes or no, a child's age, a
teenager, an expert ("to an expert" 0.986 -> 0), tones ("in a sarcastic tone" 0.988 -> 0), "в формате таблицы", "文言文";
"step by step" and "with examples" on one side only are left to the model (the oasst1 rewordings add them to the same
question: 12 and 19 right hits in the replay). Replay of these narrowings against format 29 as first written: 15 pairs
changed, 0 right hits newly vetoed.
The model stays format 21's (linear, threshold 0.943). A model that also weighs the product of every two standardized
terms (`interactions`, `LogisticHitRule.fit(interactions=True)`; a helper's study, recall29) was refitted on the same
three sources (threshold 0.919) and raised recall out of fold and on the oasst1 validation rewordings, and dev's to
0.652 at precision 0.972 (5 false hits), but it was not shipped: on the environment's test episodes it served more
of the team's written look-alikes (Greedy-0.1 on `lookalike` 0.8141 -> 0.7849, lower on every scenario) and it
refused 25 rewordings the linear rule serves, 24 of them with `order_swap` ("What's 7 plus 8?" / "What's 8 plus 7?"
0.891, "Is Tom married to Anna?" / "Is Anna married to Tom?" 0.014).

28: format 27's folds and vetoes narrowed after a tester's probes (each a kind; the same weights). Precision:
British / American spelling is an explicit list of one English word's two spellings between two English texts, never a
capitalized word inside a sentence (`variants._BRITISH`: "Grey's Anatomy" / "Gray's ..." 1.000 -> 0.618, "timbre" /
"timber", "draught" / "draft", "Reize" / "Reise" 1.000 -> 0.00-0.06); a hyphen folds only in listed compounds
(`variants._COMPOUNDS`: "co-op" / "coop" 1.000 -> 0.192); Traditional -> Simplified Chinese only between a text wholly
in Traditional and one wholly in Simplified (`spellings.one_script`: "“髮”是什么意思？" / "“發”..." 1.000 -> 0.000); "ñ"
and "ß" are letters, not accents left out, and frequent minimal pairs stay vetoed for a writer who types no accents
("¿Qué es un año?" / "Que es un ano?", "Maße" / "Masse", "papá" / "papa" 1.000 -> 0.000: `text._OWN_LETTERS`,
`text._ACCENT_PAIRS`); data sizes fold in bytes only, binary units by 1024 only, and no quantity folds where one of its
units appears elsewhere ("1 Gb" / "1000 MB", "How many MB are in 1 GB?" / "... 1000 MB?" 1.000 -> 0.000:
`roles.equal_quantities`); the same question categories in another order are no `role_swap` only when each question
asks of one event (`question_words._one_question`: "Where was Einstein born and when did he die?" / "When ... where
...?" 0.97 -> 0; "Who discovered penicillin and when?" stays served), English "when" / "where" between content words
being a conjunction; more languages named by answer-language instructions ("... Answer in Swedish." 0.917 -> 0).
Recall: format 27's how / why veto is gone (manner beside reason compatible again: "How does ice float?" / "Why ...",
"你怎么哭了？" / "你为什么哭了？", "How did Napoleon die?" / "Why ...": 0 -> 0.94-0.996; a mechanism and a cause of one event
mostly share their answer); an answer-language instruction is no change when the other question is written in that
language (`answer_language.written_in`: "Was ist Photosynthese?" / "What is photosynthesis? Answer in German." 0 ->
1.000); a converse verb with its doer changed is the same act (`persons.subject_person`: "Kannst du mir Geld leihen?" /
"Kann ich mir Geld von dir leihen?", "¿Me prestas dinero?" / "¿Te pido prestado dinero?" 0 -> 0.995-0.999); a decimal
with a trailing zero is its number ("1.50 kg" / "1500 g"). The shipped format 27 rule was relabelled 28 unrefitted.
27: precision: `role_swap` also for "how" put in place of "why" with every other content word kept ("How did
Napoleon die?" / "Why did Napoleon die?", "Как умер Наполеон?" / "Почему ...", "¿Cómo murió Napoleón?", "Wie starb
Napoleon?", "拿破仑是怎么死的？" / "拿破仑为什么死？": `question_words._manner_for_reason`; not a verb whose manner is its
reason, "How does a vaccine work?" / "Why ...", and manner words that ask why are reason now, "how come", "how is it
that", "cómo es que", "wie kommt es", "как так", 怎么不), for an instruction naming the answer's language that the other
question does not name at all ("What is photosynthesis?" / "... Answer in French.", "Responde en inglés", "Ответь
по-английски", "用英文回答": `answer_language.answer_language_change`; not the question's own language nor a language
that is what is asked, "How do you say hello in French?") and for two Russian nouns around the copula dash exchanged
("Киты — рыбы?" / "Рыбы — киты?": `order.dash_exchanged`); `negation_mismatch` 1.0 for lend / borrow in es / de / ru
("prestar" / "pedir prestado", "одолжить брату" / "занять у брата": `opposites._CONVERSE`); `order_swap` counts each
token (`order.reordered`; a word repeated on one side only, "你好" / "你好你好！", had read as a reordering). Recall: an
accent is typing where one question types none at all ("¿Cual es la ciudad mas grande de Canada?" / "¿Cuál ... Canadá?":
`text.types_accents`; "¿Quién es el papa?" / "... papá?", both typing accents elsewhere, and "schon" / "schön" stay a
`symbol_swap`); two questions asking the same set of question categories in another order are no `role_swap` ("When
was penicillin first discovered, and by whom?" / "Who discovered penicillin and when?"); a typographic dash is "-" and
a fraction character its digits ("1914–1918", "ls —all" / "ls --all", "½" / "1/2": `text.nfkc`); one word in two
spellings makes the same words where nothing else differs ("What's" / "What is", "don't" / "do not", "臺灣" / "台灣"
by OpenCC t2s: `spellings`; "favourite colour" / "favorite color", "e-mail" / "email", "groesste" / "größte":
`variants`; `features._Pair._same_words_spelled_otherwise`; elsewhere the tokens stay as the model was fitted on them);
one quantity in another unit of its family is one number also with a decimal or in data sizes ("1.5 kg" / "1500 g",
"90 minutes" / "1.5 hours", "1 GB" / "1000 MB": `roles.equal_quantities`). The shipped format 26 rule was relabelled 27
unrefitted (same weights).
26: `symbol_swap` also for the punctuation of code and math that folding drops, between questions with the same
tokens ("What does :q! do in vim?" / "... :q ...", "Is 0! equal to 1?" / "Is 0 equal to 1?", "a.*b" / "a.*?b", "a?.b" /
"a.b", "name?: string" / "name!: string", ":=" / "=", "$?" / "$!", "the ? operator" / "the ! operator", "cd .." /
"cd .": `code_marks.code_marks`, `code_marks._code_punctuation`; a sentence's "?", "!", ".", "e.g." still fold away) and
for an operator on one side only among the same words ("^abc$" / "abc": `text.symbol_swap`); `role_swap` also for the
speaker and the listener exchanged ("How old are you?" / "How old am I?", "Do you love me?" / "Do I love you?", "Wie alt
bist du?", "¿Cómo te llamas?", "你爱我吗？", "Как тебя зовут?": `persons.person_swap`; not the generic doer of a how-to,
"How do I install Python?" / "How do you install Python?"). The shipped format 25 rule was relabelled 26 unrefitted
(same weights).
25: `role_swap` also for the only two content words of a yes/no question exchanged as neighbours ("Are all squares
rectangles?" / "Are all rectangles squares?", "Sind Wale Fische?", "¿Son todos los cuadrados rectángulos?", "Все
квадраты — прямоугольники?", "Являются ли все квадраты прямоугольниками?" / "... прямоугольники квадратами?":
`order._neighbours_exchanged`) and for the two activities of "before" / "after" exchanged in other forms ("Should I
stretch before running?" / "Should I run before stretching?": `opposites.relation_arguments_exchanged`); no longer for
a distance or an interaction with its arguments exchanged ("How far is Berlin from Munich?", "Does aspirin interact
with ibuprofen?": `roles.symmetric_exchange`) nor a quantifier moved in German ("Sind Quadrate alle Rechtecke?").
No `symbol_swap` for an emoji's presentation selector ("❤" / "❤️": `text.nfkc`) or "^" / "**" in a question of numbers
only ("2^10" / "2**10"); no `number_mismatch` for a decimal point without its zero (".5" is "0.5":
`numbers.leading_zero`, also in the compared tokens). The shipped format 24 rule was relabelled 25 unrefitted (same
weights).
24: `symbol_swap` also sees what folding hid between questions with the same tokens: case where both texts mark
case and it is part of what a word names ("What is CO?" / "What is Co?", "100 Mbps" / "100 MBps", "\\d" / "\\D", "%m"
/ "%M", "Wie geht es Ihnen?" / "... ihnen?": `text.spelling_swap`; a capital first letter, a sentence's first word and
texts all in one case still fold away), the brackets of code and the separators inside them ("a[1:]" / "a[:1]",
"sqrt(16)+9" / "sqrt(16+9)", "-2**2" / "(-2)**2": `code_marks.code_swap`; a parenthesis of prose does not count), and a
superscript is an exponent ("10²" is "10^2", no longer "102": `text.nfkc`). The shipped format 23 rule was relabelled
24 unrefitted (same weights).
23: `role_swap` also for two arguments exchanged around function words only ("Is a tomato a fruit?" / "Is a fruit a
tomato?", "Who is my mother's brother?" / "... brother's mother?", "Wie viele Megabyte hat ein Gigabyte?":
`order._exchanged_around_function_words`), German compounds' modifiers exchanged ("Katzenfutter ... Hunde" /
"Hundefutter ... Katzen": `order._compounds_split`), "whom did" against "who" (`subject_object._asks_for`), and units of
kitchen measures, data sizes and power in the five languages (`roles._UNITS`: "teaspoons" / "tablespoon", "MB",
"千瓦" / "马力"); `negation_mismatch` 1.0 for a converse verb with the same people in the same places ("lend" /
"borrow", "teach" / "learn", "buy" / "sell", "give" / "receive": `opposites.converse_action`) and for quantifiers of
another share ("all" / "some" / "most": `negation.quantifier_change`). The shipped format 22 rule was relabelled 23
unrefitted (same weights).
22: one number written two ways compares as one (issue 8: rewordings refused at 0): groups of three digits and a
scale word or "k" in plain digits ("10 000" / "10000", "1 million" / "1000000", "5k" / "5000", "пять тысяч" / "5000",
"2,5 Millionen" / "2.500.000": `numbers.scales_as_digits`), a decimal comma no thousands separator ("1,5" is 1.5, not
15 too: `numbers._readings`), a quantity of equal size in another unit of the family respelled and one number to
`number_mismatch` ("1 kg" / "1000 g", "1 hour" / "60 minutes", with the same other units: `roles.equal_quantities`);
no `role_swap` for the two arguments of a symmetric relation exchanged ("Python vs Java" / "Java vs Python", "different
from", "married to", "se diferencia", "отличается от": `roles.symmetric_exchange`). The shipped format 21 rule was
relabelled 22 unrefitted (same weights).
21: the model also weighs `similarity` times `lexical_overlap` and times `sequence_overlap` (`MODEL_PRODUCTS`): how
much shared words count against a hit depends on how close the embeddings are. Formats 15-20 weighed overlap the same
at every similarity, so light rewordings one word apart ("how do i undo my last git commit but still keep the changes" /
"... but keep the changes", 0.942) were held down by the overlap that look-alikes share. Chosen on held-out sets
(`scripts/hit_rule_selection.py`, never on dev) by the criterion stated first: 5 of 8 held-out sets at precision 0.97
against 4 (es 0.975 / 0.969, within one standard error), the same mean recall. Fitted on format 18's features: formats 19 and 20 (vetoes) landed during
and after the calibration, and their replay changed no veto flag of the fit, dev and shared lookups, of the train
rewordings or of the written look-alikes.
20: `role_swap` also for a passive's "who" asking for the one acted on in German and Spanish ("Wer wurde von Brutus
getötet?" / "Wer hat Brutus getötet?", "¿Quién fue asesinado por Bruto?" / "¿Quién asesinó a Bruto?":
`subject_object._asks_for`) and for Russian arguments moved with their forms when a neuter or a consonant beside a soft
sign leaves the nominative and accusative alike ("Почему время лечит сердце?" / "Почему сердце лечит время?":
`order._moved_in_their_cases`). The shipped format 19 rule was relabelled 20 unrefitted (same weights).
19: `role_swap` also for two operands of division or subtraction exchanged with no role word between them ("Divide
10 by 2" / "Divide 2 by 10", "Teile 10 durch 2", "3 más 4 por 5" / "4 más 3 por 5": `roles.exchanged_numbers`), German
subject and object whose article, adjective or weak noun changed with its place or whose articles are alike in the
nominative and accusative ("der Junge das Mädchen" / "das Mädchen den Jungen", "der kleine Hund" / "den kleinen Hund",
"die Mutter das Kind": `order._same_phrase`), Russian nouns with a fleeting vowel ("пёс" / "пса", "заяц" / "зайца":
`order._forms`), a passive, "which N" and Chinese 把 / 被 asking for the other role ("Who did Brutus kill?" / "Who was
Brutus killed by?", "Which company bought Twitter?" / "Which company did Twitter buy?", "谁把小明打了" / "小明把谁打了":
`subject_object._asks_for`); `negation_mismatch` 1.0 for "before" / "after" attached to each other's arguments ("перед
сном и после пробуждения" / "после сна и перед пробуждением": `opposites.relations_exchanged`). No longer a veto: the
same numbers in any order around one commutative operator or after "add" / "multiply" ("2 plus 3 plus 4" / "4 plus 3
plus 2", "Add 5 to 12" / "Add 12 to 5": `roles.numbers_commute`), "by whom" (the agent: "By whom was Brutus killed?"),
Russian arguments moved with their forms in two cases ("Почему кошки боятся собак?" / "Почему собак боятся кошки?":
`order._moved_in_their_cases`), alternatives of an "or" in another order ("Kaffee mit Milch oder ohne?" / "... ohne
Milch oder mit?", "之前还是之后": `opposites.alternatives_exchanged`). The shipped format 18 rule was relabelled 19
unrefitted (same weights).
18: the commutative exception of 17 only for a question with two numbers ("7 times 8" / "8 times 7"); with a third,
"3 plus 4 times 5" / "4 plus 3 times 5" is a `role_swap` again (`order._commuted`). The shipped format 17 rule was
relabelled 18 unrefitted (same weights).
17: `role_swap` also for Russian arguments exchanged with their case endings ("Почему кошки боятся собак?" / "Почему
собаки боятся кошек?": `order._as_cased`; "... кошек боятся собаки?", the cases alone: `order._cases_exchanged`) and no longer for two numbers around a commutative operator ("7 times 8" /
"8 times 7", "7加8", "7 умножить на 8": `roles.COMMUTATIVE_OPERATORS`; subtraction, division and powers still);
`negation_mismatch` 1.0 also for "with" / "without" around a noun in another case ("с алкоголем" / "без алкоголя":
`negation._uninflected`) and for "before" / "after" ("перед" / "после", "antes" / "después", "vor" / "nach", "之前" /
"之后": `opposites._RELATION_PAIRS`). The shipped format 16 rule was relabelled 17 unrefitted (same weights).
16: `role_swap` also for a question word asking for the subject in one question and the object in the other
("Who did Brutus kill?" / "Who killed Brutus?", "¿A quién mató Bruto?" / "¿Quién mató a Bruto?", "Wen" / "Wer",
"Кого" / "Кто": `subject_object.subject_object_swap`) and for German subject and object side by side in each other's
place ("Warum hat Deutschland Polen angegriffen?" / "... Polen Deutschland ...", "dass der Hund die Katze jagt" / "dass
die Katze den Hund jagt": `order._german_neighbours`); `negation_mismatch` 1.0 for a negating prefix in a replaced
stretch of up to 3 words a side ("connect to" / "disconnect from": `negation._negated_in`), words such as "discover" /
"cover" excepted. The shipped format 15 rule was relabelled 16 unrefitted (same weights).
15: the model reads `added_words_similarity`, the least similar stretch of content words one question adds to the
other, scored against the other question ("鲁迅的儿子是谁？" / "鲁迅是谁？"); before it such a pair had nothing replaced.
Fitted on format 13's other features (the calibration started before format 14's opposite-direction veto landed).
14: `number_mismatch` counts only the numbers of arithmetic (`numbers._operands`: "10 * 10" / "10 * 10 * 10"; a number
repeated in prose is no veto, format 12 vetoed 40 rewordings of the oasst1 train set so) and compares only words of
letters and digits that start with a letter ("720p30" is a quantity); `negation_mismatch` 1.0 also for an action put
in the opposite direction by a prefix or particle ("включить" / "выключить", "turn on" / "turn off", "schalte ... ein"
/ "... aus", "enable" / "disable", "打开" / "关闭": `opposites.opposite_action`). The shipped format 13 rule was
relabelled 14 unrefitted (same weights).
13: `order.exchanged` only for short stretches (each argument and what stays between them at most 3 terms: longer
ones are phrases a rewording reorders, "写一首关于人工智能的诗，作者为李白" / "以李白为作者，写一首..."), and "que" after
"por" or first is no role word ("¿Por qué es importante que ...?"). The shipped rule was relabelled 13 unrefitted.
12: `number_mismatch` counts numbers (a number written more often on one side is a replaced number: "10 * 10" /
"10 * 10 * 10") and compares words written with letters and digits ("H2O" / "H2O2", "CO" / "CO2": the same letters,
other digits, 1.0; "MP3" / "MP-3" the same word). The shipped format 11 rule was relabelled 12 unrefitted (same weights).
11: `role_swap` also sees two arguments exchanged around what stays between them, with the same content words ("Why
did Germany invade Poland?" / "Why did Poland invade Germany?", "为什么德国入侵波兰？" / "为什么波兰入侵德国？":
`order.exchanged`; not neighbours exchanged, "the capital of France" / "France's capital"). The shipped format 10 rule
was relabelled 11 unrefitted (same weights) until its refit.
10: `role_swap` reads every occurrence of a role word, each with the argument right after it up to the next role word
("How to convert JSON to CSV" / "How to convert CSV to JSON": the infinitive's "to" hid the target's; "from Paris to
London": "from" took both cities; "de ... a ...", "von ... nach ...", "из ... в ...", every operator: `roles._roles`),
and a role word's occurrence added by a rewording is no swap ("How to convert JSON to CSV" / "How do I convert JSON to
CSV"). The shipped format 9 rule was relabelled 10 unrefitted (same weights) until its refit.
9: the hit features compare one quantity spelled as the cached question spells it ("100 °C" / "100 degrees Celsius" /
"100摄氏度", "$100" / "100 dollars" / "USD 100", "5 km" / "5 kilometers" / "5公里": `roles.spelled_as`; a quantity in
another unit keeps its spelling and stays a `role_swap`), a sign written as a word is the number's sign ("minus 5",
"menos 5", "минус 5", "零下5度" read as -5: `numbers.signs_as_minus`), and a command-line flag keeps its case ("-V" /
"-v" is a `symbol_swap`). The shipped format 8 rule was relabelled 9 unrefitted (same weights) until its refit.
8: the hit features compare questions with their Han numerals in digits ("一万元" / "10000元" differ in no word;
`numbers.han_numerals_as_digits`), a stretch that is one number written two ways is no replacement in
`content_diff_similarity`; 一 before 日 / 号 / 楼 counts (a date, a metro line, a floor: "十月一日" / "十月二日" is a
replaced number); `role_swap` also sees a question word of another category ("where" / "when", `question_words`) and
the same number in another unit ("5 km" / "5 miles"), and no longer the target unit moved around one quantity ("How
many miles are in 5 kilometers?" / "5 km in miles?").
7: `content_diff_similarity` also scores a replaced stretch with content words on one side only (all the words of
the other side: "calorías plato" / "como se hace una"); `negation_mismatch` 1.0 also for a word replaced by itself with
a negating prefix ("gekochter" / "ungekochter", "installiere" / "deinstalliere"), and only between questions with the
same content words and not as many negations (bank format 8 fixed that: "does not" / "doesn't" was a veto).
6: `negation_mismatch` is graded (1.0 a negation put in where the questions differ: a veto; 0.5 one question
negated otherwise), `role_swap` also sees a quantity's unit swapped ("10 Meilen" / "10 Kilometer"), Han 一 inside
words is no number ("统一六国" is 6), and the rule floors `answer_gap` at `gap_floor` (a cached answer that fits the
request better than its own question is no more evidence than the fitting data's 5th percentile of right hits).
5: `content_diff_similarity` scores each replaced stretch of content words on its own (its least similar pair);
`number_mismatch` also reads Han numerals and small number words ("五个" / "四个", "five" / "ten" is a veto).
4: `number_mismatch` is graded (1.0 a number replaced: a veto; 0.5 numbers on one side only).
3: the `symbol_swap` and `role_swap` features and their vetoes."""
STATIC_FORMAT = "static"
"""The `format` a static threshold's identity gives (`HitRule.identity`): it has no file and no fitted parameters."""
MODEL_FEATURES = tuple(n for n in HitFeatures.names() if n not in ("margin", "symbol_swap", "role_swap"))
MODEL_PRODUCTS = (("similarity", "lexical_overlap"), ("similarity", "sequence_overlap"))
"""Products of two features the model also weighs (format 20): the weight of shared words depends on the similarity."""
MODEL_TERMS = MODEL_FEATURES + tuple(f"{a}*{b}" for a, b in MODEL_PRODUCTS)
"""What a rule file's `features`, `mean`, `scale` and `weights` list, in this order."""
_NAMES = HitFeatures.names()
_MODEL_COLUMNS = np.array([_NAMES.index(n) for n in MODEL_FEATURES])
_PRODUCT_COLUMNS = tuple((_NAMES.index(a), _NAMES.index(b)) for a, b in MODEL_PRODUCTS)
_SIM = _NAMES.index("similarity")
_SAME_WORDS = tuple(_NAMES.index(n) for n in ("lexical_overlap", "sequence_overlap"))
_MISMATCHES = tuple(_NAMES.index(n) for n in ("number_mismatch", "negation_mismatch"))
_VETOES = tuple(_NAMES.index(n) for n in ("symbol_swap", "role_swap"))
_NUMBER = _NAMES.index("number_mismatch")
_NEGATION = _NAMES.index("negation_mismatch")
_GAP = _NAMES.index("answer_gap")
_MODEL_GAP = MODEL_FEATURES.index("answer_gap")
TARGET_PRECISION = 0.97
"""The out-of-fold precision `LogisticHitRule.fit` sets its threshold for: issue 8's target (format 8 and before: 0.96)."""
GAP_FLOOR_QUANTILE = 0.05
"""`LogisticHitRule.fit` floors `answer_gap` at this quantile of the right hits' gaps in its fitting data."""
"""Margin is left out of the model: two cached paraphrases of one question make it small while a hit is still
right. The vetoes are rules, not model features: a swapped symbol, swapped roles, a replaced number
(`number_mismatch` 1.0; its 0.5, numbers on one side only, is a model feature), a negation put in
(`negation_mismatch` 1.0; its 0.5 is a model feature)."""


def source_weights(sources: Sequence[str]) -> np.ndarray:
    """Per-pair weights under which every source weighs the same in total (mean weight 1)."""
    names, index, counts = np.unique(np.asarray(sources, dtype=str), return_inverse=True, return_counts=True)
    return len(index) / (len(names) * counts[index])


def vetoed(x: np.ndarray) -> bool:
    """A difference no rewording makes, in features given in `HitFeatures` order: a symbol put in another's
    place, a role word with swapped arguments or a quantity's unit swapped, a number replaced by another, a
    negation put in ("Is coffee bad for you?" / "Is coffee not bad for you?")."""
    return any(_veto_flags(x))


def _veto_flags(x: np.ndarray) -> tuple[bool, ...]:
    """Whether each veto of `VETO_NAMES` fired, in its order: the one condition `vetoed` and `fired_vetoes` read."""
    return bool(x[_VETOES[0]]), bool(x[_VETOES[1]]), x[_NUMBER] >= 1.0, x[_NEGATION] >= 1.0


def fired_vetoes(x: np.ndarray) -> tuple[str, ...]:
    """The features of `x` (in `HitFeatures` order) whose veto `vetoed` reads, by name: () when none fired.

        fired_vetoes(features of "Is coffee bad for you?" / "Is coffee not bad for you?") -> ("negation_mismatch",)

    What `velo cache eval --verdicts` writes for each query; `vetoed(x) == bool(fired_vetoes(x))`."""
    return tuple(name for name, on in zip(VETO_NAMES, _veto_flags(x)) if on)


VETO_NAMES = ("symbol_swap", "role_swap", "number_mismatch", "negation_mismatch")
"""The vetoes of `vetoed`, in its order (`fired_vetoes`)."""


class HitRule(ABC):
    name: str

    @abstractmethod
    def score(self, features: HitFeatures) -> float:
        """Confidence that the best neighbour answers the request."""

    @abstractmethod
    def accepts(self, score: float) -> bool: ...

    @abstractmethod
    def parameters(self) -> dict:
        """Everything that sets this rule's scores and verdicts, as JSON (a fitted rule: its file's content)."""

    def vetoes(self, features: HitFeatures) -> tuple[str, ...]:
        """The vetoes this rule applies that fire on `features` (`fired_vetoes`); () for a rule without vetoes."""
        return ()

    @property
    def identity(self) -> HitRuleId:
        """What a checkpoint records of the rule its observations were scored with (`velo.checkpoint`): the
        fingerprint is the sha256 of `parameters()` as canonical JSON (sorted keys, no spaces), so a refitted rule
        (new weights or threshold, same format) gets another one, and the same rule read from another file does not."""
        params = self.parameters()
        canonical = json.dumps(params, sort_keys=True, separators=(",", ":"))
        return HitRuleId(self.name, str(params["format"]), hashlib.sha256(canonical.encode()).hexdigest()[:16])


@dataclass(frozen=True)
class StaticThreshold(HitRule):
    """Serve the best neighbour iff its embedding cosine similarity to the request is >= `threshold`."""

    threshold: float

    def __post_init__(self) -> None:
        if not -1.0 <= self.threshold <= 1.0:
            raise ValueError(f"a cosine threshold lies in [-1, 1], got {self.threshold}")

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"static:{self.threshold:g}"

    def score(self, features: HitFeatures) -> float:
        return features.similarity

    def accepts(self, score: float) -> bool:
        return score >= self.threshold

    def parameters(self) -> dict:
        return {"format": STATIC_FORMAT, "threshold": float(self.threshold)}


INTERACTION_PAIRS = tuple((i, j) for i in range(len(MODEL_TERMS)) for j in range(i, len(MODEL_TERMS)))
"""The pairs (i, j), i <= j, of standardized terms whose products an interaction rule weighs, in the order of its
`interactions` (row by row of the upper triangle, squares included: sklearn's `PolynomialFeatures(2)` order)."""
_I, _J = (np.array(side) for side in zip(*INTERACTION_PAIRS))
INTERACTION_C = 0.1
"""The inverse L2 strength of `LogisticHitRule.fit` with interactions (153 products beside the 17 terms; the linear
model's C = 1 let them fit the folds' noise: recall29, C 0.03 / 0.1 / 0.3 alike out of fold)."""


def _terms(x: np.ndarray, gap_floor: float) -> np.ndarray:
    """The model's inputs (`MODEL_TERMS` order) from features in `HitFeatures` order, `answer_gap` floored."""
    z = x[_MODEL_COLUMNS]
    z[_MODEL_GAP] = max(z[_MODEL_GAP], gap_floor)
    return np.concatenate([z, [x[a] * x[b] for a, b in _PRODUCT_COLUMNS]])


_FOLDS = 5
"""Out-of-fold folds of `LogisticHitRule.fit`'s threshold."""


@dataclass(frozen=True)
class LogisticHitRule(HitRule):
    """A gate, then a logistic model: serve iff similarity >= `min_similarity` and
    p = sigmoid(w . standardized(terms) + b) >= `threshold` (terms: the features of `MODEL_FEATURES` and the products
    of `MODEL_PRODUCTS`), and never when one question puts a symbol in
    another's place (🙂 / 🙃, `:)` / `:(`) or spells a shared word otherwise ("papa" / "papá", "US" / "us"), swaps the arguments of a role word ("5 km to miles" / "5 miles to km") or
    the units of a number, puts a negation in ("bad" / "not bad") or replaces a number by another ("给了小红5个" / "给了小红4个", "五个" / "四个", "five" / "ten").

    The gate keeps the linear model where it was fitted (and `gap_floor` keeps `answer_gap` there): without it, the low word overlap that marks a
    reworded paraphrase would also lift an unrelated question. Answer relevance is a feature, not a
    gate: how relevant an answer looks to e5 depends on the answer as much as on the request (rule
    format 1 gated on it and lost 4 points of recall on the dev set for no precision). Format 3 added the
    `symbol_swap` and `role_swap` features and their vetoes; format 4 the replaced-number veto; format 5 scores
    each replaced stretch of content words on its own and reads numbers written in Han numerals or words; format 20
    weighs shared words by the similarity (`MODEL_PRODUCTS`).
    """

    embedder: str
    """`<search embedder name>+<diff embedder name>`: the features are only meaningful for that pair."""
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    min_similarity: float = -1.0
    gap_floor: float = -1.0
    """`answer_gap` below this counts as this: a short cached answer may fit another question on its topic better than
    its own ("You can find it on your phone." after "How do I reset my router password?" fits "How do I find the
    Wi-Fi password on my phone?"), which says nothing about the two questions being the same."""
    interactions: tuple[float, ...] = ()
    """Weights of the products of two standardized terms (`INTERACTION_PAIRS` order); () for a linear rule (formats
    up to 28 as shipped). How much one feature counts may then move with every other: out of fold on the oasst1
    train rewordings and look-alikes, and on the validation ones never fitted on, the linear model's false hits are
    look-alikes asking another thing about the same topic with a high similarity, which no single weight separates."""
    name: str = "logistic"

    def score(self, features: HitFeatures) -> float:
        return self.score_vector(np.asarray(features.as_tuple(), dtype=np.float64))

    @cached_property
    def _linear(self) -> tuple[np.ndarray, float]:
        w = np.asarray(self.weights) / np.asarray(self.scale)
        return w, self.bias - float(np.asarray(self.mean) @ w)

    @cached_property
    def _interactions(self) -> np.ndarray:
        return np.asarray(self.interactions, dtype=np.float64)

    def score_vector(self, x: np.ndarray) -> float:
        """The score of features given as an array in `HitFeatures` order (the environment's hot path).

        The same words in the same order (after case, accent and punctuation folding) is the same request:
        served outright -- once the vetoes have ruled out what that folding would hide: an emoticon made of
        punctuation (`:)` / `:(`, a symbol token), an accent on a content word ("papa" / "papá"), case that is part
        of what a word names ("US" / "us", "CO" / "Co", "100 Mbps" / "100 MBps", "\\d" / "\\D", "Ihnen" / "ihnen") or the
        brackets of code ("a[1:]" / "a[:1]") (`symbol_swap`, format 24). What the folding still drops is what rewordings
        vary freely: punctuation between words, a parenthesis of prose, case at a sentence start, in a text all in
        capitals or all in lower case or of a capital first letter ("Python" / "python"), the accent of a function
        word ("qué" / "que"). The linear model was fitted on rewordings and look-alikes and would otherwise
        extrapolate its "fewer shared words" preference past its data. A swapped symbol, swapped roles or a
        replaced number is a different question, whatever the model says: such pairs are too rare in any fit
        set to be learned.
        """
        if vetoed(x):
            return 0.0
        if x[_SAME_WORDS[0]] >= 1.0 and x[_SAME_WORDS[1]] >= 1.0 and not (x[_MISMATCHES[0]] or x[_MISMATCHES[1]]):
            return 1.0
        if x[_SIM] < self.min_similarity:
            return 0.0
        w, b = self._linear
        terms = _terms(x, self.gap_floor)
        logit = float(terms @ w + b)
        if self.interactions:
            z = (terms - np.asarray(self.mean)) / np.asarray(self.scale)
            logit += float((z[_I] * z[_J]) @ self._interactions)
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))

    def accepts(self, score: float) -> bool:
        return score >= self.threshold

    def vetoes(self, features: HitFeatures) -> tuple[str, ...]:
        return fired_vetoes(np.asarray(features.as_tuple(), dtype=np.float64))

    @classmethod
    def fit(
        cls, features: Sequence[HitFeatures], labels: Sequence[bool], groups: Sequence[str], embedder: str,
        target_precision: float = TARGET_PRECISION, gate_quantile: float = 0.02, sources: Sequence[str] | None = None,
        interactions: bool = False,
    ) -> LogisticHitRule:
        """Fit on labelled (features, should-hit) pairs.

        The similarity gate keeps all but `gate_quantile` of the right hits; the model is fitted on what passes it
        and the vetoes.

        The threshold is the lowest whose precision reaches `target_precision` on *out-of-fold* scores
        (5 folds, grouped so paraphrases of one question stay in one fold): in-sample scores are
        over-confident and would set it too low for unseen requests.

        `sources` names each pair's data set (`velo cache calibrate`: its --seeds / --queries pair): every source
        weighs the same in the fit and in the out-of-fold precision, so the largest set (the oasst1 train
        rewordings, ~80 % of the pairs) does not alone set the weights and the threshold. None: one source.

        `interactions`: the model also weighs the products of every two standardized terms (`INTERACTION_PAIRS`, each
        product standardized again for the fit, at `INTERACTION_C`); False: the linear model of formats up to 28.
        On the calibration sources' features of format 28 (recall29, 5 grouped folds, the threshold at 0.97 weighted
        out-of-fold precision: 0.943 -> 0.920) out-of-fold recall rose on each source at no lower precision than
        0.953 (fit 0.591 -> 0.667 at precision 0.985 -> 0.978, shared 0.527 -> 0.625 at 1.000 -> 0.986, oasst1 train
        0.555 -> 0.693 at 0.936 -> 0.953), and on the oasst1 validation rewordings and look-alikes, never fitted on,
        precision 0.938 -> 0.953 at recall 0.565 -> 0.694 (recall at precision 0.97 over their scores 0.228 -> 0.572).
        """
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GroupKFold

        y_all = np.asarray(labels, dtype=bool)
        if y_all.all() or not y_all.any():
            raise ValueError("calibration needs both queries that should hit and queries that should miss")
        sims = np.array([f.similarity for f in features])
        min_sim = float(np.quantile(sims[y_all], gate_quantile))
        vetoes = np.array([vetoed(np.asarray(f.as_tuple(), dtype=np.float64)) for f in features])
        keep = (sims >= min_sim) & ~vetoes
        gap_floor = float(np.quantile([f.answer_gap for f, k, y in zip(features, keep, y_all) if k and y], GAP_FLOOR_QUANTILE))
        x = np.stack([_terms(np.asarray(f.as_tuple(), dtype=np.float64), gap_floor) for f, k in zip(features, keep) if k])
        y = y_all[keep]
        groups = [g for g, k in zip(groups, keep) if k]
        if (distinct := len(set(groups))) < _FOLDS:  # GroupKFold's own error spoke of n_splits and n_samples
            raise ValueError(f"calibration needs queries of at least {_FOLDS} different questions past the similarity gate "
                             f"(the threshold is chosen on {_FOLDS} folds, grouped by question); got {distinct}: give more queries")
        weight = source_weights(sources if sources is not None else [""] * len(y_all))[keep]
        mean, scale = x.mean(axis=0), x.std(axis=0)
        scale[scale < 1e-9] = 1.0
        z = (x - mean) / scale
        c = 1.0
        if interactions:
            products = z[:, _I] * z[:, _J]
            p_mean, p_scale = products.mean(axis=0), products.std(axis=0)
            p_scale[p_scale < 1e-9] = 1.0
            z = np.hstack([z, (products - p_mean) / p_scale])
            c = INTERACTION_C
        oof = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=_FOLDS).split(z, y, groups):
            model = LogisticRegression(C=c, max_iter=5000).fit(z[train], y[train], sample_weight=weight[train])
            oof[test] = model.predict_proba(z[test])[:, 1]
        model = LogisticRegression(C=c, max_iter=5000).fit(z, y, sample_weight=weight)
        threshold = 1.0
        for t in np.unique(oof):
            hits = oof >= t
            if weight[hits & y].sum() / max(1e-12, weight[hits].sum()) >= target_precision:
                threshold = float(t)
                break
        coef, bias = model.coef_[0], float(model.intercept_[0])
        if not interactions:
            return cls(embedder, tuple(mean), tuple(scale), tuple(coef), bias, threshold, min_sim, gap_floor)
        # the products' own standardization folded into their weights and the bias: the rule multiplies standardized terms
        linear, v = coef[: len(MODEL_TERMS)], coef[len(MODEL_TERMS):] / p_scale
        return cls(
            embedder, tuple(mean), tuple(scale), tuple(linear), bias - float(p_mean @ v), threshold, min_sim, gap_floor,
            tuple(v),
        )

    def parameters(self) -> dict:
        return self.to_json()

    def to_json(self) -> dict:
        return {
            "format": RULE_FORMAT,
            "embedder": self.embedder,
            "features": list(MODEL_TERMS),
            "mean": list(self.mean),
            "scale": list(self.scale),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "min_similarity": self.min_similarity,
            "gap_floor": self.gap_floor,
            # only when weighed: a linear rule's file, and so its fingerprint (`identity`), stay as they were
            **({"interactions": list(self.interactions)} if self.interactions else {}),
        }

    @classmethod
    def from_json(cls, data: dict) -> LogisticHitRule:
        if data.get("format") != RULE_FORMAT or tuple(data.get("features", ())) != MODEL_TERMS:
            raise ValueError(
                f"a hit rule of format {data.get('format')!r}: this code reads {RULE_FORMAT} rules over features "
                f"{MODEL_TERMS}; refit it with `velo cache calibrate` (its features changed meaning)"
            )
        interactions = tuple(float(v) for v in data.get("interactions", ()))
        if interactions and len(interactions) != len(INTERACTION_PAIRS):
            raise ValueError(
                f"a hit rule with {len(interactions)} interaction weights: this code reads {len(INTERACTION_PAIRS)} "
                f"(every two of its {len(MODEL_TERMS)} terms); refit it with `velo cache calibrate`"
            )
        return cls(
            data["embedder"], tuple(data["mean"]), tuple(data["scale"]), tuple(data["weights"]),
            float(data["bias"]), float(data["threshold"]), float(data["min_similarity"]), float(data["gap_floor"]),
            interactions,
        )


def embedder_key(embedder_name: str, diff_embedder_name: str) -> str:
    return f"{embedder_name}+{diff_embedder_name}"


def rule_file_name(embedder_name: str) -> str:
    slug = "".join(c if c.isalnum() else "_" for c in embedder_name).strip("_")
    return f"{slug}.json"


def rule_path(embedder_name: str) -> Path:
    """The shipped rule of an embedder pair (`default` loads it)."""
    return RULES_DIR / rule_file_name(embedder_name)


def calibrated_rule_path(embedder_name: str) -> Path:
    """Where `velo cache calibrate` writes without `--out`: `$VELO_HOME/hit_rules/`, never the shipped rule."""
    from velo.paths import velo_home

    return velo_home() / "hit_rules" / rule_file_name(embedder_name)


def load_rule_file(path: Path) -> LogisticHitRule:
    """A rule .json file; a ValueError naming the file if it is not JSON or of another format."""
    try:
        return LogisticHitRule.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from None


def default_rule(embedder_name: str) -> LogisticHitRule:
    """The shipped logistic rule for this embedder; a clear error if none was calibrated for it."""
    path = rule_path(embedder_name)
    if not path.exists():
        raise FileNotFoundError(
            f"no calibrated hit rule for embedder {embedder_name!r} ({path}); run `velo cache calibrate` "
            "for it or choose a static threshold (`--rule static:0.9`)"
        )
    rule = load_rule_file(path)
    if rule.embedder != embedder_name:
        raise ValueError(f"{path} was calibrated for {rule.embedder!r}, not {embedder_name!r}")
    return rule


def parse_rule(spec: str, embedder_name: str) -> HitRule:
    """`default` / `logistic` -> the shipped rule; `static:T` -> StaticThreshold(T); a path -> a rule file."""
    if spec in ("default", "logistic"):
        return default_rule(embedder_name)
    if spec.startswith("static:"):
        try:
            return StaticThreshold(float(spec.split(":", 1)[1]))
        except ValueError as exc:
            raise ValueError(f"bad static rule {spec!r}: {exc}") from None
    path = Path(spec)
    if path.suffix == ".json" and path.exists():
        return load_rule_file(path)
    raise ValueError(f"unknown hit rule {spec!r}: use default, static:T, or a rule .json file")
