# Shared by the tests that run a real server on loopback (t11-http.t, t29-served.t,
# t12-gitolite.t): installing what they need, free ports, waiting for a
# server to listen, and stopping every server at exit, pass or fail.

# skip_all REASON: the whole test is skipped, saying why
skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# need_pkgs PKG...: the Debian packages are installed, or installed now
# (as root: CI is a fresh Debian machine); skips the test when impossible.
need_pkgs() {
	"$WF_SRCDIR/t/test-deps.sh" "$@" >"$T/deps.log" 2>&1 || skip_all "$(tail -1 "$T/deps.log")"
	sed 's/^/# /' "$T/deps.log"
}

# Servers run in process groups of their own (spawn), so stopping one
# stops the children it forked too; every server is stopped at exit,
# however the test ends.
SERVER_PIDS=
spawn() { # spawn LOG CMD...: CMD in the background, its pid in SERVER_PID
	_log=$1; shift
	setsid "$@" >>"$_log" 2>&1 </dev/null &
	SERVER_PID=$!
	SERVER_PIDS="$SERVER_PIDS $SERVER_PID"
}
stop_servers() {
	for _pid in $SERVER_PIDS; do kill -TERM "-$_pid" 2>/dev/null || kill -TERM "$_pid" 2>/dev/null; done
	for _pid in $SERVER_PIDS; do wait "$_pid" 2>/dev/null; done
	SERVER_PIDS=
}
trap 'stop_servers' EXIT
trap 'exit 1' INT TERM HUP PIPE

# random_port: a loopback TCP port nobody listens on now (the server may
# still lose a race for it: start_server then tries another).
random_port() {
	while :; do
		_port=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 + 20000 ))
		listening "$_port" || { echo "$_port"; return; }
	done
}

# listening PORT: something listens on that TCP port (IPv4 or IPv6)
listening() {
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p="$(printf '%04X' "$1")" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == p) f = 1 } END { exit !f }'
}

# start_server NAME CONFIGURE CMD...: pick a free port, run CONFIGURE PORT
# (which writes the server's config for it), start CMD in the background
# and wait until it listens.  A server that dies at once (port taken
# between the check and its bind) is retried on another port.  Sets PORT
# and SERVER_PID; the log is $T/NAME.log.
start_server() {
	_name=$1 _conf=$2; shift 2
	_try=0
	while [ $_try -lt 10 ]; do
		_try=$((_try + 1))
		PORT=$(random_port)
		"$_conf" "$PORT"
		spawn "$T/$_name.log" "$@"
		_i=0
		while [ $_i -lt 300 ]; do   # 30 s at most, only to catch a hang
			listening "$PORT" && return 0
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1; _i=$((_i + 1))
		done
		kill -TERM "-$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null
	done
	sed 's/^/# /' "$T/$_name.log"
	echo "Bail out! $_name did not start (log above)"
	exit 1
}

# start_php_fpm CHILDREN POOL_LINES [ARG...]: a PHP-FPM master of the
# test's own ($FPM, in the foreground), its pool on $sock (default
# $T/fpm.sock) with CHILDREN static workers and POOL_LINES (php_admin_value
# lines, or none); ARGs go to the master (-d: what only the master sets,
# such as OPcache's shared memory).  Bails out when the socket never comes.
start_php_fpm() {
	_children=$1 _pool=$2
	shift 2
	: "${sock:=$T/fpm.sock}"
	cat >"$T/fpm.conf" <<CONF
[global]
pid = $T/fpm.pid
error_log = $T/fpm.log
daemonize = no
[site]
listen = $sock
pm = static
pm.max_children = $_children
$_pool
CONF
	spawn "$T/fpm.out" "$FPM" -R -F -y "$T/fpm.conf" "$@"
	_i=0; while [ ! -S "$sock" ] && [ $_i -lt 300 ]; do sleep 0.1; _i=$((_i + 1)); done
	[ -S "$sock" ] || { cat "$T/fpm.out" "$T/fpm.log" 2>/dev/null | sed 's/^/# /'; echo "Bail out! php-fpm did not start"; exit 1; }
}

# nginx_conf_in DIR PORT SERVER-BODY: DIR/nginx.conf for an nginx of the
# test's own (no daemon, one worker, its logs and temp files in DIR)
# listening on 127.0.0.1:PORT with SERVER-BODY inside its server block.
nginx_conf_in() {
	mkdir -p "$1/tmp"
	cat >"$1/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log info;
events { worker_connections 64; }
http {
	access_log $1/access.log;
	client_body_temp_path $1/tmp/body;
	fastcgi_temp_path $1/tmp/fastcgi;
	proxy_temp_path $1/tmp/proxy;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	server {
		listen 127.0.0.1:$2;
$3
	}
}
CONF
}

