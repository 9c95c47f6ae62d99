#!/usr/bin/env bash
# Gateway benchmarks (issue #11). Prints figures; asserts nothing.
#   1. latency the gateway adds over calling a worker directly, 16 concurrent clients (wrk --latency, p50/p99)
#   2. GET /v1/models throughput through the gateway after warm-up (wrk)
#   3. shared-prefix workload with 2 workers: prefix-aware vs round-robin routing, prefix-cache hit rate and
#      mean time to first token
# Needs: a build (./mvnw -B -DskipTests package), PostgreSQL for the gateway's limits (DATABASE_URL, default
# jdbc:postgresql://127.0.0.1:5432/postgres as postgres), ../shared/models/stories260K.gguf (or MODEL=FILE).
# Installs wrk with apt-get when absent. Usage: scripts/bench-gateway.sh   (about 6 minutes)
#   PARTS=1 ROUNDS=6 DURATION=15s scripts/bench-gateway.sh    only the added latency, longer
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-$ROOT/../shared/models/stories260K.gguf}"
DURATION="${DURATION:-10s}"   # each measured run
WARMUP="${WARMUP:-20s}"       # the worker's warm-up, once before the rounds (10 s left the gateway's JIT cold)
# The gateway's own warm-up. NOTE: with 20 s its C2 compiler was still busy in the measured rounds (a
# -XX:+PrintCompilation log: 2,300-2,600 compilations per 10 s while the gateway was first loaded, still 300-400 per
# 10 s a minute later; async-profiler put 45% of the gateway's CPU in C2 during a round), and the CPU per proxied
# request fell from round to round (546, 253, 196 us). 90 s leaves the compiler mostly idle.
GATEWAY_WARMUP="${GATEWAY_WARMUP:-90s}"
ROUNDS="${ROUNDS:-4}"
LIMITS="${LIMITS:-on}"        # per-key limits in the path (on: leases from PostgreSQL; off)
# the JVM options `bin/quanta up` gives the gateway (UpCommand's --service-java-options): the figures are those of
# the platform as shipped. Side by side with ParallelGC (scripts/bench-gateway-ab.sh), SerialGC collected a third
# as often (a larger young generation), with 3 % less CPU per request and a lower p99.
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xmx512m -XX:+UseSerialGC}"
PARTS="${PARTS:-123}"   # which of the three parts to run, e.g. PARTS=3
KEY="bench-key-$(date +%s)-0123456789abcdef"
LOGS="$(mktemp -d /tmp/bench-gateway.XXXX)"
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

