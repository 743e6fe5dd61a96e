#!/usr/bin/env bash
# Listener capacity, mp3cast against Icecast 2, in the same run (see BENCHMARKS.md):
#   mp3cast serve with one live mount /live.mp3 (a chirp, 44.1 kHz stereo, 128 kbps CBR), and
#   Debian's icecast2 on 127.0.0.1 (config written here) fed the same chirp as 128 kbps MP3 by ffmpeg.
# For each listener count N, the load client (bench module, Netty epoll, its own JVM) connects N
# listeners to each server in turn (alternating which goes first), lets them settle, measures a
# window, and prints one table: listeners held without falling behind, server CPU, RSS, heap.
#
#   bench/run-load-bench.sh                             # N = 100 1000 3000, 30 s windows, 500 connects/s
#   bench/run-load-bench.sh --listeners "3000 10000" --batch-ms "100 250"
#   bench/run-load-bench.sh --listeners 200 --seconds 10 --no-icecast
#
# Options: --listeners "N ..." --seconds S (window) --settle S --rate CONNECTS_PER_S
#   --batch-ms "MS ..." (one mp3cast mount per value, each with that batch-ms; default 100, the
#   server's default) --threads T (client event loops) --no-icecast
#   --json FILE (keep the raw results) --server-opts "JVM FLAGS" (for mp3cast).
# Needs: JDK 17+, Maven, icecast2, ffmpeg, curl, python3. Run it when the machine is otherwise idle.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

listeners="100 1000 3000"
seconds=30
settle=5
rate=500
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
mounts=()
for b in $batch_ms; do
  mounts+=(--mount "/live-b$b.mp3=chirp:rate=44100,channels=2,bitrate=128,batch-ms=$b,name=bench")
done
MP3CAST_JAVA_OPTS="$server_opts" start_mp3cast "$mp3cast_port" "${mounts[@]}"
log "mp3cast on port $mp3cast_port (pid $MP3CAST_PID), mounts with batch-ms $batch_ms"
if ((icecast)); then
  # The same chirp as the mount's, as 128 kbps MP3 made by mp3cast's encoder, for ffmpeg to send.
  curl -s -f -o "$WORK/chirp128.mp3" \
    "http://127.0.0.1:$mp3cast_port/chirp.mp3?rate=44100&channels=2&bitrate=128&seconds=60"
  icecast_port=$(free_port)
  start_icecast "$icecast_port" "$WORK/chirp128.mp3"
  log "icecast on port $icecast_port (pid $ICECAST_PID), fed by ffmpeg"
fi

run() {  # NAME PORT PID PATH N EXTRA...
  local name="$1" port="$2" pid="$3" path="$4" n="$5"
  shift 5
  log "$name: $n listeners (load $(cut -d' ' -f1-3 /proc/loadavg))"
  load_client --url "http://127.0.0.1:$port$path" --label "$name" --listeners "$n" --rate "$rate" \
    --settle "$settle" --seconds "$seconds" --threads "$threads" --server-pid "$pid" --json "$json" "$@" >/dev/null
  sleep 3  # let the closed connections drain
}

# A fresh JVM compiles its hot paths during the first thousands of joins: warm it up, unmeasured.
log "warming mp3cast up (1000 listeners, 5 s, not counted)"
load_client --url "http://127.0.0.1:$mp3cast_port/live-b${batch_ms%% *}.mp3" --label warm-up --listeners 1000 \
  --rate 1000 --settle 1 --seconds 5 --probes 0 --idle-seconds 0 >/dev/null 2>&1
sleep 3

run_mp3cast() {  # N
  for b in $batch_ms; do
    run "mp3cast batch $b ms" "$mp3cast_port" "$MP3CAST_PID" "/live-b$b.mp3" "$1" --heap
  done
}

i=0
for n in $listeners; do
  if ((icecast)) && ((i % 2 == 1)); then
    run icecast "$icecast_port" "$ICECAST_PID" /live.mp3 "$n"
    run_mp3cast "$n"
  else
    run_mp3cast "$n"
    if ((icecast)); then run icecast "$icecast_port" "$ICECAST_PID" /live.mp3 "$n"; fi
  fi
  i=$((i + 1))
done

echo "$machine"
echo "mp3cast: serve, mounts with batch-ms $batch_ms, JVM defaults${server_opts:+ + $server_opts}; icecast2 $(dpkg-query -W -f '${Version}' icecast2 2>/dev/null || echo '?'), burst 64 KiB;"\
     "client: $threads event loop(s), $rate connects/s, settle $settle s, window $seconds s"
python3 "$BENCH_DIR/lib/tables.py" live "$json"
