#!/usr/bin/env bash
# The benchmark suite (issue 5): on this machine, in one run,
#   1. a private PostgreSQL 15 in a temporary directory, filled by `newsctl generate`;
#   2. two references at the same concurrency: news-reference-server (bare gRPC, a fixed Article
#      the size of an average real one) driven by news-load, and pgbench -M prepared running the
#      SELECT news-server runs for GetArticle (read from PostgreSQL's statement log, so it
#      is exactly the server's), plus pgbench inserting one comment row;
#   3. news-server under news-load: every RPC alone, then the mobile mix closed loop and open loop
#      at 70% of the closed-loop rate;
#   4. the results, between the markers in docs/benchmarks.md (text outside them is kept).
#
# Usage: bench/run.sh [--quick] [--articles N] [--comments M] [--seed S] [--concurrency C]
#                     [--duration 10s] [--warmup 2s] [--server-flags "--db_pool_size=8"]
#                     [--no-build] [--output FILE]
#   --quick        10k articles, 100k comments, 3 s per measurement (about two minutes)
#   --no-build     use the binaries already in build/
# Needs the Debian packages of scripts/install-deps.sh (postgresql-15 brings pgbench).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

articles=100000
comments=1000000
seed=42
concurrency=32
connections=2
duration=10s
warmup=2s
build=1
output="$repo/docs/benchmarks.md"
server_flags=""
quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; articles=10000; comments=100000; duration=3s; warmup=1s ;;
    --articles) articles="$2"; shift ;;
    --comments) comments="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --server-flags) server_flags="$2"; shift ;;
    --no-build) build=0 ;;
    --output) output="$2"; shift ;;
    *) sed -n '2,18p' "$0" >&2; exit 2 ;;
  esac
  shift
done
duration_seconds="${duration%s}"
pg_bin=/usr/lib/postgresql/15/bin
pgbench="$pg_bin/pgbench"
[ -x "$pgbench" ] || pgbench="$(command -v pgbench)"

if [ "$build" = 1 ]; then
  cmake -S . -B build >/dev/null
  cmake --build build -j"$(nproc)" --target news-server newsctl news-load news-reference-server
fi
newsctl="$repo/build/server/newsctl"
server_bin="$repo/build/server/news-server"
load="$repo/build/tools/news-load"
reference_bin="$repo/build/bench/news-reference-server"
if ! grep -q 'generate' <<<"$("$newsctl" 2>&1 || true)"; then
  echo "bench/run.sh: this newsctl has no 'generate' command yet (the synthetic corpus" \
    "generator); build a tree that has it" >&2
  exit 1
fi

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

work="$(mktemp -d /tmp/news-bench.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/run" "$work/results"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/run"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/pgdata/PG_VERSION" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pgdata" -m immediate \
    stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

# 1. PostgreSQL on a Unix socket only, durable commits (synchronous_commit on, the default).
log "PostgreSQL in $work"
pg_port=5432
mkdir -p "$work/pgdata"
[ "$(id -u)" -eq 0 ] && chown postgres: "$work/pgdata"
as_postgres "$pg_bin/initdb" -D "$work/pgdata" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
  >/dev/null
as_postgres touch "$work/run/postgres.log"
as_postgres "$pg_bin/pg_ctl" -D "$work/pgdata" -l "$work/run/postgres.log" -w start \
  -o "-k $work/run -p $pg_port -c listen_addresses='' -c shared_buffers=256MB -c max_connections=200" \
  >/dev/null
