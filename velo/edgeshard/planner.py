"""EdgeShard placement: which device runs which layers of an LLM (Zhang et al., 2024, arXiv 2405.14371).

The model's layers are split into contiguous shards, one per device at most, over heterogeneous edge
devices and the cloud; the first layer runs on the source device, which holds the user's data.

Definitions (those of the paper, made exact here):

* a placement is valid iff the first layer is on the source, each device holds at most one contiguous
  range of layers (its shard), each shard fits its device (sum of the layers' `memory_bytes` <= the
  device's `memory_bytes`), consecutive shards sit on linked devices, and the last shard's device is
  linked to the source (the result goes back there);
* latency (sequential inference, ms) = the layers' compute on their devices + one activation transfer
  per pair of consecutive layers on different devices (`activation_bytes` of the earlier layer divided
  by the link's bandwidth) + the last layer's activation back to the source, if the last device is not
  the source;
* throughput (pipeline parallel, per s) = 1000 / the bottleneck, where the bottleneck is the largest of
  every stage's compute time (stages = the shards, in order) and every inter-stage transfer time. The
  return of the final activation to the source is *not* an inter-stage transfer: in a pipeline it
  overlaps with the next micro-batch like any other stage's work, so (our reading of the paper's
  throughput objective) only the stages and the links between them can be the bottleneck. The link
  back to the source must still exist (validity).
  A bottleneck of 0 ms gives infinite throughput.

`plan` finds the exact optimum by dynamic programming, as the paper does for each objective, over states
(next layer i, set of used devices as a bitmask, device of layer i-1), each transition placing the
next shard: an unused device d and the end j of its range [i, j), with prefix sums of compute and
memory. Latency adds the transfer into d and d's compute; throughput takes their max. For throughput,
a second latency pass restricted to transfers and stages within the optimal bottleneck breaks ties
towards the lowest latency. Cost: O(layers^2 * 2^devices * devices) elementary steps, vectorized over
the bitmasks; about a second for 10 devices and 100 layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations, permutations
from typing import Literal

import numpy as np

from velo.edgeshard.profile import Profile
from velo.plural import noun_for

Objective = Literal["latency", "throughput"]
OBJECTIVES: tuple[str, ...] = ("latency", "throughput")
MAX_DEVICES = 12
"""The DP holds (layers + 1) x 2^devices x devices numbers: 40 MB at 12 devices and 100 layers."""
TIE_TOL = 1e-12
"""Relative slack on the optimal bottleneck when breaking throughput ties by latency (rounding only)."""


class InfeasibleProfileError(ValueError):
    """No valid placement exists (memory, links, or a missing device); the message says why."""


class InvalidAssignmentError(ValueError):
    """An assignment breaks one of the placement rules; the message says which."""


@dataclass(frozen=True)
class Shard:
    device: str
    start: int
    stop: int
    """Layers start .. stop - 1."""


@dataclass(frozen=True)
class Plan:
    assignment: tuple[str, ...]
    """The device of each layer."""
    latency_ms: float
    throughput_per_s: float
    objective: Objective | None
    """What the method optimized; None for fixed placements (Edge-Solo, Cloud-Edge-Even)."""
    method: str

    @property
    def shards(self) -> list[Shard]:
        return shards(self.assignment)


def shards(assignment: tuple[str, ...] | list[str]) -> list[Shard]:
    """Maximal runs of consecutive layers on the same device, in order."""
    runs: list[Shard] = []
    for i, device in enumerate(assignment):
        if runs and runs[-1].device == device:
            runs[-1] = Shard(device, runs[-1].start, i + 1)
        else:
            runs.append(Shard(device, i, i + 1))
    return runs


def _check(profile: Profile, assignment: tuple[str, ...] | list[str]) -> list[Shard]:
    n = len(profile.layers)
    if len(assignment) != n:
        raise InvalidAssignmentError(f"assignment has {len(assignment)} entries for {n} layers")
    unknown = sorted(set(assignment) - set(profile.device_names))
    if unknown:
        raise InvalidAssignmentError(f"assignment names unknown {noun_for(len(unknown), 'device')} {', '.join(unknown)}")
    if assignment[0] != profile.source:
        raise InvalidAssignmentError(f"the first layer must run on the source {profile.source}, not {assignment[0]}")
    runs = shards(assignment)
    seen: dict[str, Shard] = {}
    for run in runs:
        if run.device in seen:
            first = seen[run.device]
            raise InvalidAssignmentError(
                f"{run.device} holds two ranges (layers {first.start}-{first.stop - 1} and {run.start}-{run.stop - 1})"
            )
        seen[run.device] = run
        need = sum(layer.memory_bytes for layer in profile.layers[run.start : run.stop])
        if need > profile.memory(run.device):
            raise InvalidAssignmentError(
                f"layers {run.start}-{run.stop - 1} need {need} bytes, {run.device} has {profile.memory(run.device)}"
            )
    for a, b in zip(runs, runs[1:]):
        if profile.bandwidth(a.device, b.device) is None:
            raise InvalidAssignmentError(f"no link between {a.device} and {b.device} (adjacent stages)")
    if profile.transfer_ms(0, runs[-1].device, profile.source) is None:
        raise InvalidAssignmentError(f"no link from the last device {runs[-1].device} back to the source {profile.source}")
    return runs


def evaluate(profile: Profile, assignment: tuple[str, ...] | list[str]) -> tuple[float, float]:
    """(latency_ms, throughput_per_s) of a valid assignment, by the definitions in the module docstring."""
    runs = _check(profile, assignment)
    layers = profile.layers
    stage_ms = [sum(layer.compute_ms[r.device] for layer in layers[r.start : r.stop]) for r in runs]
    hop_ms = [profile.transfer_ms(layers[b.start - 1].activation_bytes, a.device, b.device) for a, b in zip(runs, runs[1:])]
    back_ms = profile.transfer_ms(layers[-1].activation_bytes, runs[-1].device, profile.source)
    latency = sum(stage_ms) + sum(hop_ms) + back_ms  # type: ignore[arg-type]
    bottleneck = max(stage_ms + hop_ms)  # type: ignore[operator]
    return latency, (1000.0 / bottleneck if bottleneck > 0 else math.inf)


@dataclass(frozen=True)
class _Tables:
    """The profile as arrays indexed by device number and layer."""

    names: list[str]
    source: int
    cpre: np.ndarray
    """(devices, layers + 1): compute of layers 0 .. i-1 on each device."""
    maxend: np.ndarray
    """(devices, layers): the largest j such that layers i .. j-1 fit the device."""
    bandwidth: np.ndarray
    """(devices, devices) bytes/s, 0 where there is no link."""
    activation: list[int]

    @classmethod
    def of(cls, profile: Profile) -> _Tables:
        names = profile.device_names
        comp = np.array([[layer.compute_ms[n] for layer in profile.layers] for n in names], dtype=float)
        cpre = np.zeros((len(names), len(profile.layers) + 1))
        cpre[:, 1:] = np.cumsum(comp, axis=1)
        mpre = np.concatenate([[0], np.cumsum([layer.memory_bytes for layer in profile.layers])]).astype(np.int64)
        mem = np.array([d.memory_bytes for d in profile.devices], dtype=np.int64)
        maxend = np.searchsorted(mpre, mpre[None, :-1] + mem[:, None], side="right") - 1
        bandwidth = np.array([[profile.bandwidth(a, b) or 0.0 for b in names] for a in names], dtype=float)
        return cls(names, names.index(profile.source), cpre, maxend, bandwidth, [la.activation_bytes for la in profile.layers])

    def transfer_ms(self, layer: int) -> np.ndarray:
        """(from, to) time to send `layer`'s activation; 0 on the diagonal, inf without a link."""
        linked = self.bandwidth > 0
        ms = np.where(linked, 1000.0 * self.activation[layer] / np.where(linked, self.bandwidth, 1.0), np.inf)
        np.fill_diagonal(ms, 0.0)
        return ms


