#!/usr/bin/env bash
# Soak: mixed reads and writes at 256 connections for SOAK_SECONDS on the
# demo data, on SQLite and on PostgreSQL, with faults half-way: on
# PostgreSQL the database server is restarted, then (on both) nq57 is
# killed with SIGKILL and started again. At the end: no acknowledged write
# is lost (every save answered 2xx is in the database with its value), the
# audit trail's hash chain verifies (`nq57 audit verify`), and the server's
# resident memory, reported every minute, stays flat. Exits 1 when a check
# fails.
#
#   bench/soak.sh                                 # 10 minutes on each database
#   SOAK_SECONDS=20 SOAK_DB=sqlite bench/soak.sh  # the short pass of the tests
#
# BUILD: the nq57 build folder (default build/; a release build for figures).
# SOAK_DB: sqlite, postgresql or both (default both). CONNECTIONS: default
# 256. SOAK_REPORT_EVERY: seconds between figure lines (default 60, or a
# quarter of SOAK_SECONDS when that is shorter). PostgreSQL is a throwaway
# server of tests/pg.sh (it is restarted, so never a shared one). Every
# process is stopped by its recorded PID when the script ends.
set -euo pipefail
export LC_ALL=C.UTF-8

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_DB=${SOAK_DB:-both}
CONNECTIONS=${CONNECTIONS:-256}
NQ57="$BUILD/nq57"
die() { echo "bench/soak: $*" >&2; exit 2; }

[ -x "$NQ57" ] || die "$NQ57 not found: build it or set BUILD"
[[ $SOAK_SECONDS =~ ^[0-9]+$ && $SOAK_SECONDS -ge 10 ]] || die "SOAK_SECONDS must be whole seconds, at least 10"
[[ $CONNECTIONS =~ ^[0-9]+$ && $CONNECTIONS -ge 1 ]] || die "CONNECTIONS must be a whole number"
case $SOAK_DB in sqlite) dbs=(sqlite) ;; postgresql) dbs=(postgresql) ;; both) dbs=(sqlite postgresql) ;;
*) die "SOAK_DB must be sqlite, postgresql or both" ;; esac
every=${SOAK_REPORT_EVERY:-60}
(( SOAK_SECONDS / 4 < every )) && every=$(( SOAK_SECONDS / 4 ))
export SOAK_REPORT_EVERY=$every SOAK_PASSWORD='mật khẩu soak đủ dài 2025' NQ57_PWHASH=${NQ57_PWHASH:-fast}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-soak.XXXXXX")
server_pid= load_pid= rss_pid= pg_dir=
cleanup() {
	for p in $rss_pid $load_pid $server_pid; do kill "$p" 2>/dev/null || true; done
	[ -n "$pg_dir" ] && "$here/tests/pg.sh" stop "$pg_dir" >/dev/null 2>&1 || true
	[ -n "${KEEP:-}" ] && echo "bench/soak: kept $tmp" >&2 || rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	die "no free port"
}

