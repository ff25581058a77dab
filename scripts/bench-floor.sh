#!/usr/bin/env bash
# How far is Switchyard from the floor? sysbench oltp_point_select against one replica three ways, interleaved:
#   direct  sysbench -> replica1
#   relay   sysbench -> a byte relay on .NET sockets -> replica1 (benchmarks/Switchyard.Benchmarks relay: no parsing,
#           no pooling, the proxy's socket engine settings): what any .NET proxy pays for the two extra hops
#   epoll   sysbench -> the same relay on its own epoll loop, one recv and one send per message, no socket engine and
#           nothing async (Switchyard.Benchmarks epoll-relay): what a hand-written data path in C# could save
#   pipeline sysbench -> an experiment on the same epoll loop (Switchyard.Benchmarks pipeline-relay): after each client
#           has logged in through its own backend connection, every statement goes over FLOOR_PIPELINE_LANES shared
#           backend connections, queued behind the statements already sent there without waiting for their answers,
#           and everything one wake-up read leaves with one send per connection: what multiplexing with pipelining
#           could gain over any one-to-one path (it only suits statements that leave the session as it was)
#   haproxy sysbench -> HAProxy in TCP mode, one thread -> replica1: the same hops through a mature C proxy that parses
#           nothing, so the floor is not .NET's alone (Debian's haproxy package, installed if missing)
#   proxy   sysbench -> Switchyard with the primary and replica1 only -> replica1 (every point select is a read)
#   lanes   the same with routing.pipelined_lanes: FLOOR_PROXY_LANES (1): the reads pipelined over shared connections
#           (README, "Pipelined lanes"), the product's counterpart of the pipeline relay
# and prints, per target, the median throughput and p95 latency, the median ratio to the direct run of the same round,
# and the CPU time per statement of the relays, HAProxy and the proxy, split into user and kernel (/proc/PID/stat).
# The difference between relay and proxy is the proxy's own work; the relay's kernel time is the loopback floor.
#
#   scripts/bench-floor.sh                  10 s per run, 3 rounds, ps modes auto and disable, 16 threads
#   FLOOR_TIME=5 FLOOR_ROUNDS=2 scripts/bench-floor.sh
# Settings: FLOOR_TIME (10), FLOOR_ROUNDS (3), FLOOR_THREADS (16), FLOOR_PS_MODES ("auto disable"), FLOOR_WARMUP (5 s
# per target and ps mode before the first round), FLOOR_PROXY_WARMUP (25 s, the same for the proxy targets),
# BENCH_BACKENDS=tcp|socket (how relays, HAProxy and proxy reach replica1), FLOOR_HAPROXY (1; 0 leaves HAProxy out),
# FLOOR_PIPELINE_LANES (1; 0 leaves the pipelining relay out),
# FLOOR_PROXY_LANES (1; 0 leaves the lanes target out), FLOOR_PORT (6140: relay; +1 proxy MySQL, +2 proxy HTTP,
# +3 HAProxy, +4 epoll relay, +5 pipelining relay, +6/+7 the lanes proxy's MySQL/HTTP).
# Another workload: FLOOR_WORKLOAD (an oltp_* sysbench workload) with FLOOR_SYSBENCH_OPTS. One that writes runs against
# the primary instead of replica1 (direct, and behind the relays, HAProxy and the proxy), without the pipelining relay
# and the lanes target (sharing a connection does not suit transactions): the floor of the one-to-one path, e.g.
#   FLOOR_WORKLOAD=oltp_read_write FLOOR_PS_MODES=auto scripts/bench-floor.sh
# Needs the cluster of scripts/cluster.sh (started if nothing answers).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/point-select.sh"
cd "$SWITCHYARD_ROOT"

