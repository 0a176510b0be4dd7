#!/usr/bin/env bash
# Requeue's one entry point on a fresh Debian 12 machine:
#   ./requeue.sh run [FILE]   install what is missing, build, open the window on
#                             FILE (default: the bundled example); without a
#                             display, say so and run the list with `requeue run`
#   ./requeue.sh test         install, build and run every test (warnings as
#                             errors, again under ASan+UBSan, the core suites
#                             under TSan, and a short run of each fuzzer)
#   ./requeue.sh bench        build optimised and run the benchmarks
#   ./requeue.sh package      build requeue_<version>_<arch>.deb here (CPack);
#                             install it with: sudo apt install ./requeue_*.deb
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(cmake ninja-build g++ pkg-config qt6-base-dev qt6-base-dev-tools libgl-dev
          libxkbcommon-dev xvfb xauth clang libclang-rt-14-dev procps
          dpkg-dev file lintian appstream desktop-file-utils man-db groff-base
          dbus-daemon zsh fish parallel
          slurm-wlm munge)

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
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
        # `requeue FILE` refuses to run a list without a window; this script
        # is for trying Requeue out, so it runs the list in the terminal.
        echo "requeue.sh: no display: running $file in the terminal (requeue run) instead of the window" >&2
        exec build/release/app/requeue run "$file"
    fi
    exec build/release/app/requeue "$file"
}

# The library as another project sees it: install into a prefix inside the
# build tree, configure and build resources/examples/library/ out of tree
# with find_package(Requeue), run the downloads example.
check_library() { # build dir
    local prefix="$1/library-prefix" examples="$1/library-examples"
    echo "== the library: install, build the examples against it, run one" >&2
    rm -rf "$prefix" "$examples"
    cmake --install "$1" --prefix "$prefix" --component Requeue_Development >/dev/null
    for example in downloads jobtable; do
        cmake -S resources/examples/library/$example -B "$examples/$example" -G Ninja \
            -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$(realpath "$prefix")" \
            -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
        cmake --build "$examples/$example" -j "$(nproc)" >/dev/null
    done
    "$examples/downloads/downloads" >/dev/null
}

run_tests() {
    echo "== build with warnings as errors, run every suite" >&2
    build ci
    ctest --preset ci -j 2
    check_package build/ci
    check_library build/ci
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

# The package of an already built tree, checked the way Debian would: its
# metadata and file list (packaging/contents.txt), lintian errors, the
# AppStream metadata, the desktop entry and the manual page.
check_package() { # build dir
    echo "== the Debian package: metadata, files, lintian, AppStream, man" >&2
    local out="$1/package-check"
    rm -rf "$out"
    cpack --config "$1/CPackConfig.cmake" -B "$out" >/dev/null
    local deb
    deb=$(echo "$out"/requeue_*.deb)
    dpkg-deb -I "$deb" >/dev/null
    [ "$(dpkg-deb -f "$deb" Package)" = requeue ]
    [ "$(dpkg-deb -f "$deb" Section)" = utils ]
    dpkg-deb -f "$deb" Depends | grep -q 'libqt6widgets6.*qt6-qpa-plugins\|qt6-qpa-plugins.*libqt6widgets6'
    dpkg-deb -f "$deb" Description | grep -q '^ Requeue runs a list of jobs'
    dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' | LC_ALL=C sort \
        | diff -u packaging/contents.txt - >&2
    lintian --fail-on error "$deb" >&2
    appstreamcli validate --no-net resources/io.github.requeue.Requeue.metainfo.xml >/dev/null
    desktop-file-validate resources/requeue.desktop
    local warnings
    warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l resources/requeue.1 2>&1 >/dev/null)
    [ -z "$warnings" ] || { echo "$warnings" >&2; return 1; }
    rm -rf "$out"
}

run_package() {
    # Only what the package holds (install component "requeue"), not the tests.
    cmake --preset release >/dev/null
    cmake --build --preset release -j "$(nproc)" \
        --target requeue requeue_manpage requeue_changelog
    rm -f requeue_*.deb
    local out=build/release/package
    rm -rf "$out"
    cpack --config build/release/CPackConfig.cmake -B "$out" >/dev/null
    mv "$out"/requeue_*.deb .
    rm -rf "$out"
    local deb
    deb=$(echo requeue_*.deb)
    echo "requeue.sh: built $deb; install it with: sudo apt install ./$deb" >&2
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
    package) run_package ;;
    *) echo "usage: $0 run [FILE] | test | bench | package" >&2; exit 2 ;;
esac
