#!/usr/bin/env bash
# Three-node MariaDB Galera cluster on loopback, for development and the Galera integration tests:
#   n1  127.0.0.1:${SWITCHYARD_GALERA_PORT1:-6316}  server-id 11, group port ${SWITCHYARD_GALERA_GROUP1:-4567}, SST ${SWITCHYARD_GALERA_SST1:-4444}
#   n2  127.0.0.1:${SWITCHYARD_GALERA_PORT2:-6317}  server-id 12, group port ${SWITCHYARD_GALERA_GROUP2:-4577}, SST ${SWITCHYARD_GALERA_SST2:-4454}
#   n3  127.0.0.1:${SWITCHYARD_GALERA_PORT3:-6318}  server-id 13, group port ${SWITCHYARD_GALERA_GROUP3:-4587}, SST ${SWITCHYARD_GALERA_SST3:-4464}
# (IST listens on the group port + 1.)
#
# Usage: scripts/galera.sh up|down|status|stop NODE
#   up      with no node running: a fresh cluster (n1 bootstraps it, n2 and n3 join by rsync SST, one after the other,
#           each once the previous is Synced), users app/app, monitor/monitor and switchyard/switchyard created once
#           on n1 (they replicate through Galera). With some nodes running: starts only the missing ones, which
#           rejoin the running cluster (by IST when their data is recent enough).
#   down    stops the nodes this script started (pid files in the state dir), never any other mariadbd
#   status  one line per node with its wsrep_local_state_comment; exit 0 when all three are Synced, else 3
#   stop N  SIGTERM to one node (n1, n2 or n3) and wait until it has exited; `up` starts it again
#
# State lives in ${SWITCHYARD_GALERA_DIR:-<repo>/.galera} (gitignored), owned by the mysql user: rsync SST fails
# when the server runs as root (the joiner's rsync daemon drops to nobody), so the nodes run with --user=mysql.
#   template/    datadir made once by mariadb-install-db --user=mysql and copied for each fresh node
#   nI/          the node's datadir (socket, error.log, grastate.dat); nI.cnf its option file; nI.pid our pid
# The cluster's data is disposable test state: `up` after `down` starts from empty datadirs.
# Recipes and timings come from shared/notes/mariadb-on-loopback.md (section Galera).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

STATE_DIR=${SWITCHYARD_GALERA_DIR:-$SWITCHYARD_ROOT/.galera}
CLUSTER_NAME=${SWITCHYARD_GALERA_CLUSTER:-switchyard}
SYNC_TIMEOUT=${SWITCHYARD_GALERA_TIMEOUT:-60}   # seconds for one node to start and become Synced
STOP_TIMEOUT=30                                 # seconds between SIGTERM and SIGKILL
PROVIDER=/usr/lib/galera/libgalera_smm.so
NODES=(n1 n2 n3)
PATH=$PATH:/usr/sbin

port_of()  { case $1 in n1) echo "${SWITCHYARD_GALERA_PORT1:-6316}";; n2) echo "${SWITCHYARD_GALERA_PORT2:-6317}";; n3) echo "${SWITCHYARD_GALERA_PORT3:-6318}";; esac; }
group_of() { case $1 in n1) echo "${SWITCHYARD_GALERA_GROUP1:-4567}";; n2) echo "${SWITCHYARD_GALERA_GROUP2:-4577}";; n3) echo "${SWITCHYARD_GALERA_GROUP3:-4587}";; esac; }
sst_of()   { case $1 in n1) echo "${SWITCHYARD_GALERA_SST1:-4444}";; n2) echo "${SWITCHYARD_GALERA_SST2:-4454}";; n3) echo "${SWITCHYARD_GALERA_SST3:-4464}";; esac; }
server_id_of() { echo "1${1#n}"; }


# The node's own option file on the command line: a recycled pid belonging to something else does not match.
our_pid() { recorded_pid "$1" "mariadbd --defaults-file=$STATE_DIR/$1.cnf "; }

