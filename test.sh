#!/usr/bin/env bash
# The project's test command: installs test dependencies, builds the solution warning-free,
# runs every test project with a trx logger, and prints as its last line "N passed, N failed".
# Exit status is 0 only when nothing failed.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

results="$root/TestResults"
rm -rf "$results"
mkdir -p "$results"

summary() {
    echo "$1 passed, $2 failed"
}

extra_failed=0
if ! bash "$root/scripts/install-test-deps.sh" </dev/null; then
    echo "test.sh: installing test dependencies failed; interop tests will fail" >&2
    extra_failed=1
fi

# Build first so that a compile error (warnings are errors) is reported as such.
echo "test.sh: building Parley.slnx (the first build restores packages and takes a few minutes)"
if ! dotnet build Parley.slnx --nologo </dev/null; then
    echo "test.sh: build failed" >&2
    summary 0 1
    exit 1
fi

# One run per test project, each with its own trx file, so that no two result files can
# collide. --blame-hang-timeout turns a hung test run into a reported abort instead of a
# stalled CI.
test_status=0
for project in tests/*/*.csproj; do
    name="$(basename "$project" .csproj)"
    dotnet test "$project" --no-build --nologo \
        --logger "trx;LogFileName=$name.trx" \
        --logger "console;verbosity=normal" \
        --results-directory "$results/$name" \
        --blame-hang-timeout 20m </dev/null || test_status=1
done

counts="$(/usr/bin/python3 - "$results" <<'PY'
import glob, os, sys
import xml.etree.ElementTree as ET

ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
passed = failed = 0
files = glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)
for path in files:
    try:
        counters = ET.parse(path).getroot().find(f"{ns}ResultSummary/{ns}Counters")
    except ET.ParseError:
        failed += 1
        continue
    if counters is None:
        failed += 1
        continue
    value = lambda name: int(counters.get(name, "0"))
    passed += value("passed")
    failed += value("failed") + value("error") + value("timeout") + value("aborted")
print(len(files), passed, failed)
PY
)" || counts="0 0 0"

read -r files passed failed <<<"$counts"
failed=$((failed + extra_failed))
if [ "$files" -eq 0 ] || [ "$((passed + failed))" -eq 0 ]; then
    echo "test.sh: no test results found" >&2
    summary 0 1
    exit 1
fi
if [ "$test_status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    # dotnet test failed without a failing result (for example a crashed test host).
    failed=1
fi

summary "$passed" "$failed"
[ "$failed" -eq 0 ]
