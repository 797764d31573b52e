#!/usr/bin/env bash
# Search quality on judged queries (docs/discovery.md, "Quality"): for each line of the judgments
# (query, slug, K, variant; bench/search_judgments.tsv), whether news-client's search on the
# server at TARGET ranks the slug within the top K; prints hit@K per variant and overall.
# Run it against two servers on the same database to compare designs.
#
# Usage: bench/search_quality.sh HOST:PORT [JUDGMENTS]
#   The database: `newsctl generate --articles=100000 --seed=42` and `newsctl import` of the four
#   sample pages (/work/shared/samples/portal-pages, as the tests import them).
set -euo pipefail
cd "$(dirname "$0")/.."
target="$1"
judgments="${2:-bench/search_judgments.tsv}"
client=build/client-sample/news-client
grep -v '^#' "$judgments" | while IFS=$'\t' read -r query slug k variant; do
  # Result lines: "[id] title  (score s)", then "    date | slug", then the snippet.
  # A failed call (say, past the client's deadline) counts as a miss.
  rank=$("$client" --server="$target" search --page_size=10 "$query" 2>/dev/null |
    awk -F' [|] ' -v slug="$slug" '/^\[/ { n++ } NF == 2 && $2 == slug { print n; exit }' ||
    true)
  hit=0
  [ -n "$rank" ] && [ "$rank" -le "$k" ] && hit=1
  printf '%s\t%s\t%s\n' "$variant" "$k" "$hit"
done | awk -F'\t' '
  { key = $1 " (hit@" $2 ")"; n[key]++; h[key] += $3; total++; hits += $3 }
  END {
    for (key in n) printf "%-32s %3d/%3d\n", key, h[key], n[key]
    printf "%-32s %3d/%3d\n", "all", hits, total
  }' | sort
