#!/usr/bin/env bash
# Two proxies of the shipped configuration (config/switchyard.yaml), A and B, measured against each other: sysbench
# runs on A and on B alternate in ABBA order (A B, B A, A B, ...), and for each pair the script takes the difference
# B - A of the proxy CPU time per statement (utime+stime from /proc/PID/stat over sysbench's query count). On a shared
# 2-core machine one run's figure swings by ±15 % with the minute it ran in; neighbouring runs share the minute, so the
# mean of the paired differences, with its standard error, is what tells a change from noise. The same is printed for
# the CPU the three MariaDB servers spent per statement, which a proxy change can raise or lower as well.
#
#   scripts/bench-ab.sh                    A: every connection on .NET's socket engine (SWITCHYARD_SOCKET_ENGINE=dotnet),
#                                          B: the default (the proxy's own loop, README "Running the proxy")
#   AB_WORKLOAD=oltp_read_write scripts/bench-ab.sh
# Two builds instead (A the one before a change):
#   git worktree add /tmp/before REV && dotnet build /tmp/before/src/Proxy -c Release -o /tmp/before-bin
#   AB_A_DLL=/tmp/before-bin/switchyard.dll AB_A_ENV= scripts/bench-ab.sh
# Settings: AB_WORKLOAD (oltp_point_select; any oltp_* workload, the tables are the same) with AB_SYSBENCH_OPTS,
# AB_PS (auto | disable), AB_THREADS (16), AB_PAIRS (10), AB_TIME (5 s per run), AB_WARMUP (8 s per proxy),
# AB_A_DLL / AB_B_DLL (this checkout's Release build), AB_A_ENV ("SWITCHYARD_SOCKET_ENGINE=dotnet") / AB_B_ENV (""):
# environment assignments for each proxy, AB_A_CONFIG / AB_B_CONFIG (config/switchyard.yaml): each proxy's configuration
# (its listeners are replaced), AB_PORT (6160: A; +1 its HTTP, +2 B, +3 its HTTP).
# Needs the cluster of scripts/cluster.sh (started if nothing answers, and stopped again on exit).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
source "$(dirname "${BASH_SOURCE[0]}")/lib/point-select.sh"
cd "$SWITCHYARD_ROOT"

SYSBENCH_WORKLOAD=${AB_WORKLOAD:-oltp_point_select}
SYSBENCH_OPTS=${AB_SYSBENCH_OPTS:-}
PS=${AB_PS:-auto}
THREADS=${AB_THREADS:-16}
PAIRS=${AB_PAIRS:-10}
TIME=${AB_TIME:-5}
WARMUP=${AB_WARMUP:-8}
A_PORT=${AB_PORT:-6160}
B_PORT=$((A_PORT + 2))
BUILT_DLL=src/Proxy/bin/Release/net10.0/switchyard.dll
A_DLL=${AB_A_DLL:-$BUILT_DLL}
B_DLL=${AB_B_DLL:-$BUILT_DLL}
A_ENV=${AB_A_ENV-SWITCHYARD_SOCKET_ENGINE=dotnet}
B_ENV=${AB_B_ENV:-}
A_CONFIG=${AB_A_CONFIG:-config/switchyard.yaml}
B_CONFIG=${AB_B_CONFIG:-config/switchyard.yaml}
DB=sbab
CLK_TCK=$(getconf CLK_TCK)
[[ $PAIRS =~ ^[0-9]+$ && $PAIRS -ge 2 ]] || die "AB_PAIRS must be a number of pairs, at least 2"

TMP=$(mktemp -d)
PIDS=()
point_select_setup "$REPLICA1_PORT" "$REPLICA2_PORT"

if [[ $A_DLL == "$BUILT_DLL" || $B_DLL == "$BUILT_DLL" ]]; then
    log "building (Release)"
    dotnet build src/Proxy/Switchyard.Proxy.csproj -c Release -v q -nologo >"$TMP/build.log" 2>&1 || { tail -20 "$TMP/build.log" >&2; die "build failed"; }
fi

