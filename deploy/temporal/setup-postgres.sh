#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases (default store and visibility).
# Runs in the temporalio/admin-tools image; safe to run again (create tolerates existing).
set -eu

tool() {
  temporal-sql-tool --plugin postgres12 --ep postgresql -p 5432 \
    -u "${POSTGRES_USER}" "$@"  # the password comes from SQL_PASSWORD
}

tool --db temporal create || true
tool --db temporal setup-schema -v 0.0
tool --db temporal update-schema -d /etc/temporal/schema/postgresql/v12/temporal/versioned

tool --db temporal_visibility create || true
tool --db temporal_visibility setup-schema -v 0.0
tool --db temporal_visibility update-schema -d /etc/temporal/schema/postgresql/v12/visibility/versioned
echo "Temporal schema is ready."
