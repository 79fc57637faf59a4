"""Arguments exchanged around a verb: the same words, two of them in each other's place, ask another question.

"Why did Germany invade Poland?" / "Why did Poland invade Germany?", "Did the cat chase the dog?" / "Did the dog chase
the cat?", "¿Por qué Alemania invadió Polonia?" / "¿Por qué Polonia invadió Alemania?", "为什么德国入侵波兰？" /
"为什么波兰入侵德国？": subject and object swapped, with no role word to show it (`velo.cache.roles` reads role words).
The hit features' `order_swap` (the same tokens in another order) is only a model feature, weighed among the rest,
and rule format 10 served them at 0.95-0.99; `exchanged` is part of the `role_swap` veto since rule format 11.
"""

from __future__ import annotations

from velo.cache.roles import content_terms


_LONGEST = 3
"""The most terms each exchanged argument and what stays between them may have: a subject and an object are short
("Germany", "德 国", "the big cat") around a verb ("invade", "入 侵"). Longer stretches in each other's place are phrases a
rewording reorders ("写一首关于人工智能的诗，作者为李白" / "以李白为作者，写一首关于人工智能的诗", "请详细解释一下开源项目
OpenAssistant" / "OpenAssistant开源项目，详细说说": right hits of the oasst1 train rewordings)."""


def _middle(a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """`a` and `b` without the terms they share at their start and at their end."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def exchanged(a: list[str], b: list[str]) -> bool:
    """True when the content terms of two token lists (`roles.content_terms`: function words left out, a unit as its
    name, a word as its stem) are the same, and one is the other with two runs of terms in each other's place around
    a run of at least one term that stays, each of the three at most `_LONGEST` terms ("germany invade poland" / "poland
    invade germany", "德 国 入 侵 波 兰" / "波 兰 入 侵 德 国").

    Not an exchange: two neighbours in each other's place ("the capital of France" / "France's capital": nothing stays
    between them), a phrase moved to the other end ("In Python, how do I read a file?" / "How do I read a file in
    Python?"), other content words on either side."""
    ca, cb = content_terms(a), content_terms(b)
    if ca == cb or sorted(ca) != sorted(cb):
        return False
    ma, mb = _middle(ca, cb)
    n = len(ma)
    for i in range(1, min(n - 1, _LONGEST) + 1):  # A = ma[:i] is the end of mb
        if ma[:i] != mb[n - i :]:
            continue
        for j in range(1, min(n - i, _LONGEST + 1)):  # B = mb[:j] is the end of ma; what stays between them is not empty
            if n - i - j <= _LONGEST and mb[:j] == ma[n - j :] and ma[i : n - j] == mb[j : n - i]:
                return True
    return False
