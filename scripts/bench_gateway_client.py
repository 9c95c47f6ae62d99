#!/usr/bin/env python3
"""Load client for scripts/bench-gateway.sh (stdlib only).

prefix MODE: a shared-prefix workload against the gateway: GROUPS system prompts of ~PREFIX_CHARS characters,
REQUESTS requests (each one of the prompts + a distinct question, order shuffled with a fixed seed), IN_FLIGHT at
once, streamed; prints mean time to first token (first SSE chunk carrying text) and the prefix-cache hit rate
read from the workers' /metrics before and after (hits / queries, in tokens).
"""
import json, random, sys, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor

def metric(url, name):
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit("}", 1)[-1].split()[0] if "}" in line else line.split()[1])
    return total

def stream_ttft(gateway, key, model, prompt, max_tokens):
    body = json.dumps({"model": model, "prompt": prompt, "max_tokens": max_tokens, "temperature": 0,
                       "stream": True}).encode()
    req = urllib.request.Request(gateway + "/v1/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer " + key})
    start = time.perf_counter()
    first = None
    try:
        resp = urllib.request.urlopen(req, timeout=300)
    except urllib.error.HTTPError as e:
        sys.exit(f"HTTP {e.code}: {e.read().decode(errors='replace')[:300]}")
    with resp:
        for raw in resp:
            line = raw.decode().strip()
            if first is None and line.startswith("data: {") and '"text":""' not in line.replace(" ", ""):
                first = time.perf_counter() - start
    return first if first is not None else time.perf_counter() - start

def prefix(argv):
    gateway, key, model, label, seed = argv[0], argv[1], argv[2], argv[3], int(argv[4])
    workers = argv[5].split(",")
    groups, requests, in_flight, prefix_chars = 4, 32, 4, 700
    rnd = random.Random(seed)
    words = ["cat", "dog", "tree", "sun", "ball", "park", "girl", "boy", "mom", "red", "big", "happy", "sad",
             "fish", "bird", "cake", "toy", "box", "car", "rain"]
    systems = []
    for g in range(groups):
        text = "Story " + str(seed) + "-" + str(g) + ": "
        while len(text) < prefix_chars:
            text += " ".join(rnd.choice(words) for _ in range(8)) + ". "
        systems.append(text)
    jobs = [(rnd.randrange(groups), i) for i in range(requests)]
    q0 = sum(metric(w, "vllm:prefix_cache_queries_total") for w in workers)
    h0 = sum(metric(w, "vllm:prefix_cache_hits_total") for w in workers)
    with ThreadPoolExecutor(in_flight) as pool:
        ttfts = list(pool.map(lambda j: stream_ttft(gateway, key, model,
                                                    systems[j[0]] + " Question " + str(j[1]) + "?", 8), jobs))
    q1 = sum(metric(w, "vllm:prefix_cache_queries_total") for w in workers)
    h1 = sum(metric(w, "vllm:prefix_cache_hits_total") for w in workers)
    rate = (h1 - h0) / (q1 - q0) if q1 > q0 else 0.0
    print(f"{label:<14} requests {requests} ({groups} shared prefixes of ~{prefix_chars} chars, {in_flight} in flight): "
          f"prefix-cache hit rate {rate * 100:5.1f}%  mean TTFT {sum(ttfts) / len(ttfts) * 1000:7.1f} ms")

if __name__ == "__main__":
    if sys.argv[1] == "prefix":
        prefix(sys.argv[2:])
    else:
        sys.exit("usage: bench_gateway_client.py prefix GATEWAY KEY MODEL LABEL SEED WORKER_URLS")
