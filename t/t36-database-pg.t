#!/bin/sh
# The database is part of a deploy (issue 25, point 2), against a real
# PostgreSQL 15 started by the test: the scenario of t36-database.t
# (t/database-scenario.sh), the connection a libpq service file and a
# password file.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs postgresql-15 postgresql-client-15
start_postgresql "$T/pg"
ENGINE=postgresql
PASS="Site-db-pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$T/etc"
SVC=$T/etc/pg_service.conf
PGP=$T/etc/site.pgpass
# where and who in a service file, the password in a password file (0600)
printf '[site]\nhost=127.0.0.1\nport=%s\nuser=site\n' "$PG_PORT" >"$SVC"
printf '127.0.0.1:%s:*:site:%s\n' "$PG_PORT" "$PASS" >"$PGP"
chmod 600 "$PGP"
CONN_KEYS="options_file = \"$SVC\"; service = \"site\"; passfile = \"$PGP\";"

site_setup() {
	pg_root "CREATE ROLE site LOGIN CREATEDB PASSWORD '$PASS'" || { echo "Bail out! cannot create the site user"; exit 1; }
	db postgres "CREATE DATABASE site_live" && db postgres "CREATE DATABASE site_test"
	db site_live "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64))"
	db site_test "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64))"
}
db() { PGSERVICEFILE=$SVC PGSERVICE=site PGPASSFILE=$PGP psql -X -q -A -t -F '	' -v ON_ERROR_STOP=1 -d "$1" -c "$2"; }
migrate_cmd() {
	echo "PGSERVICEFILE='$SVC' PGSERVICE=site PGPASSFILE='$PGP' psql -X -q -v ON_ERROR_STOP=1 -d site_live -f migration.sql"
}
upsert() { echo "INSERT INTO t (id, v) VALUES ($1, '$2') ON CONFLICT DO NOTHING;"; }
sanitize_step() { echo '{ name = "scrub"; run = [ "psql", "-X", "-q", "-c", "UPDATE t SET v = '"'scrubbed'"'" ]; }'; }

. "$WF_SRCDIR/t/database-scenario.sh"
done_testing
