#!/bin/sh
# The database is part of a deploy (issue 25, point 2), against a real
# MariaDB started by the test (t/database-scenario.sh has the scenario;
# t36-database-pg.t runs it against PostgreSQL).
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs mariadb-server mariadb-client
start_mariadb "$T/mariadb"
ENGINE=mariadb
PASS="Site-db-pw-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$T/etc"
CNF=$T/etc/site.my.cnf
# the connection, password and all, in an option file of the server
printf '[client]\nhost=127.0.0.1\nport=%s\nuser=site\npassword=%s\n' "$MARIADB_PORT" "$PASS" >"$CNF"
chmod 600 "$CNF"
CONN_KEYS="options_file = \"$CNF\";"

site_setup() {
	mariadb_root "CREATE USER site@'%' IDENTIFIED BY '$PASS'; GRANT ALL ON \`site\\_%\`.* TO site@'%';" ||
		{ echo "Bail out! cannot create the site user"; exit 1; }
	db "" "CREATE DATABASE site_live; CREATE DATABASE site_test;"
	db site_live "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64))"
	db site_test "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(64))"
}
db() { mariadb --defaults-extra-file="$CNF" -N -B ${1:+"$1"} -e "$2"; }
migrate_cmd() { echo "mariadb --defaults-extra-file='$CNF' site_live <migration.sql"; }
upsert() { echo "INSERT IGNORE INTO t (id, v) VALUES ($1, '$2');"; }
sanitize_step() {
	echo '{ name = "scrub"; run = [ "sh", "-c", "mariadb --defaults-extra-file=\"$WF_DB_OPTIONS_FILE\" \"$WF_DB_NAME\" -e \"UPDATE t SET v = '"'scrubbed'"'\"" ]; }'
}

. "$WF_SRCDIR/t/database-scenario.sh"
done_testing
