#!/bin/bash
# Runs the libFuzzer targets of a -Dfuzz=true build, one at a time, each
# for SECONDS, and prints per target its executions, coverage (cov: edges,
# ft: features), the corpus it ended with and the result:
#   fuzz/run.sh BUILD_DIR SECONDS [TARGET...]     (default: every target)
# Each target starts from the seeds in fuzz/corpus/<target>/ and the
# regression inputs in fuzz/regressions/<target>/ (replayed first, so a
# crash fixed once stays fixed), and grows a working corpus in
# BUILD_DIR/fuzz-corpus/<target>/ that later runs start from too. An input
# that crashes is kept in BUILD_DIR/fuzz-crashes/. One line per target
# starts with "PASS fuzz_<target>" or "FAIL fuzz_<target>"; the exit
# status is 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
SECONDS_EACH=${2:?usage: fuzz/run.sh BUILD_DIR SECONDS [TARGET...]}
shift 2
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
	TARGETS=(csv xlsx period expr utf8 router upload dhis2 index_spec request)
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$BUILD/fuzz-crashes"
failed=0

for t in "${TARGETS[@]}"; do
	bin=$BUILD/fuzz/fuzz_$t
	work=$BUILD/fuzz-corpus/$t
	log=$BUILD/fuzz-crashes/$t.log
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz_$t: $bin is not built (meson setup $BUILD -Dfuzz=true with CC=clang)"
		failed=1
		continue
	fi
	mkdir -p "$work"
	dirs=("$work" "fuzz/corpus/$t")
	[ -d "fuzz/regressions/$t" ] && dirs+=("fuzz/regressions/$t")
	dict=()
	[ -f "fuzz/$t.dict" ] && dict=("-dict=fuzz/$t.dict")
	start=$(date +%s)
	"$bin" -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=2560 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$BUILD/fuzz-crashes/$t-" "${dict[@]}" "${dirs[@]}" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	files=$(find "$work" -type f | wc -l)
	kb=$(du -sk "$work" | cut -f1)
	figures="runs=${runs:-?} cov=${cov:-?} ft=${ft:-?} corpus=${files} files/${kb} KB in ${took} s"
	if [ "$rc" -eq 0 ]; then
		echo "PASS fuzz_$t: $figures"
	else
		failed=1
		echo "FAIL fuzz_$t: exit $rc, $figures; log $log"
		grep -E 'ERROR:|SUMMARY:|property broken|runtime error|Test unit written' "$log" | head -8 | sed 's/^/    /'
	fi
done
exit $failed
