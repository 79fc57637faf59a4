"""Hit-decision features of one (request, best cached entry) pair.

The embedding cosine alone cannot tell "What is the capital of Australia?" from "... of Austria?": both
share almost every word, so their vectors are close. These features add what the cosine misses:

* *what differs*: overlap of all and of content words, order-aware overlap, how similar the words only one
  side has are to each other, how similar the least similar pair of content words put in place of
  each other is (a paraphrase swaps words for near-synonyms or drops function words; a look-alike swaps
  one content word for a different thing of the same kind), and how similar the content words one question
  adds are to the question without them (a rewording adds a word that restates it, "capital city"; a
  look-alike adds a condition or another thing to ask, "WLAN" / "WLAN和WiFi有什么区别");
* *whether the cached answer fits*: e5 is trained to score query/passage relevance, so the cached answer
  should be about as relevant to the request as to the question it was written for;
* explicit mismatches of numbers (one replaced by another, in digits of any script, Han numerals or number
  words), negation, symbols (an emoji, an emoticon `:)` / `:(`, `*` / `**`) and spellings (an accent on a
  content word "papa" / "papá", an acronym's capitals "US" / "us"), word order (not a phrase moved whole, "eine Datei
  in Python" / "in Python eine Datei", "X是什么" / "什么是X": `velo.cache.moved_phrases`)
  and roles ("5 km to miles" / "5 miles to km"; two arguments exchanged around a verb, "Germany invaded Poland" /
  "Poland invaded Germany": `velo.cache.order`; a comparison's arguments exchanged in a synonym, "Is the Earth bigger
  than Mars?" / "Is Mars larger than Earth?", and its opposite comparative, "faster" / "slower" in `negation_mismatch`:
  `velo.cache.comparisons`, nc43's finding; one comparison to another degree, "as fast as" / "faster than", "twice as
  fast as" / "faster than": `comparisons.degree_changed`, nc44), and an instruction naming the answer's language or form that the other
  question does not name ("What is photosynthesis?" / "... Answer in French." / "... Answer in one word.":
  `velo.cache.answer_language`, `velo.cache.answer_form`, in `role_swap`), and the same question in another tense ("Was
  Python faster than Java?" / "Is ...?": `velo.cache.tense`, in `role_swap`), a place qualified, widened or narrowed
  ("Virgin Islands" / "U.S. Virgin Islands", "America" / "the Americas", "Ireland" / "Northern Ireland" among other
  rewording; a place with its kind against it bare, "Georgia" / "the state of Georgia", "New York" / "New York City",
  nc44: `velo.cache.places`, in `role_swap`), two texts of no word written with other marks ("???" / "!!!", nc44:
  `text.wordless_swap`, in `symbol_swap`), a
  short turn of a conversation said against asked or "are you there" against "where are you" ("Yes" / "Yes?", "在吗" /
  "在哪": `velo.cache.set_phrases`, in `role_swap`), a modal of permission against one of advice ("Can I eat eggs
  while pregnant?" / "Should I ...?", also among other rewording: `velo.cache.modals`, in `role_swap`), and a time
  named from now moved ("this weekend" / "next weekend", "today" / "tomorrow": `velo.cache.time_deixis`, in
  `role_swap`), and a condition, an addressee, an amount or a time put in ("... if I have no rice cooker?", "... to a
  physicist.", "a few grapes", "... in 2014?") or a group or a condition one side restricts its question to ("Is
  ibuprofen safe?" / "Can children take ibuprofen safely?": `velo.cache.qualifiers`, in `role_swap`, nc44); each
  read in the bare question where a text wraps one in a frame ("I want to know who Caesar killed." / "Who killed
  Caesar?": `velo.cache.frames`, nc43);
* a second embedder's opinion of the whole pair.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from velo.cache import (
    alignment, answer_form, answer_language, arithmetic, case_words, code_marks, comparisons, counts, decimals, frames,
    free_words, modals, moved_phrases, negation, number_spellings, number_words, numbers, order, passive, persons,
    places, qualifiers, quantities, question_words, roles, set_phrases, short_names, speaker_roles, spellings,
    subject_object, tense, text, time_deixis, variants,
)
from velo.embedding import Embedder
from velo.types import HitFeatures, Neighbour


def _join(toks: list[str]) -> str:
    # Han characters are one token each and read as one word when written together.
    return "".join(toks) if all(len(t) == 1 and not t.isascii() for t in toks) else " ".join(toks)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


class HitFeaturizer:
    """Computes `HitFeatures` for a request and its neighbours.

    `embedder` is the search embedder (its request vectors are reused; it also embeds cached answers as
    passages, remembered per entry id); `alt_embedder` embeds the short differing snippets and gives the
    second opinion (a fast model is enough).
    """

    def __init__(
        self, embedder: Embedder, alt_embedder: Embedder | None = None, answer_memory: int = 50_000,
        snippet_memory: int = 10_000,
    ) -> None:
        self.embedder = embedder
        self.alt_embedder = alt_embedder or embedder
        self._answers: OrderedDict[str, np.ndarray] = OrderedDict()
        self._answer_memory = answer_memory
        self._snippets: OrderedDict[str, np.ndarray] = OrderedDict()
        """`alt_embedder` vectors of recent snippets: a cached question is compared again and again."""
        self._snippet_memory = snippet_memory
        self._questions: OrderedDict[str, np.ndarray] = OrderedDict()
        """`alt_embedder` vectors of stored questions (up to `answer_memory`), embedded at write time."""

    def remember_answers(self, ids: Sequence[str], answers: Sequence[str]) -> None:
        """Embed answers at write time, so lookups do not pay for it (a write-back replaces the old vector)."""
        todo = list(zip(ids, answers))
        if todo:
            vectors = self.embedder.embed([a for _, a in todo], passage=True)
            for (i, _), v in zip(todo, vectors):
                self.remember_vector(i, v)

    def remember_questions(self, questions: Sequence[str]) -> None:
        """Embed stored questions with `alt_embedder` at write time: a lookup then embeds only the request and
        the words that differ (a word-for-word repeat of a cached question, nothing)."""
        todo = [q for q in dict.fromkeys(questions) if q not in self._questions]
        vectors = self.alt_embedder.embed(todo) if todo else []
        for q, v in zip(todo, vectors):
            self._questions[q] = v
        for q in questions:
            self._questions.move_to_end(q)
        while len(self._questions) > self._answer_memory:
            self._questions.popitem(last=False)

    def remember_vector(self, key: str, vector: np.ndarray) -> None:
        """Use `vector` as the passage embedding of entry `key`'s answer."""
        self._answers[key] = vector
        self._answers.move_to_end(key)
        while len(self._answers) > self._answer_memory:
            self._answers.popitem(last=False)

    def _answer_vector(self, neighbour: Neighbour) -> np.ndarray:
        key = neighbour.entry.id
        if key not in self._answers:
            self.remember_vector(key, self.embedder.embed([neighbour.entry.answer], passage=True)[0])
        self._answers.move_to_end(key)
        return self._answers[key]

    def __call__(self, request: str, request_vector: np.ndarray, neighbours: Sequence[Neighbour]) -> HitFeatures:
        """Features of the best neighbour (neighbours sorted best first, at least one)."""
        return self.batch([request], [request_vector], [neighbours])[0]

    def batch(
        self, requests: Sequence[str], request_vectors: Sequence[np.ndarray], neighbours: Sequence[Sequence[Neighbour]]
    ) -> list[HitFeatures]:
        """Features of many (request, best neighbour) pairs with one embedding call for all their snippets."""
        pairs = [_Pair(r, n[0].entry.question) for r, n in zip(requests, neighbours)]
        snippets = list(dict.fromkeys(s for p in pairs for s in p.snippets()))
        vectors = {s: self._snippets[s] for s in snippets if s in self._snippets}
        vectors.update((s, self._questions[s]) for s in snippets if s not in vectors and s in self._questions)
        todo = [s for s in snippets if s not in vectors]
        if todo:
            vectors.update(zip(todo, self.alt_embedder.embed(todo)))
        for s in snippets:
            self._snippets[s] = vectors[s]
            self._snippets.move_to_end(s)
        while len(self._snippets) > self._snippet_memory:
            self._snippets.popitem(last=False)
        return [
            self._assemble(p, vec, nbs, vectors) for p, vec, nbs in zip(pairs, request_vectors, neighbours)
        ]

    def _assemble(self, p: _Pair, request_vector: np.ndarray, neighbours: Sequence[Neighbour], vectors: dict) -> HitFeatures:
        def sim(a: str, b: str) -> float:
            return float(vectors[a] @ vectors[b])

        best = neighbours[0]
        answer = self._answer_vector(best)
        relevance = float(np.asarray(request_vector, dtype=np.float32) @ answer)
        own = float(np.asarray(best.vector, dtype=np.float32) @ answer) if best.vector is not None else relevance
        return HitFeatures(
            similarity=best.similarity,
            margin=best.similarity - neighbours[1].similarity if len(neighbours) > 1 else 1.0,
            alt_similarity=sim(p.request, p.cached),
            lexical_overlap=_jaccard(set(p.tq), set(p.tc)),
            content_overlap=_jaccard(set(p.cq), set(p.cc)),
            sequence_overlap=p.sequence_ratio,
            diff_similarity=sim(*p.diff) if p.diff else 1.0,
            content_diff_similarity=min((sim(a, b) for a, b in p.substitutions), default=1.0),
            added_words_similarity=min((sim(a, b) for a, b in p.additions), default=1.0),
            request_only_words=float(len(p.conly_q)),
            cached_only_words=float(len(p.conly_c)),
            answer_relevance=relevance,
            answer_gap=own - relevance,
            **_veto_features(p),
        )


