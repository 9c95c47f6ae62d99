#!/usr/bin/env python3
"""Serving benchmarks of issue #6, one client for any OpenAI-compatible server, so our worker and llama.cpp's
llama-server are measured the same way (side by side when several --url are given). Standard library only.

  scripts/bench-serving.py --url http://127.0.0.1:8090 [--url http://127.0.0.1:8091 ...] [--bench LIST]
                           [--repeat R] [--quanta-model FILE --threads N]

Start the servers first, on the same GGUF file, e.g.
  bin/quanta serve --model F --port 8090 --threads 2
  /work/llama.cpp/build/bin/llama-server -m F -np 8 -c 16384 -t 2 --port 8091      (and with defaults: -c 16384)

Benchmarks (--bench, comma-separated; default concurrent,prefix,single):
  concurrent  8 concurrent streams, 128-token prompts (distinct), 64 tokens each, greedy, ignore_eos:
              aggregate generated tok/s = all generated tokens / wall time of the whole round
  prefix      32 requests = one shared 1,024-token prefix + 32 distinct tokens, 8 in flight, 16 tokens each:
              wall time and mean time to first token (needs a context of at least 1,072)
  single      one stream, 128-token prompt, 64 tokens: decode tok/s = (tokens - 1) / (last - first token time);
              with --quanta-model, alternated with `bin/quanta bench -p 0 -n 64 --json` (its tg_tok_s) for the
              first --url (give ours first)
Prompts are token ids cut from a tokenized text (each server's /tokenize: vLLM's {"prompt"} or llama-server's
{"content"}), so every server gets exactly the same ids. Each figure is the mean over --repeat rounds after one
unmeasured warm-up round.
"""
import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = ("Once upon a time, there was a little girl named Lily. She loved to play outside in the sunshine. One day, "
        "she saw a big, red ball in the park. She ran to the ball and kicked it very hard. The ball flew over the "
        "trees and landed near a small pond. A frog jumped out of the water and said hello. Lily laughed and sat "
        "down on the grass. They talked about the sky, the birds and the flowers until the sun went down. ")


def post(base, path, body, timeout=600):
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
    return conn, conn.getresponse()


def tokenize(base, text):
    for body in ({"prompt": text, "add_special_tokens": False}, {"content": text, "add_special": False}):
        conn, r = post(base, "/tokenize", body)
        data = r.read()
        conn.close()
        if r.status == 200:
            toks = json.loads(data)["tokens"]
            if toks:  # llama-server answers {"prompt"} with 200 and no tokens (it reads "content")
                return [t if isinstance(t, int) else t["id"] for t in toks]
    sys.exit(f"{base}: /tokenize failed")


def model_name(base):
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.request("GET", "/v1/models")
    data = json.loads(conn.getresponse().read())
    conn.close()
    return data["data"][0]["id"]


def stream(base, model, prompt, max_tokens, result):
    """One streaming completion; fills result with t0, first, last (seconds) and tokens."""
    body = {"model": model, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "ignore_eos": True,
            "stream": True, "stream_options": {"include_usage": True}}
    t0 = time.perf_counter()
    conn, r = post(base, "/v1/completions", body)
    if r.status != 200:
        result["error"] = f"HTTP {r.status}: {r.read(200)!r}"
        return
    chunks = 0
    usage = None
    first = last = None
    for line in r:
        line = line.strip()
        if not line.startswith(b"data: "):
            continue
        data = line[6:]
        if data == b"[DONE]":
            break
        c = json.loads(data)
        if c.get("usage"):
            usage = c["usage"].get("completion_tokens")
        if c.get("choices"):
            now = time.perf_counter()
            first = first or now
            last = now
            chunks += 1
    conn.close()
    result.update(t0=t0, first=first, last=last, tokens=usage if usage else chunks)


