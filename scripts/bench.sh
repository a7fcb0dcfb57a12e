#!/usr/bin/env bash
# Runs the 100,000-contact benchmark on its own Temporal dev server and a fresh MariaDB database.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules
TEMPORAL=$(temporal_cli)
scripts/ensure-mariadb.sh
npm run --silent build >/dev/null

workdir=$(mktemp -d)
port=$(free_port)
# shellcheck disable=SC2046
"$TEMPORAL" server start-dev --headless --ip 127.0.0.1 --port "$port" --http-port "$(free_port)" --metrics-port "$(free_port)" \
  --db-filename "$workdir/temporal.db" --log-level error $(dev_server_flags) >"$workdir/temporal.log" 2>&1 &
temporal_pid=$!
trap 'kill $temporal_pid 2>/dev/null; wait $temporal_pid 2>/dev/null; rm -rf "$workdir"' EXIT
wait_for_port 127.0.0.1 "$port" 60 || die "Temporal did not start"
sleep 2
for bench in ${BENCHES:-sendout gate accept download feedback esp-callbacks email journey}; do
  TEMPORAL_ADDRESS=127.0.0.1:$port node "dist/bench/$bench.bench.js"
  echo
done
