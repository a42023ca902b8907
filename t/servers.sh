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
