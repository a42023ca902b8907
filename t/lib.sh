# Shared by the end-to-end tests: a bare repository made by install.sh, a
# clone, real pushes, and TAP output (ok / not ok).
set -u
: "${WF_SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${WF_BUILDDIR:=$WF_SRCDIR}"
export WF_SRCDIR WF_BUILDDIR
unset GIT_DIR GIT_WORK_TREE GIT_CONFIG_PARAMETERS WF_CONFIG
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.org \
	GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.org HOME
export LC_ALL=C

T=$WF_BUILDDIR/t/tmp/$(basename "$0" .t)
rm -rf "$T"
mkdir -p "$T"
HOME=$T/home
mkdir -p "$HOME"
git config --global init.defaultBranch master
git config --global advice.detachedHead false
n_tests=0
n_failed=0
OUT=$T/out

ok() { n_tests=$((n_tests + 1)); echo "ok $n_tests - $1"; }
not_ok() {
	n_tests=$((n_tests + 1)); n_failed=$((n_failed + 1))
	echo "not ok $n_tests - $1"
	[ -f "$OUT" ] && sed 's/^/# /' "$OUT"
}
done_testing() { echo "1..$n_tests"; [ "$n_failed" = 0 ]; }
check() { # check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# The command-line tool; under WF_HOOK_WRAPPER (make check-valgrind) a
# script that runs it under that command, like the hooks.
WF_CLI=$WF_BUILDDIR/hooks/git-workflow
if [ -n "${WF_HOOK_WRAPPER:-}" ]; then
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$WF_HOOK_WRAPPER" "$WF_CLI" >"$T/git-workflow"
	chmod 755 "$T/git-workflow"
	WF_CLI=$T/git-workflow
fi

# A bare repo with the hooks, and a clone with one commit on master.
# Extra arguments go to install.sh (e.g. --conf FILE).
setup() {
	"$WF_SRCDIR/install.sh" "$@" "$T/origin.git" >"$T/install.out" 2>&1 ||
		{ cat "$T/install.out"; echo "Bail out! install.sh failed"; exit 1; }
	[ -n "${WF_HOOK_WRAPPER:-}" ] && wrap_hooks "$T/origin.git"
	git clone -q "$T/origin.git" "$T/work" 2>/dev/null
	cd "$T/work"
	commit "first"
	git push -q origin master 2>/dev/null || { echo "Bail out! first push failed"; exit 1; }
}

# wrap_hooks REPO: with WF_HOOK_WRAPPER set (e.g. "valgrind -q ..."; make
# check-valgrind does this), each installed hook becomes a script that runs
# the real program under that command.  workflow-update and
# workflow-post-receive too: the update and post-receive fronts exec them
# (a deploy's whole post-receive), and an exec leaves valgrind behind.
wrap_hooks() {
	for _h in pre-receive update post-receive workflow-update workflow-post-receive; do
		[ -f "$1/hooks/$_h" ] || continue
		mv "$1/hooks/$_h" "$1/hooks/$_h.bin"
		printf '#!/bin/sh\nexec %s "%s" "$@"\n' "$WF_HOOK_WRAPPER" "$1/hooks/$_h.bin" >"$1/hooks/$_h"
		chmod 755 "$1/hooks/$_h"
	done
}

# commit MESSAGE [FILE]: a new commit on the current branch, changing FILE
# (file.txt by default; another file keeps merges free of conflicts)
commit() {
	echo "$1 $(date +%s%N)" >>"${2:-file.txt}"
	git add "${2:-file.txt}"
	git commit -q -m "$1"
}

# push ARGS...: run git push, output in $OUT, exit status in $rc
push() {
	rc=0
	git push "$@" >"$OUT" 2>&1 || rc=$?
}

# Assertions on the last push.
pushed_ok() { [ "$rc" = 0 ]; }
refused() { [ "$rc" != 0 ]; }
says() { grep -q -- "$1" "$OUT"; }
tip() { git --git-dir="$T/origin.git" rev-parse -q --verify "$1" 2>/dev/null; }
has_tag() { git --git-dir="$T/origin.git" rev-parse -q --verify "refs/tags/$1" >/dev/null 2>&1; }

# at REF COMMIT: the origin's REF points at COMMIT (both must exist, so an
# empty answer on both sides is a failure, not a match).
at() { _t=$(tip "$1"); [ -n "$_t" ] && [ -n "$2" ] && [ "$_t" = "$2" ]; }

# gone PID: the process has ended (or is a zombie nobody reaped yet);
# polls for a few seconds, since a killed process takes a moment to go.
gone() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ -r "/proc/$1/stat" ] || return 0
		[ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1)" = Z ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# writers_done: no dashboard writer a push of this test left behind still
