#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings both schemas to the version this
# admin-tools image ships. Idempotent: safe on every `docker compose up`, and how upgrades happen
# (pull newer server + admin-tools images, then up: update-schema applies what is missing).
# Runs in temporalio/admin-tools. Password from SQL_PASSWORD (never on the command line).
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
DB_PORT=${DB_PORT:-5432}
SCHEMA_ROOT=${SCHEMA_ROOT:-/etc/temporal/schema/postgresql/v12}

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" "$@"
}

# temporal-sql-tool refuses to create a database that exists; that case is fine, any other is not.
ensure_database() {
  if output=$(sql_tool --db "$1" create 2>&1); then
    echo "created database $1"
  elif printf '%s' "$output" | grep -qi 'already exists'; then
    echo "database $1 exists"
  else
    printf '%s\n' "$output" >&2
    return 1
  fi
}

ensure_schema() {
  db=$1
  dir=$2
  ensure_database "$db"
  # -v 0.0 only records a base version when none exists; update-schema then applies what is missing.
  sql_tool --db "$db" setup-schema -v 0.0
  sql_tool --db "$db" update-schema -d "$SCHEMA_ROOT/$dir/versioned"
}

ensure_schema "${DBNAME:-temporal}" temporal
ensure_schema "${VISIBILITY_DBNAME:-temporal_visibility}" visibility
echo "Temporal schemas are up to date"
