#!/bin/sh
# Issue 19: several web servers.  Live is built once here, copied with
# rsync over ssh to two hosts (two real sshd on loopback, each with a
# target directory of its own, a key made here), switched on both only
# when both have it, checked on both, switched back on both.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"
. "$WF_SRCDIR/t/servers.sh"

need_pkgs openssh-server openssh-client rsync
sshd=/usr/sbin/sshd
[ -x "$sshd" ] || skip_all "no $sshd"
command -v rsync >/dev/null 2>&1 || skip_all "no rsync"

# The deploy user on the web servers.  As root: a system user of its own
# (as on a real host); otherwise sshd can only log in the user running it.
if [ "$(id -u)" = 0 ]; then
	DU=wfdeploy
	system_user "$DU" || skip_all "cannot create the system user $DU"
else
	DU=$(id -un)
	[ -d /run/sshd ] || skip_all "sshd needs /run/sshd, which only root can create (run this test as root)"
fi
# the hosts' directories: outside the build tree, which the deploy user
# may not be allowed to enter
H=$(mktemp -d /tmp/wf-hosts.XXXXXX)
trap 'touch "$T/stop"; stop_servers; rm -rf "$H"' EXIT
chmod 755 "$H"
mkdir -p "$H/web1" "$H/web2" "$H/ssh"
[ "$(id -u)" = 0 ] && chown "$DU" "$H" "$H/web1" "$H/web2"

ssh-keygen -q -t ed25519 -N '' -C deploy -f "$T/deploy_key" || { echo "Bail out! ssh-keygen failed"; exit 1; }
cp "$T/deploy_key.pub" "$H/ssh/authorized_keys"
chmod 644 "$H/ssh/authorized_keys"
for w in web1 web2; do ssh-keygen -q -t ed25519 -N '' -f "$H/ssh/$w.key"; done

sshd_conf() { # the config of the sshd of $W, on port $1
	cat >"$H/ssh/$W.conf" <<CONF
ListenAddress 127.0.0.1:$1
HostKey $H/ssh/$W.key
PidFile $H/ssh/$W.pid
AuthorizedKeysFile $H/ssh/authorized_keys
AllowUsers $DU
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
LogLevel VERBOSE
CONF
}
W=web1; start_server sshd-web1 sshd_conf "$sshd" -D -e -f "$H/ssh/web1.conf"; P1=$PORT
W=web2; start_server sshd-web2 sshd_conf "$sshd" -D -e -f "$H/ssh/web2.conf"; P2=$PORT
# the git host knows both host keys: StrictHostKeyChecking=yes holds
{
	echo "[127.0.0.1]:$P1 $(cut -d' ' -f1,2 "$H/ssh/web1.key.pub")"
	echo "[127.0.0.1]:$P2 $(cut -d' ' -f1,2 "$H/ssh/web2.key.pub")"
} >"$T/known_hosts"
SSH="ssh -F /dev/null -i $T/deploy_key -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$T/known_hosts -o BatchMode=yes -o LogLevel=ERROR"
$SSH -p "$P1" "$DU@127.0.0.1" true >"$OUT" 2>&1 ||
	skip_all "cannot log in $DU over ssh: $(tail -1 "$OUT") $(grep -i 'not allowed\|refused\|invalid' "$T/sshd-web1.log" | head -1)"

P=$T/site
cat >"$T/workflow.conf" <<CONF
live = { branch = "live"; path = "$P/live"; keep = 2; shared = [ "files" ];
  hosts = ( { target = "$DU@127.0.0.1:$H/web1/live"; port = $P1; name = "web1"; },
            { target = "$DU@127.0.0.1:$H/web2/live"; port = $P2; name = "web2"; } );
  ssh = [ "-F", "/dev/null", "-i", "$T/deploy_key", "-o", "IdentitiesOnly=yes", "-o", "StrictHostKeyChecking=yes",
          "-o", "UserKnownHostsFile=$T/known_hosts", "-o", "LogLevel=ERROR" ];
  steps_on = "first";
  build = ( { name = "make"; run = [ "sh", "-c", "echo built >built.txt" ]; } );
  steps = ( { name = "where"; run = [ "sh", "-c",
    "echo \"\$WF_HOST_NAME|\$PWD|\$WF_PATH|\$WF_RELEASE|\$WF_MESSAGE|\$WF_TAG\" >>$H/steps.log" ]; } );
  checks = ( { name = "health"; run = [ "sh", "-c",
    "if [ -f lock-host ] && [ \"\$WF_HOST_NAME\" = \"\$(cat lock-host)\" ]; then chmod 555 \"\$WF_PATH\"; fi; if [ -f fail-check ] && [ \"\$WF_HOST_NAME\" = web2 ]; then echo web2 is unhealthy; exit 1; fi; echo healthy" ]; } );
};
CONF
setup --conf "$T/workflow.conf"
CONF=$T/origin.git/workflow.conf
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
on() { readlink "$H/$1/live/current"; }
inode() { stat -c %i "$1"; }
dirs() { (cd "$1" 2>/dev/null && ls -d */ 2>/dev/null | tr -d / | sort | tr '\n' ' '); }
live_deploy() { # live_deploy NAME: a commit on master, to test, then to live
	commit "$1" other.txt && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null
	shift
	fetch
	push "$@" origin test:live
}
lines() { grep -c -- "$1" "$OUT"; }
last_tag() { git --git-dir="$T/origin.git" tag -l 'deploy_live_*' | sort -t_ -k3 -n | tail -1; }