def veto_features(request: str, cached: str) -> dict[str, float]:
    """The five token-level features of a (request, cached question) pair that name what differs: `HitFeatures`'
    number_mismatch (0.0, 0.5 for numbers on one side only, 1.0), negation_mismatch, order_swap, symbol_swap and
    role_swap (0.0 or 1.0), the ones the rule file's vetoes read. They need no embedder: a replay over labelled pairs
    calls this and reads the code the cache runs, not a copy of it."""
    return _veto_features(_Pair(request, cached))


def _veto_features(p: _Pair) -> dict[str, float]:
    """The veto features of the texts as written and, where one of them is a question in a frame ("I want to know who
    Caesar killed."), of the bare questions (`velo.cache.frames.bare`: "Who did Caesar killed?"): each feature the
    bare pair's where it is a veto's (1.0; `order_swap`, a model feature only, is the texts'). The vetoes read a
    question's own shape (its question word first, its words place by place), so a frame hid the swap each refuses bare
    (nc43: "Who killed Caesar?" / "I want to know who Caesar killed." 0.998, served)."""
    (written, skip), *bare = _readings(p)
    found = _read_vetoes(written, skip)
    for q, skip in bare:
        # either reading's veto counts: the bare pair alone lost two look-alikes of the replay that `answer_form`
        # refuses as written ("Can you tell me how to format a table in markdown?" / "... an url in rst?")
        found |= {name: 1.0 for name, value in _read_vetoes(q, skip).items() if value >= 1.0 and name != "order_swap"}
    return found


