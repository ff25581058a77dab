# Shared by bench-floor.sh, bench-lanes.sh and bench-ab.sh (sourced after common.sh): the cluster's ports, a sysbench
# oltp_point_select database of their own on the cluster, and its runs. The caller sets DB, THREADS, TMP and PIDS,
# then calls point_select_setup REPLICA_PORT... once; everything started is stopped (and the database dropped) on exit.
# The runs are oltp_point_select unless the caller sets SYSBENCH_WORKLOAD (another oltp_* workload: the tables are
# the same) and SYSBENCH_OPTS (more sysbench options, split on spaces).

STARTED_CLUSTER=0

# The cluster of scripts/cluster.sh (these variables move it, as CI does).
PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
REPLICA1_PORT=${SWITCHYARD_REPLICA1_PORT:-3307}
REPLICA2_PORT=${SWITCHYARD_REPLICA2_PORT:-3308}

# workload_only_reads WORKLOAD: succeeds for the sysbench workloads that only read (a replica can serve them).
workload_only_reads() {
    case $1 in
        oltp_point_select | oltp_read_only | select_random_*) return 0 ;;
        *) return 1 ;;
    esac
}

point_select_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS $DB" 2>/dev/null || true
    [[ $STARTED_CLUSTER -eq 1 ]] && scripts/cluster.sh down >/dev/null 2>&1
    rm -rf "$TMP"
}

# point_select_setup REPLICA_PORT...: starts the cluster if nothing answers, creates $DB on the primary (4 x 10000
# rows) and waits until every given replica has it.
point_select_setup() {
    trap point_select_cleanup EXIT
    if ! port_open "$PRIMARY_PORT"; then
        log "no cluster answers: starting one with scripts/cluster.sh up (stopped again on exit)"
        scripts/cluster.sh up >&2
        STARTED_CLUSTER=1
    fi
    log "creating $DB on the primary (4 x 10000 rows) and waiting for the replicas"
    sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS $DB; CREATE DATABASE $DB"
    sysbench oltp_point_select --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$PRIMARY_PORT" --mysql-user=app \
        --mysql-password=app --mysql-db="$DB" --tables=4 --table-size=10000 prepare >"$TMP/prepare.log" 2>&1 \
        || { tail -5 "$TMP/prepare.log" >&2; die "sysbench prepare failed"; }
    local pos port
    pos=$(sql "$PRIMARY_PORT" -N -B -e "SELECT @@gtid_binlog_pos")
    for port in "$@"; do
        [[ $(sql "$port" -N -B -e "SELECT MASTER_GTID_WAIT('$pos', 60)") == 0 ]] || die "the replica on $port did not catch up"
    done
}

sysbench_run() {   # sysbench_run PORT PS SECONDS: prints "queries qps p95_ms"
    local extra
    read -r -a extra <<<"${SYSBENCH_OPTS:-}"
    sysbench "${SYSBENCH_WORKLOAD:-oltp_point_select}" "${extra[@]}" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$1" --mysql-user=app \
        --mysql-password=app --mysql-db="$DB" --tables=4 --table-size=10000 --db-ps-mode="$2" --threads="$THREADS" \
        --time="$3" --events=0 --report-interval=0 run >"$TMP/run.log" 2>&1 || { tail -5 "$TMP/run.log" >&2; die "sysbench failed on port $1"; }
    awk '/^ *queries:/ { q = $2; qps = $3; gsub(/\(/, "", qps) } /95th percentile:/ { p95 = $3 } END { print q, qps, p95 }' "$TMP/run.log"
}
