#!/bin/sh
# Issue 4: the marked hotfix path, never dropping a hotfix, rollbacks, and
# a Live that moves between the check and the move.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "GL_USERNAME", "GL_USER", "REMOTE_USER" ]; };
test = { branch = "test"; hotfix = false; };
live = { branch = "live"; hotfix = true;
  steps = ( { name = "cache-clear"; run = [ "sh", "-c", "echo \"live now $WF_TAG\"" ]; } ); };
hotfix = { users = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"

# as USER CMD...: run CMD with the pusher identity a git host would set
as() { GL_USER=$1; export GL_USER; shift; "$@"; unset GL_USER; }
kind_of() { $git cat-file tag "$1" | grep -q "^kind: $2"; }

commit "feature A"
git push -q origin master master:test 2>/dev/null
fetch
git push -q origin test:live 2>/dev/null
check "live is deployed as deploy_live_1" has_tag deploy_live_1
live1=$(tip refs/heads/live)

# An allowed user's hotfix
git checkout -q -b hotfix origin/live
commit "hotfix: fix the checkout" hotfix.txt
hf=$(git rev-parse HEAD)
as alice push origin HEAD:refs/hotfix/live
check "alice's hotfix is accepted" pushed_ok
check "live is on the hotfix" at refs/heads/live "$hf"
check "it is tagged deploy_live_2" has_tag deploy_live_2
check "the tag is marked as a hotfix" kind_of deploy_live_2 hotfix
check "the tag names the pusher" sh -c '$1 cat-file tag deploy_live_2 | grep -q "alice"' - "$git"
check "the special ref is gone" sh -c '! $1 rev-parse -q --verify refs/hotfix/live' - "$git"
check "live's steps ran" says "remote: \[cache-clear\] live now deploy_live_2"
check "the pusher is told to merge live back" says "remote: workflow: hotfix is on live. Merge it back into Dev now: git pull origin live"

# Refused: an unlisted user, a commit not on top of live, another name
commit "bob's fix"
as bob push origin HEAD:refs/hotfix/live
check "bob's hotfix is refused" refused
check "it says bob is not in hotfix.users" says "remote: workflow: bob may not hotfix live: only the users in hotfix.users may"
check "live is unchanged" at refs/heads/live "$hf"
check "no hotfix ref is left" sh -c '! $1 rev-parse -q --verify refs/hotfix/live' - "$git"

git checkout -q master
as alice push origin master:refs/hotfix/live
check "a hotfix not based on live is refused" refused
check "it says a hotfix must be on top of live" says "remote: workflow: a hotfix must be new commits on top of live's current tip"

git checkout -q hotfix
as alice push origin HEAD:refs/hotfix/whatever
check "refs/hotfix/whatever is refused" refused
check "it says it is not a hotfix path" says "remote: workflow: refs/hotfix/whatever is not a hotfix path"
as alice push origin HEAD:refs/hotfix/test
check "refs/hotfix/test is refused when the config does not allow it" refused
check "it says hotfix is off for test" says "hotfix is off for this env"
check "no tag was made by refused hotfixes" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_live_3' - "$git"

# The identity also comes from REMOTE_USER (smart HTTP)
git reset -q --hard "$hf"
commit "hotfix: second" hotfix.txt
hf2=$(git rev-parse HEAD)
REMOTE_USER=alice; export REMOTE_USER
push origin HEAD:refs/hotfix/live
unset REMOTE_USER
check "a hotfix by REMOTE_USER=alice is accepted" pushed_ok
check "live is on the second hotfix" at refs/heads/live "$hf2"

"$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1
check "status lists the unmerged hotfixes" says "2 hotfix commits on live not merged into master"
check "status names them" says "hotfix: second"

# No silent loss: live -> test -> live without the hotfix is refused
git checkout -q master
commit "feature B"
git push -q origin master master:test 2>/dev/null
fetch
push origin test:live
check "git itself rejects the non-fast-forward, so nothing is lost" refused
push -f origin test:live
check "a (forced) promotion that would drop the hotfix is refused" refused
check "it names the hotfix commits" says "remote: workflow: live has commits that .* does not contain (.*hotfix: fix the checkout"
check "it says how to fix it" says "Merge live into master and promote again: git pull origin live"
check "live still has the hotfix" at refs/heads/live "$hf2"
git pull -q --no-rebase --no-edit origin live 2>/dev/null
git push -q origin master master:test 2>/dev/null
fetch
push origin test:live
check "once master contains the hotfix, test:live is accepted" pushed_ok
check "live is on the merge" at refs/heads/live "$(git rev-parse master)"
"$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1
check "status no longer lists hotfixes" sh -c '! grep -q "hotfix commit" "$1"' - "$OUT"

# Rollback to deploy_live_1
fetch
push -f origin 'deploy_live_1^{commit}:refs/heads/live'
check "rolling live back to deploy_live_1 is accepted" pushed_ok
check "live is on deploy_live_1" at refs/heads/live "$live1"
n=$($git tag -l 'deploy_live_*' | sed 's/.*_//' | sort -n | tail -1)
check "the rollback is tagged deploy_live_$n" says "remote: workflow: rollback to live: tagged deploy_live_$n"
check "the tag is marked rollback" kind_of "deploy_live_$n" rollback
check "the rollback ran live's steps" says "remote: \[cache-clear\] live now deploy_live_$n"
check "the rollback is recorded" sh -c '"$1" -C "$2" log live | grep -q rollback' - "$WF_CLI" "$T/origin.git"

# The race: Live moves after the check, before the move
git checkout -q -b hotfix3 origin/live 2>/dev/null || git checkout -q -b hotfix3 "$live1"
git reset -q --hard "$live1"
commit "hotfix: racing"
racer=$(git rev-parse HEAD)
(WF_TEST_PAUSE=before-hotfix-move GL_USER=alice git push origin HEAD:refs/hotfix/live >"$T/race.out" 2>&1; echo $? >"$T/race.rc") &
pushpid=$!
i=0
while [ ! -e "$T/origin.git/workflow/paused.before-hotfix-move" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
ntags=$($git tag -l 'deploy_live_*' | wc -l)
moved=$(tip refs/tags/deploy_live_2^{commit})
$git update-ref refs/heads/live "$moved"      # e.g. an admin on the server
rm -f "$T/origin.git/workflow/paused.before-hotfix-move"
wait $pushpid
cp "$T/race.out" "$OUT"
check "the hook reached the move with live moved under it" test "$i" -lt 600
check "the race is detected" says "remote: workflow: hotfix not applied: live moved after the push was checked; nothing was overwritten"
check "live was not overwritten" at refs/heads/live "$moved"
check "the hotfix ref is kept for a retry" at refs/hotfix/live "$racer"
check "no tag was made for it" test "$($git tag -l 'deploy_live_*' | wc -l)" = "$ntags"
check "the lost race is recorded" sh -c '"$1" -C "$2" log live | grep -q refused' - "$WF_CLI" "$T/origin.git"
as alice push origin :refs/hotfix/live
check "alice can delete the leftover hotfix ref" pushed_ok

# refs/hotfix/test, once the config allows it
sed -i 's/hotfix = false;/hotfix = true;/' "$T/origin.git/workflow.conf"
fetch
git checkout -q -b hotfix-test origin/test
commit "hotfix on test" hotfix-test.txt
as alice push origin HEAD:refs/hotfix/test
check "with test.hotfix = true, refs/hotfix/test is accepted" pushed_ok
check "test is on the hotfix" at refs/heads/test "$(git rev-parse HEAD)"
check "it is tagged as a test hotfix" says "remote: workflow: hotfix to test: tagged deploy_test_"

done_testing
