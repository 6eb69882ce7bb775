#!/usr/bin/env bash
# Side-by-side benchmark: Parley, Prosody and ejabberd on this machine, same loads, same
# generator (`parley bench`), interleaved (A B C A B C...), plus the floor relay (the machine's
# ceiling for the same load) and the neutral yardstick ../shared/bench/loadgen against all three.
# Prints a markdown table of medians with Parley's ratio to each. Not part of CI.
#
# Usage: bench/compare.sh [--quick] [--rounds N] [--seconds S] [--storage postgresql] [--archive]
#   --quick      one round, 3 measured seconds, fewer users: a smoke test of the script
#   --storage postgresql
#                instead: Parley on SQLite against Parley on PostgreSQL (bench/compare_storage.sh)
#   --archive    instead: archiving on, Parley against Prosody and ejabberd with mod_mam on SQL
#                (bench/compare_archive.sh)
#   --rounds N   rounds of every load (default 3)
#   --seconds S  measured seconds per load (default 8; 2 more are warm-up)
# Environment: LOADGEN_DIR (default ../shared/bench/loadgen beside the repository), WORK (temp dir).
# Every process it starts is stopped on exit (trap EXIT).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=3
SECS=8
QUICK=0
while [ $# -gt 0 ]; do
    case $1 in
        --quick) QUICK=1; ROUNDS=1; SECS=3; shift ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --seconds) SECS=$2; shift 2 ;;
        --storage) STORAGE=$2; shift 2 ;;
        --archive) ARCHIVE=1; shift ;;
        *) echo "usage: $0 [--quick] [--rounds N] [--seconds S] [--storage postgresql] [--archive]" >&2; exit 2 ;;
    esac
done
if [ -n "${ARCHIVE:-}" ]; then
    if [ "$QUICK" = 1 ]; then exec "$ROOT/bench/compare_archive.sh" --quick; fi
    exec "$ROOT/bench/compare_archive.sh" --rounds "$ROUNDS" --seconds "$SECS"
fi
if [ -n "${STORAGE:-}" ]; then
    [ "$STORAGE" = postgresql ] || { echo "$0: --storage takes postgresql (compared with the default, sqlite)" >&2; exit 2; }
    if [ "$QUICK" = 1 ]; then exec "$ROOT/bench/compare_storage.sh" --quick; fi
    exec "$ROOT/bench/compare_storage.sh" --rounds "$ROUNDS" --seconds "$SECS"
fi

DOMAIN=bench.localhost
USERS=2000           # accounts on every server: 100 for the pairs, 2,000 idle sessions
BIG=10000            # Parley only: the 10,000-session check
IDLE=2000
if [ "$QUICK" = 1 ]; then USERS=400; BIG=1000; IDLE=400; fi
LOADGEN_DIR=${LOADGEN_DIR:-$ROOT/../shared/bench/loadgen}
WORK=${WORK:-$(mktemp -d /tmp/parley-compare.XXXXXX)}
mkdir -p "$WORK"
chmod 755 "$WORK"
RESULTS=$WORK/results.txt
: > "$RESULTS"

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# --- processes we start, stopped on exit --------------------------------------------------
PIDS=()
EJABBERD_STARTED=0
EPMD_WAS_RUNNING=0
EJ_NODE=parley-bench-ejabberd@localhost
# ejabberdctl run as root switches to the ejabberd user with su, whose PAM session puts the soft
# file limit back to 1,024; setpriv switches without PAM, so the raised limit stays.
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
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
    done
    log "stopped everything this script started (work dir $WORK)"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port_busy() { python3 -c "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1',$1))==0 else 1)"; }
wait_port() {
    for _ in $(seq 300); do port_busy "$1" && return 0; sleep 0.2; done
    echo "nothing listens on port $1 after 60 s" >&2; return 1
}

# --- install, build -----------------------------------------------------------------------
if ! command -v prosody >/dev/null || ! command -v ejabberdctl >/dev/null; then
    log "installing Debian's prosody and ejabberd"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prosody ejabberd >/dev/null
fi
# The anchors, the floor and Parley all get the hard file limit (ejabberd crashes near 1,000
# connections under Debian's default soft limit).
ulimit -n "$(ulimit -Hn)"