def _dp(t: _Tables, combine: Literal["sum", "max"], cap: float = math.inf) -> tuple[float, list[int]] | None:
    """The best placement's value and device numbers per layer, or None if none is valid.

    `cap` forbids stages and inter-stage transfers longer than it (the throughput tie-break pass).
    """
    n_dev, n_layers = t.cpre.shape[0], t.cpre.shape[1] - 1
    join = np.add if combine == "sum" else np.maximum
    src_bit = 1 << t.source
    masks = np.arange(1 << n_dev)
    best = np.full((n_layers + 1, 1 << n_dev, n_dev), np.inf)
    from_layer = np.full(best.shape, -1, dtype=np.int32)
    from_dev = np.full(best.shape, -1, dtype=np.int8)

    def capped(x: np.ndarray) -> np.ndarray:
        return x if math.isinf(cap) else np.where(x <= cap, x, np.inf)

    end = t.maxend[t.source, 0]
    best[1 : end + 1, src_bit, t.source] = capped(t.cpre[t.source, 1 : end + 1])
    from_layer[1 : end + 1, src_bit, t.source] = 0
    open_masks = [masks[(masks & src_bit > 0) & (masks & (1 << d) == 0)] for d in range(n_dev)]
    for i in range(1, n_layers):
        cur = best[i]
        if not np.isfinite(cur).any():
            continue
        # into[mask, d]: best value at layer i, over the previous device, after moving to device d
        cand = join(cur[:, :, None], capped(t.transfer_ms(i - 1))[None, :, :])
        via = cand.argmin(axis=1)
        into = np.take_along_axis(cand, via[:, None, :], axis=1)[:, 0, :]
        for d in range(n_dev):
            end = t.maxend[d, i]
            if end <= i:
                continue
            m = open_masks[d]
            m = m[np.isfinite(into[m, d])]
            if m.size == 0:
                continue
            seg = capped(t.cpre[d, i + 1 : end + 1] - t.cpre[d, i])
            val = join(into[m, d][None, :], seg[:, None])
            rows, cols = slice(i + 1, end + 1), m | (1 << d)
            better = val < best[rows, cols, d]
            best[rows, cols, d] = np.where(better, val, best[rows, cols, d])
            from_layer[rows, cols, d] = np.where(better, i, from_layer[rows, cols, d])
            from_dev[rows, cols, d] = np.where(better, via[m, d][None, :], from_dev[rows, cols, d])
    back = t.transfer_ms(n_layers - 1)[:, t.source]
    total = best[n_layers] + back[None, :] if combine == "sum" else np.where(np.isfinite(back)[None, :], best[n_layers], np.inf)
    mask, dev = np.unravel_index(int(total.argmin()), total.shape)
    value = float(total[mask, dev])
    if math.isinf(value):
        return None
    devices = [-1] * n_layers
    j, mask, dev = n_layers, int(mask), int(dev)
    while j > 0:
        i = int(from_layer[j, mask, dev])
        devices[i:j] = [dev] * (j - i)
        j, mask, dev = i, mask & ~(1 << dev), int(from_dev[j, mask, dev])
    return value, devices


