#!/usr/bin/env bash
# Private MariaDB 10.11 cluster on loopback for development and tests:
#   primary  127.0.0.1:${SWITCHYARD_PRIMARY_PORT:-3306}   server-id 1
#   replica1 127.0.0.1:${SWITCHYARD_REPLICA1_PORT:-3307}  server-id 2, read-only, GTID replication from primary
#   replica2 127.0.0.1:${SWITCHYARD_REPLICA2_PORT:-3308}  server-id 3, read-only, GTID replication from primary
#
# Usage: scripts/cluster.sh up|down|status|wipe
#   up      start what is not running, set up users and replication, wait until the replicas have caught up
#   down    stop the instances this script started (pid files in the state dir), never any other mariadbd
#   status  one line per instance; exit 0 when all three run and both replicas replicate, else 3
#   wipe    down, then delete the instance datadirs (the cached template stays) for a run from clean data
#
# State lives in ${SWITCHYARD_CLUSTER_DIR:-<repo>/.cluster} (gitignored):
#   template/        datadir made once by mariadb-install-db and copied for each instance (copy ~0.15 s)
#   <name>/          the instance's datadir, also holding its socket, error.log and the server's own pid file
#   <name>.pid       the pid this script started; `down` trusts only these, and checks the command line too
# Recipes and timings come from shared/notes/mariadb-on-loopback.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

PRIMARY_PORT=${SWITCHYARD_PRIMARY_PORT:-3306}
REPLICA1_PORT=${SWITCHYARD_REPLICA1_PORT:-3307}
REPLICA2_PORT=${SWITCHYARD_REPLICA2_PORT:-3308}
STATE_DIR=${SWITCHYARD_CLUSTER_DIR:-$SWITCHYARD_ROOT/.cluster}
START_TIMEOUT=${SWITCHYARD_CLUSTER_TIMEOUT:-30}   # seconds for ping and for replication to catch up
STOP_TIMEOUT=20                                   # seconds between SIGTERM and SIGKILL
INSTANCES=(primary replica1 replica2)
PATH=$PATH:/usr/sbin                              # mariadbd lives in /usr/sbin, not on a normal user's PATH

port_of()      { case $1 in primary) echo "$PRIMARY_PORT";; replica1) echo "$REPLICA1_PORT";; replica2) echo "$REPLICA2_PORT";; esac; }
server_id_of() { case $1 in primary) echo 1;; replica1) echo 2;; replica2) echo 3;; esac; }
role_of()      { [[ $1 == primary ]] && echo primary || echo replica; }

# ---- pid bookkeeping --------------------------------------------------------------------------------

# Checking the command line guards against a recycled pid belonging to something else.
our_pid() { recorded_pid "$1" "mariadbd.* --datadir=$STATE_DIR/$1 "; }

# ---- up ---------------------------------------------------------------------------------------------

ensure_server_installed() {
    command -v mariadbd >/dev/null && command -v mariadb >/dev/null && return 0
    ensure_packages mariadb-server mariadb-client
}

# One template datadir, made once and cached: mariadb-install-db takes 1-4.5 s, a copy 0.15 s.
ensure_template() {
    [[ -d $STATE_DIR/template ]] && return 0
    local tmp="$STATE_DIR/template.tmp.$$"
    log "creating template datadir (once)"
    rm -rf "$tmp"
    # normal auth for root: root@localhost and root@127.0.0.1 without password, usable over TCP.
    mariadb-install-db --no-defaults "${USER_OPT[@]}" --datadir="$tmp" --auth-root-authentication-method=normal \
        --skip-test-db --innodb-log-file-size=8M >"$STATE_DIR/template.log" 2>&1 \
        || { tail -20 "$STATE_DIR/template.log" >&2; die "mariadb-install-db failed"; }
    mv "$tmp" "$STATE_DIR/template"   # rename last, so an interrupted run never leaves a half template
}

