#!/usr/bin/env bash
# Leiden clustering + VOS layout: `nq57 network analyse` (release build)
# against networkanalysis-ts (VOSviewer's own engine in TypeScript, npm) on
# Node, with the same parameters and the same java.util.Random seed, in
# the same run, on
#   leiden   the Leiden Ranking 2015 university collaboration network
#            (750 nodes, 151,644 links; ../shared/data/bibliometrics/networks)
#   big      a generated network of NODES (10,000) nodes and LINKS
#            (1,000,000) links in communities of COMMUNITY (250), seeded
# Both sides: association-strength normalisation, Leiden with CPM at
# resolution 1, randomness 0.01, 10 iterations from singletons, then the
# gradient-descent VOS layout (attraction 2, repulsion 1; at most 1000
# sweeps on leiden, LAYOUT_ITER (20) on big, whose layout costs n^2 per
# sweep). nq57 runs twice: exact (the reference's arithmetic, bit for bit,
# so its figures must equal networkanalysis-ts's) and --fast (vector code
# with reassociated sums). Times are the algorithms' own (reading files and
# starting Node excluded), wall and CPU (steadier on a shared machine; Node's
# includes its compiler and collector threads), best of REPEAT by CPU; the
# speed-up is networkanalysis-ts / nq57 for clustering + layout (goal >= 10x), the
# quality values are printed for both (goal: nq57's equal or better;
# clustering: higher is better, layout: lower is better).
#
#   BUILD=build-release bench/network.sh        # or: make bench-network
#   LINKS=200000 NODES=4000 bench/network.sh    # quicker
#
# Knobs: BUILD, REPEAT (3, on leiden), REPEAT_BIG (1), NODES, LINKS, COMMUNITY,
# LAYOUT_ITER, SEED, KEEP=1. Needs node and `npm ci` (networkanalysis-ts).
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
REPEAT=${REPEAT:-3}
NODES=${NODES:-10000}
LINKS=${LINKS:-1000000}
COMMUNITY=${COMMUNITY:-250}
LAYOUT_ITER=${LAYOUT_ITER:-20}
SEED=${SEED:-57}
DATA=$here/../shared/data/bibliometrics/networks
die() { echo "bench/network: $*" >&2; exit 1; }
nq57=$BUILD/nq57
[ -x "$nq57" ] || die "$nq57 not found: build it (a release build) or set BUILD"
command -v node >/dev/null || die "node not found"
[ -d "$here/node_modules/networkanalysis-ts" ] || die "networkanalysis-ts is not installed: npm ci"
buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
	sed 's/.*"value": "//; s/"$//' || true)
if [ -n "$buildtype" ] && [ "$buildtype" != release ]; then
	echo "bench/network: warning: $BUILD is a '$buildtype' build; numbers are for a release build" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-network.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && echo "tmp: $tmp" >&2

# value KEY FILE: the figure KEY of a run's output.
value() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$2"; }
# wall FILE, cpu FILE: clustering + layout seconds of a run.
wall() { awk -F'\t' '$1 == "clustering_seconds" || $1 == "layout_seconds" { s += $2 } END { printf "%.6f", s }' "$1"; }
cpu() { awk -F'\t' '$1 == "clustering_cpu_seconds" || $1 == "layout_cpu_seconds" { s += $2 } END { printf "%.6f", s }' "$1"; }

# run SIDE NETWORK LAYOUT_ITER REPEAT: the best run (least clustering +
# layout CPU time) of one side into $tmp/SIDE.best.
run() {
	local side=$1 net=$2 iter=$3 rep=$4 best=
	for ((i = 0; i < rep; i++)); do
		case $side in
		exact) "$nq57" network analyse "$net" --iterations 10 --seed 0 --layout-iterations "$iter" \
			--out "$tmp/map.txt" >"$tmp/$side.out" ;;
		fast) "$nq57" network analyse "$net" --iterations 10 --seed 0 --layout-iterations "$iter" --fast \
			--out "$tmp/map.txt" >"$tmp/$side.out" ;;
		ts) node --max-old-space-size=6144 "$here/bench/network/reference.mjs" "$net" 1 10 0.01 0 "$iter" \
			>"$tmp/$side.out" ;;
		esac
		local t
		t=$(cpu "$tmp/$side.out")
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t
			cp "$tmp/$side.out" "$tmp/$side.best"
		fi
	done
}

report() {
	local name=$1 net=$2 iter=$3 rep=$4
	for side in ts exact fast; do run "$side" "$net" "$iter" "$rep"; done
	echo
	echo "$name: $(value nodes "$tmp/ts.best") nodes, $(value links "$tmp/ts.best") links, layout at most $iter sweeps (best of $rep by CPU time)"
	printf '  %-20s %8s %9s %9s %9s %9s %20s %22s\n' side clusters cluster_s layout_s total_s total_cpu clustering_quality layout_quality
	for side in ts exact fast; do
		local f=$tmp/$side.best label
		case $side in ts) label=networkanalysis-ts ;; exact) label="nq57 exact" ;; fast) label="nq57 --fast" ;; esac
		printf '  %-20s %8s %9.3f %9.3f %9.3f %9.3f %20s %22s\n' "$label" "$(value clusters "$f")" "$(value clustering_seconds "$f")" \
			"$(value layout_seconds "$f")" "$(wall "$f")" "$(cpu "$f")" "$(value clustering_quality "$f")" "$(value layout_quality "$f")"
	done
	for side in exact fast; do
		local f=$tmp/$side.best
		awk -v side="$side" -v tw="$(wall "$tmp/ts.best")" -v tc="$(cpu "$tmp/ts.best")" -v w="$(wall "$f")" -v c="$(cpu "$f")" \
			-v cq="$(value clustering_quality "$f")" -v tcq="$(value clustering_quality "$tmp/ts.best")" \
			-v lq="$(value layout_quality "$f")" -v tlq="$(value layout_quality "$tmp/ts.best")" 'BEGIN {
			cq += 0; tcq += 0; lq += 0; tlq += 0
			printf "  nq57 %-6s speed-up %5.1fx wall, %5.1fx CPU (goal >= 10x); clustering quality %s, layout quality %s\n", side, tw / w, tc / c,
				(cq == tcq ? "equal" : cq > tcq ? "better" : "worse"),
				(lq == tlq ? "equal" : lq < tlq ? "better by " : "worse by ") (lq == tlq ? "" : sprintf("%.2g (relative)", (lq > tlq ? lq - tlq : tlq - lq) / (tlq < 0 ? -tlq : tlq))) }'
	done
}

echo "bench/network: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg), node $(node --version)"
[ -f "$DATA/Leiden_Ranking_2015_university_collaboration_network.txt" ] ||
	die "$DATA/Leiden_Ranking_2015_university_collaboration_network.txt not found"
report leiden "$DATA/Leiden_Ranking_2015_university_collaboration_network.txt" 1000 "$REPEAT"

node "$here/bench/network/generate.mjs" "$NODES" "$LINKS" "$COMMUNITY" "$SEED" >"$tmp/big.txt"
report big "$tmp/big.txt" "$LAYOUT_ITER" "${REPEAT_BIG:-1}"
