#!/usr/bin/env bash
# sysbench through Switchyard against the same server directly, as interleaved pairs:
#   scripts/bench.sh                       full matrix, 10 s per run (about 6 minutes)
#   BENCH_QUICK=1 scripts/bench.sh         smoke: 3 s per run, fewer combinations (about 1 minute)
#
# What it does:
#   1. builds the proxy (Release) and starts it on its own port (BENCH_PORT, default 6133) with a temporary
#      configuration derived from config/switchyard.yaml (only the listener ports change);
#   2. (re)creates database $BENCH_DB (default sbtest) on the primary as root and fills it with sysbench
#      `prepare` as user app directly on the primary (BENCH_TABLES x BENCH_TABLE_SIZE rows, default 4 x 10000);
#   3. for every workload x ps mode x thread count: one run directly on the primary, then the same run through
#      the proxy (direct, proxy, direct, proxy, ...): on a shared 2-core machine absolute numbers swing by
#      ±30 % from minute to minute, so the ratio of neighbouring runs is the figure to read;
#      for the read-only workloads also a run directly on the replicas between those two (sysbench spreads its
#      connections over them): the proxy sends those reads to the replicas, so that ratio compares the same servers
#      doing the same work, with and without the proxy in between (on one shared machine, two busy servers cost more
#      than one); and right after the direct run, one through a second proxy whose configuration is the base's without
#      its replicas: the proxy in front of the very server the direct run uses, where it sends every statement, as a
#      proxy without read/write splitting would (the "proxy on primary" columns);
#   4. prints one table, checks that the sysbench tables still hold BENCH_TABLE_SIZE rows each after
#      oltp_read_write (primary, through the proxy and on every replica), and saves everything in
#      artifacts/bench/ (raw sysbench output per run, runs.tsv with one line per run, table.txt).
#
# Per run: tps, qps, p95 latency, errors (sysbench's ignored errors, e.g. deadlocks, plus reconnects; FAIL when
# sysbench itself failed), and for proxy runs the proxy's CPU time per forwarded statement: the utime+stime
# delta of the proxy process (/proc/PID/stat) divided by sysbench's query count for that run. Also the number
# of SELECTs each backend executed during the run (Com_select deltas): with read/write splitting that shows
# which backends served the reads. Other users of a shared cluster add to those counts. And the deadlocks InnoDB
# detected on the primary during the run (Innodb_deadlocks delta): sysbench retries a transaction chosen as a
# deadlock victim and counts it among its ignored errors, so errors equal to deadlocks are the server's doing.
# Where the rest of the machine goes, for direct and proxy runs alike: the MariaDB servers' CPU time per statement
# (utime+stime of all the backends' mariadbd processes together, per sysbench query) and the share of the machine's
# CPU time that was idle during the run (/proc/stat). With the proxy's own CPU, these say why the ratio is what it
# is: the proxy's CPU, servers that work harder or less per statement, or CPUs left idle while statements wait.
#
# Settings (environment):
#   BENCH_TIME=10          seconds per run                 BENCH_QUICK=1     3 s, fewer combinations
#   BENCH_WORKLOADS="..."  sysbench workloads               BENCH_PS_MODES="auto disable"
#   BENCH_THREADS="4 16"   thread counts                    BENCH_PAIRS=1     interleaved pairs per combination
#   BENCH_PORT=6133        proxy MySQL port (HTTP: +37)     BENCH_WARMUP=5    seconds of warm-up per target
#   BENCH_DB=sbtest        BENCH_TABLES=4  BENCH_TABLE_SIZE=10000   BENCH_USER=app BENCH_PASSWORD=app
#   BENCH_KEEP_DB=1        keep the sysbench database afterwards (default: dropped on exit)
#   BENCH_BACKENDS=tcp     how the proxy reaches the backends: tcp, or socket (each server's Unix socket)
#   BENCH_DIRECT_REPLICAS=1  also run read-only workloads directly on the replicas (0: primary only)
#   BENCH_PRIMARY_PROXY=1  also run read-only workloads through a proxy in front of the primary alone (0: not), on
#                          BENCH_PORT+1 (HTTP: BENCH_HTTP_PORT+1)
#   SWITCHYARD_CONFIG      base configuration (default config/switchyard.yaml)
#   BENCH_LANES=N          run the proxy with routing.pipelined_lanes: N (README, "Pipelined lanes"; default: the base's)
# The cluster is used as it is when it answers; otherwise `scripts/cluster.sh up` starts it and it is stopped
# again on exit. Nothing else of the cluster is ever stopped.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SWITCHYARD_ROOT"

# ---- settings ---------------------------------------------------------------------------------------------

PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
BASE_CONFIG=${SWITCHYARD_CONFIG:-config/switchyard.yaml}
PORT=${BENCH_PORT:-6133}
HTTP_PORT=${BENCH_HTTP_PORT:-$((PORT + 37))}
DB=${BENCH_DB:-sbtest}
TABLES=${BENCH_TABLES:-4}
TABLE_SIZE=${BENCH_TABLE_SIZE:-10000}
BENCH_USER=${BENCH_USER:-app}
BENCH_PASSWORD=${BENCH_PASSWORD:-app}
PAIRS=${BENCH_PAIRS:-1}
BACKEND_TRANSPORT=${BENCH_BACKENDS:-tcp}
[[ $BACKEND_TRANSPORT == tcp || $BACKEND_TRANSPORT == socket ]] || die "BENCH_BACKENDS must be tcp or socket, not '$BACKEND_TRANSPORT'"

# The matrix. Each list is data: add a workload, a mode or a thread count and the table grows by itself.
if [[ ${BENCH_QUICK:-0} == 1 ]]; then
    TIME=${BENCH_TIME:-3}; WARMUP=${BENCH_WARMUP:-1}
    read -r -a WORKLOADS <<<"${BENCH_WORKLOADS:-oltp_point_select oltp_read_write}"
    read -r -a PS_MODES <<<"${BENCH_PS_MODES:-auto disable}"
    read -r -a THREADS <<<"${BENCH_THREADS:-4}"
else
    TIME=${BENCH_TIME:-10}; WARMUP=${BENCH_WARMUP:-5}
    read -r -a WORKLOADS <<<"${BENCH_WORKLOADS:-oltp_point_select oltp_read_only oltp_read_write}"
    read -r -a PS_MODES <<<"${BENCH_PS_MODES:-auto disable}"
    read -r -a THREADS <<<"${BENCH_THREADS:-4 16}"
fi
# Extra sysbench options per workload. oltp_read_only runs its reads as autocommit statements (skip_trx): inside
# BEGIN ... COMMIT they would all stay on the primary, as transactions must; autocommit reads are what replicas serve.
declare -A WORKLOAD_OPTS=([oltp_read_only]="--skip_trx=on")
# Workloads that only read: the proxy sends them to the replicas, and they can run directly there too (the replicas
# are read-only for the demo user).
declare -A READ_ONLY_WORKLOADS=([oltp_point_select]=1 [oltp_read_only]=1)
DIRECT_REPLICAS=${BENCH_DIRECT_REPLICAS:-1}
PRIMARY_PROXY=${BENCH_PRIMARY_PROXY:-1}
PRIMARY_PROXY_PORT=$((PORT + 1))
PRIMARY_PROXY_HTTP_PORT=$((HTTP_PORT + 1))

# The printed table: "Header|field" per column, fields of the per-combination results (see record_pair).
# A later column (say, lag seen by reads) is one more line here plus the field set in record_pair.
COLUMNS=(
    "workload|workload"
    "ps|ps"
    "thr|threads"
    "direct qps|d_qps"
    "proxy qps|p_qps"
    "proxy/direct|ratio"
    "direct replicas qps|r_qps"
    "proxy/replicas|r_ratio"
    "proxy on primary qps|q_qps"
    "proxy on primary/direct|q_ratio"
    "direct p95 ms|d_p95"
    "proxy p95 ms|p_p95"
    "proxy µs CPU/stmt|p_cpu_us"
    "proxy on primary µs CPU/stmt|q_cpu_us"
    "servers µs CPU/stmt direct|d_srv_us"
    "servers µs CPU/stmt proxy|p_srv_us"
    "idle % direct|d_idle"
    "idle % proxy|p_idle"
    "errors d/p/r/q|errors"
    "deadlocks d/p|deadlocks"
    "proxy SELECTs by backend|p_selects"
)

OUT=$SWITCHYARD_ROOT/artifacts/bench
CLK_TCK=$(getconf CLK_TCK)
PROXY_DLL=src/Proxy/bin/Release/net10.0/switchyard.dll

# ---- lifecycle: everything started here is stopped on exit ------------------------------------------------

TMP=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench.XXXXXX")
PROXY_PID=""
PRIMARY_PROXY_PID=""
STARTED_CLUSTER=0
DB_CREATED=0