start_instance() {
    local name=$1 port d
    port=$(port_of "$name"); d=$STATE_DIR/$name
    our_pid "$name" >/dev/null && return 0
    # Something else on the port (another cluster dir, a packaged mariadb service): say so plainly
    # instead of letting mariadbd die on bind.
    if port_open "$port"; then
        die "127.0.0.1:$port is already taken by a process this script did not start; stop it or set SWITCHYARD_$(echo "${name^^}")_PORT"
    fi
    [[ -d $d ]] || cp -a "$STATE_DIR/template" "$d"
    local extra=()
    [[ $(role_of "$name") == replica ]] && extra+=(--read-only=1)
    # setsid: the server gets its own session, so a Ctrl-C in the terminal that ran `up` (or demo.sh)
    # does not reach it; only `down` stops it. In a non-interactive shell the background child is not
    # a process-group leader, so setsid execs in place and $! is mariadbd's own pid.
    setsid mariadbd --no-defaults "${USER_OPT[@]}" --datadir="$d" --port="$port" --bind-address=127.0.0.1 \
        --socket="$d/sock" --pid-file="$d/mariadbd.pid" --log-error="$d/error.log" \
        --server-id="$(server_id_of "$name")" --skip-name-resolve \
        --innodb-buffer-pool-size=64M --innodb-log-file-size=8M \
        --innodb-flush-log-at-trx-commit=2 --sync-binlog=0 \
        --log-bin=mysql-bin --log-slave-updates --binlog-format=ROW --gtid-strict-mode=1 --relay-log=relay-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
        --max-connections=1000 --max-allowed-packet=256M --local-infile=1 --performance-schema=OFF \
        --log-bin-trust-function-creators=1 "${extra[@]}" \
        >>"$d.out" 2>&1 </dev/null &
    echo $! >"$(pid_file "$name")"
    log "started $name on 127.0.0.1:$port (pid $!)"
}

