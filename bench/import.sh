#!/usr/bin/env bash
# Importing indicator values from CSV: `nq57 values import` (every row
# validated, saved as drafts with their history and one audit entry, one
# transaction) against the sqlite3 shell's `.import` of the same file into
# a table of the same shape with the same primary key, in the same run.
# Budget (issue 4): at least half the shell's speed; memory flat as the
# file grows. Each side runs REPEAT times, alternating, and its best time
# counts (a shared machine's spread is as large as the differences).
#
#   BUILD=build ROWS=1000000 bench/import.sh
#   ROWS=100000 REPEAT=1 bench/import.sh      # quick
#
# Needs sqlite3 and /usr/bin/time (Debian: sqlite3, time).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
ROWS=${ROWS:-1000000}
REPEAT=${REPEAT:-3}
NQ57="$BUILD/nq57"
die() { echo "bench/import: $*" >&2; exit 1; }
[ -x "$NQ57" ] || die "$NQ57 not found: make build"
command -v sqlite3 >/dev/null || die "sqlite3 not found"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 ]] || die "REPEAT must be a whole number >= 1, not '$REPEAT'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-import.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && echo "tmp: $tmp" >&2

# 1,000 units (a city and its 999 units), 100 indicators, and as many
# yearly periods as ROWS needs: ROWS = 100 x 1000 x periods.
periods=$(( (ROWS + 99999) / 100000 ))
awk 'BEGIN { print "code,name,parent_code,kind"; print "C,Thành phố,,province";
	for (u = 1; u < 1000; u++) printf "U%04d,Đơn vị %d,C,other\n", u, u }' >"$tmp/units.csv"
awk 'BEGIN { printf "{\"indicators\": ["; for (i = 1; i <= 100; i++)
	printf "%s{\"code\": \"I%03d\", \"name_vi\": \"Chỉ tiêu %d\", \"direction\": \"up\", \"aggregation\": \"sum\"}", (i > 1 ? ", " : ""), i, i;
	print "]}" }' >"$tmp/programme.json"
awk -v periods="$periods" -v rows="$ROWS" 'BEGIN { print "indicator_code,unit_code,period,value,note"; n = 0;
	for (i = 1; i <= 100; i++) for (u = 0; u < 1000; u++) for (p = 0; p < periods; p++) {
		if (n++ >= rows) exit;
		printf "I%03d,%s,%d,%d.%d,\n", i, (u ? sprintf("U%04d", u) : "C"), 2025 - periods + 1 + p, (i * 7 + u) % 1000, p }
}' >"$tmp/sorted.csv"
{ head -1 "$tmp/sorted.csv"; tail -n +2 "$tmp/sorted.csv" | shuf --random-source=<(yes); } >"$tmp/shuffled.csv"

"$NQ57" unit import "$tmp/units.csv" --db "sqlite:$tmp/base.db" >/dev/null
"$NQ57" programme load "$tmp/programme.json" --db "sqlite:$tmp/base.db" >/dev/null

now() { date +%s.%N; }

# shell_import FILE: seconds for sqlite3 .import into a primary-keyed table.
shell_import() {
	rm -f "$tmp/shell.db"
	sqlite3 "$tmp/shell.db" "CREATE TABLE v (indicator_code TEXT NOT NULL, unit_code TEXT NOT NULL, period TEXT NOT NULL,
		value REAL, note TEXT, PRIMARY KEY (indicator_code, unit_code, period))"
	local t0 t1
	t0=$(now)
	sqlite3 "$tmp/shell.db" ".import --csv --skip 1 $1 v"
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# nq57_import FILE: "seconds peak_rss_kib" for nq57 values import.
nq57_import() {
	cp "$tmp/base.db" "$tmp/run.db"
	/usr/bin/time -f "%e %M" -o "$tmp/time.out" "$NQ57" values import "$1" --db "sqlite:$tmp/run.db" >"$tmp/nq57.out" ||
		die "nq57 values import failed: $(cat "$tmp/nq57.out")"
	cat "$tmp/time.out"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

echo "nq57 values import vs sqlite3 .import, $ROWS rows (100 indicators x 1000 units x $periods periods), $(sqlite3 --version | cut -d' ' -f1-2), best of $REPEAT"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-10s %12s %12s %14s %14s\n' order 'sqlite3 s' 'nq57 s' 'nq57 speed' 'nq57 peak MiB'
for order in sorted shuffled; do
	s= n= rss=0
	for _ in $(seq "$REPEAT"); do
		s=$(min "$s" "$(shell_import "$tmp/$order.csv")")
		read -r t r < <(nq57_import "$tmp/$order.csv")
		n=$(min "$n" "$t")
		rss=$(( r > rss ? r : rss ))
	done
	awk -v o="$order" -v s="$s" -v n="$n" -v r="$rss" 'BEGIN { printf "%-10s %12.2f %12.2f %13.2fx %14.0f\n", o, s, n, s / n, r / 1024 }'
done
