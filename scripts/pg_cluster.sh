#!/usr/bin/env bash
# A throwaway PostGIS cluster for tests: `pg_cluster.sh start DIR PORT` prints the database URL;
# `pg_cluster.sh stop DIR` tears it down and removes DIR. PostgreSQL refuses to run as root,
# so everything runs as the `postgres` OS user the Debian package creates.
set -euo pipefail
export PATH="/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"
cmd=${1:?usage: pg_cluster.sh start|stop DIR [PORT]}
dir=${2:?data directory}
port=${3:-55432}

as_pg() { runuser -u postgres -- "$@"; }

postmaster_alive() {
  # A killed postmaster can linger as a zombie and still look alive to pg_ctl status.
  local pidfile="$dir/data/postmaster.pid" pid state
  [ -f "$pidfile" ] || return 1
  pid=$(head -n1 "$pidfile")
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [ -n "$state" ] && [[ "$state" != Z* ]]
}

case "$cmd" in
start)
  mkdir -p "$dir"
  chmod 755 "$dir"
  chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_pg initdb -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if ! postmaster_alive; then
    rm -f "$dir/data/postmaster.pid" "$dir/.s.PGSQL.$port" "$dir/.s.PGSQL.$port.lock"
    as_pg pg_ctl -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  fi
  if ! as_pg psql -h "$dir" -p "$port" -d postgres -Atqc "SELECT 1 FROM pg_database WHERE datname='gridwatch_test'" | grep -q 1; then
    as_pg createdb -h "$dir" -p "$port" gridwatch_test
    as_pg psql -h "$dir" -p "$port" -d gridwatch_test -qc "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
  fi
  echo "postgresql+psycopg://postgres@/gridwatch_test?host=$dir&port=$port"
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_pg pg_ctl -D "$dir/data" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  echo "usage: pg_cluster.sh start|stop DIR [PORT]" >&2; exit 2 ;;
esac
