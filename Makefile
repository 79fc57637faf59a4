# The two quick-start commands. Both set everything up first (scripts/setup.sh is a no-op once installed).
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
# The suite runs on two pytest-xdist workers, a test file to a worker (its module fixtures start once; the tests on
# Milvus standalone all in one: tests/conftest.py);
# TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2

.PHONY: setup demo test
setup:
	@scripts/setup.sh

demo: setup
	.venv/bin/velo demo

test: setup
	.venv/bin/python -m pytest -q -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)
