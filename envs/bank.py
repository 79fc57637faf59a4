"""The request bank: every text the environment can serve, embedded and featurized once, cached on disk.

Built from the prepared oasst1 pairs (`velo data prepare`), their paraphrases, the team's written look-alikes of
them, and the edge LLM's answers (`velo data edge-answers`) when they were generated. It holds what a live edge server would compute per
request (the e5 request vector, the hit-decision features against nearby cached questions) so an episode
step costs microseconds instead of an embedding call. Features come from the very `HitFeaturizer` the
Milvus cache uses.

**Written look-alikes** (bank format 18). A look-alike of item X is a question written against X that asks
something else (cache-evaluation rows with `"expect": "miss"` and `"of": X`, the rewordings files' `lookalikes`,
the shared set's `hard_negatives`; `load_lookalikes`). Each becomes an item of its own, appended after the oasst1
items, with `item_lookalike_of` = X (-1 for oasst1 items). It has no reference answer, so what it is scored with
comes from X and from the bank's measured numbers:

| field | value | why |
|---|---|---|
| language, conversation context, follow-up | X's | written in X's language, in X's conversation: it searches X's cache partition |
| `question_tokens` | its own text with X's context | what it sends |
| `answer_tokens`, `edge_tokens` | X's | a question of the same kind and length (an assumption) |
| `answer_vecs`, `edge_answer_vecs` | zeros | no reference answer: any other item's answer served to it (X's above all) has cosine 0 to it and scores `answer_quality(0, floor)` = 0, a wrong cached neighbour; its own answers served to any other item score 0 too |
| `edge_quality` | the mean `edge_quality` of the bank's oasst1 items of its language (`edge_quality_fallback` when none, or when the edge answers are not real) | what the edge LLM's measured answers give a question of that language |

The reference (CLOUD) answer is the look-alike's own: quality 1, as for every item. Only look-alikes of the
bank's own items join it, so a split's bank holds only the look-alikes written against that split's questions.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from envs import bank_features
from envs.bank_notice import announce, one_build, record_rate
from envs.bank_texts import BankTexts
from velo.cache.decision import LogisticHitRule, default_rule, embedder_key
from velo.cache.features import HitFeaturizer
from velo.data import load_prepared
from velo.embedding import CachedEmbedder, Embedder, load_embedder
from velo.embedding.models import E5SmallEmbedder, USEMultilingualEmbedder
from velo.llm.edge_answers import edge_answers_path, load_edge_answers
from velo.observation import approx_tokens, request_tokens
from velo.paths import BUNDLED_CACHE_EVAL, BUNDLED_REWORDINGS, require_bundled_data, shared_paraphrases, velo_home
from velo.progress import QUIET, Steps
from velo.types import CacheEntry, HitFeatures, Neighbour, QAPair, Source

BANK_VERSION = "velo.bank/34"
"""34: the hit features of hit rule format 33 (format 30's weights with the readers landed since format 32: one
reader of arithmetic with a sign before a bracket: `number_mismatch`; instructions about the answer set apart from the
question, a short turn said against asked, a tense changed by a future in two words, a Russian case or a Chinese aspect mark, a main
verb's past against its present or future, a place qualified, widened or narrowed, permission against advice:
`role_swap`; years and thousands in words, abbreviations of countries and unions: the same words).
33: the hit features of hit rule format 32 (format 30's weights with the readers landed since: an agent asked last,
English regular participles, German tens words, a number spelled another way in the same place, a reordering that
keeps the question and words writers add or drop freely read as the same words, Russian symmetric arguments in their
cases, a pronoun or a German article's case that points at someone else, the speaker and a third person exchanged, a
Chinese 被 passive, one of a unit written as a word, a language set off by a comma: `role_swap`; a preposition of
opposite direction, a negation with the verb in another form: `negation_mismatch`; a count against one thing in a
Russian case: `number_mismatch`). 32 was the withdrawn format 31's bank.
31: the hit features of hit rule format 30 (a passive with its agent read in the active's order: `role_swap`; a count
against one thing: `number_mismatch`; number words as digits; commuted operands, joined items, alternatives and a
symmetric relation's arguments in another order: no `order_swap`).
30: the hit features of hit rule format 29 (a how-to against a motive, a time word for a place word, an instruction
about the answer's form, binary data units, a British / American word inside a name: new vetoes; trailing zeros of
decimal quantities folded).
29: the hit features of hit rule format 28 (format 27's spelling folds narrowed: British / American by
list, hyphens in listed compounds, one Chinese script against the other, ñ / ß / minimal pairs kept, data sizes in
bytes; the same question categories only of one event; how / why compatible again; answer-language instructions in
the other question's own language and converse verbs with the doer changed no longer vetoed).
28: the hit features of hit rule format 27 (how for why, an answer language named on one side, Russian
nouns around the copula dash exchanged: `role_swap`; lend / borrow in es / de / ru: `negation_mismatch`; `order_swap`
counted per token; accents of a writer who types none, the same question categories in another order, typographic
dashes, fractions, one word in two spellings, one quantity in two units: vetoes lifted or the same words).
27: the hit features of hit rule format 26 (the punctuation of code and math, an operator on one side only:
`symbol_swap`; speaker and listener exchanged: `role_swap`; the punctuation of code also changes the context key).
26: the hit features of hit rule format 25 (neighbours exchanged, before / after's activities exchanged: `role_swap`;
a distance's or an interaction's arguments: none; ".5" and "❤️" also change the tokens of every feature and the key).
25: the hit features of hit rule format 24 (case that names, code brackets, superscripts as exponents:
`symbol_swap`; a superscript also changes the tokens of every feature and the context key).
24: the hit features of hit rule format 23 (arguments exchanged around function words, compounds' modifiers,
"whom did", kitchen / data / power units: `role_swap`; converse verbs, "all" / "some": `negation_mismatch`).
23: the hit features of hit rule format 22 (one number written two ways, a decimal comma, a quantity of equal size in
another unit: `number_mismatch` and the compared tokens; a symmetric relation's arguments exchanged: no `role_swap`).
22: the hit features of hit rule format 20 (a passive's "who" in German and Spanish, Russian forms alike in two
cases: `role_swap`).
21: the hit features of hit rule format 19 (operands of division exchanged, German and Russian arguments in more forms,
the subject or object asked in a passive, "which N", 把 / 被: `role_swap`; "before" / "after" attached to each other's
arguments: `negation_mismatch`; no veto for commutative operands in any order, "by whom", Russian forms moved, "or"
alternatives reordered).
20: the hit features of hit rule format 18 (a commutative operation no exchange only between the question's two
numbers: `role_swap`).
19: the hit features of hit rule format 17 (Russian arguments exchanged with their cases, a commutative operation no
exchange: `role_swap`; "с" / "без" around a noun in another case, "before" / "after": `negation_mismatch`).
18: written look-alikes are items (`item_lookalike_of`, after the oasst1 items): each a different question the team
wrote against a cached one (`load_lookalikes`), with no reference answer of its own.
17: the hit features of hit rule format 16 (a question word asking for subject or object, German arguments side by
side exchanged: `role_swap`; a negating prefix in a replaced stretch: `negation_mismatch`).
16: the hit features gained `added_words_similarity` (the content words one question adds, scored against the
other question; hit rule format 15).
15: the hit features of hit rule format 14 (arithmetic's numbers counted, opposite directions a negation put in).
14: the hit features of hit rule format 13 (short exchanged arguments only; "por qué" is no role word).
13: the hit features of hit rule format 12 (numbers counted, words of letters and digits compared).
12: the hit features of hit rule format 11 (`role_swap` also sees two arguments exchanged around a verb).
11: the hit features of hit rule format 10 (`role_swap` reads every occurrence of a role word, each with its own
argument).
10: the hit features of hit rule format 9 (one quantity spelled as the cached question spells it, a sign word as
the number's sign, a command-line flag's case kept).
9: the hit features of hit rule format 8 (Han numerals compared as digits, 一 numbering a date / line / floor,
`role_swap` with question words of another category, a number in another unit, and not a moved target unit).
8: `negation_mismatch` 1.0 only when the two questions have the same content words and not as many negations (a
negation moved or written otherwise, "does not" / "doesn't", "mein WLAN nicht" / "nicht mein WLAN", is none put in).
7: `content_diff_similarity` also scores a replaced stretch with content words on one side only; `negation_mismatch`
1.0 also for a word with a negating prefix in place of the word ("gekochter" / "ungekochter") (hit rule format 7).
6: `negation_mismatch` is graded (1.0 a negation put in where the questions differ, 0.5 one side negated otherwise),
`role_swap` also sees a quantity's unit swapped, Han 一 inside words is no number, context keys keep accents on content
words and acronyms' capitals (hit rule format 6, with its `gap_floor`).
5: `number_mismatch` reads a lone 一 before a measure word as one ("一个" / "两个"); `symbol_swap` sees emoticons made
of punctuation (":)" / ":(") and, between questions the same word for word, an accent on a content word or an
acronym's capitals; `role_swap` compares stems ("долларов" / "доллары"). Hit rule format unchanged (5).
4: `content_diff_similarity` scores each replaced stretch of content words on its own; `number_mismatch` reads
Han numerals and small number words (hit rule format 5).
3: `number_mismatch` is graded (1.0 a number replaced, 0.5 numbers on one side only).
2: hit features gained `symbol_swap` and `role_swap` (tokens keep symbols)."""
ANSWER_FEATURES = (HitFeatures.names().index("answer_relevance"), HitFeatures.names().index("answer_gap"))
PAIRS_FORMAT = "velo.bank_pairs/2"
"""Format of the pair features saved next to a bank (`<key>.pairs.npz`; `pair_features`). 2: each pair's features
are a function of the pair alone, so a run does not depend on which pairs the file already held (issue 10): the
second embedder embeds one snippet per call (USE's vector of a text changes in its last bits with the texts batched
with it, and the featurizer remembers snippets across pairs, so a pair's features depended on the pairs met before it
in the process) and the features are kept as float32 from the start (as stored: a pair met in the run was used at
float64, the same pair read back from the file at float32). 1 (no `format` entry): neither; `build_bank` ignores such
a file (its pairs are featurized again and the next save replaces it), `load_bank_file` reads it as stored."""


def load_paraphrases(paths: list[Path]) -> dict[str, list[str]]:
    """Paraphrases keyed by the answer id of the question they reword.

    Reads the cache-evaluation format (`{"question", "expect": "hit", "target"}` lines, as bundled in
    data/sample/cache_eval), the shared paraphrase format (`{"message_id", "paraphrases": [...]}`) and the
    team's rewordings (`{"id", "rewordings": [...]}`, data/rewordings).
    """
    out: dict[str, list[str]] = {}
    for where, row in _records(paths):
        if "paraphrases" in row and "message_id" in row:
            out.setdefault(row["message_id"], []).extend(row["paraphrases"])
        elif "rewordings" in row and "id" in row:
            out.setdefault(row["id"], []).extend(row["rewordings"])
        elif row.get("expect") == "hit" and row.get("target"):
            out.setdefault(row["target"], []).append(row["question"])
        elif "expect" not in row:
            raise ValueError(f"{where}: neither a paraphrase nor a cache-evaluation record")
    return out


def load_lookalikes(paths: list[Path]) -> dict[str, list[str]]:
    """Written look-alikes keyed by the answer id of the question they look like but do not ask.

    Reads the same files as `load_paraphrases`: cache-evaluation lines with `"expect": "miss"` and an `"of"` (kinds
    `hard_negative`, `same_topic`; `unrelated` lines name no question and are skipped), the shared set's
    `hard_negatives` (keyed by `message_id`) and the team's rewordings' `lookalikes` (keyed by `id`).
    """
    out: dict[str, list[str]] = {}
    for _, row in _records(paths):
        if "hard_negatives" in row and "message_id" in row:
            out.setdefault(row["message_id"], []).extend(row["hard_negatives"])
        elif "lookalikes" in row and "id" in row:
            out.setdefault(row["id"], []).extend(row["lookalikes"])
        elif row.get("expect") == "miss" and row.get("of"):
            out.setdefault(row["of"], []).append(row["question"])
    return out


def _records(paths: list[Path]):
    """("path:line", parsed JSON object) for every non-blank line of the paraphrase files."""
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                yield f"{path}:{n}", json.loads(line)


def default_paraphrase_files() -> list[Path]:
    """What `velo_edge_v0` rewords with: the bundled cache-evaluation paraphrases of the sample."""
    require_bundled_data()
    return sorted(BUNDLED_CACHE_EVAL.glob("*.queries.jsonl"))


def all_paraphrase_files() -> list[Path]:
    """Every paraphrase source there is (`velo_edge_v1`'s default): the bundled ones, the team's rewordings
    (data/rewordings) and the shared oasst1 paraphrase set when `../shared` is present."""
    shared = shared_paraphrases()
    return default_paraphrase_files() + sorted(BUNDLED_REWORDINGS.glob("*.jsonl")) + ([shared] if shared.is_file() else [])


@dataclass
class RequestBank:
    """Items are question/answer pairs; texts are the ways a request for an item can be worded."""

    item_ids: list[str]
    item_lang: np.ndarray  # (I,) language index (LANGUAGES order, 5 = other)
    item_ctx: np.ndarray  # (I,) conversation-context id (0 = first turn)
    item_follow_up: np.ndarray  # (I,) bool
    answer_tokens: np.ndarray  # (I,) reference answer tokens
    question_tokens: np.ndarray  # (I,) prompt tokens (question + context)
    answer_vecs: np.ndarray  # (I, d) e5 passage vectors of reference answers
    edge_answer_vecs: np.ndarray  # (I, d) e5 passage vectors of the edge LLM's answers (or zeros)
    edge_tokens: np.ndarray  # (I,) edge answer output tokens
    edge_quality: np.ndarray  # (I,) quality of the edge answer in [0, 1]
    edge_answers_real: bool
    item_lookalike_of: np.ndarray  # (I,) the item a written look-alike looks like, -1 for an oasst1 item
    text_item: np.ndarray  # (T,) item of each text
    text_is_original: np.ndarray  # (T,) bool: the item's own oasst1 wording
    text_vecs: np.ndarray  # (T, d) e5 query vectors
    cand: np.ndarray  # (T, K) candidate texts (same language and context), -1 padded
    cand_feats: np.ndarray  # (T, K, F) hit features against the candidate holding its reference answer
    quality_floor: float
    texts: list[str]
    rule: LogisticHitRule
    _featurizer: HitFeaturizer | None = field(default=None, init=False, repr=False)
    _pair_memo: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, init=False, repr=False)
    _extra: dict[tuple[int, int], np.ndarray] = field(default_factory=dict, init=False, repr=False)
    """Pairs featurized after the build (beyond the precomputed candidates), persisted by `save_pair_features`."""
    _extra_path: Path | None = field(default=None, init=False, repr=False)
    _extra_saved: int = field(default=0, init=False, repr=False)
    _paraphrase_table: list[np.ndarray] | None = field(default=None, init=False, repr=False)
    _lookalike_table: list[list[int]] | None = field(default=None, init=False, repr=False)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_questions(self) -> int:
        """The oasst1 items (the first `n_questions`); the written look-alikes follow them."""
        return int(np.count_nonzero(self.item_lookalike_of < 0))

    def lookalike_table(self) -> list[list[int]]:
        """Per item, its written look-alike items (in index order), computed once per bank."""
        if self._lookalike_table is None:
            lists: list[list[int]] = [[] for _ in range(self.n_items)]
            for item, of in enumerate(self.item_lookalike_of.tolist()):
                if of >= 0:
                    lists[of].append(item)
            self._lookalike_table = lists
        return self._lookalike_table

    @property
    def extra_pairs(self) -> int:
        """Pairs featurized beyond the precomputed candidates, by this process or saved by earlier ones."""
        return len(self._extra)

    @property
    def dim(self) -> int:
        return int(self.text_vecs.shape[1])

    def paraphrases_of(self, item: int) -> np.ndarray:
        return np.flatnonzero((self.text_item == item) & ~self.text_is_original)

    def paraphrase_table(self) -> list[np.ndarray]:
        """`paraphrases_of(i)` for every item i (the texts in index order), computed once per bank."""
        if self._paraphrase_table is None:
            lists: list[list[int]] = [[] for _ in range(self.n_items)]
            for t, (item, original) in enumerate(zip(self.text_item.tolist(), self.text_is_original.tolist())):
                if not original:
                    lists[item].append(t)
            self._paraphrase_table = [np.array(texts, dtype=np.intp) for texts in lists]
        return self._paraphrase_table


def _digest(*parts: object) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(repr(p).encode())
    return h.hexdigest()[:16]


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


def features_code_digest() -> str:
    """The sha256 of the source of `velo.cache`'s modules (sorted by name), which compute a bank's hit features: part
    of the bank key, so a bank built before a change of a veto or a reader is not reused by code that would featurize
    its pairs otherwise. Without it only `BANK_VERSION` told them apart, and the retrain of 2 Dec 17:19 UTC found a
    bank of the same version and rule built before three commits had narrowed format 29's vetoes."""
    import velo.cache

    h = hashlib.sha256()
    for path in sorted(Path(velo.cache.__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def bank_rule() -> LogisticHitRule:
    """The hit rule every bank decides with, so the rule whose score and verdict the environment's observations carry
    (a checkpoint records its `identity`): the shipped rule of the e5 + USE pair. The models' names come from their
    classes: no model is loaded (a bank already on disk needs none)."""
    return default_rule(embedder_key(E5SmallEmbedder.name, USEMultilingualEmbedder.name))


ALT_ONE_TEXT = "use-one-text-per-call.sqlite"
"""The on-disk cache of the second embedder's vectors a bank build reads (in the bank directory), each of a text
embedded alone (`alt_embedder`); also in the bank key, so a bank built from `embeddings.sqlite`'s USE vectors (each
embedded in whatever batch first met its text: the bank then depended on what other commands had embedded before,
952 of the sample's 965 texts' candidate features in the last bits) is not reused."""


def alt_embedder(cache: Path | None) -> Embedder:
    """The second embedder (USE) as the bank uses it, giving a text's vector embedded alone: USE's vector of a text
    changes in its last bits with the texts batched with it, so the bank's hit features are a function of its inputs
    only this way (issue 10), and a pair met after the build is featurized exactly as the precomputed ones. Vectors are
    kept in `cache` (an SQLite file, looked up and written 64 texts at a time) when given."""
    use = load_embedder("use-multilingual")
    use.batch_size = 1
    if cache is None:
        return use
    cached = CachedEmbedder(use, cache)
    cached.batch_size = 64
    return cached


def build_bank(
    data_dir: Path,
    split: str | None = "train",
    paraphrase_files: list[Path] | None = None,
    candidates: int = 16,
    edge_quality_fallback: float = 0.5,
    cache_dir: Path | None = None,
    steps: Steps | None = None,
) -> RequestBank:
    """Load the bank for `split` of the prepared data, building and caching it on first use. A build (minutes to
    hours: `envs.bank_notice`) reports to `steps`: what it builds, why, about how long and where (`announce`), then its
    stages' progress; reading a bank already built says nothing."""
    paraphrase_files = default_paraphrase_files() if paraphrase_files is None else paraphrase_files
    pairs = load_prepared(data_dir, split)
    if not pairs:
        raise ValueError(f"no prepared pairs in {data_dir} (split {split!r}); run `velo data prepare`")
    edge_file = edge_answers_path(data_dir)
    rule = bank_rule()
    ids, paraphrases, code = sorted(p.id for p in pairs), [_file_digest(p) for p in paraphrase_files], features_code_digest()
    key = _digest(BANK_VERSION, ids, paraphrases, _file_digest(edge_file), candidates, edge_quality_fallback, rule.to_json(), ALT_ONE_TEXT, code)
    cache_dir = cache_dir or velo_home() / "banks"
    path = cache_dir / f"{key}.npz"
    features_path = cache_dir / f"{_digest(BANK_VERSION, ids, paraphrases, candidates, rule.to_json(), ALT_ONE_TEXT, code)}{bank_features.SUFFIX}"
    if path.exists():
        bank = _load(path, rule)
    else:
        steps = steps or QUIET
        with one_build(cache_dir, key, steps):
            if path.exists():  # the process this one waited for built it
                bank = _load(path, rule)
            else:
                started = time.perf_counter()
                texts = BankTexts.of(pairs, load_paraphrases(paraphrase_files), load_lookalikes(paraphrase_files))
                n_pairs = texts.pairs(candidates)
                kept = features_path if features_path.exists() else None
                announce(steps, BANK_VERSION, split, data_dir, len(pairs) + len(texts.lookalike_of), len(texts.texts), n_pairs, path, kept)
                search = load_embedder("e5-small", velo_home() / "embeddings.sqlite")
                alt = alt_embedder(cache_dir / ALT_ONE_TEXT)
                bank = _build(pairs, texts, edge_file, candidates, edge_quality_fallback, search, alt, rule, steps, features_path)
                _save(bank, path)
                if kept is None:  # a build that read its features says nothing of the rate of one that computes them
                    record_rate(cache_dir, n_pairs, time.perf_counter() - started)
    bank._extra_path = path.with_name(f"{key}.pairs.npz")
    _load_extra(bank, any_format=False)
    return bank


def load_bank_file(path: Path | str, pairs: Path | str | None = None) -> RequestBank:
    """A bank `build_bank` saved (`<key>.npz`), read-only: with the pair features in `pairs` (default: the
    `<stem>.pairs.npz` beside it) and nothing ever written back. Its vectors and hit features are those of the
    machine that built it; embedders give other last bits on other CPUs (OpenBLAS picks its kernels by CPU),
    which flips decisions near a threshold, so a test that pins episodes reads a bank file instead of building
    one. The pair features are read as stored, whatever their `PAIRS_FORMAT`. Raises ValueError for a bank of another
    format version."""
    path = Path(path)
    bank = _load(path, bank_rule())
    bank._extra_path = Path(pairs) if pairs is not None else path.with_name(f"{path.stem}.pairs.npz")
    _load_extra(bank, any_format=True)
    bank._extra_path = None
    return bank


_EMBED_PART = 256
"""Texts embedded per call in a build, so its progress moves (e5 gives a text the same bits batched or not)."""
_FEATURIZE_PART = 256
"""Pairs featurized per call in a build (a pair's features are a function of the pair alone: `PAIRS_FORMAT`)."""


def _embed(search: Embedder, texts: list[str], steps: Steps, passage: bool = False) -> np.ndarray:
    parts = []
    for start in range(0, len(texts), _EMBED_PART):
        parts.append(search.embed(texts[start : start + _EMBED_PART], passage=passage))
        steps.advance(len(parts[-1]))
    return np.concatenate(parts) if parts else search.embed(texts, passage=passage)


def _build(pairs: list[QAPair], worded: BankTexts, edge_file: Path, k: int, edge_fallback: float, search, alt, rule, steps: Steps,
           features_path: Path) -> RequestBank:
    from velo.observation import LANG_INDEX

    texts, text_item, text_orig, item_ctx = worded.texts, worded.text_item, worded.text_orig, worded.item_ctx
    of = np.array(worded.lookalike_of, dtype=np.int64)
    text_item_a = np.array(text_item)
    edge = load_edge_answers(edge_file.parent) if edge_file.exists() else {}
    real = bool(edge) and all(p.id in edge for p in pairs)
    steps.start("embedding questions and answers (e5)", len(texts) + len(pairs) * (2 if real else 1))
    text_vecs = _embed(search, texts, steps)
    answer_vecs = _embed(search, [p.answer for p in pairs], steps, passage=True)
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, len(pairs), 4000), rng.integers(0, len(pairs), 4000)
    keep = a != b
    floor = float(np.median(np.sum(answer_vecs[a[keep]] * answer_vecs[b[keep]], axis=1))) if keep.any() else 0.75

    from velo.satisfaction import answer_quality

    if real:
        edge_vecs = _embed(search, [edge[p.id].answer or "-" for p in pairs], steps, passage=True)
        edge_tokens = np.array([edge[p.id].output_tokens for p in pairs], dtype=np.float64)
        edge_q = np.array([answer_quality(float(e @ r), floor) for e, r in zip(edge_vecs, answer_vecs)])
    else:
        edge_vecs = np.zeros_like(answer_vecs)
        edge_tokens = np.array([approx_tokens(p.answer) for p in pairs], dtype=np.float64)
        edge_q = np.full(len(pairs), edge_fallback)

    item_lang = np.array([LANG_INDEX.get(p.lang, 5) for p in pairs])
    look_q = np.array([edge_q[item_lang == item_lang[x]].mean() if real else edge_fallback for x in of.tolist()])
    item_lang = np.concatenate([item_lang, item_lang[of]])
    item_ctx_a = np.array(item_ctx + [item_ctx[x] for x in of.tolist()])
    answer_vecs = np.concatenate([answer_vecs, np.zeros((of.size, answer_vecs.shape[1]), answer_vecs.dtype)])
    edge_vecs = np.concatenate([edge_vecs, np.zeros((of.size, edge_vecs.shape[1]), edge_vecs.dtype)])
    edge_tokens = np.concatenate([edge_tokens, edge_tokens[of]])
    edge_q = np.concatenate([edge_q, look_q])
    n_real = len(pairs)
    look_texts = texts[len(texts) - of.size :]
    featurizer = HitFeaturizer(search, alt)
    for i, v in enumerate(answer_vecs):
        featurizer.remember_vector(str(i), v)
    cand = np.full((len(texts), k), -1, dtype=np.int64)
    # one grouping for what is featurized and for the count the build announced (`BankTexts.pairs`)
    group = np.array([lang * (worded.n_contexts + 1) + ctx for lang, ctx in worded.groups], dtype=np.int64)
    jobs: list[tuple[int, int, int]] = []
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        sims = text_vecs[members] @ text_vecs[members].T
        for row, t in enumerate(members):
            order = members[np.argsort(-sims[row], kind="stable")[:k]]
            cand[t, : len(order)] = order
            jobs += [(int(t), col, int(c)) for col, c in enumerate(order)]
    feats = bank_features.stored(features_path, cand, texts)
    if feats is None:
        feats = np.zeros((len(texts), k, len(HitFeatures.names())), dtype=np.float32)
        steps.start("featurizing pairs (hit features: USE and the cache's readers)", len(jobs))
        for start in range(0, len(jobs), _FEATURIZE_PART):
            chunk = jobs[start : start + _FEATURIZE_PART]
            neighbours = [[_neighbour(texts, text_item_a, text_vecs, t, c)] for t, _, c in chunk]
            rows = featurizer.batch([texts[t] for t, _, _ in chunk], [text_vecs[t] for t, _, _ in chunk], neighbours)
            for (t, col, _), f in zip(chunk, rows):
                feats[t, col] = f.as_tuple()
            steps.advance(len(chunk))
        bank_features.store(features_path, cand, texts, feats)
    lookalike_ids = []
    for j, x in enumerate(of.tolist()):
        lookalike_ids.append(f"{pairs[x].id}#lookalike{sum(1 for y in of[:j].tolist() if y == x)}")
    follow_up = [bool(p.context) for p in pairs]
    answer_tokens = [approx_tokens(p.answer) for p in pairs]
    question_tokens = [request_tokens([p.question, *(t.text for t in p.context)]) for p in pairs]
    question_tokens += [request_tokens([q, *(t.text for t in pairs[x].context)]) for q, x in zip(look_texts, of.tolist())]
    return RequestBank(
        item_ids=[p.id for p in pairs] + lookalike_ids, item_lang=item_lang, item_ctx=item_ctx_a,
        item_follow_up=np.array(follow_up + [follow_up[x] for x in of.tolist()]),
        answer_tokens=np.array(answer_tokens + [answer_tokens[x] for x in of.tolist()], dtype=np.float64),
        question_tokens=np.array(question_tokens, dtype=np.float64),
        item_lookalike_of=np.concatenate([np.full(n_real, -1, np.int64), of]),
        answer_vecs=answer_vecs, edge_answer_vecs=edge_vecs, edge_tokens=edge_tokens, edge_quality=edge_q,
        edge_answers_real=real, text_item=text_item_a, text_is_original=np.array(text_orig), text_vecs=text_vecs,
        cand=cand, cand_feats=feats, quality_floor=floor, texts=texts, rule=rule,
    )


def _neighbour(texts: list[str], text_item: np.ndarray, text_vecs: np.ndarray, t: int, c: int) -> Neighbour:
    """Cached text c (holding its item's reference answer, keyed by the item) as a neighbour of text t."""
    item = int(text_item[c])
    entry = CacheEntry(str(item), texts[c], "-", "", "default", Source.CLOUD, 0, 0, 0)
    return Neighbour(entry, float(text_vecs[t] @ text_vecs[c]), tuple(text_vecs[c]))


def pair_features(bank: RequestBank, t: int, c: int) -> np.ndarray:
    """Hit features of text t against cached text c holding its item's reference answer (margin = 1).

    Precomputed for each text's nearest candidates; any other pair is computed once with the cache's own
    featurizer, remembered, and saved next to the bank file (`<key>.pairs.npz`, by `save_pair_features`:
    the environment calls it on `reset` every 1000 new pairs and on `close`), so the cost of meeting a pair
    for the first time is paid once per bank, not once per process. A pair's features are the same whether this
    process computes them or reads them from the file, whatever pairs were met before (`PAIRS_FORMAT`).
    """
    found = bank._pair_memo.get((t, c))
    if found is not None:
        return found
    row = np.flatnonzero(bank.cand[t] == c)
    if row.size:
        feats = bank.cand_feats[t, row[0]].astype(np.float64)
    else:
        feats = bank._extra[(t, c)] = _featurize_pair(bank, t, c)
    bank._pair_memo[(t, c)] = feats
    return feats


def save_pair_features(bank: RequestBank, min_new: int = 1) -> int:
    """Write the pairs featurized since the bank was built next to it (merged with what other processes
    wrote), once at least `min_new` are new, so later runs never featurize them again; returns how many
    are stored."""
    if bank._extra_path is None or len(bank._extra) - bank._extra_saved < max(1, min_new):
        return bank._extra_saved
    _load_extra(bank, any_format=False)  # take in what another process saved meanwhile
    pairs = np.array(list(bank._extra), dtype=np.int64).reshape(-1, 2)
    feats = np.stack(list(bank._extra.values())).astype(np.float32)
    tmp = bank._extra_path.with_name(bank._extra_path.name + f".{os.getpid()}.tmp.npz")
    np.savez(tmp, format=np.array(PAIRS_FORMAT), pairs=pairs, feats=feats)
    tmp.replace(bank._extra_path)
    bank._extra_saved = len(bank._extra)
    return bank._extra_saved


def _load_extra(bank: RequestBank, any_format: bool) -> None:
    """Take in the pair features saved at `bank._extra_path`: only those of `PAIRS_FORMAT` unless `any_format`."""
    path = bank._extra_path
    if path is None or not path.exists():
        return
    try:
        with np.load(path, allow_pickle=False) as z:
            if not any_format and ("format" not in z.files or str(z["format"]) != PAIRS_FORMAT):
                return  # an older file: its features depend on the history of the run that wrote them
            pairs, feats = z["pairs"], z["feats"]
        if pairs.ndim != 2 or pairs.shape[1] != 2 or feats.shape != (len(pairs), len(HitFeatures.names())):
            raise ValueError(f"shapes {pairs.shape} and {feats.shape}")
        if len(pairs) and (pairs.min() < 0 or pairs.max() >= len(bank.texts)):
            raise ValueError("text index out of range")
    except (OSError, ValueError, KeyError) as exc:  # a cache of derived values: recomputed, never trusted
        warnings.warn(f"ignoring damaged pair features {path} ({exc}); they will be recomputed", stacklevel=2)
        return
    for (t, c), f in zip(pairs.tolist(), feats.astype(np.float64)):
        bank._extra.setdefault((t, c), f)
        bank._pair_memo.setdefault((t, c), bank._extra[(t, c)])
    bank._extra_saved = max(bank._extra_saved, len(pairs))


def _featurize_pair(bank: RequestBank, t: int, c: int) -> np.ndarray:
    """The hit features of text t against cached text c, a function of the pair alone (`PAIRS_FORMAT`), rounded to
    float32 as the bank stores every feature."""
    if bank._featurizer is None:
        # No on-disk embedding cache here: the features themselves are kept (save_pair_features), and a
        # commit per pair would cost more than the embedding. The second embedder takes one snippet per call
        # (`alt_embedder`): its vectors then do not depend on what the featurizer embedded before (`PAIRS_FORMAT`;
        # 5.4 vs 4.7 ms CPU per pair batched: benchmarks/pair_featurizing.py); e5 gives the same bits batched or
        # not and embeds nothing here.
        bank._featurizer = HitFeaturizer(load_embedder("e5-small"), alt_embedder(None))
    item = int(bank.text_item[c])
    bank._featurizer.remember_vector(str(item), bank.answer_vecs[item])
    nb = _neighbour(bank.texts, bank.text_item, bank.text_vecs, t, c)
    features = bank._featurizer(bank.texts[t], bank.text_vecs[t], [nb]).as_tuple()
    return np.asarray(features, dtype=np.float32).astype(np.float64)


_ARRAYS = (
    "item_lang", "item_ctx", "item_follow_up", "answer_tokens", "question_tokens", "answer_vecs", "edge_answer_vecs",
    "edge_tokens", "edge_quality", "item_lookalike_of", "text_item", "text_is_original", "text_vecs", "cand", "cand_feats",
)


def _save(bank: RequestBank, path: Path) -> None:
    meta = {"version": BANK_VERSION, "item_ids": bank.item_ids, "texts": bank.texts,
            "edge_answers_real": bank.edge_answers_real, "quality_floor": bank.quality_floor}
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, meta=np.array(json.dumps(meta)), **{n: getattr(bank, n) for n in _ARRAYS})
    tmp.replace(path)


def _load(path: Path, rule: LogisticHitRule) -> RequestBank:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(str(z["meta"]))
        if meta["version"] != BANK_VERSION:
            raise ValueError(f"{path} is a {meta['version']} bank, this code reads {BANK_VERSION}; delete it to rebuild")
        arrays = {n: z[n] for n in _ARRAYS}
    return RequestBank(item_ids=meta["item_ids"], texts=meta["texts"], edge_answers_real=meta["edge_answers_real"],
                       quality_floor=meta["quality_floor"], rule=rule, **arrays)
