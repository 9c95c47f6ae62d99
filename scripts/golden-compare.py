#!/usr/bin/env python3
"""Compare `bin/quanta generate --json` with llama.cpp's golden greedy outputs (../shared/golden/stories260K).

usage: scripts/golden-compare.py MODEL [THREADS]   e.g. scripts/golden-compare.py stories260K-Q8_0 2
Per prompt: whether the prompt tokens match, the first generated position that differs (None = all 64 equal),
and the largest top-5 log-probability difference before it. A diagnostic, not a test (the tests are
GoldenDecodingTest and GenerateCommandTest).
"""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
shared = os.environ.get("QUANTA_SHARED_DIR", os.path.join(root, "..", "shared"))
model = sys.argv[1] if len(sys.argv) > 1 else "stories260K"
threads = sys.argv[2] if len(sys.argv) > 2 else "2"
golden = [json.loads(line) for line in open(os.path.join(shared, "golden", "stories260K", model + ".greedy.jsonl"))]
for g in golden:
    run = subprocess.run([os.path.join(root, "bin", "quanta"), "generate", "--model",
                          os.path.join(shared, "models", model + ".gguf"), "--prompt", g["prompt"], "-n", "64",
                          "--json", "--top-logprobs", "5", "--threads", threads, "--temp", "0"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit("generate failed: " + run.stderr.strip().splitlines()[-1])
    ours = json.loads(run.stdout)
    diverge = next((i for i, (a, b) in enumerate(zip(ours["tokens"], g["tokens"])) if a != b), None)
    worst, at = 0.0, None
    for i in range(diverge if diverge is not None else len(g["tokens"])):
        mine = {e["id"]: e["logprob"] for e in ours["top_logprobs"][i]}
        for e in g["top5_logprobs"][i]:
            if e["id"] in mine and abs(mine[e["id"]] - e["logprob"]) > worst:
                worst, at = abs(mine[e["id"]] - e["logprob"]), i
    print(f"{g['prompt'][:30]!r:34} prompt_tokens_equal={ours['prompt_tokens'] == g['prompt_tokens']} "
          f"first_diff={diverge} max_top5_diff={worst:.4f} at={at}")
