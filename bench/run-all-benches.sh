#!/usr/bin/env bash
# Every server benchmark of BENCHMARKS.md, one after the other, each printing its table (about
# 40 minutes on 2 cores; run it when the machine is otherwise idle, `uptime` under 1):
#   1. listener capacity, mp3cast (batch 100 and 200 ms) against Icecast, 3000 and 10,000 listeners;
#   2. time to first byte and frame at 1, 100 and 1000 concurrent requests, against Flask + ffmpeg
#      and (joining a live mount) Icecast;
#   3. unique paced per-request streams, against Flask + ffmpeg (500 ms steps), and mp3cast alone with
#      100 ms steps;
#   4. glass to glass;
#   5. one mp3cast pushing a mount to Icecast (relay-to) while Icecast serves 1000 and 5000 listeners.
#   6. browser latency: first sound and glass to glass heard in headless Chromium and Firefox,
#      <audio> against mp3cast's player, Icecast with <audio> as the reference (about 10 minutes).
# The encoder benchmark (bench/run-encoder-bench.sh) is separate. Output: bench/target/bench-all.md
# (also printed).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/target/bench-all.md
mkdir -p bench/target
: >"$out"
section() {
  echo >&2
  echo "== $1 (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  shift
  { echo; "$@" 2>/dev/null; } | tee -a "$out"
}
section "listener capacity" bench/run-load-bench.sh --listeners "3000 10000" --batch-ms "100 200" --seconds 20
section "time to first byte and frame" bench/run-latency-bench.sh
section "unique paced streams, 500 ms steps" bench/run-streams-bench.sh --step-ms 500 --mp3cast "1000 1200" \
  --flask "350 600" --seconds 20
section "unique paced streams, 100 ms steps" bench/run-streams-bench.sh --step-ms 100 --mp3cast "1000 1300 1500" --flask "200" \
  --seconds 20
section "glass to glass" bench/run-glass-bench.sh --seconds 30
section "mp3cast pushing to Icecast under load" bench/run-relay-bench.sh --listeners "1000 5000" --seconds 30
section "browser latency" bench/run-browser-latency.sh
echo "tables written to $out" >&2