_FRAME_PERSONS = frozenset({"persons.person_swap", "speaker_roles.speaker_exchanged", "case_words.referent_change"})
"""The readers of who is who, which read a frame's own pronoun ("Tell me how to boil an egg.": "me") as a person of the
question: where a text is framed they read the bare pair alone (nc44: "Tell me how to install Python." / "How do I
install Python?" was refused by `speaker_exchanged`, as written)."""


def _readings(p: _Pair) -> list[tuple[_Pair, frozenset[str]]]:
    """The pairs the vetoes read, each with the readers it skips: the texts as written and, where one is framed, the
    bare pair, the readers of `_FRAME_PERSONS` reading the bare pair alone. `_veto_features` and `vetoing_readers` both
    read these."""
    bare = p.bare()
    return [(p, frozenset())] if bare is None else [(p, _FRAME_PERSONS), (bare, frozenset())]


def _read_vetoes(p: _Pair, skip: frozenset[str] = frozenset()) -> dict[str, float]:
    return {
        # a count against one thing ("a joke" / "5 jokes") is a number replaced too (`velo.cache.counts`), and so is
        # the one thing a superlative picks out against several ("the largest planet" / "planets", after format 33)
        # one number spelled two ways in the same place, the only difference: none ("1" / "one", "1st" / "first")
        "number_mismatch": 0.0 if p.numbers_respelled else max(
            numbers.number_change(p.request, p.cached, p.same_quantities),
            float(counts.count_replaced(p.tq, p.tc) or counts.superlative_number_change(p.tq, p.tc)),
        ),
        "negation_mismatch": negation.negation_change(p.tq, p.tc),
        # the same question in another order: commuted operands, joined items, a symmetric relation (format 30)
        # ... or a phrase moved whole ("eine Datei in Python" / "in Python eine Datei", "X是什么" / "什么是X": recall43)
        "order_swap": float(
            order.reordered(p.tq, p.tc) and not order.symmetric_reordering(p.tq, p.tc)
            and not moved_phrases.moved_whole(p.tq, p.tc)
        ),
        "symbol_swap": float(any(fired(p) for _, fired in _SYMBOL_READERS)),
        "role_swap": float(any(fired(p) for name, fired in _ROLE_READERS if name not in skip)),
    }


