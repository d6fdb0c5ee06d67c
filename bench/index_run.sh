#!/usr/bin/env bash
# One composite index run over a large table: `nq57 index run` over UNITS
# units x 10 indicators in two pillars, rows written worst unit first (the
# order the ranking must reverse), timed from the files read to the
# ranking printed (best of REPEAT, wall and CPU). With OTHER=path/to/nq57
# the same table runs on that binary too, in the same run (a build of an
# earlier commit, say). Issue 17: 28,000 units spent 5.9 s ordering the
# results with an insertion sort.
#
#   BUILD=build bench/index_run.sh
#   BUILD=build OTHER=/tmp/old/build/nq57 UNITS=28000 bench/index_run.sh
#
# Needs awk and /usr/bin/time.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
UNITS=${UNITS:-28000}
REPEAT=${REPEAT:-3}
die() { echo "bench/index_run: $*" >&2; exit 1; }
[ -x "$BUILD/nq57" ] || die "$BUILD/nq57 not found: ninja -C $BUILD (a release build) or set BUILD"
[[ $UNITS =~ ^[0-9]+$ && $UNITS -ge 2 ]] || die "UNITS must be a whole number >= 2, not '$UNITS'"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/def.json" <<'JSON'
{"code": "BENCH", "nodes": [{"code": "IDX"}, {"code": "P0", "parent": "IDX"}, {"code": "P1", "parent": "IDX"},
 {"code": "I0", "parent": "P0", "indicator": true}, {"code": "I1", "parent": "P1", "indicator": true},
 {"code": "I2", "parent": "P0", "indicator": true}, {"code": "I3", "parent": "P1", "indicator": true},
 {"code": "I4", "parent": "P0", "indicator": true}, {"code": "I5", "parent": "P1", "indicator": true},
 {"code": "I6", "parent": "P0", "indicator": true}, {"code": "I7", "parent": "P1", "indicator": true},
 {"code": "I8", "parent": "P0", "indicator": true}, {"code": "I9", "parent": "P1", "indicator": true}]}
JSON
# unit u's figures grow with u (plus noise), so the first row is the worst
awk -v n="$UNITS" 'BEGIN {
  srand(57); print "unit_code,unit_name,I0,I1,I2,I3,I4,I5,I6,I7,I8,I9";
  for (u = 0; u < n; u++) {
    line = sprintf("U%06d,Xa %d", u, u);
    for (k = 0; k < 10; k++) line = line sprintf(",%.3f", u * 10.0 / n + rand());
    print line } }' > "$tmp/data.csv"

run() {   # binary label
  local best_wall=999999 best_cpu=999999
  for ((i = 0; i < REPEAT; i++)); do
    /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$1" index run "$tmp/def.json" "$tmp/data.csv" > "$tmp/out-$2.csv"
    read -r wall user sys < "$tmp/time"
    best_wall=$(awk -v a="$best_wall" -v b="$wall" 'BEGIN { print (b < a ? b : a) }')
    best_cpu=$(awk -v a="$best_cpu" -v b="$user" -v c="$sys" 'BEGIN { print (b + c < a ? b + c : a) }')
  done
  printf '%-8s %8d units  wall %6.2f s  cpu %6.2f s  (best of %d)\n' "$2" "$UNITS" "$best_wall" "$best_cpu" "$REPEAT"
}
run "$BUILD/nq57" this
if [ -n "${OTHER:-}" ]; then
  run "$OTHER" other
  cmp -s "$tmp/out-this.csv" "$tmp/out-other.csv" && echo "same ranking" || echo "the rankings differ"
fi
