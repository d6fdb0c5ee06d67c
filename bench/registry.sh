#!/usr/bin/env bash
# The ecosystem registry at scale: 100,000 organisations and 1 million
# bookings of shared resources (bench/registry/gen.awk), loaded with plain
# SQL after `nq57 migrate`; then nq57's API is timed against plain SQL over
# the same database in the same run:
#   search  GET /api/v1/organisations?q=... (typical queries, with and
#           without marks)                       goal: p95 < 20 ms
#           reference: the folded name LIKE '%q%' (count and first page)
#   usage   GET /api/v1/networks/hihub/usage?month=... (the monthly report
#           of the network holding half the bookings: about 21,000 in a
#           month)                                goal: p95 < 200 ms
#           reference: the same figures in plain SQL (hours, bookings and
#           distinct firms per member and sector, distinct firms per member
#           and in the network: three statements)
# "found" is the answer's total (organisations found; used bookings).
# nq57's figures are p50/p95/p99 of COUNT sequential requests on one
# kept-alive connection (bench/registry/probe.mjs, after a warm-up); plain
# SQL's the median of RUNS runs in the sqlite3 shell (.timer) or psql
# (\timing). The ratio is plain SQL's median over nq57's p50.
# The bookings hold no booking_slot rows (those only decide conflicts of
# new requests; the reads measured here do not touch them).
#
#   BUILD=build bench/registry.sh                  # SQLite, full scale
#   DB=both bench/registry.sh                      # and PostgreSQL
#   ORGS=10000 BOOKINGS=100000 COUNT=30 bench/registry.sh   # quick
#
# BUILD: a (release) build folder; the binary is copied at the start.
# DB: sqlite, postgres or both (default sqlite). KEEP=1 keeps the
# temporary folder and prints it. Needs sqlite3, node, curl, awk; for
# PostgreSQL its server packages and psql (tests/pg.sh).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
DB=${DB:-sqlite}
ORGS=${ORGS:-100000}
BOOKINGS=${BOOKINGS:-1000000}
COUNT=${COUNT:-100}
RUNS=${RUNS:-10}
MONTHS=(2026-11 2025-06)
QUERIES=("dai hoc bach khoa" "Đại học Bách khoa" "cong nghe" "năng lượng sạch" "sao khue" "viet" "tri tue nhan tao ha noi")
PASSWORD='mật khẩu đủ dài để đo 2026'

die() { echo "bench/registry: $*" >&2; exit 1; }
say() { echo "bench/registry: $*" >&2; }

case "$DB" in sqlite | postgres | both) ;; *) die "DB must be sqlite, postgres or both, not '$DB'" ;; esac
for v in ORGS BOOKINGS COUNT RUNS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a whole number of at least 1, not '${!v}'"
done
[ -x "$BUILD/nq57" ] || die "$BUILD/nq57 not found: meson setup --buildtype=release $BUILD && ninja -C $BUILD"
for c in sqlite3 node curl awk; do command -v "$c" >/dev/null || die "$c not found"; done
grep -q "buildtype = release\|'buildtype', 'release'\|buildtype=release" "$BUILD/meson-logs/meson-log.txt" 2>/dev/null ||
	say "warning: $BUILD may not be a release build"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-registry.XXXXXX")