# Wait until every instance answers ping; fail fast with its error log if one dies meanwhile.
wait_ping() {
    local deadline=$((SECONDS + START_TIMEOUT)) name pending
    while :; do
        pending=()
        for name in "${INSTANCES[@]}"; do
            our_pid "$name" >/dev/null || { tail -20 "$STATE_DIR/$name/error.log" >&2 || true; die "$name exited during start-up"; }
            mariadb-admin --no-defaults --protocol=tcp -h127.0.0.1 -P"$(port_of "$name")" -uroot \
                --connect-timeout=2 ping >/dev/null 2>&1 || pending+=("$name")
        done
        [[ ${#pending[@]} -eq 0 ]] && return 0
        ((SECONDS < deadline)) || die "no answer to ping within ${START_TIMEOUT}s from: ${pending[*]}"
        sleep 0.1
    done
}

# Users and databases, created on the primary so that they replicate. Idempotent: safe on every `up`.
setup_primary() {
    sql "$PRIMARY_PORT" <<SQL
CREATE DATABASE IF NOT EXISTS test;
CREATE DATABASE IF NOT EXISTS switchyard_heartbeat;
$(app_users_sql)
GRANT SELECT, INSERT, UPDATE, CREATE ON switchyard_heartbeat.* TO 'monitor'@'%';
SQL
}

# The replication user exists on every instance but is kept out of the binlog (sql_log_bin=0, as the
# notes recommend): a replica can then be promoted and serve as a source without GTID surprises.
setup_repl_user() {
    sql "$1" <<'SQL'
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';
SQL
}

# `SHOW SLAVE STATUS` field $2 of the instance on port $1 (empty when replication is not configured).
slave_field() {
    # `|| true`: an instance that does not answer yields an empty value, not an aborted script.
    { sql "$1" --connect-timeout=3 -e 'SHOW SLAVE STATUS\G' 2>/dev/null || true; } \
        | awk -v f="$2" -F': ' '$1 ~ "^ *"f"$" { sub(/^[^:]*: /, ""); print; exit }'
}

setup_replica() {
    local port=$1
    # Configure (or re-point, if the primary's port changed) only when needed; a replica that was
    # restarted resumes replication by itself from its own gtid_slave_pos.
    if [[ $(slave_field "$port" Master_Port) != "$PRIMARY_PORT" ]]; then
        sql "$port" <<SQL
STOP SLAVE;
CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$PRIMARY_PORT, MASTER_USER='repl',
  MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
SQL
    fi
    sql "$port" -e 'START SLAVE' 2>/dev/null   # a no-op (note 1254) when it already runs
}

# Wait until both replicas run both threads and have applied everything the primary has binlogged.
wait_replicas() {
    local target deadline=$((SECONDS + START_TIMEOUT)) name port pending
    target=$(sql "$PRIMARY_PORT" -N -B -e 'SELECT @@gtid_binlog_pos')
    while :; do
        pending=()
        for name in replica1 replica2; do
            port=$(port_of "$name")
            if [[ $(slave_field "$port" Slave_SQL_Running) == No && -n $(slave_field "$port" Last_SQL_Error) ]]; then
                die "$name: replication SQL thread stopped: $(slave_field "$port" Last_SQL_Error)"
            fi
            [[ $(slave_field "$port" Slave_IO_Running) == Yes && $(slave_field "$port" Slave_SQL_Running) == Yes &&
               $(sql "$port" -N -B -e "SELECT MASTER_GTID_WAIT('$target', 0.2)") == 0 ]] || pending+=("$name")
        done
        [[ ${#pending[@]} -eq 0 ]] && return 0
        ((SECONDS < deadline)) || die "replication not caught up to $target within ${START_TIMEOUT}s: ${pending[*]} ($(cmd_status 2>&1 | tail -2 | tr '\n' ';'))"
        sleep 0.1
    done
}

# True when all three run and both replicas have both threads running.
healthy() {
    local name
    for name in "${INSTANCES[@]}"; do our_pid "$name" >/dev/null || return 1; done
    for name in replica1 replica2; do
        [[ $(slave_field "$(port_of "$name")" Slave_IO_Running) == Yes &&
           $(slave_field "$(port_of "$name")" Slave_SQL_Running) == Yes ]] || return 1
    done
}

cmd_up() {
    local t0; t0=$(now_ms)
    if healthy; then
        cmd_status
        log "already up and replicating ($(elapsed "$t0"))"
        return 0
    fi
    ensure_server_installed
    mkdir -p "$STATE_DIR"
    ensure_template
    local name
    for name in "${INSTANCES[@]}"; do start_instance "$name"; done
    wait_ping
    for name in "${INSTANCES[@]}"; do setup_repl_user "$(port_of "$name")"; done
    setup_primary
    setup_replica "$REPLICA1_PORT"
    setup_replica "$REPLICA2_PORT"
    wait_replicas
    cmd_status || true
    log "cluster up in $(elapsed "$t0")"
}

# ---- down / wipe -------------------------------------------------------------------------------------

cmd_down() {
    local t0 name; t0=$(now_ms)
    stop_instances "${INSTANCES[@]}"
    for name in "${INSTANCES[@]}"; do rm -f "$(pid_file "$name")"; done
    log "down: stopped $STOPPED instance(s) in $(elapsed "$t0")"
}

cmd_wipe() {
    cmd_down
    local name
    for name in "${INSTANCES[@]}"; do rm -rf "${STATE_DIR:?}/$name" "$STATE_DIR/$name.out"; done
    log "wiped instance datadirs (template kept in $STATE_DIR/template)"
}

# ---- status -----------------------------------------------------------------------------------------

cmd_status() {
    local name port pid ok=0 line
    for name in "${INSTANCES[@]}"; do
        port=$(port_of "$name")
        if pid=$(our_pid "$name"); then
            line=$(printf '%-8s port=%s pid=%-7s alive role=%s' "$name" "$port" "$pid" "$(role_of "$name")")
            if [[ $name == primary ]]; then
                line+=" gtid_binlog_pos=$(sql "$port" --connect-timeout=3 -N -B -e 'SELECT @@gtid_binlog_pos' 2>/dev/null || echo '?')"
            else
                local io sqlt lag pos
                io=$(slave_field "$port" Slave_IO_Running); sqlt=$(slave_field "$port" Slave_SQL_Running)
                lag=$(slave_field "$port" Seconds_Behind_Master); pos=$(sql "$port" --connect-timeout=3 -N -B -e 'SELECT @@gtid_slave_pos' 2>/dev/null || true)
                line+=" io=${io:-?} sql=${sqlt:-?} seconds_behind_master=${lag:-?} gtid_slave_pos=${pos:-?}"
                [[ $io == Yes && $sqlt == Yes ]] || ok=3
            fi
        else
            line=$(printf '%-8s port=%s pid=%-7s dead  role=%s' "$name" "$port" - "$(role_of "$name")")
            ok=3
        fi
        echo "$line"
    done
    return $ok
}

USER_OPT=()
[[ $(id -u) -eq 0 ]] && USER_OPT=(--user=root)   # mariadbd refuses to run as root without it

case ${1:-} in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    wipe) cmd_wipe ;;
    *) echo "usage: $0 up|down|status|wipe" >&2; exit 2 ;;
esac
