#!/usr/bin/env bash
# The project-local PostgreSQL 15 cluster used when no DATABASE_URL is given.
#   scripts/local-postgres.sh start   create (once) and start it; prints shell assignments
#                                     DATABASE_URL=... and NEWS_DB_CREATED=0|1
#   scripts/local-postgres.sh stop    stop it
# Data lives in .local/postgres (git-ignored). PostgreSQL refuses to run as root, so as root the
# cluster belongs to the unprivileged 'postgres' system user.
set -euo pipefail
cd "$(dirname "$0")/.."
root_dir="$PWD/.local/postgres"
data_dir="$root_dir/data"
socket_dir="$root_dir/run"
port="${NEWS_PG_PORT:-54329}"
bin=/usr/lib/postgresql/15/bin

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The postgres user must be able to reach the project directory.
grant_traverse() {
  [ "$(id -u)" -eq 0 ] || return 0
  local dir="$PWD"
  while [ "$dir" != "/" ]; do
    if ! runuser -u postgres -- test -x "$dir"; then
      echo "local-postgres: granting o+x on $dir so that the postgres user can reach the cluster" >&2
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}

start() {
  mkdir -p "$socket_dir"
  grant_traverse
  [ "$(id -u)" -eq 0 ] && chown postgres: "$root_dir" "$socket_dir"
  local created=0
  if [ ! -f "$data_dir/PG_VERSION" ]; then
    as_owner "$bin/initdb" -D "$data_dir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    created=1
  fi
  if ! as_owner "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    as_owner "$bin/pg_ctl" -D "$data_dir" -l "$root_dir/postgres.log" -w start \
      -o "-k $socket_dir -p $port -c listen_addresses=127.0.0.1" >/dev/null
  fi
  local psql=("$bin/psql" -h "$socket_dir" -p "$port" -U postgres -qtA)
  if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'news'")" != 1 ]; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE news" >/dev/null
    created=1
  fi
  echo "DATABASE_URL='postgresql:///news?host=$socket_dir&port=$port&user=postgres'"
  echo "NEWS_DB_CREATED=$created"
}

stop() {
  [ -f "$data_dir/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data_dir" -m fast stop || true
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
