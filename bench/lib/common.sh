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

# load_average: the machine's 1, 5 and 15 minute load averages, as the scripts quote them beside a figure.
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# parse_options SPEC... -- ARGS...: the scripts' options. A SPEC is one of
#   --name=var        the option takes a value, which goes into var
#   --name=var:VALUE  a switch: var is set to VALUE
#   --name=array+     the option and its value are appended to the array (options passed on to a load client)
#   --name=function() a switch that calls function
# Any other option ends the script (exit 2), naming it.
parse_options() {
  local -a _specs=()
  while [[ $1 != -- ]]; do
    _specs+=("$1")
    shift
  done
  shift
  local _spec _target
  while (($#)); do
    _target=""
    for _spec in "${_specs[@]}"; do
      if [[ $1 == "${_spec%%=*}" ]]; then
        _target="${_spec#*=}"
        break
      fi
    done
    case "$_target" in
      "") echo "unknown option: $1 (see the comment at the top of $0)" >&2; exit 2 ;;
      *"()") "${_target%()}"; shift ;;
      *+) local -n _array="${_target%+}"; _array+=("$1" "$2"); unset -n _array; shift 2 ;;
      *:*) printf -v "${_target%%:*}" '%s' "${_target#*:}"; shift ;;
      *) printf -v "$_target" '%s' "$2"; shift 2 ;;
    esac
  done
}

# wait_until SECONDS COMMAND...: runs COMMAND every 0.3 s until it succeeds (0), or returns 1 after SECONDS.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    if ((SECONDS > deadline)); then
      return 1
    fi
    sleep 0.3
  done
}

# cpu_ticks PID...: the user + system CPU of these processes so far, in clock ticks (getconf CLK_TCK a second).
cpu_ticks() {
  local sum=0 pid
  for pid in "$@"; do
    [[ -r /proc/$pid/stat ]] && sum=$((sum + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
  done
  echo "$sum"
}

machine_line() {
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'),"\
       "$(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr);"\
       "$(java -version 2>&1 | head -1); date $(date -u +%Y-%m-%dT%H:%MZ); load $(load_average)"
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
  wait_until "$2" curl -s -o /dev/null -m 2 -r 0-1 "$1" || { echo "no answer from $1 after $2 s" >&2; return 1; }
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
  wait_until 20 icecast_lists_mount "$1" "$2" || { echo "icecast: $3 did not come up on $2 (see $WORK/icecast)" >&2; return 1; }
}
icecast_lists_mount() {  # PORT MOUNT
  curl -s -m 2 "http://127.0.0.1:$1/status-json.xsl" | grep -q "\"listenurl\":\"http://127.0.0.1:$1$2\""
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
  wait_until 20 sources_connected "$1" || { echo "mp3cast: the ffmpeg sources did not come up: $(curl -s -m 2 "$1")" >&2; return 1; }
}
sources_connected() {  # STATUS_URL
  curl -s -m 2 "$1" | python3 -c 'import json,sys; m=json.load(sys.stdin)["mounts"]; sys.exit(0 if m and all(x["source"].get("connected") for x in m) else 1)' 2>/dev/null
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
