#!/usr/bin/env bash
# The Vietnamese search engine (src/search/) against SQLite FTS5 bm25()
# over the same listings folded, in the same run (bench/search/driver.c
# linked with libnq57): DOCS listings generated from the real sentences of
# ../shared/data/vi-text (a fifth in NFD, a fifth in old-style tone
# placement) with facets; QUERIES common and QUERIES rare 2-3-syllable
# queries from the same sentences; p50/p95/p99 of each engine (FTS5 on the
# first FTS_QUERIES of each kind), index build time and memory, a live
# update seen by the next query.
# Goals (issue 20): p95 < 20 ms and p99 < 50 ms for common and rare
# queries with facets; FTS5's p95 at least 10x ours; a live update < 100 ms.
#
#   BUILD=build bench/search.sh
#   DOCS=20000 bench/search.sh      # <= 20,000: checks counts against SQL instead
#
# Knobs: BUILD (release build folder, default build/), DOCS (1000000),
# QUERIES (500), FTS_QUERIES (200), VI_TEXT (../shared/data/vi-text beside
# the repository), KEEP=1 keeps the temporary folder (and the SQLite file),
# VERBOSE=1 lists nq57's queries over 10 ms of CPU; FTS_QUERIES=0 leaves
# FTS5 out. Needs cc and libsqlite3-dev.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$here/build}
DOCS=${DOCS:-1000000}
QUERIES=${QUERIES:-500}
FTS_QUERIES=${FTS_QUERIES:-200}
VI_TEXT=${VI_TEXT:-$here/../shared/data/vi-text}
die() { echo "bench/search: $*" >&2; exit 1; }
[ -f "$BUILD/src/libnq57.a" ] || die "$BUILD/src/libnq57.a not found: ninja -C $BUILD (a release build) or set BUILD"
[ -f "$VI_TEXT/viwiki_sentences.txt" ] || die "$VI_TEXT/viwiki_sentences.txt not found: set VI_TEXT"
command -v cc >/dev/null || die "cc not found"
for v in DOCS QUERIES FTS_QUERIES; do
	[[ ${!v} =~ ^[0-9]+$ ]] || die "$v must be a whole number, not '${!v}'"
done

buildtype=$(grep -o '"name": "buildtype", "value": "[a-z]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
	sed 's/.*"value": "//; s/"$//' || true)
if [ -n "$buildtype" ] && [ "$buildtype" != release ]; then
	echo "bench/search: warning: $BUILD is a '$buildtype' build; numbers are for a release build" >&2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nq57-bench-search.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT; [ -n "${KEEP:-}" ] && echo "tmp: $tmp" >&2

# A sanitizer build's library needs the same sanitizers in the driver.
sanitize=$(grep -o '"name": "b_sanitize", "value": "[a-z,]*"' "$BUILD/meson-info/intro-buildoptions.json" 2>/dev/null |
	sed 's/.*"value": "//; s/"$//' || true)
san=()
[ -n "$sanitize" ] && [ "$sanitize" != none ] && san=(-fsanitize="$sanitize")
cc -O2 -std=c11 -D_GNU_SOURCE "${san[@]}" -I"$here/src" -o "$tmp/driver" "$here/bench/search/driver.c" \
	"$BUILD/src/libnq57.a" -lsqlite3 -lutf8proc -lm -lpthread ||
	die "cannot build bench/search/driver.c against $BUILD/src/libnq57.a"

echo "search: $DOCS listings, $QUERIES common + $QUERIES rare queries (FTS5: $FTS_QUERIES of each); nq57 $BUILD${buildtype:+ ($buildtype)}, commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/driver" "$VI_TEXT" "$DOCS" "$QUERIES" "$FTS_QUERIES" "$tmp/fts.db"
