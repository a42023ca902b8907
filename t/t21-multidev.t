#!/bin/sh
# Issue 18: Multidev.  A branch matching multidev.branches is an env of its
# own at multidev.path/<name>: made on its first push (create steps, content
# from -o clone-from), deployed on every push, removed with the branch
# (shared files kept under .deleted/), at most multidev.max of them.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

RECV=$WF_SRCDIR/t/webhook-receiver.py
S=$T/steps
P=$T/site
mkdir -p "$S"
recv_pid=
trap '[ -n "$recv_pid" ] && kill "$recv_pid" 2>/dev/null' EXIT
python3 "$RECV" --port-file "$T/port" --log "$T/events" >"$T/receiver.err" 2>&1 &
recv_pid=$!
i=0; while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { cat "$T/receiver.err"; echo "Bail out! the receiver did not start"; exit 1; }

cat >"$T/workflow.conf" <<CONF
test = { branch = "test"; path = "$P/test"; shared = [ "files" ]; };
live = { branch = "live"; path = "$P/live"; shared = [ "files" ]; };
notify = { webhooks = ( { url = "http://127.0.0.1:$(cat "$T/port")/hook"; events = [ "multidev", "failure" ]; } ); retry_for = 0; };
multidev = {
  branches = [ "md/*" ];
  path = "$P/md";
  max = 2;
  shared = [ "files" ];
  build = ( { name = "make"; run = [ "sh", "-c", "echo built >built.txt" ]; } );
  checks = ( { name = "home"; run = [ "sh", "-c", "if [ -f fail-check ]; then echo check broke; exit 1; fi" ]; } );
  steps = ( { name = "where"; run = [ "sh", "-c", "echo \$WF_ENV \$PWD >>$S/steps.\$WF_ENV" ]; },
    { name = "slow"; when = "slow"; default = false; timeout = 120;
      run = [ "sh", "-c", "touch $S/slow.on; while [ ! -e $S/slow.go ]; do sleep 0.1; done" ]; } );
  create = ( { name = "clone-content"; timeout = 60; run = [ "sh", "-c",
    "if [ -e $S/fail-create ]; then echo clone broke; exit 1; fi; echo \$WF_CLONE_FROM \$WF_CLONE_FROM_PATH >>$S/create.\$WF_ENV; cp -R \$WF_CLONE_FROM_PATH/files/. files/" ]; } );
};
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
event() { grep -q "\"event\": *\"$1\"" "$T/events" 2>/dev/null; }

# Live and Test with content to clone from
echo '<?php echo "v1";' >index.php && git add index.php && git commit -q -m site
git push -q origin master 2>/dev/null
git push -q origin master:test 2>/dev/null && git push -q origin master:live 2>/dev/null
echo live-photo >"$P/live/shared/files/photo.jpg"
echo test-photo >"$P/test/shared/files/photo.jpg"

# --- the first push of a matching branch makes the env ---------------------
git checkout -q -b md/Feature_One
commit "feature" feature.txt
push -o dry-run origin md/Feature_One
check "a dry run says it would create the branch environment" says "would be accepted and create the branch environment feature-one ($P/md/feature-one)"
check "  ... and makes nothing" test ! -e "$P/md/feature-one"
check "  ... it names the create steps and where the content comes from" says "would run 1 create step, content from live"
push origin md/Feature_One
check "the first push of md/Feature_One is accepted" pushed_ok
check "  ... its name is made DNS-safe" says "feature-one is a new branch environment"
check "  ... current names its first release" test "$(readlink "$P/md/feature-one/current")" = "releases/feature-one-1-$(git rev-parse --short=12 HEAD)"
check "  ... the build ran there" grep -q built "$P/md/feature-one/current/built.txt"
check "  ... the create step ran once, cloning from Live by default" test "$(cat "$S/create.feature-one")" = "live $P/live/current"
check "  ... and brought Live's uploads into its shared files" grep -q live-photo "$P/md/feature-one/shared/files/photo.jpg"
check "  ... its steps ran in its release, as WF_ENV feature-one" grep -q "^feature-one $P/md/feature-one/releases/" "$S/steps.feature-one"
check "  ... no deploy tag was made" test -z "$(git --git-dir="$T/origin.git" tag -l '*feature*')"
check "  ... the creation is recorded" grep -q '"kind": *"multidev.created"' "$T/origin.git/workflow/records/00000003.json"
wf multidev list >"$T/list" 2>&1
check "multidev list shows it with its branch and release" grep -q "^feature-one  *md/Feature_One  *feature-one-1-" "$T/list"
check "  ... and who made it" grep -q "by $(id -un)" "$T/list"
wf status >"$T/status" 2>&1
check "status lists the branch envs" grep -q "^feature-one  *md/Feature_One" "$T/status"
wf --json status >"$T/status.json" 2>&1
check "status --json has them too" python3 -c "import json,sys; d=json.load(open('$T/status.json')); assert d['branch_envs'][0]['name']=='feature-one' and d['branch_envs'][0]['release'].startswith('feature-one-1-')"

