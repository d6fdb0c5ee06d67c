#!/usr/bin/env bash
# Live roll-ups and dashboards at national scale: nq57's API over a
# generated national dataset against plain SQL over the same data, on
# SQLite and on PostgreSQL, in the same run (issue "Live dashboards").
#
# The data: the 34 provinces and 3,321 communes of ../shared/data/
# vn-admin-2025 (synthetic units of the same shape when the folder is
# absent), 100 indicators (bench/rollup/programme.awk: sum, mean, min, max,
# weighted mean, three derived by formula; half of them with targets for
# every province) and approved values at every commune for the 40 quarters
# 2017Q1..2026Q4: 97 x 3,321 x 40 = 12.9 million rows, inserted with plain
# SQL in one transaction the way the product's bulk import does it (the
# data_change triggers paused, one 'values' entry per indicator logged).
#
# The cases, each as nq57 answers it and as plain SQL (median of RUNS runs
# after a warm-up) with the schema's indexes and again with two covering
# indexes added for the reference:
#   A  GET /api/v1/rollup, one indicator over the whole country, 40 quarters
#      (a sum and a mean indicator)       goal: < 5 ms and >= 10x plain SQL
#   B  GET /api/v1/dashboard, the overview (100 tiles), country and province
#                                         goal: < 20 ms and >= 10x plain SQL
#   C  GET /api/v1/dashboard/indicators/{id}, country and province
# The server keeps tiles in a memo until the data changes, so B and C are
# measured twice: answered from the memo (wrk, one connection: sequential
# requests, median and p99) and as the first request after a change (an
# approved value changed (plus 1) with plain SQL before each of GETS requests;
# bench/rollup/probe.c). The c64 columns: wrk -t2 -c64 (p99, req/s), for
# "after a change" rows while a value is changed every CHANGE_MS.
# Diagnostic rows (d) show where an overview's time goes and what the
# first request after an import costs (and how long until its figures
# are served, the import being loaded in the background). The API's figures for A, B and C
# are compared with plain SQL's; the start-up load time and the server's
# memory (VmRSS, VmHWM) are printed. The server runs with 2 threads.
#
#   BUILD=build bench/rollup.sh                     # both databases, full scale
#   DB=sqlite COMMUNES=300 SEQ=2 DURATION=3 bench/rollup.sh   # a quick run
#
# BUILD: nq57 build folder (default build/; a release build; the binary is
# copied at the start, so a rebuild during the run changes nothing).
# DB: sqlite, postgres or both (default). COMMUNES: use this many communes,
# spread over the provinces (default all). DATA: the folder with
# provinces.csv and communes.csv. SEQ / DURATION: seconds of sequential /
# concurrent wrk per case (default 5 / 10; WARMUP 1). RUNS: plain-SQL runs
# per query (default 7). GETS: requests after a change per case (default
# 30). CHANGE_MS: the rewrite interval under c64 (default 100). KEEP=1 keeps
# the temporary folder (the SQLite database, answers, logs) and prints its
# path; PostgreSQL is always stopped and its folder removed (tests/pg.sh).
# Needs sqlite3, wrk, cc, pkg-config, libsqlite3-dev and libpq-dev; for
# PostgreSQL the server packages and psql (scripts/install-deps.sh test).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
DB=${DB:-both}
COMMUNES=${COMMUNES:-0}
DATA=${DATA:-$here/../shared/data/vn-admin-2025}
SEQ=${SEQ:-5}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-1}
RUNS=${RUNS:-7}
GETS=${GETS:-30}
CHANGE_MS=${CHANGE_MS:-100}
THREADS=2

die() { echo "bench/rollup: $*" >&2; exit 1; }
say() { echo "bench/rollup: $*" >&2; }

case "$DB" in sqlite | postgres | both) ;; *) die "DB must be sqlite, postgres or both, not '$DB'" ;; esac
for v in COMMUNES SEQ DURATION WARMUP RUNS GETS CHANGE_MS; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done
[ "$SEQ" -gt 0 ] && [ "$DURATION" -gt 0 ] && [ "$RUNS" -gt 0 ] && [ "$GETS" -gt 0 ] && [ "$CHANGE_MS" -gt 0 ] ||
	die "SEQ, DURATION, RUNS, GETS and CHANGE_MS must be at least 1"
