#!/usr/bin/env bash
# Side-by-side speed of `bin/quanta bench` and llama.cpp's `llama-bench` on the same files, printed as ratios.
#
# usage: scripts/bench-vs-llamacpp.sh LLAMA_CPP_BUILD_DIR [options]
#   LLAMA_CPP_BUILD_DIR   a llama.cpp build (its bin/ holds llama-bench and llama-quantize); built from source
#                         outside this repository, nothing of it is copied in
#   --shapes LIST         synth shapes (default llama-1b,smol-135m)
#   --types LIST          llama-quantize types (default Q4_0,Q8_0,Q4_K_M,Q5_K_M,Q6_K,Q3_K_M,Q2_K,IQ4_NL)
#   -p LIST  -n LIST      prompt / generation lengths (default 128,512 and 64), as both tools take them
#   -t N  -r N            threads (default 2) and repetitions (default 5)
#   --rounds N            how many times each file is measured, ours and llama.cpp's alternating (default 1)
#   --dir DIR             where the model files are made and kept (default /tmp/quanta-bench-vs-llamacpp)
#   --no-bandwidth        skip the read-bandwidth readings around each file (and the decode table that uses them)
#   LLAMA_BENCH_ARGS      extra llama-bench arguments, e.g. "--poll 0" on a shared machine (llama.cpp's threads
#                         spin-wait by default and collapse when the cores are oversubscribed; ours park)
#
# On an Intel CPU with AMX (Sapphire Rapids and later), llama.cpp built with -DGGML_NATIVE=ON compiles its AMX
# matmul and, at 3f545bec, crashes in it (SIGSEGV in ggml_backend_amx_mul_mat, llama.cpp issue #20824, still open).
# The reference there is then llama.cpp built without AMX, every other x86 feature of the machine on:
#   cmake -B build-noamx -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON \
#     -DGGML_AVX_VNNI=ON -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX512_BF16=ON -DGGML_AVX512_VBMI=ON ...
# (-mno-amx-* in CMAKE_C_FLAGS does not work: GGML_NATIVE's -march=native comes after it and turns AMX back on.)
# Files: one F16 file per shape from `bin/quanta synth` (random weights, the llama-bpe vocabulary), then each type
# made from it by llama.cpp's llama-quantize, so both engines read identical bytes. Each file is measured ours, then
# llama.cpp's, (then ours again ... for --rounds), with the same -p/-n/-t/-r; the table gives tokens/s and
# ours / llama.cpp per test. Both tools do one warm-up run, then -r repetitions. The machine must be otherwise idle
# for absolute figures; the alternation is what keeps the ratios honest when it is not.
# Decode against the memory limit (issue #10's second decode criterion): `bin/quanta bench --memory` is read right
# before and right after each file's pair of runs (a shared host's bandwidth moves by tens of percent from one minute
# to the next), and a second table gives each decode test as GB/s of weights streamed per token (the file's tensor
# bytes, less the token embedding when an output matrix is separate: only one row of it is read per token) and as a
# share of the mean of the two readings, with the criterion that applies: >= 1.1x llama.cpp, or, where llama.cpp
# reads at >= 85% of the bandwidth, >= 0.97x and >= 90%.
set -euo pipefail

die() { echo "bench-vs-llamacpp: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: $0 LLAMA_CPP_BUILD_DIR [--shapes LIST] [--types LIST] [-p LIST] [-n LIST] [-t N] [-r N] [--rounds N] [--dir DIR]"
LLAMA_DIR=$1
shift
if [ -x "$LLAMA_DIR/bin/llama-bench" ]; then LLAMA_BIN="$LLAMA_DIR/bin"; else LLAMA_BIN="$LLAMA_DIR"; fi
[ -x "$LLAMA_BIN/llama-bench" ] || die "no llama-bench in $LLAMA_DIR (or its bin/)"
[ -x "$LLAMA_BIN/llama-quantize" ] || die "no llama-quantize in $LLAMA_DIR (or its bin/)"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${QUANTA_SHARED_DIR:-$ROOT/../shared}"
VOCAB="$SHARED/models/vocab/ggml-vocab-llama-bpe.gguf"
SHAPES=llama-1b,smol-135m
TYPES=Q4_0,Q8_0,Q4_K_M,Q5_K_M,Q6_K,Q3_K_M,Q2_K,IQ4_NL
PP=128,512
TG=64
THREADS=2
REPS=5
ROUNDS=1
BANDWIDTH=1
DIR=/tmp/quanta-bench-vs-llamacpp
while [ $# -gt 0 ]; do
  case "$1" in
    --shapes) SHAPES=$2; shift 2 ;;
    --types) TYPES=$2; shift 2 ;;
    -p) PP=$2; shift 2 ;;
    -n) TG=$2; shift 2 ;;
    -t) THREADS=$2; shift 2 ;;
    -r) REPS=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --dir) DIR=$2; shift 2 ;;
    --no-bandwidth) BANDWIDTH=0; shift ;;
    *) die "unknown option $1" ;;
  esac
done
[ -f "$VOCAB" ] || die "vocabulary $VOCAB not found (set QUANTA_SHARED_DIR)"
command -v python3 >/dev/null || die "python3 is needed to read the JSON outputs"
mkdir -p "$DIR"
# the largest prompt test in one forward pass, as llama-bench's default batch (2048) does
BATCH=$(tr ',' '\n' <<<"$PP" | sort -n | tail -1)
[ "$BATCH" -ge 1 ] || BATCH=256