REPLICA_PORT=$REPLICA1_PORT
SYSBENCH_WORKLOAD=${FLOOR_WORKLOAD:-oltp_point_select}
SYSBENCH_OPTS=${FLOOR_SYSBENCH_OPTS:-}
# The server every target ends at: replica1 for reads, the primary for a workload that writes.
TARGET_PORT=$REPLICA_PORT; TARGET_NAME=replica1
workload_only_reads "$SYSBENCH_WORKLOAD" || { TARGET_PORT=$PRIMARY_PORT; TARGET_NAME=primary; }
TIME=${FLOOR_TIME:-10}
ROUNDS=${FLOOR_ROUNDS:-3}
THREADS=${FLOOR_THREADS:-16}
WARMUP=${FLOOR_WARMUP:-5}
# The proxies compile their code paths during their first 20-30 s under load (.NET's tiered JIT).
PROXY_WARMUP=${FLOOR_PROXY_WARMUP:-25}
read -r -a PS_MODES <<<"${FLOOR_PS_MODES:-auto disable}"
RELAY_PORT=${FLOOR_PORT:-6140}
PROXY_PORT=$((RELAY_PORT + 1))
HTTP_PORT=$((RELAY_PORT + 2))
HAPROXY_PORT=$((RELAY_PORT + 3))
EPOLL_PORT=$((RELAY_PORT + 4))
PIPELINE_PORT=$((RELAY_PORT + 5))
PIPELINE_LANES=${FLOOR_PIPELINE_LANES:-1}
[[ $PIPELINE_LANES =~ ^[0-9]+$ ]] || die "FLOOR_PIPELINE_LANES must be a number of lanes (0: none), not '$PIPELINE_LANES'"
LANES_PORT=$((RELAY_PORT + 6))
LANES_HTTP_PORT=$((RELAY_PORT + 7))
PROXY_LANES=${FLOOR_PROXY_LANES:-1}
[[ $PROXY_LANES =~ ^[0-9]+$ ]] || die "FLOOR_PROXY_LANES must be a number of lanes (0: no lanes target), not '$PROXY_LANES'"
WITH_HAPROXY=${FLOOR_HAPROXY:-1}
TRANSPORT=${BENCH_BACKENDS:-tcp}
[[ $TRANSPORT == tcp || $TRANSPORT == socket ]] || die "BENCH_BACKENDS must be tcp or socket, not '$TRANSPORT'"
DB=sbfloor
CLK_TCK=$(getconf CLK_TCK)
OUT=$SWITCHYARD_ROOT/artifacts/bench-floor
TMP=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-floor.XXXXXX")
PIDS=()
# ---- set up -------------------------------------------------------------------------------------------------------

mkdir -p "$OUT"
point_select_setup "$REPLICA_PORT"
backend=$TARGET_PORT
if [[ $TRANSPORT == socket ]]; then
    backend=$(sql "$TARGET_PORT" -N -B -e "SELECT @@socket")
    [[ -S $backend ]] || die "$TARGET_NAME reports socket '$backend', which is not a socket on this machine"
fi
if [[ $TARGET_NAME == primary ]]; then
    log "$SYSBENCH_WORKLOAD writes: every target ends at the primary; the pipelining relay and the lanes target are left out"
    PIPELINE_LANES=0; PROXY_LANES=0
fi

[[ $WITH_HAPROXY == 1 ]] && ensure_packages haproxy
log "building (Release)"
dotnet build src/Proxy -c Release -v q -nologo >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; die "build failed"; }
dotnet build benchmarks/Switchyard.Benchmarks -c Release -v q -nologo >"$TMP/build.log" 2>&1 || { cat "$TMP/build.log" >&2; die "build failed"; }

