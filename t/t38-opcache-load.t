#!/bin/sh
# OPcache under load (issue 25, point 5): nginx + PHP-FPM serving an env
# with php_fpm, a few clients asking all the time, 10 real pushes each
# switching to a new release: not one HTTP 5xx (the reset after each
# switch drops no request, as a reload of PHP-FPM would), and OPcache is
# not full afterwards although 10 releases' scripts (each release has new
# paths) would not fit in it together.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs nginx php-fpm libfcgi-bin curl
FPM=$(command -v php-fpm8.2 || ls /usr/sbin/php-fpm* 2>/dev/null | head -1)
[ -n "$FPM" ] || skip_all "no php-fpm binary"
P=$T/site
sock=$T/fpm.sock
FILES=60
# room for 223 scripts (opcache.max_accelerated_files = 200 is raised to
# that prime): 10 releases of 61 scripts do not fit, 2 do
# the shared memory is made by the master, before any pool's settings: -d
start_php_fpm 4 "php_admin_value[opcache.enable] = 1
php_admin_value[opcache.validate_timestamps] = 0" \
	-d opcache.max_accelerated_files=200 -d opcache.memory_consumption=16 -d opcache.interned_strings_buffer=4
H=$T/nginx
nginx_conf() {
	nginx_conf_in "$H" "$1" "		root $P/test/current;
		location ~ \\.php\$ {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME \$realpath_root\$fastcgi_script_name;
			fastcgi_param DOCUMENT_ROOT \$realpath_root;
			fastcgi_pass unix:$sock;
		}"
}
start_server nginx nginx_conf nginx -p "$H" -e "$H/error.log" -c "$H/nginx.conf"
URL=http://127.0.0.1:$PORT/index.php

printf 'test = { branch = "test"; path = "%s/test"; php_fpm = "%s"; };\n' "$P" "$sock" >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
mkdir lib
i=1; while [ $i -le $FILES ]; do printf '<?php function f%d() { return %d; }\n' $i $i >lib/f$i.php; i=$((i + 1)); done
{ echo '<?php $n = 0;'; i=1; while [ $i -le $FILES ]; do echo "require __DIR__ . '/lib/f$i.php'; \$n += f$i();"; i=$((i + 1)); done
  echo 'echo "release ", trim(file_get_contents(__DIR__ . "/.release")), " sum $n\n";'; } >index.php
git add -A && commit "the site"
git push -q origin master 2>/dev/null
push origin master:test
check "the first deploy is served" sh -c '[ "$1" = 0 ] && curl -sf "$2" | grep -q "^release deploy_test_1 .* sum 1830$"' - "$rc" "$URL"

# clients: each asks again 10 ms after its answer, noting every status it
# gets (three of them keep requests in flight through every switch;
# asking with no pause at all only took the cores from the other tests)
cat >"$T/client.sh" <<EOF
while [ ! -e "$T/stop" ]; do curl -s -o /dev/null -w '%{http_code}\n' "$URL" >>"$T/codes.\$1"; sleep 0.01; done
EOF
for c in 1 2 3; do spawn "$T/client.log" sh "$T/client.sh" $c; done
n=2
while [ $n -le 11 ]; do
	commit "release $n"
	git push -q origin master 2>/dev/null
	push origin master:test
	cat "$OUT" >>"$T/all-out"
	n=$((n + 1))
done
touch "$T/stop"
OUT=$T/all-out
check "10 deploys under load, each switched and resetting OPcache in the pool" \
	sh -c '[ "$(grep -c "current is now releases/deploy_test_" "$1")" = 10 ] && [ "$(grep -c "step opcache-reset: ok" "$1")" = 10 ]' - "$OUT"
sleep 0.3
cat "$T"/codes.* >"$T/codes"
check "the clients were answered all along (a few hundred requests)" sh -c '[ "$(grep -c "^200$" "$1")" -ge 100 ]' - "$T/codes"
check "  ... and not one answer was an error: no 5xx, no refused connection" sh -c '! grep -qv "^200$" "$1"' - "$T/codes"
check "  ... the last release is served" sh -c 'curl -sf "$1" | grep -q "^release deploy_test_11 "' - "$URL"

# what the pool's OPcache holds now, asked through its socket
cat >"$T/status.php" <<'EOF'
<?php $s = opcache_get_status(false);
echo "cache_full=", $s['cache_full'] ? 'yes' : 'no', " scripts=", $s['opcache_statistics']['num_cached_scripts'], "\n";
EOF
SCRIPT_FILENAME=$T/status.php REQUEST_METHOD=GET QUERY_STRING= cgi-fcgi -bind -connect "$sock" >"$T/status" 2>&1
check "OPcache is not full after the 10 switches" grep -q "cache_full=no" "$T/status"
check "  ... it holds about one release's scripts, not ten" \
	sh -c 'n=$(sed -n "s/.*scripts=\([0-9]*\).*/\1/p" "$1"); [ -n "$n" ] && [ "$n" -le $((2 * ($2 + 2))) ]' - "$T/status" "$FILES"
check "  ... and no reset found it full" sh -c '! grep -q "it was full" "$1"' - "$OUT"
done_testing
