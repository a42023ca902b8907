#!/bin/sh
# Issue 7: the update hook answers with pre-receive's verdicts, falls back
# to the full checker (workflow-update) without them, and refuses when it
# has neither.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

setup
git="git --git-dir=$T/origin.git"

# One push, one ref allowed and one refused: per ref, as before.
commit "on dev"
dev=$(git rev-parse HEAD)
git checkout -q -b side
commit "not on dev" side.txt
side=$(git rev-parse HEAD)
push origin master:master side:test side:refs/heads/side
check "a mixed push is refused as a whole push status" refused
check "the Dev update is accepted" at refs/heads/master "$dev"
check "the feature branch is accepted" at refs/heads/side "$side"
check "test is refused, with the reason from pre-receive" says "test is locked"
check "test was not created" sh -c '! $1 rev-parse -q --verify refs/heads/test' - "$git"
check "no push state is left behind" sh -c '! ls "$1"/workflow/push-* 2>/dev/null' - "$T/origin.git"

# With pre-receive's verdicts the update hook needs no checker at all.
mv "$T/origin.git/hooks/workflow-update" "$T/workflow-update.off"
git checkout -q master
commit "dev again"
push origin master:master side:test
check "with verdicts, Dev is accepted without workflow-update" at refs/heads/master "$(git rev-parse HEAD)"
check "with verdicts, test is still refused without workflow-update" sh -c '! $1 rev-parse -q --verify refs/heads/test' - "$git"
mv "$T/workflow-update.off" "$T/origin.git/hooks/workflow-update"

# Without pre-receive there are no verdicts: workflow-update decides.
mv "$T/origin.git/hooks/pre-receive" "$T/pre-receive.off"
push origin side:test
check "without verdicts, the full checker still refuses test" refused
check "and says why" says "test is locked"
check "test was still not created" sh -c '! $1 rev-parse -q --verify refs/heads/test' - "$git"
git checkout -q master
commit "more dev"
push origin master
check "without verdicts, a Dev push is accepted by the full checker" pushed_ok

# Neither a verdict nor the checker: refuse, and say how to fix it.
mv "$T/origin.git/hooks/workflow-update" "$T/workflow-update.off"
commit "even more dev"
push origin master
check "without the checker the update hook fails closed" refused
check "and says to reinstall" says "reinstall the hooks with install.sh"
mv "$T/workflow-update.off" "$T/origin.git/hooks/workflow-update"
mv "$T/pre-receive.off" "$T/origin.git/hooks/pre-receive"
push origin master
check "with the hooks back the push is accepted" pushed_ok


# post-receive: a push with nothing to deploy never needs the full one...
mv "$T/origin.git/hooks/workflow-post-receive" "$T/workflow-post-receive.off"
commit "plain dev push"
push origin master
check "a Dev push needs no workflow-post-receive" pushed_ok
check "and nothing is said about it" sh -c '! grep -q workflow-post-receive "$1"' - "$OUT"
check "the plan is removed all the same" sh -c '! ls "$1"/workflow/push-* 2>/dev/null' - "$T/origin.git"
# ...a promotion does to follow it: without it the pusher is told, and the
# deploy runs all the same (its runner starts when the push ends)
push origin master:test
check "the promotion itself is accepted" at refs/heads/test "$(git rev-parse HEAD)"
check "without workflow-post-receive the pusher is told" says "cannot run workflow-post-receive"
i=0; while ! has_tag deploy_test_1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
check "and the deploy still ran, tagged" has_tag deploy_test_1
mv "$T/workflow-post-receive.off" "$T/origin.git/hooks/workflow-post-receive"
commit "next"
push origin master master:test
check "with it back the promotion is tagged" has_tag deploy_test_2

# The front installed under the checker's own name must not exec itself.
mkdir -p "$T/loop"
cp "$WF_BUILDDIR/hooks/update" "$T/loop/workflow-update"
cp "$WF_BUILDDIR/hooks/post-receive" "$T/loop/workflow-post-receive"
rc=0
GIT_DIR="$T/origin.git" timeout 10 "$T/loop/workflow-update" refs/heads/x "$dev" "$side" >"$OUT" 2>&1 || rc=$?
check "the update front named workflow-update refuses instead of looping" test "$rc" = 1
rc=0
echo "$dev $side refs/heads/x" | GIT_DIR="$T/origin.git" timeout 10 "$T/loop/workflow-post-receive" >"$OUT" 2>&1 || rc=$?
check "the post-receive front named workflow-post-receive stops too" test "$rc" = 1

# With a commit-graph (what git gc writes) ancestry comes from the graph.
$git commit-graph write --reachable
check "origin has a commit-graph" test -f "$T/origin.git/objects/info/commit-graph"
commit "after the graph 1"
commit "after the graph 2"
push origin master
check "with a graph, a fast-forward Dev push is accepted" pushed_ok
git reset -q --hard HEAD~2
commit "diverged"
push origin +master
check "with a graph, a non-fast-forward Dev push is refused" refused
check "and says why" says "only moves forward"
git reset -q --hard origin/master
push origin master:test
check "with a graph, a promotion is accepted" pushed_ok
tag=$(sed -n 's/.*tagged \(deploy_test_[0-9]*\).*/\1/p' "$OUT")
check "and tagged" has_tag "$tag"
check "the tag lists the promoted commits" sh -c '$1 cat-file tag "$2" | grep -q "after the graph 2"' - "$git" "$tag"
check "but not the ones test already had" sh -c '! $1 cat-file tag "$2" | grep -q "plain dev push"' - "$git" "$tag"

done_testing
