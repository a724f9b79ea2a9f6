#!/usr/bin/env bash
# Run the whole suite on SpatiaLite and on a throwaway PostGIS cluster that is always torn down
# (normal exit, failure or Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."

pgroot=$(mktemp -d /tmp/gridwatch-pg.XXXXXX)
chmod 755 "$pgroot"  # the postgres user must reach the cluster directory inside
port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
cleanup() { scripts/pg_cluster.sh stop "$pgroot/cluster" || true; rm -rf "$pgroot"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

url=$(scripts/pg_cluster.sh start "$pgroot/cluster" "$port")
echo "test PostGIS: $url"
export GRIDWATCH_TEST_POSTGIS_URL="$url"
export GRIDWATCH_REQUIRE_POSTGIS=1

.venv/bin/ruff check .
workers=${GRIDWATCH_TEST_WORKERS:-2}
.venv/bin/pytest -n "$workers" --dist loadgroup "$@"
