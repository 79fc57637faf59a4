"""The pinned episodes of `tests/envs/test_velo_edge_v1.py::test_episodes_are_pinned`, and how to re-pin them.

One 60-step episode per environment (v0 and every v1 scenario), seed 5, actions drawn uniformly from the mask
by a generator seeded 1, on the bank snapshot `tests/envs/data/pinned_bank.npz` (the bundled sample's test
split with its rewordings, as `velo data prepare` leaves it, built once: `load_bank_file`), these profiles and
`velo/profiles/cache_lookup.json`. Summed: rewards, observations, and states plus the oracle's counterfactual
outcomes. Speed work must leave every sum as it is; a change of behaviour (the hit rule, a scenario, the
observation) is re-pinned on purpose:

    python tests/envs/pinned_episodes.py            # prints the sums on the snapshot
    python tests/envs/pinned_episodes.py --rebuild  # rebuilds the snapshot first (new bank format, new rule)
    python tests/envs/pinned_episodes.py --extend   # adds the pairs changed episodes meet, every stored one kept
                                                    # (an action mask change: the old pairs' features stay as pinned)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

from envs import velo_edge_v0, velo_edge_v1
from envs.bank import RequestBank, load_bank_file
from velo.latency import CloudProfile, EdgeLLMProfile

SNAPSHOT = Path(__file__).parent / "data" / "pinned_bank.npz"
PIN_EDGE = EdgeLLMProfile("pin", 300.0, 2.0, 60.0)
PIN_CLOUD = CloudProfile(
    name="pin-cloud", rtt_ms=80.0, rtt_jitter_ms=20.0, uplink_bytes_per_s=6_250_000.0, downlink_bytes_per_s=12_500_000.0,
    ttft_ms=350.0, tokens_per_s=70.0, parallel_slots=32, usd_per_1k_input_tokens=0.00015,
    usd_per_1k_output_tokens=0.0006, bytes_per_token=4.0, context_neighbours=3, context_reuse=0.5,
)
NAMES = ("v0", "calm", "paper", "paper-all", "burst", "flaky-backhaul", "lookalike", "multilingual-edge")


def episode_sums(bank: RequestBank, name: str) -> tuple[float, float, float]:
    """(reward sum, observation sum, state + counterfactual sum) of the pinned episode of `name`."""
    config = {"bank": bank, "max_steps": 60, "edge_profile": PIN_EDGE, "cloud_profile": PIN_CLOUD}
    env = velo_edge_v0.parallel_env(**config) if name == "v0" else velo_edge_v1.parallel_env(name, **config)
    rng = np.random.default_rng(1)
    obs, _ = env.reset(seed=5)
    rewards = observations = other = 0.0
    while env.agents:
        observations += sum(float(np.sum(o["observation"], dtype=np.float64)) for o in obs.values())
        other += float(np.sum(env.state(), dtype=np.float64))
        other += float(np.nansum([env.action_outcomes(a) for a in env.agents]))
        obs, r, *_ = env.step({a: int(rng.choice(np.flatnonzero(obs[a]["action_mask"]))) for a in env.agents})
        rewards += sum(r.values())
    return rewards, observations, other


def rebuild_snapshot() -> None:
    """Build the sample's test bank, meet every pair the pinned episodes meet, and store both files."""
    import shutil

    import velo.data
    from envs.bank import all_paraphrase_files, build_bank, save_pair_features
    from velo.llm.edge_answers import install_shipped_edge_answers

    with tempfile.TemporaryDirectory() as tmp:
        data, banks = Path(tmp) / "data", Path(tmp) / "banks"
        velo.data.prepare(None, data)
        install_shipped_edge_answers(data)
        bank = build_bank(data, "test", all_paraphrase_files(), cache_dir=banks)
        for name in NAMES:
            episode_sums(bank, name)
        save_pair_features(bank)
        (built,) = [f for f in banks.glob("*.npz") if not f.name.endswith(".pairs.npz")]
        SNAPSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(built, SNAPSHOT)
        shutil.copyfile(built.with_name(f"{built.stem}.pairs.npz"), SNAPSHOT.with_name("pinned_bank.pairs.npz"))


def extend_snapshot() -> None:
    """Featurize the pairs the pinned episodes meet that the snapshot lacks, and store them beside the stored ones."""
    from envs.bank import save_pair_features

    bank = load_bank_file(SNAPSHOT)
    bank._extra_path = SNAPSHOT.with_name("pinned_bank.pairs.npz")  # load_bank_file's banks never write: this one may
    for name in NAMES:
        episode_sums(bank, name)
    print(f"{save_pair_features(bank)} pairs stored")


if __name__ == "__main__":
    if "--rebuild" in sys.argv[1:]:
        rebuild_snapshot()
    if "--extend" in sys.argv[1:]:
        extend_snapshot()
    snapshot = load_bank_file(SNAPSHOT)
    for n in NAMES:
        print(f'    "{n}": {episode_sums(snapshot, n)},')
