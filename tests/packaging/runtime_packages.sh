#!/usr/bin/env bash
# CTest "packaging: the Dockerfile's runtime packages": the image cannot be
# built by the tests (that needs a registry for debian:12), so this checks
# the part that rots silently: that the runtime stage's package list
# (ARG WARROOM_RUNTIME_PACKAGES) provides every shared library the built
# binary loads. Each library `ldd` reports is mapped to its Debian package
# with `dpkg -S`; the package of a library the binary names itself (NEEDED)
# must be listed, and that of any other (a library's library) must be
# listed or be a dependency, however indirect, of a listed package.
# The build stage installs scripts/deps.sh's warroom_packages: for each
# library the binary names, the package of the file the linker used
# (libfoo.so, as CXX finds it) must be among them or their dependencies.
#   runtime_packages.sh DOCKERFILE BINARY DEPS_SH CXX
# Exit 77 (skipped) where there is no dpkg (not Debian).
set -euo pipefail
dockerfile="$1"
binary="$2"
deps_sh="$3"
cxx="$4"

if ! command -v dpkg >/dev/null || ! command -v dpkg-query >/dev/null; then
    echo "not a Debian system (no dpkg): skipped"
    exit 77
fi

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The ARG's value, its lines joined: ARG WARROOM_RUNTIME_PACKAGES="a b \ c".
listed="$(sed -e ':join' -e '/\\$/{N;s/\\\n//;b join}' "$dockerfile" |
    sed -n 's/^ARG WARROOM_RUNTIME_PACKAGES="\([^"]*\)".*/\1/p')"
[ -n "$listed" ] || fail "$dockerfile has no ARG WARROOM_RUNTIME_PACKAGES=\"...\""
read -r -a listed <<<"$listed"
declare -A is_listed=()
for package in "${listed[@]}"; do
    case "$package" in
        *-dev) fail "the runtime stage lists a development package: $package" ;;
    esac
    is_listed[$package]=1
done
echo "runtime packages: ${listed[*]}"

# The package that installed a library file; merged /usr means the file may
# be recorded under /lib or /usr/lib, and through a symlink or not.
owner() {
    owner_of_file "$1" "$(readlink -f "$1")"
}
# The same for the paths given, without following symlinks.
owner_of_file() {
    local candidates=("$@") candidate found
    for candidate in "$@"; do
        case "$candidate" in
            /usr/lib/*) candidates+=("${candidate#/usr}") ;;
            /lib/* | /lib64/*) candidates+=("/usr$candidate") ;;
        esac
    done
    for candidate in "${candidates[@]}"; do
        if found="$(dpkg -S "$candidate" 2>/dev/null | head -n 1)"; then
            # "libssl3:amd64: /usr/lib/x86_64-linux-gnu/libssl.so.3"; the first of "a:amd64, a:i386: ..."
            found="${found%%: *}"
            found="${found%%,*}"
            echo "${found%%:*}"
            return 0
        fi
    done
    return 1
}

# Fills the associative array named $1 with the packages given and every
# package they pull in, from the installed packages' Depends and Pre-Depends
# (every alternative of an "a | b").
dependency_closure() {
    local -n into="$1"
    shift
    local queue=("$@") package depends dependency
    while [ ${#queue[@]} -gt 0 ]; do
        package="${queue[0]}"
        queue=("${queue[@]:1}")
        [ -z "${into[$package]:-}" ] || continue
        into[$package]=1
        depends="$(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$package" 2>/dev/null || true)"
        for dependency in $(tr ',|' '\n\n' <<<"$depends" | sed 's/([^)]*)//g; s/:any//; s/^ *//; s/ *$//' | grep -v '^$' || true); do
            queue+=("$dependency")
        done
    done
}
declare -A closure=()
dependency_closure closure "${listed[@]}"

declare -A needed=()
while read -r name; do
    needed[$name]=1
done < <(objdump -p "$binary" | awk '$1 == "NEEDED" { print $2 }')
[ ${#needed[@]} -gt 0 ] || fail "$binary names no shared library: not dynamically linked?"

problems=0
while read -r name path; do
    package="$(owner "$path")" || {
        echo "FAIL: $name ($path) belongs to no Debian package" >&2
        problems=$((problems + 1))
        continue
    }
    if [ -n "${needed[$name]:-}" ]; then
        if [ -z "${is_listed[$package]:-}" ]; then
            echo "FAIL: $binary needs $name from $package, which the Dockerfile's runtime stage does not list" >&2
            problems=$((problems + 1))
        else
            echo "ok: $name from $package (listed)"
        fi
    elif [ -z "${closure[$package]:-}" ]; then
        echo "FAIL: $name from $package is loaded but no listed package depends on it" >&2
        problems=$((problems + 1))
    else
        echo "ok: $name from $package (a dependency)"
    fi
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// { n = split($1, p, "/"); print p[n], $1 }')

[ "$problems" -eq 0 ] || fail "$problems shared librar(y/ies) not covered by the runtime stage"
echo "ok: every library of $binary comes from the runtime stage's packages"

# The build stage: warroom_packages from scripts/deps.sh, as the Dockerfile
# installs them.
grep -q 'source scripts/deps.sh && warroom_install_missing' "$dockerfile" ||
    fail "$dockerfile's build stage no longer installs scripts/deps.sh's warroom_packages"
build_packages="$(source "$deps_sh" && echo "${warroom_packages[*]}")"
read -r -a build_packages <<<"$build_packages"
declare -A build_closure=()
dependency_closure build_closure "${build_packages[@]}"
for name in "${!needed[@]}"; do
    link_name="${name%%.so*}.so"
    found="$("$cxx" -print-file-name="$link_name")"
    if [ "$found" = "$link_name" ]; then
        echo "FAIL: $cxx finds no $link_name to link $name with" >&2
        problems=$((problems + 1))
        continue
    fi
    # Without resolving the symlink: libfoo.so belongs to the -dev package, its target to the library's.
    package="$(owner_of_file "$(realpath -s "$found")")" || {
        echo "FAIL: $found belongs to no Debian package" >&2
        problems=$((problems + 1))
        continue
    }
    if [ -z "${build_closure[$package]:-}" ]; then
        echo "FAIL: linking $name takes $package, which scripts/deps.sh's warroom_packages do not install" >&2
        problems=$((problems + 1))
    else
        echo "ok: $link_name from $package (the build stage)"
    fi
done
[ "$problems" -eq 0 ] || fail "$problems librar(y/ies) the build stage could not link"
echo "ok: the build stage installs what linking $binary takes"
