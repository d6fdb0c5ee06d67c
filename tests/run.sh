#!/bin/bash
# Runs every test against one build directory and ends with the line
# "N passed, N failed, N skipped":
#   unit tests (cmocka), the API suite on SQLite, the API suite on a
#   PostgreSQL server started here, the browser tests in Chromium, and a
#   short pass of each fuzz target.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:-build-san}
export NQ57_BUILD_DIR=$PWD/$BUILD
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
OUT=$(mktemp -d /tmp/nq57-tests.XXXXXX)
passed=0 failed=0 skipped=0
PG_DIR=""

cleanup() {
	[ -n "$PG_DIR" ] && tests/pg.sh stop "$PG_DIR" >/dev/null 2>&1
	rm -rf "$OUT"
}
trap cleanup EXIT

count() { # count FILE PATTERN -> the number after PATTERN, summed
	sed -n "s/$2/\1/p" "$1" | awk '{ s += $1 } END { print s + 0 }'
}

section() { printf '\n=== %s ===\n' "$1"; }

# --- unit tests: each binary prints cmocka's summary
section "unit tests ($BUILD)"
for t in "$BUILD"/tests/unit/test_*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	log=$OUT/$(basename "$t").log
	"$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(count "$log" '^\[  PASSED  \] \([0-9]*\) test.*')
	f=$(count "$log" '^\[  FAILED  \] \([0-9]*\) test.*')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$(basename "$t"): exited with $rc"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f))
done

# --- node test suites: TAP summary lines "# pass N", "# fail N", "# skipped N"
run_node() { # run_node NAME DIR [ENV=VALUE...]
	local name=$1 dir=$2; shift 2
	local log=$OUT/$name.log
	section "$name"
	env "$@" node --test --test-reporter=tap --test-concurrency=2 "$dir"/ >"$log" 2>&1
	local rc=$?
	grep -v '^\s*duration_ms' "$log"
	local p f s
	p=$(count "$log" '^# pass \([0-9]*\)')
	f=$(count "$log" '^# fail \([0-9]*\)')
	s=$(count "$log" '^# skipped \([0-9]*\)')
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "$name: node exited with $rc"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
}

# Every answer an API test gets is also checked against the OpenAPI
# description (tests/lib/openapi_check.mjs).
run_node "api-sqlite" tests/api NQ57_OPENAPI_CHECK=1

section "starting PostgreSQL"
PG_DIR=$(mktemp -d /tmp/nq57-pg.XXXXXX)
if PG_URL=$(tests/pg.sh start "$PG_DIR"); then
	echo "PostgreSQL at $PG_URL"
	run_node "api-postgresql" tests/api NQ57_TEST_DB="$PG_URL" NQ57_OPENAPI_CHECK=1
else
	echo "PostgreSQL did not start; the API suite on PostgreSQL counts as failed"
	failed=$((failed + 1))
fi
tests/pg.sh stop "$PG_DIR"
PG_DIR=""

run_node "browser" tests/browser

# --- a short pass of every fuzz target (fuzz/run.sh), each one test; the
# clang build is FUZZ_BUILD (make test builds build-fuzz)
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
section "fuzzing, ${FUZZ_SHORT_SECONDS:-6} s per target ($FUZZ_BUILD)"
if [ -d "$FUZZ_BUILD/fuzz" ]; then
	fuzz/run.sh "$FUZZ_BUILD" "${FUZZ_SHORT_SECONDS:-6}" >"$OUT/fuzz.log" 2>&1
	rc=$?
	cat "$OUT/fuzz.log"
	p=$(grep -c '^PASS fuzz_' "$OUT/fuzz.log")
	f=$(grep -c '^FAIL fuzz_' "$OUT/fuzz.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "fuzz/run.sh exited with $rc"
		f=1
	fi
	passed=$((passed + p)); failed=$((failed + f))
else
	echo "$FUZZ_BUILD is not a -Dfuzz=true build (make build-fuzz); skipped"
	skipped=$((skipped + 1))
fi

echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
