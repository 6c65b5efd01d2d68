#!/usr/bin/env bash
# CTest "cli: --help names every variable the bot reads": each env("NAME"),
# getenv("NAME"), read_secret("NAME") or the like in the bot's sources (but HOME,
# the console's history) appears in `warroom --help`, so nobody has to read
# the code to learn what configures it.
#   help_variables_test.sh SOURCE_DIR WARROOM_BINARY
set -euo pipefail
source_dir="$1"
binary="$2"
source "$(dirname "${BASH_SOURCE[0]}")/bot_variables.sh"
variables="$(bot_variables "$source_dir")"
help="$("$binary" --help)"
missing=0
for variable in $variables; do
    if grep -qw -- "$variable" <<<"$help"; then
        echo "ok: $variable"
    else
        echo "FAIL: $variable is read by the bot but not named by warroom --help" >&2
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ]
