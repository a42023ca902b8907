#!/bin/sh
# Issue 6: hostile input.  Ref names, deploy messages, push options and
# pusher names carrying shell syntax, newlines, NUL bytes, non-UTF-8 and
# very long text are refused or stored escaped: never executed (the marker
# file is never created), never forging a line of a tag annotation or a
# deploy record.  A missing or broken config, or a repository whose
# workflow/ directory cannot be written, refuses pushes to protected refs
# with a one-line error and leaves them unchanged (fail closed).
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

M=$T/pwned
cat >"$T/workflow.conf" <<'CONF'
workflow = { identity_vars = [ "REMOTE_USER" ]; };
test = {
  branch = "test";
  steps = (
    { name = "echo"; when = "update"; run = [ "sh", "-c", "printf 'msg=[%s] by [%s]\\n' \"$WF_MESSAGE\" \"$WF_PUSHER\"" ]; }
  );
};
CONF
setup --conf "$T/workflow.conf"
git="git --git-dir=$T/origin.git"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
no_marker() { [ ! -e "$M" ] && [ ! -e "$T/work/pwned" ] && [ ! -e "$T/origin.git/pwned" ]; }
n=0

# promote MESSAGE-OPTION...: a new commit on master, pushed to master and test
promote() {
	commit "change $n"
	push "$@" origin master master:test
	n=$((n + 1))
}
# annotation_ok N: deploy_test_N's annotation has exactly one of each field
# line, so no pushed text forged one
annotation_ok() {
	$git cat-file tag "deploy_test_$1" >"$T/annot" || return 1
	for f in kind env pusher time from to options; do
		[ "$(grep -c "^$f: " "$T/annot")" = 1 ] || return 1
	done
	grep -q '^kind: deploy$' "$T/annot"
}
# first_line_is TEXT: the annotation's first line (the message, after
# git's object/type/tag/tagger header)
first_line_is() { [ "$(sed '1,/^$/d' "$T/annot" | head -n 1)" = "$1" ]; }
# record_ok N: git-workflow show N reads the record back whole
record_ok() {
	wf show "$1" >"$T/show" 2>&1 || return 1
	[ "$(grep -c '^kind ' "$T/show")" = 1 ] && grep -q '^status   ok$' "$T/show"
}

# --- ref names -----------------------------------------------------------
for r in 'x$(touch${IFS}'"$M"')' 'x`touch${IFS}'"$M"'`' 'x;touch${IFS}'"$M" 'x|touch${IFS}'"$M" \
	"x&&touch\${IFS}$M" "$(printf 'caf\351-\377\376')"; do
	push origin "master:refs/heads/$r"
	check "branch '$r' is just a branch name (feature branches are free)" pushed_ok
	check "  ... it is stored under that exact name" sh -c '$1 rev-parse -q --verify "refs/heads/$2" >/dev/null' - "$git" "$r"
	check "  ... and nothing ran" no_marker
done

long=$(printf 'a%.0s' $(seq 150))
lr=refs/heads/$long/$long/$long/$long/$long/$long/$long/$long
push origin "master:$lr"
check "a 1200-byte ref name is refused" refused
check "  ... with a one-line error" says "remote: workflow: hook input line 1: '.*' is not a valid ref name; push refused"
check "  ... and not created" sh -c '! $1 rev-parse -q --verify "$2"' - "$git" "$lr"

# --- deploy messages (-o message=...) ------------------------------------
for msg in '$(touch '"$M"')' '`touch '"$M"'`' "; touch $M; echo" "| touch $M" "'; touch $M; '"; do
	promote -o "message=$msg" -o update
	check "message '$msg': the promotion is accepted" pushed_ok
	check "  ... tagged deploy_test_$n" has_tag "deploy_test_$n"
	check "  ... the annotation is intact" annotation_ok $n
	check "  ... the step saw the text as data" says "msg=\[.*touch $M"
	check "  ... the record reads back" record_ok $n
	check "  ... nothing ran" no_marker
done

promote -o "message=$(printf 'caf\351 \377\376 tab\there')" -o update
check "a non-UTF-8 message is accepted" pushed_ok
check "  ... the annotation is intact" annotation_ok $n
check "  ... its bytes are escaped in the annotation" first_line_is 'caf\xe9 \xff\xfe tab\there'
check "  ... the record reads back" record_ok $n

