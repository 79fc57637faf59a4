"""`scripts/setup.sh` repairs a `.venv` that exists but cannot run pip (svc41 finding 5: it had taken any `.venv` with a
`bin/python` as ready, and the install failed at `.venv/bin/pip: No such file or directory`).

The script's functions, sourced (sourcing runs no install), on venvs made in `tmp_path` with this interpreter: nothing
is downloaded (`--without-pip`, and the repair's ensurepip installs the pip bundled with Python).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SETUP = Path(__file__).resolve().parents[1] / "scripts" / "setup.sh"


def sourced(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`command` (with `args` as $1...) in bash after `source scripts/setup.sh`."""
    return subprocess.run(["bash", "-c", f'source "{SETUP}" && {command}', "bash", *args], capture_output=True, text=True, timeout=300)


def has_pip(venv: Path) -> bool:
    return sourced('venv_has_pip "$1"', str(venv)).returncode == 0


def test_sourcing_the_script_runs_nothing() -> None:
    done = sourced("declare -F ensure_venv venv_has_pip")
    assert done.returncode == 0 and done.stdout.split() == ["ensure_venv", "venv_has_pip"], done
    assert done.stderr == ""


def test_a_venv_without_pip_is_detected_and_repaired_saying_so(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (venv / ".velo-installed").write_text("an install stamp of before\n")
    assert (venv / "bin" / "python").exists() and not has_pip(venv)  # the broken venv the old script took as ready
    repaired = sourced('ensure_venv "$1" "$2"', str(venv), sys.executable)
    assert repaired.returncode == 0, repaired.stderr
    assert f"setup: {venv} had no working pip: installed the pip bundled with its Python (ensurepip)" in repaired.stderr, repaired.stderr
    assert has_pip(venv) and not (venv / ".velo-installed").exists()  # its packages installed again
    again = sourced('ensure_venv "$1" "$2"', str(venv), sys.executable)
    assert again.returncode == 0 and again.stderr == "", again.stderr  # a working venv: left alone, quietly


@pytest.mark.parametrize("broken", ["empty directory", "python gone"])
def test_a_venv_with_no_python_is_recreated_saying_so(tmp_path: Path, broken: str) -> None:
    venv = tmp_path / "venv"
    if broken == "empty directory":
        venv.mkdir()
    else:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
        for name in ("python", "python3", f"python3.{sys.version_info.minor}"):
            (venv / "bin" / name).unlink(missing_ok=True)
    assert not has_pip(venv)
    recreated = sourced('ensure_venv "$1" "$2"', str(venv), sys.executable)
    assert recreated.returncode == 0, recreated.stderr
    assert f"setup: {venv} is broken (no working python or pip" in recreated.stderr and "recreating it" in recreated.stderr, recreated.stderr
    assert has_pip(venv)


def test_a_missing_venv_is_created_quietly(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    made = sourced('ensure_venv "$1" "$2"', str(venv), sys.executable)
    assert made.returncode == 0 and made.stderr == "" and has_pip(venv), made.stderr
