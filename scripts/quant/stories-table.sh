#!/usr/bin/env bash
# Perplexity / KL / same-top table for every type quantize makes of stories260K (the acceptance table).
# Usage: scripts/quant/stories-table.sh WORKDIR [CHUNKS] [LLAMA_BIN_DIR]
#   run from the repository root after building the CLI; CHUNKS (default all) limits the evaluated 512-token chunks;
#   with LLAMA_BIN_DIR (llama.cpp's build/bin) each file's llama-perplexity on the same text and chunks is added.
# Prints one JSON line per file; WORKDIR receives the files, the F32 base logits and the calibration imatrix.
set -euo pipefail
W="$1"; CHUNKS="${2:--1}"; LLAMA="${3:-}"; S=../shared
mkdir -p "$W"
Q="bin/quanta"
[ -f "$W/base.logits" ] || $Q perplexity -m $S/models/stories260K.gguf --text $S/text/stories-eval.txt \
    --save-logits "$W/base.logits" --json 2>/dev/null | tail -1 >&2
[ -f "$W/calib.imatrix" ] || $Q imatrix -m $S/models/stories260K.gguf --text $S/text/stories-calibration.txt \
    --out "$W/calib.imatrix" 2>/dev/null | tail -1 >&2
for T in F32 F16 BF16 Q8_0 Q5_1 Q5_0 Q4_1 Q4_0 IQ4_NL Q6_K Q5_K_M Q4_K_M Q3_K_M Q2_K Q4_0+im IQ4_NL+im; do
  TYPE="${T%+im}"; EXTRA=(); [ "$T" != "$TYPE" ] && EXTRA=(--imatrix "$W/calib.imatrix")
  case "$TYPE" in F16|BF16|Q8_0|Q5_1|Q5_0|Q4_1|Q4_0|IQ4_NL) EXTRA+=(--tensor-type ffn_down=F16);; esac
  F="$W/stories260K-$T.gguf"
  [ "$T" = F32 ] && F=$S/models/stories260K.gguf
  [ -f "$F" ] || $Q quantize $S/models/stories260K.gguf "$F" "$TYPE" "${EXTRA[@]}" >/dev/null 2>&1
  LP=null
  if [ -n "$LLAMA" ]; then
    C=(); [ "$CHUNKS" -gt 0 ] && C=(--chunks "$CHUNKS")
    LP=$("$LLAMA/llama-perplexity" -m "$F" -f $S/text/stories-eval.txt -c 512 -b 512 -t 1 "${C[@]}" 2>&1 \
         | sed -n 's/.*Final estimate: PPL = \([0-9.]*\).*/\1/p')
    [ -n "$LP" ] || LP=null
  fi
  $Q perplexity -m "$F" --kl-base "$W/base.logits" --chunks "$CHUNKS" --json 2>/dev/null | tail -1 \
    | sed "s/^{/{\"type\":\"$T\",\"llama_perplexity\":$LP,/"
done
