#!/usr/bin/env bash
# Project-local PostgreSQL and Redis, on loopback only, data under $B2B_DATA_DIR (ignored by git).
#   ops/services.sh start | stop | status | start-pg | stop-pg
# `start` is idempotent: it starts what is not running and re-applies roles, databases and grants.
set -euo pipefail
# shellcheck source=ops/env.sh
source "$(dirname "$0")/env.sh"

PGDATA="$B2B_DATA_DIR/pg"
REDIS_DIR="$B2B_DATA_DIR/redis"

die() { echo "services.sh: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

pg() { as_pg_user "$@"; }
# psql as the cluster's superuser (initdb -U names it after the OS user) over the unix socket, which
# peer authentication admits without a password.
psql_super() {
  pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDATA" -p "$B2B_DB_PORT" -U "$PG_OS_USER" "$@"
}
# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp, no extra tools).
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_running() { [ -f "$PGDATA/PG_VERSION" ] && pg "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; }
redis_running() { redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

# The cluster's OS user must exist, own the cluster directory, and be able to walk down to it.
prepare_pg_dirs() {
  [ -x "$PG_BIN/initdb" ] || die "no PostgreSQL in $PG_BIN; run ops/install-deps.sh (or set PG_BIN)"
  if ! is_root; then
    [ "$(id -un)" = "$PG_OS_USER" ] || die "only root can run the cluster as PG_OS_USER=$PG_OS_USER"
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    return
  fi
  if ! id -u "$PG_OS_USER" >/dev/null 2>&1; then
    echo "creating the system user $PG_OS_USER to run PostgreSQL (it refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$PG_OS_USER"
  fi
  mkdir -p "$PGDATA"
  # mktemp -d and umask 077 make 0700 directories, which the cluster's user cannot traverse. Walk
  # from / down, so each check fails only because of that directory itself, and open just o+x.
  local dir="" part parts
  IFS=/ read -ra parts <<<"${B2B_DATA_DIR#/}"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    dir="$dir/$part"
    if ! runuser -u "$PG_OS_USER" -- test -x "$dir"; then
      echo "chmod o+x $dir  (so that $PG_OS_USER can reach $PGDATA)"
      chmod o+x "$dir"
    fi
  done
  [ "$(stat -c %U "$PGDATA")" = "$PG_OS_USER" ] || chown -R "$PG_OS_USER" "$PGDATA"
  chmod 700 "$PGDATA" # PostgreSQL refuses a data directory others can read
}

start_pg() {
  prepare_pg_dirs
  if [ ! -f "$PGDATA/PG_VERSION" ]; then
    local locale=C
    if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=C.UTF-8; fi
    echo "creating the PostgreSQL cluster in $PGDATA"
    pg "$PG_BIN/initdb" -D "$PGDATA" -U "$PG_OS_USER" -E UTF8 --locale="$locale" \
      --auth-local=peer --auth-host=scram-sha-256 >/dev/null
  fi
  # Settings that follow the environment live in their own file, rewritten on every start (the port
  # may change), and are read by `pg_ctl start` without -o, whose string would be split on spaces.
  # A unix socket path is limited to 107 bytes; say so instead of letting PostgreSQL fail in its log.
  local socket="$PGDATA/.s.PGSQL.$B2B_DB_PORT"
  [ "${#socket}" -le 107 ] || die "socket path $socket is too long for PostgreSQL; set B2B_DATA_DIR to a shorter path"
  grep -q "^include_if_exists = 'b2b.conf'" "$PGDATA/postgresql.conf" ||
    echo "include_if_exists = 'b2b.conf'" >>"$PGDATA/postgresql.conf"
  cat >"$PGDATA/b2b.conf" <<EOF
# Written by ops/services.sh on every start; edit ops/env.sh or the environment instead.
listen_addresses = '127.0.0.1'
port = $B2B_DB_PORT
unix_socket_directories = '${PGDATA//\'/\'\'}'
# The Swift tests run in parallel, each with its own in-process server and pools (up to 8 app and
# a few owner connections): 200 ran out when the machine was loaded and tests overlapped longer.
max_connections = 500
EOF
  if is_root; then chown "$PG_OS_USER" "$PGDATA/b2b.conf"; fi

  if pg_running; then
    local running_port
    running_port="$(sed -n 4p "$PGDATA/postmaster.pid")"
    [ "$running_port" = "$B2B_DB_PORT" ] ||
      die "PostgreSQL in $PGDATA runs on port $running_port, not B2B_DB_PORT=$B2B_DB_PORT; run 'ops/services.sh stop' first"
    echo "PostgreSQL already running on 127.0.0.1:$B2B_DB_PORT"
  else
    if port_taken "$B2B_DB_PORT"; then
      die "port $B2B_DB_PORT (PostgreSQL) is taken by another process; set B2B_DB_PORT to a free port, e.g. B2B_DB_PORT=55442 ops/run"
    fi
    if ! pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null; then
      tail -n 20 "$PGDATA/server.log" >&2 || true
      die "PostgreSQL did not start; see $PGDATA/server.log"
    fi
    echo "PostgreSQL started on 127.0.0.1:$B2B_DB_PORT"
  fi
  provision_pg
}

# Roles, databases and schema rights, idempotently. Names and passwords go in as psql variables
# (:'x' quotes a literal, :"x" an identifier), so any value is safe. The owner role runs the
# migrations and owns every object; the app role owns nothing and bypasses nothing, so row-level
# security applies to every query the server makes. Attributes and passwords are re-applied on
# every start: the environment stays the source of truth.
provision_pg() {
  local vars=(-v owner="$B2B_DB_OWNER_USER" -v owner_pw="$B2B_DB_OWNER_PASSWORD"
    -v app="$B2B_DB_APP_USER" -v app_pw="$B2B_DB_APP_PASSWORD")
  psql_super -d postgres "${vars[@]}" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
ALTER ROLE :"owner" LOGIN PASSWORD :'owner_pw' NOSUPERUSER NOBYPASSRLS NOCREATEROLE;
ALTER ROLE :"app" LOGIN PASSWORD :'app_pw' NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
SQL
  # The main database and the one ops/test uses (strip a _test suffix so it is never doubled).
  local db dbs=("$B2B_DB_NAME")
  [ "$B2B_DB_NAME" = "${B2B_DB_NAME%_test}_test" ] || dbs+=("${B2B_DB_NAME}_test")
  for db in "${dbs[@]}"; do
    # CREATE DATABASE cannot run inside a DO block or transaction, hence \gexec.
    psql_super -d postgres "${vars[@]}" -v db="$db" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";
SQL
    psql_super -d "$db" "${vars[@]}" -v db="$db" <<'SQL'
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"owner";
GRANT USAGE ON SCHEMA public TO :"app";
GRANT CONNECT ON DATABASE :"db" TO :"app";
-- Creating these extensions needs the superuser; the migrations only use them.
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
SQL
  done
}

start_redis() {
  command -v redis-server >/dev/null || die "redis-server is not installed; run ops/install-deps.sh"
  if redis_running; then
    echo "Redis already running on 127.0.0.1:$B2B_REDIS_PORT"
    return
  fi
  if port_taken "$B2B_REDIS_PORT"; then
    die "port $B2B_REDIS_PORT (Redis) is taken by another process; set B2B_REDIS_PORT to a free port, e.g. B2B_REDIS_PORT=56389 ops/run"
  fi
  mkdir -p "$REDIS_DIR"
  # A cache only: no snapshots, no append-only file.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$B2B_REDIS_PORT" --protected-mode yes \
    --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" \
    --save '' --appendonly no
  local _
  for _ in $(seq 1 50); do
    if redis_running; then
      echo "Redis started on 127.0.0.1:$B2B_REDIS_PORT"
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$REDIS_DIR/redis.log" >&2 || true
  die "Redis did not start; see $REDIS_DIR/redis.log"
}

stop_all() {
  if pg_running; then
    pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    echo "PostgreSQL stopped"
  else
    echo "PostgreSQL was not running"
  fi
  if redis_running; then
    redis-cli -h 127.0.0.1 -p "$B2B_REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    echo "Redis stopped"
  else
    echo "Redis was not running"
  fi
}

# Prints both services; exits non-zero unless both are up.
status() {
  local rc=0
  if pg_running; then
    echo "PostgreSQL: running on 127.0.0.1:$B2B_DB_PORT (pid $(head -n 1 "$PGDATA/postmaster.pid")), data in $PGDATA"
  else
    echo "PostgreSQL: not running (data in $PGDATA)"
    rc=1
  fi
  if redis_running; then
    echo "Redis:      running on 127.0.0.1:$B2B_REDIS_PORT (pid $(cat "$REDIS_DIR/redis.pid" 2>/dev/null || echo '?'))"
  else
    echo "Redis:      not running on 127.0.0.1:$B2B_REDIS_PORT"
    rc=1
  fi
  return "$rc"
}

case "${1:-}" in
  start) start_pg; start_redis ;;
  stop) stop_all ;;
  # PostgreSQL alone, e.g. a second cluster to restore a backup into (ops/restore).
  start-pg) start_pg ;;
  stop-pg) if pg_running; then pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; fi ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|start-pg|stop-pg" >&2; exit 2 ;;
esac
