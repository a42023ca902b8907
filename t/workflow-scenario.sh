# The workflow over a real transport, shared by the tests that serve the
# repository the way a git host does (t08-*.t).  The caller sources t/lib.sh,
# makes a clone in the current directory whose remote "origin" is the
# served repository with one commit on master, sets ORIGIN to the
# repository's path on the server, and defines
#   as USER CMD...  run CMD as that git host user (alice is in
#                   hotfix.users, bob is not)
# The repository's workflow.conf is $SCENARIO_CONF.

SCENARIO_CONF=$T/scenario.conf
cat >"$SCENARIO_CONF" <<'CONF'
workflow = { identity_vars = [ "GL_USERNAME", "GITEA_PUSHER_NAME", "GL_USER", "REMOTE_USER" ]; };
test = { branch = "test"; hotfix = false;
  steps = ( { name = "updatedb"; run = [ "sh", "-c", "echo \"updating for $WF_PUSHER: $WF_TAG\"" ]; },
    # while the test's file "hold" is in the repository, a deploy stays
    # in its steps (at most two minutes), saying so with "holding"
    { name = "hold"; run = [ "sh", "-c",
      "test ! -e hold || { : >holding; i=0; while [ -e hold ] && [ $i -lt 1200 ]; do sleep 0.1; i=$((i+1)); done; rm -f holding; }" ]; } ); };
live = { branch = "live"; hotfix = true;
  steps = ( { name = "cache-clear"; run = [ "sh", "-c", "echo \"live now $WF_TAG\"" ]; } ); };
hotfix = { users = [ "alice" ]; };
CONF

tip() { git --git-dir="$ORIGIN" rev-parse -q --verify "$1" 2>/dev/null; }
has_tag() { git --git-dir="$ORIGIN" rev-parse -q --verify "refs/tags/$1" >/dev/null 2>&1; }
absent() { ! git --git-dir="$ORIGIN" rev-parse -q --verify "$1" >/dev/null 2>&1; }

# scenario NAME: the checks, each description prefixed with NAME
scenario() {
	_n=$1
	commit "feature A"
	as alice push origin master
	check "$_n: a Dev push is accepted" pushed_ok
	check "$_n: master is on it" at refs/heads/master "$(git rev-parse HEAD)"

	as alice push origin master:live
	check "$_n: a direct push to live is refused" refused
	check "$_n: the refusal reaches the pusher and names test:live" \
		says "remote: workflow: live is locked: code reaches live from test.*git push origin test:live"
	check "$_n: live was not created" absent refs/heads/live

	git checkout -q -b stray
	commit "not on Dev" stray.txt
	as alice push origin stray HEAD:test
	check "$_n: a push of new code straight to test is refused" refused
	check "$_n: the refusal names the promotion command" says "remote: workflow: test is locked: .*git push origin master:test"
	check "$_n: test was not created" absent refs/heads/test
	check "$_n: the other ref of that push, a feature branch, was accepted" at refs/heads/stray "$(git rev-parse HEAD)"
	git checkout -q master

	as bob push origin master:test
	check "$_n: bob promotes Dev to test" pushed_ok
	check "$_n: test is on master" at refs/heads/test "$(git rev-parse master)"
	check "$_n: it is tagged deploy_test_1" has_tag deploy_test_1
	check "$_n: the tag message reaches the pusher" says "remote: workflow: deploy to test: tagged deploy_test_1"
	check "$_n: the step's output streams to the pusher, with the pusher's name" \
		says "remote: \[updatedb\] updating for bob: deploy_test_1"

	# The deploy lock: a promotion while another one runs its steps
	commit "feature B"
	as alice push origin master
	: >"$ORIGIN/hold"
	(as alice git push origin master:test >"$T/first.out" 2>&1; echo $? >"$T/first.rc") &
	_first=$!
	_i=0
	while [ ! -e "$ORIGIN/holding" ] && [ $_i -lt 600 ]; do sleep 0.1; _i=$((_i + 1)); done
	check "$_n: alice's promotion of feature B is running its steps" test -e "$ORIGIN/holding"
	commit "feature C"
	as bob push origin master master:test
	check "$_n: bob's promotion meanwhile is refused" refused
	check "$_n: it says who is deploying" says "remote: workflow: a deploy to test is in progress (started by alice at"
	check "$_n: his Dev commit of that push waits too" at refs/heads/master "$(git rev-parse master~1)"
	rm -f "$ORIGIN/hold"
	wait $_first
	check "$_n: alice's promotion finishes" test "$(cat "$T/first.rc")" = 0
	check "$_n: as deploy_test_2" grep -q "remote: workflow: deploy to test: tagged deploy_test_2" "$T/first.out"
	as bob push origin master master:test
	check "$_n: bob pushes again: accepted, deploy_test_3" says "remote: workflow: deploy to test: tagged deploy_test_3"

	fetch
	as alice push origin test:live
	check "$_n: alice promotes test to live" pushed_ok
	check "$_n: it is tagged deploy_live_1" has_tag deploy_live_1
	check "$_n: live's steps ran" says "remote: \[cache-clear\] live now deploy_live_1"

	live1=$(tip refs/heads/live)
	fetch
	git checkout -q -b hotfix origin/live
	commit "hotfix: fix the checkout" hotfix.txt
	hf=$(git rev-parse HEAD)
	as bob push origin HEAD:refs/hotfix/live
	check "$_n: bob's hotfix is refused" refused
	check "$_n: it says bob is not in hotfix.users" says "remote: workflow: bob may not hotfix live: only the users in hotfix.users may"
	check "$_n: live is unchanged by bob" at refs/heads/live "$live1"
	check "$_n: no hotfix ref is left" absent refs/hotfix/live

	as alice push origin HEAD:refs/hotfix/live
	check "$_n: alice's hotfix is accepted" pushed_ok
	check "$_n: live is on the hotfix" at refs/heads/live "$hf"
	check "$_n: it is tagged deploy_live_2" has_tag deploy_live_2
	check "$_n: the tag names alice" sh -c 'git --git-dir="$1" cat-file tag deploy_live_2 | grep -q alice' - "$ORIGIN"
	check "$_n: the special ref is gone" absent refs/hotfix/live
	check "$_n: alice is told to merge live back" says "remote: workflow: hotfix is on live. Merge it back into Dev now"
	git checkout -q master
}
