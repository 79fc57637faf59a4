"""The planner's input: devices, per-layer costs and links, as one JSON profile.

    {"source": "d0",
     "devices": [{"name": "d0", "memory_bytes": N}, {"name": "cloud", "memory_bytes": N, "kind": "cloud"}, ...],
     "layers": [{"memory_bytes": N, "activation_bytes": N, "compute_ms": {"d0": ms, "cloud": ms, ...}}, ...],
     "bandwidth_bytes_per_s": {"d0": {"cloud": N, ...}, ...}}

* `source` holds the user's data: the first layer runs there and the last activation returns there.
* `activation_bytes` is what a layer hands to the next one (and, for the last layer, back to the source).
* `compute_ms` names every device: the time of that layer on that device.
* Links are symmetric unless both directions are given: bandwidth(a, b) is `bandwidth[a][b]`, else
  `bandwidth[b][a]`. Two devices without a link cannot hold adjacent stages. Entries from a device to
  itself are ignored (a device never sends to itself).
* The cloud is the device with `"kind": "cloud"`, else the device named "cloud", if any; only the
  cloud-edge baselines need one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from velo.plural import noun_for

NonNegInt = Annotated[int, Field(ge=0)]
NonNegMs = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Bandwidth = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class ProfileError(ValueError):
    """The profile is malformed; the message names the field and the problem on one line."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Device(_Frozen):
    name: Annotated[str, Field(min_length=1)]
    memory_bytes: NonNegInt
    kind: Literal["edge", "cloud"] | None = None


class Layer(_Frozen):
    memory_bytes: NonNegInt
    activation_bytes: NonNegInt
    compute_ms: dict[str, NonNegMs]


class Profile(_Frozen):
    source: str
    devices: Annotated[list[Device], Field(min_length=1)]
    layers: Annotated[list[Layer], Field(min_length=1)]
    bandwidth_bytes_per_s: dict[str, dict[str, Bandwidth]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        names = [d.name for d in self.devices]
        known = set(names)
        if len(known) != len(names):
            raise ValueError(f"device names must be unique, got {names}")
        if self.source not in known:
            raise ValueError(f"source {self.source!r} is not a device (devices: {', '.join(names)})")
        for i, layer in enumerate(self.layers):
            missing = [n for n in names if n not in layer.compute_ms]
            if missing:
                raise ValueError(f"layers[{i}].compute_ms lacks {noun_for(len(missing), 'device')} {', '.join(missing)}")
            unknown = sorted(set(layer.compute_ms) - known)
            if unknown:
                raise ValueError(f"layers[{i}].compute_ms names unknown {noun_for(len(unknown), 'device')} {', '.join(unknown)}")
        for a, row in self.bandwidth_bytes_per_s.items():
            unknown = sorted(({a} | set(row)) - known)
            if unknown:
                raise ValueError(f"bandwidth_bytes_per_s[{a!r}] names unknown {noun_for(len(unknown), 'device')} {', '.join(unknown)}")
        clouds = [d.name for d in self.devices if d.kind == "cloud"]
        if len(clouds) > 1:
            raise ValueError(f"at most one device may have kind 'cloud', got {', '.join(clouds)}")
        return self

    @property
    def device_names(self) -> list[str]:
        return [d.name for d in self.devices]

    @property
    def cloud(self) -> str | None:
        """The cloud device: the one with kind "cloud", else the one named "cloud", else None."""
        marked = [d.name for d in self.devices if d.kind == "cloud"]
        if marked:
            return marked[0]
        return "cloud" if "cloud" in self.device_names else None

    def memory(self, device: str) -> int:
        return next(d.memory_bytes for d in self.devices if d.name == device)

    def bandwidth(self, a: str, b: str) -> float | None:
        """Bytes per second from a to b: bandwidth[a][b], else bandwidth[b][a], else None (no link)."""
        bw = self.bandwidth_bytes_per_s
        if b in bw.get(a, {}):
            return bw[a][b]
        return bw.get(b, {}).get(a)

    def transfer_ms(self, nbytes: int, a: str, b: str) -> float | None:
        """Time to send nbytes from a to b; 0 on the same device, None without a link."""
        if a == b:
            return 0.0
        bw = self.bandwidth(a, b)
        return None if bw is None else 1000.0 * nbytes / bw

    def restricted_to(self, devices: list[str]) -> Profile:
        """The same model on a subset of the devices (which must include the source)."""
        keep = set(devices)
        return Profile(
            source=self.source,
            devices=[d for d in self.devices if d.name in keep],
            layers=[
                Layer(
                    memory_bytes=layer.memory_bytes,
                    activation_bytes=layer.activation_bytes,
                    compute_ms={k: v for k, v in layer.compute_ms.items() if k in keep},
                )
                for layer in self.layers
            ],
            bandwidth_bytes_per_s={
                a: {b: v for b, v in row.items() if b in keep} for a, row in self.bandwidth_bytes_per_s.items() if a in keep
            },
        )

    def to_json(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)


def _one_line(exc: ValidationError, shown: int = 3) -> str:
    parts = []
    for err in exc.errors()[:shown]:
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{loc}: {msg}" if loc else msg)
    more = exc.error_count() - shown
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_profile(data: object, where: str = "profile") -> Profile:
    """Validate a decoded JSON profile; every problem is a ProfileError naming `where` and the field."""
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(f"{where}: {_one_line(exc)}") from None


def load_profile(path: Path | str) -> Profile:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ProfileError(f"{path}: not valid JSON ({exc})") from None
    return parse_profile(data, str(path))