def _why_infeasible(profile: Profile) -> str:
    first = profile.layers[0].memory_bytes
    if first > profile.memory(profile.source):
        return f"the first layer needs {first} bytes but the source {profile.source} has {profile.memory(profile.source)}"
    need = sum(layer.memory_bytes for layer in profile.layers)
    offer = sum(d.memory_bytes for d in profile.devices)
    if need > offer:
        return f"no placement fits: layers need {need} bytes, devices offer {offer}"
    largest = max(d.memory_bytes for d in profile.devices)
    for i, layer in enumerate(profile.layers):
        if layer.memory_bytes > largest:
            return f"no placement fits: layer {i} needs {layer.memory_bytes} bytes, the largest device has {largest}"
    return (
        f"no placement fits: layers need {need} of {offer} bytes, but no chain of linked devices, each holding one"
        f" contiguous range within its memory, covers all {len(profile.layers)} layers and links back to {profile.source}"
    )


def _optimal(profile: Profile, objective: str, method: str) -> Plan:
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    if len(profile.devices) > MAX_DEVICES:
        raise ValueError(f"the exact planner handles at most {MAX_DEVICES} devices, got {len(profile.devices)}")
    t = _Tables.of(profile)
    found = _dp(t, "sum" if objective == "latency" else "max")
    if found is None:
        raise InfeasibleProfileError(_why_infeasible(profile))
    if objective == "throughput":
        found = _dp(t, "sum", cap=found[0] * (1 + TIE_TOL)) or found
    assignment = tuple(t.names[d] for d in found[1])
    latency, throughput = evaluate(profile, assignment)
    return Plan(assignment, latency, throughput, objective, method)  # type: ignore[arg-type]