log "building Parley (Release) and the yardstick"
dotnet build "$ROOT/src/Parley.Cli" -c Release -o "$WORK/parley-bin" -v q -nologo >/dev/null
dotnet build "$LOADGEN_DIR" -c Release -o "$WORK/loadgen-bin" -v q -nologo >/dev/null
PARLEY=$WORK/parley-bin/parley
LOADGEN=$WORK/loadgen-bin/loadgen

# --- start the four endpoints -------------------------------------------------------------
PROSODY_PORT=15222; port_busy $PROSODY_PORT && PROSODY_PORT=$(free_port)
EJ_PORT=25222; port_busy $EJ_PORT && EJ_PORT=$(free_port)
PARLEY_PORT=$(free_port); PARLEY_TLS_PORT=$(free_port); FLOOR_PORT=$(free_port)

log "Parley: $BIG accounts in $WORK/parley/data"
"$PARLEY" bench register --data "$WORK/parley/data" --domain $DOMAIN --users $BIG | tail -1 >&2
# bench/anchors/parley.json does for Parley what the anchors' configurations do for them: limits
# off (connection counts and the per-connection read rate raised out of reach), no s2s listener,
# no message archive (the anchors load no mod_mam here; --archive compares all three with it on).
"$PARLEY" serve --config "$ROOT/bench/anchors/parley.json" --data "$WORK/parley/data" --domain $DOMAIN --bind 127.0.0.1 \
    --c2s-port "$PARLEY_PORT" --c2s-tls-port "$PARLEY_TLS_PORT" --allow-plaintext-auth \
    >"$WORK/parley.out" 2>"$WORK/parley.err" &
PARLEY_PID=$!; PIDS+=("$PARLEY_PID")

"$PARLEY" bench floor --port "$FLOOR_PORT" --domain $DOMAIN >"$WORK/floor.out" 2>&1 &
FLOOR_PID=$!; PIDS+=("$FLOOR_PID")

mkdir -p "$WORK/prosody/data"
sed -e "s#/tmp/anchors/prosody#$WORK/prosody#g" -e "s#15222#$PROSODY_PORT#" \
    "$ROOT/bench/anchors/prosody.cfg.lua" > "$WORK/prosody/prosody.cfg.lua"
chown -R prosody "$WORK/prosody" 2>/dev/null || true
prosody --config "$WORK/prosody/prosody.cfg.lua" >"$WORK/prosody/stdout.log" 2>&1 &
PROSODY_PID=$!; PIDS+=("$PROSODY_PID")

mkdir -p "$WORK/ejabberd/spool" "$WORK/ejabberd/logs"
sed -e "s#25222#$EJ_PORT#" "$ROOT/bench/anchors/ejabberd.yml" > "$WORK/ejabberd/ejabberd.yml"
chown -R ejabberd "$WORK/ejabberd"
pgrep -x epmd >/dev/null && EPMD_WAS_RUNNING=1
EJABBERD_STARTED=1
ejctl foreground >"$WORK/ejabberd/stdout.log" 2>&1 &
PIDS+=("$!")

wait_port "$PARLEY_PORT"; wait_port "$FLOOR_PORT"; wait_port "$PROSODY_PORT"; wait_port "$EJ_PORT"
EJ_PID=$(pgrep -f "beam.*$EJ_NODE" | head -1)
log "file limits: Parley $(awk '/open files/ {print $4}' /proc/$PARLEY_PID/limits), Prosody $(awk '/open files/ {print $4}' /proc/$PROSODY_PID/limits), ejabberd $(awk '/open files/ {print $4}' /proc/$EJ_PID/limits)"
# /usr/bin/prosody is a Lua script: the process is the interpreter started above.
PROSODY_PROC=$PROSODY_PID

declare -A PORT=([parley]=$PARLEY_PORT [prosody]=$PROSODY_PORT [ejabberd]=$EJ_PORT [floor]=$FLOOR_PORT)
declare -A PID=([parley]=$PARLEY_PID [prosody]=$PROSODY_PROC [ejabberd]=$EJ_PID [floor]=$FLOOR_PID)

log "registering $USERS accounts in-band on Prosody and ejabberd"
for s in prosody ejabberd; do
    "$PARLEY" bench register --port "${PORT[$s]}" --domain $DOMAIN --users $USERS --concurrency 20 | tail -1 >&2
done

