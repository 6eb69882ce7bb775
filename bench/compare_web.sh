#!/usr/bin/env bash
# XMPP over WebSocket (RFC 7395) next to TCP on the same Parley: logins/s (PLAIN, loopback, 20
# concurrent), closed-loop message throughput (50 pairs, window 64), latency p99 at a fixed rate,
# and the server's RSS per idle session, each load run on TCP then on WebSocket through
# `parley bench --websocket`. One Parley (bench/anchors/parley.json: limits out of reach, no
# archive) with its HTTP port on loopback. Prints one RESULT line per load and transport. Not part
# of CI. Every process it starts is stopped on exit.
#
# Usage: bench/compare_web.sh [--seconds S] [--sessions N]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECS=5
SESSIONS=2000
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECS=$2; shift 2 ;;
        --sessions) SESSIONS=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds S] [--sessions N]" >&2; exit 2 ;;
    esac
done

DOMAIN=bench.localhost
USERS=$((SESSIONS > 200 ? SESSIONS : 200))
WORK=${WORK:-$(mktemp -d /tmp/parley-web.XXXXXX)}
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_busy() { python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1',$1))==0 else 1)"; }

PIDS=()
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    log "stopped everything this script started (work dir $WORK)"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

log "building Parley (Release)"
dotnet build "$ROOT/src/Parley.Cli" -c Release -o "$WORK/parley-bin" -v q -nologo >/dev/null
PARLEY=$WORK/parley-bin/parley
PORT=$(free_port); HTTP=$(free_port)
"$PARLEY" bench register --data "$WORK/data" --domain $DOMAIN --users "$USERS" | tail -1 >&2
# The HTTP rate limit counts WebSocket handshakes per source address: out of reach, as the other limits.
PARLEY_Http__RequestsPerSecond=100000000 PARLEY_Http__RequestBurst=100000000 \
"$PARLEY" serve --config "$ROOT/bench/anchors/parley.json" --data "$WORK/data" --domain $DOMAIN --bind 127.0.0.1 \
    --c2s-port "$PORT" --c2s-tls-port 0 --http-port "$HTTP" --allow-plaintext-auth >"$WORK/parley.out" 2>"$WORK/parley.err" &
PID=$!; PIDS+=("$PID")
for _ in $(seq 300); do port_busy "$HTTP" && port_busy "$PORT" && break; sleep 0.2; done

bench() { "$PARLEY" bench "$@" --port "$PORT" --domain $DOMAIN --users "$USERS" --server-pid "$PID"; }
for load in logins throughput latency idle; do
    for transport in tcp ws; do
        extra=()
        [ "$transport" = ws ] && extra=(--websocket "$HTTP")
        case $load in
            logins) args=(--logins 2000 --concurrency 20) ;;
            throughput) args=(--pairs 50 --seconds "$SECS" --warmup 1) ;;
            latency) args=(--pairs 50 --rate 5000 --seconds "$SECS" --warmup 1) ;;
            idle) args=(--sessions "$SESSIONS" --seconds 1) ;;
        esac
        line=$(bench "$load" "${args[@]}" "${extra[@]}" | grep '^RESULT' | tail -1)
        echo "load=$load transport=$transport ${line#RESULT }"
    done
done