# --- a deploy to both hosts --------------------------------------------------
echo '<?php echo "v1";' >index.php
git add -A && git commit -q -m site && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null
fetch
push -o dry-run origin test:live
check "a dry run says it would copy to each host" says "would copy it to \[web2\] $DU@127.0.0.1:$H/web2/live"
check "  ... and copies nothing" test ! -e "$H/web1/live"
push origin test:live
check "a deploy to two hosts is accepted" pushed_ok
check "  ... the release is on web1, current switched" test "$(on web1)" = releases/deploy_live_1
check "  ... and on web2" test "$(on web2)" = releases/deploy_live_1
check "  ... the git host's current too" test "$(readlink "$P/live/current")" = releases/deploy_live_1
check "  ... the hosts have the build's output (built once, here)" grep -q built "$H/web2/live/current/built.txt"
check "  ... and the tree" grep -q v1 "$H/web1/live/current/index.php"
check "  ... the shared path is made on each host" test -d "$H/web2/live/shared/files" -a -L "$H/web2/live/current/files"
check "  ... the copy's output is prefixed by host" says "remote: workflow: \[web1\] has the release deploy_live_1"
check "  ... both said" says "remote: workflow: \[web2\] has the release deploy_live_1"
check "  ... the switch on both is said" says "all 2 hosts are on deploy_live_1"
check "steps_on = first: the step ran on web1 only" test "$(cut -d'|' -f1 "$H/steps.log" | tr '\n' ' ')" = "web1 "
check "  ... in the host's release, with the host's WF_PATH and WF_RELEASE" \
	test "$(cut -d'|' -f2-4 "$H/steps.log")" = "$H/web1/live/releases/deploy_live_1|$H/web1/live|$H/web1/live/releases/deploy_live_1"
check "  ... and WF_TAG" test "$(cut -d'|' -f6 "$H/steps.log")" = deploy_live_1
check "  ... its output too, prefixed" says "remote: workflow: \[web1\] step where: ok"
check "the check ran on both hosts" test "$(lines 'remote: \[web[12]\] healthy')" = 2
check "the record keeps each host's switch" last_record_says "switch@web1"
check "  ... and web2's" last_record_says "switch@web2"
check "  ... and each host's check" last_record_says "check:health@web2"
echo upload >"$H/web1/live/current/files/photo.jpg"

# --- a second deploy: unchanged files are hard links on each host too ---------
: >"$H/steps.log"
live_deploy "B" -o 'message=it'"'"'s $(touch '"$H"'/pwned) `id`'
check "a second deploy is accepted" pushed_ok
check "  ... both hosts are on deploy_live_2" test "$(on web1) $(on web2)" = "releases/deploy_live_2 releases/deploy_live_2"
check "  ... an unchanged file is one inode in both releases on web2 (--link-dest)" \
	test "$(inode "$H/web2/live/releases/deploy_live_1/index.php")" = "$(inode "$H/web2/live/releases/deploy_live_2/index.php")"
check "  ... the upload on web1 survived" grep -q upload "$H/web1/live/current/files/photo.jpg"
check "the message reached the step as data" test "$(cut -d'|' -f5 "$H/steps.log")" = 'it'"'"'s $(touch '"$H"'/pwned) `id`'
check "  ... never run by a shell" test ! -e "$H/pwned"

# --- a reader on each host never sees current missing (from here on) -------
rm -f "$T/stop" "$T/misses"
readers=
for w in web1 web2; do
	(while [ ! -e "$T/stop" ]; do cat "$H/$w/live/current/index.php" >/dev/null 2>&1 || echo "$w" >>"$T/misses"; done) &
	readers="$readers $!"
done

