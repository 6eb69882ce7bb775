#!/usr/bin/env bash
# Storage engines side by side (bench/compare.sh --storage postgresql runs this): one Parley on
# SQLite and one on a throwaway PostgreSQL (Debian's postgresql package, initdb/pg_ctl in the
# work folder on a free loopback port), same accounts, same loads, interleaved: logins/s
# (SCRAM-SHA-1, 50 concurrent), offline store-and-deliver msg/s (XEP-0160, 50 senders) and
# roster fetch latency (50 clients, 20 items). Prints a markdown table of medians with
# PostgreSQL's ratio to SQLite. Not part of CI. Every process it starts is stopped on exit.
#
# Usage: bench/compare_storage.sh [--quick] [--rounds N] [--seconds S]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3
SECS=8
USERS=2000
while [ $# -gt 0 ]; do
    case $1 in
        --quick) ROUNDS=1; SECS=3; USERS=400; shift ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --seconds) SECS=$2; shift 2 ;;
        *) echo "usage: $0 [--quick] [--rounds N] [--seconds S]" >&2; exit 2 ;;
    esac
done

DOMAIN=bench.localhost
WORK=${WORK:-$(mktemp -d /tmp/parley-storage.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: > "$RESULTS"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_busy() { python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1',$1))==0 else 1)"; }
wait_port() {
    for _ in $(seq 300); do port_busy "$1" && return 0; sleep 0.2; done
    echo "nothing listens on port $1 after 60 s" >&2; return 1
}

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PG_BIN" ]; then
    log "installing Debian's postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# PostgreSQL refuses to run as root: as root its binaries run as nobody.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }

PIDS=()
PG_STARTED=0
cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    [ "$PG_STARTED" = 1 ] && as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop >/dev/null 2>&1
    log "stopped everything this script started (work dir $WORK)"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

log "building Parley (Release)"
dotnet build "$ROOT/src/Parley.Cli" -c Release -o "$WORK/parley-bin" -v q -nologo >/dev/null
PARLEY=$WORK/parley-bin/parley

# A PostgreSQL with its defaults (fsync on, as SQLite syncs too), trust on loopback only.
PG_PORT=$(free_port)
mkdir -p "$WORK/pg"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$WORK/pg"
as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U parley --auth=trust -E UTF8 --locale=C >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $WORK/pg" start >/dev/null
PG_STARTED=1
as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U parley parley
PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Database=parley;Username=parley"

declare -A STORAGE=([sqlite]="--storage-provider sqlite" [postgresql]="--storage-provider postgresql --storage-connection $PG_CONNECTION")
declare -A PORT PID
for engine in sqlite postgresql; do
    log "$engine: $USERS accounts"
    # shellcheck disable=SC2086
    "$PARLEY" bench register --data "$WORK/$engine" ${STORAGE[$engine]} --domain $DOMAIN --users $USERS | tail -1 >&2
    PORT[$engine]=$(free_port)
    # Offline queues grow by every sender's messages for the measured seconds: no quota in the way.
    # shellcheck disable=SC2086
    PARLEY_Limits__MaxOfflineMessages=10000000 "$PARLEY" serve --config "$ROOT/bench/anchors/parley.json" --data "$WORK/$engine" ${STORAGE[$engine]} \
        --domain $DOMAIN --bind 127.0.0.1 --c2s-port "${PORT[$engine]}" --c2s-tls-port 0 --allow-plaintext-auth \
        >"$WORK/$engine.out" 2>"$WORK/$engine.err" &
    PID[$engine]=$!; PIDS+=("$!")
done
for engine in sqlite postgresql; do wait_port "${PORT[$engine]}"; done

run() {
    local name=$1 engine=$2; shift 2
    local line
    line=$("$PARLEY" bench "$@" --port "${PORT[$engine]}" --domain $DOMAIN --users $USERS --server-pid "${PID[$engine]}" --seconds "$SECS" 2>>"$WORK/errors.log" | grep '^RESULT' | tail -1 || true)
    [ -n "$line" ] || line="RESULT failed=run"
    echo "load=$name server=$engine round=$ROUND ${line#RESULT }" >> "$RESULTS"
    log "$name $engine: ${line#RESULT }"
}

STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for ROUND in $(seq "$ROUNDS"); do
    log "round $ROUND of $ROUNDS"
    for engine in sqlite postgresql; do run logins-scram "$engine" logins --mechanism SCRAM-SHA-1 --concurrency 50; done
    for engine in sqlite postgresql; do run offline "$engine" offline --concurrency 50; done
    for engine in sqlite postgresql; do run roster "$engine" roster --concurrency 50; done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

echo
echo "Run $STARTED on $(nproc) cores, load average $LOAD_START at start, $LOAD_END at end;"
echo "$("$PARLEY" --version) (Release), PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') (defaults, fsync on), SQLite WAL; $ROUNDS round(s), $SECS s measured per load, $USERS accounts."
echo
python3 - "$RESULTS" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()) for line in open(sys.argv[1]) if line.strip()]
def median(load, engine, key):
    values = [float(r[key]) for r in rows if r.get("load") == load and r.get("server") == engine and key in r]
    return statistics.median(values) if values else float("nan")
print("| Load | SQLite | PostgreSQL | PostgreSQL / SQLite |")
print("|---|---|---|---|")
for label, load, key, unit in [
    ("Logins/s (SCRAM-SHA-1, 50 concurrent)", "logins-scram", "rate", ""),
    ("Offline messages stored/s (50 senders)", "offline", "rate", ""),
    ("Offline messages delivered/s at login", "offline", "deliver_rate", ""),
    ("Roster fetch p50 (50 clients, 20 items)", "roster", "p50_ms", " ms"),
    ("Roster fetch p99", "roster", "p99_ms", " ms"),
    ("Roster fetches/s", "roster", "rate", ""),
    ("Server CPU during logins (cores)", "logins-scram", "server_cpu", ""),
]:
    s, p = median(load, "sqlite", key), median(load, "postgresql", key)
    print(f"| {label} | {s:.1f}{unit} | {p:.1f}{unit} | {p / s:.2f} |")
PY
cp "$RESULTS" "${RESULTS_COPY:-/tmp/parley-storage-results.txt}" 2>/dev/null || true
