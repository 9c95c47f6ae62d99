#!/usr/bin/env bash
# Issue #6's serving benchmarks, side by side: our worker against llama.cpp's llama-server on the same GGUF file,
# rounds alternating between them (scripts/bench-serving.py), then the servers are stopped.
#
#   scripts/bench-serving-vs-llamacpp.sh MODEL.gguf LLAMA_BIN_DIR [BENCHES] [REPEAT]
#
# MODEL.gguf      e.g. a `bin/quanta synth` file (smol-135m Q8_0, llama-1b Q4_0)
# LLAMA_BIN_DIR   llama.cpp built from source outside this repository (build/bin with llama-server)
# BENCHES         default concurrent,prefix,single; also concurrent-cold (fresh prompts every round)
# REPEAT          measured rounds per benchmark and server (default 3)
#
# On an Intel CPU with AMX (Sapphire Rapids and later), llama.cpp built with -DGGML_NATIVE=ON compiles its AMX
# matmul and, at 3f545bec, crashes in it (SIGSEGV in ggml_backend_amx_mul_mat, llama.cpp issue #20824, still open).
# The reference there is then llama.cpp built without AMX, every other x86 feature of the machine on:
#   cmake -B build-noamx -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
#     -DGGML_AVX_VNNI=ON -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AVX512_VBMI=ON ...
# (-mno-amx-* in CMAKE_C_FLAGS does not work: GGML_NATIVE's -march=native comes after it and turns AMX back on.)
# Servers: ours (`bin/quanta serve --threads 2`), `llama-server -np 8 -c 16384 -t 2` (the issue's setting) and
# llama-server with its defaults (automatic slots, unified KV, host prompt cache) and `-c 16384 -t 2`. Build first
# (./mvnw -DskipTests package); the llama.cpp commit is printed so figures can name it.
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:?MODEL.gguf}
LLAMA=${2:?LLAMA_BIN_DIR}
BENCHES=${3:-concurrent,prefix,single}
REPEAT=${4:-3}
OURS=18190 NP8=18191 DEF=18192
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_ready() { # url
  for _ in $(seq 1 600); do
    if curl -sf "$1/health" >/dev/null 2>&1 && curl -sf "$1/v1/models" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "server at $1 did not become ready" >&2; exit 1
}

echo "model: $MODEL"
echo "llama.cpp: $(git -C "$LLAMA/../.." rev-parse --short HEAD 2>/dev/null || echo unknown) ($LLAMA)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
bin/quanta serve --model "$MODEL" --port $OURS --threads 2 > /tmp/bench-serving-ours.log 2>&1 & pids+=($!)
"$LLAMA/llama-server" -m "$MODEL" -np 8 -c 16384 -t 2 --port $NP8 > /tmp/bench-serving-np8.log 2>&1 & pids+=($!)
"$LLAMA/llama-server" -m "$MODEL" -c 16384 -t 2 --port $DEF > /tmp/bench-serving-default.log 2>&1 & pids+=($!)
wait_ready http://127.0.0.1:$OURS
wait_ready http://127.0.0.1:$NP8
wait_ready http://127.0.0.1:$DEF
python3 scripts/bench-serving.py --url http://127.0.0.1:$OURS --url http://127.0.0.1:$NP8 \
  --url http://127.0.0.1:$DEF --bench "$BENCHES" --repeat "$REPEAT" --quanta-model "$MODEL" --threads 2
echo "servers: 1 = ours, 2 = llama-server -np 8 -c 16384 -t 2, 3 = llama-server -c 16384 -t 2 (defaults)"