def run_round(base, model, prompts, max_tokens, in_flight):
    results = [dict() for _ in prompts]
    sem = threading.Semaphore(in_flight)

    def one(i):
        with sem:
            stream(base, model, prompts[i], max_tokens, results[i])

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(prompts))]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    errors = [r["error"] for r in results if "error" in r]
    if errors:
        sys.exit(f"{base}: {errors[0]}")
    return wall, results


def bench_concurrent(base, model, ids, repeat):
    prompts = [(ids * 4)[i * 37:i * 37 + 128] for i in range(8)]
    run_round(base, model, prompts, 64, 8)  # warm-up
    rates, ttfts = [], []
    for _ in range(repeat):
        wall, res = run_round(base, model, prompts, 64, 8)
        rates.append(sum(r["tokens"] for r in res) / wall)
        ttfts.append(statistics.mean(r["first"] - r["t0"] for r in res))
    return f"8 streams x 64 tok: {statistics.mean(rates):8.1f} tok/s aggregate, mean TTFT {statistics.mean(ttfts):.3f} s"


def bench_prefix(base, model, ids, repeat):
    long = ids * (1 + 1100 // max(1, len(ids)))
    prefix = long[:1024]
    prompts = [prefix + long[1024 + i:1024 + i + 32] if i % 2 == 0 else prefix + long[i * 7:i * 7 + 32]
               for i in range(32)]
    walls, ttfts = [], []
    for r in range(repeat + 1):
        wall, res = run_round(base, model, prompts, 16, 8)
        if r > 0:
            walls.append(wall)
            ttfts.append(statistics.mean(x["first"] - x["t0"] for x in res))
    return (f"shared prefix 32 x (1024 + 32) tok, 16 out, 8 in flight: wall {statistics.mean(walls):.2f} s, "
            f"mean TTFT {statistics.mean(ttfts):.3f} s (first round unmeasured: it fills the prefix cache)")


def single_http(base, model, ids):
    res = {}
    stream(base, model, (ids * 2)[:128], 64, res)
    return (res["tokens"] - 1) / (res["last"] - res["first"])


def bench_single(base, model, ids, repeat, quanta_model, threads):
    single_http(base, model, ids)  # warm-up
    http_rates, cli_rates = [], []
    for _ in range(repeat):
        http_rates.append(single_http(base, model, ids))
        if quanta_model:
            out = subprocess.run([os.path.join(ROOT, "bin", "quanta"), "bench", "--model", quanta_model, "-p", "0",
                                  "-n", "64", "-r", "5", "-t", str(threads), "--json"],
                                 capture_output=True, text=True, check=True).stdout
            cli_rates.append(json.loads(out)["tg_tok_s"])
    line = f"one stream, 64 tok decode: {statistics.mean(http_rates):8.1f} tok/s over HTTP"
    if cli_rates:
        h, c = statistics.mean(http_rates), statistics.mean(cli_rates)
        line += f"; bin/quanta bench {c:.1f} tok/s (HTTP/CLI = {h / c:.2f}, alternated x{repeat})"
    return line


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--bench", default="concurrent,prefix,single")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quanta-model", help="GGUF file for the bin/quanta bench comparison of the single benchmark")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    benches = a.bench.split(",")
    for base in a.url:
        base = base.rstrip("/")
        model = model_name(base)
        ids = tokenize(base, TEXT * 12)
        print(f"== {base} (model {model}, {len(ids)} text tokens)", flush=True)
        for b in benches:
            if b == "concurrent":
                print("  " + bench_concurrent(base, model, ids, a.repeat), flush=True)
            elif b == "prefix":
                print("  " + bench_prefix(base, model, ids, a.repeat), flush=True)
            elif b == "single":
                qm = a.quanta_model if base == a.url[0].rstrip("/") else None  # the first --url is ours
                print("  " + bench_single(base, model, ids, a.repeat, qm, a.threads), flush=True)
            else:
                sys.exit(f"unknown benchmark {b}")


if __name__ == "__main__":
    main()
