#!/usr/bin/env bash
# Regenerates the golden cases in inference-worker/src/test/resources/golden from llama.cpp built from source.
#
# usage: scripts/fidelity/make-goldens.sh LLAMA_CPP_BIN [SHARED_DIR]
#   LLAMA_CPP_BIN  directory with llama-server and llama-quantize (e.g. /work/llama.cpp/build/bin)
#   SHARED_DIR     the shared test material (default: ../shared beside the checkout): models/stories260K*.gguf,
#                  text/stories-eval.txt
# Needs bin/quanta built (synth writes the random-weight files) and python3 (standard library only).
#
# What it makes (see the README.md it writes beside the files):
#  - stories260K{,-Q8_0,-Q4_0}.greedy.jsonl: the shared stories260K files, prompts of several lengths;
#  - synth-tiny-F16 quantized by llama-quantize to Q4_K_M and Q6_K (the .gguf files are kept: they are the model);
#  - synth-{qwen2,qwen3,mistral}-tiny-F32: random-weight files of those shapes (bin/quanta synth, seed 10, the
#    stories260K vocabulary); the test regenerates them with the same seed and checks their SHA-256 before use.
set -euo pipefail

BIN="${1:?usage: make-goldens.sh LLAMA_CPP_BIN [SHARED_DIR]}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${2:-$ROOT/../shared}"
OUT="$ROOT/inference-worker/src/test/resources/golden"
WORK="$(mktemp -d)"
PORT="${GOLDEN_PORT:-18437}"
LENGTHS="1,2,3,5,7,8,11,15,16,17,20,24,31,32,33,40,48,64,100"
# stories260K has a 512-token context: also prompts whose decoding attends to more than 256 KV cells
STORIES_LENGTHS="$LENGTHS,128,200,250,255,256,300,400,470"
N_PREDICT=32
trap '[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

# A passage from the middle of the evaluation text, so the prompts are not the shared goldens' openings.
sed -n '200,300p' "$SHARED/text/stories-eval.txt" > "$WORK/passage.txt"

VOCAB="$SHARED/models/stories260K.gguf"
"$ROOT/bin/quanta" synth --shape tiny --type F16 --vocab "$VOCAB" --seed 10 --out "$WORK/synth-tiny-F16.gguf"
for type in Q4_K_M Q6_K; do
  "$BIN/llama-quantize" "$WORK/synth-tiny-F16.gguf" "$OUT/synth-tiny-$type.gguf" "$type" 1 > "$WORK/quantize.log" 2>&1
done
for arch in qwen2 qwen3; do
  "$ROOT/bin/quanta" synth --shape tiny --arch "$arch" --type F32 --vocab "$VOCAB" --seed 10 \
    --out "$WORK/synth-$arch-tiny-F32.gguf"
done
"$ROOT/bin/quanta" synth --shape tiny-mistral --type F32 --vocab "$VOCAB" --seed 10 --out "$WORK/synth-mistral-tiny-F32.gguf"

golden() { # model.gguf name lengths
  "$BIN/llama-server" -m "$1" -c 512 -t 2 -np 1 --port "$PORT" --no-webui > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/health" > /dev/null 2>&1 && break
    sleep 0.2
  done
  python3 "$ROOT/scripts/fidelity/golden-from-llama-server.py" "http://127.0.0.1:$PORT" "$WORK/passage.txt" \
    "$N_PREDICT" "$3" > "$OUT/$2.greedy.jsonl"
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  echo "$2: $(wc -l < "$OUT/$2.greedy.jsonl") prompts"
}

for m in stories260K stories260K-Q8_0 stories260K-Q4_0; do
  golden "$SHARED/models/$m.gguf" "$m" "$STORIES_LENGTHS"
done
for type in Q4_K_M Q6_K; do
  golden "$OUT/synth-tiny-$type.gguf" "synth-tiny-$type" "$LENGTHS"
done
for arch in qwen2 qwen3 mistral; do
  golden "$WORK/synth-$arch-tiny-F32.gguf" "synth-$arch-tiny-F32" "$LENGTHS"
  sha256sum "$WORK/synth-$arch-tiny-F32.gguf" | cut -d' ' -f1 > "$OUT/synth-$arch-tiny-F32.sha256"
done
(cd "$BIN" && echo "llama.cpp: $(./llama-server --version 2>&1 | grep -m1 version)") > "$OUT/llama-cpp-version.txt"
