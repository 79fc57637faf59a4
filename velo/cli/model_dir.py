"""`--model-dir`: the one rule of every command that takes it (`velo up`, `velo serve edge|cloud`, `velo shard serve`).

Without the option the default SmolLM2 is used, converted from its bundled GGUF into `$VELO_HOME/models` on first
use. A directory given on the command line is read, never written: it must exist and hold a converted model (its
`config.json`), else the command is refused before it starts anything. (It used to be created and a conversion
written there, so a typo in the path cost a 15 s conversion and left a 540 MB model in an unexpected place.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

ModelDirOpt = Annotated[
    Path | None,
    typer.Option(help="A converted model's directory (must hold its config.json); default: SmolLM2 in $VELO_HOME/models."),
]
"""The `--model-dir` option of every command that takes it, checked by `check_model_dir`."""


def check_model_dir(path: Path | None, option: str = "--model-dir") -> Path | None:
    """`path` if it is a directory holding a model's config.json (None stays None: the default); else OSError
    naming `option` and what to do."""
    if path is None:
        return None
    default = f"or leave {option} out to use SmolLM2 in $VELO_HOME/models (converted there on first use)"
    if not path.exists():
        raise FileNotFoundError(f"{option} {path} does not exist; give the directory of a converted model, {default}")
    if not path.is_dir():
        raise NotADirectoryError(f"{option} {path} is a file; give the directory of a converted model, {default}")
    if not (path / "config.json").is_file():
        raise FileNotFoundError(f"{option} {path} holds no model (no config.json); give the directory of a converted model "
                                f"(as `save_pretrained` writes it), {default}")
    return path
