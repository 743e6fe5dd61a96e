#!/usr/bin/env bash
# Browser latency (see BENCHMARKS.md): time to first sound and glass to glass, p50 and p99, heard
# in headless Chromium and Firefox ESR from the audio graph (browser-tests/latency.mjs), in the
# same run:
#   - mp3cast, plain <audio> and mp3cast's player (/web/player.js) on every decoder path each
#     browser offers: first sound of a paced 24 kHz 64 kbps /tone.mp3?pace=realtime (with the
#     player's burst of its cushion, and strictly real time with the burst off) and of a live
#     tone mount joined, glass to glass from clicks pushed (PCM, HTTP PUT) into a push mount;
#   - Icecast 2.4 (Debian icecast2, configured here on 127.0.0.1) as the reference: a looped tone
#     MP3 sent by ffmpeg to join, and the same clicks encoded by ffmpeg (64 kbps, every frame
#     flushed) into a source mount; heard with <audio> and with the player's WebCodecs path.
#
#   bench/run-browser-latency.sh                      # 10 first sounds and 30 clicks per row
#   bench/run-browser-latency.sh --runs 3 --clicks 8 --browsers chromium --no-icecast
#
# Options: --runs N --clicks N --browsers "chromium firefox" --no-icecast --json FILE
# Needs: JDK 17+, Maven, node with `npm ci` done in browser-tests/, chromium, firefox-esr, ffmpeg,
# icecast2, curl, python3.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

runs=10
clicks=30
browsers="chromium firefox"
icecast=1
json="$WORK/browser-latency.jsonl"
while (($#)); do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --clicks) clicks="$2"; shift 2 ;;
    --browsers) browsers="$2"; shift 2 ;;
    --no-icecast) icecast=0; shift ;;
    --json) json="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
  esac
done
[[ -d "$ROOT/browser-tests/node_modules/puppeteer-core" ]] \
  || { echo "browser-tests/node_modules is missing: run npm ci --prefix $ROOT/browser-tests" >&2; exit 1; }

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount "/live-tone.mp3=tone:hz=440,rate=24000,bitrate=64,name=tone"
log "mp3cast on port $port (pid $MP3CAST_PID)"
if ((icecast)); then
  ice_port=$(free_port)
  curl -s -o "$WORK/tone.mp3" "http://127.0.0.1:$port/tone.mp3?hz=440&rate=24000&bitrate=64&seconds=60"
  start_icecast "$ice_port" "$WORK/tone.mp3"
  log "icecast on port $ice_port (pid $ICECAST_PID), a looped 440 Hz tone at /live.mp3"
fi
sleep 3  # the live mounts have a burst's worth of audio

latency() {  # BROWSER LABEL ARGS...
  local browser="$1" label="$2"
  shift 2
  log "$label in $browser (load $(cut -d' ' -f1-3 /proc/loadavg))"
  node "$ROOT/browser-tests/latency.mjs" --browser "$browser" --server "http://127.0.0.1:$port/" --label "$label" \
    --runs "$runs" --clicks "$clicks" --long-clicks "$clicks" --timeout-ms 1500000 "$@" >>"$json" \
    || log "$label in $browser: the run failed (its JSON line says why)"
}

for browser in $browsers; do
  paths="audio,$(node "$ROOT/browser-tests/latency.mjs" --browser "$browser" --server "http://127.0.0.1:$port/" \
    --checks none | python3 -c 'import json,sys; print(",".join(d for d in json.load(sys.stdin)["supported"] if d != "audio"))')"
  latency "$browser" "mp3cast" --checks ttfs,strict,join,g2g --decoders "$paths" \
    --join-url "http://127.0.0.1:$port/live-tone.mp3"
  if ((icecast)); then
    latency "$browser" "Icecast 2.4.4 (ffmpeg source)" --checks join,g2g --decoders audio,webcodecs \
      --join-url "http://127.0.0.1:$ice_port/live.mp3" --icecast "icecast://source:benchsource@127.0.0.1:$ice_port"
  fi
done

echo "$machine"
echo "first sound: play() to the first sample above -34 dBFS at the player's output (AnalyserNode polled every 3 ms);"
echo "glass to glass: a click's PCM written by the producer to the sound at the output, clicks 1 s apart;"
echo "$runs first sounds and $clicks clicks per row; latencyMs 300 (the player's default)"
python3 "$BENCH_DIR/lib/tables.py" browser "$json"
