#!/usr/bin/env bash
# The soak of issue #5: starts a fresh `parley serve` (plaintext auth on loopback, in-band
# registration on, a temporary data folder), runs bench/Parley.Soak against it for a bounded time,
# prints the server's RSS, threads and open descriptors at the start, after warm-up and at the end,
# and exits non-zero when descriptors or threads did not come back. Not part of CI.
#   scripts/soak.sh [seconds (default 120)] [concurrent connections (default 200)] [extra Parley.Soak options]
# Figures from a run are in docs/security.md ("Faults and soak").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-120}"
concurrency="${2:-200}"
shift $(( $# > 2 ? 2 : $# ))

data="$(mktemp -d /tmp/parley-soak-XXXXXX)"
port="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    cp "$data/server.log" /tmp/parley-soak-server.log 2>/dev/null || true
    rm -rf "$data"
}
trap cleanup EXIT

dotnet build "$root/src/Parley.Cli" -c Release -v q -nologo >/dev/null
dotnet build "$root/bench/Parley.Soak" -c Release -v q -nologo >/dev/null
cli="$(find "$root/src/Parley.Cli/bin/Release" -name parley.dll | head -1)"
soak="$(find "$root/bench/Parley.Soak/bin/Release" -name Parley.Soak.dll | head -1)"

# Registration and failed-auth throttles (where configured) would throttle the churn itself; the
# soak is about resources, so logging stays at warnings and the per-IP limits are opened up.
export PARLEY_AllowRegistration=true
export PARLEY_Logging__LogLevel__Default=Warning
dotnet "$cli" serve --data "$data" --domain localhost --bind 127.0.0.1 \
    --c2s-port "$port" --c2s-tls-port 0 --allow-plaintext-auth >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    grep -q "Parley is ready" "$data/server.log" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log"; exit 1; }
    sleep 0.5
done
grep -q "Parley is ready" "$data/server.log" || { echo "soak: server did not start"; cat "$data/server.log"; exit 1; }

echo "soak: $duration s, $concurrency concurrent connections, server pid $server_pid on port $port"
status=0
dotnet "$soak" --pid "$server_pid" --port "$port" --duration "$duration" --concurrency "$concurrency" "$@" || status=$?
errors="$(grep -cE "^[0-9:]* (fail|crit):" "$data/server.log" || true)"
echo "soak: the server logged $errors error lines (the log is kept in /tmp/parley-soak-server.log)"
grep -E "^[0-9:]* (fail|crit):" "$data/server.log" | sed "s/^[0-9:]* //" | cut -c1-160 | sort | uniq -c | sort -rn | head -10 || true
exit "$status"
