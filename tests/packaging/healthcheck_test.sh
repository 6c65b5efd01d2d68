#!/usr/bin/env bash
# CTest "packaging: the container health check": packaging/docker-healthcheck.sh
# (the image's HEALTHCHECK) passes without a listener to ask, passes when
# /healthz answers 200, and fails when nothing listens or /healthz is not
# there. A Python HTTP server stands in for the bot's listener.
#   healthcheck_test.sh HEALTHCHECK_SCRIPT
# Exit 77 (skipped) without curl or python3.
set -euo pipefail
check="$1"
for tool in curl python3; do
    if ! command -v "$tool" >/dev/null; then
        echo "$tool is not installed: skipped"
        exit 77
    fi
done

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

folder="$(mktemp -d)"
server=""
cleanup() {
    [ -z "$server" ] || kill "$server" 2>/dev/null || true
    rm -rf "$folder"
}
trap cleanup EXIT

# Runs the check with exactly the environment given.
run_check() { env -i PATH="$PATH" "$@" sh "$check"; }

run_check || fail "with WARROOM_HTTP unset the check must pass"

mkdir "$folder/site"
echo ok >"$folder/site/healthz"
(cd "$folder/site" && exec python3 -u -m http.server 0 --bind 127.0.0.1 >"$folder/server.log" 2>&1) &
server=$!
port=""
for _ in $(seq 100); do
    port="$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$folder/server.log" | head -n 1)"
    [ -z "$port" ] || break
    sleep 0.1
done
[ -n "$port" ] || fail "the stand-in server did not start: $(cat "$folder/server.log")"

run_check WARROOM_HTTP="127.0.0.1:$port" || fail "/healthz answered 200 on 127.0.0.1:$port, the check failed"
run_check WARROOM_HTTP="0.0.0.0:$port" || fail "bound to 0.0.0.0, the check must ask 127.0.0.1"
run_check WARROOM_HTTP="localhost:$port" || fail "localhost is 127.0.0.1"
run_check WARROOM_HTTP="127.0.0.1:$port" WARROOM_HTTP_TOKEN=0123456789abcdef0123 ||
    fail "/healthz needs no token; the check must not depend on one"
if run_check WARROOM_HTTP="127.0.0.1:$port" WARROOM_HTTP_CERT=/x.pem WARROOM_HTTP_KEY=/x.key 2>/dev/null; then
    fail "with WARROOM_HTTP_CERT the check must speak TLS, which the plain stand-in does not"
fi
rm "$folder/site/healthz"
if run_check WARROOM_HTTP="127.0.0.1:$port" 2>/dev/null; then fail "/healthz answered 404, the check passed"; fi
kill "$server"
wait "$server" 2>/dev/null || true
server=""
if run_check WARROOM_HTTP="127.0.0.1:$port" 2>/dev/null; then fail "nothing listens on $port, the check passed"; fi
echo "ok: the health check passes without a listener and asks /healthz when there is one"
