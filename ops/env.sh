# Shared settings for every ops script; sourced, never run. Every value is only a default: anything
# already in the environment wins (e.g. `B2B_DB_PORT=55999 ops/run` when 55432 is taken).
# No `set -euo pipefail` here on purpose: the scripts that source this set it themselves, and it
# would make an interactive shell that sources this file exit on its first failing command.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

: "${B2B_HTTP_HOST:=127.0.0.1}"
: "${B2B_HTTP_PORT:=8080}"
: "${B2B_DB_HOST:=127.0.0.1}"
: "${B2B_DB_PORT:=55432}"
: "${B2B_DB_NAME:=b2b}"
# Two roles: the owner runs migrations and owns every object; the server connects as the app role,
# which owns nothing and cannot bypass row-level security.
: "${B2B_DB_APP_USER:=b2b_app}"
: "${B2B_DB_APP_PASSWORD:=b2b_app_dev_pw}"
: "${B2B_DB_OWNER_USER:=b2b_owner}"
: "${B2B_DB_OWNER_PASSWORD:=b2b_owner_dev_pw}"
: "${B2B_REDIS_HOST:=127.0.0.1}"
: "${B2B_REDIS_PORT:=56379}"
# Development signing key for access tokens; production sets its own secret.
: "${B2B_TOKEN_SECRET:=dev-only-token-secret-change-me-0123456789}"
: "${B2B_DATA_DIR:=$ROOT/.data}"
# Relative to where the command was started, if given relative; the scripts cd around.
case "$B2B_DATA_DIR" in /*) ;; *) B2B_DATA_DIR="$PWD/$B2B_DATA_DIR" ;; esac
# PostgreSQL 15 as Debian packages it; if only another major version is installed, use the newest.
if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=/usr/lib/postgresql/15/bin
  if [ ! -x "$PG_BIN/postgres" ]; then
    newest="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    if [ -x "$newest/postgres" ]; then PG_BIN="$newest"; fi
    unset newest
  fi
fi
# PostgreSQL refuses to run as root, so as root the cluster belongs to this unprivileged OS user
# (services.sh creates it if missing). A non-root user simply runs the cluster as itself.
if [ "$(id -u)" -eq 0 ]; then : "${PG_OS_USER:=postgres}"; else : "${PG_OS_USER:=$(id -un)}"; fi

export B2B_HTTP_HOST B2B_HTTP_PORT B2B_DB_HOST B2B_DB_PORT B2B_DB_NAME B2B_DB_APP_USER B2B_DB_APP_PASSWORD \
  B2B_DB_OWNER_USER B2B_DB_OWNER_PASSWORD B2B_REDIS_HOST B2B_REDIS_PORT B2B_TOKEN_SECRET B2B_DATA_DIR \
  PG_BIN PG_OS_USER

# Prints a phase banner and remembers when it started; phase_done prints how long it took.
phase() { PHASE_STARTED=$(date +%s); echo "==> $*"; }
phase_done() { echo "    ($(($(date +%s) - PHASE_STARTED))s)"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# Runs a PostgreSQL program as the cluster's OS user, from / because the caller's working directory
# may be unreadable for that user.
as_pg_user() {
  if [ "$(id -un)" = "$PG_OS_USER" ]; then (cd / && "$@"); else (cd / && runuser -u "$PG_OS_USER" -- "$@"); fi
}