# start_mariadb DIR: a MariaDB server of the test's own (t36-database.t):
# its data, socket, pid and log in DIR, listening on 127.0.0.1:PORT only,
# root with password authentication and no password (reached through
# DIR/root.cnf, for the test's own setup: grants are real, never skipped).
# Runs as root (--user=root).  Sets MARIADB_PORT.
mariadb_conf() {
	cat >"$MARIADB_DIR/my.cnf" <<CONF
[mariadbd]
datadir=$MARIADB_DIR/data
socket=$MARIADB_DIR/mysqld.sock
pid-file=$MARIADB_DIR/mysqld.pid
log-error=$MARIADB_DIR/error.log
port=$1
bind-address=127.0.0.1
skip-name-resolve
innodb-buffer-pool-size=16M
innodb-log-file-size=8M
CONF
	printf '[client]\nsocket=%s/mysqld.sock\nuser=root\n' "$MARIADB_DIR" >"$MARIADB_DIR/root.cnf"
}
start_mariadb() {
	MARIADB_DIR=$1
	mkdir -p "$MARIADB_DIR/data"
	mariadb-install-db --no-defaults --datadir="$MARIADB_DIR/data" --user=root --auth-root-authentication-method=normal \
		--skip-test-db >"$MARIADB_DIR/install.log" 2>&1 ||
		{ sed 's/^/# /' "$MARIADB_DIR/install.log"; echo "Bail out! mariadb-install-db failed"; exit 1; }
	start_server mariadb mariadb_conf mariadbd --defaults-file="$MARIADB_DIR/my.cnf" --user=root
	MARIADB_PORT=$PORT
}
# mariadb_root SQL: run SQL as the server's root (the test's setup only)
mariadb_root() { mariadb --defaults-file="$MARIADB_DIR/root.cnf" -e "$1"; }

# start_postgresql DIR: a PostgreSQL 15 of the test's own: its cluster in
# DIR (initdb, a superuser "postgres" whose password is in DIR/su.pass,
# scram-sha-256 for every connection), its socket in DIR, listening on
# 127.0.0.1:PORT only.  PostgreSQL refuses to run as root: it runs as
# nobody, DIR theirs.  Sets PG_PORT; pg_root SQL runs SQL as the superuser.
PG_BIN=/usr/lib/postgresql/15/bin
pg_conf() {
	printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nfsync = off\n" \
		"$1" "$PG_DIR" >>"$PG_DIR/data/postgresql.conf"
	PG_PORT=$1
}
start_postgresql() {
	PG_DIR=$1
	mkdir -p "$PG_DIR"
	head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$PG_DIR/su.pass"
	chown -R nobody:nogroup "$PG_DIR"
	chmod 700 "$PG_DIR"
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres \
		--auth=scram-sha-256 --pwfile="$PG_DIR/su.pass" >"$PG_DIR/initdb.log" 2>&1 ||
		{ sed 's/^/# /' "$PG_DIR/initdb.log"; echo "Bail out! initdb failed"; exit 1; }
	start_server postgresql pg_conf setpriv --reuid=nobody --regid=nogroup --clear-groups "$PG_BIN/postgres" \
		-D "$PG_DIR/data"
	printf '127.0.0.1:%s:*:postgres:%s\n' "$PG_PORT" "$(cat "$PG_DIR/su.pass")" >"$PG_DIR/su.pgpass"
	chmod 600 "$PG_DIR/su.pgpass"
}
pg_root() {
	PGPASSFILE=$PG_DIR/su.pgpass "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres \
		-d "${2:-postgres}" -c "$1"
}

# start_wordpress_nginx ROOT SOCK: nginx ($T/nginx) serving WordPress from
# ROOT with PHP-FPM on the socket SOCK, the server block of
# docs/cms-wordpress.md (PHP under uploads/ denied); its port in PORT.
start_wordpress_nginx() {
	_wp_root=$1 _wp_sock=$2 H=$T/nginx
	start_server nginx wordpress_nginx_conf nginx -p "$H" -e "$H/error.log" -c "$H/nginx.conf"
}
wordpress_nginx_conf() {
	nginx_conf_in "$H" "$1" "		root $_wp_root;
		index index.php;
		location ~* ^/wp-content/uploads/.*\\.php\$ { deny all; }
		location / { try_files \$uri \$uri/ /index.php?\$args; }
		location ~ \\.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$realpath_root\$fastcgi_script_name;
			fastcgi_param DOCUMENT_ROOT \$realpath_root;
			fastcgi_param HTTP_HOST \$http_host;
			fastcgi_pass unix:$_wp_sock;
		}"
}
