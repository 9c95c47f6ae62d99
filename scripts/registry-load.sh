#!/usr/bin/env bash
# Load benchmark of the registry's hottest read, GET /models/{key} (what the planner and gateway call).
#
#   scripts/registry-load.sh              start the built registry (registry-service/target/*-exec.jar, built
#                                         if missing) on a fresh database, measure, stop it, drop the database
#   scripts/registry-load.sh URL          measure a running registry, e.g. http://127.0.0.1:8081
#
# Database for the started service: $DATABASE_URL/$DATABASE_USER/$DATABASE_PASSWORD when set (used as is),
# else the local PostgreSQL at 127.0.0.1:5432 (user postgres), on which a database quanta_registry_bench_<pid>
# is created with psql and dropped at the end. No embedded PostgreSQL here: `bin/quanta up` does that.
#
# Tunables (environment): KEY=llama-7b CONNECTIONS=32 THREADS=2 DURATION=30s WARMUP=30s (unmeasured, lets the JIT
#   compile the request path first)
#   SERVICE_JAVA_OPTIONS="-Xmx512m -XX:+UseSerialGC" (the JVM options bin/quanta up gives each service)
#   BOOST=1 runs the started service, its database sessions and wrk at nice -10, shielding the figures from
#   other work on a shared machine (root only); report which mode the figures came from.
#   Targets checked (the script exits 1 when one is missed): >= 2000 requests/s, 0 errors, p99 < 50 ms.
# Needs wrk: installed with apt-get when missing (as root, or through sudo).
# A benchmark, not a test: it prints figures; CI does not run it.
set -euo pipefail

KEY=${KEY:-llama-7b}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-30s}
BOOST=${BOOST:-0}
SERVICE_JAVA_OPTIONS=${SERVICE_JAVA_OPTIONS:--Xmx512m -XX:+UseSerialGC}
NICE=()
MIN_RPS=2000
MAX_P99_MS=50

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d -t quanta-registry-load.XXXXXX)
SERVICE_PID=""
BENCH_DB=""

die() { echo "registry-load: $*" >&2; exit 2; }

cleanup() {
  if [[ -n "$SERVICE_PID" ]] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    kill "$SERVICE_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
  fi
  if [[ -n "$BENCH_DB" ]]; then
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qAtc "DROP DATABASE IF EXISTS $BENCH_DB WITH (FORCE)" \
      >/dev/null 2>&1 || echo "registry-load: could not drop database $BENCH_DB" >&2
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  echo "registry-load: wrk not found; installing it with apt-get" >&2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "wrk is missing and we are not root: install it (apt-get install wrk)"
    sudo="sudo"
  fi
  $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq wrk >/dev/null \
    || die "could not install wrk with apt-get"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_service() {
  export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
  [[ -x "$JAVA_HOME/bin/java" ]] || die "no java at $JAVA_HOME/bin/java (set JAVA_HOME to a JDK 25)"
  local jar
  jar=$(ls "$ROOT"/registry-service/target/quanta-registry-service-*-exec.jar 2>/dev/null | head -1 || true)
  if [[ -z "$jar" ]]; then
    echo "registry-load: building the registry (./mvnw -pl registry-service -am package -DskipTests)" >&2
    (cd "$ROOT" && ./mvnw -B -q -pl registry-service -am package -DskipTests) || die "build failed"
    jar=$(ls "$ROOT"/registry-service/target/quanta-registry-service-*-exec.jar | head -1)
  fi

  if [[ -z "${DATABASE_URL:-}" ]]; then
    command -v psql >/dev/null 2>&1 || die "psql not found: set DATABASE_URL or pass the URL of a running registry"
    BENCH_DB="quanta_registry_bench_$$"
    psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -qAtc "CREATE DATABASE $BENCH_DB" >/dev/null \
      || die "no PostgreSQL answering at 127.0.0.1:5432 as postgres: set DATABASE_URL or pass a URL"
    export DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$BENCH_DB" DATABASE_USER=postgres DATABASE_PASSWORD=""
  fi
  local port
  port=$(free_port)
  export SERVER_PORT=$port QUANTA_ADMIN_TOKEN="bench-$RANDOM$RANDOM" QUANTA_MODELS_DIR="$WORK/models"
  mkdir -p "$QUANTA_MODELS_DIR"
  echo "registry-load: starting $(basename "$jar") ($SERVICE_JAVA_OPTIONS) on port $port, database $DATABASE_URL" >&2
  # shellcheck disable=SC2086 # options are words
  "${NICE[@]}" "$JAVA_HOME/bin/java" $SERVICE_JAVA_OPTIONS -jar "$jar" >"$WORK/service.log" 2>&1 &
  SERVICE_PID=$!
  URL="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if curl -fsS "$URL/actuator/health/readiness" >/dev/null 2>&1; then
      return
    fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -30 "$WORK/service.log" >&2; die "the registry exited during start"; }
    sleep 0.5
  done
  tail -30 "$WORK/service.log" >&2
  die "the registry did not become ready within 120 s"
}

boost_database_sessions() {
  [[ "$BOOST" == 1 && -n "$BENCH_DB" ]] || return 0
  local pid
  for pid in $(pgrep -f "postgres: .* $BENCH_DB " || true); do renice -n -10 -p "$pid" >/dev/null || true; done
}

ensure_wrk
if [[ "$BOOST" == 1 ]]; then
  [[ $(id -u) -eq 0 ]] || die "BOOST=1 needs root (negative nice)"
  NICE=(nice -n -10)
fi
URL=${1:-}
if [[ -z "$URL" ]]; then
  start_service
fi
URL=${URL%/}
TARGET="$URL/models/$KEY"
status=$(curl -s -o /dev/null -w '%{http_code}' "$TARGET") || die "cannot reach $TARGET"
[[ "$status" == 200 ]] || die "GET $TARGET answered $status, expected 200 (set KEY to an existing model)"

cat >"$WORK/report.lua" <<'LUA'
-- Counts non-2xx answers as errors (wrk itself only reports them) and prints one machine-readable line.
local non2xx = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body) if status < 200 or status > 299 then non2xx = non2xx + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + bad
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d seconds=%.2f rps=%.1f errors=%d non2xx=%d socket_errors=%d "
      .. "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
      summary.requests, seconds, summary.requests / seconds, errors, bad, e.connect + e.read + e.write + e.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000))
end
LUA

echo "registry-load: warm-up $WARMUP (JIT, connection pool), not measured" >&2
"${NICE[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$TARGET" >/dev/null
boost_database_sessions
echo "registry-load: GET $TARGET with $CONNECTIONS connections, $THREADS threads, for $DURATION" >&2
"${NICE[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/report.lua" "$TARGET" | tee "$WORK/wrk.out"

line=$(grep '^RESULT ' "$WORK/wrk.out") || die "wrk printed no result"
get() { sed -E "s/.* $1=([0-9.]+).*/\1/" <<<"$line"; }
rps=$(get rps); errors=$(get errors); p99=$(get p99_ms)
verdict=PASS
awk -v r="$rps" -v min="$MIN_RPS" 'BEGIN { exit !(r >= min) }' || verdict=FAIL
awk -v p="$p99" -v max="$MAX_P99_MS" 'BEGIN { exit !(p < max) }' || verdict=FAIL
[[ "$errors" == 0 ]] || verdict=FAIL
echo "registry-load: $verdict: $rps requests/s (target >= $MIN_RPS), $errors errors (target 0)," \
  "p99 $p99 ms (target < $MAX_P99_MS) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "boost $BOOST"
[[ "$verdict" == PASS ]]
