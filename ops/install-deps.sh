#!/usr/bin/env bash
# Installs from Debian's packages whatever this project needs and the machine lacks.
set -euo pipefail
source "$(dirname "$0")/env.sh"

packages=(postgresql-15 postgresql-client-15 postgresql-contrib redis-server redis-tools libhiredis-dev libpq-dev libssl-dev pkg-config curl)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
# postgresql-contrib is a virtual package on some releases; pg_trgm ships with the server there.
if [ -x "$PG_BIN/postgres" ] && [ -f /usr/share/postgresql/15/extension/pg_trgm.control ]; then
  missing=("${missing[@]/postgresql-contrib}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
# Another apt may hold the dpkg lock for a moment (unattended upgrades, a parallel job): retry.
for attempt in $(seq 1 10); do
  if as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
     && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt), retrying in 5s"; sleep 5
done
echo "could not install ${missing[*]}" >&2
exit 1
