#!/bin/sh
# PHP sees new code at full speed (issue 25, point 5): with php_fpm, each
# switch resets OPcache inside the PHP-FPM pool through its FastCGI socket
# (cgi-fcgi), so the old releases' scripts are freed and no request is
# dropped (no reload); the answer says how full the cache was, and warns
# when it was full.  A real PHP-FPM started by the test.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs php-fpm libfcgi-bin
FPM=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
[ -n "$FPM" ] || skip_all "no php-fpm binary"
P=$T/site
sock=$T/fpm.sock
start_php_fpm 1 "php_admin_value[opcache.enable] = 1
php_admin_value[opcache.validate_timestamps] = 0
php_admin_value[opcache.memory_consumption] = 16"

printf 'test = { branch = "test"; path = "%s/test"; php_fpm = "%s"; };\n' "$P" "$sock" >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
echo '<?php echo "release A\n";' >index.php
git add index.php
commit "A"
git push -q origin master 2>/dev/null
push origin master:test
check "a deploy with php_fpm resets OPcache after the switch" \
	sh -c '[ "$1" = 0 ] && grep -q "step opcache-reset: ok" "$2" && grep -q "\[opcache-reset\] opcache: reset; it held" "$2"' - "$rc" "$OUT"
check "  ... PHP serves the release" sh -c 'get() { SCRIPT_FILENAME=$1 REQUEST_METHOD=GET QUERY_STRING= cgi-fcgi -bind -connect "$2" | sed "1,/^\r*\$/d"; }; get "$3" "$2" | grep -qx "release A"' - x "$sock" "$P/test/current/index.php"

echo '<?php echo "release B\n";' >index.php
commit "B"
git add index.php && git commit -q --amend -m "B" && git push -q origin master 2>/dev/null
push origin master:test
check "the next deploy's reset frees what the last release cached" says "\[opcache-reset\] opcache: reset; it held [1-9][0-9]* scripts"
check "  ... and the new code is served at once, with timestamps not checked" \
	sh -c '[ "$(SCRIPT_FILENAME=$1 REQUEST_METHOD=GET QUERY_STRING= cgi-fcgi -bind -connect "$2" | sed "1,/^\r*\$/d")" = "release B" ]' - \
	"$P/test/current/index.php" "$sock"
check "  ... the reset is recorded as a step of the deploy" \
	sh -c '"$1" -C "$2" show "$(ls "$2/workflow/records" | grep -c json)" | grep -q "opcache-reset"' - "$WF_CLI" "$T/origin.git"
check "  ... its script is outside every release (no web server reaches it)" test -f "$P/test/.wf-php/opcache-reset.php"

# --- a pool that cannot be reached fails the deploy, which switches back --------
printf 'test = { branch = "test"; path = "%s/test"; php_fpm = "%s/nowhere.sock"; };\n' "$P" "$T" >"$T/origin.git/workflow.conf"
echo '<?php echo "release C\n";' >index.php
git add index.php && git commit -q -m "C" && git push -q origin master 2>/dev/null
push origin master:test
check "a pool that cannot be reached fails the reset" says "step opcache-reset: failed"
check "  ... and test goes back to the release that PHP serves" test "$(readlink "$P/test/current")" = releases/deploy_test_2

printf 'test = { path = "%s/x"; php_fpm = "php-fpm"; };\n' "$P" >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "a php_fpm that is no socket is a config error" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:1: .test.php_fpm. must be the pool.s FastCGI socket" "$2"' - "$rc" "$OUT"
done_testing
