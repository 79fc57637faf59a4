"""VELO installed from its wheel (non-editable, as the Dockerfile's `pip install .`): it finds its bundled data
through `$VELO_DATA_DIR` and says what to set without it. Issue (nc17 finding 2): `velo/paths.py` derived the
data directory from `__file__`, so the image's edges refused `VELO_EDGE_POLICY=dlrs` ("checkpoint
site-packages/data/checkpoints/dlrs.safetensors does not exist") and banks would have been built without the
bundled paraphrases (a glob over a missing directory is empty)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "velo", "services", "envs", "agents")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built as the newcomer built it (`pip wheel --no-deps --no-build-isolation`), from a copy of the
    sources the Dockerfile copies (the build writes build/ and *.egg-info beside them), unpacked as site-packages."""
    root = tmp_path_factory.mktemp("installed")
    src = root / "src"
    src.mkdir()
    for name in SOURCES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, src / name)
    wheels = root / "wheels"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(wheels), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = wheels.glob("velo-*.whl")
    assert not any(name.startswith("data/") for name in zipfile.ZipFile(wheel).namelist())
    site = root / "site"
    zipfile.ZipFile(wheel).extractall(site)
    return site


def run(site: Path, code: str, data_dir: str | None, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VELO_")}
    env |= {"PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1", "VELO_HOME": str(cwd / "home")}
    if data_dir is not None:
        env["VELO_DATA_DIR"] = data_dir
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


RESOLVE = """
import velo
from velo.paths import BUNDLED_OASST1
from velo.policy import check_policy_spec, checkpoint_file
from envs.bank import default_paraphrase_files
print(velo.__file__)
print(check_policy_spec("dlrs"), checkpoint_file("dlrs"))
print(BUNDLED_OASST1, BUNDLED_OASST1.is_dir(), len(default_paraphrase_files()))
"""


def test_the_installed_velo_finds_the_shipped_dlrs_and_the_sample_through_velo_data_dir(site: Path, tmp_path: Path) -> None:
    done = run(site, RESOLVE, str(REPO / "data"), tmp_path)
    assert done.returncode == 0, done.stderr
    module, policy, sample = done.stdout.splitlines()
    assert module == str(site / "velo" / "__init__.py")  # the wheel's copy, not the editable checkout
    assert policy == f"dlrs {REPO / 'data' / 'checkpoints' / 'dlrs.safetensors'}"
    assert sample == f"{REPO / 'data' / 'sample' / 'oasst1'} True {len(list((REPO / 'data' / 'sample' / 'cache_eval').glob('*.queries.jsonl')))}"


def test_without_velo_data_dir_the_installed_velo_says_what_to_set(site: Path, tmp_path: Path) -> None:
    for data_dir, where in ((None, f"{site / 'data'} (beside the velo package"), (str(tmp_path / "nowhere"), f"$VELO_DATA_DIR={tmp_path / 'nowhere'}")):
        done = run(site, RESOLVE, data_dir, tmp_path)
        assert done.returncode == 1
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith(f"FileNotFoundError: VELO's bundled data is not at {where}") and "set VELO_DATA_DIR" in last, last


def test_the_dockerfile_points_velo_data_dir_at_its_copy_of_data() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert "COPY data ./data" in text and "WORKDIR /app" in text and "VELO_DATA_DIR=/app/data" in text
