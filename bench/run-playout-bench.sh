#!/usr/bin/env bash
# The play-out benchmarks of issue 13 (see BENCHMARKS.md); run them on an idle machine.
#
#   bench/run-playout-bench.sh stall   # event-loop stalls: a task on each event loop every 10 ms, timestamped,
#                                      # while 100 producers push 44.1 kHz stereo PCM at 10x real time and
#                                      # 2,000 listeners (20 per mount) listen; worst lag (target <= 5 ms)
#   bench/run-playout-bench.sh mounts  # 1,000 push mounts, each fed 24 kHz mono float32 at real time in 100 ms
#                                      # pieces by its own producer and heard by its own listener: how many keep
#                                      # up, server CPU and threads (target: all, < 50 threads)
#   bench/run-playout-bench.sh idle    # an idle server with one generated mount beside Icecast idle, same run:
#                                      # CPU over a minute (target <= 0.3% of a core)
#   bench/run-playout-bench.sh churn   # 100 producers create and leave mounts; after --idle-mount-ms they are
#                                      # gone from /status.json and the server's threads and fds are back at baseline
#   bench/run-playout-bench.sh check   # each of the above, tiny and short: that they run (not for figures)
#
# Options (after the mode): --producers N --listeners N --seconds S --settle S --json FILE
# Needs: JDK 17+, Maven, curl, python3; icecast2 and ffmpeg for idle (Debian: apt-get install icecast2 ffmpeg).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

mode="${1:-}"
shift || true
producers="" listeners="" seconds="" settle=""
json="$WORK/results.jsonl"
parse_options --producers=producers --listeners=listeners --seconds=seconds --settle=settle --json=json -- "$@"

push_load() {
  java -Xms256m -Xmx2g -XX:+UseSerialGC -cp "$BENCH_CP" io.mp3cast.bench.load.PushLoad "$@"
}

