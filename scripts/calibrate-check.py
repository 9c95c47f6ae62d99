#!/usr/bin/env python3
"""The planner's CPU worker prediction against what bin/quanta bench measures, in one run.

    scripts/calibrate-check.py [--models-dir /work/models/calib] [--threads 2] [--reps 3] [--files a.gguf,b.gguf] [--interleave]

1. makes the six files if missing: smol-135m and llama-1b in Q4_0 and Q8_0 by `bin/quanta synth` (seed 1, the
   llama-bpe vocabulary), and in Q4_K_M by llama.cpp's llama-quantize (--llama-quantize, built from source outside
   the repository) from the F16 `synth` files in --f16-dir; without llama-quantize, `synth --type Q4_K` (all
   Q4_K, an approximation of Q4_K_M) instead,
2. measures the read bandwidth twice: `bin/quanta bench --memory` and the plain C probe scripts/membw-probe.sh,
3. starts the planner's exec jar on a fresh PostgreSQL database (127.0.0.1:5432, created with psql and dropped at
   the end) with a random admin token,
4. `bin/quanta calibrate --planner URL --admin-token T --name cpu-check` (synthetic data only, no model file),
5. per file: POST /plan with the file's GGUF tensor table (`bin/quanta gguf-info --json`) on that CPU node
   (promptTokens 128, generatedTokens 64, the default context = the worker's), then
   `bin/quanta bench --model F -p 128 -n 64 -t THREADS -r REPS --json`,
6. prints predicted vs measured (prompt tok/s, decode tok/s, memory = tensor bytes mapped + KV allocated) with the
   error in % of the measured figure.

With --rounds N, steps 4 and 5 are repeated N times, calibration and benches alternating, and each figure is the mean
over the rounds of the prediction and of bench's mean (± the spread of the round means). NOTE: on a shared host whose
read bandwidth moves between ~28 and ~52 GB/s from one minute to the next (seen on a 2-core Zen 4), a calibration
taken at one moment and a bench minutes later differ by that much whatever the model: alternating both and averaging
is how every other side-by-side figure of the project is measured. --sweeps sets calibrate's sweeps per round.

Needs the jars built (./mvnw -o -pl planner-service,inference-worker -am -DskipTests package). Figures on a shared,
busy machine are indicative only: the script prints the load average before and after.
"""
import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUANTA = ROOT / "bin" / "quanta"
SHAPES = ("smol-135m", "llama-1b")


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def run(args, **kw):
    return subprocess.run([str(a) for a in args], check=True, text=True, capture_output=True, **kw)


def java():
    home = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    return str(Path(home) / "bin" / "java")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method, url, body=None, token=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def make_files(models_dir, vocab, quantize, f16_dir):
    """The six files' names, made where missing."""
    models_dir.mkdir(parents=True, exist_ok=True)
    names = []
    for shape in SHAPES:
        f16 = Path(f16_dir) / f"{shape}-f16.gguf"
        use_quantize = quantize and Path(quantize).exists()
        for qtype in ("q4_0", "q8_0", "q4_k_m" if use_quantize else "q4_k"):
            path = models_dir / f"{shape}-{qtype}.gguf"
            names.append(path.name)
            if path.exists():
                continue
            if qtype == "q4_k_m":
                if not f16.exists():
                    log(f"synth {f16}")
                    run([QUANTA, "synth", "--shape", shape, "--type", "F16", "--vocab", vocab, "--seed", "1",
                         "--out", f16])
                log(f"llama-quantize {f16} -> {path}")
                run([quantize, f16, path, "Q4_K_M"])
            else:
                log(f"synth {path}")
                run([QUANTA, "synth", "--shape", shape, "--type", qtype.upper(), "--vocab", vocab, "--seed", "1",
                     "--out", path])
    return names


def start_planner(token):
    jars = sorted((ROOT / "planner-service" / "target").glob("*-exec.jar"))
    if not jars:
        sys.exit("calibrate-check: planner-service is not built (its *-exec.jar is missing)")
    db = f"quanta_calibrate_check_{os.getpid()}"
    run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"CREATE DATABASE {db}"])
    port = free_port()
    env = dict(os.environ, SERVER_PORT=str(port), DATABASE_URL=f"jdbc:postgresql://127.0.0.1:5432/{db}",
               DATABASE_USER="postgres", DATABASE_PASSWORD="", QUANTA_ADMIN_TOKEN=token,
               QUANTA_REGISTRY_URL="http://127.0.0.1:9")
    logfile = open(ROOT / "planner-service" / "target" / "calibrate-check-planner.log", "w")
    proc = subprocess.Popen([java(), "-XX:TieredStopAtLevel=1", "-Xmx512m", "-jar", str(jars[0])], env=env,
                            stdout=logfile, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"calibrate-check: the planner exited ({proc.returncode}); see {logfile.name}")
        try:
            status, _ = http("GET", url + "/actuator/health/readiness", timeout=2)
            if status == 200:
                return proc, url, db
        except OSError:
            pass
        time.sleep(1)
    proc.terminate()
    sys.exit("calibrate-check: the planner did not become ready in 180 s")


