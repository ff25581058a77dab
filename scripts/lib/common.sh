# Shared helpers for the scripts in scripts/ and .ci/run. Source it; it sets nothing else.
# shellcheck shell=bash

# The repository root, whatever the caller's working directory.
SWITCHYARD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

log() { printf '[%s] %s\n' "${0##*/}" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Seconds since the epoch with milliseconds, for elapsed-time prints (no bc/python needed).
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%03d s' $((ms / 1000)) $((ms % 1000)); }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no nc needed).
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# users_and_backends_yaml PRIMARY [REPLICA...]: the demo user and the given backends as YAML, the end of the
# configurations the measuring scripts write. Each backend is 127.0.0.1:PORT or a Unix socket path (starting with /);
# the replicas are named replica1, replica2, ...
users_and_backends_yaml() {
    local i=0 name where
    printf 'users:\n  - name: app\n    password: app\nbackends:\n'
    for where in "$@"; do
        name=primary; ((i > 0)) && name=replica$i
        printf '  - name: %s\n' "$name"
        if [[ $where == /* ]]; then printf '    socket: %s\n' "$where"; else printf '    address: %s\n' "$where"; fi
        ((i > 0)) || printf '    role: primary\n'
        i=$((i + 1))
    done
}

# The local cluster's three backends (PRIMARY_PORT, REPLICA1_PORT and REPLICA2_PORT set by the caller).
cluster_users_and_backends_yaml() {
    users_and_backends_yaml "127.0.0.1:$PRIMARY_PORT" "127.0.0.1:$REPLICA1_PORT" "127.0.0.1:$REPLICA2_PORT"
}

# with_listeners CONFIG MYSQL HTTP: prints CONFIG with its listeners set to the given host:port pairs (the measuring
# scripts run copies of a configuration beside anything already listening on the defaults).
with_listeners() {
    awk -v mysql="$2" -v http="$3" '
        /^listeners:/ { inl = 1; print; next }
        inl && /^[^ #]/ { inl = 0 }
        inl && /^[ ]+mysql:/ { print "  mysql: " mysql; next }
        inl && /^[ ]+http:/  { print "  http: " http; next }
        { print }
    ' "$1"
}

# launch_proxy DLL CONFIG LOG PORT [NAME=VALUE...]: runs the proxy's dll (not `dotnet run`, so that PROXY_PID is the
# proxy process itself, whose CPU time the benchmarks measure) in the background, with the environment assignments
# given, and waits until it listens on 127.0.0.1:PORT; dies with its log if it exits first or does not listen within
# 30 s.
launch_proxy() {
    local dll=$1 config=$2 logfile=$3 port=$4
    DOTNET_NOLOGO=1 env "${@:5}" dotnet "$dll" --config "$config" >"$logfile" 2>&1 </dev/null &
    PROXY_PID=$!
    wait_listening "$PROXY_PID" "$port" "$logfile" || { PROXY_PID=""; die "the proxy did not start listening on $port"; }
}

# wait_listening PID PORT LOG: waits until 127.0.0.1:PORT accepts connections; fails (after printing LOG) when PID
# exits first or nothing listens within 30 s.
wait_listening() {
    local deadline=$((SECONDS + 30))
    until port_open "$2"; do
        kill -0 "$1" 2>/dev/null || { cat "$3" >&2; log "process $1 exited during start-up"; return 1; }
        ((SECONDS < deadline)) || { log "nothing listens on $2 after 30 s"; return 1; }
        sleep 0.1
    done
}

# cpu_ticks PID: "utime stime" of the process in clock ticks (getconf CLK_TCK), fields 14 and 15 of /proc/PID/stat
# counted after the command name in parentheses (which may contain spaces); fails when the process is gone.
cpu_ticks() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    # shellcheck disable=SC2086
    set -- $rest
    echo "${12} ${13}"
}

# total_ticks PID...: the user and kernel clock ticks of all these processes together; dies when one is gone.
total_ticks() {
    local total=0 pid u s
    for pid in "$@"; do
        read -r u s < <(cpu_ticks "$pid") || die "process $pid exited"
        total=$((total + u + s))
    done
    echo "$total"
}

# stop_process PID: SIGTERM, SIGKILL after 15 s if it is still there, then reaps it; nothing when PID is empty.
stop_process() {
    [[ -n $1 ]] || return 0
    local deadline=$((SECONDS + 15))
    kill -TERM "$1" 2>/dev/null || true
    while kill -0 "$1" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
    if kill -0 "$1" 2>/dev/null; then
        log "process $1 ignored SIGTERM: SIGKILL"
        kill -KILL "$1" 2>/dev/null || true
    fi
    wait "$1" 2>/dev/null || true
}

# server_pid PORT: the pid of the MariaDB server answering on PORT (from its @@pid_file).
server_pid() { sql "$1" -N -B -e "SELECT @@pid_file" | xargs cat; }

# Install Debian packages that are missing. Runs `apt-get update` at most once per process.
# A fresh CI machine has none of the MariaDB packages; a developer machine usually has them all,
# so the common case costs one dpkg query and no network.
_apt_updated=0
ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [[ ${#missing[@]} -eq 0 ]] && return 0
    [[ $(id -u) -eq 0 ]] || die "missing packages ${missing[*]}: install them as root (apt-get install ${missing[*]})"
    log "installing ${missing[*]} from Debian packages"
    export DEBIAN_FRONTEND=noninteractive
    if [[ $_apt_updated -eq 0 ]]; then apt-get update -qq; _apt_updated=1; fi
    # The mariadb-server package would start its own service on 3306 and take the primary's port.
    # Docker-style images refuse that through /usr/sbin/policy-rc.d (exit 101); if this machine has
    # no such file, put one in place for the duration of the install only.
    local own_policy=0
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && own_policy=1
    fi
    local rc=0
    apt-get install -y -qq "${missing[@]}" >/dev/null || rc=$?
    [[ $own_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
    # A refused service start can make a postinst complain; what matters is that the packages are there.
    for p in "${missing[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || die "apt-get install $p failed (exit $rc)"
    done
}

# The MariaDB client, always over TCP and never reading ~/.my.cnf or /etc/mysql (so a developer's own
# settings cannot change what the scripts do). Usage: sql PORT [mariadb args...]
sql() { local port=$1; shift; mariadb --no-defaults --protocol=tcp -h127.0.0.1 -P"$port" -uroot "$@"; }

# Privileges of the application users (cluster.sh and galera.sh). In 10.11 `GRANT ALL` includes SUPER and
# READ_ONLY ADMIN, which would let them write on a read_only replica; so the list is explicit. CREATE on *.* lets app create
# databases; --log-bin-trust-function-creators=1 lets it create stored functions without SUPER.
APP_PRIVS="SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES,
  LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY"
# The proxy reads replication state (SHOW SLAVE STATUS, @@gtid_binlog_pos, SHOW PROCESSLIST).
# REPLICA MONITOR is only an alias of SLAVE MONITOR in 10.11 (SHOW GRANTS prints SLAVE MONITOR).
MONITOR_PRIVS="SLAVE MONITOR, BINLOG MONITOR, PROCESS"

# The users every topology script creates (cluster.sh on its primary, galera.sh on each node), as SQL lines.
app_users_sql() {
    cat <<SQL
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
GRANT $APP_PRIVS ON *.* TO 'app'@'%';
CREATE USER IF NOT EXISTS 'switchyard'@'%' IDENTIFIED BY 'switchyard';
GRANT $APP_PRIVS, $MONITOR_PRIVS ON *.* TO 'switchyard'@'%';
CREATE USER IF NOT EXISTS 'monitor'@'%' IDENTIFIED BY 'monitor';
GRANT $MONITOR_PRIVS ON *.* TO 'monitor'@'%';
SQL
}

# The pid file a script wrote for instance $1 (under its $STATE_DIR).
pid_file() { echo "$STATE_DIR/$1.pid"; }

# Prints the pid in instance $1's pid file if it names a live process whose command line contains $2.
recorded_pid() {
    local f pid
    f=$(pid_file "$1"); [[ -f $f ]] || return 1
    pid=$(<"$f")
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2" || return 1
    echo "$pid"
}

# SIGTERM to each named instance the calling script started (our_pid, STOP_TIMEOUT are its own) so they shut down in
# parallel, then wait for each with a deadline and SIGKILL what ignored it; STOPPED is how many were running.
stop_instances() {
    local name pid entry pids=() deadline
    for name in "$@"; do
        if pid=$(our_pid "$name"); then kill -TERM "$pid" 2>/dev/null || true; pids+=("$name:$pid"); fi
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    for entry in "${pids[@]}"; do
        name=${entry%%:*}; pid=${entry#*:}
        while [[ -e /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.05; done
        if [[ -e /proc/$pid ]]; then log "$name (pid $pid) ignored SIGTERM for ${STOP_TIMEOUT}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
        rm -f "$(pid_file "$name")"
    done
    STOPPED=${#pids[@]}
}
