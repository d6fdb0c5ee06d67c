#!/usr/bin/env bash
# Uncertainty analysis of a composite index: analytics/index_mc (nq57's C,
# through bench/index/driver.c linked with libnq57) against a
# straightforward vectorised numpy reference (bench/index/reference.py),
# on the same generated data in the same run: 3,321 units x 52 indicators
# in 7 pillars, ~4 % missing, RUNS Monte Carlo runs of
#   weights  every weight uniform within +-25 % of nominal
#   full     the same, and min-max or z-score, arithmetic or geometric
#            means (both levels), drawn with equal chances
# timing each from the data loaded to the per-unit median and 5th-95th
# percentile ranks (best of REPEAT). Also the seed-free deterministic case
# (nominal weights, min-max, arithmetic), whose ranks must be identical,
# the agreement of the two samples' rank statistics, and index_mc's
# sensitivity analysis (RUNS x 5 runs; no numpy counterpart).
# Goal (composite indices issue): nq57 at least 10x faster than numpy.
#
#   BUILD=build bench/index.sh
#   RUNS=200 REPEAT=1 bench/index.sh          # quick
#
# Knobs: BUILD (release build folder, default build/), RUNS (1000),
# THREADS (nq57's threads, default nproc), REPEAT (3), PYTHON (Debian's
# python3 with python3-numpy: /usr/bin/python3), KEEP=1 keeps the
# temporary folder. Needs cc and python3-numpy.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
RUNS=${RUNS:-1000}
THREADS=${THREADS:-$(nproc)}
REPEAT=${REPEAT:-3}
PYTHON=${PYTHON:-/usr/bin/python3}
SEED=57
die() { echo "bench/index: $*" >&2; exit 1; }
[ -f "$BUILD/src/libnq57.a" ] || die "$BUILD/src/libnq57.a not found: ninja -C $BUILD (a release build) or set BUILD"
command -v cc >/dev/null || die "cc not found"
"$PYTHON" -c 'import numpy' 2>/dev/null || die "$PYTHON has no numpy: apt-get install python3-numpy (or set PYTHON)"
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 1 ]] || die "RUNS must be a whole number >= 1, not '$RUNS'"
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 ]] || die "REPEAT must be a whole number >= 1, not '$REPEAT'"

buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
	sed 's/.*"value": "//; s/"$//' || true)
if [ -n "$buildtype" ] && [ "$buildtype" != release ]; then
	echo "bench/index: warning: $BUILD is a '$buildtype' build; numbers are for a release build" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-index.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && echo "tmp: $tmp" >&2

cc -O2 -std=c11 -D_GNU_SOURCE -I"$here/src" -o "$tmp/driver" "$here/bench/index/driver.c" "$BUILD/src/libnq57.a" \
	-lm -lpthread || die "cannot build bench/index/driver.c against $BUILD/src/libnq57.a"
"$PYTHON" "$here/bench/index/reference.py" generate "$tmp/data"

# best CMD...: the run with the least wall time of REPEAT, "wall cpu ..."
best() {
	local out line
	out=$(for _ in $(seq "$REPEAT"); do "$@" || exit 1; done) || die "failed: $*"
	sort -g <<<"$out" | head -1
}
nq57() { "$tmp/driver" "$tmp/data" "$1" "$RUNS" "$SEED" "$2" "$tmp/nq57-$1.txt"; }
numpy() { "$PYTHON" "$here/bench/index/reference.py" run "$tmp/data" "$1" "$RUNS" "$tmp/numpy-$1.txt"; }

units=$(($(wc -l <"$tmp/data/values.csv") - 1))
echo "index uncertainty: $units units x 52 indicators (7 pillars), $RUNS runs; nq57 $THREADS thread(s) ($BUILD${buildtype:+, $buildtype}), numpy $("$PYTHON" -c 'import numpy; print(numpy.__version__)'), best of $REPEAT"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"

nq57 nominal 1 >/dev/null
numpy nominal >/dev/null
identical=no
cmp -s "$tmp/nq57-nominal.txt" "$tmp/numpy-nominal.txt" && identical=yes
echo "deterministic case (nominal weights, min-max, arithmetic): identical ranks: $identical"

printf '%-9s %9s %9s %9s %14s %14s %16s\n' case 'numpy s' 'nq57 s' speed-up 'numpy cpu s' 'nq57 cpu s' 'nq57 1 thread s'
goal=met
for kase in weights full; do
	read -r np_s np_cpu < <(best numpy "$kase")
	read -r c_s c_cpu sum _ < <(best nq57 "$kase" "$THREADS")
	read -r c1_s _ < <(best nq57 "$kase" 1)
	awk -v k="$kase" -v a="$np_s" -v b="$c_s" -v ac="$np_cpu" -v bc="$c_cpu" -v c1="$c1_s" \
		'BEGIN { printf "%-9s %9.3f %9.3f %8.1fx %14.3f %14.3f %16.3f\n", k, a, b, a / b, ac, bc, c1 }'
	awk -v a="$np_s" -v b="$c_s" 'BEGIN { exit !(a / b < 10) }' && goal="not met"
	sums="${sums:-}${sums:+, }$kase $sum"
	agree="${agree:-}$("$PYTHON" - "$kase" "$tmp/nq57-$kase.txt" "$tmp/numpy-$kase.txt" <<'PY'
import sys
k, a, b = sys.argv[1], [list(map(float, l.split())) for l in open(sys.argv[2])], [list(map(float, l.split())) for l in open(sys.argv[3])]
n = len(a)
print("  %s: median ranks differ by %.2f on average; numpy's median inside nq57's 5-95 %% interval for %.1f %% of units; "
      "mean interval width nq57 %.1f, numpy %.1f" % (k, sum(abs(x[0] - y[0]) for x, y in zip(a, b)) / n,
      100 * sum(x[1] <= y[0] <= x[2] for x, y in zip(a, b)) / n, sum(x[2] - x[1] for x in a) / n,
      sum(y[2] - y[1] for y in b) / n))
PY
)
"
done
echo "goal (nq57 >= 10x numpy): $goal"
echo "checksums of nq57's median ranks (seed $SEED): $sums"
echo "agreement of the two samples (different random numbers, same model):"
printf '%s' "$agree"
read -r sa_s sa_cpu _ _ sa_rest < <(best nq57 full-sa "$THREADS")
echo "nq57 sensitivity analysis, full case, $RUNS x 5 runs: ${sa_s} s (cpu ${sa_cpu} s); Si/STi of the mean absolute rank shift: $sa_rest"