big=$(head -c 60000 /dev/zero | tr '\0' 'm')
promote -o "message=$big" -o no-update
check "a 60 KB message is accepted" pushed_ok
check "  ... the annotation is intact" annotation_ok $n
check "  ... it holds the whole message" first_line_is "$big"
check "  ... the record reads back" record_ok $n

before=$(tip refs/heads/test)
commit "huge message"
huge=$(head -c 102400 /dev/zero | tr '\0' 'h')
push -o "message=$huge" origin master master:test
check "a 100 KB message is refused (git's protocol cannot carry it)" refused
check "  ... test is unchanged" at refs/heads/test "$before"
check "  ... no tag was made" sh -c '! $1 rev-parse -q --verify refs/tags/deploy_test_$2' - "$git" $((n + 1))

set --
i=0
while [ $i -le 100 ]; do set -- "$@" -o update; i=$((i + 1)); done
push "$@" origin master master:test
check "101 push options are refused" refused
check "  ... saying how many are allowed" says "remote: workflow: GIT_PUSH_OPTION_COUNT is '101', not a count up to 100"
check "  ... test is unchanged" at refs/heads/test "$before"
git push -q origin master 2>/dev/null

commit "bogus option"
# a relative marker (no_marker looks in origin.git and work too): an
# option with a '.' in its name is the git host's and passes, and $M has
# one when $T does (make distcheck builds in git-workflow-hooks-0.1.0/)
push -o "bogus\$(touch pwned)" origin master
check "an unknown option with shell syntax is refused" refused
check "  ... named in the error" says "unknown push option 'bogus\$(touch pwned)'"
check "  ... and nothing ran" no_marker

