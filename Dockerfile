# warroom in a container: `docker build -t warroom .` (README, "In
# production"). Two stages on Debian 12, as the scripts build it: the first
# compiles with the -dev packages, the second holds the binary, its runtime
# libraries and nothing else, and runs as a user of its own.

FROM debian:12 AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
WORKDIR /src
# The build packages come from the one list the scripts keep (warroom_packages
# in scripts/deps.sh); copied alone first, so that a change to the sources
# does not install them again.
COPY scripts/deps.sh scripts/deps.sh
RUN source scripts/deps.sh && warroom_install_missing && rm -rf /var/lib/apt/lists/*
COPY . .
# Only the bot (no tests, benchmarks or fuzzers), installed stripped into
# /staging with the project's own install rules.
RUN cmake -S . -B build -DWARROOM_TESTS=OFF -DCMAKE_BUILD_TYPE=Release \
    && cmake --build build --target warroom -j"$(nproc)" \
    && DESTDIR=/staging cmake --install build --prefix /usr --strip

FROM debian:12
# The Debian packages of the shared libraries the binary loads (ldd, dpkg -S):
# CTest's "packaging: the Dockerfile's runtime packages" checks this list
# against the built binary, so a new library fails the tests instead of the
# image. Besides them: ca-certificates (Slack's and Matrix's TLS are verified
# against the system store) and curl (the health check below).
ARG WARROOM_RUNTIME_PACKAGES="libc6 libgcc-s1 libstdc++6 libssl3 libsqlite3-0 libpq5 libedit2 \
    libfmt9 libspdlog1.10 libcmark0.30.2 libprometheus-cpp-core1.0 ca-certificates curl"
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $WARROOM_RUNTIME_PACKAGES \
    && rm -rf /var/lib/apt/lists/*

# A user of its own, without a shell; /var/lib/warroom is its state (the
# SQLite database, created 0600), a volume so that it outlives the container.
RUN groupadd --system --gid 10001 warroom \
    && useradd --system --uid 10001 --gid warroom --home-dir /var/lib/warroom --no-create-home \
        --shell /usr/sbin/nologin warroom \
    && install -d -o warroom -g warroom -m 0700 /var/lib/warroom
COPY --from=build /staging/usr/bin/warroom /usr/bin/warroom
# The example playbook and its scenarios, to copy and edit (WARROOM_PLAYBOOK);
# the bot has the same playbook compiled in.
COPY --from=build /staging/usr/share/warroom /usr/share/warroom
COPY packaging/docker-healthcheck.sh /usr/local/bin/warroom-healthcheck

USER 10001:10001
WORKDIR /var/lib/warroom
VOLUME /var/lib/warroom
ENV WARROOM_DB=/var/lib/warroom/warroom.db

# The bot's HTTP listener (the board, /metrics, /healthz, /readyz) is off
# unless WARROOM_HTTP is set, and it is left unset here: bound to 0.0.0.0,
# as it must be to be reached from outside the container, the listener
# refuses to start without WARROOM_HTTP_TOKEN, and an image cannot carry a
# secret. Pass WARROOM_HTTP=0.0.0.0:8080 and WARROOM_HTTP_TOKEN (with
# `-p 8080:8080`) to reach it from outside, or WARROOM_HTTP=127.0.0.1:8080
# for the health check alone. EXPOSE documents the port; it opens nothing.
EXPOSE 8080
# The health check asks /healthz from inside the container, which answers
# without the token; with WARROOM_HTTP unset there is no listener to ask and
# the check passes (the container runs exactly as long as the bot does).
# See packaging/docker-healthcheck.sh.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["/bin/sh", "/usr/local/bin/warroom-healthcheck"]

# Slack when SLACK_APP_TOKEN is set, Matrix when MATRIX_HOMESERVER is; any
# subcommand can be given instead (`docker run --rm -it warroom console`).
ENTRYPOINT ["/usr/bin/warroom"]
