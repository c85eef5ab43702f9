#!/usr/bin/env bash
# Installs from Debian's packages whatever this project needs and the machine lacks; does nothing
# (not even `apt-get update`) when everything is there, so repeated runs are fast and offline-safe.
set -euo pipefail
# shellcheck source=ops/env.sh
source "$(dirname "$0")/env.sh"

# `dpkg -s` alone also succeeds for removed packages whose config files remain.
installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

missing=()
# PostgreSQL 15 is Debian 12's version; any packaged server (the `postgresql` metapackage) also does,
# env.sh then picks its bin directory. The server package ships pg_trgm and pgcrypto.
installed postgresql-15 || installed postgresql || missing+=(postgresql-15)
installed postgresql-client-15 || installed postgresql-client || missing+=(postgresql-client-15)
for package in redis-server redis-tools libhiredis-dev libpq-dev libssl-dev pkg-config curl; do
  installed "$package" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

# Another apt (unattended upgrades, a parallel job) may hold the dpkg lock for a while: retry.
retry() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    "$@" && return 0
    echo "'$*' failed (attempt $attempt of 10; the dpkg lock may be held), retrying in 5s" >&2
    sleep 5
  done
  return 1
}
apt() { as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y "$@"; }

retry apt update
# On a release without PostgreSQL 15 packages, take its default version instead.
if ! apt-cache show postgresql-15 >/dev/null 2>&1; then
  missing=("${missing[@]/#postgresql-15/postgresql}")
  missing=("${missing[@]/#postgresql-client-15/postgresql-client}")
fi
echo "installing: ${missing[*]}"
retry apt install --no-install-recommends "${missing[@]}"
