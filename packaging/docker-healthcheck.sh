#!/bin/sh
# The container image's HEALTHCHECK (installed as /usr/local/bin/warroom-healthcheck).
#
# It asks the bot's own HTTP listener for /healthz, which answers without
# WARROOM_HTTP_TOKEN (health tells nothing confidential), from inside the
# container: to 127.0.0.1 (or ::1) when the listener is bound to every
# address, else to the address it is bound to; over TLS when
# WARROOM_HTTP_CERT is set, without checking the certificate's name (it is
# issued for the host's name, not for the address asked here).
#
# The listener is off unless WARROOM_HTTP is set, and the image leaves it
# unset (bound off loopback it needs a token). Without it there is nothing to
# ask, and the check passes: the container then lives exactly as long as the
# bot, so "healthy" means "running". Set WARROOM_HTTP=127.0.0.1:8080 for a
# real check (no token needed on loopback, and unreachable from outside), or
# WARROOM_HTTP=0.0.0.0:8080 with WARROOM_HTTP_TOKEN to scrape /metrics too.
set -eu

listen="${WARROOM_HTTP:-}"
[ -n "$listen" ] || exit 0

port="${listen##*:}"
address="${listen%:*}"
case "$address" in
    0.0.0.0 | "") host=127.0.0.1 ;;
    "[::]") host="[::1]" ;;
    localhost) host=127.0.0.1 ;;
    *) host="$address" ;;   # a given IPv6 address keeps its brackets
esac

scheme=http
insecure=""
if [ -n "${WARROOM_HTTP_CERT:-}" ]; then
    scheme=https
    insecure=--insecure
fi

# -f: an answer other than 2xx fails; --max-time stays under the HEALTHCHECK's --timeout.
exec curl --fail --silent --show-error --output /dev/null --max-time 4 $insecure \
    "$scheme://$host:$port/healthz"
