#!/usr/bin/env bash
# Regenerates docs/screenshots/ (the README's "Operating Sendgate"): its own Temporal dev server with
# the Web UI and a fresh MariaDB database, Debian's chromium headless (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules
command -v "${CHROMIUM:-chromium}" >/dev/null || die "needs Debian's chromium: apt-get install chromium (or set CHROMIUM)"
TEMPORAL=$(temporal_cli)
scripts/ensure-mariadb.sh
npm run --silent build >/dev/null

workdir=$(mktemp -d)
port=$(free_port)
ui_port=$(free_port)
# shellcheck disable=SC2046
"$TEMPORAL" server start-dev --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" --http-port "$(free_port)" --metrics-port "$(free_port)" \
  --db-filename "$workdir/temporal.db" --log-level error $(dev_server_flags) >"$workdir/temporal.log" 2>&1 &
temporal_pid=$!
trap 'kill $temporal_pid 2>/dev/null; wait $temporal_pid 2>/dev/null; rm -rf "$workdir"' EXIT
wait_for_port 127.0.0.1 "$port" 60 || die "Temporal did not start"
wait_for_port 127.0.0.1 "$ui_port" 60 || die "the Temporal Web UI did not start"
TEMPORAL_ADDRESS=127.0.0.1:$port TEMPORAL_UI=http://127.0.0.1:$ui_port CHROMIUM=$(command -v "${CHROMIUM:-chromium}") \
  node dist/scripts/screenshots.js
log "screenshots written to docs/screenshots/: review them and commit"
