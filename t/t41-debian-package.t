#!/bin/sh
# Issue 26: the Debian package as an admin meets it.  contrib/build-deb.sh
# builds it (dpkg-buildpackage; lintian with no error; what it holds,
# unpacked), then it is installed for real with apt, `git-workflow install`
# adds the hooks to a repository without a compiler, a promotion goes
# through them by git push, and `man` finds the three pages.  The package
# is purged again at the end.  Root and apt only; the plain pass only (the
# package builds from source with Debian's flags, not the sanitizers').
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/servers.sh"

case " ${WF_SAN_CFLAGS:-} " in
*-fsanitize=*) skip_all "the plain pass builds and installs the package (it has no sanitizers)" ;;
esac
[ "$(id -u)" = 0 ] || skip_all "installing a package needs root"
command -v apt-get >/dev/null 2>&1 || skip_all "no apt-get"
dpkg-query -W -f='${Status}' git-workflow-hooks 2>/dev/null | grep -q 'install ok installed' &&
	skip_all "git-workflow-hooks is installed on this machine: this test would replace and purge it"
need_pkgs dpkg-dev debhelper lintian fakeroot man-db

purge() { DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq git-workflow-hooks >/dev/null 2>&1; }
trap purge EXIT

# The build and its checks, each line of build-deb.sh one check here.
# nocheck: the unit tests and t31-man run in this same suite.
DEB_BUILD_OPTIONS="nocheck parallel=$(nproc 2>/dev/null || echo 2)" \
	"$WF_SRCDIR/contrib/build-deb.sh" "$T/deb" >"$T/build.out" 2>&1
rc=$?
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "build-deb.sh: ${line#ok - }" ;;
	"not ok - "*) cp "$T/build.out" "$OUT"; not_ok "build-deb.sh: ${line#not ok - }" ;;
	esac
done <"$T/build.out"
cp "$T/build.out" "$OUT"
check "contrib/build-deb.sh builds the package, lintian finds no error" test "$rc" = 0
deb=$(ls "$T"/deb/git-workflow-hooks_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { done_testing; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$OUT" 2>&1
check "apt-get install ./git-workflow-hooks_*.deb" test $? = 0
check "  ... git-workflow is on PATH" test "$(command -v git-workflow)" = /usr/bin/git-workflow
check "  ... the system config is a conffile in /etc/workflow" \
	sh -c 'dpkg-query -W -f="\${Conffiles}" git-workflow-hooks | grep -q "/etc/workflow/workflow.conf"'
check "  ... no housekeeping timer was enabled" sh -c '! ls /etc/systemd/system/timers.target.wants/git-workflow* 2>/dev/null'

git-workflow install "$T/srv/git/site.git" >"$OUT" 2>&1
check "git-workflow install REPO adds the installed hooks" says "hooks installed in $T/srv/git/site.git"
check "  ... the hooks are the packaged programs" cmp -s /usr/lib/git-workflow-hooks/pre-receive "$T/srv/git/site.git/hooks/pre-receive"
check "  ... and the repository has the system config" cmp -s /etc/workflow/workflow.conf "$T/srv/git/site.git/workflow.conf"

git clone -q "$T/srv/git/site.git" "$T/work" 2>/dev/null
cd "$T/work"
commit "first"
git push -q origin master 2>"$OUT"
push origin master:test
check "a promotion through the packaged hooks is tagged" says "remote: workflow: deploy to test: tagged deploy_test_1"
commit "not tested"
git push origin HEAD:live >"$OUT" 2>&1
check "code that did not pass test is refused on live" says "remote: workflow: live is locked"
git-workflow -C "$T/srv/git/site.git" log >"$OUT" 2>&1
check "git-workflow log reads the record" says "deploy_test_1"

export MANWIDTH=80
man git-workflow >"$OUT" 2>&1
check "man git-workflow: every command" sh -c 'grep -q "check-config" "$1" && grep -q "install" "$1"' - "$OUT"
man 5 workflow.conf >"$OUT" 2>&1
check "man 5 workflow.conf: the config's keys" grep -q "min_free" "$OUT"
man 7 git-workflow-hooks >"$OUT" 2>&1
check "man 7 git-workflow-hooks: the contract" grep -q "deploy_test_" "$OUT"

purge
check "apt-get purge removes it, its config too" sh -c '! command -v git-workflow && [ ! -e /etc/workflow/workflow.conf ]'
done_testing
