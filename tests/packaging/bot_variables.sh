# Sourced by the tests that check a list of the bot's environment variables
# (env_example_test.sh, help_variables_test.sh).
# bot_variables SOURCE_DIR: each variable the bot's sources read through
# env("NAME"), getenv("NAME"), read_secret("NAME") or the like, one a line,
# but HOME (the console's history); fails when it finds none.
bot_variables() {
    local found
    found="$(cd "$1" && grep -rhoE '\b((get)?env|read_secret|read_chat_secret|secret_offered)\("[A-Z][A-Z0-9_]*"' \
        --include='*.cpp' --include='*.hpp' bot commands adapters storage |
        sed -E 's/.*\("([A-Z0-9_]+)"/\1/' | sort -u | grep -vx HOME)"
    [ -n "$found" ] || { echo "FAIL: no variable found in the sources" >&2; return 1; }
    echo "$found"
}
