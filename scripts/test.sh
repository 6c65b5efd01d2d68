#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through CTest: once
# in a normal build and once under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
warroom_install_missing

warroom_build build -DWARROOM_TESTS=ON
(cd "$warroom_root/build" && ctest --output-on-failure -j"$(nproc)")

warroom_build build-sanitize -DWARROOM_TESTS=ON -DWARROOM_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd "$warroom_root/build-sanitize" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$(nproc)")
