#!/usr/bin/env bash
# CTest "packaging: the environment example names every variable the bot
# reads": each env("NAME"), getenv("NAME"), read_secret("NAME") or the like in the bot's sources (but HOME,
# the console's history) appears as NAME= in packaging/warroom.env.example,
# so an administrator filling it in misses nothing.
#   env_example_test.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
example="$source_dir/packaging/warroom.env.example"
source "$(dirname "${BASH_SOURCE[0]}")/bot_variables.sh"
variables="$(bot_variables "$source_dir")"
missing=0
for variable in $variables; do
    if grep -qE "^#?$variable=" "$example"; then
        echo "ok: $variable"
    else
        echo "FAIL: $variable is read by the bot but not in $example" >&2
        missing=$((missing + 1))
    fi
done
[ "$missing" -eq 0 ] || exit 1
# Secrets are never filled in in the example.
if grep -nE '^#?(SLACK_APP_TOKEN|SLACK_BOT_TOKEN|MATRIX_ACCESS_TOKEN|MATRIX_PASSWORD|WARROOM_HTTP_TOKEN|STATUSPAGE_API_KEY|SMTP_PASSWORD|TICKETING_WEBHOOK_SECRET|PAGERDUTY_SECURITY_KEY|PAGERDUTY_LEGAL_KEY)=.' "$example"; then
    echo "FAIL: the example holds a secret's value" >&2
    exit 1
fi
echo "ok: $example names every variable the bot reads"
