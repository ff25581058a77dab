#!/bin/bash
# Runs once on a container whose REPLICATE_FROM is set (the replicas of docker-compose.yml): replicate from that
# host with GTIDs, starting from the primary's beginning (the users above are kept out of the binlog, so every
# transaction in it is the application's).
set -euo pipefail
[[ -n "${REPLICATE_FROM:-}" ]] || exit 0
mariadb -uroot -p"$MARIADB_ROOT_PASSWORD" <<SQL
SET GLOBAL read_only = ON;
CHANGE MASTER TO MASTER_HOST='${REPLICATE_FROM}', MASTER_PORT=3306, MASTER_USER='repl', MASTER_PASSWORD='repl',
  MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
START SLAVE;
SQL
