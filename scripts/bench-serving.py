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
              aggregate generated tok/s = all generated tokens / wall time of the whole round. Every round sends
              the same 8 prompts, so after the warm-up round a server with a prompt cache serves them from it
  concurrent-cold  the same with 8 prompts no round has sent before (not in the default list): every prompt
              is computed
  prefix      32 requests = one shared 1,024-token prefix + 32 distinct tokens, 8 in flight, 16 tokens each:
              wall time and mean time to first token (needs a context of at least 1,072)
  single      one stream, 128-token prompt, 64 tokens: decode tok/s = 64 / (time of 65 tokens - time of 1 token);
              with --quanta-model, alternated with `bin/quanta bench -p 0 -n 64 --json` (its tg_tok_s) for the
              first --url (give ours first)
Prompts are token ids cut from a tokenized text (each server's /tokenize: vLLM's {"prompt"} or llama-server's
{"content"}), so every server gets exactly the same ids. Rounds alternate between the servers (one unmeasured
warm-up round each first); each figure is the mean over --repeat rounds, every round's figures printed, and each
server after the first gets the ratio first/this of every figure.
A server that answers a benchmark's request with an error (llama-server at 3f545bec answers some random-weight
completions with HTTP 500) is reported as failed for that benchmark and the others are still measured.
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


class ServerError(Exception):
    """A server answered a benchmark request with an error: that server's benchmark stops, the others go on."""


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
    first = last = first_event = None
    other = []  # lines that are not data events (an error a server writes into the stream, say)
    for line in r:
        line = line.strip()
        if not line.startswith(b"data: "):
            if line:
                other.append(line[:200])
            continue
        data = line[6:]
        if data == b"[DONE]":
            break
        first_event = first_event or time.perf_counter()
        c = json.loads(data)
        if c.get("usage"):
            usage = c["usage"].get("completion_tokens")
        if c.get("choices"):
            now = time.perf_counter()
            first = first or now
            last = now
            chunks += 1
    conn.close()
    if first is None:
        # NOTE: a server may hold back every token of a short stream (random-weight models emit byte tokens that
        # need not make whole characters; llama-server then sends only its closing chunk): the first event of any
        # kind stands for the first token then
        first = last = first_event
    if first is None:
        result["error"] = f"stream without an event (other lines: {other[:3]!r})"
        return
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
        raise ServerError(f"{len(errors)} of {len(prompts)} requests failed; first: {errors[0]}")
    return wall, results