_SYMBOL_READERS: tuple[tuple[str, Callable[[_Pair], bool]], ...] = (
    ("text.symbol_swap", lambda p: text.symbol_swap(
        p.tq, p.tc, *(arithmetic.numbered_joins(numbers.arithmetic_text(t)) for t in (p.request, p.cached)))),
    ("variants.name_respelled", lambda p: variants.name_respelled(p.request, p.cached, p.tq, p.tc)),
    ("text.spelling_swap", lambda p: p.tq == p.tc and text.spelling_swap(p.request, p.cached)),
    # the point of an ordinal respelled ("1.º" / "primer") is no code's separator
    ("code_marks.code_swap", lambda p: p.tq == p.tc and not p.numbers_respelled and code_marks.code_swap(*p.compared)),
    # texts of no word written with other marks: "???" / "!!!" (nc44, after format 33; both have no token)
    ("text.wordless_swap", lambda p: text.wordless_swap(p.request, p.cached)),
)
"""The readers whose finding is `symbol_swap`, by name, in the order they are asked (the first that fires decides)."""
_ROLE_READERS: tuple[tuple[str, Callable[[_Pair], bool]], ...] = (
    # A passive with its agent in the active's order: "Was Caesar betrayed by Brutus?" is "Did Brutus betray Caesar?",
    # not the two names exchanged (rule format 30)
    ("roles.role_swap", lambda p: roles.role_swap(*p.active)),
    ("question_words.question_swap", lambda p: question_words.question_swap(p.tq, p.tc)),
    ("subject_object.subject_object_swap", lambda p: subject_object.subject_object_swap(p.tq, p.tc)),
    ("order.exchanged", lambda p: order.exchanged(*p.active)),
    # one comparison's arguments exchanged in a synonym: "Is the Earth bigger than Mars?" / "Is Mars larger than
    # Earth?" (after format 33, nc43)
    ("comparisons.arguments_exchanged", lambda p: comparisons.arguments_exchanged(p.tq, p.tc)),
    # one comparison to another degree: "as fast as" / "faster than", "twice as fast as" / "faster than" (nc44)
    ("comparisons.degree_changed", lambda p: comparisons.degree_changed(p.tq, p.tc)),
    ("order.dash_exchanged", lambda p: order.dash_exchanged(p.request, p.cached)),
    ("persons.person_swap", lambda p: persons.person_swap(p.tq, p.tc)),
    ("case_words.referent_change", lambda p: case_words.referent_change(*p.written)),
    ("speaker_roles.speaker_exchanged", lambda p: speaker_roles.speaker_exchanged(p.tq, p.tc)),
    ("passive.han_arguments_exchanged", lambda p: passive.han_arguments_exchanged(p.tq, p.tc)),
    ("answer_language.answer_language_change", lambda p: answer_language.answer_language_change(p.tq, p.tc, p.request, p.cached)),
    ("answer_form.answer_form_change", lambda p: answer_form.answer_form_change(p.request, p.cached)),
    ("tense.tense_change", lambda p: tense.tense_change(p.tq, p.tc, p.request, p.cached)),
    ("places.place_changed", lambda p: places.place_changed(p.tq, p.tc, p.request, p.cached)),
    # "Yes" / "Yes?", "继续" / "继续吗？", "¿Estás ahí?" / "¿Dónde estás?" (after format 32)
    ("set_phrases.another_turn", lambda p: set_phrases.another_turn(p.request, p.cached)),
    ("modals.modal_change", lambda p: modals.modal_change(p.tq, p.tc)),
    # "this weekend" / "next weekend", "today" / "tomorrow", 今年 / 去年 (after format 33, nc43)
    ("time_deixis.time_moved", lambda p: time_deixis.time_moved(p.tq, p.tc)),
    # a condition, an addressee or an amount put in, nothing else changed (after format 33, nc43)
    ("qualifiers.qualifier_added", lambda p: qualifiers.qualifier_added(p.tq, p.tc) is not None),
    # a group or a condition one side restricts its question to, among other rewording: "Is ibuprofen safe?" / "Can
    # children take ibuprofen safely?" (after format 33, nc44)
    ("qualifiers.restriction_added", lambda p: qualifiers.restriction_added(p.tq, p.tc) is not None),
)
"""The readers whose finding is `role_swap`, by name, in the order they are asked (the first that fires decides)."""


