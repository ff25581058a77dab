#!/usr/bin/env bash
# Compatibility replay with the server's own mysqltest files (package mariadb-test):
#   scripts/mysqltest-compat.sh PORT [USER]        (USER defaults to root, no password;
#                                                   SWITCHYARD_COMPAT_PASSWORD sets one)
# For each file below and each protocol (text, then --ps-protocol):
#   1. record its result directly against the primary (127.0.0.1:$SWITCHYARD_PRIMARY_PORT, root);
#   2. replay the same file against 127.0.0.1:PORT as USER and compare with that recording.
# The shipped .result files assume mtr's own server settings, hence the fresh recording (see
# shared/notes/mariadb-on-loopback.md). Both runs of a file use the same fresh database, so
# database names printed in results match. Prints one PASS/FAIL line per file and protocol; exits
# non-zero if any fails. Work files (recordings, diffs) stay in artifacts/mysqltest-compat/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

# Chosen after running candidates against a plain 10.11 server (record, then replay direct, text
# and --ps-protocol, several times): each one passes reliably, needs no mtr-only environment
# ($MYSQLTEST_VARDIR, --exec of server binaries, restarts) and does not touch the `test` database.
# Each also passes replayed directly as the proxy's backend user (switchyard: app-level privileges, no SUPER).
TESTS=(
    comments                      # comments, /*! */ and /*M! */ executable comments, parse errors
    signal_sqlmode                # stored procedures (delimiter), SIGNAL errors and warnings, session sql_mode
    select_safe                   # session variables that change results and errors (SQL_SAFE_UPDATES, MAX_JOIN_SIZE)
    insert_returning_datatypes    # writes that return result sets (INSERT ... RETURNING)
    win_rank                      # window functions: plain result sets of many types
    type_row                      # ROW() values, comparisons and their errors
)
# Override for trying other files: COMPAT_TESTS="select union" scripts/mysqltest-compat.sh 3306
[[ -n ${COMPAT_TESTS:-} ]] && read -r -a TESTS <<<"$COMPAT_TESTS"

PORT=${1:?usage: $0 PORT [USER]}
USER_NAME=${2:-root}
PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
MTR=/usr/share/mysql/mysql-test             # where the mariadb-test package installs the files
TIMEOUT=${COMPAT_TIMEOUT:-300}              # seconds per run: a stuck proxy must not hang the suite

ensure_packages mariadb-client mariadb-test
work=$SWITCHYARD_ROOT/artifacts/mysqltest-compat
rm -rf "$work" && mkdir -p "$work/tmp" "$work/log" "$work/var"

# mysqltest against 127.0.0.1:$1 as $2 (password $3) in database $4; the rest are extra options.
mysqltest() {
    local port=$1 user=$2 pass=$3 db=$4; shift 4
    local pw=(); [[ -n $pass ]] && pw=(--password="$pass")
    # Some include files print paths through `replace_result $MYSQLTEST_VARDIR`, which mtr would set.
    MYSQLTEST_VARDIR="$work/var" timeout "$TIMEOUT" mariadb-test --no-defaults --protocol=tcp -h127.0.0.1 -P"$port" -u"$user" "${pw[@]}" \
        -D"$db" --basedir="$MTR/" --tmpdir="$work/tmp" --logdir="$work/log" "$@"
}
# Drop and recreate the file's own database on the primary, so leftovers of a previous run (or of a
# failed one) cannot change the next result.
fresh_db() { sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$1\`; CREATE DATABASE \`$1\`"; }

failures=0
for t in "${TESTS[@]}"; do
    for mode in text ps; do
        opts=(--test-file="$MTR/main/$t.test" --result-file="$work/$t.$mode.result")
        [[ $mode == ps ]] && opts+=(--ps-protocol)
        db="compat_${t//-/_}"
        fresh_db "$db"
        if ! mysqltest "$PRIMARY_PORT" root "" "$db" "${opts[@]}" --record >"$work/$t.$mode.record.log" 2>&1; then
            echo "FAIL $t ($mode): recording directly on $PRIMARY_PORT failed, see $work/$t.$mode.record.log"
            failures=$((failures + 1)); continue
        fi
        fresh_db "$db"
        t0=$(now_ms)
        if mysqltest "$PORT" "$USER_NAME" "${SWITCHYARD_COMPAT_PASSWORD:-}" "$db" "${opts[@]}" >"$work/$t.$mode.replay.log" 2>&1; then
            echo "PASS $t ($mode, replay $(elapsed "$t0"))"
        else
            echo "FAIL $t ($mode, replay $(elapsed "$t0")): replay on $PORT differs or failed, see $work/$t.$mode.replay.log"
            tail -n 30 "$work/$t.$mode.replay.log" | sed 's/^/    /'
            failures=$((failures + 1))
        fi
        sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$db\`"
    done
done

echo "mysqltest-compat: $(( ${#TESTS[@]} * 2 - failures )) of $(( ${#TESTS[@]} * 2 )) runs matched (port $PORT, user $USER_NAME)"
[[ $failures -eq 0 ]]