RESULTS="$DIR/results.jsonl"
read_bandwidth() { # GB/s of streaming reads now, all threads of the runs
  "$ROOT/bin/quanta" bench --memory -t "$THREADS" --json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["read_gb_s"])'
}
: >"$RESULTS"
IFS=',' read -r -a shape_list <<<"$SHAPES"
IFS=',' read -r -a type_list <<<"$TYPES"
for shape in "${shape_list[@]}"; do
  f16="$DIR/$shape-F16.gguf"
  if [ ! -f "$f16" ]; then
    echo "making $f16" >&2
    "$ROOT/bin/quanta" synth --shape "$shape" --type F16 --vocab "$VOCAB" --seed 1 --out "$f16" >&2
  fi
  for type in "${type_list[@]}"; do
    file="$DIR/$shape-$type.gguf"
    if [ ! -f "$file" ]; then
      echo "making $file" >&2
      "$LLAMA_BIN/llama-quantize" "$f16" "$file" "$type" "$THREADS" >"$DIR/quantize-$shape-$type.log" 2>&1 \
        || die "llama-quantize $type failed, see $DIR/quantize-$shape-$type.log"
    fi
    # bytes a decode step streams (for the bandwidth table only): every tensor but a separate output matrix's token
    # embedding
    streamed=0
    [ "$BANDWIDTH" = 1 ] && streamed=$("$ROOT/bin/quanta" gguf-info --json "$file" 2>/dev/null | python3 -c '
import json, sys
t = json.load(sys.stdin)["tensors"]
names = {x["name"] for x in t}
print(sum(x["size_bytes"] for x in t if not (x["name"] == "token_embd.weight" and "output.weight" in names)))')
    for ((round = 1; round <= ROUNDS; round++)); do
      bw_before=0; bw_after=0
      [ "$BANDWIDTH" = 1 ] && bw_before=$(read_bandwidth)
      echo "measuring $shape $type (round $round): ours" >&2
      ours=$("$ROOT/bin/quanta" bench --model "$file" -p "$PP" -n "$TG" -t "$THREADS" -r "$REPS" -b "$BATCH" --json)
      echo "measuring $shape $type (round $round): llama.cpp" >&2
      # shellcheck disable=SC2086 # LLAMA_BENCH_ARGS is a plain space-separated list
      theirs=$("$LLAMA_BIN/llama-bench" -m "$file" -p "$PP" -n "$TG" -t "$THREADS" -r "$REPS" ${LLAMA_BENCH_ARGS:-} \
        -o json 2>/dev/null)
      [ "$BANDWIDTH" = 1 ] && bw_after=$(read_bandwidth)
      python3 - "$shape-$type" "$round" "$ours" "$theirs" "$streamed" "$bw_before" "$bw_after" >>"$RESULTS" <<'EOF'
import json, sys
name, rnd, ours, theirs = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
streamed, bw_before, bw_after = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7])
llama = {}
for t in theirs:
    test = f"pp{t['n_prompt']}" if t["n_gen"] == 0 else f"tg{t['n_gen']}"
    llama[test] = (t["avg_ts"], t["stddev_ts"])
for t in ours["tests"]:
    l = llama.get(t["test"])
    print(json.dumps({"file": name, "round": rnd, "test": t["test"], "ours": t["tok_s"], "ours_sd": t["stddev"],
                      "llama": l[0] if l else None, "llama_sd": l[1] if l else None, "streamed_bytes": streamed,
                      "bw_before": bw_before, "bw_after": bw_after}))
EOF
    done
  done
done

python3 - "$RESULTS" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
tests = sorted({r["test"] for r in rows}, key=lambda t: (t[:2] != "pp", int(t[2:])))
files = list(dict.fromkeys(r["file"] for r in rows))
print("| file | " + " | ".join(f"{t} tok/s ours / llama.cpp = ratio" for t in tests) + " |")
print("|---|" + "---|" * len(tests))
for f in files:
    cells = []
    for t in tests:
        runs = [r for r in rows if r["file"] == f and r["test"] == t]
        parts = []
        for r in runs:
            if r["llama"]:
                parts.append(f"{r['ours']:.1f} / {r['llama']:.1f} = {r['ours'] / r['llama']:.2f}×")
            else:
                parts.append(f"{r['ours']:.1f} / — ")
        cells.append("; ".join(parts) if parts else "—")
    print(f"| {f} | " + " | ".join(cells) + " |")
EOF

[ "$BANDWIDTH" = 1 ] || exit 0
python3 - "$RESULTS" <<'EOF'
import json, sys
rows = [r for r in (json.loads(line) for line in open(sys.argv[1])) if r["test"].startswith("tg")]
if not rows:
    sys.exit(0)
print()
print("Decode against the read bandwidth (GB = 10^9 bytes; bandwidth: bench --memory before / after the file's runs)")
print("| file | test | round | bandwidth GB/s | ours GB/s (share) | llama.cpp GB/s (share) | ratio | criterion |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    if not r["llama"] or not r["bw_before"] or not r["bw_after"]:
        continue
    bw = (r["bw_before"] + r["bw_after"]) / 2
    ours, llama = r["ours"] * r["streamed_bytes"] / 1e9, r["llama"] * r["streamed_bytes"] / 1e9
    ratio = r["ours"] / r["llama"]
    if llama / bw >= 0.85:
        crit = "llama.cpp >= 85%: >= 0.97x and >= 90%: " + ("met" if ratio >= 0.97 and ours / bw >= 0.90 else "missed")
    else:
        crit = ">= 1.1x: " + ("met" if ratio >= 1.1 else "missed")
    print(f"| {r['file']} | {r['test']} | {r['round']} | {r['bw_before']:.1f} / {r['bw_after']:.1f} | {ours:.1f} "
          f"({100 * ours / bw:.0f}%) | {llama:.1f} ({100 * llama / bw:.0f}%) | {ratio:.2f}x | {crit} |")
EOF