def vetoing_readers(request: str, cached: str) -> dict[str, list[str]]:
    """Which readers find what differs in a (request, cached question) pair, for the two features several readers feed:
    `{"symbol_swap": [...], "role_swap": [...]}`, each the names (module.function) of every reader of it that fires,
    in the order `HitFeaturizer` asks them; empty lists where none does. Every reader is asked (the featurizer stops at
    the first): to tell an operator why a pair was refused ("role_swap" alone named tenses, places, modals and answer
    languages alike: a newcomer's finding, nc43)."""
    readings = _readings(_Pair(request, cached))  # as `_veto_features` reads them
    return {name: [reader for reader, fired in table if any(fired(q) for q, skip in readings if reader not in skip)]
            for name, table in (("symbol_swap", _SYMBOL_READERS), ("role_swap", _ROLE_READERS))}


class _Pair:
    """The token-level comparison of a request and a cached question."""

    def __init__(self, request: str, cached: str) -> None:
        self.request, self.cached = request, cached
        # Han numerals in digits: "一万元" / "10000元" differ in no word (number_mismatch reads the texts as written);
        # a unit before its number after it: "摄氏100度" / "100摄氏度" is one quantity in the same words.
        self.written = text.tokens(request), text.tokens(cached)
        """The tokens of the texts as written (no number read in digits), for `case_words`: tokenized once per pair."""
        self.tq, self.tc = (
            quantities.unit_after_number(w if (d := numbers.as_digits(t)) == t else text.tokens(d))
            for t, w in zip((request, cached), self.written)
        )
        # One quantity spelled as the cached question spells it: "100 °C" / "100 degrees Celsius" / "100摄氏度" differ
        # in no word (a quantity in another unit keeps its spelling: role_swap sees it; one of equal size in a unit of
        # the same family, "1000 g" / "1 kg", is respelled, and its numbers are one number to number_mismatch).
        self.same_quantities = quantities.equal_quantities(self.tq, self.tc, request, cached)
        self.tq = quantities.spelled_as(self.tq, self.tc)
        self.tq, self.tc = text.one_power_sign(self.tq, self.tc)  # "2^10" / "2**10" (rule format 25)
        self.numbers_respelled = False
        """Whether the two questions became the same words only by spelling a number as the other does where it stands
        ("Tell me 1 joke." / "Tell me one joke.", "1st" / "first", "World War 1" / "World War I":
        `velo.cache.number_spellings`): then no number differs."""
        self.reordered_alike = False
        """Whether the two questions became the same words by reading the request in the cached question's order, one
        that keeps the question (`order.symmetric_reordering`, after format 30)."""
        self.free_words_folded = False
        """Whether the two questions became the same words only with the words writers vary freely written one way
        (`velo.cache.free_words`: "please", "请问", 您 / 你, "Could you" / "Can you"; rc40)."""
        self.set_phrases_folded = False
        """Whether the two questions became the same words only with a set phrase written one way (`velo.cache.set_phrases`:
        "1+1=?" / "1+1是多少", "对" / "嗯", "在吗" / "你还在吗", "继续" / "接着来"; rc41)."""
        self.compared = request, cached
        """The texts whose words the same-words step found the same: as written, or as `set_phrases.fold` wrote them
        where that made the same words. `code_marks.code_swap` reads their brackets: "¿Cuánto es -(2+3)?" / "-(2+3)=?"
        hold one bracket, "-(2+3)", after other words; folded, both are "-(2+3)" (after format 32)."""
        if self.tq != self.tc:
            self._same_words_spelled_otherwise()
        self.active = passive.active_order(self.tq), passive.active_order(self.tc)
        self.cq, self.cc = text.content_words(self.tq), text.content_words(self.tc)
        sq, sc, scq, scc = set(self.tq), set(self.tc), set(self.cq), set(self.cc)
        only_q, only_c = [t for t in self.tq if t not in sc], [t for t in self.tc if t not in sq]
        self.conly_q, self.conly_c = [t for t in self.cq if t not in scc], [t for t in self.cc if t not in scq]
        self.diff = (_join(only_q), _join(only_c)) if only_q and only_c else None
        self.sequence_ratio = alignment.ratio(self.tq, self.tc)
        opcodes = alignment.opcodes(self.tq, self.tc)
        self.substitutions = _substitutions(self.tq, self.tc, opcodes)
        self.additions = _additions(self.request, self.cached, self.tq, self.tc, opcodes)

    def _same_words_spelled_otherwise(self) -> None:
        """The two questions as one spelling of each word (`velo.cache.spellings`, `velo.cache.variants`: "What's" /
        "What is", "臺灣" / "台灣", "favourite" / "favorite", "e-mail" / "email") and of each quantity, a decimal too
        ("1.5 kg" / "1500 g": `quantities.spelled_as` with the texts; "1.50 kg" / "1.5 kg": `velo.cache.decimals`, rule
        format 29) and of each number written in words ("Is seventeen prime?" / "Is 17 prime?": `velo.cache.number_words`,
        rule format 30; a word for one, an ordinal or a Roman numeral where the other question has the same number:
        `velo.cache.number_spellings`, after format 30), kept only where that makes them the same words (rule format
        27): the same request, served outright. Elsewhere the features keep the tokens the model was fitted on:
        respelling a rewording's words moves its overlap features off that fit, and in the replay of format 26's 8,946 pairs it cost more right hits than it
        won (11 served at format 26 fell below the threshold, "What's Google Authenticator?" / "What is google
        authenticator?" 0.965 -> 0.887; 2 rose above it, besides those made the same words)."""
        sq, sc, respelled = _respelled(self.request, self.cached)
        alike = _alike(respelled, sc, self.request, self.cached)
        # ... or but for words writers add, drop or swap freely ("please", "请问", 您 / 你, "Could you" / "Can you":
        # `velo.cache.free_words`, rc40), read in the texts with those words written one way
        if not alike and free_words.could_fold(respelled, sc):
            folded = free_words.fold(self.request), free_words.fold(self.cached)
            if folded != (self.request, self.cached):
                sq, sc, respelled = _respelled(*folded)
                alike = self.free_words_folded = bool(_alike(respelled, sc, *folded))
        # ... or but for a set phrase worded otherwise, free words aside ("1+1=?" / "1+1是多少", "对" / "嗯",
        # "在吗" / "你还在吗", "请继续" / "接着来": `velo.cache.set_phrases`, rc41)
        if not alike and set_phrases.could_fold(self.request, self.cached):
            free = free_words.fold(self.request), free_words.fold(self.cached)
            phrased = set_phrases.fold(free[0]), set_phrases.fold(free[1])
            if phrased != free:  # no set phrase read: the texts were read already, as written or with free words folded
                sq, sc, respelled = _respelled(*phrased)
                alike = self.set_phrases_folded = bool(_alike(respelled, sc, *phrased))
                if alike:
                    self.compared = phrased
        if alike:
            self.numbers_respelled = respelled != sq  # `respelled` is `sq` but for the numbers it spelled as `sc` does
            self.reordered_alike = respelled != sc
            self.tq, self.tc = sc, sc

    def bare(self) -> _Pair | None:
        """The pair of the bare questions where a text is a question in a frame (`velo.cache.frames.bare`: the frame
        off, an indirect question in the direct order; a text in none as written), else None."""
        found = frames.bare(self.request), frames.bare(self.cached)
        if found == (None, None):
            return None
        return _Pair(found[0] or self.request, found[1] or self.cached)

    def snippets(self) -> list[str]:
        out = [self.request, self.cached]
        if self.diff:
            out += list(self.diff)
        for pair in self.substitutions + self.additions:
            out += list(pair)
        return out


