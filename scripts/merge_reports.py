"""Merge `velo evaluate --scenario ... --json` reports of one commit, split and seed (e.g. `paper` at 500 episodes
and the other scenarios at 100, or a second evaluation of more learned policies), and recompute the headroom and
the learned policies' paired differences over the union (`agents.headroom`), as one evaluation of all of them
would give: every policy runs its own seeded episodes, so a policy in two reports scores the same in both
(checked; a mismatch means the reports are not of one commit, one split or one seed, and nothing is written).

    python scripts/merge_reports.py OUT.json A.json [B.json ...] [--strip]

`--strip` leaves out the per-episode means (the JSON docs/ keeps); the paired differences are computed before.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from agents.headroom import headroom, learned_report
from velo.cli import json_out


def merge(reports: list[dict]) -> dict:
    """The union of `reports` ({scenario: scenario_report}; scenarios in the order first met); ValueError naming
    the scenario and policy that scores differently in two of them."""
    merged: dict = {}
    for n, report in enumerate(reports):
        for name, rep in report.items():
            m = merged.setdefault(name, {**rep, "policies": {}, "episode_means": {}})
            for policy, stats in rep["policies"].items():
                if policy in m["policies"] and m["policies"][policy] != stats:
                    raise ValueError(f"{name}: {policy} scores differently in report {n + 1} "
                                     f"({stats['satisfaction']!r} against {m['policies'][policy]['satisfaction']!r})")
                m["policies"][policy] = stats
                m["episode_means"][policy] = {subset: {int(e): v for e, v in means.items()}
                                              for subset, means in rep["episode_means"][policy].items()}
    for m in merged.values():
        m["headroom"] = headroom(m["policies"])
        m["learned"] = learned_report(m["policies"], m["episode_means"])
    return merged


def main(out: str, *paths: str, strip: bool = False) -> None:
    merged = merge([json.loads(Path(p).read_text()) for p in paths])
    if strip:
        for m in merged.values():
            del m["episode_means"]
    Path(out).write_text(json_out.dumps(merged))
    print(f"wrote {out}: " + ", ".join(f"{s} {len(m['policies'])} policies" for s, m in merged.items()))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--strip"]
    if len(args) < 2:
        sys.exit(__doc__)
    main(*args, strip="--strip" in sys.argv[1:])
