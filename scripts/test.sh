#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest: once
# in a normal build (the crash harness with 200 kills per platform, the
# replica test with 36), once under AddressSanitizer +
# UndefinedBehaviorSanitizer (50 kills per platform, 12 for the replicas),
# then each libFuzzer target for 60 s in a clang build (scripts/fuzz.sh).
# The tests that need PostgreSQL start a throwaway cluster of their own.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
warroom_install_missing "${warroom_test_packages[@]}"

# The figures the crash harness and the fault storms print (docs/reliability.md).
warroom_print_figures() {
  grep -h "^crash .*: kills\|^replicas .*: kills\|^storm .*: seed" "$warroom_root/$1/Testing/Temporary/LastTest.log" || true
}

warroom_build build -DWARROOM_TESTS=ON
(cd "$warroom_root/build" && ctest --output-on-failure -j"$(nproc)")
warroom_print_figures build

warroom_build build-sanitize -DWARROOM_TESTS=ON -DWARROOM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DWARROOM_CRASH_KILLS=50 -DWARROOM_REPLICA_KILLS=12
(cd "$warroom_root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)")
warroom_print_figures build-sanitize

"$warroom_root/scripts/fuzz.sh"
