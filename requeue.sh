#!/usr/bin/env bash
# Requeue's one entry point on a fresh Debian 12 machine:
#   ./requeue.sh run [FILE]   install what is missing, build, open the window on
#                             FILE (default: the bundled example); without a
#                             display, run the same list headless in the terminal
#   ./requeue.sh test         install, build and run every test (warnings as
#                             errors, again under ASan+UBSan, the core suites
#                             under TSan, and a short run of each fuzzer)
#   ./requeue.sh bench        build optimised and run the benchmarks
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-base-dev-tools libgl-dev
          libxkbcommon-dev xvfb xauth clang libclang-rt-14-dev procps)

install_missing() {
    local missing=()
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "requeue.sh: installing ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${missing[@]}" >/dev/null
}

build() { # preset
    cmake --preset "$1" >/dev/null
    cmake --build --preset "$1" -j "$(nproc)"
}

run_main() {
    local file="${1:-resources/examples/demo.txt}"
    build release
    # Opens the window on FILE; without a display, requeue says so and runs
    # the same list headless in this terminal.
    exec build/release/app/requeue "$file"
}

run_tests() {
    echo "== build with warnings as errors, run every suite" >&2
    build ci
    ctest --preset ci -j 2
    echo "== AddressSanitizer + UndefinedBehaviorSanitizer" >&2
    build asan
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --preset asan -j 2
    echo "== fuzzers, a short fixed run each (tests/fuzz/run.sh N runs them longer)" >&2
    tests/fuzz/run.sh 20000
    echo "== ThreadSanitizer: the core suites" >&2
    build tsan
    ctest --preset tsan -j 2
}

run_bench() {
    build release
    for b in build/release/tests/bench/bench_*; do
        [ -x "$b" ] && "$b"
    done
}

install_missing
case "${1:-run}" in
    run) shift || true; run_main "$@" ;;
    test) run_tests ;;
    bench) run_bench ;;
    *) echo "usage: $0 run [FILE] | test | bench" >&2; exit 2 ;;
esac
