# Sourced by the benchmark scripts: `. bench/throwaway_postgres.sh NAME` starts a throwaway
# PostgreSQL 15 cluster in a temporary directory /tmp/NAME.XXXXXX on a Unix socket only, with an
# empty database `news`, and defines:
#   work          the temporary directory (the script may keep files there)
#   psql          an array: psql against that cluster (add -d DB)
#   DATABASE_URL  exported, the `news` database
#   as_postgres   runs a command as the cluster's owner (PostgreSQL refuses root)
#   server_pid    set it to a started news-server's pid: it is killed on exit
# On exit the server, the cluster and the directory are removed.
pg_bin=/usr/lib/postgresql/15/bin
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
work="$(mktemp -d "/tmp/$1.XXXXXX")"
chmod 755 "$work"
mkdir -p "$work/run" "$work/pgdata"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/run" "$work/pgdata"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  [ -f "$work/pgdata/PG_VERSION" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pgdata" -m immediate \
    stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

as_postgres "$pg_bin/initdb" -D "$work/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  >/dev/null
as_postgres "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/run/postgres.log" -w start \
  -o "-k $work/run -p 5432 -c listen_addresses='' -c shared_buffers=256MB" >/dev/null
psql=("$pg_bin/psql" -h "$work/run" -p 5432 -U postgres -qtA -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE news" >/dev/null
export DATABASE_URL="postgresql:///news?host=$work/run&port=5432&user=postgres"