[ -x "$BUILD/nq57" ] || die "$BUILD/nq57 not found: build it (meson setup --buildtype=release $BUILD && ninja -C $BUILD) or set BUILD"
[ -f "$BUILD/web/index.html" ] || die "$BUILD/web/index.html not found: ninja -C $BUILD"
for c in sqlite3 wrk cc pkg-config awk; do
	command -v "$c" >/dev/null || die "$c not found (scripts/install-deps.sh bench)"
done
if [ "$DB" != sqlite ]; then
	command -v psql >/dev/null || die "psql not found (apt-get install postgresql postgresql-client)"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || die "no PostgreSQL server (apt-get install postgresql)"
fi

buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
	sed 's/.*"value": "//; s/"$//' || true)
if [ -n "$buildtype" ] && [ "$buildtype" != release ]; then
	say "warning: $BUILD is a '$buildtype' build; numbers are for a release build"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-rollup.XXXXXX")
pgdir=
server_pid=
wrk_pid=
changes_pid=

# stop PID: TERM, then KILL if it has not gone within 10 s.
stop() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null || true
}
cleanup() {
	stop "$wrk_pid"
	stop "$changes_pid"
	stop "$server_pid"
	[ -n "$pgdir" ] && "$here/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1
	if [ -n "${KEEP:-}" ]; then
		echo "bench/rollup: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NQ57="$tmp/nq57"
cp "$BUILD/nq57" "$NQ57"
commit=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')
[ -z "$(git -C "$here" status --porcelain -- src 2>/dev/null)" ] || commit="$commit, src/ modified"
# shellcheck disable=SC2046 # the flags are words
cc -O2 -o "$tmp/probe" "$here/bench/rollup/probe.c" $(pkg-config --cflags --libs sqlite3 libpq) ||
	die "cannot build bench/rollup/probe.c (needs libsqlite3-dev and libpq-dev)"
PROBE="$tmp/probe"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# ------------------------------------------------------------------ units

if [ -f "$DATA/provinces.csv" ] && [ -f "$DATA/communes.csv" ]; then
	units_from="$(cd "$DATA" && pwd)"
	cp "$DATA/provinces.csv" "$tmp/provinces.all.csv"
	cp "$DATA/communes.csv" "$tmp/communes.all.csv"
else
	units_from="synthetic: no $DATA"
	say "warning: $DATA has no provinces.csv and communes.csv; generating 34 provinces and 3,321 communes"
	awk 'BEGIN { print "code,name"; for (p = 1; p <= 34; p++) printf "%02d,Tỉnh thử %d\n", p * 2, p }' >"$tmp/provinces.all.csv"
	awk 'BEGIN { print "code,name,province_code"; for (i = 1; i <= 3321; i++)
		printf "%05d,Xã thử %d,%02d\n", i * 9, i, 2 * (1 + int((i - 1) * 34 / 3321)) }' >"$tmp/communes.all.csv"
fi
cp "$tmp/provinces.all.csv" "$tmp/provinces.csv"
total=$(($(wc -l <"$tmp/communes.all.csv") - 1))
if [ "$COMMUNES" -gt 0 ] && [ "$COMMUNES" -lt "$total" ]; then
	awk -v n="$COMMUNES" -v step=$((total / COMMUNES)) 'NR == 1 || ((NR - 2) % step == 0 && k++ < n)' \
		"$tmp/communes.all.csv" >"$tmp/communes.csv"
else
	cp "$tmp/communes.all.csv" "$tmp/communes.csv"
fi
n_provinces=$(($(wc -l <"$tmp/provinces.csv") - 1))
n_communes=$(($(wc -l <"$tmp/communes.csv") - 1))
# the province of the province rows: the first one with communes
prov_code=$(awk -F, 'NR == 2 { sub(/\r$/, ""); print $3; exit }' "$tmp/communes.csv")
awk -F, -f "$here/bench/rollup/programme.awk" "$tmp/provinces.csv" "$tmp/communes.csv" >"$tmp/programme.json"
n_values=$((97 * n_communes * 40))

# ------------------------------------------------------------------ HTTP

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

