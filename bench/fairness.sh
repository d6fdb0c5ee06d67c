#!/usr/bin/env bash
# Fairness under load (DESIGN.md's budget, issue 17): while 256 clients keep
# the signed-in dashboard busy and 256 more ask for /api/v1/health, cheap
# requests must not wait behind the dashboards. Measures the p99 of health
# (wrk), of a signed-in small read and of officer writes (bench/
# fairness-probe.mjs, open loop). Goals: health and small read p99 < 50 ms,
# writes p99 < 500 ms.
#
#   BUILD=build-release DURATION=20 bench/fairness.sh
#
# BUILD: the nq57 build folder (default build/; use a release build).
# DURATION: seconds of load (default 20). DB: a database URL to use instead
# of a fresh SQLite file (it is seeded with the demo when empty). THREADS,
# WORKERS, HEAVY_WORKERS: passed to nq57 serve when set. Needs wrk
# (apt-get install wrk) and node. The server is stopped by its recorded PID.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
DURATION=${DURATION:-20}
CLIENTS=256
PASSWORD='fairness bench password 2026'

die() { echo "bench/fairness: $*" >&2; exit 1; }

[ -x "$BUILD/nq57" ] || die "$BUILD/nq57 not found: build it or set BUILD"
command -v wrk >/dev/null || die "wrk not found: apt-get install wrk"
command -v node >/dev/null || die "node not found"
[[ $DURATION =~ ^[0-9]+$ ]] && [ "$DURATION" -ge 8 ] || die "DURATION must be whole seconds, at least 8"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-fairness.XXXXXX")
pids=()
stop() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
}
cleanup() {
    local p
    for p in "${pids[@]}"; do stop "$p"; done
    rm -rf "$tmp"
}
trap cleanup EXIT

db=${DB:-sqlite:$tmp/nq57.db}
export NQ57_PWHASH=fast
bash "$here/scripts/demo-seed.sh" "$BUILD/nq57" "$db" >/dev/null
for who in "bcd steering 01" "hoankiem officer 00070"; do
    set -- $who
    "$BUILD/nq57" user list --db "$db" | grep -qw "$1" ||
        echo "$PASSWORD" | "$BUILD/nq57" user add "$1" --name "$1" --role "$2" --unit "$3" --db "$db" >/dev/null
done

extra=()
# The load comes from one address: no per-address limit (older builds have none).
"$BUILD/nq57" serve --help 2>&1 | grep -q -- --max-per-address && extra+=(--max-per-address 0)
[ -n "${THREADS:-}" ] && extra+=(--threads "$THREADS")
[ -n "${WORKERS:-}" ] && extra+=(--workers "$WORKERS")
[ -n "${HEAVY_WORKERS:-}" ] && extra+=(--heavy-workers "$HEAVY_WORKERS")
NQ57_LOG=info "$BUILD/nq57" serve --listen 127.0.0.1:0 --db "$db" --data-dir "$tmp/data" \
    --web-dir "$BUILD/web" "${extra[@]}" >"$tmp/server.log" 2>&1 &
pids+=($!)
for ((i = 0; i < 200; i++)); do
    url=$(grep -o 'listening on http://[0-9.]*:[0-9]*' "$tmp/server.log" | sed 's/listening on //' || true)
    [ -n "$url" ] && break
    kill -0 "${pids[0]}" 2>/dev/null || { cat "$tmp/server.log" >&2; die "the server did not start"; }
    sleep 0.1
done
[ -n "$url" ] || die "the server did not start"

# sign_in LOGIN: prints "COOKIE CSRF"
sign_in() {
    local body
    body=$(curl -sS -D "$tmp/h" -H 'content-type: application/json' \
        -d "{\"login\":\"$1\",\"password\":\"$PASSWORD\"}" "$url/api/v1/session")
    printf '%s %s\n' "$(grep -io 'nq57_session=[^;]*' "$tmp/h" | head -1)" \
        "$(printf '%s' "$body" | sed -n 's/.*"csrf_token":"\([^"]*\)".*/\1/p')"
}
read -r steering_cookie _ < <(sign_in bcd)
read -r officer_cookie officer_csrf < <(sign_in hoankiem)
[ -n "$steering_cookie" ] && [ -n "$officer_csrf" ] || die "cannot sign in"
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $steering_cookie" "$url/api/v1/dashboard")
[ "$code" = 200 ] || die "GET /api/v1/dashboard answered $code"

echo "nq57 fairness: $(nproc) CPUs, $(grep -o 'listening on.*' "$tmp/server.log"), ${DURATION}s of load"
# LOAD=none measures the same probes on an idle server, for reference.
dash_clients=$CLIENTS health_clients=$CLIENTS
[ "${LOAD:-}" = none ] && dash_clients=1 health_clients=1
wrk -t1 -c$dash_clients -d"${DURATION}s" -H "Cookie: $steering_cookie" "$url/api/v1/dashboard" >"$tmp/dash.txt" 2>&1 &
pids+=($!)
dash_pid=$!
wrk -t1 -c$health_clients -d"${DURATION}s" --latency "$url/api/v1/health" >"$tmp/health.txt" 2>&1 &
pids+=($!)
health_pid=$!
echo "load: wrk -t1 -c$dash_clients GET /api/v1/dashboard (signed in) + wrk -t1 -c$health_clients --latency GET /api/v1/health;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg)"
sleep 2
node "$here/bench/fairness-probe.mjs" "$url" "$officer_cookie" "$officer_csrf" $((DURATION - 4))
wait "$dash_pid" "$health_pid" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "dashboard: $(grep -E 'Requests/sec' "$tmp/dash.txt" | awk '{print $2}') req/s," \
    "$(grep -E '^ +Latency' "$tmp/dash.txt" | awk '{print "mean " $2 ", max " $4}')," \
    "$(grep -E 'Non-2xx|Socket errors' "$tmp/dash.txt" | tr -s ' ' | tr '\n' ' ')"
echo "health:    $(grep -E 'Requests/sec' "$tmp/health.txt" | awk '{print $2}') req/s," \
    "p50 $(awk '$1 == "50%" {print $2}' "$tmp/health.txt")," \
    "p99 $(awk '$1 == "99%" {print $2}' "$tmp/health.txt")," \
    "max $(grep -E '^ +Latency' "$tmp/health.txt" | awk '{print $4}')" \
    "$(grep -E 'Non-2xx|Socket errors' "$tmp/health.txt" | tr -s ' ' | tr '\n' ' ')"
