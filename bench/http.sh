#!/usr/bin/env bash
# GET /api/v1/health of nq57 against nginx serving a static file of the same
# size, on this machine, in the same run (DESIGN.md's HTTP budget: nq57 at no
# less than nginx's rate).
#
#   BUILD=build-release DURATION=10 bench/http.sh
#
# BUILD: the nq57 build folder (default build/; use a release build).
# DURATION: seconds per wrk run (default 10). WARMUP: seconds (default 2).
# Needs wrk and nginx (Debian: apt-get install wrk nginx). Loopback only;
# both servers are stopped by their recorded PIDs when the script exits.
set -euo pipefail
export LC_ALL=C # byte-wise lengths and read -N below

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
NGINX=${NGINX:-/usr/sbin/nginx}
THREADS=2
CONNECTIONS=(64 256)
PATH_HEALTH=/api/v1/health

die() { echo "bench/http: $*" >&2; exit 1; }

[ -x "$BUILD/nq57" ] || die "$BUILD/nq57 not found: build it (meson setup --buildtype=release $BUILD && ninja -C $BUILD) or set BUILD"
[ -x "$NGINX" ] || die "$NGINX not found: apt-get install nginx"
command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
[[ $DURATION =~ ^[0-9]+$ ]] || die "DURATION must be whole seconds, not '$DURATION'"

buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
    sed 's/.*"value": "//; s/"$//' || true)
if [ -n "$buildtype" ] && [ "$buildtype" != release ]; then
    echo "bench/http: warning: $BUILD is a '$buildtype' build; numbers are for a release build" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-http.XXXXXX")
nq57_pid=
nginx_pid=
wrk_pid=

# stop PID: TERM, then KILL if it has not gone within 5 s.
stop() {
    local pid=$1 i
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    stop "$wrk_pid"
    stop "$nq57_pid"
    stop "$nginx_pid"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A loopback port nobody answers on: random picks probed with bash's /dev/tcp
# (no python or node needed). A race with another process is possible but
# shows as a clear bind error from the server.
free_port() {
    local port i
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    die "no free loopback port found"
}

# http_get PORT PATH: prints the response body of one HTTP/1.1 request;
# fails on no answer or a status other than 200.
http_get() {
    local port=$1 path=$2 line status len=
    exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
    IFS= read -r -t 5 status <&3 || { exec 3<&-; return 1; }
    while IFS= read -r -t 5 line <&3; do
        line=${line%$'\r'}
        [ -z "$line" ] && break
        shopt -s nocasematch
        [[ $line =~ ^content-length:\ *([0-9]+) ]] && len=${BASH_REMATCH[1]}
        shopt -u nocasematch
    done
    [[ $status == *" 200 "* ]] || { exec 3<&-; return 1; }
    local body=
    if [ -z "$len" ]; then
        IFS= read -r -d '' -t 5 body <&3 || true # to the end: we asked for Connection: close
    elif [ "$len" -gt 0 ]; then
        IFS= read -r -N "$len" -t 5 body <&3
    fi
    exec 3<&-
    printf '%s' "$body"
}

# wait_ready PID PORT LOG: until PATH_HEALTH answers 200, the process dies,
# or 15 s pass.
wait_ready() {
    local pid=$1 port=$2 log=$3 i
    for ((i = 0; i < 150; i++)); do
        kill -0 "$pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "server (pid $pid) exited at start"; }
        http_get "$port" "$PATH_HEALTH" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    tail -n 20 "$log" >&2
    die "server (pid $pid) did not answer on 127.0.0.1:$port within 15 s"
}

# ---------------------------------------------------------------- nq57

nq57_port=$(free_port)
mkdir -p "$tmp/data"
# wrk's connections all come from one address: no per-address limit
NQ57_MAX_PER_ADDRESS=0 "$BUILD/nq57" serve --listen "127.0.0.1:$nq57_port" --db "sqlite:$tmp/nq57.db" \
    --data-dir "$tmp/data" --web-dir "$BUILD/web" >"$tmp/nq57.log" 2>&1 &
nq57_pid=$!
wait_ready "$nq57_pid" "$nq57_port" "$tmp/nq57.log"
body=$(http_get "$nq57_port" "$PATH_HEALTH" && echo .) # the dot keeps a trailing newline
body=${body%.}
size=${#body}
version=$(sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' <<<"$body")

# ---------------------------------------------------------------- nginx

# The same bytes at the same path, so request and body sizes match.
mkdir -p "$tmp/static${PATH_HEALTH%/*}" "$tmp/nginx"
printf '%s' "$body" >"$tmp/static$PATH_HEALTH"
nginx_port=$(free_port)
while [ "$nginx_port" = "$nq57_port" ]; do nginx_port=$(free_port); done
{
    [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<EOF
worker_processes 2;
daemon off;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    default_type application/json;
    client_body_temp_path $tmp/nginx/body;
    proxy_temp_path $tmp/nginx/proxy;
    fastcgi_temp_path $tmp/nginx/fastcgi;
    uwsgi_temp_path $tmp/nginx/uwsgi;
    scgi_temp_path $tmp/nginx/scgi;
    server {
        listen 127.0.0.1:$nginx_port;
        root $tmp/static;
    }
}
EOF
} >"$tmp/nginx/nginx.conf"
"$NGINX" -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" >"$tmp/nginx/stdout.log" 2>&1 &
nginx_pid=$!
wait_ready "$nginx_pid" "$nginx_port" "$tmp/nginx/error.log"
[ "$(http_get "$nginx_port" "$PATH_HEALTH" && echo .)" = "$body." ] || die "nginx does not serve the same body"

# ---------------------------------------------------------------- runs

# rate PORT CONNECTIONS SECONDS: sets RATE to requests/s; warns about errors.
# wrk runs in the background so that a signal stops the script at once.
rate() {
    local out="$tmp/wrk.out"
    wrk -t"$THREADS" -c"$2" -d"$3"s "http://127.0.0.1:$1$PATH_HEALTH" >"$out" 2>&1 &
    wrk_pid=$!
    wait "$wrk_pid" || die "wrk failed against port $1: $(tr '\n' ' ' <"$out")"
    wrk_pid=
    if grep -Eq 'Non-2xx|Socket errors' "$out"; then
        echo "bench/http: warning: port $1, c$2: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ' | tr '\n' ' ')" >&2
    fi
    RATE=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    [ -n "$RATE" ] || die "no rate in wrk's output for port $1: $(tr '\n' ' ' <"$out")"
}

echo "GET $PATH_HEALTH, $size-byte body; wrk -t$THREADS -d${DURATION}s; nq57 ${version:-?} ($BUILD${buildtype:+, $buildtype}), $("$NGINX" -v 2>&1 | sed 's/.*: //')"
if [ "$WARMUP" -gt 0 ]; then
    rate "$nq57_port" 64 "$WARMUP"
    rate "$nginx_port" 64 "$WARMUP"
fi
printf '%-12s %14s %14s %12s\n' connections 'nq57 req/s' 'nginx req/s' 'nq57/nginx'
for c in "${CONNECTIONS[@]}"; do
    rate "$nq57_port" "$c" "$DURATION"
    a=$RATE
    rate "$nginx_port" "$c" "$DURATION"
    b=$RATE
    awk -v c="$c" -v a="$a" -v b="$b" \
        'BEGIN { printf "%-12s %14.0f %14.0f %12.2f\n", c, a, b, (b > 0 ? a / b : 0) }'
done
