#!/usr/bin/env bash
# HLS through a caching proxy (README "HLS and CDNs", BENCHMARKS.md): `mp3cast serve` with one live
# mount /stream.mp3 (a 440 Hz tone, 24 kHz mono, 64 kbps), Debian's nginx in front configured with the
# README's snippet (read from README.md; only its three addresses replaced, as HlsCdnTest does), and
# N hls.js-like players (HlsAudience from the server's test classes, in its own JVM) playing
# /stream.m3u8 through nginx for S seconds. For each N it prints what the players fetched, what mp3cast
# served (its /status.json HLS counters) and the CPU seconds of mp3cast and of nginx (master and
# worker, from /proc) over the window.
#
#   bench/run-hls-cdn-bench.sh                            # 200 players, 30 s
#   bench/run-hls-cdn-bench.sh --clients "200 2000" --seconds 60 --workers 2
#
# Needs: JDK 17+, Maven, nginx, curl, python3. Run it when the machine is otherwise idle.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"

clients="200"
seconds=30
workers=1
parse_options --clients=clients --seconds=seconds --workers=workers -- "$@"
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$nginx_bin" ]] || { echo "nginx not found: apt-get install nginx" >&2; exit 1; }

build
machine="$(machine_line)"
port=$(free_port)
start_mp3cast "$port" --mount "/stream.mp3=tone:hz=440,rate=24000,bitrate=64,name=bench"
log "mp3cast on port $port (pid $MP3CAST_PID)"
status() { curl -s -f "http://127.0.0.1:$port/status.json"; }
until status | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["mounts"][0]["audioSeconds"] >= 6.5 else 1)'; do
  sleep 0.5  # a full playlist to start from
done

# The README's snippet, as HlsCdnTest reads it: the nginx block between the marker comments.
dir="$WORK/nginx"
mkdir -p "$dir/cache"
awk '/<!-- nginx-hls-snippet: end -->/ {f = 0} f && !/^```/ {print} /<!-- nginx-hls-snippet:/ && !/end -->/ {f = 1}' \
  "$ROOT/README.md" >"$dir/snippet.conf"
for address in '/var/cache/nginx/mp3cast' 'listen 80;' 'server 127.0.0.1:8000;'; do
  [[ $(grep -cF "$address" "$dir/snippet.conf") == 1 ]] || { echo "README's nginx snippet lacks '$address'" >&2; exit 1; }
done
nginx_port=$(free_port)
sed -e "s|/var/cache/nginx/mp3cast|$dir/cache|" -e "s|listen 80;|listen 127.0.0.1:$nginx_port;|" \
  -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$port;|" "$dir/snippet.conf" >"$dir/mp3cast-hls.conf"
cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
$([[ $(id -u) == 0 ]] && echo "user root;")
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
worker_rlimit_nofile 20000;
http {
    access_log off;
    client_body_temp_path $dir/temp-body;
    proxy_temp_path $dir/temp-proxy;
    fastcgi_temp_path $dir/temp-fastcgi;
    uwsgi_temp_path $dir/temp-uwsgi;
    scgi_temp_path $dir/temp-scgi;
    include $dir/mp3cast-hls.conf;
}
CONF
"$nginx_bin" -p "$dir/" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/nginx.out" 2>&1 &
NGINX_PID=$!
STARTED_PIDS+=("$NGINX_PID")
wait_for_http "http://127.0.0.1:$nginx_port/status.json" 10
log "nginx on port $nginx_port (pid $NGINX_PID, $workers worker(s))"

ticks=$(getconf CLK_TCK)
nginx_pids() { echo "$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"; }
hls_counts() { status | python3 -c 'import json,sys; h=json.load(sys.stdin)["mounts"][0]["hls"]; print(h["playlistRequests"], h["segmentRequests"])'; }

echo "$machine"
echo "mp3cast serve, JVM defaults, one tone mount (64 kbps, hls-segment-ms 2000, hls-window 6); nginx $("$nginx_bin" -v 2>&1 | sed 's/.*\///'),"\
     "$workers worker(s), README's snippet; players: HlsAudience (one JVM, shared keep-alive pool), window $seconds s"
printf '| players | player requests (playlists + segments) | errors | mp3cast requests (playlists + segments) | mp3cast CPU s | nginx CPU s | load before |\n'
printf '|---|---|---|---|---|---|---|\n'
for n in $clients; do
  load="$(load_average)"
  read -r p0 s0 < <(hls_counts)
  m0=$(cpu_ticks "$MP3CAST_PID")
  x0=$(cpu_ticks $(nginx_pids))
  result=$(java -Xmx1g -cp "$ROOT/mp3cast-server/target/test-classes" io.mp3cast.server.HlsAudience \
    "http://127.0.0.1:$nginx_port/stream.m3u8" "$n" "$seconds")
  m1=$(cpu_ticks "$MP3CAST_PID")
  x1=$(cpu_ticks $(nginx_pids))
  read -r p1 s1 < <(hls_counts)
  read -r pl sg er < <(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r["playlists"], r["segments"], r["errors"])' "$result")
  printf '| %d | %d + %d | %d | %d + %d | %s | %s | %s |\n' "$n" "$pl" "$sg" "$er" $((p1 - p0)) $((s1 - s0)) \
    "$(awk "BEGIN {printf \"%.2f\", ($m1 - $m0) / $ticks}")" "$(awk "BEGIN {printf \"%.2f\", ($x1 - $x0) / $ticks}")" "$load"
  sleep 3
done
