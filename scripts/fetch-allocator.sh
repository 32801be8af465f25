#!/usr/bin/env bash
# Put mimalloc (else jemalloc) in the virtualenv, for the query workers' malloc
# (app/server/allocator.py: queries 9-25 % shorter than with the C library's).
#
# Why from Debian's packages: neither library is on PyPI, and Debian's are the
# well-kept builds this machine's registries serve. `apt-get download` fetches
# the .deb without installing anything system-wide; the shared library is
# unpacked into $VENV/lib/cvkg-allocator/, where `auto` looks first.
# Never fails the setup: without apt, or offline, the workers keep the C
# library's malloc (slower, nothing else changes), and this says so.
# Idempotent: does nothing when a library is already there. Bounded: apt's
# calls are cut after 60 s (180 s to read the package lists) on a machine whose
# package servers do not answer.
set -uo pipefail

VENV="${1:-.venv}"
TARGET="$VENV/lib/cvkg-allocator"
if compgen -G "$TARGET/lib*malloc.so*" >/dev/null; then
    echo "fetch-allocator: $(cd "$TARGET" && ls lib*malloc.so*) déjà là"
    exit 0
fi
if ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    echo "fetch-allocator: pas d'apt-get ici ; les requêtes gardent le malloc de la libc"
    exit 0
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
fetch() {  # the first of the packages that apt can download
    for package in libmimalloc2.0 libmimalloc3 libjemalloc2; do
        if (cd "$WORK" && timeout 60 apt-get download -qq "$package" >/dev/null 2>&1); then
            return 0
        fi
    done
    return 1
}
if ! fetch && [ "$(id -u)" -eq 0 ]; then  # no package lists yet: read them, once
    timeout 180 apt-get update -qq >/dev/null 2>&1 && fetch
fi
deb="$(ls "$WORK"/*.deb 2>/dev/null | head -n 1)"
if [ -z "$deb" ]; then
    echo "fetch-allocator: ni mimalloc ni jemalloc téléchargeables ; les requêtes gardent le malloc de la libc"
    exit 0
fi
dpkg-deb -x "$deb" "$WORK/root"
mkdir -p "$TARGET"
found="$(find "$WORK/root" -type f \( -name 'libmimalloc.so*' -o -name 'libjemalloc.so*' \) | head -n 1)"
if [ -z "$found" ]; then
    echo "fetch-allocator: $(basename "$deb") ne contient pas de bibliothèque attendue"
    exit 0
fi
cp "$found" "$TARGET/"
cp "$(find "$WORK/root" -name copyright | head -n 1)" "$TARGET/COPYRIGHT-$(basename "$found")" 2>/dev/null || true
echo "fetch-allocator: $(basename "$found") (paquet $(basename "$deb")) dans $TARGET"
