#!/usr/bin/env bash
# Builds the libFuzzer targets (only those, not the bot) with clang in
# build-fuzz and fuzzes each one for WARROOM_FUZZ_SECONDS (default 60), two at
# a time. A crash fails its test and leaves the input in
# build-fuzz/fuzz-artifacts/ (fuzz/README.md says what next).
# WARROOM_FUZZ_CXX chooses another clang.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
warroom_install_missing "${warroom_fuzz_packages[@]}"

cmake -S "$warroom_root" -B "$warroom_root/build-fuzz" -DCMAKE_CXX_COMPILER="${WARROOM_FUZZ_CXX:-clang++}" \
  -DWARROOM_FUZZ=ON -DWARROOM_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWARROOM_FUZZ_SECONDS="${WARROOM_FUZZ_SECONDS:-60}" >/dev/null
cmake --build "$warroom_root/build-fuzz" -j"$(nproc)" --target warroom_fuzz_targets
(cd "$warroom_root/build-fuzz" && ctest -L fuzz -j"$(nproc)" --output-on-failure)
# What each target did: runs, coverage, corpus size.
awk '/^[0-9]+\/[0-9]+ Testing: fuzz\./ { name = $3 } /DONE +cov:/ { print name ": " $0 }' \
  "$warroom_root/build-fuzz/Testing/Temporary/LastTest.log"
