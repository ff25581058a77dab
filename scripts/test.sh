#!/usr/bin/env bash
# The one command that runs every test: scripts/test.sh [extra dotnet test arguments]
#   e.g. scripts/test.sh --filter FullyQualifiedName~Protocol
#
# 1. installs what the tests need and is missing (MariaDB server/client/test files, galera-4 and rsync for the
#    Galera tests, sysbench, docker-compose to validate docker-compose.yml without an engine)
# 2. brings the loopback cluster up (scripts/cluster.sh); stops it at the end only if this run started
#    it, unless SWITCHYARD_KEEP_CLUSTER=1. The Galera tests start and stop their own three nodes (scripts/galera.sh);
#    if the test host dies before it stops them, the end of this script does.
# 3. builds (so compile errors show on their own, not buried in test output), then runs dotnet test
# 4. prints `tests: N passed, N failed, N skipped`, summed over all test projects
# Exit status: non-zero if the build or any test failed, or if no test ran at all.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SWITCHYARD_ROOT"

ensure_packages mariadb-server mariadb-client mariadb-test galera-4 rsync sysbench docker-compose

# Remember whether the cluster was already fully up; if not, this run owns it and stops it at the end.
started_cluster=0
scripts/cluster.sh status >/dev/null 2>&1 || started_cluster=1
galera_was_up=0
scripts/galera.sh status >/dev/null 2>&1 && galera_was_up=1
cleanup() {
    if [[ $started_cluster -eq 1 && ${SWITCHYARD_KEEP_CLUSTER:-0} != 1 ]]; then
        scripts/cluster.sh down || true
    fi
    if [[ $galera_was_up -eq 0 ]]; then
        scripts/galera.sh down >/dev/null 2>&1 || true
    fi
}
trap cleanup EXIT
scripts/cluster.sh up

# Tell the integration tests where things are (the same defaults cluster.sh uses).
export SWITCHYARD_PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
export SWITCHYARD_REPLICA1_PORT=${SWITCHYARD_REPLICA1_PORT:-3307}
export SWITCHYARD_REPLICA2_PORT=${SWITCHYARD_REPLICA2_PORT:-3308}
export SWITCHYARD_ROOT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet build Switchyard.sln -c Release -nologo -clp:ErrorsOnly\;Summary || { log "build failed"; exit 1; }

results="$SWITCHYARD_ROOT/artifacts/test-results"
rm -rf "$results" && mkdir -p "$results"
# A hung test must not eat CI's whole budget: VSTest's blame collector aborts a test host that makes
# no progress for this long (no dump: the dump tools are not installed).
# The .trx files are kept for people and CI artifacts. The counts come from the console summary that
# dotnet test prints once per test assembly ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12"):
# trx names carry only a per-second timestamp, and parallel projects could race for the same name.
export DOTNET_CLI_UI_LANGUAGE=en   # the summary line is parsed below: keep it in English
set +e
dotnet test Switchyard.sln -c Release --no-build -nologo --results-directory "$results" \
    --logger "trx;LogFilePrefix=tests" \
    --blame-hang-timeout "${SWITCHYARD_TEST_HANG_TIMEOUT:-15m}" --blame-hang-dump-type none \
    "$@" 2>&1 | tee "$results/console.log"
rc=${PIPESTATUS[0]}
set -e

passed=0 failed=0 skipped=0
while read -r f p s; do
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
done < <(sed -nE 's/.*- Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+), Total: *[0-9]+.*/\1 \2 \3/p' "$results/console.log")

echo
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [[ $rc -ne 0 || $failed -ne 0 ]]; then
    log "FAILED (dotnet test exit $rc; results in $results)"; exit 1
fi
if [[ $((passed + failed)) -eq 0 ]]; then
    log "FAILED: no test ran"; exit 1
fi
