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
RULE_FORMAT = "velo.hit_rule/33"
"""The format of the rule files this code reads (`velo/cache/rules/*.json`): bumped whenever a feature, a veto or
the model's terms change, so that a rule fitted on other features is refused with a message naming both formats.
What each format changed, with its examples, scores and replay counts: docs/hit-rule-formats.md."""
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
        if "format" not in data:  # nc42: "a hit rule of format None" named no problem a user could see
            raise ValueError(f"no 'format' field: not a hit rule file of `velo cache calibrate` (this code reads {RULE_FORMAT})")
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
