#!/usr/bin/env bash
# What the word lists cost CreateComment (issue 11): a private PostgreSQL 15 in a temporary
# directory, `newsctl generate`, news-server with its default flags, then news-load sending
# only CreateComment, alternately with empty word lists and with 10 000 terms (half banned,
# half suspect; half of them two-word phrases), twice each. The comments posted match no term,
# so every create runs the whole matcher and none takes the held path. Prints the result line
# and appends it with this command to docs/benchmarks.md.
#
# Usage: bench/word_list_cost.sh [--articles N] [--terms T] [--duration 5s] [--concurrency C]
#                                [--no-append]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
articles=10000
terms=10000
duration=5s
concurrency=32
append=1
while [ $# -gt 0 ]; do
  case "$1" in
    --articles) articles="$2"; shift ;;
    --terms) terms="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --concurrency) concurrency="$2"; shift ;;
    --no-append) append=0 ;;
    *) sed -n '9,10p' "$0" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/word_list_cost.sh --articles $articles --terms $terms --duration $duration --concurrency $concurrency"

. bench/throwaway_postgres.sh news-word-list-bench

echo "newsctl generate --articles=$articles" >&2
build/server/newsctl migrate >/dev/null
build/server/newsctl generate --articles="$articles" --seed=42 >&2
"${psql[@]}" -d news -c "VACUUM ANALYZE" >/dev/null

build/server/news-server --listen=127.0.0.1:0 --port_file="$work/run/server.port" \
  --metrics_listen= --log_level=warn >"$work/run/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/run/server.port" ] && break
  sleep 0.1
done
target="127.0.0.1:$(cat "$work/run/server.port")"

# Terms of lower-case ASCII letters, already in their matching form (TermKey): "w" then the
# number's digits as letters, even places from a-j and odd places from k-t, so no letter
# repeats and every term is distinct; every second term is a phrase.
load_terms() {
  "${psql[@]}" -d news -c "
    INSERT INTO word_list_terms (list, term, term_key, created_by)
    SELECT CASE WHEN i % 2 = 0 THEN 'banned' ELSE 'suspect' END, t, t, 'bench'
    FROM (SELECT i, 'w' || string_agg(chr(CASE WHEN p % 2 = 0 THEN 97 ELSE 107 END
                                           + substr(lpad(i::text, 5, '0'), p + 1, 1)::int), ''
                                      ORDER BY p)
                    || CASE WHEN i % 4 < 2 THEN ' vu' ELSE '' END AS t
          FROM generate_series(0, $terms - 1) i, generate_series(0, 4) p GROUP BY i) terms" \
    -c "UPDATE word_list_version SET version = version + 1" >/dev/null
}
clear_terms() {
  "${psql[@]}" -d news -c "DELETE FROM word_list_terms" \
    -c "UPDATE word_list_version SET version = version + 1" >/dev/null
}

# run NAME: one CreateComment-only news-load run; its total row goes to $work/NAME.
run() {
  # Servers reload the lists within about a second of a version change.
  sleep 2
  build/tools/news-load --target="$target" --mix=create_comment --concurrency="$concurrency" \
    --duration="$duration" --warmup=1s --connect_timeout=30s >"$work/$1.out"
  awk '$1 == "total"' "$work/$1.out" >"$work/$1"
  echo "$1: $(cat "$work/$1")" >&2
}
run none_1
load_terms
# A comment with a banned term must be refused now, or the lists did not load.
sleep 2
probe=$(build/client-sample/news-client --server="$target" comment 1 "thử wakaka vu nhé" 2>&1 || true)
if ! grep -q "field body: must not contain" <<<"$probe"; then
  echo "bench/word_list_cost.sh: the server did not refuse a banned term: $probe" >&2
  exit 1
fi
run terms_1
clear_terms
run none_2
load_terms
run terms_2

rate() { awk '{ s += $3 } END { printf "%.0f", s / NR }' "$@"; }
p50() { awk '{ s += $5 } END { printf "%.2f", s / NR }' "$@"; }
none_rate=$(rate "$work/none_1" "$work/none_2")
terms_rate=$(rate "$work/terms_1" "$work/terms_2")
ratio=$(awk -v a="$terms_rate" -v b="$none_rate" 'BEGIN { printf "%.3f", a / b }')
line="- $(date -u '+%Y-%m-%d') CreateComment with $terms word-list terms vs none"
line="$line ($articles articles, concurrency $concurrency, 2 × $duration each, $(nproc) cores):"
line="$line $terms_rate vs $none_rate calls/s (ratio $ratio), p50 $(p50 "$work/terms_1" "$work/terms_2")"
line="$line vs $(p50 "$work/none_1" "$work/none_2") ms. \`$command_line\`"
echo "$line"
if [ "$append" = 1 ]; then
  echo "$line" >>docs/benchmarks.md
fi
