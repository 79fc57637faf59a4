"""Policy checkpoints: a safetensors file whose metadata says what was trained, how, and for which encoder, hit rule
and CACHE floor.

File layout (`velo.policy/3`): a safetensors file (no pickle: tensors plus string metadata) holding the
actor's weights (`state_dict` names) and, in its metadata, `format` = `FORMAT` and `header` = the JSON of
`CheckpointHeader`:

| field | holds |
|---|---|
| `algo` | the training algorithm (`mappo`, `g-mappo`, `t-mappo`, `lrs`, `dlrs`, `ippo-sb3`) |
| `config` | the training configuration (the `velo train` options and their defaults) |
| `actor` | the network to rebuild: `{"encoder": {"name": ..., **kwargs}, "actor": {"name": ..., **kwargs}}` |
| `observation` | `ObservationLayout.describe()` of the encoder it was trained with: version, dim, top_v, size |
| `steps` | agent-steps of training behind these weights |
| `hit_rule` | `velo.types.HitRuleId` of the hit rule whose score and verdict its observations carried: name, format, fingerprint |
| `cache_min_score` | the floor of its action mask: CACHE was offered only when the hit rule scored the best neighbour at least this (`velo.policy.cache_servable`; `velo train --cache-min-score`) |

The header is read here without torch (safetensors' header is 8 bytes of length and a JSON object), so a
checkpoint trained against another observation encoder, under another hit rule or under another CACHE floor, is
refused before torch is even imported. The hit rule and the floor are checked only where the caller says which
apply (`check(..., hit_rule=, cache_min_score=)`: `velo evaluate` gives its environment's, the edge server its
cache's rule and its `cache_min_score`): a policy given another mask than it learned with is offered CACHE where it
never was (or never where it always was).

Versions (`trained_floor` says how a header without `cache_min_score` is read; from `git log`):
| format | written by | `hit_rule` | `cache_min_score` |
|---|---|---|---|
| `velo.policy/1` | `velo train` before 7a31130 | absent: unchecked | absent: 0 (the environment had no floor until e7c7524) |
| `velo.policy/2` | 7a31130 until /3 | required | absent: 0.5 with observation `velo.obs/4` (f7df31e on, after e7c7524 put the 0.5 floor in the environment's mask, which `velo train` could not change); unknown (unchecked) with `velo.obs/3`, trained with no floor before e7c7524 and with 0.5 after it, and refused by the encoder check anyway |
| `velo.policy/3` | `velo train --cache-min-score` | required | required |

The shipped DLRS (data/checkpoints/dlrs.safetensors, data/checkpoints/README.md) is a /3 header. The header is written
in one order (`canonical_bytes`), so a policy's file is byte-identical for the same weights and header.
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import asdict, dataclass, field
from pathlib import Path

from velo.observation import OBS_VERSION, ObservationLayout
from velo.types import HitRuleId

FORMAT = "velo.policy/3"
READABLE_FORMATS = ("velo.policy/1", "velo.policy/2", FORMAT)
"""Formats `read_header` reads: /1 has no `hit_rule` (from before the check), /2 must have one, /3 must have both
`hit_rule` and `cache_min_score` (see the module docstring's version table)."""
V2_FLOOR_ENCODER, V2_FLOOR = "velo.obs/4", 0.5
"""A `velo.policy/2` header of this observation encoder was trained under this floor (the module docstring says why)."""
_MAX_HEADER_BYTES = 100_000_000  # safetensors' own limit
_DTYPE_BYTES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
"""Bytes per element of the safetensors dtypes a policy holds (safetensors' `Dtype`)."""


class IncompatibleCheckpoint(ValueError):
    """A checkpoint of another format version, or trained against another observation encoder, layout or hit rule."""


class FloorMismatch(IncompatibleCheckpoint):
    """A checkpoint trained with CACHE floor `trained` (`cache_min_score`), loaded where the action mask uses `given`."""

    def __init__(self, message: str, trained: float, given: float) -> None:
        super().__init__(message)
        self.trained, self.given = trained, given


class HitRuleMismatch(IncompatibleCheckpoint):
    """A checkpoint trained with hit rule `trained`, loaded where `given` scores the observations."""

    def __init__(self, message: str, trained: HitRuleId, given: HitRuleId) -> None:
        super().__init__(message)
        self.trained, self.given = trained, given


@dataclass(frozen=True)
class CheckpointHeader:
    algo: str
    config: dict
    actor: dict
    """`{"encoder": {"name": ..., **kwargs}, "actor": {"name": ..., **kwargs}}` (see `velo.networks`)."""
    observation: dict
    """`ObservationLayout.describe()` at training time."""
    steps: int = 0
    hit_rule: dict | None = None
    """`asdict(HitRuleId)` of the rule its observations were scored with; None only in a `velo.policy/1` header."""
    cache_min_score: float | None = None
    """The floor of its action mask (`velo.policy.cache_servable`), in [0, 1]; None only in a /1 or /2 header
    (`trained_floor` reads those)."""
    format: str = field(default=FORMAT)

    def __post_init__(self) -> None:
        if self.format != "velo.policy/1" and self.hit_rule is None:
            raise ValueError(f"a {self.format} header records the hit rule the policy was trained with (hit_rule)")
        if self.format == FORMAT and self.cache_min_score is None:
            raise ValueError(f"a {FORMAT} header records the CACHE floor the policy was trained with (cache_min_score)")
        if self.cache_min_score is not None:
            score = self.cache_min_score
            if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0.0 <= score <= 1.0:
                raise ValueError(f"cache_min_score must be a number in [0, 1], got {score!r}")
            object.__setattr__(self, "cache_min_score", float(score))
        if self.hit_rule is not None:
            HitRuleId(**self.hit_rule)  # TypeError for a wrong field set

    @property
    def trained_floor(self) -> float | None:
        """The CACHE floor its action mask had in training: the recorded `cache_min_score`, or for a header from before
        it was recorded what `git log` says (module docstring): /1 0, /2 of `velo.obs/4` 0.5, an older /2 None
        (unknown; not checked)."""
        if self.cache_min_score is not None:
            return self.cache_min_score
        if self.format == "velo.policy/1":
            return 0.0
        return V2_FLOOR if self.observation.get("version") == V2_FLOOR_ENCODER else None

    @property
    def trained_rule(self) -> HitRuleId | None:
        """The hit rule it was trained with; None for a header from before rules were recorded (`velo.policy/1`)."""
        return None if self.hit_rule is None else HitRuleId(**self.hit_rule)

    def to_metadata(self) -> dict[str, str]:
        """The safetensors metadata (string to string) that stores this header."""
        return {"format": self.format, "header": json.dumps(asdict(self), sort_keys=True)}

    @property
    def layout(self) -> ObservationLayout:
        return ObservationLayout(int(self.observation["dim"]), int(self.observation["top_v"]))

    def check(self, layout: ObservationLayout | None, path: Path | str = "checkpoint",
              hit_rule: HitRuleId | None = None, cache_min_score: float | None = None) -> ObservationLayout:
        """The layout to feed this policy; raises `IncompatibleCheckpoint` when this VELO's encoder (or the
        given `layout`) is not the one the checkpoint was trained against, `HitRuleMismatch` when `hit_rule` (the
        rule that scores the observations it will be given; None: not checked) is not the one it was trained with,
        `FloorMismatch` when `cache_min_score` (the floor of the action masks it will be given; None: not checked)
        is not its `trained_floor`. A header without a rule (`velo.policy/1`) passes any `hit_rule`, one whose floor
        is unknown any `cache_min_score`."""
        obs = self.observation
        if obs.get("version") != OBS_VERSION:
            raise IncompatibleCheckpoint(
                f"{path} was trained against observation encoder {obs.get('version')!r}, but this VELO encodes "
                f"{OBS_VERSION!r}: its inputs would mean something else. Retrain it with `velo train`, or use the "
                f"VELO release whose encoder is {obs.get('version')!r}."
            )
        trained = self.layout
        if trained.size != int(obs.get("size", -1)):
            raise IncompatibleCheckpoint(f"{path}: header says observation size {obs.get('size')}, but "
                                         f"{obs['version']} with dim {trained.dim}, top_v {trained.top_v} has {trained.size}")
        if layout is not None and (layout.dim, layout.top_v) != (trained.dim, trained.top_v):
            raise IncompatibleCheckpoint(
                f"{path} was trained on observations with embedding dim {trained.dim} and top_v {trained.top_v} "
                f"(size {trained.size}); this deployment gives dim {layout.dim}, top_v {layout.top_v} (size "
                f"{layout.size}). Use the same embedder and top_v, or retrain."
            )
        rule = self.trained_rule
        if hit_rule is not None and rule is not None and rule.fingerprint != hit_rule.fingerprint:
            raise HitRuleMismatch(
                f"{path} was trained with hit rule {rule}, but the observations here are scored by hit rule {hit_rule}: "
                "the rule's score and verdict it reads would mean something else. Use the rule it was trained with ("
                + (rule.name if rule.format == "static" else "the shipped rule of the VELO version that trained it: run it with that "
                   "version, since a shipped rule's weights are not an option of this one")
                + "), or retrain it with `velo train` (which trains under this VELO's shipped rule).",
                rule, hit_rule,
            )
        floor = self.trained_floor
        if cache_min_score is not None and floor is not None and floor != float(cache_min_score):
            raise FloorMismatch(
                f"{path} was trained with CACHE offered only from hit-rule score {floor:g} (cache_min_score), but here "
                f"the floor is {float(cache_min_score):g}: it would be given another action mask than it learned with.",
                floor, float(cache_min_score),
            )
        return trained


def read_header(path: Path | str) -> CheckpointHeader:
    """The header of a `velo.policy` checkpoint, without loading its tensors (and without torch).

    The file's layout is checked too (every tensor's bytes lie inside the file, which ends where the last one
    does), so a truncated or padded file is refused here, naming it, before anything is built; `ValueError`.
    """
    path = Path(path)
    if path.is_dir():  # a run directory: `velo train --out DIR` writes DIR/policy.safetensors
        hint = f"; give its checkpoint, {path / 'policy.safetensors'}" if (path / "policy.safetensors").is_file() else ""
        raise IsADirectoryError(f"checkpoint {path} is a directory, not a checkpoint file{hint}")
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint {path} does not exist")
    with path.open("rb") as f:
        head = f.read(8)
        n = struct.unpack("<Q", head)[0] if len(head) == 8 else -1
        raw = f.read(n) if 0 < n <= _MAX_HEADER_BYTES else b""
    try:
        table = json.loads(raw.decode("utf-8"))
        meta = table.get("__metadata__") or {}
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        table, meta = {}, {}
    if "format" not in meta:
        raise ValueError(f"{path} is not a VELO policy checkpoint (a safetensors file written by `velo train`, "
                         f"format {FORMAT})")
    if meta["format"] not in READABLE_FORMATS:
        raise IncompatibleCheckpoint(f"{path} has checkpoint format {meta['format']!r}; this VELO reads "
                                     f"{' and '.join(map(repr, READABLE_FORMATS))}")
    try:
        fields_ = json.loads(meta["header"])
        header = CheckpointHeader(**{**fields_, "format": meta["format"]})
    except (KeyError, TypeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise ValueError(f"{path}: damaged {meta['format']} header ({exc})") from None
    _check_extent(path, 8 + n, table)
    return header


def canonical_bytes(data: bytes) -> bytes:
    """The safetensors file `data` with its header written in one fixed order: `__metadata__` first, its keys sorted,
    then the tensors in the order of their bytes, as compact JSON padded with spaces to 8 bytes (safetensors' own
    alignment); the tensors' bytes are untouched. safetensors writes the metadata from a Rust HashMap, so the same
    policy came out with "format" and "header" in either order: two files per seed (nc18 finding 10), and a shipped
    checkpoint named by its sha256 could not be checked by retraining it."""
    n = struct.unpack("<Q", data[:8])[0]
    table = json.loads(data[8 : 8 + n].decode("utf-8"))
    meta = table.pop("__metadata__", None)
    ordered = {"__metadata__": dict(sorted(meta.items()))} if meta is not None else {}
    ordered |= dict(sorted(table.items(), key=lambda kv: (kv[1]["data_offsets"], kv[0])))
    head = json.dumps(ordered, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    head += b" " * (-len(head) % 8)
    return struct.pack("<Q", len(head)) + head + data[8 + n :]


def _check_extent(path: Path, data_start: int, table: dict) -> None:
    """ValueError unless the tensors `table` lists (safetensors' `{name: {dtype, shape, data_offsets}}`) fill
    exactly the bytes after the header: what safetensors itself checks when the weights are loaded, done here
    without torch so that a damaged file is refused before any environment or server is built."""
    size = path.stat().st_size
    end = 0
    for name, entry in table.items():
        if name == "__metadata__":
            continue
        try:
            start, stop = (int(x) for x in entry["data_offsets"])
            width = _DTYPE_BYTES[entry["dtype"]] * math.prod(int(d) for d in entry["shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: damaged checkpoint (tensor {name!r} is described wrongly: {exc})") from None
        if not 0 <= start <= stop or stop - start != width:
            raise ValueError(f"{path}: damaged checkpoint (tensor {name!r} has offsets {start}-{stop} for {width} bytes)")
        end = max(end, stop)
    if data_start + end != size:
        raise ValueError(
            f"{path}: damaged checkpoint: its tensors need {data_start + end:,} bytes, the file has {size:,} "
            f"({'truncated' if size < data_start + end else 'trailing bytes'}); copy it again or retrain"
        )


def load_checkpoint_policy(path: Path | str, layout: ObservationLayout | None = None, seed: int = 0,
                           hit_rule: HitRuleId | None = None, cache_min_score: float | None = None):
    """The `velo.learned.LearnedPolicy` stored in `path` (imports torch); see `velo.policy.load_policy`."""
    header = read_header(path)
    trained = header.check(layout, path, hit_rule, cache_min_score)
    from velo.learned import LearnedPolicy

    return LearnedPolicy.from_file(Path(path), header, trained, seed)
