# Sourced by run.sh and test.sh: installs the Debian packages warroom needs,
# only those that are missing, so a second run costs nothing.
warroom_packages=(
  g++ cmake make pkg-config ccache
  libsqlite3-dev libpq-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libcli11-dev libedit-dev
  libboost1.81-dev libssl-dev openssl
  # Prometheus metrics (bot/metrics.cpp): the client library, its core part.
  prometheus-cpp-dev
  # The review page of the web board renders its Markdown (safe mode: raw HTML dropped).
  libcmark-dev
  catch2
)
# What the tests add: PostgreSQL's server programs, for the throwaway cluster
# the storage suite and the replica tests start (and stop) themselves.
# Prometheus' promtool: the tests check the /metrics exposition and the alert rules with it.
# Chromium, headless: the board's test loads it in a real browser.
warroom_test_packages=(postgresql prometheus chromium)
# What the fuzz run of test.sh adds: clang with libFuzzer and the sanitizer
# runtimes, and llvm-symbolizer for readable crash reports.
warroom_fuzz_packages=(clang libclang-rt-14-dev llvm)

# Installs what is missing of warroom_packages and of the packages given as arguments.
warroom_install_missing() {
  local missing=()
  for package in "${warroom_packages[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "warroom: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Configures and builds into $1 with the remaining arguments passed to cmake.
warroom_build() {
  local dir="$1"; shift
  cmake -S "$warroom_root" -B "$warroom_root/$dir" "$@" >/dev/null
  cmake --build "$warroom_root/$dir" -j"$(nproc)"
}

warroom_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
