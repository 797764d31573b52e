#!/usr/bin/env bash
# Cache coherence across instances (issue 13): a private PostgreSQL 15 in a temporary directory,
# `newsctl generate`, two news-server instances on it, then cache-coherence committing title
# changes of one article and reading it on both instances until both serve the change: once while
# the change-log followers listen, once with their sessions terminated just before each change.
# The instances keep entries an hour and never refresh them, so only invalidation shows a change.
# Prints the two result lines and appends them, with this command, to docs/benchmarks.md.
#
# Usage: bench/cache_coherence.sh [--articles N] [--changes C] [--no-append]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=1000
changes=200
append=1
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) articles="$2"; shift ;;
    --changes) changes="$2"; shift ;;
    --no-append) append=0 ;;
    *) echo "usage: $0 [--articles N] [--changes C] [--no-append]" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/cache_coherence.sh --articles $articles --changes $changes"

. bench/throwaway_postgres.sh news-coherence-bench
second_pid=""
trap '[ -n "$second_pid" ] && kill "$second_pid" && wait "$second_pid"; cleanup' EXIT

echo "newsctl generate --articles=$articles" >&2
build/server/newsctl generate --articles="$articles" --comments=0 >&2

# start_instance NAME: starts news-server, logging to $work/run/NAME.log, in this shell (so
# that the cleanup can wait for it); sets started_pid and started_port.
start_instance() {
  build/server/news-server --listen=127.0.0.1:0 --port_file="$work/run/$1.port" \
    --database_url="$DATABASE_URL" --metrics_listen= --log_level=warn \
    --article_cache_ttl_ms=3600000 --article_cache_refresh_ms=3600000 \
    >"$work/run/$1.log" 2>&1 &
  started_pid=$!
  for _ in $(seq 1 100); do
    [ -s "$work/run/$1.port" ] && { started_port=$(cat "$work/run/$1.port"); return; }
    sleep 0.1
  done
  cat "$work/run/$1.log" >&2
  exit 1
}
start_instance a
server_pid=$started_pid
port_a=$started_port
start_instance b
second_pid=$started_pid
port_b=$started_port

run() {
  build/bench/cache-coherence --targets="127.0.0.1:$port_a,127.0.0.1:$port_b" \
    --database_url="$DATABASE_URL" --changes="$changes" "$@"
}
listening=$(run)
echo "$listening"
killed=$(run --kill_listeners)
echo "$killed"

if [ "$append" -eq 1 ]; then
  load=$(cut -d' ' -f1 /proc/loadavg)
  line="- Cache coherence (issue 13), two instances on one database of $articles generated articles, $(nproc) cores shared (load average $load), $(date -u +%Y-%m-%d): $listening; $killed. Command: \`$command_line\`"
  printf '%s\n' "$line" >>docs/benchmarks.md
  echo "appended to docs/benchmarks.md" >&2
fi
