#!/usr/bin/env bash
# Time to first byte and to the first whole MP3 frame, p50 and p99, with 1, 100 and 1000 requests
# started at once (see BENCHMARKS.md), in the same run:
#   - per-request streams: mp3cast's /tone.mp3?rate=24000&bitrate=64&pace=realtime (its own encoder
#     per request, paced like a live producer) against the seed's approach, Flask with one ffmpeg per
#     request fed paced PCM (bench/flask/seed_app.py); and both unpaced (PCM as fast as it is encoded);
#   - joining a live mount (128 kbps, 44.1 kHz stereo): mp3cast against Icecast 2 fed by ffmpeg.
# Each request is kept open --hold-ms after its first frame, so the concurrent ones overlap.
#
#   bench/run-latency-bench.sh
#   bench/run-latency-bench.sh --levels "1 100" --no-icecast
#
# Options: --levels "C ..." (default "1 100 1000") --no-flask --no-icecast --json FILE
#   --flask-max C (largest concurrency tried on Flask, default 1000; each request is an ffmpeg process)
# Needs: JDK 17+, Maven, icecast2, ffmpeg, python3 with Flask (apt-get install python3-flask), curl.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

levels="1 100 1000"
flask=1
icecast=1
flask_max=1000
json="$WORK/results.jsonl"
parse_options --levels=levels --no-flask=flask:0 --no-icecast=icecast:0 --flask-max=flask_max --json=json -- "$@"

build
machine="$(machine_line)"
mp3cast_port=$(free_port)
start_mp3cast "$mp3cast_port" --max-streams 5000 --mount "/live.mp3=chirp:rate=44100,channels=2,bitrate=128,name=bench"
log "mp3cast on port $mp3cast_port (pid $MP3CAST_PID)"
if ((flask)); then
  start_flask
  log "flask on port $FLASK_PORT (pid $FLASK_PID)"
fi
if ((icecast)); then
  curl -s -f -o "$WORK/chirp128.mp3" \
    "http://127.0.0.1:$mp3cast_port/chirp.mp3?rate=44100&channels=2&bitrate=128&seconds=60"
  icecast_port=$(free_port)
  start_icecast "$icecast_port" "$WORK/chirp128.mp3"
  log "icecast on port $icecast_port (pid $ICECAST_PID)"
fi
sleep 3  # the live mounts build their bursts

per_request="tone.mp3?seconds=30&rate=24000&bitrate=64&quality=5&pace=realtime"
unpaced="tone.mp3?seconds=3&rate=24000&bitrate=64&quality=5"

run() {  # LABEL PORT PID PATH CONCURRENCY
  local c="$5" rounds hold wait=60
  case "$c" in
    1) rounds=40; hold=0 ;;
    *) rounds=$((c >= 1000 ? 1 : 3)); hold=2000 ;;
  esac
  local warm=200  # the client's own warm-up, unmeasured, 20 at a time (Flask: one; each is an ffmpeg)
  if [[ $1 == flask* ]]; then
    rounds=$((c == 1 ? 10 : 1))
    wait=120
    warm=1
  fi
  log "$1: $c at once x $rounds (load $(load_average))"
  load_client --mode requests --url "http://127.0.0.1:$2/$4" --label "$1" --concurrency "$c" --rounds "$rounds" \
    --warm-up "$warm" --hold-ms "$hold" --pause-ms 200 --wait-s "$wait" --server-pid "$3" --json "$json" >/dev/null
  sleep 3
}

# A long-running server has its request paths compiled; a fresh JVM interprets them for the first
# thousand or so requests (a live join took ~2.5 ms to its first byte then, 0.5 ms after). Warm
# mp3cast up as the other benchmarks do, unmeasured: 1000 requests on each path.
log "warming mp3cast up (1000 requests per path, not counted)"
for path in "$per_request" "$unpaced" live.mp3; do
  load_client --mode requests --url "http://127.0.0.1:$mp3cast_port/$path" --label warm-up --concurrency 50 \
    --rounds 20 --hold-ms 0 --pause-ms 50 --wait-s 60 >/dev/null 2>&1
done
sleep 3

for c in $levels; do
  run "mp3cast per-request" "$mp3cast_port" "$MP3CAST_PID" "$per_request" "$c"
  if ((flask)) && ((c <= flask_max)); then
    avail_gib=$(awk '/MemAvailable/ {print int($2/1048576)}' /proc/meminfo)
    if ((c >= 500 && avail_gib < 12)); then
      log "flask: skipping $c (only $avail_gib GiB available; $c ffmpeg processes need several)"
    else
      run "flask+ffmpeg per-request" "$FLASK_PORT" "$FLASK_PID" "$per_request" "$c"
    fi
  fi
  run "mp3cast per-request, unpaced" "$mp3cast_port" "$MP3CAST_PID" "$unpaced" "$c"
  if ((flask)) && ((c <= 100)); then
    run "flask+ffmpeg per-request, unpaced" "$FLASK_PORT" "$FLASK_PID" "$unpaced" "$c"
  fi
  run "mp3cast live join" "$mp3cast_port" "$MP3CAST_PID" "live.mp3" "$c"
  if ((icecast)); then run "icecast live join" "$icecast_port" "$ICECAST_PID" "live.mp3" "$c"; fi
done

echo "$machine"
echo "per-request: GET /$per_request, unpaced: GET /$unpaced (Flask: same tone and LAME quality);"\
     "live: 128 kbps mount, 1 s burst (mp3cast, at least 40 KiB) / 64 KiB (Icecast)"
python3 "$BENCH_DIR/lib/tables.py" requests "$json"
