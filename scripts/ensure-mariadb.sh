#!/usr/bin/env bash
# Makes sure the local MariaDB answers on 127.0.0.1:3306 (starts it when it is installed but down).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
host=${MYSQL_HOST:-127.0.0.1} port=${MYSQL_PORT:-3306}
if wait_for_port "$host" "$port" 1; then exit 0; fi
if [ -x /usr/sbin/mariadbd ]; then
  log "starting MariaDB…"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for_port "$host" "$port" 60 || die "MariaDB did not open $host:$port within 60 s"
else
  die "no database answers on $host:$port; start MySQL 8 or MariaDB 10.11 there (root, empty password) to run the tests"
fi