def plan(profile: Profile, objective: Objective = "latency") -> Plan:
    """EdgeShard: the valid placement with the lowest latency, or the highest throughput (ties: lowest latency)."""
    return _optimal(profile, objective, "EdgeShard")


def brute_force(profile: Profile, objective: Objective = "latency") -> Plan:
    """The same optimum as `plan`, by trying every valid placement: small instances only (tests)."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    n = len(profile.layers)
    others = [d for d in profile.device_names if d != profile.source]
    scored: list[tuple[float, float, tuple[str, ...]]] = []
    for k in range(1, min(len(others) + 1, n) + 1):
        for rest in permutations(others, k - 1):
            for cuts in combinations(range(1, n), k - 1):
                bounds = (0, *cuts, n)
                assignment = tuple(dev for dev, a, b in zip((profile.source, *rest), bounds, bounds[1:]) for _ in range(a, b))
                try:
                    scored.append((*evaluate(profile, assignment), assignment))
                except InvalidAssignmentError:
                    continue
    if not scored:
        raise InfeasibleProfileError(_why_infeasible(profile))
    if objective == "latency":
        latency, throughput, assignment = min(scored)
    else:
        top = max(s[1] for s in scored)
        latency, throughput, assignment = min(s for s in scored if s[1] >= top * (1 - TIE_TOL))
    return Plan(assignment, latency, throughput, objective, "brute-force")


def _fixed(profile: Profile, assignment: tuple[str, ...], method: str) -> Plan:
    try:
        latency, throughput = evaluate(profile, assignment)
    except InvalidAssignmentError as exc:
        raise InfeasibleProfileError(f"{method}: {exc}") from None
    return Plan(assignment, latency, throughput, None, method)


def _cloud(profile: Profile, method: str) -> str:
    cloud = profile.cloud
    if cloud is None:
        raise InfeasibleProfileError(f'{method}: no cloud device (give one device "kind": "cloud", or name it "cloud")')
    if cloud == profile.source:
        raise InfeasibleProfileError(f"{method}: the source {cloud} is the cloud device")
    return cloud


def edge_solo(profile: Profile) -> Plan:
    """Every layer on the source device."""
    return _fixed(profile, (profile.source,) * len(profile.layers), "Edge-Solo")


def cloud_edge_even(profile: Profile) -> Plan:
    """The first half of the layers (rounded up) on the source, the rest on the cloud."""
    cloud = _cloud(profile, "Cloud-Edge-Even")
    n = len(profile.layers)
    on_source = (n + 1) // 2
    return _fixed(profile, (profile.source,) * on_source + (cloud,) * (n - on_source), "Cloud-Edge-Even")


def cloud_edge_opt(profile: Profile, objective: Objective = "latency") -> Plan:
    """The best placement (by `objective`) that uses only the source and the cloud."""
    cloud = _cloud(profile, "Cloud-Edge-Opt")
    try:
        return _optimal(profile.restricted_to([profile.source, cloud]), objective, "Cloud-Edge-Opt")
    except InfeasibleProfileError as exc:
        raise InfeasibleProfileError(f"Cloud-Edge-Opt: {exc}") from None


def baselines(profile: Profile, objective: Objective = "latency") -> dict[str, Plan | InfeasibleProfileError]:
    """The paper's three baselines, each a Plan or the reason it cannot run."""
    out: dict[str, Plan | InfeasibleProfileError] = {}
    for name, make in (
        ("Edge-Solo", lambda: edge_solo(profile)),
        ("Cloud-Edge-Even", lambda: cloud_edge_even(profile)),
        ("Cloud-Edge-Opt", lambda: cloud_edge_opt(profile, objective)),
    ):
        try:
            out[name] = make()
        except InfeasibleProfileError as exc:
            out[name] = exc
    return out
