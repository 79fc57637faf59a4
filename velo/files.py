"""Writing files so that a reader never sees half of one; reading a text file line by line, naming a line not UTF-8."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
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


def write_files_in_order(files: Sequence[tuple[Path, bytes]]) -> None:
    """Write each `(path, data)` to a temporary file beside `path` (synced), then rename them over their paths in the
    order given. Interrupted at any point (Ctrl-C, a full disk), each path holds its old or its new content, a path is
    new only if every path before it is new, and no temporary file is left: a pair of files that must match (a
    training run's state and the policy it holds, `agents.checkpoints`) puts first the one the other is rebuilt from."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            staged.append((_stage(Path(path), [data]), Path(path)))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise


def _write_atomic(path: Path, chunks: Iterable[bytes]) -> None:
    path = Path(path)
    tmp = _stage(path, chunks)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stage(path: Path, chunks: Iterable[bytes]) -> Path:
    """`chunks` in a synced, world-readable temporary file beside `path` (its parent created); removed on any error."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.writelines(chunks)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def utf8_line(raw: bytes, where: str) -> str:
    """One line of a text file, `raw` bytes, decoded as UTF-8; ValueError naming `where` (e.g. "FILE:LINE") and the
    first byte that is not UTF-8 and its place in the line ("FILE:3: not valid UTF-8: byte 0xff at byte 42 of the
    line"): the user's file is named where `str.decode`'s own message named no file, line or column (a newcomer's
    finding, nc43: "'utf-8' codec can't decode byte 0xff in position 41")."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(f"{where}: not valid UTF-8: byte 0x{raw[err.start]:02x} at byte {err.start + 1} of the line") from None


def utf8_lines(path: Path) -> list[str]:
    """The lines of the UTF-8 text file `path` (split at "\\n", a "\\r" before it dropped); ValueError naming the file
    and line where it is not UTF-8 (`utf8_line`); OSError as `Path.read_bytes`."""
    return [utf8_line(raw.rstrip(b"\r"), f"{path}:{n}") for n, raw in enumerate(path.read_bytes().split(b"\n"), 1)]
