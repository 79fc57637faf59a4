# The two quick-start commands. Both set everything up first (scripts/setup.sh is a no-op once installed).
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false

.PHONY: setup demo test
setup:
	@scripts/setup.sh

demo: setup
	.venv/bin/velo demo

test: setup
	.venv/bin/python -m pytest -q $(PYTEST_ARGS)
