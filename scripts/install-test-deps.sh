#!/usr/bin/env bash
# Installs what the interop tests need on a fresh Debian 12 machine (run as root):
#   - Debian's slixmpp, used with /usr/bin/python3 (the python3 on PATH may be a pyenv one
#     that cannot import Debian packages);
#   - @xmpp/client, pinned by the committed package-lock.json in tests/Parley.Interop.Tests/interop;
#   - afl++, which scripts/fuzz.sh drives (the sharpfuzz tool comes from .config/dotnet-tools.json).
# Steps already satisfied are skipped so that a second run is fast.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
interop="$root/tests/Parley.Interop.Tests/interop"

export DEBIAN_FRONTEND=noninteractive

if /usr/bin/python3 -c 'import slixmpp' >/dev/null 2>&1; then
    echo "install-test-deps: slixmpp already installed"
else
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    fi
    echo "install-test-deps: installing python3-slixmpp"
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update </dev/null
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends python3-slixmpp </dev/null
fi

# AFL++ for the bounded fuzzing runs (scripts/fuzz.sh, FuzzingTests); Debian's package.
if command -v afl-fuzz >/dev/null 2>&1; then
    echo "install-test-deps: afl++ already installed"
else
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    fi
    echo "install-test-deps: installing afl++"
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update </dev/null
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends afl++ </dev/null
fi

if [ -f "$interop/node_modules/.package-lock.json" ] \
    && cmp -s "$interop/package-lock.json" "$interop/node_modules/.parley-lock-stamp"; then
    echo "install-test-deps: node modules already installed"
else
    echo "install-test-deps: npm ci in $interop"
    (cd "$interop" && npm ci --no-audit --no-fund </dev/null)
    cp "$interop/package-lock.json" "$interop/node_modules/.parley-lock-stamp"
fi
