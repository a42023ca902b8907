#!/bin/sh
# Issue 8: the workflow on gitolite over SSH.  Debian's gitolite3 behind an
# sshd of our own on loopback (own host key and config, keys made here);
# gitolite keeps its update hook, ours run as pre-receive, post-receive
# and the WORKFLOW VREF; the pusher's name comes from GL_USER.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"
. "$WF_SRCDIR/t/workflow-scenario.sh"

need_pkgs gitolite3 openssh-server openssh-client
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || skip_all "no $sshd"

# The git host's user.  As root: a dedicated system user; otherwise sshd
# can only log in the user running it, so gitolite runs as that user.
if [ "$(id -u)" = 0 ]; then
	GLUSER=wfgit
	system_user "$GLUSER" || skip_all "cannot create the system user $GLUSER"
else
	GLUSER=$(id -un)
	[ -d /run/sshd ] || skip_all "sshd needs /run/sshd, which only root can create (run this test as root)"
fi
# gitolite's home: outside the build tree, which the git user may not be
# allowed to enter
GLH=$(mktemp -d /tmp/wf-gitolite.XXXXXX)
trap 'stop_servers; rm -rf "$GLH"' EXIT
chmod 755 "$GLH"
[ "$(id -u)" = 0 ] && chown "$GLUSER" "$GLH"
asgl() { # asgl CMD...: run CMD as the git host's user, in gitolite's home
	if [ "$(id -u)" = 0 ]; then
		(cd "$GLH" && runuser -u "$GLUSER" -- env HOME="$GLH" PATH=/usr/local/bin:/usr/bin:/bin "$@")
	else
		(cd "$GLH" && env HOME="$GLH" "$@")
	fi
}

mkdir -p "$T/keys" "$T/ssh"
for k in admin alice bob carol; do
	ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$T/keys/$k" || { echo "Bail out! ssh-keygen failed"; exit 1; }
done
ssh-keygen -q -t ed25519 -N '' -f "$T/ssh/host_key"
cp "$T/keys/admin.pub" "$GLH/admin.pub"
asgl gitolite setup -pk "$GLH/admin.pub" >"$T/gitolite-setup.log" 2>&1 ||
	{ sed 's/^/# /' "$T/gitolite-setup.log"; echo "Bail out! gitolite setup failed"; exit 1; }
# LOCAL_CODE: where the site's own gitolite code lives, our VREF among it
sed -i 's|^\( *\)# *LOCAL_CODE *=> *"$rc{GL_ADMIN_BASE}/local",|\1LOCAL_CODE => "$rc{GL_ADMIN_BASE}/local",|' "$GLH/.gitolite.rc"

sshd_conf() {
	cat >"$T/ssh/sshd_config" <<CONF
ListenAddress 127.0.0.1:$1
HostKey $T/ssh/host_key
PidFile $T/ssh/sshd.pid
AuthorizedKeysFile $GLH/.ssh/authorized_keys
AllowUsers $GLUSER
SetEnv HOME=$GLH
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
LogLevel VERBOSE
CONF
}
start_server sshd sshd_conf "$sshd" -D -e -f "$T/ssh/sshd_config"

# as USER CMD...: ssh with that user's key; gitolite knows the key
as() {
	GIT_SSH_COMMAND="ssh -F /dev/null -i $T/keys/$1 -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes"
	export GIT_SSH_COMMAND
	shift; "$@"
}
URL=ssh://$GLUSER@127.0.0.1:$PORT

# Not root, sshd can only log in its own user, and not when that account is
# locked (e.g. nobody): then there is nothing to test here.
if [ "$(id -u)" != 0 ] && ! as admin sh -c '$GIT_SSH_COMMAND -p "$1" "$2@127.0.0.1" info' - "$PORT" "$GLUSER" >"$OUT" 2>&1; then
	skip_all "sshd run by $GLUSER cannot log in $GLUSER: $(grep -i 'not allowed\|refused\|invalid' "$T/sshd.log" | head -1)"
fi
check "gitolite's rc names LOCAL_CODE" test "$(asgl gitolite query-rc LOCAL_CODE)" = "$GLH/.gitolite/local"

# The admin declares the repository and the users, as on any gitolite
as admin git clone -q "$URL/gitolite-admin" "$T/admin" >"$OUT" 2>&1
check "the admin clones gitolite-admin over ssh" test -f "$T/admin/conf/gitolite.conf"
cd "$T/admin"
cp "$T/keys/alice.pub" "$T/keys/bob.pub" keydir/
cat >conf/gitolite.conf <<'CONF'
repo gitolite-admin
    RW+     =   admin

repo site
    RW+     =   alice bob
    -   VREF/WORKFLOW   =   @all
CONF
git add -A && git commit -q -m "site: alice and bob, the workflow VREF"
as admin push origin master
check "the admin's push creates the site repository" pushed_ok
ORIGIN=$GLH/repositories/site.git
check "gitolite made site.git" test -d "$ORIGIN"

"$WF_SRCDIR/install.sh" --conf "$SCENARIO_CONF" "$ORIGIN" >"$OUT" 2>&1
check "install.sh recognises gitolite's repository" says "(gitolite layout)"
check "and puts the VREF into LOCAL_CODE" says "gitolite VREF installed as $GLH/.gitolite/local/VREF/WORKFLOW"
check "gitolite's update hook stays" sh -c 'readlink "$1/hooks/update" | grep -q "/hooks/common/update$"' - "$ORIGIN"
check "the repository's files belong to the git user" test "$(stat -c %U "$ORIGIN/hooks/pre-receive" "$ORIGIN/workflow.conf" | sort -u)" = "$GLUSER"

as alice git clone -q "$URL/site" "$T/work" >"$OUT" 2>&1
check "alice clones site over ssh" test -d "$T/work/.git"
cd "$T/work"
commit first
as alice push origin master
check "alice's first push is accepted" pushed_ok

as carol push origin master:carol
check "gitolite still decides who may push: carol (no rule) is refused" refused
check "by gitolite" says "FATAL\|DENIED\|Permission denied"

scenario gitolite

# The refusals above came from our checks run as gitolite's VREF
git checkout -q -b late
commit "late"
as alice push -f origin late:live
check "a forced push to live is refused" refused
check "by our checks, run as gitolite's VREF" says "VREF/WORKFLOW"
check "the reason is said once: the VREF found pre-receive's plan of the push" \
	test "$(grep -c "remote: workflow: live is locked" "$OUT")" = 1

# gitolite setup is what an admin runs after an upgrade: it rewrites
# gitolite's hooks in every repository and must leave ours working.
asgl gitolite setup >"$T/gitolite-resetup.log" 2>&1
check "after gitolite setup, pre-receive is still ours" cmp -s "$WF_BUILDDIR/hooks/pre-receive" "$ORIGIN/hooks/pre-receive"
as alice push -f origin late:live
check "after gitolite setup, live is still locked" says "remote: workflow: live is locked"
check "and live did not move" at refs/heads/live "$hf"

done_testing
