"""A passive with its agent named, read in the active's order: the same event in either voice is the same question.

"Did Brutus betray Caesar?" / "Was Caesar betrayed by Brutus?" name the doer and the one acted on in opposite orders,
so `order.exchanged` read the two names as exchanged and the `role_swap` veto refused the pair at 0.000 (rule format
29); "Why was Germany invaded by Poland?" / "Why did Germany invade Poland?" (a real exchange) was no exchange to it.
`active_order` puts a passive clause with its agent (en "by", es "por", de "von" / "durch" after a form of "werden",
zh 被) in the active's order -- the agent where the subject stands, the one acted on where the object stands -- before
the exchange of arguments and the role words are compared (`velo.cache.features`), so both voices read as one
question and the names exchanged in either voice as another ("Was Caesar betrayed by Brutus?" / "Was Brutus betrayed
by Caesar?", "Did Caesar betray Brutus?"). Rule format 30.

The English passive's auxiliary is "be" (or "get"), which also makes the perfect and adjectives of state ("Is the door
closed?"): a clause is read as a passive only with "by" right after the participle and a doer after "by", one or
more content words not of time, means or manner ("by Monday", "by 2020", "by train", "by hand", "by default": those
"by" name no doer, and the clause keeps its order). "Is the door closed by the wind?" is read as "Does the wind close
the door?": a state with a cause after "by" is that cause's act, and reading it so can only serve it beside the active
and refuse it beside "Does the door close the wind?".

Not read: Russian (the agent's instrumental and the patient's nominative would have to become the active's
nominative and accusative, which needs each noun's gender and animacy: "Был ли Цезарь предан Брутом?" keeps its
order), a passive whose one acted on or doer is a question word (`subject_object` reads those: "Who was killed by
Brutus?" asks for the one killed), Chinese 让 / 叫 / 给 (also "let", "call", "give").
"""

from __future__ import annotations

from velo.cache.text import FUNCTION_WORDS, HAN

_LONGEST = 3
"""The most content words of the one acted on and of the agent ("Caesar", "the big cat", "the Roman senate")."""

_EN_AUX = frozenset("is are was were be been being get gets got gotten".split())
"""Forms of "be" and "get", the English passive's auxiliary."""
_ES_AUX = frozenset("es son era eran fue fueron sera seran sido ser siendo".split())
"""Forms of "ser", the Spanish passive's auxiliary (folded: "será" is "sera")."""
_DE_AUX = frozenset("wurde wurden wird werden worden wurdest".split())
"""Forms of "werden", the German passive's auxiliary ("sein" with a participle is a state: "Ist die Tür geschlossen?")."""

_AUX = _EN_AUX | _ES_AUX | _DE_AUX

_DETERMINERS = frozenset(
    """the a an his her their its my your our this that these those el la los las un una unos unas su sus este esta
    der die das den dem des ein eine einen einem einer eines""".split()
)
"""Articles and possessives that may open the one acted on and the agent ("the wind", "la ciudad", "dem Hund")."""

_NOT_AGENTS = frozenset(
    """now then today tomorrow tonight noon midnight time end default far hand heart chance accident mistake name
    train car bus plane air sea road rail mail email post phone law design nature force means way night day week
    month year morning evening monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december
    ejemplo favor eso ciento dia noche manana tarde semana mes ano tren avion coche correo telefono ley fuerza
    lo menos mas
    beispiel zufall hand post bahn zug auto telefon gesetz""".split()
)
"""Words after "by" / "por" / "von" that name a time, a means or a manner, not a doer ("by Monday", "by train", "by
default", "por ejemplo", "por la mañana", "durch Zufall"): the clause is no passive with an agent."""