psql=("$pg_bin/psql" -h "$work/run" -p "$pg_port" -U postgres -qtA -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE news" >/dev/null
export DATABASE_URL="postgresql:///news?host=$work/run&port=$pg_port&user=postgres"

log "newsctl generate --articles=$articles --comments=$comments --seed=$seed"
generate_start=$(date +%s)
"$newsctl" migrate >/dev/null
"$newsctl" generate --articles="$articles" --comments="$comments" --seed="$seed" >&2
generate_seconds=$(( $(date +%s) - generate_start ))
"${psql[@]}" -d news -c "VACUUM ANALYZE" >/dev/null
published=$("${psql[@]}" -d news -c "SELECT count(*) FROM articles WHERE status = 'published'")
comment_rows=$("${psql[@]}" -d news -c "SELECT count(*) FROM comments")

# A TCP port nobody listens on.
free_port() {
  local port
  while :; do
    port=$(( 20000 + RANDOM % 30000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

start_news_server() {
  rm -f "$work/run/server.port"
  # news-load names a new reader's address in x-forwarded-for on every call; trusting it as a
  # proxy applies the per-network comment rules as to many readers, not to one machine.
  "$server_bin" --listen=127.0.0.1:0 --port_file="$work/run/server.port" --metrics_listen= \
    --log_level=warn --trusted_proxies=127.0.0.1/32 $server_flags "$@" \
    >"$work/run/server.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  for _ in $(seq 100); do
    [ -s "$work/run/server.port" ] && break
    sleep 0.1
  done
  server_port=$(cat "$work/run/server.port")
}

# run_load NAME ARGS...: one news-load run against $target (named $target_name); the table
# goes to results/NAME.
run_load() {
  local name="$1"
  shift
  log "news-load $name: $*"
  "$load" --target="$target" --connections="$connections" --duration="$duration" \
    --warmup="$warmup" --connect_timeout=30s "$@" >"$work/results/$name"
  cat "$work/results/$name" >&2
  [ -r "/proc/${server_pid:-0}/status" ] && log "news-server RSS after $name:" \
    "$(awk '/VmRSS|VmHWM/ { printf "%s %d MB ", $1, $2 / 1024 }' "/proc/$server_pid/status")"
  echo "news-load --connections=$connections --duration=$duration --warmup=$warmup $*" \
    "  # against $target_name" >"$work/results/$name.command"
}

# field NAME COLUMN: a column of the total row of results/NAME (2 count, 3 calls/s, 4 errors,
# 5 p50 ms, 6 p90, 7 p99, 8 p99.9, 9 max, 10 bytes).
field() { awk -v column="$2" '$1 == "total" { print $column }' "$work/results/$1"; }

start_news_server
target="127.0.0.1:$server_port"
target_name=news-server

# 2b. The server's own GetArticle SQL: log the statements of a few calls.
"${psql[@]}" -d news -c "ALTER SYSTEM SET log_statement = 'all'" -c "SELECT pg_reload_conf()" \
  >/dev/null
sleep 0.5
"$load" --target="$target" --mix=get --concurrency=1 --max_requests=20 --warmup=0s \
  --duration=30s --connect_timeout=30s >"$work/results/probe"
"${psql[@]}" -d news -c "ALTER SYSTEM RESET log_statement" -c "SELECT pg_reload_conf()" >/dev/null
statement_sql() {
  grep -m1 "execute $1: " "$work/run/postgres.log" | sed "s/.*execute $1: //"
}
by_id_sql=$(statement_sql article_by_id)
if [ -z "$by_id_sql" ]; then
  echo "bench/run.sh: did not find GetArticle's statement (article_by_id) in the PostgreSQL" \
    "log" >&2
  exit 1
fi

# 3. news-server, one RPC at a time, then the mobile mix.
deep_offset=$(( published > 100100 ? 100000 : published - 100 ))
mix="get=70,list=20,related=5,comments=4,create_comment=1"
c="--concurrency=$concurrency"
run_load get_zipf --mix=get --zipf=1.1 "$c"
run_load get_uniform --mix=get --discover_ids="$published" "$c"
run_load list_first --mix=list "$c"
run_load list_deep --mix=list_deep --deep_offset="$deep_offset" "$c"
run_load related --mix=related --zipf=1.1 "$c"
run_load search --mix=search "$c"
run_load search_single --mix=search --concurrency=1
run_load comments --mix=comments --zipf=1.1 "$c"
run_load create_comment --mix=create_comment "$c"
run_load mix_closed --mix="$mix" --zipf=1.1 "$c"
mix_max=$(field mix_closed 3)
mix_rps=$(awk -v rate="$mix_max" 'BEGIN { printf "%.0f", rate * 0.7 }')
run_load mix_open --mix="$mix" --zipf=1.1 --rps="$mix_rps"
server_rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
article_bytes=$(printf '%.0f' "$(field get_zipf 10)")
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true

# GetArticle and the first feed page again with the caches off.
start_news_server --article_cache_entries=0 --feed_cache_entries=0 --search_cache_entries=0
target="127.0.0.1:$server_port"
target_name="news-server --article_cache_entries=0 --feed_cache_entries=0 --search_cache_entries=0"
run_load get_zipf_no_cache --mix=get --zipf=1.1 "$c"
run_load list_first_no_cache --mix=list "$c"
run_load search_no_cache --mix=search "$c"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true

# And with entries never refreshed in the background: after an article's first read every call
# hits, which isolates the cost of the hit path.
start_news_server --article_cache_refresh_ms=3600000
target="127.0.0.1:$server_port"
target_name="news-server --article_cache_refresh_ms=3600000"
run_load get_zipf_long_ttl --mix=get --zipf=1.1 "$c"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true

# 2a. The bare gRPC reference, with the same concurrency and payload.
"$reference_bin" --article_bytes="$article_bytes" >"$work/run/reference.port" &
reference_pid=$!
pids+=("$reference_pid")
for _ in $(seq 100); do
  [ -s "$work/run/reference.port" ] && break
  sleep 0.1
done
target="127.0.0.1:$(cat "$work/run/reference.port")"
target_name=news-reference-server
run_load reference_grpc --mix=get --zipf=1.1 "$c"
reference_rss_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$reference_pid/status")
kill "$reference_pid"
wait "$reference_pid" 2>/dev/null || true

# 2b. pgbench -M prepared, same number of clients: GetArticle's statement (the article and its
# neighbours) per transaction, with the id of a random published article looked up first (a
# primary-key read).
"${psql[@]}" -d news -c "DROP TABLE IF EXISTS bench_get_keys" -c "CREATE UNLOGGED TABLE \
  bench_get_keys AS SELECT row_number() OVER () AS k, id, category_id, \
  (extract(epoch FROM publish_time) * 1000000)::bigint AS micros FROM articles \
  WHERE status = 'published'" -c "ALTER TABLE bench_get_keys ADD PRIMARY KEY (k)" \
  -c "ANALYZE bench_get_keys" >/dev/null
by_id_pgbench=${by_id_sql//\$1/:id}
cat >"$work/get_article.sql" <<EOF
\\set k random(1, $published)
SELECT id FROM bench_get_keys WHERE k = :k \\gset
$by_id_pgbench;
EOF
cat >"$work/insert_comment.sql" <<EOF
\\set article random(1, $published)
\\set unique random(1, 1000000000000)
INSERT INTO comments (article_id, client_id, request_id, author_name, body, body_key_sha256, state) SELECT id, 'pgbench-' || :client_id, 'pgbench-' || :unique, 'Bạn đọc thử tải', 'Bình luận thử tải số ' || :unique, md5(:unique::text), 'pending' FROM bench_get_keys WHERE k = :article;
EOF
[ "$(id -u)" -eq 0 ] && chmod 644 "$work"/*.sql
# run_pgbench NAME SCRIPT: transactions per second, p50 and p99 in ms from the per-transaction log.
run_pgbench() {
  local name="$1" script="$2"
  log "pgbench $name"
  mkdir -p "$work/pgbench-$name"
  (cd "$work/pgbench-$name" && "$pgbench" -n -M prepared -c "$concurrency" -j 2 \
    -T "$duration_seconds" -l -f "$script" -h "$work/run" -p "$pg_port" -U postgres news \
    >"$work/results/pgbench_$name" 2>&1)
  cat "$work/results/pgbench_$name" >&2
  echo "pgbench -n -M prepared -c $concurrency -j 2 -T $duration_seconds -l -f $(basename "$script")" \
    >"$work/results/pgbench_$name.command"
  local tps
  tps=$(awk '/^tps = / { printf "%.1f", $3; exit }' "$work/results/pgbench_$name")
  # Log lines: client transaction latency_us script epoch epoch_us.
  cat "$work/pgbench-$name"/pgbench_log.* | awk '{ print $3 }' | sort -n >"$work/latencies"
  local n
  n=$(wc -l <"$work/latencies")
  local p50 p99
  p50=$(awk -v n="$n" 'NR == int(n * 0.50 + 0.5) { printf "%.3f", $1 / 1000 }' "$work/latencies")
  p99=$(awk -v n="$n" 'NR == int(n * 0.99 + 0.5) { printf "%.3f", $1 / 1000 }' "$work/latencies")
  echo "$tps $p50 $p99" >"$work/results/pgbench_$name.summary"
}
run_pgbench get_article "$work/get_article.sql"
run_pgbench insert_comment "$work/insert_comment.sql"

# 4. The report.
pg_get_tps=$(awk '{ print $1 }' "$work/results/pgbench_get_article.summary")
pg_insert_tps=$(awk '{ print $1 }' "$work/results/pgbench_insert_comment.summary")
grpc_tps=$(field reference_grpc 3)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
verdict() { awk -v value="$1" -v op="$2" -v limit="$3" 'BEGIN {
  ok = (op == ">=") ? value >= limit : value <= limit; print ok ? "met" : "**missed**" }'; }

row() {  # row LABEL NAME REFERENCE_TPS REFERENCE_LABEL
  local tps
  tps=$(field "$2" 3)
  printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$tps" "$(field "$2" 5)" "$(field "$2" 7)" \
    "$(field "$2" 4)" "${3:+$(ratio "$tps" "$3") × $4}"
}

get_warm_ratio=$(ratio "$(field get_zipf 3)" "$grpc_tps")
get_cold_ratio=$(ratio "$(field get_zipf_no_cache 3)" "$pg_get_tps")
mix_closed_ratio=$(ratio "$(field mix_closed 3)" "$grpc_tps")
deep_ratio=$(ratio "$(field list_deep 5)" "$(field list_first_no_cache 5)")
mix_tail_ratio=$(ratio "$(field mix_open 7)" "$(field mix_open 5)")
comment_ratio=$(ratio "$(field create_comment 3)" "$pg_insert_tps")
search_ratio=$(awk -v a="$(field search 3)" -v b="$grpc_tps" 'BEGIN { printf "%.3f", a / b }')
server_rss_mb=$(( server_rss_kb / 1024 ))

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
report="$work/report.md"
{
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')$([ "$quick" = 1 ] && echo ' (--quick)')"
  echo
  echo "- Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1))," \
    "$(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo) RAM," \
    "Linux $(uname -r); load generator, server and PostgreSQL share it."
  echo "- Versions: commit $commit; $(c++ --version | head -1);" \
    "gRPC $(pkg-config --modversion grpc++ 2>/dev/null || echo '?');" \
    "$(protoc --version); $("$pg_bin/postgres" --version)."
  echo "- Data: \`newsctl generate --articles=$articles --comments=$comments --seed=$seed\`" \
    "($published published articles, $comment_rows comments, ${generate_seconds} s);" \
    "PostgreSQL with shared_buffers=256MB, synchronous_commit on."
  echo "- Load: news-load closed loop with $concurrency calls in flight over $connections" \
    "connections, $warmup warm-up then $duration measured per line; Zipf 1.1 over the newest" \
    "10000 articles where marked; latency includes failed calls. Average GetArticle response:" \
    "$article_bytes bytes (the reference server returns an Article of that size)."
  echo "- news-server: \`news-server --listen=127.0.0.1:0 --metrics_listen= --log_level=warn" \
    "--trusted_proxies=127.0.0.1/32 $server_flags\` (news-load names a new reader's address in" \
    "x-forwarded-for on every call), other flags at their defaults (\`news-server --help\`), which" \
    "include the caches (10000 articles, 1000 first feed pages, 10000 related lists and 10000" \
    "searches, each served for at most 5 min, invalidated by the change log and re-read in the" \
    "background when read after 5 s);" \
    "\"cache off\" is \`--article_cache_entries=0 --feed_cache_entries=0" \
    "--search_cache_entries=0\`."
  echo
  echo "| Measurement | calls/s | p50 ms | p99 ms | errors | ratio |"
  echo "|---|---:|---:|---:|---:|---|"
  row "Reference: bare gRPC server, fixed Article" reference_grpc
  echo "| Reference: pgbench, GetArticle's SELECT (+1 key lookup) | $pg_get_tps |" \
    "$(awk '{ print $2 " | " $3 }' "$work/results/pgbench_get_article.summary") | 0 | |"
  echo "| Reference: pgbench, INSERT one comment row | $pg_insert_tps |" \
    "$(awk '{ print $2 " | " $3 }' "$work/results/pgbench_insert_comment.summary") | 0 | |"
  row "GetArticle, Zipf 1.1, cache on" get_zipf "$grpc_tps" "gRPC ref"
  row "GetArticle, Zipf 1.1, cache on, no background refresh (hit path only)" get_zipf_long_ttl \
    "$grpc_tps" "gRPC ref"
  row "GetArticle, Zipf 1.1, cache off" get_zipf_no_cache "$grpc_tps" "gRPC ref"
  row "GetArticle, Zipf 1.1, cache off, vs pgbench" get_zipf_no_cache "$pg_get_tps" "pgbench"
  row "GetArticle, uniform over all articles, cache on" get_uniform "$grpc_tps" "gRPC ref"
  row "ListArticles, first page (20), cache on" list_first
  row "ListArticles, first page (20), cache off" list_first_no_cache
  row "ListArticles, $deep_offset items deep" list_deep
  row "ListRelatedArticles, Zipf 1.1" related
  row "SearchArticles, two title words" search "$grpc_tps" "gRPC ref"
  row "SearchArticles, two title words, one call at a time" search_single
  row "SearchArticles, two title words, cache off" search_no_cache "$grpc_tps" "gRPC ref"
  row "ListComments, Zipf 1.1" comments
  row "CreateComment" create_comment "$pg_insert_tps" "pgbench INSERT"
  row "Mobile mix ($mix), closed loop" mix_closed
  row "Mobile mix, open loop at $mix_rps calls/s (70%)" mix_open
  echo
  echo "Peak RSS (VmHWM): news-server ${server_rss_mb} MB; reference server" \
    "$(( reference_rss_kb / 1024 )) MB."
  echo
  echo "| Target | Measured | Verdict |"
  echo "|---|---|---|"
  echo "| GetArticle, warm cache >= 0.9× bare gRPC | ${get_warm_ratio}× |" \
    "$(verdict "$get_warm_ratio" ">=" 0.9) |"
  echo "| GetArticle, cache off >= 1.0× pgbench of its statement | ${get_cold_ratio}× |" \
    "$(verdict "$get_cold_ratio" ">=" 1.0) |"
  echo "| Mobile mix closed loop >= 0.6× bare gRPC | ${mix_closed_ratio}× |" \
    "$(verdict "$mix_closed_ratio" ">=" 0.6) |"
  echo "| ListArticles deep p50 <= 1.3× first page (cache off; at 1M articles) | ${deep_ratio}× at" \
    "$deep_offset deep of $published | $(verdict "$deep_ratio" "<=" 1.3) |"
  echo "| Mobile mix open loop at 70%: zero errors, p99 <= 4× p50 | $(field mix_open 4)" \
    "errors, p99 = ${mix_tail_ratio}× p50 | $([ "$(field mix_open 4)" = 0 ] &&
      verdict "$mix_tail_ratio" "<=" 4 || echo '**missed**') |"
  echo "| SearchArticles >= 0.05× bare gRPC, p99 <= 100 ms (32 in flight); one at a time p99 <=" \
    "20 ms (at 1M articles) | ${search_ratio}×, p99 $(field search 7) ms; one at a time p99" \
    "$(field search_single 7) ms | $([ "$(verdict "$search_ratio" ">=" 0.05)" = met ] &&
      [ "$(verdict "$(field search 7)" "<=" 100)" = met ] && verdict "$(field search_single 7)" \
      "<=" 20 || echo '**missed**') |"
  echo "| CreateComment >= 0.5× pgbench INSERT | ${comment_ratio}× |" \
    "$(verdict "$comment_ratio" ">=" 0.5) |"
  echo "| Server RSS <= 256 MB (at 1M articles) | ${server_rss_mb} MB at $published |" \
    "$(verdict "$server_rss_mb" "<=" 256) |"
  echo
  echo "<details><summary>Commands and raw output</summary>"
  echo
  echo '```'
  for name in reference_grpc get_zipf get_zipf_long_ttl get_zipf_no_cache get_uniform list_first list_first_no_cache list_deep related search search_single \
    search_no_cache comments create_comment mix_closed mix_open; do
    echo "\$ $(cat "$work/results/$name.command")"
    cat "$work/results/$name"
    echo
  done
  for name in get_article insert_comment; do
    echo "\$ $(cat "$work/results/pgbench_$name.command")"
    grep -E '^(number of (clients|transactions)|latency average|tps)' \
      "$work/results/pgbench_$name" || true
    echo
  done
  echo "get_article.sql:"
  cat "$work/get_article.sql"
  echo '```'
  echo
  echo "</details>"
} >"$report"

begin='<!-- bench/run.sh results: begin (generated; edit outside these markers) -->'
end='<!-- bench/run.sh results: end -->'
if [ ! -f "$output" ]; then
  printf '# Benchmarks\n\nHow to reproduce: `bench/run.sh` (see README.md, "Load testing and benchmarks").\n\n%s\n%s\n' \
    "$begin" "$end" >"$output"
fi
if ! grep -qF "$begin" "$output"; then printf '\n%s\n%s\n' "$begin" "$end" >>"$output"; fi
awk -v begin="$begin" -v end="$end" -v report="$report" '
  $0 == begin { print; while ((getline line < report) > 0) print line; skipping = 1; next }
  $0 == end { skipping = 0 }
  !skipping { print }' "$output" >"$output.new"
mv "$output.new" "$output"
log "wrote $output"
cat "$report"