# --- versions, machine --------------------------------------------------------------------
PARLEY_VERSION=$("$PARLEY" --version)
PROSODY_VERSION=$(dpkg-query -W -f '${Version}' prosody)
EJ_VERSION=$(dpkg-query -W -f '${Version}' ejabberd)
DOTNET_VERSION=$(dotnet --list-runtimes | awk '/NETCore.App/ {v=$2} END {print v}')
CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')

# --- the loads ----------------------------------------------------------------------------
# run NAME SERVER COMMAND...: runs one load, keeps its RESULT line tagged with load and server.
run() {
    local name=$1 server=$2; shift 2
    local line
    line=$("$@" 2>>"$WORK/errors.log" | grep '^RESULT' | tail -1 || true)
    [ -n "$line" ] || line="RESULT failed=run"
    echo "load=$name server=$server round=$ROUND ${line#RESULT }" >> "$RESULTS"
    log "$name $server: ${line#RESULT }"
}
bench() { local server=$1; shift; "$PARLEY" bench "$@" --port "${PORT[$server]}" --domain $DOMAIN --users $USERS --server-pid "${PID[$server]}" --seconds "$SECS"; }
# Idle sessions log in with SCRAM-SHA-1, which all three offer without TLS and cheaply, and are held 1 s.
idle() { local server=$1 users=$2; shift 2; "$PARLEY" bench idle "$@" --port "${PORT[$server]}" --domain $DOMAIN --users "$users" --sessions "$users" --mechanism SCRAM-SHA-1 --server-pid "${PID[$server]}" --seconds 1; }
yardstick() { local server=$1; shift; local mode=$1; shift; "$LOADGEN" "$mode" 127.0.0.1 "${PORT[$server]}" $DOMAIN "$@"; }

for ROUND in $(seq "$ROUNDS"); do
    log "round $ROUND of $ROUNDS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    for s in parley prosody ejabberd floor; do run throughput $s bench $s throughput --pairs 50 --window 64; done
    for s in parley prosody ejabberd floor; do run latency $s bench $s latency --pairs 50 --rate 2000; done
    for s in parley prosody ejabberd floor; do run logins-plain $s bench $s logins --mechanism PLAIN --concurrency 50; done
    # The anchors' configurations store SHA-1 SCRAM keys only: SCRAM-SHA-1 is the common mechanism.
    for s in parley prosody ejabberd; do run logins-scram $s bench $s logins --mechanism SCRAM-SHA-1 --concurrency 50; done
    run logins-scram256 parley bench parley logins --mechanism SCRAM-SHA-256 --concurrency 50
    # The anchors' configurations have no certificates: TLS loads run against Parley only.
    run logins-plain-tls parley bench parley logins --mechanism PLAIN --tls on --concurrency 50
    run logins-scram-tls parley bench parley logins --mechanism SCRAM-SHA-256 --tls on --concurrency 50
    for s in parley prosody ejabberd; do run idle $s idle $s $IDLE; done
    run idle-tls parley idle parley $IDLE --tls on
    # The neutral yardstick (its own RESULT lines; seconds include its 2 s warm-up).
    for s in parley prosody ejabberd floor; do run yardstick-throughput $s yardstick $s throughput pairs=50 seconds="$SECS" window=64; done
    for s in parley prosody ejabberd floor; do run yardstick-latency $s yardstick $s latency pairs=50 seconds="$SECS" rate=2000; done
    for s in parley prosody ejabberd; do run yardstick-login $s yardstick $s login logins=$((SECS * 100)) conc=50 users=$USERS; done
done

log "Parley alone: $BIG idle sessions, then $BIG over TLS"
ROUND=1
run idle-big parley idle parley $BIG
run idle-big-tls parley idle parley $BIG --tls on
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# --- the table ----------------------------------------------------------------------------
echo
echo "Run $STARTED on $(nproc) cores ($CPU_MODEL), load average $LOAD_START at start, $LOAD_END at end;"
echo "$PARLEY_VERSION (.NET $DOTNET_VERSION, Release), Prosody $PROSODY_VERSION, ejabberd $EJ_VERSION; $ROUNDS round(s), $SECS s measured per load."
echo
python3 "$ROOT/bench/compare_table.py" "$RESULTS"
cp "$RESULTS" "${RESULTS_COPY:-/tmp/parley-compare-results.txt}" 2>/dev/null || true
