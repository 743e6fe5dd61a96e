#!/usr/bin/env bash
# Listener capacity, mp3cast against Icecast 2, in the same run (see BENCHMARKS.md):
#   mp3cast serve with one live mount /live.mp3 (a chirp, 44.1 kHz stereo, 128 kbps CBR), and
#   Debian's icecast2 on 127.0.0.1 (config written here) fed the same chirp as 128 kbps MP3 by ffmpeg.
# For each listener count N, the load client (bench module, Netty epoll, its own JVM) connects N
# listeners to each server in turn (alternating which goes first), lets them settle, measures a
# window, and prints one table: listeners held without falling behind, server CPU, RSS, heap.
#
#   bench/run-load-bench.sh                             # N = 100 1000 3000, 30 s windows
#   bench/run-load-bench.sh --listeners "3000 10000" --seconds 30
#   bench/run-load-bench.sh --listeners 200 --seconds 10 --no-icecast --batch-ms 200
#
# Options: --listeners "N ..." --seconds S (window) --settle S --rate CONNECTS_PER_S
#   --batch-ms MS (mp3cast's --batch-ms) --threads T (client event loops) --no-icecast
#   --json FILE (keep the raw results) --server-opts "JVM FLAGS" (for mp3cast).
# Needs: JDK 17+, Maven, icecast2, ffmpeg, curl, python3. Run it when the machine is otherwise idle.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

listeners="100 1000 3000"
seconds=30
settle=5
rate=1000
batch_ms=100
threads=1
icecast=1
json="$WORK/results.jsonl"
server_opts=""
while (($#)); do
  case "$1" in
    --listeners) listeners="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --settle) settle="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --batch-ms) batch_ms="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-icecast) icecast=0; shift ;;
    --json) json="$2"; shift 2 ;;
    --server-opts) server_opts="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done

build
machine="$(machine_line)"
mp3cast_port=$(free_port)
MP3CAST_JAVA_OPTS="$server_opts" start_mp3cast "$mp3cast_port" --batch-ms "$batch_ms" \
  --mount "/live.mp3=chirp:rate=44100,channels=2,bitrate=128,name=bench"
log "mp3cast on port $mp3cast_port (pid $MP3CAST_PID, batch $batch_ms ms)"
if ((icecast)); then
  # The same chirp as the mount's, as 128 kbps MP3 made by mp3cast's encoder, for ffmpeg to send.
  curl -s -f -o "$WORK/chirp128.mp3" \
    "http://127.0.0.1:$mp3cast_port/chirp.mp3?rate=44100&channels=2&bitrate=128&seconds=60"
  icecast_port=$(free_port)
  start_icecast "$icecast_port" "$WORK/chirp128.mp3"
  log "icecast on port $icecast_port (pid $ICECAST_PID), fed by ffmpeg"
fi

run() {  # NAME PORT PID N EXTRA...
  local name="$1" port="$2" pid="$3" n="$4"
  shift 4
  log "$name: $n listeners (load $(cut -d' ' -f1-3 /proc/loadavg))"
  load_client --url "http://127.0.0.1:$port/live.mp3" --label "$name" --listeners "$n" --rate "$rate" \
    --settle "$settle" --seconds "$seconds" --threads "$threads" --server-pid "$pid" --json "$json" "$@" >/dev/null
  sleep 3  # let the closed connections drain
}

i=0
for n in $listeners; do
  if ((icecast)) && ((i % 2 == 1)); then
    run icecast "$icecast_port" "$ICECAST_PID" "$n"
    run mp3cast "$mp3cast_port" "$MP3CAST_PID" "$n" --heap
  else
    run mp3cast "$mp3cast_port" "$MP3CAST_PID" "$n" --heap
    if ((icecast)); then run icecast "$icecast_port" "$ICECAST_PID" "$n"; fi
  fi
  i=$((i + 1))
done

echo "$machine"
echo "mp3cast: serve --batch-ms $batch_ms, JVM defaults${server_opts:+ + $server_opts}; icecast2 $(dpkg-query -W -f '${Version}' icecast2 2>/dev/null || echo '?'), burst 64 KiB;"\
     "client: $threads event loop(s), $rate connects/s, settle $settle s, window $seconds s"
python3 "$BENCH_DIR/lib/tables.py" live "$json"