def plan_body(info, node, prompt, generated):
    s = info["summary"]
    tensors = [{"name": t["name"], "type": t["type"], "shape": t["shape"], "bytes": t["size_bytes"]}
               for t in info["tensors"]]
    model = {"key": Path(info["file"]).stem.lower().replace("_", "-"), "parametersBillions": s["parameter_count"] / 1e9,
             "layers": s["block_count"], "hiddenSize": s["embedding_length"], "attentionHeads": s["head_count"],
             "kvHeads": s["head_count_kv"], "headDim": s["head_dim"], "contextLength": s["context_length"],
             "vocabSize": s["vocab_size"], "tensors": tensors}
    return {"model": model, "gpu": node, "promptTokens": prompt, "generatedTokens": generated}


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON line in: " + text[-500:])


def combine(rounds):
    """One (prediction, measurement) pair from a file's rounds: each figure the mean over the rounds; the measured
    spreads become the spread of the round means when there are several rounds (else bench's own stddev)."""
    if len(rounds) == 1:
        return rounds[0]
    mean = lambda xs: sum(xs) / len(xs)
    sd = lambda xs: (sum((x - mean(xs)) ** 2 for x in xs) / (len(xs) - 1)) ** 0.5
    preds = [p for p, _ in rounds]
    meass = [m for _, m in rounds]
    pred = dict(preds[-1])  # the derivation text of the last round
    for k in ("promptTokensPerSecond", "decodeTokensPerSecond"):
        pred[k] = mean([p[k] for p in preds])
    meas = dict(meass[-1])
    for k, sdk, best in (("pp_tok_s", "pp_stddev", "pp_best_tok_s"), ("tg_tok_s", "tg_stddev", "tg_best_tok_s")):
        meas[k] = mean([m[k] for m in meass])
        meas[sdk] = sd([m[k] for m in meass])
        meas[best] = max(m.get(best, m[k]) for m in meass)
    return pred, meas