[ -f "$MODEL" ] || { echo "model not found: $MODEL (set MODEL=FILE)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk ..."; (apt-get update -qq && apt-get install -y -qq wrk) >/dev/null || { echo "could not install wrk" >&2; exit 1; }
fi
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
GATEWAY_JAR="${GATEWAY_JAR:-$(ls gateway/target/*-exec.jar)}"   # GATEWAY_JAR=... compares another build
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { # url [header]
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null ${2:+-H "$2"} "$1"; then return 0; fi; sleep 0.5; done
  echo "timeout waiting for $1" >&2; exit 1
}
start_worker() { # port
  bin/quanta serve --model "$MODEL" --port "$1" --served-model-name bench --threads 1 --kv-cache-gib 0.05 \
    --host 127.0.0.1 >"$LOGS/worker-$1.log" 2>&1 &
  PIDS+=($!)
}
start_gateway() { # port strategy worker-ports...
  local port=$1 strategy=$2; shift 2
  # per-key limits on (the default path: leases reserved from PostgreSQL), set too high to refuse anything;
  # LIMITS=off takes them out of the path
  local limits=(--quanta.gateway.limits.requests-per-window=1000000000 --quanta.gateway.limits.tokens-per-window=1000000000000)
  [ "$LIMITS" = off ] && limits=(--quanta.gateway.limits.requests-per-window=0 --quanta.gateway.limits.tokens-per-window=0)
  local args=(--server.port="$port" --quanta.gateway.discovery.registry-url= --quanta.gateway.routing.strategy="$strategy"
              "${limits[@]}"
              --quanta.gateway.discovery.metrics-poll=500ms --logging.level.root=WARN)
  local i=0
  for w in "$@"; do
    args+=(--quanta.gateway.discovery.static-workers[$i].model=bench --quanta.gateway.discovery.static-workers[$i].url=http://127.0.0.1:$w)
    i=$((i+1))
  done
  QUANTA_API_KEYS="$KEY" "$JAVA" $GATEWAY_JAVA_OPTS -jar "$GATEWAY_JAR" "${args[@]}" >"$LOGS/gateway-$port.log" 2>&1 &
  GW_PID=$!; PIDS+=($GW_PID)
  wait_for "http://127.0.0.1:$port/v1/models" "Authorization: Bearer $KEY"
  until curl -sf -H "Authorization: Bearer $KEY" "http://127.0.0.1:$port/v1/models" | grep -q '"bench"'; do sleep 0.5; done
}

W1=$(free_port); W2=$(free_port); G=$(free_port)
echo "starting 2 workers on $(basename "$MODEL") (logs in $LOGS) ..."
start_worker "$W1"; start_worker "$W2"
wait_for "http://127.0.0.1:$W1/health"; wait_for "http://127.0.0.1:$W2/health"

cat >"$LOGS/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"bench","prompt":"Once upon a time","max_tokens":1,"temperature":0}'
LUA

if [[ "$PARTS" == *1* || "$PARTS" == *2* ]]; then
start_gateway "$G" round-robin "$W1"
fi
if [[ "$PARTS" == *1* ]]; then
echo; echo "== 1. added latency, 16 concurrent clients, POST /v1/completions (max_tokens 1)"
echo "   warm-up ${WARMUP} on the worker, ${GATEWAY_WARMUP} on the gateway, then ${ROUNDS} rounds of ${DURATION} alternating direct / via gateway;"
echo "   per-key limits ${LIMITS}; gateway JVM: ${GATEWAY_JAVA_OPTS}; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
pct() { awk -v p="$1" '$1==p {print $2}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.3f", v}'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run_wrk() { # url -> "p50 p99 req/s errors gateway-CPU-us-per-request"
  local out c0 c1; c0=$(cpu_ticks "$GW_PID"); out=$(wrk -t2 -c16 -d"$DURATION" --latency -s "$LOGS/post.lua" "$1"); c1=$(cpu_ticks "$GW_PID")
  local n; n=$(echo "$out" | awk '/requests in/ {print $1}')
  echo "$(echo "$out" | pct "50%" | to_ms) $(echo "$out" | pct "99%" | to_ms) $(echo "$out" | awk '/Requests\/sec/ {print $2}') \
$(echo "$out" | awk '/Non-2xx/ {n+=$NF} /Socket errors/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}') \
$(echo "($c1 - $c0) * 1000000 / $(getconf CLK_TCK) / $n" | bc)"
}
wrk -t2 -c16 -d"$WARMUP" -s "$LOGS/post.lua" "http://127.0.0.1:$W1/v1/completions" >/dev/null
wrk -t2 -c16 -d"$GATEWAY_WARMUP" -s "$LOGS/post.lua" "http://127.0.0.1:$G/v1/completions" >/dev/null
: >"$LOGS/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  # alternate which goes first, so a drift in the machine's load does not favour one side
  if (( round % 2 )); then D=$(run_wrk "http://127.0.0.1:$W1/v1/completions"); V=$(run_wrk "http://127.0.0.1:$G/v1/completions")
  else V=$(run_wrk "http://127.0.0.1:$G/v1/completions"); D=$(run_wrk "http://127.0.0.1:$W1/v1/completions"); fi
  read -r d50 d99 dr de _ <<<"$D"; read -r v50 v99 vr ve vcpu <<<"$V"
  echo "$d50 $d99 $v50 $v99 $vcpu" >>"$LOGS/rounds.txt"
  printf "round %d: direct p50 %7.3f ms p99 %7.3f ms (%s req/s) | gateway p50 %7.3f ms p99 %7.3f ms (%s req/s) | added p50 %+.3f ms p99 %+.3f ms%s\n" \
    "$round" "$d50" "$d99" "$dr" "$v50" "$v99" "$vr" "$(echo "$v50 - $d50" | bc -l)" "$(echo "$v99 - $d99" | bc -l)" \
    "$( (( de + ve > 0 )) && echo "  (errors: direct $de, gateway $ve)")"
  echo "         gateway CPU per proxied request: ${vcpu} us"
done
python3 - "$LOGS/rounds.txt" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip()]
med = lambda i: statistics.median(r[i] for r in rows)
print(f"median of {len(rows)} rounds: direct p50 {med(0):.3f} ms p99 {med(1):.3f} ms | gateway p50 {med(2):.3f} ms "
      f"p99 {med(3):.3f} ms | added p50 {statistics.median(r[2]-r[0] for r in rows):+.3f} ms "
      f"p99 {statistics.median(r[3]-r[1] for r in rows):+.3f} ms (goal: p99 added <= 2 ms)")
print(f"gateway CPU per proxied request (median): {statistics.median(r[4] for r in rows):.0f} us")
PY
fi

if [[ "$PARTS" == *2* ]]; then
echo; echo "== 2. GET /v1/models through the gateway (warm-up 10 s, then $DURATION, 2 threads x 32 connections)"
wrk -t2 -c32 -d10s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$G/v1/models" >/dev/null
wrk -t2 -c32 -d"$DURATION" --latency -H "Authorization: Bearer $KEY" "http://127.0.0.1:$G/v1/models" | grep -E "Requests/sec|^ +50%|^ +99%"
fi
if [[ "$PARTS" == *1* || "$PARTS" == *2* ]]; then kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true; fi

[[ "$PARTS" == *3* ]] || exit 0
echo; echo "== 3. shared-prefix workload, 2 workers"
SEED=1
for strategy in prefix-aware round-robin; do
  G=$(free_port)
  start_gateway "$G" "$strategy" "$W1" "$W2"
  python3 scripts/bench_gateway_client.py prefix "http://127.0.0.1:$G" "$KEY" bench "$strategy" "$SEED" \
    "http://127.0.0.1:$W1,http://127.0.0.1:$W2"
  kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
  SEED=$((SEED+1)) # fresh prefixes for each strategy: nothing cached from the previous run helps
done
