#!/bin/sh
# Builds the `fuzz` preset and runs every libFuzzer target in tests/fuzz.
#
#   tests/fuzz/run.sh [RUNS] [libFuzzer options...]
#
# RUNS is the number of inputs per target (default 20000; -1 runs until a
# libFuzzer option such as -max_total_time=600 stops it). Targets run one after
# the other on a working copy of the committed seeds in build/fuzz/work/, which
# keeps what each run finds for the next; tests/fuzz/corpus/ is never written.
# Crashing inputs go to build/fuzz/artifacts/. FUZZ_TARGETS="fuzz_joblog ..."
# picks targets, JOBS the build parallelism (default 2). Exits non-zero if a
# target crashed or failed to build.
set -u

runs=${1:-20000}
[ $# -gt 0 ] && shift

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=$source_dir/build/fuzz
targets=${FUZZ_TARGETS:-fuzz_textjoblist fuzz_jsonjoblist fuzz_specparsers fuzz_joblog}

cd "$source_dir" || exit 2
cmake --preset fuzz >/dev/null || exit 2
cmake --build --preset fuzz -j "${JOBS:-2}" || exit 2

# UBSan findings must stop the run like ASan ones (the preset also builds with
# -fno-sanitize-recover=all).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

failed=""
for target in $targets; do
    work=$build_dir/work/$target
    artifacts=$build_dir/artifacts
    mkdir -p "$work" "$artifacts"
    cp "$here/corpus/$target"/* "$work"/ 2>/dev/null
    dict=""
    [ -f "$here/$target.dict" ] && dict="-dict=$here/$target.dict"
    log=$build_dir/$target.log
    echo "== $target: $runs runs, log in $log"
    # shellcheck disable=SC2086 # $dict is one word or none
    "$build_dir/tests/fuzz/$target" "$work" -runs="$runs" -max_len=4096 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$artifacts/$target-" $dict "$@" >"$log" 2>&1
    status=$?
    grep -E '^stat::number_of_executed_units|^Done [0-9]+ runs' "$log" | tail -n 2
    if [ "$status" -ne 0 ]; then
        echo "!! $target failed (exit $status):"
        grep -E 'ERROR|FUZZ_CHECK|runtime error|Test unit written|Qt message' "$log" | head -n 20
        failed="$failed $target"
    fi
done

if [ -n "$failed" ]; then
    echo "FAILED:$failed"
    exit 1
fi
echo "All fuzz targets passed."
