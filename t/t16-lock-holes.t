#!/bin/sh
# Issue 14: holes in the locks, each shown by the push that went through
# them: a promotion whose Dev update git refused, a forged pusher, a branch
# value that locked the wrong ref, out-of-range integers, SHA-256.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
cat >"$T/workflow.conf" <<'CONF'
live = { branch = "live"; hotfix = true; };
hotfix = { users = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
no_tag() { ! has_tag "$1"; }

# --- 1. Test takes code only from Dev, even when git refuses Dev's update --
m0=$(git rev-parse HEAD)
push origin master:test
t1=$(tip refs/heads/test)
commit "M1"
git push -q origin master 2>/dev/null
m1=$(git rev-parse HEAD)
git checkout -q -b side "$m0"
commit "E, never on master" side.txt
e=$(git rev-parse HEAD)
git push -q origin side 2>/dev/null
# master's old value is stale (M0, not M1): git refuses that update after
# the hooks allowed it, and test must not move on the strength of it
printf '%s %s refs/heads/master\n%s %s refs/heads/test\n' "$m0" "$e" "$t1" "$e" >"$T/cmds"
raw_receive_pack "$T/cmds"
check "git refused the stale master update" grep -q "ng refs/heads/master" "$T/raw.out"
check "test was refused too" grep -q "ng refs/heads/test" "$T/raw.out"
check "test did not move" at refs/heads/test "$t1"
check "master did not move" at refs/heads/master "$m1"
check "no deploy tag was made" no_tag deploy_test_2
check "the pusher is told why" says "workflow: test is locked: .* is on master only through this push's update of master, which git did not make"

# the same with stock git: master's update refused by receive.denyNonFastForwards
cat >"$T/force.conf" <<'CONF'
dev = { branch = "master"; allow_force = true; };
CONF
cp "$T/force.conf" "$T/origin.git/workflow.conf"
$git config receive.denyNonFastForwards true
push -f origin side:master side:test
check "a forced master:test push git refuses for master is refused" refused
check "  ... test did not move" at refs/heads/test "$t1"
check "  ... master did not move" at refs/heads/master "$m1"
check "  ... no deploy tag" no_tag deploy_test_2
$git config --unset receive.denyNonFastForwards
cp "$T/workflow.conf" "$T/origin.git/workflow.conf"

# the ordinary case still works: master and master:test in one push
git checkout -q master
commit "M2"
m2=$(git rev-parse HEAD)
push origin HEAD:master HEAD:test
check "master and master:test in one push are accepted" pushed_ok
check "  ... test is on the new commit" at refs/heads/test "$m2"
check "  ... and it is tagged" has_tag deploy_test_2

# --- 2. the pusher is who the host says, never who the pusher says -------
fetch
git push -q origin test:live 2>/dev/null
git checkout -q -b hotfix origin/live
commit "a hotfix" hotfix.txt
push --receive-pack='env GL_USER=alice REMOTE_USER=alice GL_USERNAME=alice GITEA_PUSHER_NAME=alice git-receive-pack' \
	origin HEAD:refs/hotfix/live
check "a hotfix as a self-named alice is refused" refused
check "  ... as the Unix user" says "workflow: $(id -un) may not hotfix live"
check "  ... live did not move" sh -c '[ "$(git --git-dir="$1" rev-parse live)" = "$(git rev-parse origin/live)" ]' - "$T/origin.git"
git checkout -q master

# install.sh trusts each host's own variable, and none on plain ssh
for l in plain http gitolite gitlab gitea; do
	"$WF_SRCDIR/install.sh" --layout $l "$T/id-$l.git" >"$T/id-$l.out" 2>&1
done
trusts() { grep -qxF "  identity_vars = [ $2];  # written by install.sh for the host" "$T/id-$1.git/workflow.conf"; }
check "plain: no host variable is trusted" trusts plain ""
check "  ... install.sh says so" grep -q "the pusher's name comes from the Unix user" "$T/id-plain.out"
check "http: REMOTE_USER" trusts http '"REMOTE_USER" '
check "gitolite: GL_USER" trusts gitolite '"GL_USER" '
check "gitlab: GL_USERNAME" trusts gitlab '"GL_USERNAME" '
check "gitea: GITEA_PUSHER_NAME" trusts gitea '"GITEA_PUSHER_NAME" '
"$WF_SRCDIR/install.sh" --layout http "$T/id-gitlab.git" >"$OUT" 2>&1
check "reinstalling a config that trusts another host's variable warns" says "warning: .*trusts GL_USERNAME, which a http host does not set"

# --- 5. a config that would lock the wrong ref, or cut an integer --------
WF=$WF_CLI
printf 'test = {\n  branch = "refs/heads/test";\n};\n' >"$T/ref.conf"
rc=0; "$WF" check-config "$T/ref.conf" >"$OUT" 2>&1 || rc=$?
check "check-config refuses a branch given as a ref" refused
check "  ... with file, line and the short name" says "ref.conf:2: 'test.branch' must be a short branch name such as \"test\", not the ref 'refs/heads/test'"
cp "$T/ref.conf" "$T/origin.git/workflow.conf"
t_before=$(tip refs/heads/test)
commit "M3"
push origin HEAD:master HEAD:test
check "with it, a push to the real test is refused (fail closed)" refused
check "  ... test did not move" at refs/heads/test "$t_before"
check "  ... the pusher is told the config is broken" says "the workflow config is broken"
printf 'test = { steps = (\n  { name = "x"; run = [ "true" ];\n    timeout = 4294967297; } ); };\n' >"$T/int.conf"
rc=0; "$WF" check-config "$T/int.conf" >"$OUT" 2>&1 || rc=$?
check "check-config refuses a timeout beyond 32 bits" refused
check "  ... with file and line" says "int.conf:3: the integer 4294967297 is out of range"
printf 'notify = {\n  timeout = -4294966696; };\n' >"$T/int.conf"
rc=0; "$WF" check-config "$T/int.conf" >"$OUT" 2>&1 || rc=$?
check "  ... and a negative one" says "int.conf:2: the integer -4294966696 is out of range"
cp "$T/workflow.conf" "$T/origin.git/workflow.conf"

# --- 7. a SHA-256 repository, which libgit2 1.5 cannot read --------------
git init -q --bare --object-format=sha256 "$T/sha256.git"
rc=0; "$WF_SRCDIR/install.sh" "$T/sha256.git" >"$OUT" 2>&1 || rc=$?
check "install.sh refuses a SHA-256 repository" refused
check "  ... saying why and what to use" says "uses SHA-256 object names, which the hooks' libgit2 cannot read.*--object-format=sha1"
check "  ... and installs nothing there" test ! -e "$T/sha256.git/hooks/pre-receive"
mkdir -p "$T/srv" && mv "$T/sha256.git" "$T/srv/" && git init -q --bare "$T/srv/ok.git"
rc=0; "$WF_SRCDIR/install.sh" --all "$T/srv" >"$OUT" 2>&1 || rc=$?
check "install.sh --all skips it and installs the others" sh -c '[ "$1" = 0 ] && grep -q "skipped .*sha256.git (SHA-256" "$2" && [ -x "$3/srv/ok.git/hooks/pre-receive" ]' - "$rc" "$OUT" "$T"

done_testing
