#!/usr/bin/env python3
"""Load test of the worker's streaming API (issue #6's acceptance): 64 concurrent streaming clients for 60 s, a
quarter of them disconnecting mid-stream, then /metrics must show 0 running, 0 waiting, KV usage 0.

usage: scripts/load-worker.py [BASE_URL]
  without BASE_URL it starts `bin/quanta serve` on ../shared/models/stories260K.gguf (default queue limits) on a
  free port, and stops it at the end. Standard library only.
environment: CLIENTS=64 DURATION=60 CUT_FRACTION=0.25 MODEL=path THREADS=2 MAX_TOKENS=96
Prints errors, the fraction of streams not deliberately cut that completed ([DONE] after a finish_reason), and
the metrics afterwards; exits 1 when there were errors, fewer than 90% completed, or the engine is not idle.
"""
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENTS = int(os.environ.get("CLIENTS", "64"))
DURATION = float(os.environ.get("DURATION", "60"))
CUT_FRACTION = float(os.environ.get("CUT_FRACTION", "0.25"))
MAX_TOKENS = int(os.environ.get("MAX_TOKENS", "96"))
PROMPTS = ["Once upon a time", "The little dog", "Lily and Ben went to the park", "One day, a big fish",
           "Tom had a red ball", "The sun was hot and"]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.started = self.completed = self.cut = self.tokens = 0
        self.errors = []

    def add(self, **kw):
        with self.lock:
            for k, v in kw.items():
                if k == "error":
                    self.errors.append(v)
                else:
                    setattr(self, k, getattr(self, k) + v)


def stream_once(base, rng, cut, stats):
    u = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    body = {"prompt": rng.choice(PROMPTS), "max_tokens": rng.randint(16, MAX_TOKENS), "temperature": 0.8,
            "seed": rng.randint(0, 1 << 30), "stream": True}
    if rng.random() < 0.5:
        body = {"messages": [{"role": "user", "content": body["prompt"]}], "max_tokens": body["max_tokens"],
                "temperature": 0.8, "stream": True, "stream_options": {"include_usage": True}}
        path = "/v1/chat/completions"
    else:
        path = "/v1/completions"
    stats.add(started=1)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = conn.getresponse()
        if r.status != 200:
            stats.add(error=f"HTTP {r.status}: {r.read(300)!r}")
            return
        cut_after = rng.randint(1, 6) if cut else None
        events = 0
        finished = False
        while True:
            line = r.readline()
            if not line:
                stats.add(error="stream ended without [DONE]")
                return
            line = line.strip()
            if not line:
                continue
            if not line.startswith(b"data: "):
                stats.add(error=f"not an SSE data line: {line[:80]!r}")
                return
            data = line[6:]
            if data == b"[DONE]":
                if finished:
                    stats.add(completed=1)
                else:
                    stats.add(error="[DONE] without a finish_reason")
                return
            chunk = json.loads(data)
            if "error" in chunk:
                stats.add(error=f"error event: {chunk['error']}")
                return
            for c in chunk.get("choices", []):
                if c.get("finish_reason"):
                    finished = True
            events += 1
            stats.add(tokens=1)
            if cut_after is not None and events >= cut_after:
                stats.add(cut=1)
                conn.sock.shutdown(socket.SHUT_RDWR)
                return
    except Exception as e:  # noqa: BLE001 - every failure is reported
        stats.add(error=f"{type(e).__name__}: {e}")
    finally:
        conn.close()


def client(base, index, deadline, stats):
    rng = random.Random(index)
    cut = index < int(CLIENTS * CUT_FRACTION)  # a quarter of the clients cut every stream they open
    while time.time() < deadline:
        stream_once(base, rng, cut, stats)


def metrics(base):
    text = urllib.request.urlopen(base + "/metrics", timeout=10).read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("vllm:") and "_bucket" not in line:
            name = line.split("{")[0]
            out[name] = float(line.rsplit(" ", 1)[1])
    return out


def start_worker():
    model = os.environ.get("MODEL", os.path.join(ROOT, "..", "shared", "models", "stories260K.gguf"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [os.path.join(ROOT, "bin", "quanta"), "serve", "--model", model, "--host", "127.0.0.1", "--port",
           str(port), "--threads", os.environ.get("THREADS", "2"), "--kv-cache-gib", "0.25"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open("/tmp/load-worker-serve.log", "w"))
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if urllib.request.urlopen(base + "/health", timeout=2).status == 200:
                return proc, base
        except Exception:  # noqa: BLE001 - not up yet
            pass
        if proc.poll() is not None:
            sys.exit("worker exited early; see /tmp/load-worker-serve.log")
        time.sleep(0.5)
    proc.terminate()
    sys.exit("worker did not become healthy in 300 s")


def main():
    proc = None
    base = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else None
    if base is None:
        proc, base = start_worker()
    try:
        stats = Stats()
        deadline = time.time() + DURATION
        threads = [threading.Thread(target=client, args=(base, i, deadline, stats), daemon=True)
                   for i in range(CLIENTS)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.time() - t0
        m = {}
        for _ in range(100):  # cancelled sequences are freed at the next engine step
            m = metrics(base)
            if m.get("vllm:num_requests_running") == 0 and m.get("vllm:num_requests_waiting") == 0 \
                    and m.get("vllm:kv_cache_usage_perc") == 0:
                break
            time.sleep(0.1)
        not_cut = stats.started - stats.cut
        fraction = stats.completed / not_cut if not_cut else 0.0
        print(f"clients {CLIENTS}, {wall:.1f} s, streams started {stats.started}, cut deliberately {stats.cut}, "
              f"completed {stats.completed} of {not_cut} not cut ({fraction:.1%}), chunks {stats.tokens}")
        print(f"errors: {len(stats.errors)}")
        for e in stats.errors[:20]:
            print("  ", e)
        print("after: running {} waiting {} kv_cache_usage_perc {} preemptions {} generation_tokens {}".format(
            m.get("vllm:num_requests_running"), m.get("vllm:num_requests_waiting"),
            m.get("vllm:kv_cache_usage_perc"), m.get("vllm:num_preemptions_total"),
            m.get("vllm:generation_tokens_total")))
        ok = not stats.errors and fraction >= 0.9 and m.get("vllm:num_requests_running") == 0 \
            and m.get("vllm:num_requests_waiting") == 0 and m.get("vllm:kv_cache_usage_perc") == 0
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if proc is not None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    sys.exit(main())
