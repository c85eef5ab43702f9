# Shared settings for every ops script; sourced, never run. Each value can be overridden from the
# environment (e.g. B2B_DB_PORT=55999 ops/run when the default port is taken).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

: "${B2B_HTTP_HOST:=127.0.0.1}"
: "${B2B_HTTP_PORT:=8080}"
: "${B2B_DB_HOST:=127.0.0.1}"
: "${B2B_DB_PORT:=55432}"
: "${B2B_DB_NAME:=b2b}"
: "${B2B_DB_APP_USER:=b2b_app}"
: "${B2B_DB_APP_PASSWORD:=b2b_app_dev_pw}"
: "${B2B_DB_OWNER_USER:=b2b_owner}"
: "${B2B_DB_OWNER_PASSWORD:=b2b_owner_dev_pw}"
: "${B2B_REDIS_HOST:=127.0.0.1}"
: "${B2B_REDIS_PORT:=56379}"
# Development signing key for access tokens; production sets its own secret.
: "${B2B_TOKEN_SECRET:=dev-only-token-secret-change-me-0123456789}"
: "${B2B_DATA_DIR:=$ROOT/.data}"
: "${PG_BIN:=/usr/lib/postgresql/15/bin}"
# PostgreSQL refuses to run as root: the cluster belongs to this unprivileged OS user.
: "${PG_OS_USER:=postgres}"

export B2B_HTTP_HOST B2B_HTTP_PORT B2B_DB_HOST B2B_DB_PORT B2B_DB_NAME B2B_DB_APP_USER B2B_DB_APP_PASSWORD \
  B2B_DB_OWNER_USER B2B_DB_OWNER_PASSWORD B2B_REDIS_HOST B2B_REDIS_PORT B2B_TOKEN_SECRET B2B_DATA_DIR PG_BIN PG_OS_USER

# Prints a phase banner and remembers when it started.
phase() { PHASE_STARTED=$(date +%s); echo "==> $*"; }
phase_done() { echo "    ($(( $(date +%s) - PHASE_STARTED ))s)"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
