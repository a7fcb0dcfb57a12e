#!/usr/bin/env bash
# Runs every test against a real Temporal dev server and real databases (MariaDB/MySQL and SQLite).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node_modules
SENDGATE_TEMPORAL_CLI=$(temporal_cli)
export SENDGATE_TEMPORAL_CLI
scripts/ensure-mariadb.sh
log "type-checking, linting and building…"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npm run --silent build >/dev/null
log "running the tests…"
npx jest --runInBand "$@"
