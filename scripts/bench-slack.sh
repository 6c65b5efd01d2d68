#!/usr/bin/env bash
# The whole Slack comparison in one command: builds warroom and the bench,
# installs the Bolt peer's packages from its lock file (npm ci), and prints
# one table of medians: warroom, the limit client (warroom's Socket Mode code
# alone) and the Bolt peer, at fixed rates and at saturation, each measured
# in this one run. Arguments go to build/warroom_slack_bench (--help lists them).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
node_packages=()
command -v node >/dev/null || node_packages+=(nodejs)
command -v npm >/dev/null || node_packages+=(npm)
# python3 is node-gyp's, which builds better-sqlite3 when no prebuilt binary can be fetched.
warroom_install_missing python3 "${node_packages[@]}"
warroom_build build -DWARROOM_TESTS=ON >/dev/null
(cd "$warroom_root/bench/peer" && npm ci --no-audit --no-fund --loglevel=error >&2)
exec "$warroom_root/build/warroom_slack_bench" "$@"
