#!/bin/sh
# The served release (issue 27, point 5): every release names itself in a
# file (.release: "NAME COMMIT"), and a url check with `expect` passes only
# when the web server's answer carries it, asked again until its timeout:
# a deploy that says "ok" has seen its own release served.  A server that
# still serves the old release (as PHP's OPcache or a cache can) fails the
# check, and the env is switched back.  A real nginx on loopback.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs nginx
H=$T/nginx
P=$T/site
mkdir -p "$T/stale"
nginx_conf() {
	nginx_conf_in "$H" "$1" "		location /now/ { alias $P/test/current/; }
		location /stale/ { alias $T/stale/; }"
}
start_server nginx nginx_conf nginx -p "$H" -e "$H/error.log" -c "$H/nginx.conf"
# conf WHERE TIMEOUT: Test's served check asks /WHERE/.release
conf() {
	cat >"$T/origin.git/workflow.conf" <<CONF
test = { branch = "test"; path = "$P/test";
  checks = ( { name = "served"; url = "http://127.0.0.1:$PORT/$1/.release";
               expect = "\${WF_RELEASE_NAME}"; timeout = $2; },
             { name = "page"; url = "http://127.0.0.1:$PORT/now/page.txt"; } );
};
CONF
}
printf 'test = { branch = "test"; };\n' >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
conf now 10

i=1; while [ $i -le 40 ]; do echo "line $i"; i=$((i + 1)); done >page.txt
git add page.txt
commit "A"
git push -q origin master 2>/dev/null
push origin master:test
A=$(git rev-parse HEAD)
check "a deploy whose release the web server serves passes its served check" \
	sh -c '[ "$1" = 0 ] && grep -q "check served: ok" "$2" && grep -q "recorded as deploy record" "$2"' - "$rc" "$OUT"
check "  ... the release names itself and its commit in .release" \
	grep -qx "deploy_test_1 $A" "$P/test/releases/deploy_test_1/.release"
check "  ... which is what nginx answered" grep -q "GET /now/.release HTTP/1.1\" 200" "$H/access.log"
check "a url check keeps the first lines of the page it gets" says "\[page\] line 5 *\$"
check "  ... not the whole page" sh -c '! grep -q "\[page\] line 6" "$1" && grep -q "more bytes of the answer not kept" "$1"' - "$OUT"
check "  ... nor does its record" sh -c '"$1" -C "$2" show 1 | grep -q "line 5" && ! "$1" -C "$2" show 1 | grep -q "line 40"' - \
	"$WF_CLI" "$T/origin.git"

# a server that keeps serving the release before (a stale cache, OPcache)
cp -R "$P/test/current/." "$T/stale/"
conf stale 2
commit "B"
git push -q origin master 2>/dev/null
push origin master:test
check "a deploy the web server does not serve fails its served check" \
	says "check served: failed: the answer did not carry 'deploy_test_2' within 2 s: it serves something else"
check "  ... the answer is kept: it served the release before" says "\[served\] deploy_test_1 $A"
check "  ... current is back on the release that was served" test "$(readlink "$P/test/current")" = releases/deploy_test_1
check "  ... and test is back on its commit" at refs/heads/test "$A"

# --- an expect on something that is not an HTTP step is a config error ---------
printf 'test = { path = "%s/x";\n  checks = ( { name = "c"; run = [ "true" ];\n    expect = "x"; } ); };\n' "$P" >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "'expect' on a command step is a config error with its line" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:3: step .c.: .expect. is only for an HTTP step" "$2"' - "$rc" "$OUT"
done_testing