# --- later pushes deploy it; create steps do not run again -----------------
commit "more" feature.txt
push origin md/Feature_One
check "a later push deploys the branch env" pushed_ok
check "  ... to a second release" test "$(readlink "$P/md/feature-one/current")" = "releases/feature-one-2-$(git rev-parse --short=12 HEAD)"
check "  ... without running the create steps again" test "$(lines "$S/create.feature-one")" = 1
check "  ... the uploads are still there" grep -q live-photo "$P/md/feature-one/current/files/photo.jpg"
commit "more still" feature.txt
push -o clone-from=test origin md/Feature_One
check "-o clone-from on a push that makes no branch env is noted" says "makes no branch environment, so -o clone-from changes nothing"
check "  ... and changes nothing" test "$(lines "$S/create.feature-one")" = 1

# --- a failed check switches a branch env back, and the webhooks hear of it ----
good=$(tip refs/heads/md/Feature_One); was=$(readlink "$P/md/feature-one/current")
touch fail-check && git add fail-check && git commit -q -m "breaks the check"
push origin md/Feature_One
check "a branch env whose check fails is switched back" says "a check of md/Feature_One failed: current is back on ${was#releases/} and the branch back on"
check "  ... current is the release before" test "$(readlink "$P/md/feature-one/current")" = "$was"
check "  ... and the branch is back on its commit" at refs/heads/md/Feature_One "$good"
check "  ... a 'failure' webhook got deploy.failed for it" \
	python3 -c "import json,sys; ev=[json.loads(l) for l in open('$T/events')]; assert any(json.loads(e.get('body','{}')).get('event')=='deploy.failed' and json.loads(e.get('body','{}')).get('env')=='feature-one' for e in ev), ev[-1]"
git reset -q --hard "$good"

# --- -o clone-from chooses the env the content comes from ------------------
git checkout -q master && git checkout -q -b md/Two && commit "two" two.txt
push -o clone-from=nope origin md/Two
check "-o clone-from with an env that does not exist is refused" refused
check "  ... saying so" says "clone-from=nope: no such environment"
check "  ... and makes nothing" test ! -e "$P/md/two"
push -o clone-from=test origin md/Two
check "-o clone-from=test makes md/Two from Test" pushed_ok
check "  ... WF_CLONE_FROM names test" test "$(cat "$S/create.two")" = "test $P/test/current"
check "  ... and Test's uploads came over" grep -q test-photo "$P/md/two/shared/files/photo.jpg"
check "branch envs share one store: index.php is one inode in both" \
	test "$(stat -c %i "$P/md/two/current/index.php")" = "$(stat -c %i "$P/md/feature-one/current/index.php")"

# --- refusals: a name taken, max, unsafe names ------------------------------
git checkout -q -b md/TWO && commit "two again" two.txt
push origin md/TWO
check "a branch that would get a name another branch has is refused" refused
check "  ... saying which branch has it" says "'md/TWO' would be the branch environment 'two', which branch 'md/Two' already is"
check "  ... the branch was not created" test -z "$(tip refs/heads/md/TWO)"
git checkout -q -b md/three && commit "three" three.txt
push origin md/three
check "a third branch env with max = 2 is refused" refused
check "  ... saying why" says "there are 2 of at most 2 (multidev.max: feature-one, two)"
check "  ... nothing was placed" test ! -e "$P/md/three"
git checkout -q -b md/a/b
push origin md/a/b
check "a branch whose name would have a '/' is refused" refused
check "  ... saying why" says "its name would have a '/'"
git checkout -q -b "md/caf$(printf '\303\251')"
push origin "md/caf$(printf '\303\251')"
check "a name that is not DNS-safe is refused" refused
check "  ... saying why" says "is not a DNS-safe name"
push origin HEAD:md/../../etc
check "md/../../etc never gets to the hooks (git refuses it)" refused
printf '%s %s refs/heads/md/../../etc\n' 0000000000000000000000000000000000000000 "$(git rev-parse HEAD)" |
	GIT_DIR="$T/origin.git" "$T/origin.git/hooks/pre-receive" >"$OUT" 2>&1; rc=$?
check "pre-receive given md/../../etc refuses the push" refused
check "  ... and nothing is placed outside multidev.path" test ! -e "$P/etc" -a ! -e "$T/etc" -a ! -e "$P/md/etc"
check "promotions stay as they were: Test takes no code from a branch env" sh -c \
	"git push origin md/three:test >'$OUT' 2>&1; [ \$? != 0 ]"

