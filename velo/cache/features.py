"""Hit-decision features of one (request, best cached entry) pair.

The embedding cosine alone cannot tell "What is the capital of Australia?" from "... of Austria?": both
share almost every word, so their vectors are close. These features add what the cosine misses:

* *what differs*: overlap of all and of content words, order-aware overlap, and how similar the words
  only one side has are to each other (a paraphrase swaps words for near-synonyms or drops function
  words; a look-alike swaps one content word for a different thing of the same kind);
* *whether the cached answer fits*: e5 is trained to score query/passage relevance, so the cached answer
  should be about as relevant to the request as to the question it was written for;
* explicit mismatches of numbers, negation and word order;
* a second embedder's opinion of the whole pair.
"""

from __future__ import annotations

import difflib
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from velo.cache import text
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

    def __init__(self, embedder: Embedder, alt_embedder: Embedder | None = None, answer_memory: int = 50_000) -> None:
        self.embedder = embedder
        self.alt_embedder = alt_embedder or embedder
        self._answers: OrderedDict[str, np.ndarray] = OrderedDict()
        self._answer_memory = answer_memory

    def remember_answers(self, ids: Sequence[str], answers: Sequence[str]) -> None:
        """Embed answers once, at write time, so lookups do not pay for it."""
        todo = [(i, a) for i, a in zip(ids, answers) if i not in self._answers]
        if todo:
            vectors = self.embedder.embed([a for _, a in todo], passage=True)
            for (i, _), v in zip(todo, vectors):
                self._store(i, v)

    def _store(self, key: str, vector: np.ndarray) -> None:
        self._answers[key] = vector
        self._answers.move_to_end(key)
        while len(self._answers) > self._answer_memory:
            self._answers.popitem(last=False)

    def _answer_vector(self, neighbour: Neighbour) -> np.ndarray:
        key = neighbour.entry.id
        if key not in self._answers:
            self._store(key, self.embedder.embed([neighbour.entry.answer], passage=True)[0])
        self._answers.move_to_end(key)
        return self._answers[key]

    def __call__(self, request: str, request_vector: np.ndarray, neighbours: Sequence[Neighbour]) -> HitFeatures:
        """Features of the best neighbour (neighbours sorted best first, at least one)."""
        best = neighbours[0]
        cached = best.entry.question
        tq, tc = text.tokens(request), text.tokens(cached)
        cq, cc = text.content_words(tq), text.content_words(tc)
        only_q = [t for t in tq if t not in set(tc)]
        only_c = [t for t in tc if t not in set(tq)]
        conly_q = [t for t in cq if t not in set(cc)]
        conly_c = [t for t in cc if t not in set(cq)]

        snippets = [request, cached]
        if only_q and only_c:
            snippets += [_join(only_q), _join(only_c)]
        if conly_q and conly_c:
            snippets += [_join(conly_q), _join(conly_c)]
        alt = self.alt_embedder.embed(snippets)
        pairs = iter(float(alt[i] @ alt[i + 1]) for i in range(0, len(alt), 2))
        alt_similarity = next(pairs)
        diff_similarity = next(pairs) if only_q and only_c else 1.0
        content_diff_similarity = next(pairs) if conly_q and conly_c else 1.0

        answer = self._answer_vector(best)
        relevance = float(request_vector @ answer)
        own = float(np.asarray(best.vector, dtype=np.float32) @ answer) if best.vector is not None else relevance
        return HitFeatures(
            similarity=best.similarity,
            margin=best.similarity - neighbours[1].similarity if len(neighbours) > 1 else 1.0,
            alt_similarity=alt_similarity,
            lexical_overlap=_jaccard(set(tq), set(tc)),
            content_overlap=_jaccard(set(cq), set(cc)),
            sequence_overlap=difflib.SequenceMatcher(None, tq, tc, autojunk=False).ratio(),
            diff_similarity=diff_similarity,
            content_diff_similarity=content_diff_similarity,
            request_only_words=float(len(conly_q)),
            cached_only_words=float(len(conly_c)),
            answer_relevance=relevance,
            answer_gap=own - relevance,
            number_mismatch=float(text.numbers(request) != text.numbers(cached)),
            negation_mismatch=float(text.is_negated(tq) != text.is_negated(tc)),
            order_swap=float(set(tq) == set(tc) and tq != tc),
        )