def _respelled(request: str, cached: str) -> tuple[list[str], list[str], list[str]]:
    """(the request's tokens, the cached question's tokens, the request's respelled as the cached question spells them:
    `_Pair._same_words_spelled_otherwise`)."""
    sq, sc = (
        quantities.unit_after_number(text.tokens(numbers.as_digits(t), spelled=True))
        for t in spellings.one_script(request, cached)
    )
    # a country named in full or by its abbreviation ("Estados Unidos" / "EE. UU.": `velo.cache.short_names`)
    sq = short_names.respelled(sq, sc, short_names.capitals(request), short_names.capitals(cached))
    sq = quantities.spelled_as(variants.respelled(request, cached, sq, sc), sc, request, cached)
    sq, sc = text.one_power_sign(sq, sc)
    sq, sc = decimals.without_trailing_zeros(sq, request), decimals.without_trailing_zeros(sc, cached)
    sq, sc = number_words.as_digits(sq), number_words.as_digits(sc)
    return sq, sc, number_spellings.respelled(sq, sc, request, cached)


def _alike(respelled: list[str], sc: list[str], request: str, cached: str) -> bool:
    """The same words, or the same in an order that keeps the question (`order.symmetric_reordering`: "7 plus 8" / "8
    plus 7", "cats and dogs" / "dogs and cats", "Is Tom married to Anna?" / "Is Anna married to Tom?", Russian arguments
    in their cases "Чем кошки отличаются от собак?" / "Чем собаки отличаются от кошек?"; after format 30): the model
    weighs order_swap at about 0, so the overlap features alone kept such a pair a miss (0.760-0.901). A Spanish topic put
    before the question word is such an order too (`order.topic_fronted`: "¿Messi cuántos años tiene?" / "¿Cuántos años
    tiene Messi?"; after format 32), and so is Chinese 了 after the verb or after its object (`tense.han_done_moved`:
    "你吃了饭吗" / "你吃饭了吗"; nc42: 0.114). So are operands of + and * exchanged inside arithmetic, read from the texts
    `request` and `cached` (`numbers.same_computation_reordered`: "2*(4+3)=?" / "2*(3+4)=?", whose tokens have lost the
    brackets that tell "2*(4+3)" from "2*4+3"; after format 33). So is one comparison in a synonym of the same quality
    (`comparisons.same_in_synonyms`: "Земля больше Марса?" / "Земля крупнее Марса?", 0.900; nc43, after format 33), and
    a phrase moved whole (`moved_phrases.moved_whole`: "¿Por qué es azul el cielo?" / "¿Por qué el cielo es azul?",
    "Какое озеро самое большое?" / "Какое самое большое озеро?", "why is the sky blue" / "why the sky is blue":
    0.885-0.942 by format 33's model, which weighs full overlap in another order as a look-alike's; recall44)."""
    return (
        respelled == sc or order.symmetric_reordering(respelled, sc)
        or order.topic_fronted(respelled, sc) or order.topic_fronted(sc, respelled)
        or tense.han_done_moved(respelled, sc) or moved_phrases.moved_whole(respelled, sc)
        or (sorted(respelled) == sorted(sc) and numbers.same_computation_reordered(request, cached))
        or comparisons.same_in_synonyms(respelled, sc)
    )


