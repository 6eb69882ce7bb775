#!/usr/bin/env bash
# Archiving on, side by side (bench/compare.sh --archive runs this): Parley with its archive on
# (the default; SQLite, and PostgreSQL when Debian's postgresql is installed), Parley with it off
# (the reference the archive costs against), Prosody with mod_mam on SQL storage and ejabberd with
# mod_mam on SQL (bench/anchors/prosody-mam.cfg.lua, ejabberd-mam.yml: both SQLite, every
# conversation archived, as Parley's Archive:DefaultPolicy=always). Same accounts, same generator
# (`parley bench`), interleaved rounds. After the rounds it counts the rows each archive holds, so a
# figure that archived nothing shows. Prints a markdown table of medians. Not part of CI. Every
# process it starts is stopped on exit.
#
# Usage: bench/compare_archive.sh [--quick] [--rounds N] [--seconds S]
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
WORK=${WORK:-$(mktemp -d /tmp/parley-archive.XXXXXX)}
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

missing=()
for package in prosody ejabberd lua-dbi-sqlite3 erlang-p1-sqlite3; do
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -ne 0 ]; then
    log "installing Debian's ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
# PostgreSQL refuses to run as root: as root its binaries run as nobody.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }

PIDS=()
PG_STARTED=0
EJABBERD_STARTED=0
EPMD_WAS_RUNNING=0
EJ_NODE=parley-archive-ejabberd@localhost
ejctl() {
    HOME=/var/lib/ejabberd setpriv --reuid=ejabberd --regid=ejabberd --init-groups \
        ejabberdctl --config-dir "$WORK/ejabberd" --spool "$WORK/ejabberd/spool" --logs "$WORK/ejabberd/logs" --node "$EJ_NODE" "$@"
}
cleanup() {
    set +e
    if [ "$EJABBERD_STARTED" = 1 ]; then
        ejctl stop >/dev/null 2>&1
        for pid in $(pgrep -f "beam.*$EJ_NODE"); do kill "$pid" 2>/dev/null; done
        if [ "$EPMD_WAS_RUNNING" = 0 ]; then
            for pid in $(pgrep -x epmd); do kill "$pid" 2>/dev/null; done
        fi
    fi
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

# --- Parley: archive on (SQLite), archive off, archive on (PostgreSQL) ------------------------
SERVERS=(parley parley-off)
declare -A STORAGE=([parley]="" [parley-off]="")
declare -A ENABLED=([parley]=true [parley-off]=false)
if [ -n "$PG_BIN" ]; then
    PG_PORT=$(free_port)
    mkdir -p "$WORK/pg"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$WORK/pg"
    as_pg "$PG_BIN/initdb" -D "$WORK/pg/data" -U parley --auth=trust -E UTF8 --locale=C >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $WORK/pg" start >/dev/null
    PG_STARTED=1
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U parley parley
    SERVERS+=(parley-pg)
    STORAGE[parley-pg]="--storage-provider postgresql --storage-connection Host=127.0.0.1;Port=$PG_PORT;Database=parley;Username=parley"
    ENABLED[parley-pg]=true
fi
declare -A PORT PID
for s in "${SERVERS[@]}"; do
    log "$s: $USERS accounts"
    # shellcheck disable=SC2086
    "$PARLEY" bench register --data "$WORK/$s" ${STORAGE[$s]} --domain $DOMAIN --users $USERS | tail -1 >&2
    PORT[$s]=$(free_port)
    # shellcheck disable=SC2086
    PARLEY_Archive__Enabled=${ENABLED[$s]} "$PARLEY" serve --config "$ROOT/bench/anchors/parley.json" --data "$WORK/$s" ${STORAGE[$s]} \
        --domain $DOMAIN --bind 127.0.0.1 --c2s-port "${PORT[$s]}" --c2s-tls-port 0 --allow-plaintext-auth \
        >"$WORK/$s.out" 2>"$WORK/$s.err" &
    PID[$s]=$!; PIDS+=("$!")
done

# --- Prosody and ejabberd with mod_mam on SQL -------------------------------------------------
PORT[prosody]=$(free_port)
mkdir -p "$WORK/prosody/data"
sed -e "s#/tmp/anchors/prosody#$WORK/prosody#g" -e "s#15222#${PORT[prosody]}#" -e "s#15269#0#" \
    "$ROOT/bench/anchors/prosody-mam.cfg.lua" > "$WORK/prosody/prosody.cfg.lua"
chown -R prosody "$WORK/prosody" 2>/dev/null || true
prosody --config "$WORK/prosody/prosody.cfg.lua" >"$WORK/prosody/stdout.log" 2>&1 &
PID[prosody]=$!; PIDS+=("$!")

PORT[ejabberd]=$(free_port)
mkdir -p "$WORK/ejabberd/spool" "$WORK/ejabberd/logs"
sed -e "s#25222#${PORT[ejabberd]}#" -e "s#/tmp/anchors/ejabberd#$WORK/ejabberd#" "$ROOT/bench/anchors/ejabberd-mam.yml" > "$WORK/ejabberd/ejabberd.yml"
python3 - "$WORK/ejabberd/ejabberd.db" /usr/share/ejabberd/sql/lite.sql <<'PY'
import sqlite3, sys
sqlite3.connect(sys.argv[1]).executescript(open(sys.argv[2]).read())
PY
chown -R ejabberd "$WORK/ejabberd"
pgrep -x epmd >/dev/null && EPMD_WAS_RUNNING=1
EJABBERD_STARTED=1
ejctl foreground >"$WORK/ejabberd/stdout.log" 2>&1 &
PIDS+=("$!")

for s in "${SERVERS[@]}" prosody ejabberd; do wait_port "${PORT[$s]}"; done
PID[ejabberd]=$(pgrep -f "beam.*$EJ_NODE" | head -1)
SERVERS+=(prosody ejabberd)
log "registering $USERS accounts in-band on Prosody and ejabberd"
for s in prosody ejabberd; do
    "$PARLEY" bench register --port "${PORT[$s]}" --domain $DOMAIN --users $USERS --concurrency 20 | tail -1 >&2
done

run() {
    local name=$1 server=$2; shift 2
    local line
    line=$("$PARLEY" bench "$@" --port "${PORT[$server]}" --domain $DOMAIN --users $USERS --server-pid "${PID[$server]}" --seconds "$SECS" 2>>"$WORK/errors.log" | grep '^RESULT' | tail -1 || true)
    [ -n "$line" ] || line="RESULT failed=run"
    echo "load=$name server=$server round=$ROUND ${line#RESULT }" >> "$RESULTS"
    log "$name $server: ${line#RESULT }"
}

STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
for ROUND in $(seq "$ROUNDS"); do
    log "round $ROUND of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for s in "${SERVERS[@]}"; do run throughput "$s" throughput --pairs 50 --window 64; done
    for s in "${SERVERS[@]}"; do run latency "$s" latency --pairs 50 --rate 2000; done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- what each archive holds (after a moment for the writers to catch up) ---------------------
sleep 2
count_sqlite() { python3 -c "import sqlite3,sys; print(sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True).execute(sys.argv[2]).fetchone()[0])" "$1" "$2" 2>/dev/null || echo "?"; }
declare -A ROWS
ROWS[parley]=$(count_sqlite "$WORK/parley/parley.db" "SELECT COUNT(*) FROM archive_messages")
ROWS[parley-off]=$(count_sqlite "$WORK/parley-off/parley.db" "SELECT COUNT(*) FROM archive_messages")
ROWS[prosody]=$(count_sqlite "$WORK/prosody/data/prosody.sqlite" "SELECT COUNT(*) FROM prosodyarchive")
ROWS[ejabberd]=$(count_sqlite "$WORK/ejabberd/ejabberd.db" "SELECT COUNT(*) FROM archive")
if [ "$PG_STARTED" = 1 ]; then
    ROWS[parley-pg]=$(as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U parley -d parley -tAc "SELECT COUNT(*) FROM archive_messages" 2>/dev/null || echo "?")
fi
for s in "${SERVERS[@]}"; do echo "server=$s archived_rows=${ROWS[$s]}" >> "$RESULTS"; done

echo
echo "Run $STARTED on $(nproc) cores, load average $LOAD_START at start, $LOAD_END at end;"
echo "$("$PARLEY" --version) (Release), Prosody $(dpkg-query -W -f '${Version}' prosody) mod_mam (SQL, SQLite3), ejabberd $(dpkg-query -W -f '${Version}' ejabberd) mod_mam (SQL, SQLite); $ROUNDS round(s), $SECS s measured per load."
echo
python3 - "$RESULTS" "${SERVERS[@]}" <<'PY'
import statistics, sys
rows = [dict(f.split("=", 1) for f in line.split()) for line in open(sys.argv[1]) if line.strip()]
servers = sys.argv[2:]
names = {"parley": "Parley, archive on (SQLite)", "parley-pg": "Parley, archive on (PostgreSQL)", "parley-off": "Parley, archive off",
         "prosody": "Prosody mod_mam (SQL)", "ejabberd": "ejabberd mod_mam (SQL)"}
def median(load, server, key):
    values = [float(r[key]) for r in rows if r.get("load") == load and r.get("server") == server and key in r]
    return statistics.median(values) if values else float("nan")
archived = {r["server"]: r["archived_rows"] for r in rows if "archived_rows" in r}
print("| Server | msg/s (50 pairs, window 64) | server CPU (cores) | p50 / p99 ms at 2,000 msg/s | rows archived at the end |")
print("|---|---:|---:|---:|---:|")
for s in servers:
    print(f"| {names[s]} | {median('throughput', s, 'rate'):,.0f} | {median('throughput', s, 'server_cpu'):.2f} "
          f"| {median('latency', s, 'p50_ms'):.2f} / {median('latency', s, 'p99_ms'):.2f} | {archived.get(s, '?')} |")
on, off, ej = median("throughput", "parley", "rate"), median("throughput", "parley-off", "rate"), median("throughput", "ejabberd", "rate")
print()
print(f"Parley archive on / off: {on / off:.2f}; Parley archive on / ejabberd mod_mam: {on / ej:.1f}x")
PY
cp "$RESULTS" "${RESULTS_COPY:-/tmp/parley-archive-results.txt}" 2>/dev/null || true
