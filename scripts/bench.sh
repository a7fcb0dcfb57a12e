#!/usr/bin/env bash
# Runs the benchmarks on their own Temporal dev server and fresh MariaDB databases. Every bench of the
# run merges its figures into one JSON file (BENCH_RESULTS, default bench/results/latest.json).
# BENCHES picks which; the 1,000,000-contact one is not among the defaults: BENCHES=million.
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
BENCH_TEMPORAL_PID=$temporal_pid # the benches count its CPU
BENCH_RESULTS=$(realpath -m "${BENCH_RESULTS:-bench/results/latest.json}")
BENCH_RUN_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BENCH_TEMPORAL_CLI_VERSION=$("$TEMPORAL" --version 2>/dev/null | head -1 || true)
export BENCH_RESULTS BENCH_RUN_AT BENCH_TEMPORAL_CLI_VERSION BENCH_TEMPORAL_PID
for bench in ${BENCHES:-sendout gate accept download feedback esp-callbacks email journey}; do
  TEMPORAL_ADDRESS=127.0.0.1:$port node "dist/bench/$bench.bench.js"
  echo
done