# --- a copy that fails on one host: nothing switched anywhere -----------------
good=$(tip refs/heads/live)
# (the deploy user is never root here: the mode holds)
chmod 555 "$H/web2/live/releases"
n0=$(records)
live_deploy "C"
check "a copy that fails on web2 refuses the push" refused
check "  ... naming the host and why" says "remote: workflow: \[web2\] the copy to $DU@127.0.0.1:$H/web2/live FAILED: "
check "  ... nothing switched anywhere" says "nothing was switched anywhere"
check "  ... live did not move" at refs/heads/live "$good"
check "  ... web1 is still on deploy_live_2" test "$(on web1)" = releases/deploy_live_2
check "  ... the copy on web1 is removed" test ! -e "$H/web1/live/releases/deploy_live_3" -a ! -e "$H/web1/live/releases/deploy_live_3.release"
check "  ... and here" test ! -e "$P/live/releases/deploy_live_3"
check "  ... the git host's current did not move" test "$(readlink "$P/live/current")" = releases/deploy_live_2
check "  ... it is recorded, with the host" last_record_says "copy to a host failed (web2: "
check "  ... and each host's copy" last_record_says "copy@web1"
chmod 755 "$H/web2/live/releases"

# --- a host that cannot be reached: nothing changes ---------------------------
cp "$CONF" "$T/conf.good"
sed -i "s/port = $P2;/port = $(random_port);/" "$CONF"
push origin test:live
check "a host that does not answer refuses the push" refused
check "  ... saying which" says "remote: workflow: \[web2\] the copy to"
check "  ... live did not move" at refs/heads/live "$good"
check "  ... nor web1" test "$(on web1)" = releases/deploy_live_2
cp "$T/conf.good" "$CONF"

push origin test:live
check "with web2 back, the deploy goes through" pushed_ok
check "  ... both on deploy_live_3" test "$(on web1) $(on web2)" = "releases/deploy_live_3 releases/deploy_live_3"

# --- a check that fails on one host switches both back --------------------------
good=$(tip refs/heads/live)
touch fail-check && git add fail-check && git commit -q -m "web2's check fails"
live_deploy "D"
check "a check failing on web2 is said" says "remote: \[web2\] web2 is unhealthy"
check "  ... web1 is switched back" test "$(on web1)" = releases/deploy_live_3
check "  ... web2 is switched back" test "$(on web2)" = releases/deploy_live_3
check "  ... the git host's current is back" test "$(readlink "$P/live/current")" = releases/deploy_live_3
check "  ... the branch is back" at refs/heads/live "$good"
check "  ... recorded as failed" last_record_says "status *failed"
check "  ... with each host's switch back" last_record_says "back@web1"
check "  ... and the failed check of web2" last_record_says "check:health@web2: failed, exit 1"
git rm -q fail-check && git commit -q -m "checks pass again"

