#!/bin/sh
# Issue 6: 10 parallel promotions and 10 parallel Dev pushes at one
# repository.  Every accepted promotion has exactly one tag, tag numbers
# are gapless and unique, no record is lost, and every refused push says why.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

cat >"$T/workflow.conf" <<'CONF'
test = { branch = "test"; steps = ( { name = "updatedb"; run = [ "sleep", "0.2" ]; } ); };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
url="$T/origin.git"

commit "c0"
git push -q origin master master:test 2>/dev/null
for i in 1 2 3 4 5 6 7 8 9 10; do commit "c$i"; git tag "c$i"; done
git push -q origin master 2>/dev/null
base=$(git rev-parse master)
for i in 1 2 3 4 5 6 7 8 9 10; do
	git checkout -q -b "dev$i" "$base"
	commit "d$i" "dev$i.txt"
done
git checkout -q master

# Pushing to the URL (not the remote name) updates no remote-tracking refs,
# so the parallel pushes don't race on the client side.
mkdir -p "$T/par"
# A promotion refused because another deploy runs is retried, as a deploy
# bot would, so several land and the tag numbering is exercised.
promote() {
	_n=0
	while :; do
		_rc=0
		git push "$url" "c$1:refs/heads/test" >"$T/par/p$1.out" 2>&1 || _rc=$?
		_n=$((_n + 1))
		[ "$_rc" != 0 ] && [ $_n -lt 100 ] && grep -q "is in progress" "$T/par/p$1.out" || break
		sleep 0.1
	done
	echo "$_rc" >"$T/par/p$1.rc"
}
for i in 1 2 3 4 5 6 7 8 9 10; do
	promote "$i" &
	(git push "$url" "dev$i:refs/heads/master" >"$T/par/d$i.out" 2>&1; echo $? >"$T/par/d$i.rc") &
done
wait

accepted=0
said_why=1
for i in 1 2 3 4 5 6 7 8 9 10; do
	if [ "$(cat "$T/par/p$i.rc")" = 0 ]; then
		accepted=$((accepted + 1))
		[ "$(grep -c 'remote: workflow: deploy to test: tagged deploy_test_' "$T/par/p$i.out")" = 1 ] ||
			{ echo "# p$i accepted without exactly one tag:"; sed 's/^/# /' "$T/par/p$i.out"; said_why=0; }
	else
		grep -q 'remote: workflow: \|failed to update ref\|cannot lock ref\|(non-fast-forward)' "$T/par/p$i.out" ||
			{ echo "# p$i refused without a reason:"; sed 's/^/# /' "$T/par/p$i.out"; said_why=0; }
	fi
	if [ "$(cat "$T/par/d$i.rc")" != 0 ]; then
		grep -q 'remote: workflow: \|failed to update ref\|cannot lock ref\|(non-fast-forward)' "$T/par/d$i.out" ||
			{ echo "# d$i refused without a reason:"; sed 's/^/# /' "$T/par/d$i.out"; said_why=0; }
	fi
done
echo "# $accepted of 10 promotions accepted"

tags=$($git tag -l 'deploy_test_*' | sed 's/^deploy_test_//' | sort -n | tr '\n' ' ')
expect=$(seq 1 $((accepted + 1)) | tr '\n' ' ')
check "at least one promotion is accepted" test "$accepted" -ge 1
check "every accepted promotion has exactly one tag; every refusal says why" test "$said_why" = 1
check "tag numbers are gapless and unique ($tags)" test "$tags" = "$expect"
tagged=$(grep -ho 'tagged deploy_test_[0-9]*' "$T"/par/p*.out | sort -u | wc -l)
check "each accepted push names a different tag" test "$tagged" = "$accepted"
"$WF_CLI" -C "$url" log test >"$OUT" 2>&1
check "no deploy record is lost" test "$(grep -c ' deploy  *ok  *test ' "$OUT")" = "$((accepted + 1))"
seqs=$(ls "$url/workflow/records" | wc -l)
check "record numbers are unique" test "$(ls "$url/workflow/records" | sed 's/[^0-9]//g' | sort -u | wc -l)" = "$seqs"
check "test is on the newest tag" at refs/heads/test "$($git rev-parse "deploy_test_$((accepted + 1))^{commit}")"
m=$(tip refs/heads/master)
won=0
for i in 1 2 3 4 5 6 7 8 9 10; do [ "$m" = "$(git rev-parse "dev$i")" ] && won=$((won + 1)); done
check "master is one of the Dev pushes" test "$won" = 1
check "the deploy lock is released" sh -c "! ls $url/workflow/deploy-*.lock >/dev/null 2>&1"
cat "$url"/workflow/deploy-*.lock 2>/dev/null | sed "s/^/# left: /"
check "no in-flight journal is left" test ! -e "$url/workflow/inflight-test"
# A push git itself rejected (a lost ref lock) runs no post-receive, so
# its plan stays until the next push clears plans whose push is gone.
git fetch -q origin && git reset -q --hard origin/master
commit "after the storm"
push origin master
check "the next push is accepted" pushed_ok
check "no push plan is left after it" sh -c '! ls "$1"/workflow/push-* >/dev/null 2>&1' - "$url"

# A deploy that finishes between another push's check and its taking the
# lock: that push is told Test moved, and leaves no lock behind (git would
# only have said "cannot lock ref").
fetch
git checkout -q -b slow origin/test
commit "slow promotion" slow.txt
slow=$(git rev-parse HEAD)
git checkout -q master && git merge -q --no-edit slow && git push -q origin master 2>/dev/null
(WF_TEST_PAUSE=before-deploy-lock git push "$url" "$slow:refs/heads/test" >"$T/race.out" 2>&1; echo $? >"$T/race.rc") &
pushpid=$!
i=0
while [ ! -e "$url/workflow/paused.before-deploy-lock" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
push origin master:test
check "a promotion lands while the other push waits before the lock" pushed_ok
rm -f "$url/workflow/paused.before-deploy-lock"
wait $pushpid
cp "$T/race.out" "$OUT"
check "the waiting push reached the lock after test moved" test "$i" -lt 600
check "it is refused" test "$(cat "$T/race.rc")" != 0
check "it says test moved and what to do" says "remote: workflow: test moved to [0-9a-f]\{12\} while this push was checked (another deploy finished); fetch and push again"
check "test stays on the promotion that landed" at refs/heads/test "$(git rev-parse master)"
check "no deploy lock is left behind" sh -c "! ls $url/workflow/deploy-*.lock >/dev/null 2>&1"

done_testing
