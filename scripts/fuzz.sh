#!/usr/bin/env bash
# Coverage-guided fuzzing of one Parley.Xmpp target with AFL++ and SharpFuzz (docs/fuzzing.md).
#
#   scripts/fuzz.sh TARGET SECONDS     TARGET: xml | jid | sasl
#
# Installs what it needs (Debian's afl++, the sharpfuzz tool from .config/dotnet-tools.json),
# builds fuzz/Parley.Fuzz in Release, instruments Parley.Xmpp.dll, seeds afl-fuzz with
# fuzz/corpus/TARGET and fuzz/regressions/TARGET, and fuzzes for SECONDS. Everything it writes is
# under $PARLEY_FUZZ_DIR (default fuzz/out, ignored by git): TARGET/findings is afl-fuzz's output.
# PARLEY_FUZZ_SEEDS adds a directory of earlier findings (an old queue) to the seeds.
#
# Exit status: 0 when nothing was found; 1 when afl-fuzz saved a crash, or a hang that still hangs
# when replayed (each is printed with its path and the exception); 2 when fuzzing could not run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-}"
seconds="${2:-}"
case "$target" in
    xml | jid | sasl) ;;
    *) echo "usage: scripts/fuzz.sh (xml|jid|sasl) SECONDS" >&2; exit 2 ;;
esac
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: scripts/fuzz.sh (xml|jid|sasl) SECONDS" >&2
    exit 2
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v afl-fuzz >/dev/null 2>&1; then
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
        sudo_cmd=(sudo -n)
    fi
    echo "fuzz: installing afl++"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 update </dev/null >/dev/null
    "${sudo_cmd[@]}" apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends afl++ </dev/null >/dev/null
fi

base="${PARLEY_FUZZ_DIR:-$root/fuzz/out}"
work="$base/$target"
mkdir -p "$base"
rm -rf "$work"
mkdir -p "$work/in"

cd "$root"
# The tool comes from the NuGet cache when it is there, so a restore works offline after the first.
dotnet tool restore >/dev/null

# Runs at once (several targets, or a test beside a long run) share obj/: one build at a time.
# Each target then gets its own copy to instrument, so no run sees another's half-written assembly.
mkdir -p "$root/fuzz/Parley.Fuzz/obj"
(
    flock 9
    dotnet build fuzz/Parley.Fuzz/Parley.Fuzz.csproj -c Release -o "$base/build" --nologo -v quiet </dev/null >"$work/build.log" 2>&1 \
        || { cat "$work/build.log" >&2; exit 2; }
    cp -r "$base/build" "$work/bin"
    cp -r "$base/build" "$work/replay"
) 9>"$root/fuzz/Parley.Fuzz/obj/fuzz-build.lock"

# Only the library under test is instrumented: coverage of the harness and the BCL would be noise.
dotnet sharpfuzz "$work/bin/Parley.Xmpp.dll" >"$work/instrument.log" 2>&1 \
    || { cat "$work/instrument.log" >&2; exit 2; }

# afl-fuzz takes one seed directory: the committed corpus and every past finding.
cp "$root/fuzz/corpus/$target/"* "$work/in/"
if [ -d "$root/fuzz/regressions/$target" ]; then
    find "$root/fuzz/regressions/$target" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$work/in/" \;
fi

# A long run can start from an earlier run's queue (PARLEY_FUZZ_SEEDS=.../TARGET/findings/default/queue).
if [ -n "${PARLEY_FUZZ_SEEDS:-}" ]; then
    find "$PARLEY_FUZZ_SEEDS" -maxdepth 1 -type f -name 'id:*' -exec cp {} "$work/in/" \;
fi

dictionary=()
if [ -f "$root/fuzz/dictionaries/$target.dict" ]; then
    dictionary=(-x "$root/fuzz/dictionaries/$target.dict")
fi

# In a container: no CPU governor to check, no core_pattern to fix, no tty, no core to pin (the
# machine is shared), and a target that is `dotnet`, which carries no AFL instrumentation itself.
# The runtime's start-up on a loaded machine can take longer than afl-fuzz's default wait for
# the fork server.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
    AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=120000
dotnet_path="$(command -v dotnet)"
echo "fuzz: $target for ${seconds}s, output in $work/findings"
status=0
# -t: a generous per-input timeout (ms), since the machine is shared (AFL++ 4.04 reads "5000+" as
# "choose for me" and picks 60 ms); a real hang is confirmed by replay below. -m none: the CLR
# reserves far more address space than afl-fuzz's default allows.
afl-fuzz -i "$work/in" -o "$work/findings" -V "$seconds" -t 5000 -m none "${dictionary[@]}" \
    -- "$dotnet_path" "$work/bin/Parley.Fuzz.dll" "$target" </dev/null >"$work/afl.log" 2>&1 || status=$?

stats="$work/findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
    echo "fuzz: afl-fuzz did not start (status $status):" >&2
    tail -n 30 "$work/afl.log" >&2
    exit 2
fi

stat() { sed -n "s/^$1 *: *//p" "$stats"; }
echo "fuzz: $target: $(stat execs_done) executions in $(stat run_time)s, $(stat corpus_count) inputs in the queue," \
    "$(stat saved_crashes) crashes, $(stat saved_hangs) hangs, edges found $(stat edges_found)"

found=0
# AFL_SKIP_CRASHES keeps afl-fuzz going past a seed that crashes; such a seed is still a finding.
while read -r seed; do
    found=1
    echo "fuzz: CRASH (seed) $work/in/${seed##*orig:}"
done < <(sed -n "s/.*Test case '\([^']*\)' results in a crash.*/\1/p" "$work/afl.log")

replay() {
    # Replayed on the uninstrumented copy: outside afl-fuzz the instrumented assembly has no
    # coverage map to write to. The replay prints the exception; a hang must still hang after a minute.
    timeout 60 "$dotnet_path" "$work/replay/Parley.Fuzz.dll" "$target" "$1" >"$work/replay.log" 2>&1
}
for input in "$work/findings/default/crashes/"id:*; do
    [ -f "$input" ] || continue
    found=1
    echo "fuzz: CRASH $input"
    replay "$input" || true
    head -n 20 "$work/replay.log"
done
for input in "$work/findings/default/hangs/"id:*; do
    [ -f "$input" ] || continue
    if replay "$input"; then
        echo "fuzz: a timeout not confirmed by replay (machine load): $input"
    else
        found=1
        echo "fuzz: HANG $input"
        head -n 20 "$work/replay.log"
    fi
done

exit "$found"
