"""The edge server's own LLM (SmolLM2-135M-Instruct on CPU) and the answers it gives to the prepared pairs."""

from velo.llm.local import Generation, LocalLLM, load_local_llm, smollm2_gguf_path

__all__ = ["Generation", "LocalLLM", "load_local_llm", "smollm2_gguf_path"]