# start_proxy NAME DLL ENV PORT CONFIG: CONFIG on PORT (HTTP on PORT+1); its pid in PROXY_PID.
start_proxy() {
    local name=$1 dll=$2 env_text=$3 port=$4 config=$5 assignments
    port_open "$port" && die "127.0.0.1:$port is already in use; set AB_PORT"
    with_listeners "$config" "127.0.0.1:$port" "127.0.0.1:$((port + 1))" >"$TMP/$name.yaml"
    read -r -a assignments <<<"$env_text"
    launch_proxy "$dll" "$TMP/$name.yaml" "$TMP/$name.log" "$port" "${assignments[@]}"
    PIDS+=("$PROXY_PID")
    log "proxy $name: $dll${env_text:+ with $env_text} on $port (pid $PROXY_PID)"
}
start_proxy A "$A_DLL" "$A_ENV" "$A_PORT" "$A_CONFIG"; A_PID=$PROXY_PID
start_proxy B "$B_DLL" "$B_ENV" "$B_PORT" "$B_CONFIG"; B_PID=$PROXY_PID
log "warming up both proxies ($WARMUP s each)"
sysbench_run "$A_PORT" "$PS" "$WARMUP" >/dev/null
sysbench_run "$B_PORT" "$PS" "$WARMUP" >/dev/null

# The three servers: what a proxy change costs or saves them shows in their CPU per statement too.
SERVER_PIDS=()
for port in "$PRIMARY_PORT" "$REPLICA1_PORT" "$REPLICA2_PORT"; do SERVER_PIDS+=("$(server_pid "$port")"); done

measure() {   # measure PORT PID: prints "total_us user_us kernel_us qps servers_us" per statement
    local before after servers_before servers_after queries qps
    before=$(cpu_ticks "$2") || die "the proxy on $1 is gone"; servers_before=$(total_ticks "${SERVER_PIDS[@]}")
    read -r queries qps _ < <(sysbench_run "$1" "$PS" "$TIME")
    after=$(cpu_ticks "$2") || die "the proxy on $1 is gone"; servers_after=$(total_ticks "${SERVER_PIDS[@]}")
    awk -v b="$before" -v a="$after" -v sb="$servers_before" -v sa="$servers_after" -v q="$queries" -v qps="$qps" -v hz="$CLK_TCK" 'BEGIN {
        split(b, x, " "); split(a, y, " "); u = (y[1] - x[1]) * 1e6 / hz / q; k = (y[2] - x[2]) * 1e6 / hz / q
        printf "%.2f %.2f %.2f %.0f %.2f\n", u + k, u, k, qps, (sa - sb) * 1e6 / hz / q }'
}

describe() {   # describe "total user kernel qps servers": one proxy's side of a pair, for the log
    awk '{ printf "%.1f µs/stmt (user %.1f, kernel %.1f), %s qps, servers %.1f µs/stmt", $1, $2, $3, $4, $5 }' <<<"$1"
}

log "$PAIRS pairs of $TIME s runs, $SYSBENCH_WORKLOAD, ps $PS, $THREADS threads"
: >"$TMP/pairs"
for ((i = 1; i <= PAIRS; i++)); do
    if ((i % 2)); then a=$(measure "$A_PORT" "$A_PID"); b=$(measure "$B_PORT" "$B_PID")
    else b=$(measure "$B_PORT" "$B_PID"); a=$(measure "$A_PORT" "$A_PID"); fi
    echo "$a $b" >>"$TMP/pairs"
    log "pair $i: A $(describe "$a")  B $(describe "$b")"
done

echo
echo "Switchyard A/B: $SYSBENCH_WORKLOAD, ps $PS, $THREADS threads, $PAIRS ABBA pairs of $TIME s"
echo "  A: $A_DLL${A_ENV:+ with $A_ENV}, $A_CONFIG"
echo "  B: $B_DLL${B_ENV:+ with $B_ENV}, $B_CONFIG"
# Columns of a pair: A's total user kernel qps servers, then B's; rows: the proxy's total, user and kernel CPU and
# the servers' CPU, each per statement.
awk '{ n++; split("1 2 3 5", col, " "); for (j = 1; j <= 4; j++) { c = col[j]; d = $(c + 5) - $c; s[j] += d; ss[j] += d * d; ma[j] += $c; mb[j] += $(c + 5) } r += $9 / $4 }
     END {
        split("total user kernel servers", name, " ")
        printf "%-8s %12s %12s %22s\n", "CPU", "A µs/stmt", "B µs/stmt", "B - A (± std. error)"
        for (j = 1; j <= 4; j++) {
            m = s[j] / n; se = sqrt((ss[j] - n * m * m) / (n - 1) / n)
            printf "%-8s %12.1f %12.1f %14.2f ± %.2f\n", name[j], ma[j] / n, mb[j] / n, m, se
        }
        printf "throughput B/A (mean of the pairs): %.3f\n", r / n }' "$TMP/pairs"
