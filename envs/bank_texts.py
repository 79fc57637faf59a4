"""The texts a request bank is built from, gathered before anything is embedded (`envs.bank.build_bank`): known this
early, they tell how many pairs the build will featurize, so its user hears how long it takes before it starts
(`envs.bank_notice`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from velo.cache.keys import context_key
from velo.types import QAPair


@dataclass
class BankTexts:
    """The texts a bank is built from, before anything is embedded: each oasst1 question and its paraphrases, then the
    written look-alikes (`item_lookalike_of`), with each text's item and group (language, conversation context)."""

    texts: list[str]
    text_item: list[int]
    text_orig: list[bool]
    item_ctx: list[int]
    lookalike_of: list[int]
    groups: list[tuple[int, int]]
    """Per text, (language index, context id) of its item: the texts a text is paired with (`_build`)."""
    n_contexts: int

    def pairs(self, candidates: int) -> int:
        """The (text, candidate) pairs a build featurizes: each text against its `candidates` nearest texts of its group,
        itself included, as `envs.bank._build` pairs them."""
        return sum(n * min(candidates, n) for n in Counter(self.groups).values())

    @classmethod
    def of(cls, pairs: list[QAPair], paraphrases: dict[str, list[str]], lookalike_texts: dict[str, list[str]]) -> BankTexts:
        from velo.observation import LANG_INDEX

        ctx_ids: dict[str, int] = {"": 0}
        item_ctx, texts, text_item, text_orig = [], [], [], []
        for i, p in enumerate(pairs):
            ckey = context_key([t.text for t in p.context if t.role.value == "user"])
            item_ctx.append(ctx_ids.setdefault(ckey, len(ctx_ids)))
            variants = [p.question] + [q for q in dict.fromkeys(paraphrases.get(p.id, [])) if q != p.question]
            for j, v in enumerate(variants):
                texts.append(v)
                text_item.append(i)
                text_orig.append(j == 0)
        worded = set(texts)
        lookalike_of: list[int] = []
        for i, p in enumerate(pairs):
            for q in dict.fromkeys(lookalike_texts.get(p.id, [])):
                if q not in worded:  # a text another item asks is no look-alike of this one
                    worded.add(q)
                    lookalike_of.append(i)
                    texts.append(q)
                    text_item.append(len(pairs) + len(lookalike_of) - 1)
                    text_orig.append(True)
        keys = [(LANG_INDEX.get(p.lang, 5), c) for p, c in zip(pairs, item_ctx)]
        keys += [keys[x] for x in lookalike_of]
        return cls(texts, text_item, text_orig, item_ctx, lookalike_of, [keys[i] for i in text_item], len(ctx_ids))
