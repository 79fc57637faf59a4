"""Output paths: one convention for every option that names where a command writes.

Directories that do not exist yet are created when the output is written (as `mkdir -p` would): `velo curves
--out runs/plots/reward.png`, `velo evaluate --plots`, `velo train --out`, `velo data prepare --out`,
`velo shard edge-profile --out`, `velo cache calibrate --out` and `velo cache eval --verdicts` all behave so. A path that could never be
written (an empty path, a file where a directory must be, a directory where the file must be, a directory
nothing can be created in: no permission, a read-only or pseudo filesystem such as /proc or /sys) is refused
before any work, with the option named; a refused or failed call creates nothing. So is, naming both options:

- an output that is one of the command's inputs (`velo cache eval --queries q.jsonl --verdicts q.jsonl` overwrote its
  own queries and exited 0: brk finding 1), compared as files (`os.path.samefile`: a symlink or hard link is the file
  it names), and for a directory output each file the command writes in it;
- an existing output file the command could not write (chmod 444 for a non-root user, `chattr +i` even for root): it
  passed, as only its directory was probed, and `velo cache eval --verdicts` failed after the whole evaluation with
  "[Errno 1] Operation not permitted", naming no option and losing the --json report (brk finding 2). It is opened
  for appending and closed: its contents and modification time stay as they were;
- `-`: no output option writes to standard output, which holds the command's report or table (`velo cache eval
  --json --verdicts -` would mix the verdict lines into the one JSON object); a file named "-" used to be written
  (brk finding 3): give a path, ./- for a file of that name.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import typer


def output_path(raw: str) -> Path:
    """typer `parser=` for every output option: the path of a non-empty `raw`; BadParameter for an empty one
    (typer would turn '' into Path('.'), the current directory, and write there)."""
    if not str(raw).strip():
        raise typer.BadParameter("is empty; give a path (use . for the current directory)")
    if str(raw) == "-":
        raise typer.BadParameter(STDOUT_REFUSED)
    return Path(raw)


STDOUT_REFUSED = "'-' is not standard output here: give a path (./- for a file named '-')"

Inputs = Mapping[str, "Path | str | Iterable[Path | str] | None"]
"""A command's input options and their paths (None: not given; a list for a repeatable option)."""


def check_output(option: str, path: Path | str, *, directory: bool = False, inputs: Inputs | None = None,
                 files: Iterable[str] = ()) -> Path:
    """`path` as a Path if the command may write it (a file, or a directory when `directory`, in which it writes
    `files`, as named) without overwriting one of its `inputs`; else OSError naming `option` (ValueError for an empty
    path or an input). Nothing is changed or left behind: an existing file written is opened for appending; where a
    file is to be created, the nearest existing ancestor must be a directory in which a temporary file can really be
    created and removed (os.access says yes to root even on /proc or a read-only mount).

        check_output("--verdicts", verdicts, inputs={"--seeds": seeds, "--queries": queries})
        check_output("--plots", plots, directory=True, files=PLOT_FILES)"""
    if not str(path).strip():
        raise ValueError(f"{option} is empty; give a path (use . for the current directory)")
    if str(path) == "-":
        raise ValueError(f"{option}: {STDOUT_REFUSED}")
    path = Path(path)
    written = [path / name for name in files] if directory else [path]
    _check_not_an_input(option, path, written, inputs or {})
    for file in written:
        _check_writable(option, file)
    if not directory and path.exists() and not path.is_dir():
        return path  # written in place: its directory need not take a new file
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


def _check_not_an_input(option: str, path: Path, written: list[Path], inputs: Inputs) -> None:
    for input_option, given in inputs.items():
        if given is None:
            continue
        for source in [given] if isinstance(given, (str, Path)) else given:
            source = Path(source)
            for file in written:
                if _same_file(file, source):
                    what = "" if file == path else f" would write {file}, which"
                    named = "" if source == file else f" {source}"  # the same name, or another one for it (a symlink)
                    raise ValueError(f"{option} {path}{what} is the {input_option} file{named}: writing it would overwrite "
                                     f"that input; give {option} another path")


def _same_file(a: Path, b: Path) -> bool:
    """Whether `a` and `b` name one file (through a symlink, a hard link, `..`); a path not there yet by its resolved
    name, since the command would create it as the one and then write it as the other (`velo cache eval --uri e.db
    --verdicts e.db` ran the whole evaluation, milvus-lite creating `e.db/`, then failed "Is a directory": nc24 M2)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one is not there yet: the same path once resolved is the same file
        return Path(a).resolve() == Path(b).resolve()


def _check_writable(option: str, file: Path) -> None:
    """PermissionError naming `option` if `file` exists and cannot be written: opened for appending (which changes
    neither its contents nor its modification time) when it is a regular file; os.access for a device (/dev/stdout)."""
    if file.is_dir() or not file.exists():
        return
    if not file.is_file():
        if not os.access(file, os.W_OK):
            raise PermissionError(f"{option} {file}: cannot be written (no permission)")
        return
    try:
        with open(file, "ab"):
            pass
    except OSError as e:
        raise PermissionError(f"{option} {file}: the file exists and cannot be written ({e.strerror or e}); make it "
                              f"writable or give {option} another path") from None