# --- a hostile client: push options git's own client would not send -------
# Speak receive-pack's protocol directly: a message with newlines (to forge
# annotation and record lines) and one with a NUL byte in it.
pkt() { printf '%04x%s' $((${#1} + 4)) "$1"; }
zero_pack() {
	printf 'PACK\0\0\0\2\0\0\0\0'
	for h in $(printf 'PACK\0\0\0\2\0\0\0\0' | sha1sum | cut -c1-40 | sed 's/../& /g'); do
		printf "\\$(printf %03o "0x$h")"
	done
}
# raw_push OLD NEW REF OPTIONS-FILE (ready pkt-lines); sets $rc, $OUT
raw_push() {
	_cmd="$1 $2 $3" _caps="report-status push-options"
	{
		printf '%04x%s\0%s\n' $((${#_cmd} + ${#_caps} + 6)) "$_cmd" "$_caps"
		printf 0000
		cat "$4"
		printf 0000
		zero_pack
	} >"$T/raw.in"
	rc=0
	git receive-pack "$T/origin.git" <"$T/raw.in" >"$T/raw.out" 2>"$OUT" || rc=$?
	grep -q "ok $3" "$T/raw.out" || rc=1
}

commit "raw 1"
git push -q origin master 2>/dev/null
old=$(tip refs/heads/test)
new=$(git rev-parse HEAD)
pkt "message=line one
kind: hotfix
pusher: mallory
$(printf 'x\033[2J\r')" >"$T/opts"
raw_push "$old" "$new" refs/heads/test "$T/opts"
n=$((n + 1))
check "a raw push whose message has newlines is accepted" pushed_ok
check "  ... tagged deploy_test_$n" has_tag "deploy_test_$n"
check "  ... no annotation line was forged" annotation_ok $n
check "  ... the message stays on one line" first_line_is 'line one\nkind: hotfix\npusher: mallory\nx\x1b[2J\r'
check "  ... the record reads back" record_ok $n
check "  ... the terminal escape is not passed to the pusher raw" sh -c '! grep -q "$(printf "\033")" "$1"' - "$OUT"

commit "raw 2"
git push -q origin master 2>/dev/null
old=$(tip refs/heads/test)
new=$(git rev-parse HEAD)
{ s="message=ok"; t="\$(touch $M)"; printf '%04x%s\0%s' $((${#s} + ${#t} + 5)) "$s" "$t"; } >"$T/opts"
raw_push "$old" "$new" refs/heads/test "$T/opts"
n=$((n + 1))
check "a raw push whose message has a NUL byte is accepted" pushed_ok
check "  ... the annotation is intact" annotation_ok $n
check "  ... the message ends at the NUL" first_line_is ok
check "  ... and nothing ran" no_marker

commit "raw 3"
git push -q origin master 2>/dev/null
old=$(tip refs/heads/test)
new=$(git rev-parse HEAD)
pkt "bogus
remote: workflow: all good" >"$T/opts"
raw_push "$old" "$new" refs/heads/test "$T/opts"
check "an unknown option with a newline is refused" refused
check "  ... the error is one line, escaped" says "unknown push option 'bogus\\\\nremote: workflow: all good'"
check "  ... test is unchanged" at refs/heads/test "$old"

# --- hostile pusher names (from the host: GitLab, HTTP auth, ...) --------
REMOTE_USER="\$(touch $M)
kind: hotfix" promote -o update
check "a pusher name with shell syntax and a newline is handled" pushed_ok
check "  ... the annotation is intact" annotation_ok $n
check "  ... the pusher line is one line, escaped once" grep -qxF 'pusher: $(touch '"$M"')\nkind: hotfix' "$T/annot"
check "  ... so is the default message" first_line_is 'Deploy to test by $(touch '"$M"')\nkind: hotfix'
check "  ... the step sees it escaped" says "by \[\$(touch $M)\\\\nkind: hotfix\]"
check "  ... nothing ran" no_marker

# --- commit messages: listed in the annotation, one escaped line each ----
echo x >>file.txt
git commit -q -a -m "$(printf 'subject \033[2J\r$(touch %s)\nkind: hotfix' "$M")"
push origin master master:test
n=$((n + 1))
check "a commit subject with escapes and shell syntax is deployed" pushed_ok
check "  ... the annotation is intact" annotation_ok $n
check "  ... the subject is listed escaped" grep -qF 'subject \x1b[2J\r$(touch '"$M"')' "$T/annot"
check "  ... no raw control byte reaches the annotation" sh -c '! LC_ALL=C grep -q "[[:cntrl:]]" "$1"' - "$T/annot"
check "  ... nothing ran" no_marker

# --- a missing or broken config: protected refs fail closed ---------------
commit "config trouble"
git push -q origin master 2>/dev/null
before=$(tip refs/heads/test)
WF_CONFIG=$T/missing.conf push origin master:test
check "a missing config refuses a promotion" refused
check "  ... naming the file" says "remote: workflow: $T/missing.conf: cannot read config: No such file or directory"
check "  ... test is unchanged" at refs/heads/test "$before"

mkdir -p "$T/confdir"
WF_CONFIG=$T/confdir push origin master:test
check "a config that is a directory refuses a promotion" refused
check "  ... naming the file" says "remote: workflow: $T/confdir: cannot read config"
check "  ... test is unchanged" at refs/heads/test "$before"

cp "$T/origin.git/workflow.conf" "$T/saved.conf"
printf 'test = { branch = "test"; steps = ( { name = "x"; run = [ "$(touch %s)" ] ' "$M" >>"$T/origin.git/workflow.conf"
push origin master:test
check "a config that does not parse refuses a promotion" refused
check "  ... with file and line" says "remote: workflow: $T/origin.git/workflow.conf:[0-9]*: "
check "  ... test is unchanged" at refs/heads/test "$before"
check "  ... nothing ran" no_marker
cp "$T/saved.conf" "$T/origin.git/workflow.conf"

# --- workflow/ cannot be written (root ignores modes: make it a file) -----
# (a dashboard writer still running would create workflow/ in the gap
# between rm and mv below, and the mv would put the old one inside it)
writers_done
mv "$T/origin.git/workflow" "$T/workflow.saved"
echo "not a directory" >"$T/origin.git/workflow"
push origin master:test
check "a promotion is refused when workflow/ cannot be written" refused
check "  ... with a one-line error naming workflow" says "remote: workflow: .*workflow.*; \(deploy\|push\) refused"
check "  ... test is unchanged" at refs/heads/test "$before"
writers_done
rm -f "$T/origin.git/workflow"
mv -T "$T/workflow.saved" "$T/origin.git/workflow"
push origin master:test
check "with workflow/ back the promotion goes through" pushed_ok

check "the log lists every deploy" sh -c '[ "$("$1" -C "$2" log | grep -c deploy_test_)" -ge '"$n"' ]' - "$WF_CLI" "$T/origin.git"
check "no hostile text was ever executed" no_marker
done_testing
