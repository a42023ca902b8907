#!/bin/sh
# Install the Debian packages the server tests use (t11-http.t: nginx,
# fcgiwrap, openssl; t12-gitolite.t: gitolite3, sshd; t19-dashboard.t: chromium,
# a headless browser; t20-hosts.t: sshd, rsync; t26-freeze.t: faketime, a fixed
# clock; t34-opcache.t, t38-opcache-load.t: php-fpm, cgi-fcgi; t41-debian-package.t: the
# package build and lintian; t37-recipe-wordpress.t: Debian's WordPress, MariaDB;
# t36-database*.t: mariadb-server, postgresql-15), or the ones named.
# Installs packages only: their services are not started.  Exits non-zero,
# saying why, when they are missing and cannot be installed (not root, no
# apt-get); the tests then skip with that reason.
#
#   t/test-deps.sh [PKG...]
set -u
[ $# -gt 0 ] || set -- nginx fcgiwrap openssl gitolite3 openssh-server openssh-client rsync chromium faketime php-fpm libfcgi-bin dpkg-dev debhelper lintian fakeroot man-db \
	curl wordpress php-mysql mariadb-server mariadb-client postgresql-15 postgresql-client-15
missing=
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "needs the Debian packages$missing (install them as root: apt-get install$missing)"
	exit 1
fi
command -v apt-get >/dev/null 2>&1 || { echo "needs$missing and there is no apt-get to install them"; exit 1; }
echo "test-deps.sh: installing Debian packages:$missing"
# keep apt from starting nginx or sshd on this machine
policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && policy=1
fi
log=$(mktemp)
ok=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >"$log" 2>&1 ||
	{ apt-get update -qq >>"$log" 2>&1 &&
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >>"$log" 2>&1; } || ok=1
[ -n "$policy" ] && rm -f /usr/sbin/policy-rc.d
[ $ok = 0 ] || { tail -5 "$log"; echo "could not install$missing with apt-get"; }
rm -f "$log"
exit $ok
