# Shared by the bench/run-*-bench.sh scripts: build, free ports, start and stop the servers under
# test (mp3cast, Icecast 2 with an ffmpeg source, Flask + ffmpeg), all on 127.0.0.1.
# Every process started here is recorded and killed by its PID when the script exits.
# shellcheck shell=bash

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
STARTED_PIDS=()
WORK="$(mktemp -d /tmp/mp3cast-bench.XXXXXX)"
chmod 755 "$WORK"

cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    pkill -P "$pid" 2>/dev/null || true  # its children (Flask's ffmpegs), by parent PID
    kill "$pid" 2>/dev/null || true
  done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for pid in "${STARTED_PIDS[@]}"; do
      kill -0 "$pid" 2>/dev/null && alive=1
    done
    ((alive)) || break
    sleep 0.3
  done
  for pid in "${STARTED_PIDS[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  if [[ -z "${KEEP_WORK:-}" ]]; then
    rm -rf "$WORK"
  else
    echo "logs kept in $WORK" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

machine_line() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr);"\
       "$(java -version 2>&1 | head -1); date $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg)"
}

build() {
  log "building (mvn package, tests skipped)"
  mvn -q -B -ntp -f "$ROOT/pom.xml" -DskipTests -pl mp3cast-cli,bench -am package >&2
  BENCH_CP="$BENCH_DIR/target/classes:$(cat "$BENCH_DIR/target/classpath.txt")"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_http() {  # URL SECONDS: until a GET answers (any status), or fail
  local url="$1" deadline=$((SECONDS + $2))
  until curl -s -o /dev/null -m 2 -r 0-1 "$url"; do
    if ((SECONDS > deadline)); then
      echo "no answer from $url after $2 s" >&2
      return 1
    fi
    sleep 0.3
  done
}

# The load client, in its own JVM. Small heap: it holds little but the listeners' state.
load_client() {
  java -Xms256m -Xmx1g -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$BENCH_CP" io.mp3cast.bench.load.ListenerLoad "$@"
}

# start_mp3cast PORT ARGS...: ./mp3cast serve on 127.0.0.1; sets MP3CAST_PID. Every load client comes
# from 127.0.0.1, so the per-address connection cap is off (ARGS may set it again).
start_mp3cast() {
  local port="$1"
  shift
  "$ROOT/mp3cast" serve --host 127.0.0.1 --port "$port" --admin-password bench --max-connections-per-ip 0 "$@" \
    >"$WORK/mp3cast-$port.log" 2>&1 &
  MP3CAST_PID=$!
  STARTED_PIDS+=("$MP3CAST_PID")
  wait_for_http "http://127.0.0.1:$port/status.json" 60
}

# start_icecast PORT MP3: Debian's icecast2 on 127.0.0.1 from a config written here, with ffmpeg
# sending MP3 (looped, at its own rate) to /live.mp3; sets ICECAST_PID.
start_icecast() {
  local port="$1" mp3="$2" dir="$WORK/icecast"
  start_icecast_server "$port"
  start_ffmpeg_source "$mp3" "127.0.0.1:$port/live.mp3" "$dir/ffmpeg.log"
  wait_for_icecast_mount "$port" /live.mp3 "the ffmpeg source"
}

# wait_for_icecast_mount PORT MOUNT WHAT: until Icecast lists MOUNT, or fail naming WHAT feeds it.
wait_for_icecast_mount() {
  local deadline=$((SECONDS + 20))
  until curl -s -m 2 "http://127.0.0.1:$1/status-json.xsl" | grep -q "\"listenurl\":\"http://127.0.0.1:$1$2\""; do
    if ((SECONDS > deadline)); then
      echo "icecast: $3 did not come up on $2 (see $WORK/icecast)" >&2
      return 1
    fi
    sleep 0.3
  done
}

# start_icecast_server PORT: Debian's icecast2 alone, sources push with password benchsource; sets ICECAST_PID.
start_icecast_server() {
  local port="$1" dir="$WORK/icecast"
  command -v icecast2 >/dev/null || { echo "icecast2 not found: apt-get install icecast2" >&2; return 1; }
  mkdir -p "$dir"
  cat >"$dir/icecast.xml" <<EOF
<icecast>
  <location>127.0.0.1</location>
  <admin>bench@localhost</admin>
  <limits>
    <clients>15000</clients>
    <sources>2</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65536</burst-size>
  </limits>
  <authentication>
    <source-password>benchsource</source-password>
    <relay-password>benchrelay</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>benchadmin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$port</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>$dir</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>
  </paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel><logsize>10000</logsize></logging>
  <security><chroot>0</chroot></security>
</icecast>
EOF
  if [[ $(id -u) == 0 ]]; then
    # Icecast refuses to run as root; Debian's package makes the icecast2 user.
    chown -R icecast2:icecast "$dir"
    setpriv --reuid=icecast2 --regid=icecast --clear-groups icecast2 -c "$dir/icecast.xml" >"$dir/stdout.log" 2>&1 &
  else
    icecast2 -c "$dir/icecast.xml" >"$dir/stdout.log" 2>&1 &
  fi
  ICECAST_PID=$!
  STARTED_PIDS+=("$ICECAST_PID")
  wait_for_http "http://127.0.0.1:$port/status-json.xsl" 20
}

# start_ffmpeg_source MP3 HOST:PORT/PATH LOG: ffmpeg sending MP3 (looped, at its own rate, frames
# copied) as an Icecast source, password benchsource; the same for Icecast and for mp3cast.
start_ffmpeg_source() {
  ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$1" -c copy -f mp3 \
    -content_type audio/mpeg "icecast://source:benchsource@$2" >"$3" 2>&1 &
  STARTED_PIDS+=("$!")
}

# wait_for_sources STATUS_URL: until mp3cast's status.json shows every push mount live from a source.
wait_for_sources() {
  local deadline=$((SECONDS + 20))
  until curl -s -m 2 "$1" | python3 -c 'import json,sys; m=json.load(sys.stdin)["mounts"]; sys.exit(0 if m and all(x["source"].get("connected") for x in m) else 1)' 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "mp3cast: the ffmpeg sources did not come up: $(curl -s -m 2 "$1")" >&2
      return 1
    fi
    sleep 0.3
  done
}

# start_flask: the seed's approach (bench/flask/seed_app.py) under Debian's python3; sets FLASK_PORT, FLASK_PID.
start_flask() {
  /usr/bin/python3 -c 'import flask' 2>/dev/null || { echo "Flask not found: apt-get install python3-flask" >&2; return 1; }
  FLASK_PORT=$(free_port)
  /usr/bin/python3 "$BENCH_DIR/flask/seed_app.py" "$FLASK_PORT" >"$WORK/flask.log" 2>&1 &
  FLASK_PID=$!
  STARTED_PIDS+=("$FLASK_PID")
  wait_for_http "http://127.0.0.1:$FLASK_PORT/tone.mp3?seconds=0.1" 30
}