server_pid= pgdir=
stop() {
	local pid=$1 i
	[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
	stop "$server_pid"
	[ -n "$pgdir" ] && "$here/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true
	if [ -n "${KEEP:-}" ]; then echo "kept: $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp "$BUILD/nq57" "$tmp/nq57"
NQ57="$tmp/nq57"
say "generating $ORGS organisations and $BOOKINGS bookings"
awk -v out="$tmp" -v ORGS="$ORGS" -v BOOKINGS="$BOOKINGS" -f "$here/bench/registry/gen.awk"
printf 'code,name,parent_code,kind\n01,Thành phố Hà Nội,,province\n' >"$tmp/units.csv"

# prepare URL: the schema, a viewer to sign in as, the generated rows.
prepare() {
	local url=$1
	"$NQ57" migrate --db "$url" >/dev/null 2>&1 || die "nq57 migrate failed"
	"$NQ57" unit import "$tmp/units.csv" --db "$url" >/dev/null 2>&1 || die "nq57 unit import failed"
	printf '%s\n' "$PASSWORD" | NQ57_PWHASH=fast "$NQ57" user add bench --name 'Đo hiệu năng' --role viewer --unit 01 --db "$url" >/dev/null
	if [[ $url == sqlite:* ]]; then
		load_sqlite "${url#sqlite:}"
	else
		load_postgres "$url"
	fi
}

load_sqlite() {
	local f=$1
	sqlite3 -bail "$f" <<-SQL
		.import --csv $tmp/organisations.csv org_in
		.import --csv $tmp/networks.csv net_in
		.import --csv $tmp/members.csv mem_in
		.import --csv $tmp/resources.csv res_in
		.import --csv $tmp/bookings.csv bk_in
		BEGIN;
		INSERT INTO organisation (id, kind, name, name_folded, sectors, created_at, updated_at)
			SELECT CAST(id AS INTEGER), kind, name, name_folded, sectors, created_at, updated_at FROM org_in;
		INSERT INTO network (id, code, name, name_folded, public, created_at, updated_at)
			SELECT CAST(id AS INTEGER), code, name, name_folded, CAST(public AS INTEGER), created_at, updated_at FROM net_in;
		INSERT INTO network_member (network_id, organisation_id, role, joined_on)
			SELECT CAST(network_id AS INTEGER), CAST(organisation_id AS INTEGER), role, joined_on FROM mem_in;
		INSERT INTO resource (id, organisation_id, network_id, kind, name, name_folded, booking, capacity, price_model, opens, closes, active, created_at, updated_at)
			SELECT CAST(id AS INTEGER), CAST(organisation_id AS INTEGER), CAST(network_id AS INTEGER), kind, name, name_folded, booking,
			CAST(capacity AS INTEGER), price_model, opens, closes, CAST(active AS INTEGER), created_at, updated_at FROM res_in;
		INSERT INTO booking (id, resource_id, requester_name, requester_key, contact_name, sector, starts_at, ends_at, status, used_hours, requested_at)
			SELECT CAST(id AS INTEGER), CAST(resource_id AS INTEGER), requester_name, requester_key, contact_name, NULLIF(sector, ''),
			starts_at, ends_at, status, CASE WHEN used_hours = '' THEN NULL ELSE CAST(used_hours AS REAL) END, requested_at FROM bk_in;
		DROP TABLE org_in; DROP TABLE net_in; DROP TABLE mem_in; DROP TABLE res_in; DROP TABLE bk_in;
		COMMIT;
		ANALYZE;
	SQL
}

load_postgres() {
	local url=$1 t
	for t in "organisation (id, kind, name, name_folded, sectors, created_at, updated_at):organisations" \
		"network (id, code, name, name_folded, public, created_at, updated_at):networks" \
		"network_member (network_id, organisation_id, role, joined_on):members" \
		"resource (id, organisation_id, network_id, kind, name, name_folded, booking, capacity, price_model, opens, closes, active, created_at, updated_at):resources" \
		"booking (id, resource_id, requester_name, requester_key, contact_name, sector, starts_at, ends_at, status, used_hours, requested_at):bookings"; do
		psql "$url" -v ON_ERROR_STOP=1 -qc "\\copy ${t%%:*} FROM '$tmp/${t##*:}.csv' CSV HEADER"
	done
	psql "$url" -v ON_ERROR_STOP=1 -qAt >/dev/null <<-SQL
		SELECT setval(pg_get_serial_sequence('organisation', 'id'), (SELECT MAX(id) FROM organisation));
		SELECT setval(pg_get_serial_sequence('network', 'id'), (SELECT MAX(id) FROM network));
		SELECT setval(pg_get_serial_sequence('resource', 'id'), (SELECT MAX(id) FROM resource));
		SELECT setval(pg_get_serial_sequence('booking', 'id'), (SELECT MAX(id) FROM booking));
		ANALYZE;
	SQL
}

# start URL: the server on a free port; sets base and cookie.
start() {
	"$NQ57" serve --listen 127.0.0.1:0 --db "$1" --data-dir "$tmp/data" --web-dir "$BUILD/web" >"$tmp/server.log" 2>&1 &
	server_pid=$!
	local i
	for i in $(seq 200); do
		base=$(grep -o 'listening on http://[0-9.:]*' "$tmp/server.log" | head -1 | cut -d' ' -f3) || true
		[ -n "$base" ] && break
		kill -0 "$server_pid" 2>/dev/null || die "the server stopped: $(cat "$tmp/server.log")"
		sleep 0.1
	done
	[ -n "$base" ] || die "the server did not start"
	cookie=$(curl -s -i -H 'content-type: application/json' \
		-d "{\"login\": \"bench\", \"password\": \"$PASSWORD\"}" "$base/api/v1/session" |
		tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(nq57_session=[^;]*\).*/\1/p')
	[ -n "$cookie" ] || die "cannot sign in"
}

enc() { node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$1"; }

# The plain SQL of each case, and the median of RUNS runs on the database.
fold() { node -e 'process.stdout.write(process.argv[1].normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase())' "$1"; }
search_sql() {
	local like="%$(fold "$1")%"
	echo "SELECT COUNT(*) FROM organisation WHERE name_folded LIKE '$like'; SELECT id, name FROM organisation WHERE name_folded LIKE '$like' ORDER BY name_folded LIMIT 20;"
}
usage_sql() {
	local from="$1-01" to
	to=$(node -e 'const [y, m] = process.argv[1].split("-").map(Number); const n = m === 12 ? [y + 1, 1] : [y, m + 1]; process.stdout.write(`${n[0]}-${String(n[1]).padStart(2, "0")}-01`)' "$1")
	local w="FROM resource r JOIN booking b ON b.resource_id = r.id WHERE r.network_id = 1 AND b.starts_at >= '$from' AND b.starts_at < '$to' AND b.status = 'used'"
	echo "SELECT r.organisation_id, COALESCE(b.sector, 'none'), COUNT(*), SUM(b.used_hours), COUNT(DISTINCT b.requester_key) $w GROUP BY r.organisation_id, COALESCE(b.sector, 'none');" \
		"SELECT r.organisation_id, COUNT(DISTINCT b.requester_key) $w GROUP BY r.organisation_id; SELECT COUNT(DISTINCT b.requester_key) $w;"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }'; }
plain_ms() {
	local url=$1 sql=$2 i
	if [[ $url == sqlite:* ]]; then
		{ echo ".timer on"; echo ".output /dev/null"; for i in $(seq "$RUNS"); do echo "$sql"; done; } |
			sqlite3 "${url#sqlite:}" 2>&1 | awk '/^Run Time/ { t += $4; if (++n % s == 0) { print t * 1000; t = 0 } }' s="$(grep -o ';' <<<"$sql" | wc -l)" | median
	else
		{ echo '\timing on'; for i in $(seq "$RUNS"); do echo "$sql"; done; } |
			psql "$url" -qAt -o /dev/null 2>&1 | awk '/^Time:/ { t += $2; if (++n % s == 0) { print t; t = 0 } }' s="$(grep -o ';' <<<"$sql" | wc -l)" | median
	fi
}

run_db() {
	local kind=$1 url
	if [ "$kind" = sqlite ]; then
		url="sqlite:$tmp/registry.db"
	else
		pgdir=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-registry-pg.XXXXXX")
		url=$("$here/tests/pg.sh" start "$pgdir")
	fi
	local t0=$SECONDS
	prepare "$url"
	say "$kind: loaded in $((SECONDS - t0)) s ($(du -sh "${url#sqlite:}" 2>/dev/null | cut -f1 || echo '-'))"
	start "$url"
	local paths=() names=() refs=() q m
	for q in "${QUERIES[@]}"; do
		paths+=("/api/v1/organisations?q=$(enc "$q")&limit=20"); names+=("search \"$q\""); refs+=("$(search_sql "$q")")
	done
	for m in "${MONTHS[@]}"; do
		paths+=("/api/v1/networks/hihub/usage?month=$m"); names+=("usage $m"); refs+=("$(usage_sql "$m")")
	done
	node "$here/bench/registry/probe.mjs" "$base" "$cookie" "$COUNT" "${paths[@]}" >"$tmp/probe.out"
	local i=0 p50 p95 p99 status total goal ref
	while read -r p50 p95 p99 status total _; do
		goal=20; [[ ${names[$i]} == usage* ]] && goal=200
		ref=$(plain_ms "$url" "${refs[$i]}")
		awk -v d="$kind" -v n="${names[$i]}" -v a="$p50" -v b="$p95" -v c="$p99" -v s="$status" -v t="$total" -v r="$ref" -v g="$goal" 'BEGIN {
			printf "%-9s %8.2f %8.2f %8.2f %5s %8s %10.2f %8.1fx  %-16s %s\n", d, a, b, c, s, t, r, (a > 0 ? r / a : 0), (b < g ? "ok (< " g " ms)" : "OVER " g " ms"), n }'
		i=$((i + 1))
	done <"$tmp/probe.out"
	local rss
	rss=$(awk '/VmRSS/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
	echo "$kind: server resident memory $((rss / 1024)) MiB"
	stop "$server_pid"; server_pid=
	if [ "$kind" = postgres ]; then "$here/tests/pg.sh" stop "$pgdir" >/dev/null 2>&1 || true; pgdir=; fi
}

echo "nq57 registry: $ORGS organisations, $BOOKINGS bookings; $COUNT requests per case, plain SQL median of $RUNS"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $(sqlite3 --version | cut -d' ' -f1)"
printf '%-9s %8s %8s %8s %5s %8s %10s %9s  %-16s %s\n' db 'p50 ms' 'p95 ms' 'p99 ms' http found 'SQL ms' 'SQL/p50' goal case
[ "$DB" = postgres ] || run_db sqlite
[ "$DB" = sqlite ] || run_db postgres