# start_server DB_URL PORT LOG: starts nq57 and waits until it listens.
start_server() {
	# 256 connections from one address are 256 people here: no per-address limit
	NQ57_MAX_PER_ADDRESS=0 "$NQ57" serve --db "$1" --listen "127.0.0.1:$2" --data-dir "$tmp/data" --web-dir "$BUILD/web" --log warn >>"$3" 2>&1 &
	server_pid=$!
	for _ in $(seq 1 200); do
		(exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
		kill -0 "$server_pid" 2>/dev/null || { cat "$3" >&2; die "nq57 did not start"; }
		sleep 0.1
	done
	die "nq57 did not listen on port $2"
}

rss_mb() {
	if [ -r "/proc/$1/status" ]; then awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; else printf -- -; fi
}

# Reports the server's RSS every `every` seconds; reads the PID from a file
# so that the report follows the server across its restart.
rss_loop() {
	local t=0
	while sleep "$every"; do
		t=$((t + every))
		echo "rss t=${t}s pid=$(cat "$1") rss=$(rss_mb "$(cat "$1")")MB"
	done
}

# sql DB_URL QUERY: rows with '|' between columns.
sql() {
	if [[ $1 == sqlite:* ]]; then sqlite3 -bail "${1#sqlite:}" "$2"; else psql "$1" -v ON_ERROR_STOP=1 -qAtc "$2"; fi
}

failed=0
soak() {
	local kind=$1 url port log="$tmp/$1-server.log"
	echo "== $kind: $SOAK_SECONDS s, $CONNECTIONS connections, faults at $((SOAK_SECONDS / 2)) s"
	if [ "$kind" = sqlite ]; then
		url="sqlite:$tmp/soak.db"
	else
		pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/nq57-soak-pg.XXXXXX")   # the PostgreSQL user must reach it
		url=$("$here/tests/pg.sh" start "$pg_dir")
	fi
	bash "$here/scripts/demo-seed.sh" "$NQ57" "$url" >/dev/null
	for i in 1 2 3 4; do
		echo "$SOAK_PASSWORD" | "$NQ57" user add "soak-writer-$i" --name "Soak $i" --role officer --unit 01 --db "$url" >/dev/null
	done
	echo "$SOAK_PASSWORD" | "$NQ57" user add soak-reader --name "Soak reader" --role steering --unit 01 --db "$url" >/dev/null
	port=$(free_port)
	start_server "$url" "$port" "$log"
	echo "$server_pid" >"$tmp/pid"
	echo "rss t=0s pid=$server_pid rss=$(rss_mb "$server_pid")MB (idle)"
	rss_loop "$tmp/pid" &
	rss_pid=$!
	node "$here/bench/soak/load.mjs" "http://127.0.0.1:$port" "$SOAK_SECONDS" "$CONNECTIONS" "$tmp/acked.csv" &
	load_pid=$!
	sleep $((SOAK_SECONDS / 2))
	if [ "$kind" = postgresql ]; then
		echo "fault t=$((SOAK_SECONDS / 2))s: PostgreSQL restarts"
		local bin
		bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_ctl | head -1)")
		if [ "$(id -u)" -eq 0 ]; then
			runuser -u nq57pg -- "$bin/pg_ctl" -D "$pg_dir/data" -m fast -w restart >/dev/null
		else
			"$bin/pg_ctl" -D "$pg_dir/data" -m fast -w restart >/dev/null
		fi
		head -1 "$pg_dir/data/postmaster.pid" >"$pg_dir/pid"
		sleep 2
	fi
	echo "fault: nq57 (pid $server_pid, rss $(rss_mb "$server_pid")MB) is killed with SIGKILL and started again"
	kill -KILL "$server_pid"
	wait "$server_pid" 2>/dev/null || true
	start_server "$url" "$port" "$log"
	echo "$server_pid" >"$tmp/pid"
	wait "$load_pid" || { echo "the load failed"; failed=1; }
	load_pid=
	echo "rss end pid=$server_pid rss=$(rss_mb "$server_pid")MB"
	kill "$rss_pid" 2>/dev/null || true
	wait "$rss_pid" 2>/dev/null || true
	rss_pid=
	kill -TERM "$server_pid"
	wait "$server_pid" 2>/dev/null || true
	server_pid=
	# Every acknowledged save, in the database with its value.
	sql "$url" "SELECT i.code || ',' || u.code || ',' || v.period || ',' || v.value FROM indicator_value v
		JOIN indicator i ON i.id = v.indicator_id JOIN unit u ON u.id = v.unit_id WHERE v.period >= '2040'" >"$tmp/stored.csv"
	local acked lost
	acked=$(wc -l <"$tmp/acked.csv")
	lost=$(awk -F, 'NR == FNR { stored[$1 "," $2 "," $3] = $4 + 0; next }
		!(($1 "," $2 "," $3) in stored) || stored[$1 "," $2 "," $3] != $4 + 0 { n++ } END { print n + 0 }' \
		"$tmp/stored.csv" "$tmp/acked.csv")
	echo "writes acknowledged: $acked, lost: $lost"
	[ "$lost" -eq 0 ] && [ "$acked" -gt 0 ] || failed=1
	if "$NQ57" audit verify --db "$url"; then echo "audit chain: verified"; else echo "audit chain: BROKEN"; failed=1; fi
	if grep -E "AddressSanitizer|LeakSanitizer|runtime error:" "$log" >/dev/null; then
		echo "sanitizer reports in the server log:"; grep -E -A20 "AddressSanitizer|LeakSanitizer|runtime error:" "$log" | head -60
		failed=1
	fi
	if [ "$kind" = postgresql ]; then
		"$here/tests/pg.sh" stop "$pg_dir" >/dev/null
		pg_dir=
	fi
	rm -f "$tmp/soak.db" "$tmp/soak.db-wal" "$tmp/soak.db-shm" "$tmp/acked.csv" "$tmp/stored.csv"
}

for kind in "${dbs[@]}"; do soak "$kind"; done
[ "$failed" -eq 0 ] && echo "soak: passed" || echo "soak: FAILED"
exit "$failed"
