#!/usr/bin/env bash
# Runs every test tier in one Jest run (jest.config.js: unit, activity, db, e2e), so the last line
# counts them all: `tests: N passed, N failed`. The e2e tier runs workers from dist/, hence the
# build; the other tiers run from source (`npm run test:unit` and friends need no build).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

prepare_test_run
log "type-checking, linting and building…"
npx tsc -p tsconfig.json --noEmit
npx eslint .
npx prettier --check . >/dev/null || die "files are not formatted: run npx prettier --write ."
npm run --silent build >/dev/null
log "running the tests: unit, activity, db (SQLite and MariaDB), e2e…"
npx jest --runInBand "$@"
