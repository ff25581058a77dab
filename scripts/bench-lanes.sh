#!/usr/bin/env bash
# Pipelined lanes on and off, side by side: two proxies from config/switchyard.yaml (both replicas), one with
# routing.pipelined_lanes: 1 and one with 0, both warmed, then sysbench oltp_point_select in rounds of
#   direct (replica1) -> lanes -> no lanes, or direct -> no lanes -> lanes (odd and even rounds)
# and per round: throughput and its ratio to that round's direct run, p95, each proxy's CPU per statement and the
# replicas' (both mariadbd processes, /proc/PID/stat). On a shared 2-core machine absolute numbers swing from minute
# to minute, so the ratios of one round are the figures to compare (README, "Pipelined lanes").
#
#   scripts/bench-lanes.sh                       prepared statements, 16 threads, 3 rounds of 6 s
#   LANES_PS=disable LANES_THREADS=4 scripts/bench-lanes.sh
# Settings: LANES_PS (auto | disable), LANES_THREADS (16), LANES_ROUNDS (3), LANES_TIME (6 s per run), LANES_WARMUP
# (8 s per proxy, twice), LANES_PORT (6150: lanes proxy; +1 its HTTP, +2 the other proxy, +3 its HTTP).
# The other proxy can be another build with lanes too, to compare two versions of the lanes:
#   git worktree add /tmp/before REV && dotnet build /tmp/before/src/Proxy -c Release -o /tmp/before-bin
#   LANES_OTHER_DLL=/tmp/before-bin/switchyard.dll LANES_OTHER_LANES=1 scripts/bench-lanes.sh
# Another workload: LANES_WORKLOAD (an oltp_* sysbench workload; one that writes runs directly on the primary instead of
# replica1) with LANES_SYSBENCH_OPTS, e.g. autocommit reads after writes, which read-your-writes constrains:
#   LANES_WORKLOAD=oltp_read_write LANES_SYSBENCH_OPTS="--skip_trx=on --mysql-ignore-errors=1062,1213,1205,1020" scripts/bench-lanes.sh
# ("lanes %" is the share of the statements each proxy served on lanes, from its /metrics.)
# Needs the cluster of scripts/cluster.sh (started if nothing answers, and stopped again on exit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/point-select.sh"
cd "$SWITCHYARD_ROOT"

PS=${LANES_PS:-auto}
THREADS=${LANES_THREADS:-16}
ROUNDS=${LANES_ROUNDS:-3}
TIME=${LANES_TIME:-6}
WARMUP=${LANES_WARMUP:-8}
LANES_PORT=${LANES_PORT:-6150}
USUAL_PORT=$((LANES_PORT + 2))
DB=sblanes
SYSBENCH_WORKLOAD=${LANES_WORKLOAD:-oltp_point_select}
SYSBENCH_OPTS=${LANES_SYSBENCH_OPTS:-}
DIRECT_PORT=$REPLICA1_PORT; DIRECT_NAME="replica1 alone"
workload_only_reads "$SYSBENCH_WORKLOAD" || { DIRECT_PORT=$PRIMARY_PORT; DIRECT_NAME="the primary (the workload writes)"; }
TMP=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-lanes.XXXXXX")
PIDS=()
command -v curl >/dev/null || ensure_packages curl   # reads each proxy's /metrics
point_select_setup "$REPLICA1_PORT" "$REPLICA2_PORT"
log "building (Release)"
dotnet build src/Proxy -c Release -v q -nologo >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; die "build failed"; }
REPLICA_PIDS=()
for port in "$REPLICA1_PORT" "$REPLICA2_PORT"; do REPLICA_PIDS+=("$(server_pid "$port")"); done

