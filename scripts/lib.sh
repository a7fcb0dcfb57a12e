# Shared helpers for the Sendgate scripts (sourced, not run).
SENDGATE_CACHE="${SENDGATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sendgate}"
TEMPORAL_CLI_VERSION="v1.5.1"

log() { printf '\033[1;34m[sendgate]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[sendgate]\033[0m %s\n' "$*" >&2; exit 1; }

# Prints the path of a Temporal CLI: from PATH, from the cache, or built with `go install`.
temporal_cli() {
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return; fi
  local cached="$SENDGATE_CACHE/bin/temporal"
  if [ -x "$cached" ]; then echo "$cached"; return; fi
  if ! command -v go >/dev/null 2>&1; then
    die "the Temporal CLI is not installed and Go is not available to build it. Install it (https://docs.temporal.io/cli) or install Go, then run this again."
  fi
  log "building the Temporal CLI $TEMPORAL_CLI_VERSION with go install (once; cached in $SENDGATE_CACHE/bin)…"
  mkdir -p "$SENDGATE_CACHE/bin"
  CGO_ENABLED=0 GOBIN="$SENDGATE_CACHE/bin" go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION" >&2 \
    || die "go install of the Temporal CLI failed"
  echo "$cached"
}

# Waits until host:port accepts TCP connections, up to $3 seconds.
wait_for_port() {
  local host=$1 port=$2 timeout=${3:-60} i
  for ((i = 0; i < timeout * 5; i++)); do
    (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# A TCP port free on 127.0.0.1 now (for a dev server of a benchmark or the screenshots).
free_port() {
  node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# The flags of `temporal server start-dev` (search attributes, eager activities): one list, in
# workflows/search-attributes.ts, read from the build.
dev_server_flags() {
  node -e "console.log(require('./dist/workflows/search-attributes').DEV_SERVER_FLAGS.join(' '))"
}

# Installs npm packages when package-lock.json changed since the last install.
ensure_node_modules() {
  local stamp=node_modules/.sendgate-lock
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    log "installing npm packages…"
    # npm install (not ci): it honours the lock, and tolerates the lock lacking other platforms' optional packages
    npm install --no-audit --no-fund >&2 || die "npm install failed"
    cp package-lock.json "$stamp"
  fi
}

# What a test run needs before anything runs: npm packages, the Temporal CLI (exported for the
# tests' global setup as SENDGATE_TEMPORAL_CLI) and a running MariaDB.
prepare_test_run() {
  ensure_node_modules
  SENDGATE_TEMPORAL_CLI=$(temporal_cli)
  export SENDGATE_TEMPORAL_CLI
  scripts/ensure-mariadb.sh
}
