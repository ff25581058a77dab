#!/usr/bin/env bash
# Read consistency under injected replica lag: N write→read pairs across two connections of one user key, for
# eventual, time and gtid read-your-writes.
#   scripts/bench-consistency.sh                 500 pairs per mode
#   BENCH_PAIRS=2000 scripts/bench-consistency.sh
#
# What it does:
#   1. builds the proxy and tools/ConsistencyBench (Release);
#   2. delays replica 1 with CHANGE MASTER TO MASTER_DELAY=$BENCH_DELAY (2 s) — restored (0, caught up) on exit,
#      whatever happens — while replica 2 stays undelayed;
#   3. creates database $BENCH_DB with one counter row on the primary;
#   4. for each mode: starts the proxy on BENCH_PORT with its own configuration (the cluster's ports from
#      SWITCHYARD_PRIMARY_PORT / _REPLICA1_PORT / _REPLICA2_PORT, heartbeat on so both replicas' lag is measured,
#      scope user), waits until the monitor sees replica 1's delay, runs the pairs — connection A:
#      /*user_id='bench'*/ UPDATE, connection B at once: /*user_id='bench'*/ SELECT v, @@server_id — and stops it;
#   5. prints: mode, pairs, stale reads (B did not see A's value), share of reads served by replicas, read latency
#      p50/p95 and the p50/p95 added to eventual's.
# The cluster must be up (scripts/cluster.sh up with the same SWITCHYARD_*_PORT). Only the proxy started here is
# stopped; the cluster is left running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SWITCHYARD_ROOT"

PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
REPLICA1_PORT=${SWITCHYARD_REPLICA1_PORT:-3307}
REPLICA2_PORT=${SWITCHYARD_REPLICA2_PORT:-3308}
PORT=${BENCH_PORT:-6143}
HTTP_PORT=${BENCH_HTTP_PORT:-$((PORT + 37))}
PAIRS=${BENCH_PAIRS:-500}
DELAY=${BENCH_DELAY:-2}
DB=${BENCH_DB:-bench_consistency}
MODES=(eventual time gtid)
PROXY_DLL=src/Proxy/bin/Release/net10.0/switchyard.dll
TOOL_DLL=tools/ConsistencyBench/bin/Release/net10.0/ConsistencyBench.dll

TMP=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-bench-consistency.XXXXXX")
PROXY_PID=""
DELAYED=0

stop_proxy() {
    stop_process "$PROXY_PID"
    PROXY_PID=""
}

cleanup() {
    local rc=$?
    stop_proxy
    if [[ $DELAYED -eq 1 ]]; then
        sql "$REPLICA1_PORT" -e "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE" || log "could not restore replica 1's delay"
        local pos
        pos=$(sql "$PRIMARY_PORT" -N -B -e 'SELECT @@gtid_binlog_pos' 2>/dev/null || true)
        [[ -n $pos ]] && sql "$REPLICA1_PORT" -N -B -e "SELECT MASTER_GTID_WAIT('$pos', 30)" >/dev/null 2>&1 || true
        log "replica 1 undelayed"
    fi
    sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$DB\`" 2>/dev/null || true
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for port in "$PRIMARY_PORT" "$REPLICA1_PORT" "$REPLICA2_PORT"; do
    port_open "$port" || die "no server on 127.0.0.1:$port: start the cluster (scripts/cluster.sh up) with the same ports"
done
port_open "$PORT" && die "127.0.0.1:$PORT is already in use; set BENCH_PORT"

log "building the proxy and tools/ConsistencyBench"
dotnet build src/Proxy/Switchyard.Proxy.csproj -c Release -nologo -v q >"$TMP/build.log" 2>&1 || { tail -20 "$TMP/build.log" >&2; die "build failed"; }
dotnet build tools/ConsistencyBench/ConsistencyBench.csproj -c Release -nologo -v q >"$TMP/build-tool.log" 2>&1 || { tail -20 "$TMP/build-tool.log" >&2; die "tool build failed"; }

sql "$PRIMARY_PORT" -e "DROP DATABASE IF EXISTS \`$DB\`; CREATE DATABASE \`$DB\`; CREATE TABLE \`$DB\`.c (id INT PRIMARY KEY, v BIGINT NOT NULL); INSERT INTO \`$DB\`.c VALUES (1, 0)"
PRIMARY_SERVER_ID=$(sql "$PRIMARY_PORT" -N -B -e 'SELECT @@server_id')

DELAYED=1
sql "$REPLICA1_PORT" -e "STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=$DELAY; START SLAVE"
log "replica 1 (port $REPLICA1_PORT) delayed by $DELAY s"

write_config() { # $1: mode
    local consistency
    case $1 in
        eventual) consistency="  default: eventual" ;;
        time)     consistency=$'  default: read-your-writes\n  read_your_writes:\n    mode: time\n    scope: user' ;;
        gtid)     consistency=$'  default: read-your-writes\n  read_your_writes:\n    mode: gtid\n    scope: user' ;;
    esac
    cat >"$TMP/switchyard.yaml" <<YAML
listeners:
  mysql: 127.0.0.1:$PORT
  http: 127.0.0.1:$HTTP_PORT
logging:
  level: warning
backend_credentials:
  user: switchyard
  password: switchyard
monitor:
  interval: 200ms
  user: monitor
  password: monitor
  heartbeat:
    enabled: true
    interval: 100ms
consistency:
$consistency
YAML
    cluster_users_and_backends_yaml >>"$TMP/switchyard.yaml"
}

start_proxy() { launch_proxy "$PROXY_DLL" "$TMP/switchyard.yaml" "$TMP/proxy.log" "$PORT"; }

# The monitor's view of replica 1's lag (from /metrics), so that every mode starts from the same, visible lag.
wait_lag_visible() {
    local deadline=$((SECONDS + 30)) lag
    while ((SECONDS < deadline)); do
        lag=$(curl -s "http://127.0.0.1:$HTTP_PORT/metrics" | awk '/^switchyard_backend_replication_lag_seconds\{backend="replica1"\}/ { print $2 }')
        if [[ -n $lag ]] && awk -v l="$lag" 'BEGIN { exit !(l > 1) }'; then return 0; fi
        sleep 0.2
    done
    die "replica 1's lag did not become visible within 30 s"
}

RESULTS=$TMP/results.tsv
: >"$RESULTS"
for mode in "${MODES[@]}"; do
    write_config "$mode"
    start_proxy
    wait_lag_visible
    log "$mode: $PAIRS pairs"
    DOTNET_NOLOGO=1 dotnet "$TOOL_DLL" "$PORT" "$DB" "$PAIRS" "$mode" "$PRIMARY_SERVER_ID" >>"$RESULTS"
    stop_proxy
done

awk -F'\t' '
    { mode[NR] = $1; pairs[NR] = $2; stale[NR] = $3; replicas[NR] = $4; p50[NR] = $5; p95[NR] = $6
      if ($1 == "eventual") { e50 = $5; e95 = $6 } }
    END {
        printf "%-9s %6s %6s %14s %9s %9s %16s %16s\n", "mode", "pairs", "stale", "replica share", "p50 ms", "p95 ms", "p50 vs eventual", "p95 vs eventual"
        for (i = 1; i <= NR; i++)
            printf "%-9s %6d %6d %13.1f%% %9.3f %9.3f %+15.3f %+16.3f\n", mode[i], pairs[i], stale[i], 100 * replicas[i] / pairs[i], p50[i], p95[i], p50[i] - e50, p95[i] - e95
    }' "$RESULTS"
