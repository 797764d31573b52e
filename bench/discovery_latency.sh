#!/usr/bin/env bash
# Search and related-news latency at 100k articles (issue 4): a private PostgreSQL 15 in a
# temporary directory, `newsctl generate`, news-server, then discovery-latency calling
# SearchArticles and ListRelatedArticles one at a time. Prints the result line, the query plan
# of a search (it must use the GIN index, not a sequential scan), and appends the line with this
# command to docs/benchmarks.md.
#
# Usage: bench/discovery_latency.sh [--articles N] [--seed S] [--requests R] [--no-append]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
articles=100000
seed=42
requests=300
append=1
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) articles="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --requests) requests="$2"; shift ;;
    --no-append) append=0 ;;
    *) echo "usage: $0 [--articles N] [--seed S] [--requests R] [--no-append]" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/discovery_latency.sh --articles $articles --seed $seed --requests $requests"

. bench/throwaway_postgres.sh news-discovery-bench

echo "newsctl generate --articles=$articles --seed=$seed" >&2
build/server/newsctl generate --articles="$articles" --seed="$seed" >&2
"${psql[@]}" -d news -c "VACUUM ANALYZE" >/dev/null
max_id=$("${psql[@]}" -d news -c "SELECT max(id) FROM articles")

build/server/news-server --listen=127.0.0.1:0 --database_url="$DATABASE_URL" \
  >"$work/run/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'port [0-9]*' "$work/run/server.log" | head -1 | cut -d' ' -f2 || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/run/server.log" >&2; exit 1; }

result=$(build/bench/discovery-latency --target="127.0.0.1:$port" --requests="$requests" \
  --max_article_id="$max_id")
echo "$result"
echo "Plan of a search for 'ha noi':" >&2
"${psql[@]}" -d news -c "EXPLAIN SELECT id FROM articles a WHERE a.status = 'published' AND
  a.search_document @@ '''ha'' & ''noi'''::tsquery" >&2

if [ "$append" -eq 1 ]; then
  line="- Discovery at $articles generated articles, $(nproc) cores, $(date -u +%Y-%m-%d): $result. Command: \`$command_line\`"
  [ -f docs/benchmarks.md ] || printf '# Benchmarks\n\n' >docs/benchmarks.md
  printf '%s\n' "$line" >>docs/benchmarks.md
  echo "appended to docs/benchmarks.md" >&2
fi
