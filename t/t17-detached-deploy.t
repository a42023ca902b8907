#!/bin/sh
# Issue 15: a deploy outlives its pusher.  Once pre-receive accepts it, it
# runs in a runner of its own: Ctrl-C, a pusher who disconnects, a slow
# reader or one who hangs up right after the pack change nothing on the
# server; a killed runner's step is stopped and recorded by repair; a disk
# that cannot take the record refuses the deploy; workflow.wait bounds how
# long a push follows it.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

S=$T/steps
mkdir -p "$S"
cat >"$T/workflow.conf" <<CONF
workflow = { wait = 600; };
test = { branch = "test"; steps = (
  { name = "slow"; when = "slow"; default = false; timeout = 60;
    run = [ "sh", "-c", "echo \$\$ >$S/slow.pid; echo started >$S/slow.state; sleep 3; echo finished >$S/slow.state" ]; },
  { name = "loud"; when = "loud"; default = false; timeout = 60;
    run = [ "sh", "-c", "yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx | head -c 1048576; echo done >$S/loud.state" ]; },
  { name = "forever"; when = "forever"; default = false; timeout = 600;
    run = [ "sh", "-c", "echo \$\$ >$S/forever.pid; exec sleep 300" ]; },
  { name = "after"; run = [ "sh", "-c", "echo after >>$S/after.log" ]; }
); };
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
# wait_for COMMAND...: poll for up to 60 s
wait_for() { _i=0; until "$@"; do [ $_i -ge 600 ] && return 1; sleep 0.1; _i=$((_i + 1)); done; }
state_is() { [ "$(cat "$S/$1.state" 2>/dev/null)" = "$2" ]; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
more_records_than() { [ "$(records)" -gt "$1" ]; }
lock_free() { ! ls "$T"/origin.git/workflow/deploy-*.lock >/dev/null 2>&1; }

# --- Ctrl-C during a step --------------------------------------------------
commit "A"
git push -q origin master 2>/dev/null
n0=$(records)
# the push in a process group of its own, as a shell's job is; Ctrl-C
# sends SIGINT to the whole group
interactive_push "$T/ctrlc.out" "$T/ctrlc.pid" -o slow origin master:test
wait_for state_is slow started
pgid=$(ps -o pgid= -p "$(cat "$S/slow.pid")" | tr -d ' ')
pushpg=$(cat "$T/ctrlc.pid")
check "the push is running when Ctrl-C comes" kill -0 "$pushpg"
kill -INT "-$pushpg"
check "the push was interrupted (its process group got SIGINT)" gone "$pushpg"
check "the step was not in the pusher's process group" test "$pgid" != "$pushpg"
check "the step ran to its end anyway" wait_for state_is slow finished
check "the steps after it ran" wait_for grep -q after "$S/after.log"
check "the deploy was recorded" wait_for more_records_than "$n0"
check "  ... as ok, by its pusher" last_record_says "status *ok"
check "  ... tagged" has_tag deploy_test_1
check "the lock is free again" wait_for lock_free

# --- a pusher who disconnects while a step prints 1 MB -----------------------
commit "B"
git push -q origin master 2>/dev/null
n0=$(records)
rm -f "$S/loud.state"
git push -o loud origin master:test 2>&1 | head -c 300 >/dev/null
check "the step that printed 1 MB finished after the pusher went" wait_for state_is loud done
check "  ... the deploy was recorded ok" wait_for more_records_than "$n0"
check "  ... as ok" last_record_says "status *ok"
check "  ... its output kept" last_record_says "xxxxxxxxxxxxxxxx"
check "  ... the lock is free" wait_for lock_free

# --- a slow reader -------------------------------------------------------
commit "C"
git push -q origin master 2>/dev/null
n0=$(records)
rm -f "$S/loud.state"
mkfifo "$T/slow.fifo"
(git push -o loud origin master:test >"$T/slow.fifo" 2>&1; echo $? >"$T/slow.rc") &
exec 7<"$T/slow.fifo"
check "with a reader that reads nothing, the deploy still finishes" wait_for state_is loud done
check "  ... and is recorded" wait_for more_records_than "$n0"
check "  ... the lock is free before the reader read a byte" wait_for lock_free
cat <&7 >"$T/slow.out"
exec 7<&-
wait
check "the slow reader gets the whole output in the end" grep -q "recorded as deploy record" "$T/slow.out"

# --- a pusher who hangs up right after the pack ---------------------------
commit "D"
git push -q origin master 2>/dev/null
git push -q origin master:refs/heads/side 2>/dev/null
n0=$(records)
old=$(tip refs/heads/test)
new=$(git rev-parse master)
python3 - "$T/origin.git" "$old" "$new" 2>"$T/hangup.err" <<'PY'
import subprocess, sys
repo, old, new = sys.argv[1:4]
p = subprocess.Popen(["git", "receive-pack", repo], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
# the advertisement, up to its flush packet
while True:
    n = int(p.stdout.read(4), 16)
    if n == 0:
        break
    p.stdout.read(n - 4)
cmd = ("%s %s refs/heads/test" % (old, new)).encode() + b"\0report-status\n"
p.stdin.write(b"%04x" % (len(cmd) + 4) + cmd + b"0000")
import hashlib
pack = b"PACK\0\0\0\2\0\0\0\0"
p.stdin.write(pack + hashlib.sha1(pack).digest())
p.stdin.close()
p.stdout.close()   # hang up: no report read, so no post-receive
p.wait()
PY
check "test moved" at refs/heads/test "$new"
check "the deploy ran without post-receive" wait_for more_records_than "$n0"
check "  ... tagged" has_tag deploy_test_4
check "  ... by its real pusher" last_record_says "pusher *$(id -un)"
check "  ... with its steps" last_record_says "after"
check "  ... the lock is free" wait_for lock_free

# --- a killed runner: its step is stopped, the deploy recorded ------------
commit "E"
git push -q origin master 2>/dev/null
rm -f "$S/forever.pid"
git push -q -o forever origin master:test >/dev/null 2>&1 &
wait_for test -s "$S/forever.pid"
step=$(cat "$S/forever.pid")
runner=$(ps -o ppid= -p "$step" | tr -d ' ')
kill -KILL "$runner"
wait
check "the step outlived its runner" kill -0 "$step"
commit "F"
push origin master
check "the next push stops the step the dead runner left" says "remote: workflow: repair: stopped step forever"
check "  ... it is gone" gone "$step"
check "  ... the deploy is recorded as interrupted" says "repair: an interrupted deploy to test"
check "  ... naming the step that was cut short" last_record_says "cut short: forever"

# --- a push made under a child subreaper (issue 29) ------------------------
# systemd --user, tini -s or a CI wrapper adopt the orphaned runner instead
# of pid 1: its parent pid never changes again, so the runner must learn
# that pre-receive is gone another way.
cat >"$T/subreaper.py" <<'PY'
import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) != 0:  # PR_SET_CHILD_SUBREAPER
    sys.exit("subreaper.py: prctl failed")
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
PY
commit "E2"
git push -q origin master 2>/dev/null
n0=$(records)
rc=0
timeout 120 python3 "$T/subreaper.py" git push origin master:test >"$OUT" 2>&1 || rc=$?
check "a promotion pushed under a child subreaper returns" pushed_ok
check "  ... having followed the deploy to its record" says "remote: workflow: recorded as deploy record"
check "  ... not cut off by workflow.wait" sh -c '! grep -q "the deploy goes on on the server" "$1"' - "$OUT"
check "  ... the deploy ran and was recorded ok" last_record_says "status *ok"
check "  ... and tagged" has_tag deploy_test_6

# --- a record disk that cannot take the record ----------------------------
commit "G"
git push -q origin master 2>/dev/null
before=$(tip refs/heads/test)
mv "$T/origin.git/workflow/records" "$T/records.kept"
echo "not a directory" >"$T/origin.git/workflow/records"
push origin master:test
check "a deploy whose record could not be written is refused" refused
check "  ... in one line saying where" says "remote: workflow: cannot write deploy records in .*workflow/records: .*deploy to test refused so that its record is not lost"
check "  ... test did not move" at refs/heads/test "$before"
rm "$T/origin.git/workflow/records"
mv "$T/records.kept" "$T/origin.git/workflow/records"
if mkdir -p "$T/small" && mount -t tmpfs -o size=512k tmpfs "$T/small" 2>/dev/null; then
	cp -a "$T/origin.git/workflow/records" "$T/small/records"
	mv "$T/origin.git/workflow/records" "$T/records.kept"
	ln -s "$T/small/records" "$T/origin.git/workflow/records"
	dd if=/dev/zero of="$T/small/fill" bs=1k count=2048 2>/dev/null
	push origin master:test
	check "a full record disk refuses the deploy" refused
	check "  ... saying so" says "deploy to test refused so that its record is not lost"
	check "  ... test did not move" at refs/heads/test "$before"
	rm "$T/origin.git/workflow/records"
	mv "$T/records.kept" "$T/origin.git/workflow/records"
	umount "$T/small"
else
	ok "# SKIP a full disk: cannot mount a tmpfs here"
fi
push origin master:test
check "with room again the deploy goes through" pushed_ok

# --- workflow.wait: the push stops following, the deploy goes on ---------
sed -i 's/wait = 600;/wait = 1;/' "$T/origin.git/workflow.conf"
commit "H"
git push -q origin master 2>/dev/null
rm -f "$S/slow.state"
push -o slow origin master:test
check "a push that waited workflow.wait seconds ends" pushed_ok
check "  ... saying how to follow the deploy" says "remote: workflow: the deploy goes on on the server; follow it with: git-workflow follow [0-9]"
check "  ... which had not finished" sh -c '! grep -q "recorded as deploy record" "$1"' - "$OUT"
run=$(sed -n 's/.*git-workflow follow \([0-9]*\).*/\1/p' "$OUT" | head -1)
wf follow "$run" >"$T/follow.out" 2>&1
check "git-workflow follow shows the rest, to the end" grep -q "recorded as deploy record" "$T/follow.out"
check "  ... from the start" grep -q "tagged deploy_test_" "$T/follow.out"
check "  ... and the step had finished" state_is slow finished
wf follow 99999 >"$OUT" 2>&1 && rc=0 || rc=$?
check "follow of a run that does not exist fails, saying so" sh -c '[ "$1" != 0 ] && grep -q "no deploy run 99999" "$2"' - "$rc" "$OUT"

done_testing