def concurrent_prompts(ids, first=0):
    """Eight 128-token windows of the text, 37 tokens apart, from window `first` on (37 and the text's length are
    coprime for any text we use, so windows of different numbers never start alike before ~1,000 of them)."""
    end = (first + 8) * 37 + 128
    text = ids * (1 + end // max(1, len(ids)))
    return [text[(first + i) * 37:(first + i) * 37 + 128] for i in range(8)]


def prefix_prompts(ids):
    long = ids * (1 + 1100 // max(1, len(ids)))
    prefix = long[:1024]
    return [prefix + long[1024 + i:1024 + i + 32] if i % 2 == 0 else prefix + long[i * 7:i * 7 + 32]
            for i in range(32)]


def completion_seconds(base, model, prompt, max_tokens):
    """Wall time of one non-streaming greedy completion of exactly max_tokens tokens."""
    body = {"model": model, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "ignore_eos": True}
    t0 = time.perf_counter()
    conn, r = post(base, "/v1/completions", body)
    data = r.read()
    conn.close()
    if r.status != 200:
        raise ServerError(f"HTTP {r.status}: {data[:200]!r}")
    return time.perf_counter() - t0


def single_http(base, model, ids, round_no):
    """Decode tok/s of one stream: 64 / (time of a 128-token prompt + 65 tokens - time of another 128-token prompt
    + 1 token). Whole-request times, not chunk arrival times: a server may hold back tokens that do not yet make
    whole characters (random-weight models emit byte tokens), which would shorten a first-to-last-chunk interval.
    Fresh prompts every time, so neither request reuses a cached prefix."""
    text = ids * 4
    a = text[round_no * 53:round_no * 53 + 128]
    b = text[round_no * 53 + 400:round_no * 53 + 528]
    t1 = completion_seconds(base, model, a, 1)
    t65 = completion_seconds(base, model, b, 65)
    return 64 / (t65 - t1)


def cli_decode(quanta_model, threads):
    out = subprocess.run([os.path.join(ROOT, "bin", "quanta"), "bench", "--model", quanta_model, "-p", "0",
                          "-n", "64", "-r", "5", "-t", str(threads), "--json"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["tg_tok_s"]


def measure(name, base, model, ids, round_no):
    """One round of benchmark `name` on one server: its figures as a tuple."""
    if name in ("concurrent", "concurrent-cold"):
        prompts = concurrent_prompts(ids, 8 * round_no if name == "concurrent-cold" else 0)
        wall, res = run_round(base, model, prompts, 64, 8)
        return sum(x["tokens"] for x in res) / wall, statistics.mean(x["first"] - x["t0"] for x in res)
    if name == "prefix":
        wall, res = run_round(base, model, prefix_prompts(ids), 16, 8)
        return wall, statistics.mean(x["first"] - x["t0"] for x in res)
    if name == "single":
        return (single_http(base, model, ids, round_no),)
    sys.exit(f"unknown benchmark {name}")


def run_bench(name, servers, repeat, quanta_model, threads):
    """One benchmark on every server, rounds alternating between them after one unmeasured round each. A server
    that answers with an error is reported and left out of this benchmark's later rounds; the others go on."""
    figures = {s["base"]: [] for s in servers}
    failed = {}
    cli = []
    for r in range(repeat + 1):
        for s in servers:
            base, model, ids = s["base"], s["model"], s["ids"]
            if base in failed:
                continue
            try:
                fig = measure(name, base, model, ids, r)
            except ServerError as e:
                failed[base] = str(e)
                print(f"  [{name}] {base}: failed in round {r}: {e}", flush=True)
                continue
            if r > 0:  # the first round warms up (JIT, caches) and, for prefix, fills the prefix cache
                figures[base].append(fig)
        if name == "single" and quanta_model and r > 0 and servers[0]["base"] not in failed:
            cli.append(cli_decode(quanta_model, threads))
    first = None
    for s in servers:
        if s["base"] in failed:
            continue
        f = figures[s["base"]]
        means = [statistics.mean(x[i] for x in f) for i in range(len(f[0]))]
        runs = "; ".join("/".join(f"{v:.3f}" for v in x) for x in f)
        if name in ("concurrent", "concurrent-cold"):
            line = f"8 streams x 64 tok: {means[0]:8.1f} tok/s aggregate, mean TTFT {means[1]:.3f} s"
        elif name == "prefix":
            line = (f"shared prefix 32 x (1024 + 32) tok, 16 out, 8 in flight: wall {means[0]:.2f} s, "
                    f"mean TTFT {means[1]:.3f} s")
        else:
            line = f"one stream, 64 tok decode: {means[0]:8.1f} tok/s over HTTP"
            if s is servers[0] and cli:
                c = statistics.mean(cli)
                line += f"; bin/quanta bench {c:.1f} tok/s (HTTP/CLI = {means[0] / c:.2f}, alternated x{repeat})"
        if s is servers[0]:
            first = means
        elif first is not None:
            line += "   ratio first/this: " + ", ".join(f"{a / b:.2f}" for a, b in zip(first, means))
        print(f"  [{name}] {s['base']}: {line}   (rounds: {runs})", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--bench", default="concurrent,prefix,single")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quanta-model", help="GGUF file for the bin/quanta bench comparison of the single benchmark")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    servers = []
    for base in a.url:
        base = base.rstrip("/")
        model = model_name(base)
        ids = tokenize(base, TEXT * 12)
        print(f"== {base} (model {model}, {len(ids)} text tokens)", flush=True)
        servers.append({"base": base, "model": model, "ids": ids})
    for b in a.bench.split(","):
        run_bench(b, servers, a.repeat, a.quanta_model, a.threads)


if __name__ == "__main__":
    main()