_EN_IRREGULAR = frozenset(
    """made built sung won led held hit found done run bought brought caught taught sold told paid said shot struck
    fed bound dug stuck spun swung kept left met read sent spent lost seen heard""".split()
)
_NOT_PARTICIPLES = frozenset("divided multiplied followed".split())
"""Participles of arithmetic ("10 divided by 2": its operands, `role_words.exchanged_numbers`) and of sequence
("followed by": the order of two things, no doer)."""
_ES_PARTICIPLE_ENDINGS = ("ado", "ada", "ados", "adas", "ido", "ida", "idos", "idas", "cho", "cha", "to", "ta", "tos", "tas", "so", "sa")
"""Endings of Spanish participles, regular and irregular ("traicionado", "hecho", "escrito", "descubierto", "impreso")."""
_ZH_TRAILING = frozenset("吗 嗎 呢 吧 啊 呀 为 為 什 么 麼 怎 如 何 哪 谁 誰".split())
"""Particles and question words that end a Chinese verb phrase after 被 ("...背叛了吗", "...背叛了，为什么")."""
_ZH_PRONOUNS = frozenset("我你您他她它")
"""Chinese pronouns (function words to `text`): the one acted on right before 被 and the agent right after it ("他被我打了
吗"), whose exchange `han_arguments_exchanged` reads in the active's order (lk40)."""
_ZH_ONE_CHARACTER_AGENTS = frozenset("我你您他她它人猫貓狗鸟鳥鱼魚马馬牛羊猪豬虎狼熊蛇鼠蜂蚊鸡雞鸭鴨鹅鵝兔猴龙龍虫蟲狮獅鹰鷹蚁蟻")
"""Pronouns and one-character names of people and animals, which after 被 are its agent whatever follows: "狗被猫咬了吗"
(the dog was bitten by the cat) had 猫咬, two characters, read as one verb with no agent, so "狗咬了猫吗" / "狗被猫咬了吗"
showed no exchange and was served at 0.971 by format 30 (lk40). Two characters after 被 are otherwise one verb ("他被
打败了": he was defeated); not 谁 (who), whose question `subject_object` reads."""


def _content(t: str) -> bool:
    """Whether `t` is a content word of a noun phrase or a participle: no function word, auxiliary or Han character."""
    return t.isalpha() and t not in FUNCTION_WORDS and t not in _AUX and not HAN.search(t)


def _phrase_after(toks: list[str], at: int) -> int | None:
    """Where the noun phrase starting at `at` ends: determiners, then 1 to `_LONGEST` content words; None if none."""
    k = at
    while k < len(toks) and toks[k] in _DETERMINERS:
        k += 1
    start = k
    while k < len(toks) and k - start < _LONGEST and _content(toks[k]):
        k += 1
    return k if k > start else None


def _phrase_before(toks: list[str], end: int) -> int | None:
    """Where the noun phrase ending right before `end` starts: 1 to `_LONGEST` content words, then determiners."""
    k = end
    while k > 0 and end - k < _LONGEST and _content(toks[k - 1]):
        k -= 1
    if k == end:
        return None
    while k > 0 and toks[k - 1] in _DETERMINERS:
        k -= 1
    return k


def _participle(word: str, lang: str) -> bool:
    if word in _NOT_PARTICIPLES or not _content(word):
        return False
    if lang == "en":
        return word.endswith(("ed", "en", "wn")) or word in _EN_IRREGULAR
    if lang == "es":
        return word.endswith(_ES_PARTICIPLE_ENDINGS)
    return word.startswith("ge") or word.endswith(("iert", "ieren"))  # "verraten", "zerstört": German by place below


def _agent_phrase(toks: list[str], at: int) -> int | None:
    """Where the agent after a marker at `at - 1` ends, if it names a doer (`_NOT_AGENTS`)."""
    end = _phrase_after(toks, at)
    if end is None or any(t in _NOT_AGENTS for t in toks[at:end]):
        return None
    return end


def _romance_or_english(toks: list[str], k: int, aux: frozenset[str], lang: str) -> list[str] | None:
    """The active's order of a passive whose participle is right before the marker at `k` ("was Caesar betrayed by
    Brutus", "Caesar was betrayed by Brutus", "can the file be opened by Python", "fue César traicionado por Bruto"):
    the one acted on (P) before its auxiliary (declarative) or right after it (question), the agent (A) after the
    marker. A P M A -> A M P, where M is what stands between P and the marker: "was brutus betrayed caesar"; Spanish
    writes the personal "a" before the object and a regular verb in the active's tense ("fue bruto traiciono a cesar",
    as "¿Traicionó Bruto a César?": `roles.role_swap` then reads "a" on both sides)."""
    part = k - 1
    if part < 1 or not _participle(toks[part], lang) or (end := _agent_phrase(toks, k + 1)) is None:
        return None
    if toks[part - 1] in aux:  # "Caesar was betrayed by", "can the file be opened by"
        chain = part - 1
        while chain > 0 and toks[chain - 1] in aux:
            chain -= 1
        start = _phrase_before(toks, chain)
        patient_end = chain
    else:  # "was Caesar betrayed by"
        start = _phrase_before(toks, part)
        patient_end = part
        if start is None or start == 0 or toks[start - 1] not in aux:
            return None
    if start is None:
        return None
    verb, patient = toks[patient_end : part + 1], toks[start:patient_end]
    if lang == "en":  # the verb as the active with "did" writes it, so both name it alike ("discovered" -> "discover")
        verb = verb[:-1] + [_english_base(toks[part])]
    if lang == "es":  # the verb in the active's tense, the personal "a" before the object ("al ratón", "a César")
        verb = verb[:-1] + [_spanish_active(toks[part], toks[max(start - 1, 0) : part])]
        patient = ["al"] + patient[1:] if patient[0] == "el" else ["a"] + patient
    return toks[:start] + toks[k + 1 : end] + verb + patient + toks[end:]


