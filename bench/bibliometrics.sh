#!/usr/bin/env bash
# The bibliometrics of the S&T map at scale. Import: `nq57 stmap import` of
# WORKS generated publications in OpenAlex's JSON Lines (about 3
# authorships each; every affiliation matched against a registry of ORGS
# organisations) against the sqlite3 shell's `.import` of the same works
# already flattened to CSV rows into the same tables (the same schema and
# indexes but no CHECK, which an empty CSV field would break; the same
# 256 MB page cache), in the same run. Budget (issue 19):
# at least half the shell's speed. Each side runs REPEAT times, alternating,
# and its best time counts; both databases must end with the same rows.
#
#   BUILD=build WORKS=1000000 bench/bibliometrics.sh
#   WORKS=100000 REPEAT=1 bench/bibliometrics.sh      # quick
#
# Needs node, sqlite3 and /usr/bin/time (Debian: nodejs, sqlite3, time).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
WORKS=${WORKS:-1000000}
ORGS=${ORGS:-1000}
REPEAT=${REPEAT:-2}
NQ57="$BUILD/nq57"
die() { echo "bench/bibliometrics: $*" >&2; exit 1; }
[ -x "$NQ57" ] || die "$NQ57 not found: make build"
command -v sqlite3 >/dev/null || die "sqlite3 not found"
command -v node >/dev/null || die "node not found"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 ]] || die "REPEAT must be a whole number >= 1, not '$REPEAT'"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-biblio.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && echo "tmp: $tmp" >&2

node "$here/bench/bibliometrics/gen.mjs" "$tmp" "$WORKS" "$ORGS" >"$tmp/gen.out"
"$NQ57" registry load "$tmp/registry.json" --db "sqlite:$tmp/base.db" >/dev/null
# the shell's database: nq57's tables and indexes of the works
sqlite3 "$tmp/base.db" ".schema work" ".schema work_author" ".schema work_affiliation" |
	sed -E 's/ CHECK \([a-z_]+ IN \([^)]*\)\)//g' >"$tmp/schema.sql"

now() { date +%s.%N; }

# shell_import: seconds for sqlite3 .import of the flattened rows.
shell_import() {
	rm -f "$tmp/shell.db"
	sqlite3 "$tmp/shell.db" <"$tmp/schema.sql"
	local t0 t1
	t0=$(now)
	sqlite3 "$tmp/shell.db" <<SQL >/dev/null
PRAGMA cache_size = -262144;
.import --csv $tmp/work.csv work
.import --csv $tmp/work_author.csv work_author
.import --csv $tmp/work_affiliation.csv work_affiliation
SQL
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}

# nq57_import: "seconds peak_rss_kib" for nq57 stmap import.
nq57_import() {
	cp "$tmp/base.db" "$tmp/run.db"
	/usr/bin/time -f "%e %M" -o "$tmp/time.out" "$NQ57" stmap import "$tmp/works.jsonl" --db "sqlite:$tmp/run.db" >"$tmp/nq57.out" ||
		die "nq57 stmap import failed: $(cat "$tmp/nq57.out")"
	cat "$tmp/time.out"
}

counts() {
	sqlite3 "$1" "SELECT (SELECT COUNT(*) FROM work) || ' ' || (SELECT COUNT(*) FROM work_author) || ' ' ||
		(SELECT COUNT(*) FROM work_affiliation) || ' ' || (SELECT COUNT(*) FROM work_affiliation WHERE organisation_id IS NOT NULL AND organisation_id <> '')"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

echo "nq57 stmap import vs sqlite3 .import of the flattened rows: $(cat "$tmp/gen.out"); $(sqlite3 --version | cut -d' ' -f1-2), best of $REPEAT"
echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); works.jsonl $(( $(stat -c %s "$tmp/works.jsonl") >> 20 )) MiB"
s= n= rss=0
for _ in $(seq "$REPEAT"); do
	s=$(min "$s" "$(shell_import)")
	read -r t r < <(nq57_import)
	n=$(min "$n" "$t")
	rss=$(( r > rss ? r : rss ))
done
[ "$(counts "$tmp/shell.db")" = "$(counts "$tmp/run.db")" ] ||
	die "the rows differ: sqlite3 $(counts "$tmp/shell.db"), nq57 $(counts "$tmp/run.db")"
printf '%-28s %10s\n' 'sqlite3 .import (s)' "$s" 'nq57 stmap import (s)' "$n"
printf '%-28s %10s\n' 'nq57 speed (budget >= 0.5)' "$(awk -v a="$s" -v b="$n" 'BEGIN { printf "%.2f", a / b }')"
printf '%-28s %10s\n' 'nq57 peak RSS (MiB)' "$(( rss / 1024 ))"
echo "rows (works, authorships, affiliations, matched): $(counts "$tmp/run.db")"

# ---- the indicators: every organisation's, full and fractional counting,
# from the works just imported (nq57 stmap indicators: read, normalise,
# compute, timed inside), then the same with 1,000-resample stability
# intervals; the reference is the plain SQL count of each organisation's
# works (full P only) by the sqlite3 shell on the same database. Budgets
# (issue 19): all indicators < 2 s, with intervals for 1,000 organisations
# < 10 s.
ref0=$(now)
sqlite3 "$tmp/run.db" "SELECT organisation_id, COUNT(DISTINCT work_id) FROM work_affiliation
	WHERE organisation_id IS NOT NULL GROUP BY organisation_id" >/dev/null
ref=$(awk -v a="$ref0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
"$NQ57" stmap indicators --db "sqlite:$tmp/run.db" >"$tmp/ind0.out" || die "nq57 stmap indicators failed: $(cat "$tmp/ind0.out")"
"$NQ57" stmap indicators --bootstrap 1000 --db "sqlite:$tmp/run.db" >"$tmp/ind1.out" ||
	die "nq57 stmap indicators --bootstrap failed: $(cat "$tmp/ind1.out")"
# "read R s, normalise N s, all indicators: full F s, fractional G s"
times() { sed -n 2p "$1" | awk '{ print $2, $7, $12, $15 }'; }
read -r r0 n0 f0 g0 < <(times "$tmp/ind0.out")
read -r r1 n1 f1 g1 < <(times "$tmp/ind1.out")
echo
echo "indicators: $(head -1 "$tmp/ind0.out")"
printf '%-44s %10s\n' 'sqlite3 plain count of works per org (s)' "$ref"
printf '%-44s %10s\n' 'nq57 read the works (s)' "$r0"
printf '%-44s %10s\n' 'nq57 normalise, both countings (s)' "$n0"
printf '%-44s %10s\n' 'nq57 all indicators, full (s)' "$f0"
printf '%-44s %10s\n' 'nq57 all indicators, fractional (s)' "$g0"
all=$(awk -v a="$n0" -v b="$f0" -v c="$g0" 'BEGIN { printf "%.3f", a + b + c }')
printf '%-44s %10s\n' 'nq57 normalise + both countings (budget < 2)' "$all"
printf '%-44s %10s\n' '  against the plain count (x)' "$(awk -v a="$all" -v b="$ref" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %10s\n' 'with 1,000-resample intervals, full (s)' "$f1"
printf '%-44s %10s\n' 'with 1,000-resample intervals, fractional (s)' "$g1"
printf '%-44s %10s\n' 'intervals, one counting (budget < 10)' "$(awk -v a="$f1" -v b="$g1" 'BEGIN { printf "%.3f", (a > b ? a : b) }')"
