#!/usr/bin/env bash
# The health monitor's CPU cost: the proxy idle (no clients) for SECONDS with the monitor off, on, and on with the
# heartbeat, each a fresh process; its CPU time (utime+stime from /proc) is compared and divided by the number of
# backends and seconds. Needs a running cluster (scripts/cluster.sh up, same SWITCHYARD_*_PORT variables).
#   SWITCHYARD_PRIMARY_PORT=4306 SWITCHYARD_REPLICA1_PORT=4307 SWITCHYARD_REPLICA2_PORT=4308 \
#     [WARMUP=20] scripts/measure-monitor-cpu.sh [SECONDS=20] [INTERVAL=500ms]   (WARMUP: seconds before measuring)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SWITCHYARD_ROOT"

SECONDS_TO_MEASURE=${1:-20}
INTERVAL=${2:-500ms}
BACKENDS=3
PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
REPLICA1_PORT=${SWITCHYARD_REPLICA1_PORT:-3307}
REPLICA2_PORT=${SWITCHYARD_REPLICA2_PORT:-3308}
BINARY=src/Proxy/bin/Release/net10.0/switchyard.dll
[[ -f $BINARY ]] || die "$BINARY missing: dotnet build Switchyard.sln -c Release"
scripts/cluster.sh status >/dev/null || die "the cluster is not running (scripts/cluster.sh up)"
TICKS=$(getconf CLK_TCK)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Prints the CPU seconds the proxy used over the measurement, with monitor settings $1 (enabled) and $2 (heartbeat).
measure() {
    local config=$WORK/config-$1-$2.yaml mysql http pid
    mysql=$(free_port); http=$(free_port)
    cat >"$config" <<YAML
listeners:
  mysql: 127.0.0.1:$mysql
  http: 127.0.0.1:$http
logging:
  level: warning
backend_credentials:
  user: switchyard
  password: switchyard
pool:
  min_idle: 0
monitor:
  enabled: $1
  interval: $INTERVAL
  user: monitor
  password: monitor
  heartbeat:
    enabled: $2
YAML
    cluster_users_and_backends_yaml >>"$config"
    launch_proxy "$BINARY" "$config" "$WORK/proxy.log" "$mysql"
    pid=$PROXY_PID
    sleep "${WARMUP:-20}" # let start-up (JIT, first checks) finish before measuring
    local before after
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$SECONDS_TO_MEASURE"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill -TERM "$pid"; wait "$pid" || true
    awk -v t="$TICKS" -v a="$after" -v b="$before" 'BEGIN { printf "%.3f", (a - b) / t }'
}

off=$(measure false false)
on=$(measure true false)
beat=$(measure true true)
awk -v off="$off" -v on="$on" -v beat="$beat" -v s="$SECONDS_TO_MEASURE" -v n="$BACKENDS" -v i="$INTERVAL" 'BEGIN {
    printf "idle proxy, %d s, %d backends, monitor interval %s\n", s, n, i
    printf "  monitor off:              %.3f s CPU\n", off
    printf "  monitor on:               %.3f s CPU\n", on
    printf "  monitor on + heartbeat:   %.3f s CPU\n", beat
    printf "  monitor cost:             %.2f ms CPU per backend per second (%.3f%% of one core per backend)\n", (on - off) * 1000 / n / s, (on - off) * 100 / n / s
    printf "  with heartbeat (100 ms):  %.2f ms CPU per backend per second\n", (beat - off) * 1000 / n / s
}'
