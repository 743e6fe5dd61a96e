#!/usr/bin/env bash
# Hostile load (issue 14): for 60 s, at once, 5,000 idle connections, 1,000 slowloris connections
# (a header byte a second), 200 listeners that never read, 100 per-request streams whose client
# never reads, and producers that connect, push 200 ms and hang up every 200 ms; beside them 1,000
# honest listeners of a 128 kbps live mount, each of which must get the stream in real time, and a
# new listener every 100 ms whose first byte must come within 100 ms (p99). The server's RSS is
# sampled every second and its heap measured after a full GC at the window's start and end.
#
#   bench/run-hostile-bench.sh                       # the full run: about 2 minutes
#   bench/run-hostile-bench.sh --quick               # a small, short run that checks the bench works
#
# Options: --seconds S (default 60) --honest N --idle N --slowloris N --stalled-listeners N
#   --stalled-streams N --producers N --json FILE --quick
# The server runs with its defaults (timeouts 10 s, --max-connections from the open-file limit) but
# --max-connections-per-ip 0, since every client here has a loopback address. Needs: JDK 17+, Maven.
# Run it on an otherwise idle machine for figures; it keeps about 7,500 sockets open on each side.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

seconds=60
json="$WORK/results.jsonl"
load_args=()
quick() {  # a small, short run
  seconds=10
  load_args+=(--honest 100 --idle 300 --slowloris 100 --stalled-listeners 20 --stalled-streams 10 --producers 2 --ramp-seconds 5)
}
parse_options --seconds=seconds --json=json --quick='quick()' --honest=load_args+ --idle=load_args+ \
  --slowloris=load_args+ --stalled-listeners=load_args+ --stalled-streams=load_args+ --producers=load_args+ -- "$@"

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount "/stream.mp3=chirp:rate=44100,channels=2,bitrate=128,name=bench"
log "mp3cast on port $port (pid $MP3CAST_PID); $machine"
sleep 3  # the mount builds its burst

java -Xms256m -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$BENCH_CP" \
  io.mp3cast.bench.load.HostileLoad --port "$port" --server-pid "$MP3CAST_PID" --heap --seconds "$seconds" \
  --bitrate-kbps 128 --json "$json" ${load_args[@]+"${load_args[@]}"}
log "server log lines: $(wc -l <"$WORK/mp3cast-$port.log"), of which refusals: $(grep -c ErrorLog "$WORK/mp3cast-$port.log" || true)"
log "results appended to $json"
