#!/usr/bin/env bash
# Live streams (issue 14, docs/live.md): a private PostgreSQL 15 in a temporary directory, a few
# generated articles, news-server in post-moderation without comment rate limits, then
#   1. --idle idle WatchComments streams (default 10000): the server's RSS before and with them;
#   2. --hot streams (default 1000) on one article while news-load posts --rate comments per
#      second (default 50) for --duration: commit-to-delivery p50/p99 over every stream, and the
#      server's and news-load's CPU (user + system seconds per wall second).
# With --pin, news-load runs on core 1 and news-server and PostgreSQL on core 0 (taskset), so the
# client cannot take the server's CPU (nor the other way round).
# Prints the result line and appends it with this command to docs/benchmarks.md.
#
# Usage: bench/live_streams.sh [--idle N] [--hot N] [--rate R] [--duration 20s] [--pin]
#                              [--no-append]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
idle=10000
hot=1000
rate=50
duration=20s
append=1
pin=0
while [ $# -gt 0 ]; do
  case "$1" in
    --idle) idle="$2"; shift ;;
    --hot) hot="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --pin) pin=1 ;;
    --no-append) append=0 ;;
    *) sed -n '12,13p' "$0" >&2; exit 2 ;;
  esac
  shift
done
command_line="bench/live_streams.sh --idle $idle --hot $hot --rate $rate --duration $duration"
pin_server=()
pin_client=()
if [ "$pin" -eq 1 ]; then
  command_line="$command_line --pin"
  pin_server=(taskset -c 0)
  pin_client=(taskset -c 1)
fi
read -r load_before _ </proc/loadavg

. bench/throwaway_postgres.sh news-live-bench

build/server/newsctl migrate >/dev/null
build/server/newsctl generate --articles=100 --seed=42 >/dev/null 2>&1
if [ "$pin" -eq 1 ]; then
  # The postmaster and its processes; the backends it starts later inherit the affinity.
  postmaster=$(head -1 "$work/pgdata/postmaster.pid")
  for pid in "$postmaster" $(pgrep -P "$postmaster"); do taskset -a -p -c 0 "$pid" >/dev/null; done
fi

"${pin_server[@]}" build/server/news-server --listen=127.0.0.1:0 --port_file="$work/run/server.port" \
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
"${pin_client[@]}" build/tools/news-load --target="$target" --streams="$idle" --duration=15s --json \
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
# news-load's CPU: the user and system time of this shell's finished children, as bash's
# `times` prints it (in this shell: a subshell's children are its own).
children_seconds() {
  sed -n 2p "$1" | awk '{ s = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/);
    s += t[1] * 60 + t[2] } printf "%.3f", s }'
}
times >"$work/times.before"
cpu_before=$(cpu_ticks)
start=$(date +%s.%N)
"${pin_client[@]}" build/tools/news-load --target="$target" --streams="$hot" \
  --comment_rps="$rate" --duration="$duration" --json >"$work/hot.json" 2>"$work/hot.err"
end=$(date +%s.%N)
cpu_after=$(cpu_ticks)
times >"$work/times.after"
cat "$work/hot.err" >&2
cat "$work/hot.json" >&2
cpu=$(awk -v a="$cpu_before" -v b="$cpu_after" -v s="$start" -v e="$end" -v t="$ticks_per_second" \
  'BEGIN { printf "%.2f", (b - a) / t / (e - s) }')
client_cpu=$(awk -v a="$(children_seconds "$work/times.before")" \
  -v b="$(children_seconds "$work/times.after")" -v s="$start" -v e="$end" \
  'BEGIN { printf "%.2f", (b - a) / (e - s) }')
if [ "$pin" -eq 1 ]; then
  machine="2 cores, news-load pinned to core 1 and news-server + PostgreSQL to core 0 (taskset)"
else
  machine="2 cores shared by news-load, news-server and PostgreSQL"
fi
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$work/hot.json"; }
stream_errors=$(sed -n 's/.*"stream_errors": {\([^}]*\)}.*/\1/p' "$work/hot.json")
line="- Live streams (issue 14), $(date -u +%Y-%m-%d), $machine, load average $load_before before the run: $idle_ready idle WatchComments streams: server RSS $((rss_before / 1024)) -> $((rss_open / 1024)) MiB (**${per_stream} KiB per stream**); $(field streams_ready) streams on one article, comments at $rate/s for $duration ($(field comments_posted) posted, $(field events_delivered) of $(field events_expected) events delivered${stream_errors:+, streams ended with $stream_errors}): commit-to-delivery **p50 $(field p50) ms, p99 $(field p99) ms** (max $(field max) ms), server CPU $cpu cores (user + system over the run, pump and $hot stream writes), news-load CPU $client_cpu cores (the 50 ms stamping interval of the change log is part of the latency). Command: \`$command_line\`"
echo "$line"
if [ "$append" -eq 1 ]; then
  printf '%s\n' "$line" >>"$repo/docs/benchmarks.md"
fi
