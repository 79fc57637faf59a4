"""Output paths: one convention for every option that names where a command writes.

Directories that do not exist yet are created when the output is written (as `mkdir -p` would): `velo curves
--out runs/plots/reward.png`, `velo evaluate --plots`, `velo train --out`, `velo data prepare --out`,
`velo shard edge-profile --out`, `velo cache calibrate --out` and `velo cache eval --verdicts` all behave so. A path that could never be
written (an empty path, a file where a directory must be, a directory where the file must be, a directory
nothing can be created in: no permission, a read-only or pseudo filesystem such as /proc or /sys) is refused
before any work, with the option named; a refused or failed call creates nothing.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import typer


def output_path(raw: str) -> Path:
    """typer `parser=` for every output option: the path of a non-empty `raw`; BadParameter for an empty one
    (typer would turn '' into Path('.'), the current directory, and write there)."""
    if not str(raw).strip():
        raise typer.BadParameter("is empty; give a path (use . for the current directory)")
    return Path(raw)


def check_output(option: str, path: Path | str, *, directory: bool = False) -> Path:
    """`path` as a Path if the command may write it (a file, or a directory when `directory`); else OSError
    naming `option` (ValueError for an empty path). Nothing is left behind: the nearest existing ancestor must
    be a directory in which a temporary file can really be created and removed (os.access says yes to root
    even on /proc or a read-only mount)."""
    if not str(path).strip():
        raise ValueError(f"{option} is empty; give a path (use . for the current directory)")
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
    try:
        fd, probe = tempfile.mkstemp(prefix=".velo-write-probe-", dir=target)
    except OSError as e:
        raise PermissionError(f"{option} {path}: cannot write into {target}: creating a file there fails ({e.strerror or e})") from None
    os.close(fd)
    os.unlink(probe)
    return path