start_relay() {   # start_relay MODE PORT [ARG...]: a Switchyard.Benchmarks relay in front of the target; its pid in STARTED_PID
    DOTNET_NOLOGO=1 dotnet benchmarks/Switchyard.Benchmarks/bin/Release/net10.0/Switchyard.Benchmarks.dll "$1" "$2" "$backend" \
        "${@:3}" >"$TMP/$1.log" 2>&1 </dev/null &
    STARTED_PID=$!; PIDS+=("$STARTED_PID")
    wait_listening "$STARTED_PID" "$2" "$TMP/$1.log" || die "the $1 did not start"
}
start_relay relay "$RELAY_PORT"; RELAY_PID=$STARTED_PID
start_relay epoll-relay "$EPOLL_PORT"; EPOLL_PID=$STARTED_PID
if ((PIPELINE_LANES > 0)); then start_relay pipeline-relay "$PIPELINE_PORT" "$PIPELINE_LANES"; PIPELINE_PID=$STARTED_PID; fi

# The proxy has the primary and replica1; the target of the others over the chosen transport.
primary=127.0.0.1:$PRIMARY_PORT replica=127.0.0.1:$REPLICA_PORT
if [[ $TRANSPORT == socket ]]; then
    if [[ $TARGET_NAME == primary ]]; then primary=$backend; else replica=$backend; fi
fi
proxy_yaml() {   # proxy_yaml PORT HTTP_PORT LANES
    cat <<YAML
listeners:
  mysql: 127.0.0.1:$1
  http: 127.0.0.1:$2
backend_credentials:
  user: switchyard
  password: switchyard
monitor:
  user: monitor
  password: monitor
routing:
  pipelined_lanes: $3
YAML
    users_and_backends_yaml "$primary" "$replica"
}
proxy_yaml "$PROXY_PORT" "$HTTP_PORT" 0 >"$TMP/switchyard.yaml"
launch_proxy src/Proxy/bin/Release/net10.0/switchyard.dll "$TMP/switchyard.yaml" "$TMP/proxy.log" "$PROXY_PORT"
PIDS+=("$PROXY_PID")

TARGETS=(direct relay epoll)
declare -A PORT_OF=([direct]=$TARGET_PORT [relay]=$RELAY_PORT [epoll]=$EPOLL_PORT [proxy]=$PROXY_PORT)
declare -A PID_OF=([relay]=$RELAY_PID [epoll]=$EPOLL_PID [proxy]=$PROXY_PID)
if ((PIPELINE_LANES > 0)); then
    TARGETS+=(pipeline)
    PORT_OF[pipeline]=$PIPELINE_PORT; PID_OF[pipeline]=$PIPELINE_PID
fi
if [[ $WITH_HAPROXY == 1 ]]; then
    # One thread, as the proxy's one socket-engine thread; a backend path is a Unix socket to HAProxy as well.
    cat >"$TMP/haproxy.cfg" <<CFG
global
    nbthread 1
    maxconn 4000
defaults
    mode tcp
    timeout connect 2s
    timeout client 1h
    timeout server 1h
listen mysql
    bind 127.0.0.1:$HAPROXY_PORT
    server $TARGET_NAME $([[ $TRANSPORT == socket ]] && echo "$backend" || echo "127.0.0.1:$TARGET_PORT")
CFG
    haproxy -db -f "$TMP/haproxy.cfg" >"$TMP/haproxy.log" 2>&1 </dev/null &
    HAPROXY_PID=$!; PIDS+=("$HAPROXY_PID")
    wait_listening "$HAPROXY_PID" "$HAPROXY_PORT" "$TMP/haproxy.log" || die "HAProxy did not start"
    TARGETS+=(haproxy)
    PORT_OF[haproxy]=$HAPROXY_PORT; PID_OF[haproxy]=$HAPROXY_PID
fi
TARGETS+=(proxy)
if ((PROXY_LANES > 0)); then
    proxy_yaml "$LANES_PORT" "$LANES_HTTP_PORT" "$PROXY_LANES" >"$TMP/switchyard-lanes.yaml"
    launch_proxy src/Proxy/bin/Release/net10.0/switchyard.dll "$TMP/switchyard-lanes.yaml" "$TMP/proxy-lanes.log" "$LANES_PORT"
    PIDS+=("$PROXY_PID")
    TARGETS+=(lanes)
    PORT_OF[lanes]=$LANES_PORT; PID_OF[lanes]=$PROXY_PID
