#!/usr/bin/env bash
# Listener capacity, mp3cast against Icecast 2, in the same run (see BENCHMARKS.md):
#   mp3cast serve with a push mount /live.mp3 (one server per --batch-ms value), and Debian's icecast2
#   on 127.0.0.1 (config written here), each mount fed the same file by its own ffmpeg as an Icecast
#   source (-re -c copy, icecast://): 60 s of a chirp, 44.1 kHz stereo, 128 kbps CBR, looped. Neither
#   server encodes; their CPU figures leave the ffmpegs out alike.
# For each listener count N, the load client (bench module, Netty epoll, its own JVM) connects N
# listeners to each server in turn (alternating which goes first), lets them settle, measures a
# window, and prints one table: listeners held without falling behind, server CPU, RSS, heap.
#
#   bench/run-load-bench.sh                             # N = 100 1000 3000, 30 s windows, 500 connects/s
#   bench/run-load-bench.sh --listeners "3000 10000" --batch-ms "100 250"
#   bench/run-load-bench.sh --listeners 200 --seconds 10 --no-icecast
#   bench/run-load-bench.sh --listeners 3000 --no-icecast --transports "epoll io_uring"
#
# Options: --listeners "N ..." --seconds S (window) --settle S --rate CONNECTS_PER_S
#   --batch-ms "MS ..." (one mp3cast server per value, its mount with that batch-ms; default 100, the
#   server's default) --threads T (client event loops) --no-icecast
#   --json FILE (keep the raw results) --server-opts "JVM FLAGS" (for mp3cast)
#   --transports "T ..." (one mp3cast per value and batch-ms, its event loops on that transport:
#   epoll, io_uring or nio, through -Dmp3cast.transport; default auto, the server's own choice).
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
transports=auto
parse_options --listeners=listeners --seconds=seconds --settle=settle --rate=rate --batch-ms=batch_ms \
  --threads=threads --no-icecast=icecast:0 --json=json --server-opts=server_opts --transports=transports -- "$@"

build
machine="$(machine_line)"
# One mp3cast per --batch-ms value, each with one push mount /live.mp3: the server measured carries one
# source, as Icecast does (an idle mp3cast with a source takes ~1 % of a core, mostly thread wake-ups).
declare -A port_of pid_of name_of
servers=()
for b in $batch_ms; do
  for t in $transports; do
    k="$b/$t"
    servers+=("$k")
    port_of[$k]=$(free_port)
    name_of[$k]="mp3cast batch $b ms"
    [[ "$t" == auto ]] || name_of[$k]+=" ($t)"
    MP3CAST_JAVA_OPTS="$server_opts -Dmp3cast.transport=$t" start_mp3cast "${port_of[$k]}" --source-password benchsource \
      --mount "/live.mp3=push:batch-ms=$b,name=bench"
    pid_of[$k]=$MP3CAST_PID
    log "${name_of[$k]} on port ${port_of[$k]} (pid $MP3CAST_PID): $(grep -o 'listening on [^ ]* ([a-z_]*' \
      "$WORK/mp3cast-${port_of[$k]}.log" | sed 's/.*(//')"
  done
done
first_port=${port_of[${servers[0]}]}
# The MP3 all servers relay: a chirp made by mp3cast's encoder (/chirp.mp3), 128 kbps stereo.
curl -s -f -o "$WORK/chirp128.mp3" \
  "http://127.0.0.1:$first_port/chirp.mp3?rate=44100&channels=2&bitrate=128&seconds=60"
for k in "${servers[@]}"; do
  start_ffmpeg_source "$WORK/chirp128.mp3" "127.0.0.1:${port_of[$k]}/live.mp3" "$WORK/ffmpeg-${port_of[$k]}.log"
  wait_for_sources "http://127.0.0.1:${port_of[$k]}/status.json"
done
if ((icecast)); then
  icecast_port=$(free_port)
  start_icecast "$icecast_port" "$WORK/chirp128.mp3"
  log "icecast on port $icecast_port (pid $ICECAST_PID), fed by ffmpeg"
fi

run() {  # NAME PORT PID PATH N EXTRA...
  local name="$1" port="$2" pid="$3" path="$4" n="$5"
  shift 5
  log "$name: $n listeners (load $(load_average))"
  load_client --url "http://127.0.0.1:$port$path" --label "$name" --listeners "$n" --rate "$rate" \
    --settle "$settle" --seconds "$seconds" --threads "$threads" --server-pid "$pid" --json "$json" "$@" >/dev/null
  sleep 3  # let the closed connections drain
}

# A fresh JVM compiles its hot paths during the first thousands of joins: warm it up, unmeasured.
for k in "${servers[@]}"; do
  log "warming ${name_of[$k]} up (1000 listeners, 5 s, not counted)"
  load_client --url "http://127.0.0.1:${port_of[$k]}/live.mp3" --label warm-up --listeners 1000 \
    --rate 1000 --settle 1 --seconds 5 --probes 0 --idle-seconds 0 >/dev/null 2>&1
  sleep 3
done

run_mp3cast() {  # N ROUND: the servers in turn, starting from a different one each round
  local count=${#servers[@]} j k
  for ((j = 0; j < count; j++)); do
    k=${servers[$(( (j + $2) % count ))]}
    run "${name_of[$k]}" "${port_of[$k]}" "${pid_of[$k]}" /live.mp3 "$1" --heap
  done
}

i=0
for n in $listeners; do
  if ((icecast)) && ((i % 2 == 1)); then
    run icecast "$icecast_port" "$ICECAST_PID" /live.mp3 "$n"
    run_mp3cast "$n" "$i"
  else
    run_mp3cast "$n" "$i"
    if ((icecast)); then run icecast "$icecast_port" "$ICECAST_PID" /live.mp3 "$n"; fi
  fi
  i=$((i + 1))
done

echo "$machine"
echo "mp3cast: serve (one per batch-ms: $batch_ms; transports: $transports), a push mount, JVM defaults${server_opts:+ + $server_opts}; both fed the same 128 kbps MP3 by ffmpeg; icecast2 $(dpkg-query -W -f '${Version}' icecast2 2>/dev/null || echo '?'), burst 64 KiB;"\
     "client: $threads event loop(s), $rate connects/s, settle $settle s, window $seconds s"
python3 "$BENCH_DIR/lib/tables.py" live "$json"