# --- a host that fails during the switch: the others are switched back ----------
good=$(tip refs/heads/live)
commit "S" other.txt && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null && fetch
(WF_TEST_PAUSE=deploy-after-tag git push origin test:live >"$T/paused.out" 2>&1) &
pusher=$!
i=0; while [ ! -e "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
chmod 555 "$H/web2/live"        # copied already: now its current cannot be replaced
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
wait $pusher
chmod 755 "$H/web2/live"
cp "$T/paused.out" "$OUT"
check "a host that cannot switch is said, with why" says "remote: workflow: \[web2\] cannot switch current to deploy_live_.*: "
check "  ... the host that switched is switched back" test "$(on web1)" = releases/deploy_live_3
check "  ... web2 stayed" test "$(on web2)" = releases/deploy_live_3
check "  ... the pusher is told where each host is" says "every host is back on deploy_live_3 (web1 on deploy_live_3, web2 on deploy_live_3)"
check "  ... the git host's current did not move" test "$(readlink "$P/live/current")" = releases/deploy_live_3
check "  ... the branch is back" at refs/heads/live "$good"
check "  ... recorded as failed, naming the hosts" last_record_says "1 host could not switch to deploy_live_"

# --- steps_on = "all" ------------------------------------------------------------
sed -i 's/steps_on = "first";/steps_on = "all";/' "$CONF"
: >"$H/steps.log"
live_deploy "E"
check "steps_on = all: a deploy is accepted" pushed_ok
check "  ... the step ran on both hosts" test "$(cut -d'|' -f1 "$H/steps.log" | sort | tr '\n' ' ')" = "web1 web2 "

# --- keep-N on every host -----------------------------------------------------------
check "keep = 2: each host keeps what the git host keeps" test "$(dirs "$H/web1/live/releases")" = "$(dirs "$P/live/releases")"
check "  ... web2 too" test "$(dirs "$H/web2/live/releases")" = "$(dirs "$P/live/releases")"
check "  ... the oldest are gone" test ! -e "$H/web1/live/releases/deploy_live_1" -a ! -e "$H/web2/live/releases/deploy_live_2"

# --- rollback to a kept release: a switch on both -------------------------------------
kept=$(readlink "$P/live/current" | sed "s|^releases/||")
prev=deploy_live_3
git fetch -q origin --tags
push -f origin "$prev^{commit}:live"
check "a rollback to the kept release $prev is accepted" pushed_ok
check "  ... web1 is on it" test "$(on web1)" = "releases/$prev"
check "  ... web2 is on it" test "$(on web2)" = "releases/$prev"
check "  ... not built again" says "kept release $prev (not built again)"

touch "$T/stop"
for r in $readers; do wait "$r"; done
check "a reader on each host never saw current missing" test ! -e "$T/misses"

# --- status shows each host's current, and flags one that differs ---------------------------
wf status >"$OUT" 2>&1
check "status shows web1's current" says "\[web1\] $DU@127.0.0.1:$H/web1/live, current: $prev\$"
check "  ... and web2's" says "\[web2\] $DU@127.0.0.1:$H/web2/live, current: $prev\$"
ln -sfn "releases/$kept" "$H/web2/live/.c" && mv -T "$H/web2/live/.c" "$H/web2/live/current"
wf status >"$OUT" 2>&1
check "a host on another release is flagged" says "\[web2\] .*current: $kept  <- DIFFERS"
check "  ... and counted" says "1 of 2 hosts are not on $prev"
wf --json status >"$OUT" 2>&1
check "  ... in --json too" says "\"name\":\"web2\",\"target\":\"$DU@127.0.0.1:$H/web2/live\",\"release\":\"$kept\",\"answered\":true,\"differs\":true"
# --- a check fails on web2 and web1 cannot be switched back ----------------------------
# (web1's check makes its directory unwritable: after the switch, before the switch back)
ln -sfn "releases/$prev" "$H/web2/live/.c" && mv -T "$H/web2/live/.c" "$H/web2/live/current"
good=$(tip refs/heads/live)
echo web1 >lock-host && touch fail-check && git add lock-host fail-check && git commit -q -m "web1 stuck"
live_deploy "G"
chmod 755 "$H/web1/live"
new=$(last_tag)
check "a deploy whose check fails still ends the push well (post-receive)" pushed_ok
check "a check failing on web2 is said" says "remote: \[web2\] web2 is unhealthy"
check "  ... web1 that cannot go back is said, with why" says "remote: workflow: \[web1\] cannot switch current to $prev: "
check "  ... the pusher is told which host is on which release" \
	says "remote: workflow: hosts not all on one release: web1 on $new, web2 on $prev"
check "  ... the summary says current is back here only, not on every host" \
	says "remote: workflow: a check of live failed: current here is back on $prev and the branch back on ${good%"${good#????????????}"}; not every host is: see which host is on which release above"
check "  ... web1 stayed on the new release" test "$(on web1)" = "releases/$new"
check "  ... which is whole there" test -f "$H/web1/live/releases/$new.release" -a -f "$H/web1/live/current/lock-host"
check "  ... web2 is back" test "$(on web2)" = "releases/$prev"
check "  ... the git host's current is back" test "$(readlink "$P/live/current")" = "releases/$prev"
check "  ... the branch is back" at refs/heads/live "$good"
check "  ... recorded as failed" last_record_says "status *failed"
check "  ... with web1's failed switch back" last_record_says "back@web1: failed, exit 1"
check "  ... web2's switch back" last_record_says "back@web2: ok"
check "  ... each host's switch" last_record_says "switch@web1: ok"
check "  ... and where each host is" last_record_says "hosts: web1 on $new, web2 on $prev"
check "  ... the note says back here, not on every host" last_record_says "switched back to $prev here, not on every host"
git rm -q lock-host fail-check && git commit -q -m "web1 free again"
# the admin puts web1 back
ln -sfn "releases/$prev" "$H/web1/live/.c" && mv -T "$H/web1/live/.c" "$H/web1/live/current"

# --- the runner dies between the tag and the switch: repair switches every host --------
commit "K" other.txt && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null && fetch
was=$(on web1)
(WF_TEST_PAUSE=deploy-after-tag git push origin test:live >"$T/killed.out" 2>&1) &
pusher=$!
i=0; while [ ! -s "$T/origin.git/workflow/paused.deploy-after-tag" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
kill -KILL "$(cat "$T/origin.git/workflow/paused.deploy-after-tag")"
wait $pusher
rm -f "$T/origin.git/workflow/paused.deploy-after-tag"
new=$(last_tag)
check "a runner killed before the switch left web1 behind" test "$(on web1)" = "$was"
check "  ... and web2" test "$(on web2)" = "$was"
check "  ... both have the new release" test -f "$H/web1/live/releases/$new.release" -a -f "$H/web2/live/releases/$new.release"
push origin HEAD:refs/heads/any-push
check "the next push is accepted" pushed_ok
check "  ... its repair switched web1 to the branch's release" test "$(on web1)" = "releases/$new"
check "  ... and web2" test "$(on web2)" = "releases/$new"
check "  ... and the git host" test "$(readlink "$P/live/current")" = "releases/$new"
check "  ... which has the branch's commit" \
	test "$(sed -n 's/^commit: //p' "$H/web2/live/releases/$new.release")" = "$(tip refs/heads/live)"
check "  ... said" says "remote: workflow: all 2 hosts are on $new"

# --- one ssh connection per host per deploy (issue 28) -------------------------------
accepted() { grep -c "Accepted publickey" "$T/sshd-$1.log"; }
mux_dir() { sed -n 's/^ssh: //p' "$T/origin.git/workflow/inflight-live"; }
# the control directory and every master of it gone (the runner closes
# them after the record: the push may end a moment before)
mux_gone() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ ! -e "$1" ] && ! ps -eo args | grep -v grep | grep -qF -- "$1/" && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
paused() { # paused POINT OUT -- git push ...: the push, stopped at POINT until resume
	_pt=$1 _out=$2; shift 3
	(WF_TEST_PAUSE=$_pt "$@" >"$_out" 2>&1) &
	pusher=$!
	i=0; while [ ! -s "$T/origin.git/workflow/paused.$_pt" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}
resume() { rm -f "$T/origin.git/workflow/paused.$_pt"; rc=0; wait $pusher || rc=$?; cp "$_out" "$OUT"; }
commit "M" other.txt && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null && fetch
a1=$(accepted web1) a2=$(accepted web2)
paused deploy-after-tag "$T/mux.out" -- git push origin test:live
mux=$(mux_dir)
check "a deploy to hosts names its ssh control directory in its journal" test -n "$mux" -a -d "$mux"
check "  ... private to the deploy's user (mode 700)" test "$(stat -c %a "$mux" 2>/dev/null)" = 700
check "  ... a socket per host: the copy's connections, open for the runner" \
	test "$(find "$mux" -type s 2>/dev/null | wc -l)" = 2
resume
check "  ... the deploy goes through" pushed_ok
check "  ... on both hosts" test "$(on web1) $(on web2)" = "releases/$(last_tag) releases/$(last_tag)"
check "  ... over one connection to web1 (copy, marker, switch, step, check, pruning)" \
	test "$(( $(accepted web1) - a1 ))" = 1
check "  ... and one to web2" test "$(( $(accepted web2) - a2 ))" = 1
check "  ... its control directory and ssh masters are gone afterwards" mux_gone "$mux"

good=$(tip refs/heads/live)
chmod 555 "$H/web2/live/releases"
commit "N" other.txt && git push -q origin master 2>/dev/null && git push -q origin master:test 2>/dev/null && fetch
paused hosts-after-copy "$T/mux.out" -- git push origin test:live
mux=$(mux_dir)
resume
chmod 755 "$H/web2/live/releases"
check "a copy refused by web2 refuses the push" refused
check "  ... live did not move" at refs/heads/live "$good"
check "  ... the deploy had its control directory" test -n "$mux"
check "  ... gone with its masters, though the push was refused" mux_gone "$mux"
last=$(last_tag)
check "  ... the copy on web1 is removed (over its connection)" \
	test ! -e "$H/web1/live/releases/deploy_live_$(( ${last#deploy_live_} + 1 )).release"

# --- hosts_parallel = 1: one host after the other, all of them -------------------------
sed -i 's/steps_on = "all";/steps_on = "all"; hosts_parallel = 1;/' "$CONF"
live_deploy "P"
check "hosts_parallel = 1: the deploy is accepted" pushed_ok
check "  ... said, one at a time" says "remote: workflow: copying the release deploy_live_[0-9]* to 2 hosts, 1 at a time"
check "  ... both hosts have it" says "remote: workflow: \[web2\] has the release"
check "  ... both are on it" test "$(on web1) $(on web2)" = "releases/$(last_tag) releases/$(last_tag)"
check "  ... switched in one round" says "remote: workflow: all 2 hosts are on $(last_tag)"
done_testing