cleanup() {
    local rc=$?
    stop_process "$PROXY_PID"
    stop_process "$PRIMARY_PROXY_PID"
    if [[ $DB_CREATED -eq 1 && ${BENCH_KEEP_DB:-0} != 1 ]]; then
        sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
    fi
    [[ -f $TMP/proxy.log ]] && cp "$TMP/proxy.log" "$OUT/proxy.log" 2>/dev/null
    [[ -f $TMP/primary-proxy.log ]] && cp "$TMP/primary-proxy.log" "$OUT/primary-proxy.log" 2>/dev/null
    rm -rf "$TMP"
    if [[ $STARTED_CLUSTER -eq 1 ]]; then scripts/cluster.sh down || true; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- cluster and backends -----------------------------------------------------------------------------------

ping_port() { mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$1" -uroot --connect-timeout=2 ping >/dev/null 2>&1; }

# Backends of the base configuration, one "name host port" line each (the proxy's own view of the cluster).
backends() {
    awk '
        /^backends:/ { inb = 1; next }
        inb && /^[^ #-]/ { inb = 0 }
        inb && /name:/    { sub(/.*name:[ ]*/, ""); sub(/[ ]*#.*/, ""); name = $0 }
        inb && /address:/ { sub(/.*address:[ ]*/, ""); sub(/[ ]*#.*/, ""); n = split($0, a, ":"); print name, a[1], a[n] }
    ' "$BASE_CONFIG"
}

ensure_cluster() {
    local name host port down=()
    while read -r name host port; do ping_port "$port" || down+=("$name:$port"); done < <(backends)
    [[ ${#down[@]} -eq 0 ]] && { log "cluster answers on every backend port; using it as it is"; return 0; }
    ping_port "$PRIMARY_PORT" && die "some backends do not answer (${down[*]}) while the primary does: fix the cluster first"
    log "no cluster answers: starting one with scripts/cluster.sh up (stopped again on exit)"
    STARTED_CLUSTER=1
    scripts/cluster.sh up
}

# Waits until every replica has applied what the primary has binlogged so far (at most 60 s).
wait_replicas() {
    local pos name host port
    pos=$(sql "$PRIMARY_PORT" -N -B -e 'SELECT @@gtid_binlog_pos')
    while read -r name host port; do
        [[ $port == "$PRIMARY_PORT" ]] && continue
        [[ $(sql "$port" -N -B -e "SELECT MASTER_GTID_WAIT('$pos', 60)") == 0 ]] || log "WARNING: $name did not reach $pos within 60 s"
    done < <(backends)
}

# ---- hook: statements per backend -----------------------------------------------------------------------

# One "name count" line per backend: its global Com_select counter (SELECTs executed, text and prepared).
snapshot_backend_selects() {
    local name host port
    while read -r name host port; do
        local count
        count=$(sql "$port" -N -B -e "SHOW GLOBAL STATUS LIKE 'Com_select'" 2>/dev/null | awk '{print $2}') || true
        echo "$name ${count:-?}"
    done < <(backends)
}

# InnoDB deadlocks the primary has detected since it started ("?" when it cannot be asked).
primary_deadlocks() {
    local count
    count=$(sql "$PRIMARY_PORT" -N -B -e "SHOW GLOBAL STATUS LIKE 'Innodb_deadlocks'" 2>/dev/null | awk '{print $2}') || true
    echo "${count:-?}"
}

# Prints which backends served the SELECTs between two snapshots, e.g. "primary=41200 replica1=0 replica2=0".
# This is the hook for read/write splitting: once reads go to replicas, their share shows here.
print_backend_select_counts() {
    local before=$1 after=$2
    # name=count(share%) per backend: with read/write splitting the replicas should take the reads.
    awk 'NR == FNR { b[$1] = $2; next }
         { n[FNR] = $1; d[FNR] = ($2 ~ /^[0-9]+$/ && b[$1] ~ /^[0-9]+$/) ? $2 - b[$1] : -1; if (d[FNR] > 0) t += d[FNR]; k = FNR }
         END { for (i = 1; i <= k; i++)
                   printf "%s%s=%s", (i > 1 ? " " : ""), n[i], (d[i] < 0 ? "?" : sprintf("%d(%d%%)", d[i], t > 0 ? 100 * d[i] / t + 0.5 : 0))
               print "" }' "$before" "$after"
}

# ---- proxy ------------------------------------------------------------------------------------------------------

proxy_config() {
    # Only the listener lines change: the proxy runs with the same backends, pool and users as the product config.
    with_listeners "$BASE_CONFIG" "127.0.0.1:$PORT" "127.0.0.1:$HTTP_PORT" >"$TMP/switchyard.yaml"
    grep -q "mysql: 127.0.0.1:$PORT" "$TMP/switchyard.yaml" || die "could not set the listener port in a copy of $BASE_CONFIG"
    if [[ -n ${BENCH_LANES:-} ]]; then
        [[ $BENCH_LANES =~ ^[0-9]+$ ]] || die "BENCH_LANES must be a number of lanes, not '$BENCH_LANES'"
        sed -i "s|^\([ ]*\)pipelined_lanes:[ ]*[0-9]*|\1pipelined_lanes: $BENCH_LANES|" "$TMP/switchyard.yaml"
        grep -q "^[ ]*pipelined_lanes: $BENCH_LANES\b" "$TMP/switchyard.yaml" || die "BENCH_LANES needs a routing.pipelined_lanes line in $BASE_CONFIG"
    fi
    [[ $BACKEND_TRANSPORT == socket ]] || return 0
    # The proxy reaches each backend over the Unix socket the server itself reports; clients still use TCP.
    local name host port path
    while read -r name host port; do
        path=$(sql "$port" -N -B -e "SELECT @@socket") && [[ $path == /* && -S $path ]] || die "$name ($port) has no usable Unix socket ($path)"
        sed -i "s|^\([ ]*\)address:[ ]*$host:$port\b.*|\1socket: $path|" "$TMP/switchyard.yaml"
        grep -q "socket: $path" "$TMP/switchyard.yaml" || die "could not replace $name's address by its socket"
    done < <(backends)
}

# The proxy's configuration without its replicas (the backends whose role is not primary), on its own ports.
primary_proxy_config() {
    awk '
        function flush() { if (item ~ /role:[ ]*primary/) printf "%s", item; item = "" }
        /^backends:/ { inb = 1; print; next }
        inb && /^[^ ]/ { flush(); inb = 0 }
        inb && /^  - / { flush() }
        inb { item = item $0 "\n"; next }
        { print }
        END { flush() }
    ' "$TMP/switchyard.yaml" | with_listeners /dev/stdin "127.0.0.1:$PRIMARY_PROXY_PORT" "127.0.0.1:$PRIMARY_PROXY_HTTP_PORT" >"$TMP/primary-proxy.yaml"
    [[ $(grep -c '^  - name:' <(sed -n '/^backends:/,/^[^ ]/p' "$TMP/primary-proxy.yaml")) == 1 ]] \
        || die "could not reduce the backends of $BASE_CONFIG to its primary"
}

start_proxy() {
    port_open "$PORT" && die "127.0.0.1:$PORT is already in use; set BENCH_PORT"
    proxy_config
    if [[ $PRIMARY_PROXY == 1 ]]; then
        port_open "$PRIMARY_PROXY_PORT" && die "127.0.0.1:$PRIMARY_PROXY_PORT is already in use; set BENCH_PORT or BENCH_PRIMARY_PROXY=0"
        primary_proxy_config
        launch_proxy "$PROXY_DLL" "$TMP/primary-proxy.yaml" "$TMP/primary-proxy.log" "$PRIMARY_PROXY_PORT"
        PRIMARY_PROXY_PID=$PROXY_PID
        log "proxy in front of the primary alone listening on 127.0.0.1:$PRIMARY_PROXY_PORT (pid $PRIMARY_PROXY_PID)"
    fi
    launch_proxy "$PROXY_DLL" "$TMP/switchyard.yaml" "$TMP/proxy.log" "$PORT"
    log "proxy listening on 127.0.0.1:$PORT (pid $PROXY_PID)"
}

# cpu_us PID...: utime+stime of these processes together (a proxy, or the backends' MariaDB servers), in
# microseconds; -1 when one of them is gone (a crash is then reported instead of aborting the whole bench).
cpu_us() {
    local ticks
    ticks=$(total_ticks "$@" 2>/dev/null) || { echo -1; return 0; }
    echo $((ticks * 1000000 / CLK_TCK))
}

# per_statement US0 US1 QUERIES: the CPU microseconds between two readings per query, or nothing when a reading
# failed (-1) or the run counted no queries.
per_statement() {
    [[ $1 -ge 0 && $2 -ge 0 && ${3:-0} -gt 0 ]] || return 0
    awk -v c=$(($2 - $1)) -v q="$3" 'BEGIN { printf "%.1f", c / q }'
}

# "idle total": the machine's idle (with iowait) and total CPU ticks so far, from /proc/stat.
machine_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print $5 + $6, t; exit }' /proc/stat; }

# idle_percent "IDLE0 TOTAL0" "IDLE1 TOTAL1": the idle share of the machine's CPU time between the two readings.
idle_percent() {
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
        if (y[2] > x[2]) printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]); else print "-" }'
}

# ---- sysbench --------------------------------------------------------------------------------------------------

# Replica ports of the base configuration, comma-separated (sysbench's list form).
replica_ports() { backends | awk -v p="$PRIMARY_PORT" '$3 != p { printf "%s%s", (n++ ? "," : ""), $3 }'; }

sysbench_cmd() {   # sysbench_cmd WORKLOAD PORT[,PORT...] PS_MODE THREADS SECONDS ACTION (several ports: connections spread)
    local workload=$1 port=$2 ps=$3 threads=$4 seconds=$5 action=$6 extra hosts
    read -r -a extra <<<"${WORKLOAD_OPTS[$workload]:-}"
    hosts=$(echo "$port" | sed 's/[0-9]\+/127.0.0.1/g')
    sysbench "$workload" --db-driver=mysql --mysql-host="$hosts" --mysql-port="$port" \
        --mysql-user="$BENCH_USER" --mysql-password="$BENCH_PASSWORD" --mysql-db="$DB" \
        --tables="$TABLES" --table-size="$TABLE_SIZE" --db-ps-mode="$ps" --threads="$threads" \
        --time="$seconds" --events=0 --percentile=95 --report-interval=0 "${extra[@]}" "$action"
}

prepare_data() {
    log "creating database $DB on the primary ($TABLES tables x $TABLE_SIZE rows, as $BENCH_USER)"
    sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`"
    DB_CREATED=1
    sysbench_cmd oltp_read_write "$PRIMARY_PORT" auto 4 0 prepare >"$OUT/prepare.log" 2>&1 \
        || { tail -20 "$OUT/prepare.log" >&2; die "sysbench prepare failed"; }
    wait_replicas
}

# Fields of a finished run from sysbench's output file, as "key=value" lines.
parse_sysbench() {
    awk '
        /transactions:/      { tps = $3; gsub(/\(/, "", tps) }
        /^ *queries:/        { q = $2; qps = $3; gsub(/\(/, "", qps) }
        /ignored errors:/    { ign = $3 }
        /reconnects:/        { rec = $2 }
        /95th percentile:/   { p95 = $3 }
        END {
            printf "tps=%s\nqps=%s\nqueries=%s\np95=%s\nerrors=%s\n", tps, qps, q, p95, (ign == "" ? "?" : ign + rec)
        }' "$1"
}

declare -A RUN=()   # the last run's fields: tps qps queries p95 errors cpu_us srv_us idle selects deadlocks

# keep_run NAME: copies the last run's fields (RUN) into the associative array NAME, before the next run replaces them.
keep_run() {
    local -n into=$1
    local key
    into=()
    for key in "${!RUN[@]}"; do into[$key]=${RUN[$key]}; done
}

# run_one TARGET(direct|replicas|proxy|primary-proxy) WORKLOAD PS THREADS LABEL: one measured run, its fields left in RUN.
run_one() {
    local target=$1 workload=$2 ps=$3 threads=$4 label=$5 port log cpu0=0 cpu1=0 rc=0 key value deadlocks0 deadlocks1
    local servers0 servers1 machine0 machine1 pid="" logfile
    case $target in
        direct) port=$PRIMARY_PORT ;;
        replicas) port=$REPLICA_PORTS ;;
        proxy) port=$PORT; pid=$PROXY_PID; logfile=$TMP/proxy.log ;;
        primary-proxy) port=$PRIMARY_PROXY_PORT; pid=$PRIMARY_PROXY_PID; logfile=$TMP/primary-proxy.log ;;
    esac
    log=$OUT/runs/$label.$target.log
    snapshot_backend_selects >"$TMP/sel.before"
    deadlocks0=$(primary_deadlocks)
    [[ -n $pid ]] && cpu0=$(cpu_us "$pid")
    servers0=$(cpu_us "${SERVER_PIDS[@]}"); machine0=$(machine_ticks)
    sysbench_cmd "$workload" "$port" "$ps" "$threads" "$TIME" run >"$log" 2>&1 || rc=$?
    [[ -n $pid ]] && cpu1=$(cpu_us "$pid")
    servers1=$(cpu_us "${SERVER_PIDS[@]}"); machine1=$(machine_ticks)
    snapshot_backend_selects >"$TMP/sel.after"
    deadlocks1=$(primary_deadlocks)
    RUN=()
    while IFS='=' read -r key value; do RUN[$key]=$value; done < <(parse_sysbench "$log")
    if [[ $rc -ne 0 || -z ${RUN[qps]} ]]; then
        RUN[errors]="FAIL(rc=$rc)"
        log "  $target: sysbench failed (exit $rc), see $log:"; grep -iE 'fatal|error' "$log" | head -5 | sed 's/^/      /' >&2 || true
    fi
    if [[ -n $pid && ($cpu0 -lt 0 || $cpu1 -lt 0) ]]; then
        RUN[errors]="FAIL(proxy exited)"
        log "  the $target exited; its log:"; tail -20 "$logfile" >&2
        exit 1
    fi
    RUN[cpu_us]=""
    [[ -n $pid ]] && RUN[cpu_us]=$(per_statement "$cpu0" "$cpu1" "${RUN[queries]:-}")
    RUN[srv_us]=$(per_statement "$servers0" "$servers1" "${RUN[queries]:-}")
    RUN[idle]=$(idle_percent "$machine0" "$machine1")
    RUN[selects]=$(print_backend_select_counts "$TMP/sel.before" "$TMP/sel.after")
    RUN[deadlocks]="?"
    [[ $deadlocks0 =~ ^[0-9]+$ && $deadlocks1 =~ ^[0-9]+$ ]] && RUN[deadlocks]=$((deadlocks1 - deadlocks0))
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$target" "$workload" "$ps" "$threads" \
        "${RUN[tps]:-}" "${RUN[qps]:-}" "${RUN[queries]:-}" "${RUN[p95]:-}" "${RUN[errors]}" "${RUN[cpu_us]}" "${RUN[selects]}" "${RUN[deadlocks]}" "${RUN[srv_us]}" "${RUN[idle]}" >>"$OUT/runs.tsv"
    log "  $target: tps=${RUN[tps]:-?} qps=${RUN[qps]:-?} p95=${RUN[p95]:-?} ms errors=${RUN[errors]} deadlocks=${RUN[deadlocks]}${RUN[cpu_us]:+ cpu=${RUN[cpu_us]} µs/stmt}${RUN[srv_us]:+ servers=${RUN[srv_us]} µs/stmt} idle=${RUN[idle]}% selects: ${RUN[selects]}"
}

# ---- results table -------------------------------------------------------------------------------------------

declare -A RES=()   # RES[<row>,<field>]; rows in ROWS, in run order
ROWS=()

record_pair() {   # record_pair ROW WORKLOAD PS THREADS (direct fields in D, direct-on-replicas fields in R, proxy-on-primary
                  # fields in Q, proxy fields in RUN)
    local row=$1
    ROWS+=("$row")
    RES[$row,workload]=$2; RES[$row,ps]=$3; RES[$row,threads]=$4
    RES[$row,d_qps]=${D[qps]:-}; RES[$row,p_qps]=${RUN[qps]:-}
    RES[$row,d_p95]=${D[p95]:-}; RES[$row,p_p95]=${RUN[p95]:-}
    RES[$row,p_cpu_us]=${RUN[cpu_us]:-}
    RES[$row,d_srv_us]=${D[srv_us]:-}; RES[$row,p_srv_us]=${RUN[srv_us]:-}
    RES[$row,d_idle]=${D[idle]:-}; RES[$row,p_idle]=${RUN[idle]:-}
    local extra=""   # read-only workloads: direct replicas and proxy on primary, "-" for a run skipped
    [[ -n ${R[errors]:-}${Q[errors]:-} ]] && extra="/${R[errors]:--}/${Q[errors]:--}"
    RES[$row,errors]="${D[errors]}/${RUN[errors]}$extra"
    RES[$row,deadlocks]="${D[deadlocks]:-?}/${RUN[deadlocks]:-?}"
    RES[$row,ratio]=$(ratio "${D[qps]:-0}" "${RUN[qps]:-0}")
    RES[$row,r_qps]=${R[qps]:-}
    RES[$row,r_ratio]=$(ratio "${R[qps]:-0}" "${RUN[qps]:-0}")
    RES[$row,q_qps]=${Q[qps]:-}; RES[$row,q_cpu_us]=${Q[cpu_us]:-}
    RES[$row,q_ratio]=$(ratio "${D[qps]:-0}" "${Q[qps]:-0}")
    RES[$row,p_selects]=${RUN[selects]:-}
}

# With several pairs per combination, one more table: per combination, the median of every figure over its pairs
# (errors and deadlocks: each pair's, in order).
# The direct run's throughput swings by a third from minute to minute on a shared 2-core machine while the proxy's
# holds steadier, so a single pair's ratio says more about that minute than about the proxy.
MEDIAN_FIELDS=(d_qps p_qps ratio r_qps r_ratio q_qps q_ratio d_p95 p_p95 p_cpu_us q_cpu_us d_srv_us p_srv_us d_idle p_idle)
print_median_table() {
    local -a combos=()
    local row key field combo
    local -a errors deadlocks
    declare -A seen=() values=()
    for row in "${ROWS[@]}"; do
        key="${RES[$row,workload]} ${RES[$row,ps]} ${RES[$row,threads]}"
        [[ -n ${seen[$key]:-} ]] || { seen[$key]=1; combos+=("$key"); }
        for field in "${MEDIAN_FIELDS[@]}"; do values[$key,$field]+="${RES[$row,$field]:-} "; done
        values[$key,errors]+="${RES[$row,errors]} "
        values[$key,deadlocks]+="${RES[$row,deadlocks]} "
    done
    local -a medians=()
    for combo in "${combos[@]}"; do
        set -- $combo
        row="median:$1.$2.$3"
        medians+=("$row")
        RES[$row,workload]=$1; RES[$row,ps]=$2; RES[$row,threads]=$3
        for field in "${MEDIAN_FIELDS[@]}"; do RES[$row,$field]=$(median ${values[$combo,$field]}); done
        # Errors are not averaged: each pair's, in the order the pairs ran.
        read -r -a errors <<<"${values[$combo,errors]}"
        RES[$row,errors]="${errors[*]}"
        read -r -a deadlocks <<<"${values[$combo,deadlocks]}"
        RES[$row,deadlocks]="${deadlocks[*]}"
        RES[$row,p_selects]=""
    done
    print_table "${medians[@]}"
}

# The median of the numeric arguments ("-" and empty ones are skipped), "-" when there are none.
median() {
    printf '%s\n' "$@" | awk '$1 ~ /^[0-9.]+$/' | sort -g | awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "-"; exit }
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.2f\n", m }'
}

ratio() { awk -v d="$1" -v p="$2" 'BEGIN { if (d > 0 && p > 0) printf "%.2f", p / d; else print "-" }'; }

print_table() { print_table_padded "$@" | sed 's/ *$//'; }
print_table_padded() {   # print_table_padded [ROW...]: the given rows of RES (default: every pair, ROWS)
    local spec header field row i widths=() line sep
    local -a rows=("$@")
    (($#)) || rows=("${ROWS[@]}")
    for i in "${!COLUMNS[@]}"; do
        spec=${COLUMNS[$i]}; header=${spec%%|*}; field=${spec#*|}
        widths[i]=${#header}
        for row in "${rows[@]}"; do
            line=${RES[$row,$field]:--}
            ((${#line} > widths[i])) && widths[i]=${#line}
        done
    done
    line=""; sep=""
    for i in "${!COLUMNS[@]}"; do
        header=${COLUMNS[$i]%%|*}
        line+=$(printf '%-*s  ' "${widths[i]}" "$header"); sep+=$(printf '%*s  ' "${widths[i]}" '' | tr ' ' '-')
    done
    echo "$line"; echo "$sep"
    for row in "${rows[@]}"; do
        line=""
        for i in "${!COLUMNS[@]}"; do
            field=${COLUMNS[$i]#*|}
            line+=$(printf '%-*s  ' "${widths[i]}" "${RES[$row,$field]:--}")
        done
        echo "$line"
    done
}

# ---- row counts ------------------------------------------------------------------------------------------------

# After oltp_read_write (each transaction deletes and re-inserts one row) every table must still hold
# TABLE_SIZE rows: on the primary, through the proxy, and on every replica once it has caught up.
ROWCOUNT_FAILURES=0
check_row_counts() {
    local name host port t where n expected=$TABLE_SIZE line
    wait_replicas
    for ((t = 1; t <= TABLES; t++)); do
        line="  sbtest$t:"
        while read -r name host port; do
            n=$(sql "$port" -N -B -e "SELECT COUNT(*) FROM \`$DB\`.sbtest$t" 2>&1) || n="ERR"
            line+=" $name=$n"
            [[ $n == "$expected" ]] || ROWCOUNT_FAILURES=$((ROWCOUNT_FAILURES + 1))
        done < <(backends)
        n=$(mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$PORT" -u"$BENCH_USER" -p"$BENCH_PASSWORD" -N -B \
            -e "SELECT COUNT(*) FROM \`$DB\`.sbtest$t" 2>&1) || n="ERR"
        line+=" via-proxy=$n"
        [[ $n == "$expected" ]] || ROWCOUNT_FAILURES=$((ROWCOUNT_FAILURES + 1))
        echo "$line (expected $expected)"
    done
}

# ---- main -----------------------------------------------------------------------------------------------------------

main() {
    local t0; t0=$(now_ms)
    command -v sysbench >/dev/null || ensure_packages sysbench
    ensure_packages mariadb-client
    [[ -f $BASE_CONFIG ]] || die "$BASE_CONFIG not found"
    rm -rf "$OUT" && mkdir -p "$OUT/runs"
    printf 'label\ttarget\tworkload\tps\tthreads\ttps\tqps\tqueries\tp95_ms\terrors\tproxy_cpu_us_per_stmt\tselects_by_backend\tprimary_deadlocks\tservers_cpu_us_per_stmt\tidle_pct\n' >"$OUT/runs.tsv"

    ensure_cluster
    REPLICA_PORTS=$(replica_ports)
    local name host port
    SERVER_PIDS=()
    while read -r name host port; do SERVER_PIDS+=("$(server_pid "$port")"); done < <(backends)
    log "building the proxy (Release)"
    export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
    dotnet build src/Proxy -c Release -nologo -v q >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; die "build failed"; }
    start_proxy
    prepare_data

    local combos=$(( ${#WORKLOADS[@]} * ${#PS_MODES[@]} * ${#THREADS[@]} * PAIRS ))
    log "matrix: ${WORKLOADS[*]} x ps ${PS_MODES[*]} x threads ${THREADS[*]} x $PAIRS pair(s) = $combos pairs of ${TIME} s runs"

    # Warm-up: the proxy's JIT (tiered compilation, PGO), pools and the server's buffer pool.
    if ((WARMUP > 0)); then
        log "warm-up: ${WARMUP} s direct and through the proxy"
        sysbench_cmd oltp_read_only "$PRIMARY_PORT" auto 4 "$WARMUP" run >"$OUT/warmup.direct.log" 2>&1 || true
        local target
        for target in proxy ${PRIMARY_PROXY_PID:+primary-proxy}; do
            port=$PORT; [[ $target == proxy ]] || port=$PRIMARY_PROXY_PORT
            sysbench_cmd oltp_read_only "$port" auto 4 "$WARMUP" run >"$OUT/warmup.$target.log" 2>&1 || true
            sysbench_cmd oltp_point_select "$port" disable 16 "$WARMUP" run >>"$OUT/warmup.$target.log" 2>&1 || true
        done
        # Transactions and writes take code paths the reads above do not: without this, the first oltp_read_write
        # run through the proxy also pays for compiling them.
        if [[ " ${WORKLOADS[*]} " == *" oltp_read_write "* ]]; then
            sysbench_cmd oltp_read_write "$PRIMARY_PORT" auto 4 "$WARMUP" run >>"$OUT/warmup.direct.log" 2>&1 || true
            sysbench_cmd oltp_read_write "$PORT" auto 4 "$WARMUP" run >>"$OUT/warmup.proxy.log" 2>&1 || true
        fi
    fi

    local workload ps threads pair label n=0 rw_done=0
    declare -gA D=() R=() Q=()
    for workload in "${WORKLOADS[@]}"; do
        for ps in "${PS_MODES[@]}"; do
            for threads in "${THREADS[@]}"; do
                for ((pair = 1; pair <= PAIRS; pair++)); do
                    n=$((n + 1))
                    label="$workload.ps-$ps.t$threads.$pair"
                    log "[$n/$combos] $workload ps=$ps threads=$threads (pair $pair)"
                    run_one direct "$workload" "$ps" "$threads" "$label"
                    keep_run D
                    Q=()
                    if [[ -n $PRIMARY_PROXY_PID && -n ${READ_ONLY_WORKLOADS[$workload]:-} ]]; then
                        run_one primary-proxy "$workload" "$ps" "$threads" "$label"
                        keep_run Q
                    fi
                    R=()
                    if [[ $DIRECT_REPLICAS == 1 && -n ${READ_ONLY_WORKLOADS[$workload]:-} && -n $REPLICA_PORTS ]]; then
                        run_one replicas "$workload" "$ps" "$threads" "$label"
                        keep_run R
                    fi
                    run_one proxy "$workload" "$ps" "$threads" "$label"
                    record_pair "$label" "$workload" "$ps" "$threads"
                done
            done
        done
        [[ $workload == oltp_read_write ]] && rw_done=1
    done

    {
        echo
        echo "Switchyard bench: ${TIME} s per run, interleaved direct/proxy pairs, $TABLES x $TABLE_SIZE rows, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "clients reach both over TCP; the proxy reaches the backends over $([[ $BACKEND_TRANSPORT == socket ]] && echo "their Unix sockets (BENCH_BACKENDS=socket)" || echo "TCP")"
        echo "direct = 127.0.0.1:$PRIMARY_PORT, direct replicas = 127.0.0.1:$REPLICA_PORTS (read-only workloads), proxy = 127.0.0.1:$PORT"
        [[ -n $PRIMARY_PROXY_PID ]] && echo "proxy on primary = 127.0.0.1:$PRIMARY_PROXY_PORT: the same configuration without its replicas, in front of the direct runs' server (read-only workloads)"
        echo "errors = sysbench ignored errors + reconnects (d: direct, p: proxy, r: direct replicas, q: proxy on primary); deadlocks = InnoDB deadlocks on the primary during the run (direct/proxy)"
        echo
        print_table
        if ((PAIRS > 1)); then
            echo
            echo "Medians over the $PAIRS pairs of each combination (ratios: the median of the pairs' own ratios):"
            print_median_table
        fi
        if [[ $rw_done -eq 1 ]]; then
            echo
            echo "Row counts after oltp_read_write:"
            check_row_counts
            [[ $ROWCOUNT_FAILURES -eq 0 ]] && echo "  all match" || echo "  MISMATCH in $ROWCOUNT_FAILURES count(s)"
        fi
    } | tee "$OUT/table.txt"
    # check_row_counts ran in the pipeline's subshell: read its verdict from the output.
    grep -q '^  MISMATCH' "$OUT/table.txt" && ROWCOUNT_FAILURES=1
    grep -q 'FAIL(' "$OUT/runs.tsv" && log "some sysbench runs failed: see $OUT/runs/"
    log "done in $(elapsed "$t0"); raw output in $OUT"
    [[ $ROWCOUNT_FAILURES -eq 0 ]] && ! grep -q 'FAIL(' "$OUT/runs.tsv"
}

main "$@"
