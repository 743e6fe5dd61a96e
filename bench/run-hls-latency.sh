#!/usr/bin/env bash
# Low-latency HLS (see BENCHMARKS.md): how far behind the live edge hls.js (pinned in
# browser-tests/) plays a mount's playlist in headless Chromium and Firefox ESR, with whole 2 s
# segments and with 500 ms parts, in the same run. Each round plays each playlist for --seconds
# with browser-tests/hls.mjs and samples hls.js's `latency` (seconds behind the playlist's live
# edge) with currentTime every 250 ms; a row is the median over rounds of each round's median.
# Chromium plays the parts playlist with lowLatencyMode false as well (README: hls.js 1.7.4
# misplaces raw MPEG parts there), and with it on, to show why.
#
#   bench/run-hls-latency.sh                  # 5 rounds of 20 s per row
#   bench/run-hls-latency.sh --rounds 2 --seconds 12 --browsers firefox
#
# Options: --rounds N --seconds S --browsers "chromium firefox" --json FILE
# Needs: JDK 17+, Maven, node with `npm ci` done in browser-tests/, chromium, firefox-esr, python3.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

rounds=5
seconds=20
browsers="chromium firefox"
json="$WORK/hls-latency.jsonl"
parse_options --rounds=rounds --seconds=seconds --browsers=browsers --json=json -- "$@"
[[ -d "$ROOT/browser-tests/node_modules/hls.js" ]] \
  || { echo "browser-tests/node_modules is missing: run npm ci --prefix $ROOT/browser-tests" >&2; exit 1; }

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount "/segments.mp3=chirp:on-demand=false" \
  --mount "/parts.mp3=chirp:on-demand=false,hls-part-ms=500"
log "mp3cast on port $port (pid $MP3CAST_PID); waiting 8 s for three segments"
sleep 8

play() {  # BROWSER MOUNT LOW_LATENCY ROUND
  log "$2 in $1, lowLatencyMode $3, round $4 (load $(load_average))"
  node "$ROOT/browser-tests/hls.mjs" --browser "$1" --url "http://127.0.0.1:$port${2%.mp3}.m3u8" \
    --seconds "$seconds" --low-latency "$3" --timeout-ms $(( (seconds + 40) * 1000 )) \
    | python3 -c "import json,sys; r=json.loads(sys.stdin.read().strip().splitlines()[-1]);
r.update(mount='$2', lowLatencyMode='$3', round=$4, samples=None); print(json.dumps(r))" >>"$json" \
    || log "$2 in $1: the run failed"
}

for ((round = 1; round <= rounds; round++)); do
  for browser in $browsers; do
    play "$browser" /segments.mp3 true "$round"
    play "$browser" /parts.mp3 true "$round"
    if [[ "$browser" == chromium ]]; then
      play "$browser" /parts.mp3 false "$round"
    fi
  done
done

echo "$machine"
echo "hls.js $(node -p "require('$ROOT/browser-tests/node_modules/hls.js/package.json').version"), $rounds rounds of $seconds s per row;"
echo "latency: hls.latency (s behind the live edge), median of each round's samples, then median over rounds"
python3 - "$json" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    rows.setdefault((r.get('browser'), r['mount'], r['lowLatencyMode']), []).append(r)
print(f"{'browser':9} {'playlist':14} {'lowLatencyMode':15} {'latency s':>9} {'start ms':>9} {'parts':>6} {'segments':>8} {'errors':>6} {'played/wall':>11}")
for (browser, mount, ll), rs in sorted(rows.items()):
    med = lambda k: statistics.median([r[k] for r in rs if r.get(k) is not None]) if any(r.get(k) is not None for r in rs) else float('nan')
    ratio = statistics.median([r['advancedSeconds'] / r['wallSeconds'] for r in rs if r.get('wallSeconds')])
    errors = sum(len(r.get('errors') or []) for r in rs)
    print(f"{browser:9} {mount:14} {ll:15} {med('latencyMedian'):9.2f} {med('startMs'):9.0f} {med('partsLoaded'):6.0f} "
          f"{med('fragsLoaded'):8.0f} {errors:6d} {ratio:11.3f}")
PY