# http_get PORT PATH: the body of one request; fails on no answer or a
# status other than 200.
http_get() {
	local port=$1 path=$2 line status len=
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
	IFS= read -r -t 30 status <&3 || { exec 3<&-; return 1; }
	while IFS= read -r -t 30 line <&3; do
		line=${line%$'\r'}
		[ -z "$line" ] && break
		shopt -s nocasematch
		[[ $line =~ ^content-length:\ *([0-9]+) ]] && len=${BASH_REMATCH[1]}
		shopt -u nocasematch
	done
	[[ $status == *" 200 "* ]] || { exec 3<&-; return 1; }
	local body=
	if [ -z "$len" ]; then
		IFS= read -r -d '' -t 30 body <&3 || true
	elif [ "$len" -gt 0 ]; then
		IFS= read -r -N "$len" -t 30 body <&3
	fi
	exec 3<&-
	printf '%s' "$body"
}

# to_ms VALUE: wrk's "850.00us", "1.23ms", "1.20s", "1.00m" in ms.
to_ms() {
	awk -v x="$1" 'BEGIN { f = 1; if (x ~ /us$/) f = 0.001; else if (x ~ /ms$/) f = 1; else if (x ~ /m$/) f = 60000;
		else if (x ~ /s$/) f = 1000; sub(/[a-z]+$/, "", x); printf "%.3f", x * f }'
}

# wrk_run CONNECTIONS SECONDS PATH: sets W_P50 W_P99 (ms), W_RPS, W_N;
# runs in the background so that a signal stops the script at once.
wrk_run() {
	local c=$1 d=$2 path=$3 t=2 out="$tmp/wrk.out"
	[ "$c" -eq 1 ] && t=1
	wrk -t"$t" -c"$c" -d"$d"s --timeout 30s --latency "http://127.0.0.1:$port$path" >"$out" 2>&1 &
	wrk_pid=$!
	wait "$wrk_pid" || die "wrk failed on $path: $(tr '\n' ' ' <"$out")"
	wrk_pid=
	if grep -Eq 'Non-2xx|Socket errors' "$out"; then
		say "warning: $path, c$c: $(grep -E 'Non-2xx|Socket errors' "$out" | tr -s ' ' | tr '\n' ' ')"
	fi
	W_P50=$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")
	W_P99=$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	W_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	W_N=$(awk '/requests in/ { print $1 }' "$out")
	[ -n "$W_RPS" ] || die "no rate in wrk's output for $path: $(tr '\n' ' ' <"$out")"
}

status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }

# ------------------------------------------------------------------ one database

# q SQL: one query on the current database, rows as text (| between columns).
q() {
	if [ "$kind" = sqlite ]; then
		sqlite3 -batch -noheader "$sqlite_file" "$1"
	else
		psql -X -A -t -q -v ON_ERROR_STOP=1 "$url" -c "$1"
	fi
}

build_db() {
	local t0 t1 n
	"$NQ57" migrate --db "$url" >"$tmp/$kind.setup.log" 2>&1 || die "nq57 migrate failed: $(tail -3 "$tmp/$kind.setup.log")"
	"$NQ57" unit import "$tmp/provinces.csv" --db "$url" >>"$tmp/$kind.setup.log" 2>&1 &&
		"$NQ57" unit import "$tmp/communes.csv" --db "$url" >>"$tmp/$kind.setup.log" 2>&1 &&
		"$NQ57" programme load "$tmp/programme.json" --db "$url" >>"$tmp/$kind.setup.log" 2>&1 ||
		die "loading units or programme failed: $(tail -3 "$tmp/$kind.setup.log")"
	say "$kind: inserting $n_values approved values"
	t0=$(now)
	if [ "$kind" = sqlite ]; then
		sqlite3 -batch "$sqlite_file" <"$here/bench/rollup/values-sqlite.sql" >>"$tmp/$kind.setup.log" ||
			die "inserting values into SQLite failed"
	else
		psql -X -q -v ON_ERROR_STOP=1 "$url" -f "$here/bench/rollup/values-postgres.sql" >>"$tmp/$kind.setup.log" ||
			die "inserting values into PostgreSQL failed"
	fi
	t1=$(now)
	insert_s=$(secs "$t0" "$t1")
	sync # the kernel's writing back of the load must not overlap the measurements
	n=$(q "SELECT COUNT(*) FROM indicator_value WHERE status = 'approved'")
	[ "$n" = "$n_values" ] || die "$kind: $n approved values, expected $n_values"
	n=$(q "SELECT COUNT(*) FROM data_change WHERE kind = 'value'")
	[ "$n" = 0 ] || die "$kind: the insert logged $n per-value data_change entries (the pause did not work)"
	if [ "$kind" = sqlite ]; then
		db_size=$(awk -v b="$(stat -c %s "$sqlite_file")" 'BEGIN { printf "%.0f MiB", b / 1048576 }')
	else
		db_size=$(q "SELECT pg_size_pretty(pg_database_size(current_database()))")
	fi
	say "$kind: inserted in $insert_s s (with ANALYZE), database $db_size"
}