# --- deploys of one branch env never wait for another's ---------------------
git checkout -q md/Two && commit "two slow" two.txt
rm -f "$S/slow.on" "$S/slow.go"
(git push -o slow origin md/Two >"$T/slow.out" 2>&1; echo $? >"$T/slow.rc") &
slow_pid=$!
i=0; while [ ! -e "$S/slow.on" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
git checkout -q md/Feature_One && commit "meanwhile" feature.txt
push origin md/Feature_One
check "a push to one branch env goes through while another's deploy runs" pushed_ok
check "  ... that deploy was still running" test ! -e "$S/slow.go"
touch "$S/slow.go"; wait "$slow_pid"
check "  ... and finished" test "$(cat "$T/slow.rc")" = 0

# --- deleting the branch removes the env, keeping its shared files ---------
echo upload >"$P/md/feature-one/current/files/new-upload.jpg"
push origin :md/Feature_One
check "deleting md/Feature_One is accepted" pushed_ok
check "  ... the env is deleted" says "the branch environment feature-one is deleted"
check "  ... its releases and current are gone" test ! -e "$P/md/feature-one"
kept=$(ls -d "$P/md/.deleted/feature-one-"* 2>/dev/null | head -1)
check "  ... its shared files are kept under .deleted/<name>-<time>/" test -f "$kept/files/new-upload.jpg"
check "  ... the deletion is recorded" last_record_says "multidev.deleted"
wf multidev list >"$T/list" 2>&1
check "  ... and it is no longer listed" sh -c "! grep -q feature-one '$T/list'"
check "webhooks got multidev.created" event "multidev.created"
check "  ... and multidev.deleted" event "multidev.deleted"

# --- now there is room again; delete by the tool keeps the branch ----------
git checkout -q md/three
touch "$S/fail-create"
push origin md/three
check "with one deleted, md/three can be made" pushed_ok
check "  ... a create step that fails fails its deploy" says "create clone-content: failed (exit 1)"
wf multidev list >"$T/list" 2>&1
check "  ... multidev list says so" grep -q "^three .*(create steps failed)" "$T/list"
check "  ... and says the next push runs them again" says "the create steps of three failed; the next push to md/three runs them again"
rm -f "$S/fail-create"
commit "three again" three.txt
push -o clone-from=test origin md/three
check "  ... and the next push runs the create steps again" test "$(lines "$S/create.three")" = 1
check "  ... -o clone-from counts there" test "$(cat "$S/create.three")" = "test $P/test/current"
check "  ... so it is not noted as changing nothing" sh -c "! grep -q 'changes nothing' '$OUT'"
wf releases three >"$T/rel" 2>&1
check "git-workflow releases lists a branch env's releases" grep -q '^\* three-2-' "$T/rel"
wf multidev list >"$T/list" 2>&1
check "  ... which now succeed" sh -c "grep -q '^three ' '$T/list' && ! grep -q 'create steps failed' '$T/list'"
wf dashboard -o "$T/dash" >/dev/null 2>&1
check "the dashboard lists the branch envs" sh -c "grep -q 'id=\"branch-envs\"' '$T/dash/index.html' && grep -q '<td>three</td><td>md/three</td><td>three-2-' '$T/dash/index.html'"
wf multidev delete two >"$T/del" 2>&1; rc=$?
check "git-workflow multidev delete two succeeds" pushed_ok
check "  ... two is gone" test ! -e "$P/md/two"
check "  ... its branch stays" test -n "$(tip refs/heads/md/Two)"
wf multidev delete nosuch >"$OUT" 2>&1; rc=$?
check "multidev delete of an unknown name fails, saying so" sh -c "[ $rc = 1 ] && grep -q \"no branch environment 'nosuch'\" '$OUT'"

# --- prune removes what was kept long enough ---------------------------------
mkdir -p "$P/md/.deleted/old-20200101-000000" && touch "$P/md/.deleted/old-20200101-000000/x"
wf multidev prune --older 14d >"$OUT" 2>&1
check "prune --older 14d removes what was kept in 2020" test ! -e "$P/md/.deleted/old-20200101-000000"
check "  ... and keeps what was kept today" test -f "$kept/files/new-upload.jpg"
wf multidev prune --older 2w >"$OUT" 2>&1; rc=$?
check "an age it cannot read is an error" sh -c "[ $rc = 2 ] && grep -q 'such as 14d' '$OUT'"
wf multidev prune --older 14 >"$OUT" 2>&1; rc=$?
check "  ... and so is an age without a unit (14 days or 14 seconds?)" sh -c "[ $rc = 2 ] && test -f '$kept/files/new-upload.jpg'"
wf multidev prune --older 0s >"$OUT" 2>&1
check "prune --older 0s removes all that was kept" test -z "$(ls "$P/md/.deleted")"

# --- config errors name the file and line ------------------------------------
printf 'multidev = {\n  branches = [ "mas*" ];\n  path = "%s/x";\n};\n' "$T" >"$T/bad.conf"
wf check-config "$T/bad.conf" >"$OUT" 2>&1; rc=$?
check "a glob that matches Dev's branch is a config error with file and line" \
	sh -c "[ $rc != 0 ] && grep -q \"$T/bad.conf:2: 'multidev.branches' entry 'mas\\*' matches 'master'\" '$OUT'"
done_testing