def err(pred, meas):
    return 100.0 * (pred - meas) / meas


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models-dir", default="/work/models/calib")
    ap.add_argument("--files", help="comma-separated file names in --models-dir (default: the six)")
    ap.add_argument("--vocab", default=str(ROOT.parent / "shared" / "models" / "vocab" / "ggml-vocab-llama-bpe.gguf"))
    ap.add_argument("--llama-quantize", default="/work/llama.cpp/build/bin/llama-quantize",
                    help="llama.cpp's llama-quantize for the Q4_K_M files (absent: synth Q4_K files instead)")
    ap.add_argument("--f16-dir", default="/work/models", help="where {smol-135m,llama-1b}-f16.gguf are (or go)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--gen", type=int, default=64)
    ap.add_argument("--node", default="cpu-check")
    ap.add_argument("--rounds", type=int, default=1,
                    help="calibrate + bench every file, this many times alternating; figures are means over rounds")
    ap.add_argument("--sweeps", type=int, default=3, help="calibrate --sweeps of each calibration (default 3)")
    ap.add_argument("--interleave", action="store_true",
                    help="re-run the calibration before each file's bench (the printed calibration is the last)")
    args = ap.parse_args()
    if args.rounds < 1 or args.sweeps < 1:
        ap.error("--rounds and --sweeps must be at least 1")

    models_dir = Path(args.models_dir)
    files = args.files.split(",") if args.files else make_files(models_dir, args.vocab, args.llama_quantize,
                                                                 args.f16_dir)
    load_before = os.getloadavg()

    log("read bandwidth: bench --memory and the C probe")
    bench_mem = last_json(run([QUANTA, "bench", "--memory", "--json", "-t", args.threads]).stdout)
    c_probe = run([ROOT / "scripts" / "membw-probe.sh", "1", args.threads]).stdout.strip()

    token = secrets.token_hex(16)
    proc, url, db = start_planner(token)
    try:
        calibrate = [QUANTA, "calibrate", "--planner", url, "--admin-token", token, "--name", args.node,
                     "-t", args.threads, "--prompt-tokens", args.prompt, "--sweeps", args.sweeps]
        per_file = {name: [] for name in files}
        for rnd in range(args.rounds):
            log(f"round {rnd + 1}/{args.rounds}: planner at {url}; calibrating {args.node}")
            calibrate_out = run(calibrate).stdout
            for i, name in enumerate(files):
                path = models_dir / name
                if args.interleave and i > 0:
                    # NOTE: on a host whose speed drifts over minutes, a calibration taken just before each bench
                    # sees the conditions that bench sees (still synthetic data only: every type, no file read)
                    log(f"re-calibrating {args.node} before {name}")
                    calibrate_out = run(calibrate).stdout
                info = json.loads(run([QUANTA, "gguf-info", "--json", path]).stdout)
                status, plan = http("POST", url + "/plan", plan_body(info, args.node, args.prompt, args.gen))
                if status != 200 or not plan.get("cpuWorker"):
                    sys.exit(f"calibrate-check: plan for {name}: {status} {plan}")
                pred = plan["cpuWorker"]
                log(f"bench {name}")
                meas = last_json(run([QUANTA, "bench", "--model", path, "-p", args.prompt, "-n", args.gen,
                                      "-t", args.threads, "-r", args.reps, "--json"]).stdout)
                per_file[name].append((pred, meas))
                print(f"{name}: predicted pp {pred['promptTokensPerSecond']:.1f} tg {pred['decodeTokensPerSecond']:.1f}"
                      f"; measured pp {meas['pp_tok_s']:.1f} tg {meas['tg_tok_s']:.1f}", file=sys.stderr, flush=True)
        rows = [(name, *combine(per_file[name])) for name in files]
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f"DROP DATABASE IF EXISTS {db}"],
                       capture_output=True)
    load_after = os.getloadavg()

    commit = run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]).stdout.strip()
    print(f"# calibrate-check, commit {commit}, {time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {os.cpu_count()} CPUs, "
          f"threads {args.threads}, bench -p {args.prompt} -n {args.gen} -r {args.reps}, "
          f"{args.rounds} round(s) of calibrate --sweeps {args.sweeps} and bench alternating")
    print(f"# load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min)"
          + ("; calibrated again before each file's bench (--interleave)" if args.interleave else ""))
    print(f"# bench --memory: {bench_mem['read_gb_s']:.2f} GB/s; {c_probe}")
    print("# calibrate:")
    for line in calibrate_out.strip().splitlines():
        if not line.startswith("{") and not line.startswith(" ") and not line.startswith("}"):
            print("#   " + line)
    print()
    print("Errors are (predicted - measured) / measured. The acceptance compares with bench's mean over the")
    print("repetitions; on a busy machine the best repetition (the least disturbed) is shown too.")
    print()
    print("| file | pp pred | pp mean ± sd | err | pp best | err | tg pred | tg mean ± sd | err | tg best | err "
          "| mem pred MiB | mem meas MiB | err |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    worst = 0.0
    worst_best = 0.0
    worst_mem = 0.0
    for name, p, m in rows:
        mem_meas = m["weights_bytes"] + m["kv_bytes"]
        pp, tg = p["promptTokensPerSecond"], p["decodeTokensPerSecond"]
        pp_best, tg_best = m.get("pp_best_tok_s", m["pp_tok_s"]), m.get("tg_best_tok_s", m["tg_tok_s"])
        e_pp, e_tg = err(pp, m["pp_tok_s"]), err(tg, m["tg_tok_s"])
        b_pp, b_tg = err(pp, pp_best), err(tg, tg_best)
        e_mem = err(p["memoryBytes"], mem_meas)
        worst = max(worst, abs(e_pp), abs(e_tg))
        worst_best = max(worst_best, abs(b_pp), abs(b_tg))
        worst_mem = max(worst_mem, abs(e_mem))
        print(f"| {name} | {pp:.1f} | {m['pp_tok_s']:.1f} ± {m['pp_stddev']:.1f} | {e_pp:+.1f}% | {pp_best:.1f} | "
              f"{b_pp:+.1f}% | {tg:.1f} | {m['tg_tok_s']:.1f} ± {m['tg_stddev']:.1f} | {e_tg:+.1f}% | {tg_best:.1f} | "
              f"{b_tg:+.1f}% | {p['memoryBytes'] / 2**20:.1f} | {mem_meas / 2**20:.1f} | {e_mem:+.2f}% |")
    print()
    print(f"worst speed error vs mean {worst:.1f}% (goal <= 15%), vs best repetition {worst_best:.1f}%; "
          f"worst memory error {worst_mem:.2f}% (goal <= 5%)")
    for name, p, m in rows:
        gbs = m["weights_bytes"] * m["tg_tok_s"] / 1e9
        print(f"  {name}: decode streams ~{gbs:.1f} GB/s of tensor data = {100 * gbs / bench_mem['read_gb_s']:.0f}% "
              f"of the measured read bandwidth")
    if args.rounds > 1:
        print()
        print("Per round, prompt and decode error of that round's prediction against that round's bench:")
        for name in files:
            print(f"  {name}: " + "; ".join(
                f"pp {err(p['promptTokensPerSecond'], m['pp_tok_s']):+.1f}% tg "
                f"{err(p['decodeTokensPerSecond'], m['tg_tok_s']):+.1f}%" for p, m in per_file[name]))
    print()
    print("Decode per token, predicted parts (the planner's derivation) against bench's mean and best:")
    for name, p, m in rows:
        d = p.get("derivation", {})
        parts = []
        for key in ("decodeWeightsSecondsPerToken", "layerSecondsPerToken", "samplingSecondsPerToken"):
            value = d.get(key, "")
            if " = " in value:
                parts.append(f"{key.replace('SecondsPerToken', '')} {1e3 * float(value.rsplit(' = ', 1)[1].split()[0]):.3f}")
        tg_best = m.get("tg_best_tok_s", m["tg_tok_s"])
        print(f"  {name}: predicted {1e3 / p['decodeTokensPerSecond']:.3f} ms ({', '.join(parts)} ms; the rest: KV "
              f"reads); measured mean {1e3 / m['tg_tok_s']:.3f} ms, best {1e3 / tg_best:.3f} ms")


if __name__ == "__main__":
    main()
