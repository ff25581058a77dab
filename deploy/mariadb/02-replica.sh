#!/bin/bash
# Runs once on a container whose REPLICATE_FROM is set (the replicas of docker-compose.yml): replicate from that
# host with GTIDs, from the primary's position at this moment. Whatever the primary's own initialisation wrote
# (root and the users above exist on every container already) is skipped, so it can never conflict.
set -euo pipefail
[[ -n "${REPLICATE_FROM:-}" ]] || exit 0
position=$(mariadb -h"$REPLICATE_FROM" -uroot -p"$MARIADB_ROOT_PASSWORD" -N -B -e 'SELECT @@gtid_binlog_pos')
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" <<SQL
SET GLOBAL read_only = ON;
SET GLOBAL gtid_slave_pos = '${position}';
CHANGE MASTER TO MASTER_HOST='${REPLICATE_FROM}', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='repl',
  MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