threads_of() { awk '/^Threads:/ {print $2}' "/proc/$1/status"; }
# thread_names PID: the threads' names, one a line, sorted (a JVM starts some of its own lazily:
# a second JIT compiler or G1 refinement thread under load, which is not the server's).
thread_names() { cat /proc/"$1"/task/*/comm 2>/dev/null | sort; }
fds_of() { ls "/proc/$1/fd" | wc -l; }
mounts_in_status() { curl -s "http://127.0.0.1:$1/status.json" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["mounts"]))'; }

stall() {  # PRODUCERS LISTENERS_PER_MOUNT SETTLE SECONDS
  local out="$WORK/stall.out" port
  java ${STALL_JAVA_OPTS:-} -Xms512m -Xmx2g -Xlog:gc:file="$WORK/stall-gc.log" -cp "$BENCH_CP" io.mp3cast.bench.load.StallProbe --seconds $(($3 + $4 + 5)) --skip "$3" \
    --max-mounts $(($1 + 10)) >"$out" 2>"$WORK/stall.log" &
  local pid=$!
  STARTED_PIDS+=("$pid")
  for _ in $(seq 100); do grep -q '^port ' "$out" 2>/dev/null && break; sleep 0.2; done
  port=$(awk '/^port / {print $2}' "$out")
  log "stall probe: server on port $port (pid $pid); $1 producers at 44.1 kHz stereo, 10x real time, $2 listeners each (load $(load_average))"
  push_load --base "http://127.0.0.1:$port" --producers "$1" --listeners "$2" --rate 44100 --channels 2 --speed 10 \
    --piece-ms 100 --kbps 128 --settle "$3" --seconds "$4" --ramp 100 --prefix /stall >"$WORK/stall-load.json"
  wait "$pid" || true
  echo "load: $(cat "$WORK/stall-load.json")"
  echo "stall probe: $(tail -1 "$out")"
  # A stop-the-world pause stalls every loop too: the longest the JVM logged, to tell the two apart.
  echo "longest GC pause: $(grep -oE '[0-9.]+ms$' "$WORK/stall-gc.log" | sort -n | tail -1) ($(grep -c 'Pause' "$WORK/stall-gc.log") pauses)"
  tail -1 "$out" >>"$json"
}

mounts() {  # PRODUCERS SETTLE SECONDS
  local port
  port=$(free_port)
  start_mp3cast "$port" --max-mounts $(($1 + 10)) --mount /stream.mp3=tone
  log "mounts: $1 push mounts, one producer (24 kHz mono float32, real time, 100 ms pieces) and one listener each (load $(load_average))"
  local before after t0 t1
  push_load --base "http://127.0.0.1:$port" --producers "$1" --listeners 1 --rate 24000 --channels 1 --speed 1 \
    --piece-ms 100 --kbps 64 --settle "$2" --seconds "$3" --ramp 100 --prefix /speech >"$WORK/mounts.json" &
  local load=$!
  sleep $(($1 / 100 + $2))
  before=$(cpu_ticks "$MP3CAST_PID"); t0=$(date +%s.%N)
  local threads; threads=$(threads_of "$MP3CAST_PID")
  wait "$load"
  after=$(cpu_ticks "$MP3CAST_PID"); t1=$(date +%s.%N)
  local cpu; cpu=$(python3 -c "print('%.1f' % (($after - $before) / $(getconf CLK_TCK) / ($t1 - $t0) * 100))")
  echo "load: $(cat "$WORK/mounts.json")"
  echo "server: $threads threads under load, $cpu% of a core (window)"
  python3 -c "import json; d=json.load(open('$WORK/mounts.json')); d.update(mode='mounts', server_threads=$threads, server_cpu_percent=$cpu); print(json.dumps(d))" >>"$json"
}

idle() {  # SECONDS
  local port port2 ice always ondemand
  port=$(free_port)
  start_mp3cast "$port" --mount /stream.mp3=tone:rate=24000,bitrate=64
  ondemand=$MP3CAST_PID
  # The same mount with on-demand=false: it encodes on with no one listening (the figure before
  # generated mounts stood by), measured in the same run.
  port2=$(free_port)
  start_mp3cast "$port2" --mount /stream.mp3=tone:rate=24000,bitrate=64,on-demand=false
  always=$MP3CAST_PID
  MP3CAST_PID=$ondemand
  ice=$(free_port)
  ffmpeg -nostdin -loglevel error -f lavfi -i "sine=frequency=440:sample_rate=44100:duration=10" -c:a libmp3lame \
    -b:a 128k "$WORK/tone.mp3"
  start_icecast "$ice" "$WORK/tone.mp3"
  log "idle: mp3cast (one generated mount, on demand: the default), mp3cast (the same, on-demand=false) and Icecast (one ffmpeg source), no listeners; settle 20 s, measure $1 s (load $(load_average))"
  sleep 20
  local m0 a0 i0 m1 a1 i1
  m0=$(cpu_ticks "$MP3CAST_PID"); a0=$(cpu_ticks "$always"); i0=$(cpu_ticks "$ICECAST_PID")
  sleep "$1"
  m1=$(cpu_ticks "$MP3CAST_PID"); a1=$(cpu_ticks "$always"); i1=$(cpu_ticks "$ICECAST_PID")
  echo "idle: the on-demand mount's state: $(curl -s "http://127.0.0.1:$port/status.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["mounts"][0]["source"]["state"])')"
  local hz; hz=$(getconf CLK_TCK)
  python3 -c "
m = ($m1 - $m0) / $hz / $1 * 100; a = ($a1 - $a0) / $hz / $1 * 100; i = ($i1 - $i0) / $hz / $1 * 100
print('idle, %d s: mp3cast %.2f%% of a core (one generated mount, 24 kHz mono 64 kbps, on demand), %.2f%% (on-demand=false), icecast %.2f%% (one source)' % ($1, m, a, i))
import json; open('$json', 'a').write(json.dumps(dict(mode='idle', seconds=$1, mp3cast_cpu_percent=round(m, 3), mp3cast_always_on_cpu_percent=round(a, 3), icecast_cpu_percent=round(i, 3))) + '\n')"
}

churn() {  # PRODUCERS
  local port idle_ms=3000
  port=$(free_port)
  start_mp3cast "$port" --max-mounts $(($1 + 10)) --idle-mount-ms "$idle_ms" --mount /stream.mp3=tone
  sleep 5
  local t0 f0 m0
  t0=$(threads_of "$MP3CAST_PID"); f0=$(fds_of "$MP3CAST_PID"); m0=$(mounts_in_status "$port")
  thread_names "$MP3CAST_PID" >"$WORK/churn-threads-before.txt"
  log "churn: $1 producers each create a mount, push 2 s and leave; idle-mount-ms $idle_ms (baseline: $t0 threads, $f0 fds, $m0 mounts)"
  push_load --base "http://127.0.0.1:$port" --producers "$1" --listeners 0 --rate 24000 --channels 1 --speed 1 \
    --piece-ms 100 --leave-after 2 --ramp 100 --prefix /churn >"$WORK/churn.json"
  local peak; peak=$(mounts_in_status "$port")
  sleep $((idle_ms / 1000 + 5))
  local t1 f1 m1
  t1=$(threads_of "$MP3CAST_PID"); f1=$(fds_of "$MP3CAST_PID"); m1=$(mounts_in_status "$port")
  echo "load: $(cat "$WORK/churn.json")"
  echo "churn: mounts $m0 -> $peak (all pushed) -> $m1 (after idle-mount-ms); threads $t0 -> $t1; fds $f0 -> $f1"
  thread_names "$MP3CAST_PID" >"$WORK/churn-threads-after.txt"
  echo "churn: threads started and not ended (+) or ended (-): $(diff "$WORK/churn-threads-before.txt" \
    "$WORK/churn-threads-after.txt" | sed -n 's/^> /+/p; s/^< /-/p' | paste -sd ' ' -)"
  echo "{\"mode\":\"churn\",\"producers\":$1,\"mounts_before\":$m0,\"mounts_peak\":$peak,\"mounts_after\":$m1,\"threads_before\":$t0,\"threads_after\":$t1,\"fds_before\":$f0,\"fds_after\":$f1}" >>"$json"
}

build
echo "$(machine_line)"
case "$mode" in
  stall) stall "${producers:-100}" "${listeners:-20}" "${settle:-10}" "${seconds:-60}" ;;
  mounts) mounts "${producers:-1000}" "${settle:-15}" "${seconds:-30}" ;;
  idle) idle "${seconds:-60}" ;;
  churn) churn "${producers:-100}" ;;
  check)
    stall 4 2 2 3
    mounts 5 2 3
    churn 5
    if command -v icecast2 >/dev/null && command -v ffmpeg >/dev/null; then idle 3; else log "idle: skipped (no icecast2 or ffmpeg)"; fi
    ;;
  *) echo "mode: stall, mounts, idle, churn or check (see the comment at the top of $0)" >&2; exit 2 ;;
esac