# The cases (rows of the table): label, API path, plain SQL (none for
# diagnostics), mode (hit: repeated requests; change: each request the
# first after an approved value was rewritten; import1 / importall: each
# the first after an import logged one / every indicator, answered from
# the figures before it while it loads; settleall: the median time from
# such an import to the first answer with its figures), goal (A, B or
# -), and whether wrk -c64 runs.
define_cases() {
	local i1 i71 p vid
	i1=$(q "SELECT id FROM indicator WHERE code = 'I001'")
	i71=$(q "SELECT id FROM indicator WHERE code = 'I071'")
	p=$(q "SELECT id FROM unit WHERE code = '$prov_code'")
	[ -n "$i1" ] && [ -n "$i71" ] && [ -n "$p" ] || die "$kind: indicators or province not found"
	vid=$(q "SELECT MIN(v.id) FROM indicator_value v JOIN unit u ON u.id = v.unit_id
		WHERE v.indicator_id = $i1 AND u.parent_id = $p AND v.period = '2026Q4'")
	prov_id=$p
	i1_id=$i1
	change_sql="UPDATE indicator_value SET value = value + 1 WHERE id = $vid"
	local sa1="SELECT period, SUM(value) FROM indicator_value WHERE indicator_id = $i1 AND status = 'approved' GROUP BY period"
	local sa2="SELECT period, AVG(value) FROM indicator_value WHERE indicator_id = $i71 AND status = 'approved' GROUP BY period"
	local sb1="SELECT indicator_id, SUM(value) FROM indicator_value WHERE period = '2026Q4' AND status = 'approved' GROUP BY indicator_id"
	local sb2="SELECT v.indicator_id, SUM(v.value) FROM indicator_value v JOIN unit u ON u.id = v.unit_id
		WHERE u.parent_id = $p AND v.period = '2026Q4' AND v.status = 'approved' GROUP BY v.indicator_id"
	local sc1="SELECT u.parent_id, v.period, SUM(v.value) FROM indicator_value v JOIN unit u ON u.id = v.unit_id
		WHERE v.indicator_id = $i1 AND v.status = 'approved' GROUP BY u.parent_id, v.period"
	local sc2="SELECT v.unit_id, v.period, v.value FROM indicator_value v JOIN unit u ON u.id = v.unit_id
		WHERE u.parent_id = $p AND v.indicator_id = $i1 AND v.status = 'approved'"
	local pb1="/api/v1/dashboard?period=2026Q4" pb2="/api/v1/dashboard?period=2026Q4&unit_id=$p"
	local pc1="/api/v1/dashboard/indicators/$i1" pc2="/api/v1/dashboard/indicators/$i1?unit_id=$p"
	cases=()
	local n=0
	add() {
		local id=c$n
		n=$((n + 1))
		cases+=("$id")
		label[$id]=$1 path[$id]=$2 sql[$id]=$3 mode[$id]=$4 goal[$id]=$5 c64[$id]=$6
	}
	add "A  rollup I001 (sum), country, 40 q" "/api/v1/rollup?indicator=I001&from=2017Q1&to=2026Q4" "$sa1" hit A yes
	case_a1=${cases[-1]}
	add "A  rollup I071 (mean), country, 40 q" "/api/v1/rollup?indicator=I071&from=2017Q1&to=2026Q4" "$sa2" hit A yes
	case_a2=${cases[-1]}
	add "B  overview 2026Q4, country: memo" "$pb1" "$sb1" hit B yes
	case_b1=${cases[-1]}
	add "   the same, first after a change" "$pb1" "$sb1" change B yes
	add "B  overview 2026Q4, province $prov_code: memo" "$pb2" "$sb2" hit - yes
	case_b2=${cases[-1]}
	add "   the same, first after a change" "$pb2" "$sb2" change - yes
	add "C  indicator page I001, country: memo" "$pc1" "$sc1" hit - yes
	case_c1=${cases[-1]}
	add "   the same, first after a change" "$pc1" "$sc1" change - yes
	add "C  indicator page I001, province $prov_code: memo" "$pc2" "$sc2" hit - yes
	add "   the same, first after a change" "$pc2" "$sc2" change - yes
	add "d  overview 2017Q1, country: change" "/api/v1/dashboard?period=2017Q1" "" change - no
	add "d  overview 2030, province $prov_code: change" "/api/v1/dashboard?period=2030&unit_id=$p" "" change - no
	add "d  rollup I001, 1 q" "/api/v1/rollup?indicator=I001&periods=2026Q4" "" hit - no
	add "d  the same, after import of I001" "/api/v1/rollup?indicator=I001&periods=2026Q4" "" import1 - no
	add "d  the same, after import of all 100" "/api/v1/rollup?indicator=I001&periods=2026Q4" "" importall - no
	add "d    until the import's figures are served" "/api/v1/rollup?indicator=I001&periods=2026Q4" "" settleall - no
	import1_sql="INSERT INTO data_change (kind, indicator_id) VALUES ('values', $i1)"
	importall_sql="INSERT INTO data_change (kind, indicator_id) SELECT 'values', id FROM indicator"
}

start_server() {
	local t0 t1 i
	port=$(free_port)
	mkdir -p "$tmp/$kind.files"
	t0=$(now)
	"$NQ57" serve --db "$url" --listen "127.0.0.1:$port" --threads "$THREADS" --data-dir "$tmp/$kind.files" \
		--web-dir "$BUILD/web" >"$tmp/$kind.server.log" 2>&1 &
	server_pid=$!
	for ((i = 0; ; i++)); do
		kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$tmp/$kind.server.log" >&2; die "$kind: server exited at start"; }
		http_get "$port" /api/v1/health >/dev/null 2>&1 && break
		[ "$i" -lt 30000 ] || die "$kind: server did not answer within 10 minutes"
		sleep 0.02
	done
	t1=$(now)
	load_s=$(secs "$t0" "$t1")
	rss_load=$(status_kib "$server_pid" VmRSS)
	hwm_load=$(status_kib "$server_pid" VmHWM)
	say "$kind: server answered after $load_s s; VmRSS $((rss_load / 1024)) MiB, VmHWM $((hwm_load / 1024)) MiB"
}

# measure CASE: sets seq_p50 seq_p99 seq_n and (with c64) c64_p99 c64_rps.
measure() {
	local c=$1 runs=$GETS change
	say "$kind: ${label[$c]## } (${mode[$c]}) ${path[$c]}"
	case ${mode[$c]} in
	hit)
		[ "$WARMUP" -gt 0 ] && wrk_run 1 "$WARMUP" "${path[$c]}"
		wrk_run 1 "$SEQ" "${path[$c]}"
		seq_p50[$c]=$W_P50 seq_p99[$c]=$W_P99 seq_n[$c]=$W_N
		;;
	change | import1 | importall)
		change=$change_sql
		[ "${mode[$c]}" = import1 ] && change=$import1_sql
		[ "${mode[$c]}" = importall ] && { change=$importall_sql; runs=3; }
		read -r seq_p50[$c] seq_p99[$c] _ seq_n[$c] <<<"$("$PROBE" get "$url" "$port" "${path[$c]}" "$runs" "$change")"
		;;
	settleall)
		# the time from an import of all 100 to the first answer that
		# shows its figures (the server loads it in the background)
		read -r _ _ seq_p50[$c] seq_n[$c] <<<"$("$PROBE" settle "$url" "$port" "${path[$c]}" 3 "$importall_sql")"
		seq_p99[$c]=${seq_p50[$c]}
		;;
	esac
	[ "${c64[$c]}" = yes ] || return 0
	if [ "${mode[$c]}" = change ]; then
		"$PROBE" changes "$url" "$CHANGE_MS" "$((DURATION + 1))" "$change_sql" >"$tmp/changes.out" &
		changes_pid=$!
	fi
	wrk_run 64 "$DURATION" "${path[$c]}"
	c64_p99[$c]=$W_P99 c64_rps[$c]=$W_RPS
	if [ -n "$changes_pid" ]; then
		wait "$changes_pid" || die "probe changes failed"
		changes_pid=
	fi
}

