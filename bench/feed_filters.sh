#!/usr/bin/env bash
# Combined feed filters at depth (issue 17): a private PostgreSQL 15 in a temporary directory,
# `newsctl generate`, news-server with its caches off, then news-load on ListArticles with the
# category + tag combination that has the most articles: its first page, and a page near its end
# (list_deep). Prints both tables, their p50 ratio, and the query plans of both pages (each must
# be an index scan that stops after one page, not a sort of every matching row).
#
# Usage: bench/feed_filters.sh [--articles N] [--seed S] [--duration 10s] [--concurrency C]
set -euo pipefail
cd "$(dirname "$0")/.."
articles=100000
seed=42
duration=10s
concurrency=32
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) articles="$2"; shift ;;
    --seed) seed="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    *) sed -n '2,8p' "$0" >&2; exit 2 ;;
  esac
  shift
done

. bench/throwaway_postgres.sh news-feed-bench

echo "newsctl generate --articles=$articles --seed=$seed" >&2
build/server/newsctl migrate >/dev/null
build/server/newsctl generate --articles="$articles" --seed="$seed" >&2
"${psql[@]}" -d news -c "VACUUM ANALYZE" >/dev/null

IFS='|' read -r category_id tag matching < <("${psql[@]}" -d news -c "
  SELECT category_id, tag, count(*) FROM published_article_tags
  GROUP BY category_id, tag ORDER BY count(*) DESC, category_id, tag LIMIT 1")
deep_offset=$(( matching - 100 ))
echo "category_id=$category_id tag='$tag': $matching articles; deep page at $deep_offset" >&2

rm -f "$work/run/server.port"
build/server/news-server --listen=127.0.0.1:0 --port_file="$work/run/server.port" \
  --metrics_listen= --log_level=warn --article_cache_entries=0 --feed_cache_entries=0 \
  >"$work/run/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/run/server.port" ] && break
  sleep 0.1
done
target="127.0.0.1:$(cat "$work/run/server.port")"

load=(build/tools/news-load --target="$target" --connections=2 --duration="$duration"
  --warmup=2s --concurrency="$concurrency" --connect_timeout=30s
  --feed_category_id="$category_id" --feed_tag="$tag")
echo "${load[*]} --mix=list" >&2
first=$("${load[@]}" --mix=list)
echo "$first"
echo "${load[*]} --mix=list_deep --deep_offset=$deep_offset" >&2
deep=$("${load[@]}" --mix=list_deep --deep_offset="$deep_offset")
echo "$deep"
p50() { awk '$1 == "total" { print $5 }' <<<"$1"; }
awk -v first="$(p50 "$first")" -v deep="$(p50 "$deep")" \
  'BEGIN { printf "deep page p50 / first page p50 = %.2f\n", deep / first }'

# The server's statement for category + tag (ArticleStore's feed_5), first and deep position.
deep_position=$("${psql[@]}" -d news -c "
  SELECT (extract(epoch FROM publish_time) * 1000000)::bigint, article_id
  FROM published_article_tags WHERE category_id = $category_id AND tag = '$tag'
  ORDER BY publish_time DESC, article_id DESC OFFSET $deep_offset - 1 LIMIT 1")
for position in "253402300799000000|9223372036854775807" "$deep_position"; do
  echo "Plan at position ($position):" >&2
  "${psql[@]}" -d news -c "
    EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
    SELECT a.id FROM published_article_tags t JOIN (articles a JOIN categories c
      ON c.id = a.category_id LEFT JOIN sources s ON s.id = a.source_id) ON a.id = t.article_id
    WHERE t.category_id = $category_id AND t.tag = '$tag'
      AND (t.publish_time, t.article_id) < ('epoch'::timestamptz
        + ${position%%|*}::bigint * interval '1 microsecond', ${position##*|})
    ORDER BY t.publish_time DESC, t.article_id DESC LIMIT 21" >&2
done
