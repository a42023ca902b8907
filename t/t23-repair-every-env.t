#!/bin/sh
# Issue 24, points 4 and 5, and what people read: repair is one code path
# for every env (Dev with a path here); a push killed mid-build leaves no
# build writing into the next push's release; an env whose branch and
# current part is flagged by status and put together by repair; status
# shows how each env's last deploy ended, a failed one too.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

P=$T/site
S=$T/steps
mkdir -p "$S"
cat >"$T/workflow.conf" <<CONF
dev = { path = "$P/dev";
  checks = ( { name = "slow"; timeout = 600;
    run = [ "sh", "-c", "if [ -f slow-check ]; then echo \$\$ >$S/check.pid; exec sleep 300; fi" ]; } );
};
test = { branch = "test"; path = "$P/test";
  build = ( { name = "make"; timeout = 600; run = [ "sh", "-c",
    "if [ -f slow-build ]; then echo \$\$ >$S/build.pid; sleep 8; echo orphan >>\$WF_RELEASE/built.txt; fi; echo built >>built.txt" ]; } );
  checks = ( { name = "home"; run = [ "sh", "-c", "if [ -f fail-check ]; then echo check broke; exit 1; fi" ]; } );
};
live = { branch = "live"; path = "$P/live"; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
wait_for() { _i=0; until "$@"; do [ $_i -ge 600 ] && return 1; sleep 0.1; _i=$((_i + 1)); done; }
current() { readlink "$P/$1/current"; }

# --- 4. a Dev deploy whose runner is killed mid-check ---------------------
commit "slow" slow-check
rm -f "$S/check.pid"
git push -q origin master >/dev/null 2>&1 &
bg=$!
wait_for test -s "$S/check.pid"
step=$(cat "$S/check.pid")
runner=$(ps -o ppid= -p "$step" | tr -d ' ')
kill -KILL "$runner"
wait $bg
check "the check outlived its killed Dev runner" kill -0 "$step"
git rm -q slow-check && git commit -q -m "fast"
push origin master
check "the next Dev push stops the check the dead runner left" says "remote: workflow: repair: stopped step slow"
check "  ... it is gone" gone "$step"
check "  ... the Dev deploy is recorded as interrupted" says "remote: workflow: repair: an interrupted deploy to master"
check "  ... and the push deployed Dev" sh -c '[ "$1" = 0 ] && grep -q "recorded as deploy record" "$2"' - "$rc" "$OUT"
check "  ... current follows master" sh -c 'grep -q "" "$1/current/file.txt" && [ ! -e "$1/current/slow-check" ]' - "$P/dev"

# --- 5. Ctrl-C during the build: the orphaned build is stopped -------------
commit "built slowly" slow-build
git push -q origin master 2>/dev/null
rm -f "$S/build.pid"
interactive_push "$T/ctrlc.out" "$T/push.pid" origin master:test
wait_for test -s "$S/build.pid"
build=$(cat "$S/build.pid")
push=$(cat "$T/push.pid")
check "the push is running when Ctrl-C comes" kill -0 "$push"
kill -INT "-$push"
check "the push was interrupted" gone "$push"
check "  ... the build, in a process group of its own, runs on" kill -0 "$build"
check "  ... test did not move" sh -c '! git --git-dir="$1" rev-parse -q --verify refs/heads/test' - "$T/origin.git"
git rm -q slow-build && git commit -q -m "built fast"
git push -q origin master 2>/dev/null
push origin master:test
check "the next push to test is accepted" pushed_ok
check "  ... after stopping the orphaned build" gone "$build"
sleep 8
check "  ... which never wrote into the new release" sh -c '! grep -q orphan "$1/current/built.txt"' - "$P/test"
check "  ... that release has its own build" grep -q built "$P/test/current/built.txt"

# --- status says how the last deploy ended ---------------------------------
commit "bad" fail-check
git push -q origin master 2>/dev/null
bad=$(git rev-parse HEAD)
push origin master:test
wf status >"$OUT" 2>&1
check "status shows test's last deploy failed, and its record" \
	says "^test     last deploy deploy_test_2 of ${bad%"${bad#????????????}"}: failed (git-workflow show [0-9]*)"
wf --json status >"$OUT" 2>&1
check "  ... and so does its JSON" python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
t = [e for e in d["envs"] if e["name"] == "test"][0]
assert t["last_deploy"]["outcome"] == "failed" and t["last_deploy"]["tag"] == "deploy_test_2", t
' "$OUT"
git rm -q fail-check && git commit -q -m "good" && git push -q origin master 2>/dev/null
push origin master:test
good=$(git rev-parse HEAD)
check "a good deploy" at refs/heads/test "$good"

# --- branch and current apart: status flags it, repair puts them together --
rel=$(current test)
ln -s releases/deploy_test_1 "$P/test/current.hand" && mv -T "$P/test/current.hand" "$P/test/current"
wf status >"$OUT" 2>&1
check "an env whose current an admin moved by hand is flagged by status" \
	says "WARNING: test is on ${good%"${good#????????????}"} but its current serves releases/deploy_test_1, another commit"
wf repair >"$OUT" 2>&1
check "repair moves the branch back to what current serves" at refs/heads/test "$(tip 'deploy_test_1^{commit}')"
check "  ... saying so" says "repair: test was on ${good%"${good#????????????}"} while its current serves releases/deploy_test_1"
check "  ... and records it" last_record_says "moved back to the commit its current serves"
wf status >"$OUT" 2>&1
check "  ... after which status flags nothing" sh -c '! grep -q WARNING "$1"' - "$OUT"
check "  ... and current was left serving what it served" test "$(current test)" = releases/deploy_test_1
[ -n "$rel" ]

done_testing