# check NAME JSON_FILE JSON_PATH KEY VALUE REF_CSV: the API's pairs (KEY,
# VALUE) of the array at JSON_PATH against plain SQL's (key, value) rows.
check() {
	local name=$1 json=$2 jpath=$3 key=$4 val=$5 ref=$6 out
	out=$(sqlite3 -batch -noheader :memory: <<EOF
CREATE TABLE ref (k TEXT, x REAL);
.import --csv $ref ref
CREATE TABLE api AS SELECT json_extract(value, '\$.$key') AS k, json_extract(value, '\$.$val') AS x
	FROM json_each(readfile('$json'), '$jpath');
SELECT (SELECT COUNT(*) FROM ref), (SELECT COUNT(*) FROM api),
	(SELECT COUNT(*) FROM ref LEFT JOIN api USING (k) WHERE api.x IS NULL OR ref.x IS NULL
		OR abs(api.x - ref.x) > 1e-9 * max(1, abs(ref.x))),
	(SELECT printf('%.1e', MAX(abs(api.x - ref.x) / max(1, abs(ref.x)))) FROM ref JOIN api USING (k)),
	(SELECT group_concat(k || ': api ' || ifnull(ax, 'null') || ', sql ' || ifnull(rx, 'null'), '; ') FROM
		(SELECT ref.k AS k, api.x AS ax, ref.x AS rx FROM ref LEFT JOIN api USING (k)
		 WHERE api.x IS NULL OR ref.x IS NULL OR abs(api.x - ref.x) > 1e-9 * max(1, abs(ref.x)) LIMIT 5));
EOF
	)
	local nref napi bad maxrel examples
	IFS='|' read -r nref napi bad maxrel examples <<<"$out"
	if [ "$bad" = 0 ] && [ "$nref" -gt 0 ]; then
		printf '  %-40s %s figures agree (largest relative difference %s)\n' "$name" "$nref" "$maxrel"
	else
		printf '  %-40s MISMATCH: %s of %s figures differ (the API gave %s): %s\n' "$name" "$bad" "$nref" "$napi" "$examples"
	fi
}

