#!/usr/bin/env bash
# Run it: the loopback cluster plus the proxy in the foreground on 127.0.0.1:6033.
#   scripts/demo.sh [extra proxy arguments]
# Ctrl-C stops the proxy, then the cluster, but the cluster only if this script started it
# (SWITCHYARD_KEEP_CLUSTER=1 keeps it anyway).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$SWITCHYARD_ROOT"

CONFIG=${SWITCHYARD_CONFIG:-config/switchyard.yaml}
[[ -f $CONFIG ]] || die "$CONFIG not found (the proxy's configuration)"

started_cluster=0
scripts/cluster.sh status >/dev/null 2>&1 || started_cluster=1
cleanup() {
    if [[ $started_cluster -eq 1 && ${SWITCHYARD_KEEP_CLUSTER:-0} != 1 ]]; then
        scripts/cluster.sh down || true
    fi
}
trap cleanup EXIT
# Ctrl-C reaches the proxy (same foreground process group) and this script alike; bash waits for the
# proxy to finish, then this trap turns the interrupt into a normal exit so the EXIT trap runs.
trap 'exit 130' INT TERM
scripts/cluster.sh up

cat <<EOF

  Switchyard on 127.0.0.1:6033 (primary 127.0.0.1:${SWITCHYARD_PRIMARY_PORT:-3306}, replicas ${SWITCHYARD_REPLICA1_PORT:-3307} and ${SWITCHYARD_REPLICA2_PORT:-3308})
  Connect with:   mariadb -h127.0.0.1 -P6033 -uapp -papp
  Stop with:      Ctrl-C

EOF
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Not exec: the script has to outlive the proxy to stop the cluster afterwards.
dotnet run --project src/Proxy -c Release -- --config "$CONFIG" "$@"
