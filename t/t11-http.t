#!/bin/sh
# Issue 8: the workflow over smart HTTP, as a git host serves it: nginx
# with HTTP basic auth in front of git http-backend (through fcgiwrap), so
# the pusher's name reaches the hooks as REMOTE_USER.  Everything runs on
# loopback from this test's directory and is stopped at exit.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"
. "$WF_SRCDIR/t/workflow-scenario.sh"

need_pkgs nginx fcgiwrap openssl
backend=$(git --exec-path)/git-http-backend
[ -x "$backend" ] || skip_all "git http-backend is not at $backend"
export GIT_TERMINAL_PROMPT=0

H=$T/http
mkdir -p "$H/tmp" "$T/srv"
ORIGIN=$T/srv/site.git
"$WF_SRCDIR/install.sh" --conf "$SCENARIO_CONF" "$ORIGIN" >"$T/install.out" 2>&1 ||
	{ cat "$T/install.out"; echo "Bail out! install.sh failed"; exit 1; }
git --git-dir="$ORIGIN" config http.receivepack true

# Users and passwords, the way an admin makes them for nginx
for u in alice bob; do
	printf '%s:%s\n' "$u" "$(openssl passwd -apr1 "pw-$u")"
done >"$H/htpasswd"

# fcgiwrap runs git http-backend for each request, as this test's user
# (the owner of the repository)
sock=$H/fcgiwrap.sock
spawn "$T/fcgiwrap.log" fcgiwrap -c 2 -s "unix:$sock"
i=0
while [ ! -S "$sock" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$sock" ] || { cat "$T/fcgiwrap.log"; echo "Bail out! fcgiwrap did not start"; exit 1; }

# fastcgi_read_timeout 10 s (nginx's default is 60): the long step below
# outlasts it without the test waiting a minute
nginx_conf() {
	nginx_conf_in "$H" "$1" "		client_max_body_size 0;
		fastcgi_read_timeout 10s;
		location / {
			auth_basic \"git\";
			auth_basic_user_file $H/htpasswd;
			fastcgi_pass unix:$sock;
			fastcgi_buffering off;
			fastcgi_param SCRIPT_FILENAME $backend;
			fastcgi_param GIT_PROJECT_ROOT $T/srv;
			fastcgi_param GIT_HTTP_EXPORT_ALL \"\";
			fastcgi_param PATH_INFO \$uri;
			fastcgi_param REMOTE_USER \$remote_user;
			fastcgi_param QUERY_STRING \$query_string;
			fastcgi_param REQUEST_METHOD \$request_method;
			fastcgi_param CONTENT_TYPE \$content_type;
			fastcgi_param CONTENT_LENGTH \$content_length;
			fastcgi_param HTTP_CONTENT_ENCODING \$http_content_encoding;
			fastcgi_param GIT_PROTOCOL \$http_git_protocol;
			fastcgi_param PATH /usr/local/bin:/usr/bin:/bin;
		}"
}
start_server nginx nginx_conf nginx -p "$H" -e "$H/error.log" -c "$H/nginx.conf"
url() { echo "http://$1:pw-$1@127.0.0.1:$PORT/site.git"; }

# as USER CMD...: the clone talks to the server as that user
as() { git remote set-url origin "$(url "$1")"; shift; "$@"; }

rc=0
git ls-remote "http://127.0.0.1:$PORT/site.git" >"$OUT" 2>&1 || rc=$?
check "without a password the server refuses" refused
check "it asks for a user name (401)" says "could not read Username"
git ls-remote "http://alice:wrong@127.0.0.1:$PORT/site.git" >"$OUT" 2>&1 || rc=$?
check "with a wrong password too" refused

git clone -q "$(url alice)" "$T/work" >"$OUT" 2>&1
check "alice clones over HTTP" test -d "$T/work/.git"
cd "$T/work"
commit first
push origin master
check "the first push over HTTP is accepted" pushed_ok

scenario http

# A promotion whose step outlasts nginx's fastcgi_read_timeout (10 s here,
# 60 by default): the push follows it workflow.http_wait seconds (5 here,
# 50 by default: less than the read timeout), ends well, and the
# deploy goes on to its record.  fcgiwrap holds a request's output back
# until it ends, so the remote: lines come at the end, but they come from
# before the step ended.
cat >"$ORIGIN/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "REMOTE_USER" ]; http_wait = 5; };
test = { branch = "test"; steps = (
  { name = "long"; timeout = 120; run = [ "sh", "-c", "echo long: started; sleep 15; echo long: done" ]; } ); };
CONF
records() { ls "$ORIGIN/workflow/records" | grep -c '\.json$'; }
n0=$(records)
next_tag=deploy_test_$(($(git --git-dir="$ORIGIN" tag -l 'deploy_test_*' | wc -l) + 1))
commit "long step"
as alice push origin master
as alice push origin master:test
check "a promotion with a step longer than the read timeout over HTTP succeeds" pushed_ok
# (504 not inside a hex string: a commit id such as 4504534 is no timeout)
check "  ... no gateway timeout" sh -c '! grep -qE "(^|[^0-9a-f])504([^0-9a-f]|$)|hung up" "$1"' - "$OUT"
check "  ... the pusher saw the step start" says "remote: \[long\] long: started"
check "  ... and is told how to follow the rest" says "remote: workflow: the deploy goes on on the server (over HTTP .*git-workflow follow [0-9]"
check "  ... it is tagged" has_tag "$next_tag"
i=0; while [ "$(records)" -le "$n0" ] && [ $i -lt 900 ]; do sleep 0.1; i=$((i + 1)); done
"$WF_CLI" -C "$ORIGIN" show "$(records)" >"$T/long.show" 2>&1
check "  ... the step ran to its end on the server" grep -q "long: done" "$T/long.show"
check "  ... recorded ok" grep -q "status *ok" "$T/long.show"

check "nginx saw alice's and bob's pushes" sh -c 'grep -q "^127.0.0.1 - alice .*git-receive-pack" "$1" && grep -q "^127.0.0.1 - bob .*git-receive-pack" "$1"' - "$H/access.log"

done_testing
