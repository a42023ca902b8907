#!/bin/sh
# Build the Debian package from this tree (dpkg-buildpackage -us -uc -b, on
# a copy of the tracked files), run lintian on it, and check what it
# installs without installing it: unpacked with dpkg-deb -x into a scratch
# directory, its layout, its conffile, its git-workflow, its man pages
# (man -l), and its install.sh adding the hooks to a repository that then
# takes a promotion by git push.  Not part of ./check.sh: the build takes
# minutes.
#
#   contrib/build-deb.sh [OUTDIR]    the .deb and lintian.txt go to OUTDIR
#                                    (default: deb/ in this tree)
# As root it installs the build packages it lacks (apt-get).  Exits 1 when
# the build fails, lintian reports an error, or a check fails.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$src/deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
failed=0
ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; failed=1; }
check() { d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
upstream=$(sed -n 's/^AC_INIT(\[[^]]*\], \[\([^]]*\)\].*/\1/p' "$src/configure.ac")
[ "$version" = "$upstream" ] || [ "${version%-*}" = "$upstream" ] || {
	echo "build-deb.sh: debian/changelog says $version, configure.ac $upstream: add a changelog entry (dch -v $upstream)" >&2
	exit 1
}

# The tracked files as they are in the work tree; no build products.
pkg=$work/git-workflow-hooks-$version
mkdir -p "$pkg"
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -z | xargs -0 tar cf - 2>/dev/null) | tar xf - -C "$pkg"
else
	(cd "$src" && tar cf - --exclude=./deb --exclude='*.o' --exclude='*.a' .) | tar xf - -C "$pkg"
	(cd "$pkg" && { [ ! -f Makefile ] || make -s distclean >/dev/null 2>&1 || true; })
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	need="dpkg-dev debhelper lintian fakeroot"
	missing=
	for p in $need; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "build-deb.sh: installing$missing"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null 2>&1 ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null; }
	fi
	# the Build-Depends of debian/control
	(cd "$pkg" && dpkg-checkbuilddeps >/dev/null 2>&1) ||
		DEBIAN_FRONTEND=noninteractive apt-get build-dep -y -qq "$pkg" >/dev/null
fi

echo "build-deb.sh: building git-workflow-hooks $version in $pkg"
if ! (cd "$pkg" && nice dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	tail -40 "$work/build.log"
	echo "build-deb.sh: dpkg-buildpackage failed (the log's end is above)" >&2
	exit 1
fi
built=$(date +%s)
deb=$(ls "$work"/git-workflow-hooks_"$version"_*.deb)
cp "$deb" "$out/"
deb=$out/$(basename "$deb")
ok "dpkg-buildpackage built $(basename "$deb") in $((built - start)) s"

# lintian: errors fail, the rest is listed.
lintian --info --display-info --tag-display-limit 0 "$work"/*.changes >"$out/lintian.txt" 2>&1 || true
check "lintian reports no error" sh -c '! grep -q "^E: " "$1"' - "$out/lintian.txt"
echo "build-deb.sh: lintian: $(grep -c '^E: ' "$out/lintian.txt" || true) errors, $(grep -c '^W: ' "$out/lintian.txt" || true) warnings, $(grep -c '^I: ' "$out/lintian.txt" || true) info (all in $out/lintian.txt)"
grep '^[EW]: ' "$out/lintian.txt" | sed 's/^/  /' || true

# What it installs, unpacked.
root=$work/root
dpkg-deb -x "$deb" "$root"
for h in pre-receive update workflow-update post-receive workflow-post-receive; do
	check "/usr/lib/git-workflow-hooks/$h" test -x "$root/usr/lib/git-workflow-hooks/$h"
done
check "/usr/bin/git-workflow" test -x "$root/usr/bin/git-workflow"
check "/etc/workflow/workflow.conf is the shipped config" cmp -s "$root/etc/workflow/workflow.conf" "$src/conf/workflow.conf"
check "/etc/workflow/workflow.conf is a conffile" sh -c 'dpkg-deb -I "$1" conffiles | grep -qx /etc/workflow/workflow.conf' - "$deb"
check "/usr/share/git-workflow-hooks/install.sh" test -x "$root/usr/share/git-workflow-hooks/install.sh"
check "it installs from /usr/lib/git-workflow-hooks" \
	grep -qx 'installed_progs=/usr/lib/git-workflow-hooks' "$root/usr/share/git-workflow-hooks/install.sh"
check "the gitolite VREF beside it" test -x "$root/usr/share/git-workflow-hooks/contrib/gitolite/WORKFLOW"
for u in git-workflow-housekeeping@.service git-workflow-housekeeping@.timer; do
	check "the systemd unit $u" test -f "$root/lib/systemd/system/$u"
done
check "no unit is enabled by the package" sh -c '! dpkg-deb -e "$1" "$2/ctl" || ! grep -qs "deb-systemd-helper enable\|systemctl.*enable" "$2"/ctl/postinst' - "$deb" "$work"
"$root/usr/bin/git-workflow" --help >"$work/help" 2>&1
check "the packaged git-workflow --help runs" grep -q 'check-config' "$work/help"
for p in man1/git-workflow.1 man5/workflow.conf.5 man7/git-workflow-hooks.7; do
	f=$root/usr/share/man/$p.gz
	check "man -l $p renders without a warning" sh -c \
		'LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$1" 2>"$2" | grep -q . && test ! -s "$2"' - "$f" "$work/man.err"
done

# Its install.sh adds the hooks to a repository (its places moved under
# the scratch root, as if it were /), and a promotion goes through them.
sed "s|^installed_\([a-z]*\)=/|installed_\1=$root/|" "$root/usr/share/git-workflow-hooks/install.sh" >"$work/install.sh"
chmod 755 "$work/install.sh"
export GIT_CONFIG_NOSYSTEM=1 HOME="$work/home" GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.org \
	GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.org
mkdir -p "$HOME"
"$work/install.sh" "$work/site.git" >"$work/install.out" 2>&1
check "the packaged install.sh adds the hooks to a repository" grep -q 'hooks installed in' "$work/install.out"
git init -q -b master "$work/clone"
(
	cd "$work/clone"
	echo hello >index.php && git add index.php && git commit -qm first
	git push -q "$work/site.git" master 2>/dev/null
	git push "$work/site.git" master:test
) >"$work/push.out" 2>&1 || true
check "a promotion through the packaged hooks is tagged deploy_test_1" \
	grep -q 'remote: workflow: deploy to test: tagged deploy_test_1' "$work/push.out"

echo "build-deb.sh: $deb ($(( $(date +%s) - start )) s in all, the build $((built - start)) s)"
exit $failed