# The plain-SQL figure each tile should show, by the indicator's own
# aggregation (a weighted mean by its weight, a derived one by its formula).
tiles_sql() {
	local unit_join=${1:-}
	cat <<EOF
WITH v AS (SELECT v.indicator_id, v.unit_id, v.value FROM indicator_value v $unit_join
           WHERE v.period = '2026Q4' AND v.status = 'approved'),
a AS (SELECT i.code AS code,
             CASE i.aggregation WHEN 'sum' THEN SUM(v.value) WHEN 'mean' THEN AVG(v.value) WHEN 'min' THEN MIN(v.value)
                  WHEN 'max' THEN MAX(v.value) WHEN 'weighted_mean' THEN SUM(w.value * v.value) / SUM(w.value) END AS x
      FROM indicator i JOIN v ON v.indicator_id = i.id
      LEFT JOIN indicator wi ON wi.code = i.weight_code
      LEFT JOIN v w ON w.indicator_id = wi.id AND w.unit_id = v.unit_id
      GROUP BY i.code, i.aggregation)
SELECT code, x FROM a
UNION ALL SELECT 'I098', (SELECT x FROM a WHERE code = 'I001') / (SELECT x FROM a WHERE code = 'I002') * 100
UNION ALL SELECT 'I099', ((SELECT x FROM a WHERE code = 'I003') + (SELECT x FROM a WHERE code = 'I004'))
                         / (SELECT x FROM a WHERE code = 'I001') * 1000
UNION ALL SELECT 'I100', (SELECT x FROM a WHERE code = 'I071') / (SELECT x FROM a WHERE code = 'I072') * 100
EOF
}