_KEPT_DOUBLES = frozenset("lsfz")
"""Letters a base verb ends doubled ("kill", "pass", "stuff", "buzz"): "killed" is "kill", where "stabbed" is "stab"."""


def _english_base(participle: str) -> str:
    """A regular English participle's base verb, as "did" asks with it ("discovered" -> "discover", "stabbed" -> "stab",
    "carried" -> "carry", "invaded" -> "invad", whose stem is "invade"'s): newcomer nc31 found "Did Columbus discover
    America?" / "Was Columbus discovered by America?" served at 0.998 because the two verbs' stems differ ("discov" /
    "discovered") and `order.exchanged` then saw no exchange. An irregular participle ("bitten", "shot") is kept."""
    if participle.endswith("ied") and len(participle) > 4:
        return participle[:-3] + "y"
    if not participle.endswith("ed") or len(participle) < 5:
        return participle
    base = participle[:-2]
    if base[-1] == base[-2] and base[-1] not in _KEPT_DOUBLES:
        base = base[:-1]
    return base


_ES_PRETERITE = frozenset("fue fueron".split())
_ES_PRESENT = frozenset("es son".split())


def _spanish_active(participle: str, before: list[str]) -> str:
    """A regular Spanish participle as the active's third person in the tense of "ser" before it (`before`), folded:
    "fue traicionado" -> "traiciono" (traicionó), "fue invadida" -> "invadio" (invadió), "es escrito" stays (irregular).
    The active then has the same terms ("¿Traicionó César a Bruto?"), which `roles.role_swap` asks of both sides."""
    for ending, preterite, present in (("ad", "o", "a"), ("id", "io", "e")):
        for number in ("o", "a", "os", "as"):
            if participle.endswith(ending + number) and len(participle) > len(ending + number) + 2:
                root = participle[: -len(ending + number)]
                if _ES_PRETERITE.intersection(before):
                    return root + preterite
                if _ES_PRESENT.intersection(before):
                    return root + present
    return participle


_DE_SEIN = frozenset("ist sind war waren".split())
"""Forms of "sein" that make the perfect passive with "worden" after the participle ("Ist Caesar von Brutus verraten
worden?")."""


def _german_agent(toks: list[str], k: int) -> tuple[int, int] | None:
    """(where the agent after "von" / "durch" at `k` ends, where the participle is): the agent's words, then one
    content word, the participle, last in its clause ("von Brutus verraten", "von dem großen Hund gejagt")."""
    end = _phrase_after(toks, k + 1)
    if end is None or end < len(toks) and _content(toks[end]):
        return None
    participle = end - 1
    if not any(_content(t) for t in toks[k + 1 : participle]) or any(t in _NOT_AGENTS for t in toks[k + 1 : participle]):
        return None
    return participle, participle