# A wsrep status variable of the node on port $1 (empty when it does not answer).
wsrep() {
    { sql "$1" --connect-timeout=2 -N -B -e "SHOW GLOBAL STATUS LIKE '$2'" 2>/dev/null || true; } | awk '{ print $2 }'
}

# ---- up ---------------------------------------------------------------------------------------------

ensure_installed() {
    if ! command -v mariadbd >/dev/null || ! command -v mariadb >/dev/null || [[ ! -e $PROVIDER ]] || ! command -v rsync >/dev/null; then
        ensure_packages mariadb-server mariadb-client galera-4 rsync
    fi
    id mysql >/dev/null 2>&1 || die "the mysql user does not exist (it comes with the mariadb-server package)"
    [[ $(id -u) -eq 0 ]] || die "run as root: the nodes run as the mysql user (rsync SST does not work for a server running as root)"
}

ensure_state_dir() {
    mkdir -p "$STATE_DIR"
    chown mysql:mysql "$STATE_DIR"
    # The mysql user must reach its datadirs from / (every parent folder searchable by others).
    su -s /bin/sh mysql -c "test -w '$STATE_DIR'" || die "$STATE_DIR is not writable by the mysql user (a parent folder may not be searchable by others)"
}

ensure_template() {
    [[ -d $STATE_DIR/template ]] && return 0
    local tmp="$STATE_DIR/template.tmp.$$"
    log "creating template datadir (once)"
    rm -rf "$tmp"
    mariadb-install-db --no-defaults --user=mysql --datadir="$tmp" --auth-root-authentication-method=normal \
        --skip-test-db --innodb-log-file-size=8M >"$STATE_DIR/template.log" 2>&1 \
        || { tail -20 "$STATE_DIR/template.log" >&2; die "mariadb-install-db failed"; }
    mv "$tmp" "$STATE_DIR/template"
}

# An option file per node rather than --no-defaults: the SST scripts are handed --defaults-file and read their
# settings from it (without one they fall back to /etc/mysql/my.cnf).
write_cnf() {
    local name=$1 d=$STATE_DIR/$1 group sst addresses="" n
    group=$(group_of "$name"); sst=$(sst_of "$name")
    for n in "${NODES[@]}"; do addresses+="${addresses:+,}127.0.0.1:$(group_of "$n")"; done
    cat >"$STATE_DIR/$name.cnf" <<CNF
[mysqld]
user=mysql
datadir=$d
port=$(port_of "$name")
bind-address=127.0.0.1
socket=$d/sock
pid-file=$d/mariadbd.pid
log-error=$d/error.log
server-id=$(server_id_of "$name")
skip-name-resolve
innodb-buffer-pool-size=64M
innodb-log-file-size=8M
innodb-flush-log-at-trx-commit=2
innodb-autoinc-lock-mode=2
default-storage-engine=InnoDB
binlog-format=ROW
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
max-connections=500
performance-schema=OFF
log-bin-trust-function-creators=1
wsrep-on=ON
wsrep-provider=$PROVIDER
wsrep-cluster-name=$CLUSTER_NAME
wsrep-cluster-address=gcomm://$addresses
wsrep-node-name=$name
wsrep-node-address=127.0.0.1:$group
wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:$group;ist.recv_addr=127.0.0.1:$((group + 1));gcache.size=32M
wsrep-sst-receive-address=127.0.0.1:$sst
wsrep-sst-method=rsync
CNF
    chown mysql:mysql "$STATE_DIR/$name.cnf"
}

start_node() {
    local name=$1 bootstrap=$2 port d
    port=$(port_of "$name"); d=$STATE_DIR/$name
    local p
    for p in "$port" "$(group_of "$name")" "$(sst_of "$name")"; do
        port_open "$p" && die "127.0.0.1:$p ($name) is already taken by a process this script did not start; stop it or set SWITCHYARD_GALERA_PORT*/GROUP*/SST*"
    done
    [[ -d $d ]] || cp -a "$STATE_DIR/template" "$d"
    write_cnf "$name"
    local extra=()
    [[ $bootstrap == 1 ]] && extra+=(--wsrep-new-cluster)
    # setsid: its own session, so a Ctrl-C where `up` ran does not reach the node; $! is mariadbd's own pid.
    setsid mariadbd --defaults-file="$STATE_DIR/$name.cnf" "${extra[@]}" >>"$d.out" 2>&1 </dev/null &
    echo $! >"$(pid_file "$name")"
    log "started $name on 127.0.0.1:$port (pid $!)${extra:+ bootstrapping a new cluster}"
}