fi

# ---- measure ------------------------------------------------------------------------------------------------------

: >"$OUT/runs.tsv"

for ps in "${PS_MODES[@]}"; do
    for target in "${TARGETS[@]}"; do
        warmup=$WARMUP; [[ $target == proxy || $target == lanes ]] && warmup=$PROXY_WARMUP
        sysbench_run "${PORT_OF[$target]}" "$ps" "$warmup" >/dev/null
    done
    for round in $(seq 1 "$ROUNDS"); do
        for target in "${TARGETS[@]}"; do
            before="0 0"; [[ -n ${PID_OF[$target]:-} ]] && { before=$(cpu_ticks "${PID_OF[$target]}") || die "$target exited"; }
            read -r queries qps p95 < <(sysbench_run "${PORT_OF[$target]}" "$ps" "$TIME")
            after="0 0"; [[ -n ${PID_OF[$target]:-} ]] && { after=$(cpu_ticks "${PID_OF[$target]}") || die "$target exited"; }
            line=$(awk -v b="$before" -v a="$after" -v q="$queries" -v hz="$CLK_TCK" 'BEGIN {
                split(b, x, " "); split(a, y, " ");
                u = (y[1] - x[1]) * 1e6 / hz / q; k = (y[2] - x[2]) * 1e6 / hz / q
                printf "%.1f\t%.1f\t%.1f", u, k, u + k }')
            printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$ps" "$round" "$target" "$qps" "$line" "$p95" >>"$OUT/runs.tsv"
            log "$ps round $round $target: qps=$qps p95=${p95} ms${PID_OF[$target]:+ cpu user/kernel/total µs per statement: $(tr '\t' '/' <<<"$line")}"
        done
    done
done

# ---- report: medians over the rounds; ratios are taken per round against that round's direct run --------------------

{
    echo
    echo "Switchyard floor: $SYSBENCH_WORKLOAD${SYSBENCH_OPTS:+ ($SYSBENCH_OPTS)}, $THREADS threads, $TIME s x $ROUNDS rounds, $(nproc) CPUs; ${TARGETS[*]:1} reach $TARGET_NAME over $TRANSPORT"
    echo
    awk -F'\t' -v targets="${TARGETS[*]}" '
        function median(list,   n, v, i, j, t) {
            n = split(list, v, " ")
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] + 0 < v[i] + 0) { t = v[i]; v[i] = v[j]; v[j] = t }
            return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
        }
        { key = $1 SUBSEP $3; qps[key] = qps[key] " " $4; usr[key] = usr[key] " " $5; sys[key] = sys[key] " " $6; tot[key] = tot[key] " " $7; p95[key] = p95[key] " " $8
          if ($3 == "direct") d[$1, $2] = $4; else ratio[key] = ratio[key] " " ($4 / d[$1, $2])
          if (!($1 in seen)) { seen[$1] = 1; modes[++m] = $1 } }
        END {
            printf "%-8s %-8s %11s %9s %13s %17s %15s %15s\n", "ps", "target", "qps", "p95 ms", "ratio/direct", "CPU µs/stmt", "user µs", "kernel µs"
            for (i = 1; i <= m; i++) {
                nt = split(targets, ts, " ")
                for (k = 1; k <= nt; k++) {
                    key = modes[i] SUBSEP ts[k]
                    if (ts[k] == "direct") printf "%-8s %-8s %11.0f %9.2f %13s %17s %15s %15s\n", modes[i], ts[k], median(qps[key]), median(p95[key]), "1", "-", "-", "-"
                    else printf "%-8s %-8s %11.0f %9.2f %13.2f %17.1f %15.1f %15.1f\n", modes[i], ts[k], median(qps[key]), median(p95[key]), median(ratio[key]),
                        median(tot[key]), median(usr[key]), median(sys[key])
                }
            }
        }' "$OUT/runs.tsv"
} | tee "$OUT/table.txt"
log "runs in $OUT/runs.tsv"
