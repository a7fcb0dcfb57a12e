#!/usr/bin/env bash
# Starts Sendgate on this machine: Temporal dev server (with its Web UI), the API and the worker,
# on the embedded SQLite database under data/. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules
log "building…"
npm run --silent build >/dev/null

mkdir -p data
TEMPORAL=$(temporal_cli)
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:7233}
export PORT=${PORT:-3000}
export PUBLIC_BASE_URL=${PUBLIC_BASE_URL:-http://127.0.0.1:$PORT}
export SENDGATE_ALLOW_PRIVATE_NETWORKS=${SENDGATE_ALLOW_PRIVATE_NETWORKS:-true}
export SENDGATE_SANDBOX_ESP=${SENDGATE_SANDBOX_ESP:-true}
# Readable lines in the terminal (production logs one JSON object a line).
export SENDGATE_LOG_FORMAT=${SENDGATE_LOG_FORMAT:-pretty}
# The first account's key lives in a file, not in the terminal (scrollback and screen shares keep it).
key_source="SENDGATE_BOOTSTRAP_API_KEY"
if [ -z "${SENDGATE_BOOTSTRAP_API_KEY:-}" ]; then
  [ -f data/bootstrap-api-key ] || (umask 077; node -e "console.log('sg_' + require('crypto').randomBytes(32).toString('base64url'))" > data/bootstrap-api-key)
  SENDGATE_BOOTSTRAP_API_KEY=$(cat data/bootstrap-api-key)
  key_source="data/bootstrap-api-key"
fi
export SENDGATE_BOOTSTRAP_API_KEY
# Keys for signed gate URIs and for secrets at rest: generated once, kept in data/ (keep them safe).
if [ -z "${SENDGATE_SIGNING_KEY:-}" ]; then
  [ -f data/signing-key ] || node -e "console.log(require('crypto').randomBytes(48).toString('base64url'))" > data/signing-key
  SENDGATE_SIGNING_KEY=$(cat data/signing-key)
fi
if [ -z "${SENDGATE_ENCRYPTION_KEYS:-}" ]; then
  [ -f data/encryption-keys ] || node -e "console.log('k' + Date.now().toString(36) + ':' + require('crypto').randomBytes(32).toString('base64'))" > data/encryption-keys
  SENDGATE_ENCRYPTION_KEYS=$(cat data/encryption-keys)
fi
export SENDGATE_SIGNING_KEY SENDGATE_ENCRYPTION_KEYS

pids=()
cleanup() {
  trap - INT TERM EXIT
  log "stopping…"
  # the API and the worker first, Temporal last: a draining worker still reports its activities to it
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap cleanup INT TERM EXIT

temporal_port=${TEMPORAL_ADDRESS##*:}
if wait_for_port 127.0.0.1 "$temporal_port" 1; then
  log "a Temporal server already answers on $TEMPORAL_ADDRESS: using it"
else
  log "starting the Temporal dev server (state in data/temporal.db)…"
  # shellcheck disable=SC2046
  "$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$temporal_port" --ui-port 8233 \
    --db-filename data/temporal.db --log-level warn $(dev_server_flags) >data/temporal.log 2>&1 &
  pids+=($!)
  wait_for_port 127.0.0.1 "$temporal_port" 60 || die "Temporal did not start; see data/temporal.log"
fi

npm run --silent migrate
node dist/apps/worker/src/main.js & pids+=($!)
node dist/apps/api/src/main.js & pids+=($!)
wait_for_port 127.0.0.1 "$PORT" 60 || die "the API did not start"

cat >&2 <<MSG

  Sendgate is running.
    API            http://127.0.0.1:$PORT/v1
    OpenAPI docs   http://127.0.0.1:$PORT/docs
    Temporal UI    http://127.0.0.1:8233
    Sandbox ESP    http://127.0.0.1:$PORT/sandbox/esp/messages
    API key        ${SENDGATE_BOOTSTRAP_API_KEY:0:10}… (the whole key: $key_source)
    Database       data/sendgate.sqlite (set DATABASE_URL=mysql://… for MySQL)

  Ctrl-C stops everything.
MSG
wait -n "${pids[@]}"
