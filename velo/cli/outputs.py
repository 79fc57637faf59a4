"""Output paths: one convention for every option that names where a command writes.

Directories that do not exist yet are created when the output is written (as `mkdir -p` would): `velo curves
--out runs/plots/reward.png`, `velo evaluate --plots`, `velo train --out`, `velo data prepare --out`,
`velo shard edge-profile --out` and `velo cache calibrate --out` all behave so. A path that could never be
written (a file where a directory must be, a directory where the file must be, a directory the user may not
write into) is refused before any work, with the option named; a refused or failed call creates nothing.
"""

from __future__ import annotations

import os
from pathlib import Path


def check_output(option: str, path: Path, *, directory: bool = False) -> Path:
    """`path` unchanged if the command may write it (a file, or a directory when `directory`); else OSError
    naming `option`. Nothing is created: the nearest existing ancestor must be a writable directory."""
    path = Path(path)
    if path.exists():
        if directory and not path.is_dir():
            raise NotADirectoryError(f"{option} {path} is a file; give a directory")
        if not directory and path.is_dir():
            raise IsADirectoryError(f"{option} {path} is a directory; give a file name")
        target = path if directory else path.parent
    else:
        target = next(p for p in path.parents if p.exists())  # ends at "." or "/", which exist
    if not target.is_dir():
        raise NotADirectoryError(f"{option} {path}: {target} is a file, not a directory")
    if not os.access(target, os.W_OK | os.X_OK):
        raise PermissionError(f"{option} {path}: cannot write into {target}")
    return path
