#!/bin/sh
# Entrypoint of the inference-worker image: the JVM with the flags the engine needs, then the CLI's arguments.
# QUANTA_WORKER_TOKEN_FILE (optional) names a file holding the worker's registry credential, read into
# QUANTA_WORKER_TOKEN (the Helm chart mounts one file per worker pod: each pod has its own credential).
set -eu
if [ -n "${QUANTA_WORKER_TOKEN_FILE:-}" ]; then
  if [ ! -r "$QUANTA_WORKER_TOKEN_FILE" ]; then
    echo "quanta: QUANTA_WORKER_TOKEN_FILE $QUANTA_WORKER_TOKEN_FILE is not readable" >&2
    exit 1
  fi
  QUANTA_WORKER_TOKEN="$(cat "$QUANTA_WORKER_TOKEN_FILE")"
  export QUANTA_WORKER_TOKEN
fi
exec java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:MaxRAMPercentage=25 \
  -jar /app/quanta-inference-worker.jar "$@"
