#!/usr/bin/env bash
# One mp3cast pushing a mount to Icecast (relay-to) while Icecast serves its audience (see
# BENCHMARKS.md): does mp3cast's CPU stay flat as Icecast's audience grows?
#   mp3cast serve with one mount, a chirp encoded by mp3cast (44.1 kHz stereo, 128 kbps CBR), pushed to
#   Debian's icecast2 on 127.0.0.1 (config written here) with relay-to; nothing else connects to mp3cast.
# For each listener count N, the load client (bench module, its own JVM) connects N listeners to
# Icecast's /live.mp3, lets them settle and measures a window: listeners held, Icecast's CPU and RSS,
# and mp3cast's CPU and RSS over the same window (idle figures: before the listeners connect).
#
#   bench/run-relay-bench.sh                              # N = 1000 5000, 30 s windows, 500 connects/s
#   bench/run-relay-bench.sh --listeners "100 1000" --seconds 10
#
# Options: --listeners "N ..." --seconds S (window) --settle S --rate CONNECTS_PER_S --threads T
#   --json FILE (keep the raw results) --server-opts "JVM FLAGS" (for mp3cast).
# Needs: JDK 17+, Maven, icecast2, curl, python3. Run it when the machine is otherwise idle.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

listeners="1000 5000"
seconds=30
settle=5
rate=500
threads=1
json="$WORK/results.jsonl"
server_opts=""
parse_options --listeners=listeners --seconds=seconds --settle=settle --rate=rate --threads=threads --json=json \
  --server-opts=server_opts -- "$@"

build
machine="$(machine_line)"
icecast_port=$(free_port)
start_icecast_server "$icecast_port"
log "icecast on port $icecast_port (pid $ICECAST_PID)"
mp3cast_port=$(free_port)
MP3CAST_JAVA_OPTS="$server_opts" start_mp3cast "$mp3cast_port" --mount \
  "/live.mp3=chirp:rate=44100,channels=2,bitrate=128,name=bench,relay-to=icecast://source:benchsource@127.0.0.1:$icecast_port/live.mp3"
log "mp3cast on port $mp3cast_port (pid $MP3CAST_PID), relaying /live.mp3 to icecast"
wait_for_icecast_mount "$icecast_port" /live.mp3 "mp3cast's relay"

for n in $listeners; do
  log "icecast: $n listeners (load $(load_average))"
  load_client --url "http://127.0.0.1:$icecast_port/live.mp3" --label "icecast fed by mp3cast" --listeners "$n" \
    --rate "$rate" --settle "$settle" --seconds "$seconds" --threads "$threads" --server-pid "$ICECAST_PID" \
    --upstream-pid "$MP3CAST_PID" --json "$json" >/dev/null
  sleep 3  # let the closed connections drain
done
status=$(curl -s -m 2 "http://127.0.0.1:$mp3cast_port/status.json")

echo "$machine"
echo "mp3cast: serve, one chirp mount (44.1 kHz stereo, 128 kbps, encoded by mp3cast), relay-to Icecast; JVM defaults${server_opts:+ + $server_opts};"\
     "icecast2 $(dpkg-query -W -f '${Version}' icecast2 2>/dev/null || echo '?'), burst 64 KiB; client: $threads event loop(s), $rate connects/s,"\
     "settle $settle s, window $seconds s"
echo "relay after the runs: $(echo "$status" | python3 -c 'import json,sys; r=json.load(sys.stdin)["mounts"][0]["relays"][0]; print(r["state"], r["bytes"], "bytes,", r["reconnects"], "reconnects,", r["skippedFrames"], "frames skipped", ("last error: " + r["lastError"]) if r["lastError"] else "")')"
python3 "$BENCH_DIR/lib/tables.py" relay "$json"
