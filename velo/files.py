"""Writing files so that a reader never sees half of one."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_text_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write `chunks` (UTF-8) to a temporary file beside `path`, sync it, then rename it over `path`.

    The parent directory is created if needed; on any error the temporary file is removed and `path` is
    left as it was. The file is world-readable (mkstemp's 0600 would hide shared data from other users).
    """
    _write_atomic(path, (c.encode("utf-8") for c in chunks))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """`write_text_atomic` for bytes (checkpoints)."""
    _write_atomic(path, [data])


def _write_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.writelines(chunks)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
