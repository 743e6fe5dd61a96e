#!/usr/bin/env bash
# The soak (issue 14): an hour of ordinary churn against one mp3cast server, to show that nothing
# accumulates. 2,000 listeners of a 64 kbps live mount, 10% of them reconnecting each minute; 20
# producers each pushing PCM in real time to its own mount for 5-30 s, then gone for 1-10 s;
# per-request streams opened and aborted after 0.5-5 s (10 at a time); two checking listeners (the
# live mount and a producer's mount) that stay the whole hour and count every byte that is no
# whole MP3 frame. Each minute: the server's RSS, heap after a full GC, threads and open files.
# Passes when RSS and heap after GC drift less than 5% between minute 10 and the last, the checking
# listeners saw no decode error (and mpg123, when installed, decodes their MP3 without one), and
# the server's thread and open-file counts after the load (and 70 s of settling) equal those before.
#
#   bench/run-soak.sh                  # the hour (about 63 minutes); not in CI
#   bench/run-soak.sh --minutes 3      # a short run that checks the soak works
#
# Options: --minutes N (default 60) --listeners N --producers N --json FILE
# Run it on an otherwise idle machine for figures. Needs: JDK 17+ (jcmd), Maven; mpg123 optional.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

minutes=60
json="$WORK/results.jsonl"
soak_args=()
parse_options --minutes=minutes --json=json --listeners=soak_args+ --producers=soak_args+ --streams=soak_args+ \
  --churn-pct=soak_args+ --settle-seconds=soak_args+ -- "$@"

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount "/stream.mp3=chirp:rate=24000,bitrate=64,name=soak"
log "mp3cast on port $port (pid $MP3CAST_PID); $machine"
sleep 3

java -Xms256m -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" \
  io.mp3cast.bench.load.Soak --port "$port" --server-pid "$MP3CAST_PID" --minutes "$minutes" --out "$WORK" \
  --json "$json" ${soak_args[@]+"${soak_args[@]}"}

if command -v mpg123 >/dev/null; then
  for f in "$WORK"/check-*.mp3; do
    problems=$(mpg123 -t -q "$f" 2>&1 | grep -ciE 'error|illegal|warning|cannot' || true)
    log "mpg123 -t $(basename "$f") ($(stat -c %s "$f") bytes): $problems decoder complaints"
  done
else
  log "mpg123 not installed: the checking listeners' MP3 was only split into frames"
fi
log "server log: $(wc -l <"$WORK/mp3cast-$port.log") lines; results appended to $json"