# runs (they are detached and go on after the push returns; one that runs
# while a test has moved workflow/ away would create it anew).
writers_done() {
	_i=0
	while [ $_i -lt 600 ]; do
		_busy=
		for _p in /proc/[0-9]*; do
			case $(readlink "$_p/cwd" 2>/dev/null) in "$T"/*) ;; *) continue ;; esac
			tr '\0' ' ' <"$_p/cmdline" 2>/dev/null | grep -q -- '--workflow-dashboard-writer' && _busy=1
		done
		[ -z "$_busy" ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# system_user NAME: NAME exists as a system user that sshd lets in with a
# key (root only).  Under a lock: check.sh runs its two passes at once, and
# on a fresh machine both would create the user.
system_user() {
	flock /etc/.wf-test-useradd.lock sh -c '
		getent passwd "$1" >/dev/null ||
			useradd --system --shell /bin/sh --create-home --home-dir "/var/lib/$1" "$1" || exit 1
		# sshd refuses a locked account ("!" password) even for keys
		usermod -p "*" "$1"' sh "$1" || return 1
	mkdir -p /run/sshd && chmod 755 /run/sshd
}

# at_time "YYYY-MM-DD HH:MM:SS" CMD...: CMD, and the hooks and deploy runner
# it starts, with the clock at that UTC time, running on from there
# (faketime's preloaded library; ASan accepts not coming first when told).
at_time() {
	_at=$1
	shift
	TZ=UTC DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		faketime -f "@$_at" "$@"
}
# push_at TIME ARGS: git push ARGS at that time (at_time), as push does
push_at() {
	_t=$1
	shift
	rc=0
	at_time "$_t" git push "$@" >"$OUT" 2>&1 || rc=$?
}

# fetch: the origin's branches as local ones (test, live) and its tags, as
# a user does before `git push origin test:live`.
fetch() {
	git fetch -q -f origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
	for _b in test live; do
		git rev-parse -q --verify "refs/remotes/origin/$_b" >/dev/null 2>&1 || continue
		[ "$(git symbolic-ref -q --short HEAD)" = "$_b" ] && continue
		git branch -q -f "$_b" "origin/$_b"
	done
}

# raw_receive_pack CMDS-FILE: speak receive-pack's protocol directly, as a
# hand-made client can: CMDS-FILE holds "OLD NEW REF" lines, sent in that
# order with no objects (they must be in the repository already).  The
# report is in $T/raw.out, the hooks' messages in $OUT, git's status in $rc.
raw_receive_pack() {
	_caps="report-status"
	{
		_first=1
		while read -r _o _n _r; do
			_cmd="$_o $_n $_r"
			if [ $_first = 1 ]; then
				printf '%04x%s\0%s\n' $((${#_cmd} + ${#_caps} + 6)) "$_cmd" "$_caps"
				_first=0
			else
				printf '%04x%s\n' $((${#_cmd} + 5)) "$_cmd"
			fi
		done <"$1"
		printf 0000
		# an empty pack: PACK, version 2, no objects, and its SHA-1
		printf 'PACK\0\0\0\2\0\0\0\0'
		for _h in $(printf 'PACK\0\0\0\2\0\0\0\0' | sha1sum | cut -c1-40 | sed 's/../& /g'); do
			printf "\\$(printf %03o "0x$_h")"
		done
	} >"$T/raw.in"
	rc=0
	git receive-pack "$T/origin.git" <"$T/raw.in" >"$T/raw.out" 2>"$OUT" || rc=$?
}

# interactive_push OUT PIDFILE ARGS...: git push ARGS in the background, in
# a process group of its own with SIGINT at its default, as a push typed
# at a terminal is (a script's background job ignores SIGINT, so Ctrl-C
# could not be tried on one); output in OUT, its pid, which is its
# process group, in PIDFILE.  Ctrl-C is then: kill -INT "-$(cat PIDFILE)".
interactive_push() {
	_o=$1 _p=$2
	shift 2
	python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.dup2(fd, 1)
os.dup2(fd, 2)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(os.getpid()))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
os.execvp("git", ["git", "push"] + sys.argv[3:])' "$_p" "$_o" "$@" &
}
