#!/usr/bin/env bash
# Project-local PostgreSQL and Redis on loopback, data under $B2B_DATA_DIR (ignored by git).
#   ops/services.sh start | stop | status
set -euo pipefail
source "$(dirname "$0")/env.sh"

PGDATA="$B2B_DATA_DIR/pg"
REDIS_DIR="$B2B_DATA_DIR/redis"
pg() { runuser -u "$PG_OS_USER" -- "$@"; }
psql_super() { pg env PGOPTIONS="-c client_min_messages=warning" "$PG_BIN/psql" -h "$PGDATA" -p "$B2B_DB_PORT" -U "$PG_OS_USER" -v ON_ERROR_STOP=1 -qAt "$@"; }

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure_pg_user() {
  id "$PG_OS_USER" >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_OS_USER"
  # The cluster's user must be able to walk down to the data folder (mktemp -d makes 0700 dirs).
  local dir="$B2B_DATA_DIR"
  while [ "$dir" != "/" ]; do
    dir="$(dirname "$dir")"
    if ! runuser -u "$PG_OS_USER" -- test -x "$dir"; then
      echo "granting traverse permission (o+x) on $dir so $PG_OS_USER can reach its data"
      chmod o+x "$dir"
    fi
  done
}

start_pg() {
  ensure_pg_user
  mkdir -p "$PGDATA"
  chown "$PG_OS_USER" "$B2B_DATA_DIR" "$PGDATA" 2>/dev/null || true
  chmod 700 "$PGDATA"
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    echo "creating PostgreSQL cluster in $PGDATA"
    pg "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_OS_USER" -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  if pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    echo "PostgreSQL already running on 127.0.0.1:$B2B_DB_PORT"
  else
    if port_taken "$B2B_DB_PORT"; then
      echo "port $B2B_DB_PORT is taken by another process; set B2B_DB_PORT to a free port" >&2
      exit 1
    fi
    pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $B2B_DB_PORT -k $PGDATA -c max_connections=200" >/dev/null
    echo "PostgreSQL started on 127.0.0.1:$B2B_DB_PORT"
  fi
  provision_pg
}

# Roles and databases, idempotently: the owner role runs migrations; the server's role owns
# nothing and bypasses nothing, so row-level security applies to every query it makes.
provision_pg() {
  psql_super -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$B2B_DB_OWNER_USER') THEN
    CREATE ROLE $B2B_DB_OWNER_USER LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$B2B_DB_APP_USER') THEN
    CREATE ROLE $B2B_DB_APP_USER LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
END \$\$;
ALTER ROLE $B2B_DB_OWNER_USER PASSWORD '$B2B_DB_OWNER_PASSWORD';
ALTER ROLE $B2B_DB_APP_USER PASSWORD '$B2B_DB_APP_PASSWORD';
SQL
  for db in "$B2B_DB_NAME" "${B2B_DB_NAME%_test}_test"; do
    if [ -z "$(psql_super -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql_super -d postgres -c "CREATE DATABASE $db OWNER $B2B_DB_OWNER_USER"
    fi
    psql_super -d "$db" <<SQL
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO $B2B_DB_OWNER_USER;
GRANT USAGE ON SCHEMA public TO $B2B_DB_APP_USER;
GRANT CONNECT ON DATABASE $db TO $B2B_DB_APP_USER;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
SQL
  done
}

start_redis() {
  mkdir -p "$REDIS_DIR"
  if redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
    echo "Redis already running on 127.0.0.1:$B2B_REDIS_PORT"
    return
  fi
  if port_taken "$B2B_REDIS_PORT"; then
    echo "port $B2B_REDIS_PORT is taken by another process; set B2B_REDIS_PORT to a free port" >&2
    exit 1
  fi
  redis-server --bind 127.0.0.1 --port "$B2B_REDIS_PORT" --dir "$REDIS_DIR" --daemonize yes \
    --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save '' --appendonly no --protected-mode yes
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" ping 2>/dev/null | grep -q PONG && break
    sleep 0.1
  done
  echo "Redis started on 127.0.0.1:$B2B_REDIS_PORT"
}

case "${1:-}" in
  start) start_pg; start_redis ;;
  stop)
    [ -f "$PGDATA/PG_VERSION" ] && pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop 2>/dev/null || true
    redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" shutdown nosave 2>/dev/null || true
    echo "stopped" ;;
  status)
    pg "$PG_BIN/pg_ctl" -D "$PGDATA" status 2>/dev/null | head -1 || echo "PostgreSQL: not running"
    redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" ping 2>/dev/null || echo "Redis: not running" ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
