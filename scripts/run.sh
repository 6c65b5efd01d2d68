#!/usr/bin/env bash
# Installs what is missing, builds, and runs the bot. With no Slack or Matrix
# credentials in the environment it runs the console on warroom.db.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/deps.sh"
warroom_install_missing
warroom_build build -DWARROOM_TESTS=OFF >&2
exec "$warroom_root/build/warroom" "$@"