# The API's figures against plain SQL's (before any change is made).
verify() {
	local c f=$tmp/$kind
	for c in "$case_a1" "$case_a2" "$case_b1" "$case_b2" "$case_c1"; do
		http_get "$port" "${path[$c]}" >"$f.$c.json" || die "$kind: GET ${path[$c]} failed"
	done
	"$PROBE" sql "$url" 1 "${sql[$case_a1]}" -o "$f.a1.csv" >/dev/null
	"$PROBE" sql "$url" 1 "${sql[$case_a2]}" -o "$f.a2.csv" >/dev/null
	"$PROBE" sql "$url" 1 "$(tiles_sql)" -o "$f.b1.csv" >/dev/null
	"$PROBE" sql "$url" 1 "$(tiles_sql "JOIN unit u ON u.id = v.unit_id AND u.parent_id = $prov_id")" -o "$f.b2.csv" >/dev/null
	"$PROBE" sql "$url" 1 "SELECT p.code, SUM(v.value) FROM indicator_value v JOIN unit u ON u.id = v.unit_id
		JOIN unit p ON p.id = u.parent_id WHERE v.indicator_id = $i1_id AND v.period = '2026Q4'
		AND v.status = 'approved' GROUP BY p.code" -o "$f.c1.csv" >/dev/null
	echo "figures, the API against plain SQL (relative tolerance 1e-9):"
	check "A  I001 sum, 40 quarters" "$f.$case_a1.json" '$.values' period value "$f.a1.csv"
	check "A  I071 mean, 40 quarters" "$f.$case_a2.json" '$.values' period value "$f.a2.csv"
	check "B  country tiles (100 indicators)" "$f.$case_b1.json" '$.indicators' code actual "$f.b1.csv"
	check "B  province $prov_code tiles (100 indicators)" "$f.$case_b2.json" '$.indicators' code actual "$f.b2.csv"
	check "C  I001 by province, 2026Q4" "$f.$case_c1.json" '$.breakdown' code latest "$f.c1.csv"
	local extra
	extra=$(sqlite3 -batch -noheader :memory: "SELECT COUNT(*), SUM(json_extract(value, '\$.period') = '2026Q4'),
		SUM(json_extract(value, '\$.reporters') = $n_communes) FROM json_each(readfile('$f.$case_b1.json'), '\$.indicators')")
	echo "  country tiles, for 2026Q4, with $n_communes reporters: ${extra//|/, }"
	extra=$(sqlite3 -batch -noheader :memory: "SELECT group_concat(c || ' ' || n, ', ') FROM (SELECT
		json_extract(value, '\$.colour') AS c, COUNT(*) AS n FROM json_each(readfile('$f.$case_b2.json'), '\$.indicators')
		GROUP BY 1 ORDER BY 1)")
	echo "  province $prov_code tile colours: $extra"
}

run_database() {
	kind=$1
	local c t0 t1 memory
	declare -gA label path sql mode goal c64 seq_p50 seq_p99 seq_n c64_p99 c64_rps ref_schema ref_index
	if [ "$kind" = sqlite ]; then
		sqlite_file="$tmp/sqlite.db"
		url="sqlite:$sqlite_file"
		version="SQLite $(sqlite3 --version | cut -d' ' -f1)"
	else
		pgdir=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-rollup-pg.XXXXXX")
		url=$("$here/tests/pg.sh" start "$pgdir") || die "tests/pg.sh start failed"
		version="PostgreSQL $(psql -X -A -t -q "$url" -c "SHOW server_version" | cut -d' ' -f1)"
	fi
	say "$kind: building the database ($version)"
	build_db
	define_cases

	start_server
	local report="$tmp/$kind.report"
	verify >"$report"
	load_before=$(cut -d' ' -f1-3 /proc/loadavg)
	for c in "${cases[@]}"; do
		measure "$c"
	done
	rss_end=$(status_kib "$server_pid" VmRSS)
	hwm_end=$(status_kib "$server_pid" VmHWM)
	stop "$server_pid"
	server_pid=

	say "$kind: plain SQL with the schema's indexes"
	for c in "${cases[@]}"; do
		[ -n "${sql[$c]}" ] || continue
		read -r ref_schema[$c] _ <<<"$("$PROBE" sql "$url" "$RUNS" "${sql[$c]}")"
	done
	say "$kind: adding the reference's covering indexes"
	memory="PRAGMA cache_size = -1048576;"
	[ "$kind" = postgres ] && memory="SET maintenance_work_mem = '1GB';"
	t0=$(now)
	q "$memory
		CREATE INDEX bench_ref_indicator ON indicator_value (indicator_id, status, period, unit_id, value);
		CREATE INDEX bench_ref_period ON indicator_value (period, status, indicator_id, unit_id, value);
		ANALYZE;" >/dev/null
	[ "$kind" = postgres ] && q "CHECKPOINT" >/dev/null
	sync
	t1=$(now)
	index_s=$(secs "$t0" "$t1")
	for c in "${cases[@]}"; do
		[ -n "${sql[$c]}" ] || continue
		read -r ref_index[$c] _ <<<"$("$PROBE" sql "$url" "$RUNS" "${sql[$c]}")"
	done

	echo
	echo "== $version: $n_provinces provinces, $n_communes communes ($units_from), 100 indicators, 40 quarters,"
	echo "   $n_values approved values at the communes; inserted in $insert_s s (one transaction, with ANALYZE); database $db_size"
	echo "   nq57 ${buildtype:-?} build ($commit), $THREADS threads: start-up load $load_s s; VmRSS $((rss_load / 1024)) MiB" \
		"(VmHWM $((hwm_load / 1024)) MiB) after it, $((rss_end / 1024)) MiB (VmHWM $((hwm_end / 1024)) MiB) at the end"
	echo "   SQL: plain SQL, median of $RUNS runs after a warm-up, with the schema's indexes; SQL+ix: with"
	echo "   bench_ref_indicator (indicator_id, status, period, unit_id, value) and bench_ref_period (period, status,"
	echo "   indicator_id, unit_id, value) added (built in $index_s s). nq57: memo rows wrk -c1 ${SEQ}s, change rows $GETS"
	echo "   requests each after an approved value was changed (+1); median, p99, n requests. c64: wrk -t2 -c64 ${DURATION}s"
	echo "   (change rows: a value changed every $CHANGE_MS ms meanwhile). ratio: the faster SQL over nq57's median."
	echo "   load average before the nq57 runs: $load_before; after the plain SQL: $(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-41s %8s %8s %8s %8s %6s %7s %8s %7s  %s\n' case 'SQL ms' 'SQL+ix' 'nq57 ms' 'p99' n ratio 'c64 p99' 'c64 r/s' goal
	for c in "${cases[@]}"; do
		awk -v l="${label[$c]}" -v s="${ref_schema[$c]:-}" -v x="${ref_index[$c]:-}" -v m="${seq_p50[$c]}" \
			-v p="${seq_p99[$c]}" -v n="${seq_n[$c]}" -v cp="${c64_p99[$c]:-}" -v cr="${c64_rps[$c]:-}" \
			-v g="${goal[$c]}" -v c64="${c64[$c]}" 'BEGIN {
			best = (x != "" && x + 0 < s + 0) ? x : s
			ratio = best == "" ? "" : best / m
			verdict = "-"
			if (g == "A" || g == "B") {
				lim = g == "A" ? 5 : 20
				verdict = sprintf("<%d ms %s, >=10x %s", lim, (m < lim ? "met" : "MISSED"), (ratio >= 10 ? "met" : "MISSED"))
			}
			printf "%-41s %8s %8s %8.2f %8.2f %6d %7s %8s %7s  %s\n", l,
				(s == "" ? "-" : sprintf("%.2f", s)), (x == "" ? "-" : sprintf("%.2f", x)), m, p, n,
				(ratio == "" ? "-" : sprintf("%.1fx", ratio)),
				(c64 == "yes" ? sprintf("%.1f", cp) : "-"), (c64 == "yes" ? sprintf("%.0f", cr) : "-"), verdict }'
	done
	cat "$report"
	if [ "$kind" = postgres ]; then
		"$here/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true
		pgdir=
	fi
	unset -f add
}

echo "bench/rollup: $(nproc) CPUs, $(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
	"$n_provinces provinces, $n_communes communes, $n_values values per database"
[ "$DB" = postgres ] || run_database sqlite
[ "$DB" = sqlite ] || run_database postgres
