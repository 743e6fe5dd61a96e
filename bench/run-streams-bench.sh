#!/usr/bin/env bash
# Unique streams: how many concurrent per-request streams, each its own 24 kHz mono 64 kbps MP3
# encoder paced at real time, this machine holds (see BENCHMARKS.md). mp3cast's demo route
# /tone.mp3?rate=24000&bitrate=64&pace=realtime (native LAME, quality 5) against the seed's approach,
# Flask with one ffmpeg per request (bench/flask/seed_app.py, same tone, same LAME quality), in the
# same run. Each count is one load-client run: connect the streams (100 a second), let them settle
# (15 s: starting hundreds of encoders at once puts every stream behind, and they catch up), measure a
# window; a stream is held when its lag behind real time never passed 1 s in the window. Server CPU
# includes child processes (Flask's ffmpegs). Both producers hand over audio in steps of --step-ms
# (default 100, a speech synthesizer's usual piece; mp3cast's first steps are shorter, from 20 ms, so
# the first frame leaves at once). The encoder alone (bench EncoderCeiling) is measured last, as the
# ceiling these counts approach: once with an encoder per core kept hot, once with as many encoders
# as the largest mp3cast count taking turns in --step-ms pieces, as the server's streams do.
#
#   bench/run-streams-bench.sh                                   # mp3cast 1000 1300 1500, Flask 200
#   bench/run-streams-bench.sh --mp3cast "1000" --flask "" --seconds 20
#   bench/run-streams-bench.sh --step-ms 500 --mp3cast "1000 1300" --flask "350"
#
# Options: --mp3cast "N ..." --flask "N ..." --seconds S --settle S --rate CONNECTS_PER_S --step-ms MS --json FILE
#   --server-opts "JVM FLAGS"
# Needs: JDK 17+, Maven, ffmpeg, python3 with Flask (Debian: apt-get install python3-flask), curl.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

mp3cast_counts="1000 1300 1500"
flask_counts="200"
seconds=30
settle=15
rate=100
step_ms=100
json="$WORK/results.jsonl"
server_opts=""
parse_options --mp3cast=mp3cast_counts --flask=flask_counts --seconds=seconds --settle=settle --rate=rate \
  --step-ms=step_ms --json=json --server-opts=server_opts -- "$@"

build
machine="$(machine_line)"
query="seconds=600&rate=24000&bitrate=64&quality=5&pace=realtime&step-ms=$step_ms"
mp3cast_port=$(free_port)
MP3CAST_JAVA_OPTS="$server_opts" start_mp3cast "$mp3cast_port" --max-streams 5000 --mount /live.mp3=silence
log "mp3cast on port $mp3cast_port (pid $MP3CAST_PID)"
if [[ -n "$flask_counts" ]]; then
  start_flask
  log "flask on port $FLASK_PORT (pid $FLASK_PID)"
fi

run() {  # NAME PORT PID N
  log "$1: $4 streams (load $(load_average))"
  load_client --url "http://127.0.0.1:$2/tone.mp3?$query" --label "$1" --listeners "$4" --rate "$rate" \
    --settle "$settle" --seconds "$seconds" --probes 0 --server-pid "$3" --json "$json" >/dev/null
  sleep 5  # let the streams close and the server settle
}

# A fresh JVM compiles its hot paths in the first minute: warm it up with 200 streams, unmeasured.
log "warming mp3cast up (200 streams, 10 s, not counted)"
load_client --url "http://127.0.0.1:$mp3cast_port/tone.mp3?$query" --label warm-up --listeners 200 --rate 200 \
  --settle 2 --seconds 8 --probes 0 --idle-seconds 0 >/dev/null 2>&1
sleep 5

read -r -a m <<<"$mp3cast_counts"
read -r -a f <<<"$flask_counts"
for ((i = 0; i < ${#m[@]} || i < ${#f[@]}; i++)); do
  if ((i < ${#f[@]})); then run flask "$FLASK_PORT" "$FLASK_PID" "${f[i]}"; fi
  if ((i < ${#m[@]})); then run mp3cast "$mp3cast_port" "$MP3CAST_PID" "${m[i]}"; fi
done

# The ceiling: the encoder alone on this machine's cores, the same tone and settings, in this run.
most=$(tr ' ' '\n' <<<"$mp3cast_counts" | sort -n | tail -1)
most=${most:-1000}
log "encoder alone: $(nproc) encoders kept hot, then $most taking turns ($step_ms ms each), 10 s each"
ceiling_hot=$(java -cp "$BENCH_CP" io.mp3cast.bench.EncoderCeiling 10 "$(nproc)" "$(nproc)" "$step_ms" 2>/dev/null)
ceiling_many=$(java -cp "$BENCH_CP" io.mp3cast.bench.EncoderCeiling 10 "$(nproc)" "$most" "$step_ms" 2>/dev/null)

echo "$machine"
echo "encoder alone (bench EncoderCeiling, no pacing, sockets or HTTP; $(nproc) threads):"\
  "$(python3 -c 'import json,sys
for line in sys.argv[1:]:
    d = json.loads(line)
    print("%d encoders: %.3f ms CPU per stream-second, %d streams at real time;" % (d["encoders"], d["cpu_ms_per_stream_second"], d["streams_at_real_time"]), end=" ")' "$ceiling_hot" "$ceiling_many")"
echo "streams: GET /tone.mp3?$query (Flask: same tone and step, ffmpeg -b:a 64k -compression_level 5); window $seconds s after $settle s"
python3 "$BENCH_DIR/lib/tables.py" streams "$json"
python3 - "$BENCH_DIR/lib" "$json" "$ceiling_many" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
from tables import keeps_up
ceiling = json.loads(sys.argv[3])
results = [json.loads(line) for line in open(sys.argv[2]) if line.strip()]
kept = [r["listeners"] for r in results if r["label"] == "mp3cast" and keeps_up(r) == "yes"]
if kept:
    print("mp3cast: the most streams that all kept up, %d, are %.0f %% of the encoder-alone ceiling in this run"
          " (%d encoders taking turns: %.0f streams at real time)"
          % (max(kept), 100.0 * max(kept) / ceiling["streams_at_real_time"], ceiling["encoders"],
             ceiling["streams_at_real_time"]))
PY
