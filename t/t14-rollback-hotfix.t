#!/bin/sh
# Issue 14, points 4 and 6: a rollback never drops a hotfix silently, and
# refs that differ from a protected one only in case are refused.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "GL_USER" ]; };
test = { branch = "test"; hotfix = true; };
live = { branch = "live"; hotfix = true; };
hotfix = { users = [ "alice" ]; };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
status() { "$WF_CLI" -C "$T/origin.git" status >"$OUT" 2>&1; }
lacks() { ! grep -q -- "$1" "$OUT"; }

# deploy_live_1 (A), deploy_live_2 (B), then the hotfix deploy_live_3 (H)
git push -q origin master master:test 2>/dev/null
fetch
git push -q origin test:live 2>/dev/null
live1=$(tip refs/heads/live)
commit "feature B"
git push -q origin master master:test 2>/dev/null
fetch
git push -q origin test:live 2>/dev/null
git checkout -q -b hotfix origin/live
commit "hotfix: fix the checkout" hotfix.txt
hf=$(git rev-parse HEAD)
hfs=$(git rev-parse --short=12 HEAD)
GL_USER=alice push origin HEAD:refs/hotfix/live
check "the hotfix is deploy_live_3" has_tag deploy_live_3
check "live is on the hotfix" at refs/heads/live "$hf"

# A rollback past the hotfix: refused, naming it
fetch
push -f origin 'deploy_live_1^{commit}:live'
check "a rollback that drops an unmerged hotfix is refused" refused
check "it names the hotfix commit" says "remote: workflow: rolling live back to .* would take hotfix commits off it that master does not contain (deploy_live_3: $hfs hotfix: fix the checkout)"
check "it says how to keep or drop it" says "Merge live into master first.*or drop them on purpose: git push -f -o drop-hotfix origin"
check "live still has the hotfix" at refs/heads/live "$hf"
check "no rollback tag was made" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_live_4' - "$git"

push -f -o dry-run -o drop-hotfix origin 'deploy_live_1^{commit}:live'
check "a dry run says which hotfix commits would be dropped" says "remote: dry-run: .*would drop hotfix commits not on master: deploy_live_3: $hfs"

# ... accepted with -o drop-hotfix, and the drop is said and recorded
push -f -o drop-hotfix origin 'deploy_live_1^{commit}:live'
check "with -o drop-hotfix the rollback is accepted" pushed_ok
check "live is on deploy_live_1" at refs/heads/live "$live1"
check "it is tagged as a rollback" says "remote: workflow: rollback to live: tagged deploy_live_4"
check "the pusher is told which hotfix commits were dropped" says "remote: workflow: rollback of live dropped hotfix commits not on master: deploy_live_3: $hfs hotfix: fix the checkout"
check "the rollback tag says so" sh -c '$1 cat-file tag deploy_live_4 | grep -q "^dropped hotfix: deploy_live_3: $2"' - "$git" "$hfs"
check "the record says so" sh -c '"$1" -C "$2" show deploy_live_4 | grep -q "dropped hotfix: deploy_live_3: $3"' - "$WF_CLI" "$T/origin.git" "$hfs"

# status keeps listing it, from the hotfix deploy tags, off live and after
# live moves on
status
check "status lists the dropped hotfix commit" says "1 hotfix commit no longer on live and not merged into master"
check "status names it and its deploy tag" says "^  $hfs hotfix: fix the checkout (deploy_live_3)"
push origin test:live
check "test:live after the rollback is accepted" pushed_ok
status
check "status still lists the hotfix once live moved on" says "^  $hfs hotfix: fix the checkout (deploy_live_3)"
"$WF_CLI" -C "$T/origin.git" --json status >"$OUT" 2>&1
check "status --json lists it too" says "\"dropped_hotfixes\":\[\"$hfs hotfix: fix the checkout (deploy_live_3)\"\]"

# Merged into master: no longer listed, and rollbacks past it are free
git checkout -q master
git merge -q --no-edit "$hf"
git push -q origin master master:test 2>/dev/null
status
check "once master contains it, status no longer lists it" lacks "hotfix commit"
fetch
git push -q origin test:live 2>/dev/null
push -f origin 'deploy_live_1^{commit}:live'
check "a rollback past a merged hotfix needs no option" pushed_ok

# The same per env: a hotfix of test (test.hotfix = true)
fetch
git checkout -q -b hotfix-test origin/test
commit "hotfix on test" hotfix-test.txt
ths=$(git rev-parse --short=12 HEAD)
GL_USER=alice push origin HEAD:refs/hotfix/test
check "a hotfix to test is accepted" pushed_ok
fetch
push -f origin 'deploy_test_1^{commit}:test'
check "rolling test back past its hotfix is refused" refused
check "it names test's hotfix commit" says "would take hotfix commits off it that master does not contain (deploy_test_.*: $ths hotfix on test)"
status
check "status lists test's hotfix while on test" says "1 hotfix commit on test not merged into master"
# the full per-ref checker decides here, as under gitolite's VREF: git runs
# it without the push options, so it must get drop-hotfix from the plan
mv "$T/origin.git/hooks/update" "$T/update.fast"
cp "$T/origin.git/hooks/workflow-update" "$T/origin.git/hooks/update"
push -f -o drop-hotfix origin 'deploy_test_1^{commit}:test'
mv "$T/update.fast" "$T/origin.git/hooks/update"
check "with -o drop-hotfix it is accepted (by workflow-update too)" pushed_ok
check "it is tagged as a rollback of test" says "remote: workflow: rollback to test: tagged deploy_test_"
status
check "status lists it once off test" says "1 hotfix commit no longer on test and not merged into master"

# Point 6: names that differ from a protected ref only in case
git checkout -q master
for ref in refs/heads/Live refs/heads/LIVE refs/heads/Master refs/hotfix/Live refs/Heads/test; do
	push origin "HEAD:$ref"
	lower=$(echo "$ref" | tr 'A-Z' 'a-z')
	check "$ref is refused" refused
	check "  ... saying it resembles $lower" says "remote: workflow: $ref differs from the protected ref $lower only in case"
	check "  ... and it was not created" sh -c '! $1 rev-parse -q --verify "$2"' - "$git" "$ref"
done
git tag Deploy_test_99
push origin refs/tags/Deploy_test_99
check "refs/tags/Deploy_test_99 is refused" refused
check "  ... saying it resembles the deploy tags" says "remote: workflow: refs/tags/Deploy_test_99 differs from the deploy tags deploy_test_\* only in case"
check "  ... and it was not created" sh -c '! $1 rev-parse -q --verify refs/tags/Deploy_test_99' - "$git"
git tag deploy_LIVE_5
push origin refs/tags/deploy_LIVE_5
check "refs/tags/deploy_LIVE_5 is refused" says "refs/tags/deploy_LIVE_5 differs from the deploy tags deploy_live_\* only in case"
push origin HEAD:refs/heads/lively HEAD:refs/heads/test-feature
check "refs/heads/lively and test-feature are free" pushed_ok
git tag deployed_test_1
push origin refs/tags/deployed_test_1
check "a tag deployed_test_1 is free" pushed_ok

done_testing
