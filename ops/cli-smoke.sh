#!/usr/bin/env bash
# Exercises the `b2b` command line against the test database: every command's --help, then
# migrate, seed (twice: it must be repeatable), tenant and plugin administration, audit verify,
# tenant export and deletion, and clear messages for bad input. Part of ops/test.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
BIN="$(swift build --show-bin-path)/b2b"
export B2B_LOG_LEVEL=warning
fail() { echo "cli-smoke: $*" >&2; exit 1; }
# Runs a command that must fail, and checks that its message says what was wrong.
expect_error() {
  local pattern="$1"; shift
  local output
  if output=$("$@" 2>&1); then fail "'$*' should have failed"; fi
  grep -q -- "$pattern" <<<"$output" || fail "'$*' said: $output"
}

for command in "" serve migrate seed tenant "tenant list" "tenant create" "tenant suspend" "tenant activate" "tenant export" "tenant delete" \
               plugin "plugin list" "plugin enable" "plugin configure" "plugin disable" audit "audit verify" openapi; do
  # shellcheck disable=SC2086
  "$BIN" $command --help >/dev/null || fail "b2b $command --help failed"
done

"$BIN" migrate | grep -q "up to date" || fail "migrate"
"$BIN" seed --demo >/dev/null || fail "seed"
"$BIN" seed --demo | grep -q "operator@platform.example" || fail "seed is not repeatable"
expect_error "--demo" "$BIN" seed

slug="cli-$(date +%s)-$RANDOM"
B2B_ADMIN_PASSWORD="Cli-password-42" "$BIN" tenant create --slug "$slug" --name "命令行测试" \
  --parent huaxin-group --admin-email "admin@$slug.example" | grep -q "created $slug" || fail "tenant create"
"$BIN" tenant list | grep -q "  $slug" || fail "tenant list shows the subsidiary under its group"
"$BIN" tenant suspend "$slug" | grep -q "suspended" || fail "tenant suspend"
"$BIN" tenant activate "$slug" | grep -q "active" || fail "tenant activate"
expect_error "slug:" "$BIN" tenant create --slug "Bad Slug" --name x
expect_error "no tenant with slug" "$BIN" tenant suspend no-such-tenant

"$BIN" plugin list >/dev/null || fail "plugin list"
"$BIN" plugin list --tenant "$slug" >/dev/null || fail "plugin list --tenant"
expect_error "no plugin 'no_such_plugin'" "$BIN" plugin enable no_such_plugin --tenant "$slug"
expect_error "expected key=value" "$BIN" plugin enable x --tenant "$slug" --set novalue

"$BIN" audit verify --tenant platform | grep -q "ok      platform:" || fail "audit verify"
# The API document is valid OpenAPI 3.1 (openapi-spec-validator, from PyPI).
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
"$BIN" openapi > "$B2B_DATA_DIR/openapi.json"
python3 -c 'import json, sys; from openapi_spec_validator import validate; validate(json.load(open(sys.argv[1])))' \
  "$B2B_DATA_DIR/openapi.json" || fail "openapi.json is not a valid OpenAPI document"
# Export (a tar.gz with a manifest) and deletion (suspended first, slug confirmed).
"$BIN" tenant export "$slug" --out "$B2B_DATA_DIR/$slug.tar.gz" | grep -q "exported $slug" || fail "tenant export"
tar -xzOf "$B2B_DATA_DIR/$slug.tar.gz" "$slug/manifest.json" | grep -q '"users" : 1' || fail "the export's manifest counts the admin"
expect_error "Suspend tenant $slug first" "$BIN" tenant delete "$slug" --confirm "$slug"
"$BIN" tenant suspend "$slug" >/dev/null
expect_error "--confirm must repeat the slug" "$BIN" tenant delete "$slug" --confirm wrong
"$BIN" tenant delete "$slug" --confirm "$slug" | grep -q "deleted $slug" || fail "tenant delete"
"$BIN" tenant list | grep -q "  $slug" && fail "a deleted tenant is still listed"
echo "cli-smoke: ok"