def _german(toks: list[str], k: int) -> list[str] | None:
    """The active's order of a German passive ("wurde Caesar von Brutus verraten", "warum wurde die Katze von dem Hund
    gejagt", "ist Caesar von Brutus verraten worden", "Caesar wurde von Brutus verraten"): a form of "werden"
    (`_DE_AUX`, or of "sein" with "worden"), the one acted on, "von" / "durch", the agent, the participle. As the
    perfect says it: "hat Brutus Caesar verraten" (`order._german_neighbours` reads two noun phrases side by side
    after "hat"), "Brutus hat Caesar verraten"."""
    if (found := _german_agent(toks, k)) is None:
        return None
    end, participle = found
    rest = [t for t in toks[participle + 1 :] if t not in _DE_AUX]
    passive = "worden" in toks[participle + 1 : participle + 2]
    if k >= 2 and toks[k - 1] in _DE_AUX | (_DE_SEIN if passive else frozenset()):  # "Caesar wurde von Brutus"
        start = _phrase_before(toks, k - 1)
        if start is None:
            return None
        return toks[:start] + toks[k + 1 : end] + ["hat"] + toks[start : k - 1] + [toks[participle]] + rest
    start = _phrase_before(toks, k)
    if start is None or start == 0 or toks[start - 1] not in _DE_AUX | (_DE_SEIN if passive else frozenset()):
        return None
    return toks[: start - 1] + ["hat"] + toks[k + 1 : end] + toks[start:k] + [toks[participle]] + rest


def _chinese(toks: list[str], k: int) -> list[str] | None:
    """The active's order of a Chinese 被 clause ("凯撒被布鲁图背叛了吗" -> "布鲁图背叛了凯撒吗"): the one acted on, the
    content characters right before 被 (at most 4), after the agent and the verb, which run from 被 to the particles
    and question words that end them (`_ZH_TRAILING`). Chinese writes no space between the agent and its verb: the
    two are moved together."""
    end = k + 1
    while end < len(toks) and HAN.fullmatch(toks[end]) and toks[end] not in _ZH_TRAILING:
        end += 1
    verb = toks[k + 1 : end]
    agent = bool(verb) and verb[0] in _ZH_ONE_CHARACTER_AGENTS
    start = k
    while start > 0 and k - start < 4 and HAN.fullmatch(toks[start - 1]) and (
        toks[start - 1] not in FUNCTION_WORDS or (agent and start == k and toks[start - 1] in _ZH_PRONOUNS)
    ):
        start -= 1
    # An agent and a verb of at least two characters: 被 right before its verb names no agent ("被降级到J3": was
    # relegated), and the clause keeps its order; two characters are an agent and its verb when the first is a
    # one-character agent ("狗被猫咬了吗", lk40).
    content = sum(t not in FUNCTION_WORDS for t in verb) + (agent and verb[0] in _ZH_PRONOUNS)
    if start == k or content < 2 or (content == 2 and not agent):
        return None
    return toks[:start] + verb + toks[start:k] + toks[end:]


def active_order(toks: list[str]) -> list[str]:
    """`toks` with its first passive clause that names its agent in the active's order (module docstring): "was caesar
    betrayed by brutus" -> "was brutus betrayed caesar", "fue cesar traicionado por bruto" -> "fue bruto traiciono a
    cesar", "wurde caesar von brutus verraten" -> "hat brutus caesar verraten", "凯撒被布鲁图背叛了吗" -> "布鲁图背叛了凯
    撒吗"; any other tokens as they are."""
    for k, t in enumerate(toks):
        found = None
        if t == "by":
            found = _romance_or_english(toks, k, _EN_AUX, "en")
        elif t == "por":
            found = _romance_or_english(toks, k, _ES_AUX, "es")
        elif t in ("von", "durch"):
            found = _german(toks, k)
        elif t == "被":
            found = _chinese(toks, k)
        if found is not None:
            return found
    return toks


def han_arguments_exchanged(a: list[str], b: list[str]) -> bool:
    """Whether two Chinese questions, one of them or both with a 被 passive, are in the active's order (`active_order`)
    the same characters but for two in each other's place, each a pronoun or a content character (lk40): "他打了我吗" /
    "他被我打了吗" (did he hit me / was he hit by me), "他咬了狗吗" / "他被狗咬了吗", "他骗了人吗" / "他被人骗了吗". Pronouns are
    function words, so `order.exchanged`, which compares content terms, does not see them, and `case_words`
    reads the questions as written. The same event in the other voice is the same characters ("我打了他吗" / "他被我打了
    吗"): no exchange."""
    if "被" not in a and "被" not in b:
        return False
    a, b = active_order(a), active_order(b)
    if len(a) != len(b):
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if len(diff) != 2:
        return False
    i, j = diff
    return a[i] == b[j] and a[j] == b[i] and all(
        HAN.fullmatch(t) and (t not in FUNCTION_WORDS or t in _ZH_PRONOUNS) for t in (a[i], a[j])
    )
