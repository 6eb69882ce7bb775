#!/usr/bin/env bash
# Installs what the interop tests need on a fresh Debian 12 machine (run as root):
#   - Debian's slixmpp and aioxmpp, used with /usr/bin/python3 (the python3 on PATH may be a pyenv one
#     that cannot import Debian packages);
#   - @xmpp/client, converse.js and playwright-core, pinned by the committed package-lock.json in
#     tests/Parley.Interop.Tests/interop (playwright-core downloads no browser: it drives Debian's);
#   - Debian's chromium, the headless browser the Converse.js tests drive (ConverseInteropTests);
#   - Debian's prosody with lua-unbound (the resolver the federation tests point at their own DNS
#     server) and dnsmasq-base (that DNS server, run in the foreground by the tests).
#   - Debian's go-sendxmpp (the go-xmpp library: whitespace before a restarted stream's declaration);
#   - Debian's ejabberd 23.01 (run by the federation tests from a copy of ejabberdctl, in a mount
#     namespace of its own (util-linux unshare, part of the base system) with the test's resolv.conf
#     mounted over /etc/resolv.conf; its own service is stopped and disabled like Prosody's).
#   - afl++, which scripts/fuzz.sh drives (the sharpfuzz tool comes from .config/dotnet-tools.json).
#   - Debian's postgresql, whose initdb/pg_ctl the storage tests use to run a throwaway server of
#     their own on a free loopback port (tests/Parley.Server.Tests/Storage/PostgresServer.cs); the
#     package's own cluster is never started or used.
#   - Debian's systemd, for `systemd-analyze verify` of dist/parley.service (DistributionFilesTests);
#     nothing is started with it.
# Steps already satisfied are skipped so that a second run is fast.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
interop="$root/tests/Parley.Interop.Tests/interop"

export DEBIAN_FRONTEND=noninteractive

sudo_cmd=()
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo -n)
fi

# Debian packages not yet installed ("install ok installed" is dpkg's state of a complete install).
missing=()
for package in python3-slixmpp python3-aioxmpp go-sendxmpp prosody lua-unbound dnsmasq-base ejabberd afl++ postgresql systemd chromium; do
    if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" != "install ok installed" ]; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    echo "install-test-deps: Debian packages already installed"
else
    echo "install-test-deps: installing ${missing[*]}"
    # Without a service manager a package's service must not start; with one, prosody's
    # postinst starts a system Prosody on 5222/5269. policy-rc.d (Debian's invoke-rc.d
    # contract) forbids starting services while we install; an existing file is left alone.
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
        "${sudo_cmd[@]}" chmod 755 "$policy"
        own_policy=1
    fi
    status=0
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update </dev/null || status=$?
    if [ "$status" -eq 0 ]; then
        "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends "${missing[@]}" </dev/null || status=$?
    fi
    if [ "$own_policy" -eq 1 ]; then
        "${sudo_cmd[@]}" rm -f "$policy"
    fi
    [ "$status" -eq 0 ] || exit "$status"
fi

# The tests run their own Prosody and dnsmasq on free loopback ports; a system Prosody (started
# by an earlier install, or at boot) must not hold 5222/5269, so it is stopped and disabled.
for service in prosody ejabberd; do
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        if systemctl is-active --quiet "$service" 2>/dev/null || systemctl is-enabled --quiet "$service" 2>/dev/null; then
            echo "install-test-deps: stopping and disabling the system $service service"
            "${sudo_cmd[@]}" systemctl disable --now "$service" </dev/null || true
        fi
    elif [ -x "/etc/init.d/$service" ] && "/etc/init.d/$service" status >/dev/null 2>&1; then
        echo "install-test-deps: stopping the system $service service"
        "${sudo_cmd[@]}" "/etc/init.d/$service" stop </dev/null || true
    fi
done

if [ -f "$interop/node_modules/.package-lock.json" ] \
    && cmp -s "$interop/package-lock.json" "$interop/node_modules/.parley-lock-stamp"; then
    echo "install-test-deps: node modules already installed"
else
    echo "install-test-deps: npm ci in $interop"
    (cd "$interop" && npm ci --no-audit --no-fund </dev/null)
    cp "$interop/package-lock.json" "$interop/node_modules/.parley-lock-stamp"
fi
