#!/usr/bin/env bash
# Two gateway builds (or JVM options) side by side on one worker, for what each costs per proxied request:
# the gateway's CPU time (from /proc) and heap allocation (from its GC log), with latency and throughput, in
# alternating wrk rounds (16 clients, POST /v1/completions max_tokens 1, per-key limits on) after a warm-up
# of both. Both gateways run throughout, so a drift in the machine's load hits both alike. Asserts nothing.
#   scripts/bench-gateway-ab.sh OLD.jar "" NEW.jar ""          two builds
#   scripts/bench-gateway-ab.sh G.jar "" G.jar "-Dspring.threads.virtual.enabled=false"   two settings
#   BASE_OPTS="-Xmx512m" scripts/bench-gateway-ab.sh G.jar "-XX:+UseParallelGC" G.jar "-XX:+UseSerialGC"   two collectors
# BASE_OPTS (default: bin/quanta up's "-Xmx512m -XX:+UseSerialGC") come before each side's own options.
# Needs what scripts/bench-gateway.sh needs (a build, PostgreSQL, the model). ROUNDS (6) x DUR (8 s) each, after
# WARM (45 s) x 2 on each gateway: 20 s left C2 busy in the measured rounds (see bench-gateway.sh).
set -euo pipefail
JA=$(realpath "$1"); OA=$2; JB=$(realpath "$3"); OB=$4; ROUNDS=${ROUNDS:-6}; DUR=${DUR:-8}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
MODEL="${MODEL:-$ROOT/../shared/models/stories260K.gguf}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
OUT="$(mktemp -d /tmp/bench-gateway-ab.XXXX)"
echo "a: $JA $OA"; echo "b: $JB $OB"; echo "logs in $OUT; load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
KEY="bench-key-$(date +%s)-0123456789abcdef"
fp() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
W=$(fp); GA=$(fp); GB=$(fp)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null||true; done; wait 2>/dev/null||true' EXIT
bin/quanta serve --model "$MODEL" --port $W --served-model-name bench --threads 1 --kv-cache-gib 0.05 --host 127.0.0.1 >$OUT/worker.log 2>&1 & PIDS+=($!)
gw() { # jar opts port name
  QUANTA_API_KEYS="$KEY" "$JAVA" ${BASE_OPTS:--Xmx512m -XX:+UseSerialGC} -Xlog:gc:file=$OUT/gc-$4.log $2 -jar $1 --server.port=$3 --quanta.gateway.discovery.registry-url= --quanta.gateway.routing.strategy=round-robin \
  --quanta.gateway.limits.requests-per-window=1000000000 --quanta.gateway.limits.tokens-per-window=1000000000000 \
  --quanta.gateway.discovery.metrics-poll=500ms --logging.level.root=WARN \
  --quanta.gateway.discovery.static-workers[0].model=bench --quanta.gateway.discovery.static-workers[0].url=http://127.0.0.1:$W >$OUT/gateway-$4.log 2>&1 &
}
gw $JA "$OA" $GA a; PA=$!; PIDS+=($PA); gw $JB "$OB" $GB b; PB=$!; PIDS+=($PB)
for i in $(seq 600); do curl -sf -o /dev/null http://127.0.0.1:$W/health && break; sleep 0.5; done
for G in $GA $GB; do for i in $(seq 600); do curl -sf -H "Authorization: Bearer $KEY" http://127.0.0.1:$G/v1/models | grep -q '"bench"' && break; sleep 0.5; done; done
cat >$OUT/post.lua <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $KEY"
wrk.body = '{"model":"bench","prompt":"Once upon a time","max_tokens":1,"temperature":0}'
LUA
for G in $GA $GB; do curl -s -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' -d '{"model":"bench","prompt":"Once upon a time","max_tokens":1,"temperature":0}' -D - http://127.0.0.1:$G/v1/completions > $OUT/sample-$G.txt; done
for G in $GA $GB $GA $GB; do wrk -t2 -c16 -d${WARM:-45}s -s $OUT/post.lua http://127.0.0.1:$G/v1/completions >/dev/null; done
allocated_kib() { # pid gclog -> KiB the gateway has allocated so far: what each young GC found plus what is used now
  local used; used=$("${JAVA%/java}/jstat" -gc "$1" | awk 'NR==2 {print $3+$4+$6+$8}')
  python3 - "$2" "$used" <<'PY'
import re,sys
ev=[(int(m.group(1)),int(m.group(2))) for l in open(sys.argv[1]) for m in [re.search(r'Pause Young.* (\d+)M->(\d+)M',l)] if m]
after=0; total=0
for before,aft in ev: total+=before-after; after=aft
print(int(total*1024+float(sys.argv[2])-after*1024), len(ev))
PY
}
TICK=$(getconf CLK_TCK)
run() { # name port pid -> name requests CPU-us/req KiB/req GCs p50 p99 req/s
  local c0 c1 n a0 a1 k0 k1
  c0=$(awk '{print $14+$15}' /proc/$3/stat); read -r a0 k0 < <(allocated_kib $3 $OUT/gc-$1.log)
  wrk -t2 -c16 -d${DUR}s --latency -s $OUT/post.lua http://127.0.0.1:$2/v1/completions > $OUT/wrk.txt
  c1=$(awk '{print $14+$15}' /proc/$3/stat); read -r a1 k1 < <(allocated_kib $3 $OUT/gc-$1.log)
  n=$(awk '/requests in/ {print $1}' $OUT/wrk.txt)
  echo "$1 $n $(( (c1-c0)*1000000/TICK/n )) $(echo "scale=1; ($a1-$a0)/$n" | bc) $((k1-k0)) $(awk '$1=="50%"{print $2} $1=="99%"{print $2}' $OUT/wrk.txt | tr '\n' ' ')$(awk '/Requests\/sec/ {print $2}' $OUT/wrk.txt)"
}
for r in $(seq $ROUNDS); do
  if (( r % 2 )); then run a $GA $PA; run b $GB $PB; else run b $GB $PB; run a $GA $PA; fi
done | tee $OUT/rounds.txt | awk '{printf "%s: %6d req  CPU %4d us/req  alloc %5.1f KiB/req (%d GCs)  p50 %s p99 %s  %s req/s\n",$1,$2,$3,$4,$5,$6,$7,$8}'
python3 - $OUT/rounds.txt <<'PY'
import sys,statistics as st
rows=[l.split() for l in open(sys.argv[1])]
for k in 'ab':
  r=[x for x in rows if x[0]==k]
  print(f"{k}: median of {len(r)} rounds: CPU {st.median(int(x[2]) for x in r)} us/req, alloc {st.median(float(x[3]) for x in r):.1f} KiB/req, rps {st.median(float(x[7]) for x in r):.0f}")
PY
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