proxy_config() {   # proxy_config PORT LANES: config/switchyard.yaml with other listener ports and pipelined_lanes
    with_listeners config/switchyard.yaml "127.0.0.1:$1" "127.0.0.1:$(($1 + 1))" \
        | sed "s|^\([ ]*\)pipelined_lanes:[ ]*[0-9]*|\1pipelined_lanes: $2|" >"$TMP/proxy-$1.yaml"
    grep -q "^[ ]*pipelined_lanes: $2\b" "$TMP/proxy-$1.yaml" || die "config/switchyard.yaml has no routing.pipelined_lanes line"
    echo "$TMP/proxy-$1.yaml"
}
launch_proxy src/Proxy/bin/Release/net10.0/switchyard.dll "$(proxy_config "$LANES_PORT" 1)" "$TMP/lanes.log" "$LANES_PORT"
LANES_PID=$PROXY_PID; PIDS+=("$PROXY_PID")
launch_proxy "${LANES_OTHER_DLL:-src/Proxy/bin/Release/net10.0/switchyard.dll}" "$(proxy_config "$USUAL_PORT" "${LANES_OTHER_LANES:-0}")" \
    "$TMP/usual.log" "$USUAL_PORT"
USUAL_PID=$PROXY_PID; PIDS+=("$PROXY_PID")

# Statements the proxy listening on PORT served on its lanes so far (its HTTP listener is PORT + 1).
lane_statements() {
    curl -fsS "http://127.0.0.1:$(($1 + 1))/metrics" | awk '/^switchyard_backend_pipelined_statements_total/ { s += $2 } END { printf "%d\n", s }'
}

measure() {   # measure PORT PID: prints "qps p95 proxy_us_per_statement replicas_us_per_statement lanes_percent"
    local p0 r0 l0 p1 r1 l1 queries qps p95
    p0=$(total_ticks "$2"); r0=$(total_ticks "${REPLICA_PIDS[@]}"); l0=$(lane_statements "$1")
    read -r queries qps p95 < <(sysbench_run "$1" "$PS" "$TIME")
    p1=$(total_ticks "$2"); r1=$(total_ticks "${REPLICA_PIDS[@]}"); l1=$(lane_statements "$1")
    awk -v q="$queries" -v hz="$(getconf CLK_TCK)" -v p="$((p1 - p0))" -v r="$((r1 - r0))" -v l="$((l1 - l0))" -v qps="$qps" -v p95="$p95" \
        'BEGIN { printf "%s %s %.1f %.1f %.0f\n", qps, p95, p * 1e6 / hz / q, r * 1e6 / hz / q, 100 * l / q }'
}

log "warming both proxies (2 x $WARMUP s each)"
for _ in 1 2; do sysbench_run "$LANES_PORT" "$PS" "$WARMUP" >/dev/null; sysbench_run "$USUAL_PORT" "$PS" "$WARMUP" >/dev/null; done

printf '%-5s %9s | %9s %6s %7s %9s %11s %7s | %9s %6s %7s %9s %11s %7s\n' round direct "lanes qps" ratio "p95 ms" "proxy µs" "replicas µs" \
    "lanes %" "usual qps" ratio "p95 ms" "proxy µs" "replicas µs" "lanes %"
for round in $(seq 1 "$ROUNDS"); do
    read -r _ direct _ < <(sysbench_run "$DIRECT_PORT" "$PS" "$TIME")
    # Whichever proxy ran second in a round was seen to do better, whatever its build: they take turns.
    if (( round % 2 )); then
        read -r lq lp lc lr ll < <(measure "$LANES_PORT" "$LANES_PID")
        read -r uq up uc ur ul < <(measure "$USUAL_PORT" "$USUAL_PID")
    else
        read -r uq up uc ur ul < <(measure "$USUAL_PORT" "$USUAL_PID")
        read -r lq lp lc lr ll < <(measure "$LANES_PORT" "$LANES_PID")
    fi
    awk -v r="$round" -v d="$direct" -v lq="$lq" -v lp="$lp" -v lc="$lc" -v lr="$lr" -v ll="$ll" -v uq="$uq" -v up="$up" -v uc="$uc" -v ur="$ur" -v ul="$ul" \
        'BEGIN { printf "%-5s %9.0f | %9.0f %6.2f %7s %9s %11s %7s | %9.0f %6.2f %7s %9s %11s %7s\n", r, d, lq, lq / d, lp, lc, lr, ll, uq, uq / d, up, uc, ur, ul }'
done
log "$SYSBENCH_WORKLOAD ${SYSBENCH_OPTS:+($SYSBENCH_OPTS) }ps=$PS threads=$THREADS; direct = $DIRECT_NAME; usual = ${LANES_OTHER_DLL:-this build} with pipelined_lanes: ${LANES_OTHER_LANES:-0}"
