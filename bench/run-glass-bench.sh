#!/usr/bin/env bash
# Glass to glass (see BENCHMARKS.md): from a sample pushed by a producer to a listener receiving the
# MP3 frame that carries it, p50 and p99 over clicks pushed every 500 ms (bench GlassToGlass).
#   - mp3cast: a producer PUTs 24 kHz mono f32le PCM, paced at real time in 20 ms chunks, into a push
#     mount; a listener GETs the mount. Rows: the default (real-time pacer, 100 ms batches),
#     ?pace=none (frames published as they are encoded), a mount with batch-ms=0, and the default
#     with N other listeners on the same mount (--listeners);
#   - the seed's approach, Flask with one ffmpeg per request, the producer inside the request.
#
#   bench/run-glass-bench.sh                   # 40 s per row, 1000 extra listeners in the loaded row
#   bench/run-glass-bench.sh --seconds 20 --listeners 0 --no-flask
# Needs: JDK 17+, Maven, ffmpeg and python3 with Flask for the Flask row, curl.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

seconds=40
listeners=1000
flask=1
json="$WORK/results.jsonl"
parse_options --seconds=seconds --listeners=listeners --no-flask=flask:0 --json=json -- "$@"

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount /stream.mp3=silence --mount "/b0.mp3=push:batch-ms=0" --mount /loaded.mp3=push
log "mp3cast on port $port (pid $MP3CAST_PID)"
if ((flask)); then
  start_flask
  log "flask on port $FLASK_PORT (pid $FLASK_PID)"
fi

g2g() {  # LABEL ARGS...
  local label="$1"
  shift
  log "$label (load $(load_average))"
  java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" io.mp3cast.bench.load.GlassToGlass \
    --label "$label" --seconds "$seconds" --json "$json" "$@" >/dev/null
}

g2g "mp3cast push (real-time pacer, batch 100 ms)" --url "http://127.0.0.1:$port/g2g.mp3"
g2g "mp3cast push ?pace=none (batch 100 ms)" --url "http://127.0.0.1:$port/g2g-none.mp3" \
  --query "format=f32le&rate=24000&channels=1&pace=none"
g2g "mp3cast push, mount batch-ms=0" --url "http://127.0.0.1:$port/b0.mp3"
if ((flask)); then
  g2g "flask+ffmpeg per request (producer in the request)" --mode flask --url "http://127.0.0.1:$FLASK_PORT/tone.mp3"
fi
if ((listeners > 0)); then
  g2g "mp3cast push with $listeners other listeners" --url "http://127.0.0.1:$port/loaded.mp3" &
  g2g_pid=$!
  sleep 2
  load_client --url "http://127.0.0.1:$port/loaded.mp3" --label "g2g load" --listeners "$listeners" --rate 1000 \
    --settle 2 --seconds $((seconds - 12)) --probes 0 >/dev/null 2>&1 || log "the background listeners' run failed"
  wait "$g2g_pid"
fi

echo "$machine"
echo "clicks of 20 ms every 500 ms in silence, pushed as 24 kHz mono f32le in 20 ms chunks at real time; $seconds s per row"
python3 "$BENCH_DIR/lib/tables.py" glass "$json"
