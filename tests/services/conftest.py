"""The services' tests share the converted SmolLM2 with tests/llm and tests/edgeshard (one conversion per session)."""

from tests.edgeshard.conftest import reference, shared_model_dir  # noqa: F401  (fixture and helper re-exported)
