-- Runs once, on every MariaDB container of docker-compose.yml, when its data directory is first created.
-- The same users as scripts/cluster.sh; kept out of the binlog so replicas create their own copies and
-- replication never replays them.
SET SESSION sql_log_bin = 0;
CREATE USER IF NOT EXISTS 'app'@'%' IDENTIFIED BY 'app';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES,
  LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY
  ON *.* TO 'app'@'%';
CREATE USER IF NOT EXISTS 'switchyard'@'%' IDENTIFIED BY 'switchyard';
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES,
  LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY,
  SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO 'switchyard'@'%';
CREATE USER IF NOT EXISTS 'monitor'@'%' IDENTIFIED BY 'monitor';
GRANT SLAVE MONITOR, BINLOG MONITOR, PROCESS ON *.* TO 'monitor'@'%';
GRANT SELECT, INSERT, UPDATE, CREATE ON switchyard_heartbeat.* TO 'monitor'@'%';
CREATE USER IF NOT EXISTS 'repl'@'%' IDENTIFIED BY 'repl';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'%';
SET SESSION sql_log_bin = 1;