wait_synced() {
    local name=$1 port deadline=$((SECONDS + SYNC_TIMEOUT)) state="" pid
    port=$(port_of "$name"); pid=$(<"$(pid_file "$name")")
    while :; do
        # Alive by pid, not by our_pid: right after the start the child may not have exec'd mariadbd yet.
        [[ -e /proc/$pid ]] || { tail -30 "$STATE_DIR/$name/error.log" >&2 || true; die "$name exited during start-up"; }
        state=$(wsrep "$port" wsrep_local_state_comment)
        [[ $state == Synced ]] && return 0
        ((SECONDS < deadline)) || { tail -30 "$STATE_DIR/$name/error.log" >&2 || true; die "$name not Synced within ${SYNC_TIMEOUT}s (state: ${state:-no answer})"; }
        sleep 0.1
    done
}

setup_users() {
    sql "$1" <<SQL
CREATE DATABASE IF NOT EXISTS test;
$(app_users_sql)
SQL
}

cmd_up() {
    local t0 name running=()
    t0=$(now_ms)
    for name in "${NODES[@]}"; do our_pid "$name" >/dev/null && running+=("$name"); done
    ensure_installed
    ensure_state_dir
    ensure_template
    if [[ ${#running[@]} -eq 0 ]]; then
        # Nothing runs: a fresh cluster from the template (old datadirs would need to find the node that is safe to
        # bootstrap from; this is test state, so it is not worth it).
        for name in "${NODES[@]}"; do rm -rf "${STATE_DIR:?}/$name" "$STATE_DIR/$name.out"; done
        start_node n1 1
        wait_synced n1
        setup_users "$(port_of n1)"
        for name in n2 n3; do start_node "$name" 0; wait_synced "$name"; done
    else
        for name in "${NODES[@]}"; do
            our_pid "$name" >/dev/null && continue
            start_node "$name" 0
            wait_synced "$name"
        done
    fi
    cmd_status || true
    log "galera cluster up in $(elapsed "$t0")"
}

# ---- down / stop --------------------------------------------------------------------------------------

cmd_down() {
    local t0; t0=$(now_ms)
    stop_instances "${NODES[@]}"
    log "down: stopped $STOPPED node(s) in $(elapsed "$t0")"
}

cmd_stop() {
    local name=${1:-} t0
    [[ $name == n1 || $name == n2 || $name == n3 ]] || die "usage: $0 stop n1|n2|n3"
    t0=$(now_ms)
    stop_instances "$name"
    log "stopped $STOPPED node ($name) in $(elapsed "$t0")"
}

# ---- status -------------------------------------------------------------------------------------------

cmd_status() {
    local name port pid ok=0 state size
    for name in "${NODES[@]}"; do
        port=$(port_of "$name")
        if pid=$(our_pid "$name"); then
            state=$(wsrep "$port" wsrep_local_state_comment); size=$(wsrep "$port" wsrep_cluster_size)
            printf '%-3s port=%s pid=%-7s alive wsrep_local_state_comment=%s cluster_size=%s\n' "$name" "$port" "$pid" "${state:-?}" "${size:-?}"
            [[ $state == Synced ]] || ok=3
        else
            printf '%-3s port=%s pid=%-7s dead\n' "$name" "$port" -
            ok=3
        fi
    done
    return $ok
}

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    stop) cmd_stop "${2:-}" ;;
    *) echo "usage: $0 up|down|status|stop n1|n2|n3" >&2; exit 2 ;;
esac
