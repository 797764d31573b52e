#!/usr/bin/env bash
# Fault drills on the scripts/cluster.sh topology (docs/scaling.md, "Drills"), loopback only,
# about four minutes. Each drill runs news-load with the sample client's retry policy: a writer
# posting comments (a create whose outcome is unknown is sent again with the same request_id
# until acknowledged) and an open-loop reader (GetArticle, ListArticles, ListComments).
#
#   scripts/cluster-drills.sh [DRILL...]   DRILL: node-loss postmaster switchover cache lag
#                                          (default: all)
#
# Prints one line of figures per drill and exits non-zero when a drill's guarantee failed:
# an acknowledged comment missing, a comment stored twice, a failed read where the drill
# promises none, or a cache entry stale beyond its bound. The topology lives in a temporary
# directory on its own ports (NEWS_CLUSTER_PORT_BASE, default 16400) and is torn down at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
build="${NEWS_BUILD_DIR:-$repo/build}"
export NEWS_BUILD_DIR="$build"
export NEWS_CLUSTER_PORT_BASE="${NEWS_CLUSTER_PORT_BASE:-16400}"
export NEWS_CLUSTER_DIR="${NEWS_DRILL_DIR:-$(mktemp -d /tmp/news-drills.XXXXXX)}"
work="$NEWS_CLUSTER_DIR/drills"
load_seconds="${NEWS_DRILL_LOAD_SECONDS:-45}"
drills=("$@")
[ ${#drills[@]} -gt 0 ] || drills=(node-loss postmaster switchover cache lag)
failures=0

cluster() { scripts/cluster.sh "$@"; }
cleanup() { cluster down >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! cluster up >/dev/null; then
  trap 'cluster down --keep >/dev/null 2>&1 || true' EXIT
  echo "drills: the topology did not come up; logs in $NEWS_CLUSTER_DIR (kept)"
  exit 1
fi
eval "$(cluster env)"
mkdir -p "$work"
pg_ports=($NEWS_CLUSTER_PG_PORTS)
target="ipv4:$NEWS_TARGETS"

# psql on the current leader.
leader_psql() {
  local name
  name="$(cluster leader)"
  /usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "${pg_ports[$((${name#node} - 1))]}" \
    -U postgres -d news -qtAX "$@"
}

now_ms() { date +%s%3N; }

# Starts the writer and the reader for `seconds`; their completions go to $1.{w,r}.tsv.
start_load() {
  local prefix=$1 seconds=$2
  "$build/tools/news-load" --target="$target" --retry_policy --mix=create_comment \
    --concurrency=4 --resend_creates=90s --deadline=3s --duration="${seconds}s" --warmup=0s \
    --completions_file="$prefix.w.tsv" --json >"$prefix.w.json" 2>"$prefix.w.err" &
  writer=$!
  "$build/tools/news-load" --target="$target" --retry_policy --mix=get=60,list=30,comments=10 \
    --rps=100 --deadline=5s --duration="${seconds}s" --warmup=0s \
    --completions_file="$prefix.r.tsv" --json >"$prefix.r.json" 2>"$prefix.r.err" &
  reader=$!
}

wait_load() {
  wait "$writer" || { echo "writer failed: $(cat "$1.w.err")"; failures=$((failures + 1)); }
  wait "$reader" || { echo "reader failed: $(cat "$1.r.err")"; failures=$((failures + 1)); }
}

# Longest time in ms between two successive OK completions in a completions file, from the
# first line on (a measure of unavailability that includes the clients' own backoff).
longest_ok_gap() {
  awk -F'\t' '$3 == 0 { if (last) { gap = $1 - last; if (gap > max) max = gap } last = $1 }
              END { print max + 0 }' "$1"
}

# Checks every acknowledged comment of $1.w.tsv on the current leader; prints figures.
check_writes() {
  local prefix=$1
  awk -F'\t' '$3 == 0 { print $5 "\t" $7 }' "$prefix.w.tsv" >"$prefix.acked"
  local acked unknown missing duplicates
  acked=$(wc -l <"$prefix.acked")
  unknown=$(awk -F'\t' '$3 != 0' "$prefix.w.tsv" | wc -l)
  missing=$(leader_psql <<EOF
CREATE TEMP TABLE acked (request_id text, comment_id bigint);
\copy acked FROM '$prefix.acked'
SELECT count(*) FROM acked a
  WHERE NOT EXISTS (SELECT 1 FROM comments c WHERE c.id = a.comment_id AND c.request_id = a.request_id);
EOF
)
  duplicates=$(leader_psql -c "SELECT count(*) FROM (SELECT body FROM comments
    WHERE request_id LIKE 'news-load-%' GROUP BY body HAVING count(*) > 1) d")
  echo "acknowledged=$acked lost=$missing duplicates=$duplicates unacknowledged=$unknown"
  if [ "$acked" -eq 0 ] || [ "$missing" != 0 ] || [ "$duplicates" != 0 ]; then
    failures=$((failures + 1))
    echo "FAIL: writes"
  fi
}

read_figures() {
  local prefix=$1
  awk -F'\t' '{ n++ } $3 != 0 { failed++ } END { printf "reads=%d failed_reads=%d", n, failed }' \
    "$prefix.r.tsv"
}

failed_reads() { awk -F'\t' '$3 != 0' "$1.r.tsv" | wc -l; }

drill_node_loss() {
  local p="$work/node-loss"
  start_load "$p" "$load_seconds"
  sleep 8
  cluster kill-primary >/dev/null
  wait_load "$p"
  echo "node-loss: $(check_writes "$p")" \
    "longest_write_gap_ms=$(longest_ok_gap "$p.w.tsv") $(read_figures "$p")" \
    "longest_read_gap_ms=$(longest_ok_gap "$p.r.tsv")"
  cluster up >/dev/null
}

drill_postmaster() {
  local p="$work/postmaster"
  start_load "$p" 25
  sleep 5
  cluster kill-primary --postmaster >/dev/null
  wait_load "$p"
  echo "postmaster: $(check_writes "$p")" \
    "longest_write_gap_ms=$(longest_ok_gap "$p.w.tsv") $(read_figures "$p")"
  cluster up >/dev/null
}

drill_switchover() {
  local p="$work/switchover"
  start_load "$p" 25
  sleep 5
  cluster failover >/dev/null 2>&1
  wait_load "$p"
  echo "switchover: $(check_writes "$p") longest_write_gap_ms=$(longest_ok_gap "$p.w.tsv")" \
    "$(read_figures "$p") longest_read_gap_ms=$(longest_ok_gap "$p.r.tsv")"
  if [ "$(failed_reads "$p")" != 0 ]; then
    failures=$((failures + 1))
    echo "FAIL: switchover: reads failed despite the retry policy"
  fi
}

# The change log's listening session is lost with the primary; an article retracted as soon as
# writes are back must leave both instances' caches within the bound (docs/caching.md: 1 s once
# the follower is back, plus one cache refresh). news-client's own `edit` is the comment command,
# so the editorial change is a retraction: GetArticle answers NOT_FOUND once it is seen.
drill_cache() {
  local bound_ms=3000 token id servers server
  IFS=, read -r -a servers <<<"$NEWS_TARGETS"
  token=$(DATABASE_URL="$DATABASE_URL" "$build/server/newsctl" token create --role=editor \
    --name=drills 2>&1 | grep -o 'nmt_[0-9a-f]*' | head -1)
  id=$(leader_psql -c "SELECT id FROM articles WHERE status = 'published' ORDER BY id LIMIT 1")
  for server in "${servers[@]}"; do
    "$build/client-sample/news-client" --server="$server" article "$id" >/dev/null
  done
  cluster kill-primary >/dev/null
  # A retraction acknowledged after its client gave up answers FAILED_PRECONDITION when resent.
  local deadline=$((SECONDS + 90)) out
  while ! out=$(NEWS_ADMIN_TOKEN="$token" "$build/client-sample/news-client" \
      --server="${servers[0]}" --deadline_ms=10000 retract "$id" "Diễn tập chuyển đổi dự phòng" \
      2>&1 >/dev/null); do
    grep -q "retracted cannot be unpublished" <<<"$out" && break
    if [ $SECONDS -ge $deadline ]; then
      echo "cache: FAIL: no write accepted 90 s after the kill"
      failures=$((failures + 1))
      return
    fi
    sleep 0.2
  done
  local retracted_at worst=0
  retracted_at=$(now_ms)
  for server in "${servers[@]}"; do
    local seen=""
    while [ $(($(now_ms) - retracted_at)) -lt 30000 ]; do
      out=$("$build/client-sample/news-client" --server="$server" --deadline_ms=2000 \
        article "$id" 2>&1 >/dev/null || true)
      if grep -q NOT_FOUND <<<"$out"; then
        seen=$(($(now_ms) - retracted_at))
        break
      fi
      sleep 0.05
    done
    [ -n "$seen" ] || seen=30000
    [ "$seen" -gt "$worst" ] && worst=$seen
  done
  echo "cache: article retracted right after the failover left every instance's cache after" \
    "${worst} ms (bound ${bound_ms} ms)"
  if [ "$worst" -gt "$bound_ms" ]; then
    failures=$((failures + 1))
    echo "cache: FAIL: stale entry beyond the bound"
  fi
  cluster up >/dev/null
}

# A replica whose replay is paused must stop serving reads within 2 s. Needs read routing
# (news-server --max_replica_lag); skipped with a note on a server without it.
drill_lag() {
  if ! grep -q max_replica_lag <<<"$("$build/server/news-server" --help 2>&1 || true)"; then
    echo "lag: skipped: this news-server has no --max_replica_lag (read routing)"
    return
  fi
  local replica name
  name="$(cluster leader)"
  for replica in 1 2 3; do [ "node$replica" != "$name" ] && break; done
  local port=${pg_ports[$((replica - 1))]}
  local psql_replica=(/usr/lib/postgresql/15/bin/psql -h 127.0.0.1 -p "$port" -U postgres -d news -qtAX)
  "${psql_replica[@]}" -c "SELECT pg_wal_replay_pause()" >/dev/null
  local marker="lag-drill-$(now_ms)" paused_at
  paused_at=$(now_ms)
  leader_psql -c "INSERT INTO categories (slug, name) VALUES ('$marker', '$marker')" >/dev/null
  # Reads must see the new category from every instance within 2 s plus the probe interval.
  local deadline=$((paused_at + 4000)) seen=""
  while [ "$(now_ms)" -lt "$deadline" ]; do
    # Five reads per instance, all of which must see it: reads spread over the replicas, so one
    # read could miss the paused one by chance.
    local ok=1 server attempt
    for server in ${NEWS_TARGETS//,/ }; do
      for attempt in 1 2 3 4 5; do
        grep -qF "$marker" <<<"$("$build/client-sample/news-client" --server="$server" \
          categories 2>/dev/null || true)" || ok=0
      done
    done
    if [ $ok = 1 ]; then seen=$(($(now_ms) - paused_at)); break; fi
    sleep 0.1
  done
  "${psql_replica[@]}" -c "SELECT pg_wal_replay_resume()" >/dev/null
  leader_psql -c "DELETE FROM categories WHERE slug = '$marker'" >/dev/null
  if [ -z "$seen" ]; then
    echo "lag: FAIL: a paused replica still served reads after 4 s"
    failures=$((failures + 1))
  else
    echo "lag: reads left the paused replica after ${seen} ms"
  fi
}

for drill in "${drills[@]}"; do
  case "$drill" in
    node-loss) drill_node_loss ;;
    postmaster) drill_postmaster ;;
    switchover) drill_switchover ;;
    cache) drill_cache ;;
    lag) drill_lag ;;
    *) echo "unknown drill $drill" >&2; exit 2 ;;
  esac
done
if [ "$failures" -ne 0 ]; then
  echo "drills: $failures failure(s); completions and logs in $NEWS_CLUSTER_DIR (kept)"
  trap 'cluster down --keep >/dev/null 2>&1 || true' EXIT
  exit 1
fi
echo "drills: all passed"
