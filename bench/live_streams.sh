#!/usr/bin/env bash
# Live streams (issue 14, docs/live.md): a private PostgreSQL 15 in a temporary directory, a few
# generated articles, news-server in post-moderation without comment rate limits, then
#   1. --idle idle WatchComments streams (default 10000): the server's RSS before and with them;
#   2. --hot streams (default 1000) on one article while news-load posts --rate comments per
#      second (default 50) for --duration: commit-to-delivery p50/p99 over every stream, and the
#      server's CPU (user + system seconds per wall second).
# Prints the result line and appends it with this command to docs/benchmarks.md.
#
# Usage: bench/live_streams.sh [--idle N] [--hot N] [--rate R] [--duration 20s] [--no-append]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
idle=10000
hot=1000
rate=50
duration=20s
append=1
while [ $# -gt 0 ]; do
  case "$1" in
    --idle) idle="$2"; shift ;;
    --hot) hot="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --no-append) append=0 ;;
    *) sed -n '10,11p' "$0" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/live_streams.sh --idle $idle --hot $hot --rate $rate --duration $duration"

. bench/throwaway_postgres.sh news-live-bench

build/server/newsctl migrate >/dev/null
build/server/newsctl generate --articles=100 --seed=42 >/dev/null 2>&1

build/server/news-server --listen=127.0.0.1:0 --port_file="$work/run/server.port" \
  --metrics_listen= --log_level=warn --comment_moderation=post --comment_flood_limit=1000000 \
  --comment_address_flood_limit=0 --live_max_streams=$((idle + hot + 100)) \
  >"$work/run/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  [ -s "$work/run/server.port" ] && break
  sleep 0.1
done
target="127.0.0.1:$(cat "$work/run/server.port")"

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# 1. Idle streams: RSS once they are all open (news-load reports that on stderr).
sleep 1
rss_before=$(rss_kib)
build/tools/news-load --target="$target" --streams="$idle" --duration=15s --json \
  >"$work/idle.json" 2>"$work/idle.err" &
load_pid=$!
for _ in $(seq 600); do
  grep -q "streams on article" "$work/idle.err" 2>/dev/null && break
  sleep 0.1
done
sleep 2
rss_open=$(rss_kib)
wait "$load_pid"
cat "$work/idle.err" >&2
idle_ready=$(sed -n 's/.*"streams_ready": \([0-9]*\).*/\1/p' "$work/idle.json")
per_stream=$(awk -v a="$rss_before" -v b="$rss_open" -v n="$idle_ready" \
  'BEGIN { printf "%.1f", (b - a) / (n > 0 ? n : 1) }')
echo "idle: $idle_ready streams, RSS $((rss_before / 1024)) -> $((rss_open / 1024)) MiB, ${per_stream} KiB per stream" >&2

# 2. A hot article.
sleep 2
ticks_per_second=$(getconf CLK_TCK)
cpu_before=$(cpu_ticks)
start=$(date +%s.%N)
build/tools/news-load --target="$target" --streams="$hot" --comment_rps="$rate" \
  --duration="$duration" --json >"$work/hot.json" 2>"$work/hot.err"
end=$(date +%s.%N)
cpu_after=$(cpu_ticks)
cat "$work/hot.err" >&2
cat "$work/hot.json" >&2
cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v s="$start" -v e="$end" -v t="$ticks_per_second" \
  'BEGIN { printf "%.2f", (b - a) / t / (e - s) }')
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$work/hot.json"; }
line="- Live streams (issue 14), $(date -u +%Y-%m-%d), 2 cores shared with other builds, client and PostgreSQL on the same machine: $idle_ready idle WatchComments streams: server RSS $((rss_before / 1024)) -> $((rss_open / 1024)) MiB (**${per_stream} KiB per stream**); $(field streams_ready) streams on one article, comments at $rate/s for $duration ($(field comments_posted) posted, $(field events_delivered) of $(field events_expected) events delivered): commit-to-delivery **p50 $(field p50) ms, p99 $(field p99) ms** (max $(field max) ms), server CPU $cpu cores (user + system over the run, pump and 1000 stream writes; the 50 ms stamping interval of the change log is part of the latency). Command: \`$command_line\`"
echo "$line"
if [ "$append" -eq 1 ]; then
  printf '%s\n' "$line" >>"$repo/docs/benchmarks.md"
fi
