#!/usr/bin/env bash
# Re-records the workflow histories the replay test replays (test/replay/histories/), on a Temporal
# dev server and a MariaDB database of its own, with workers built from the current code.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

prepare_test_run
npm run --silent build >/dev/null
log "recording sendout histories…"
npx jest --runInBand --config test/replay/record-histories.jest.config.js "$@"
log "histories written to test/replay/histories/: review the diff, run the replay test, commit them"