def _substitutions(tq: list[str], tc: list[str], opcodes: list | None = None) -> list[tuple[str, str]]:
    """The words put in place of others: for each stretch where the two token sequences differ (difflib's
    alignment) and both sides have content words, those words of each side, joined ("largest city" / "capital",
    "rename" / "create new"); where one side of a replaced stretch has content words and the other only function
    words, all the words of that side ("calorías plato" / "como se hace una": another question about the same dish).

    Scoring each stretch on its own keeps one swapped term from being averaged away among the words a
    rewording changes elsewhere (all the differing words joined did that); its least similar pair is the
    `content_diff_similarity` feature. A stretch that is one number on both sides, written two ways ("一万" /
    "10000", "five" / "5"), is no replacement (`numbers.same_number`). Before rule format 7 a stretch with content words on one side only was not
    scored, so a question asking something else about the same thing in function words ("¿Cómo se hace una paella?"
    / "¿Cuántas calorías tiene un plato de paella?") had nothing replaced and looked like a heavy rewording.
    """
    out = []
    for op, i1, i2, j1, j2 in opcodes if opcodes is not None else alignment.opcodes(tq, tc):
        if op == "equal":
            continue
        a = [t for t in tq[i1:i2] if t not in text.FUNCTION_WORDS]
        b = [t for t in tc[j1:j2] if t not in text.FUNCTION_WORDS]
        if a and b and numbers.same_number(_join(tq[i1:i2]), _join(tc[j1:j2])):
            continue  # one number written two ways ("一万" / "10000"): nothing replaced
        if a and b:
            out.append((_join(a), _join(b)))
        elif op == "replace" and (a or b):
            out.append((_join(a or tq[i1:i2]), _join(b or tc[j1:j2])))
    return out


def _additions(request: str, cached: str, tq: list[str], tc: list[str], opcodes: list | None = None) -> list[tuple[str, str]]:
    """The content words one question adds to the other: for each stretch of tokens only one side has (difflib's
    alignment: inserted, not put in place of others), its content words the other question lacks altogether (a word
    moved elsewhere is not added: "什么是redis" / "redis是什么"), joined, with the other question as written
    ("How do I boil an egg quickly?" / "How do I boil an egg?": [("quickly", "How do I boil an egg?")]).

    Their least similar pair is the `added_words_similarity` feature. Before it (rule format 11) such a pair had nothing
    replaced and `diff_similarity` and `content_diff_similarity` were 1.0, as for a word-for-word repeat.
    """
    sq, sc = set(tq), set(tc)
    out = []
    for op, i1, i2, j1, j2 in opcodes if opcodes is not None else alignment.opcodes(tq, tc):
        if op == "delete" and (a := [t for t in tq[i1:i2] if t not in text.FUNCTION_WORDS and t not in sc]):
            out.append((_join(a), cached))
        elif op == "insert" and (b := [t for t in tc[j1:j2] if t not in text.FUNCTION_WORDS and t not in sq]):
            out.append((_join(b), request))
    return out
