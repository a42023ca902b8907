#!/bin/sh
# The config is trusted only when safe (issue 26, point 4): a workflow.conf
# or a webhook secret that group or other can write, or that belongs to
# another user than the repository's owner or root, refuses every push with
# the path and the chmod or chown to run (fail closed, as a broken config
# does); check-config says the same.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

printf 'test = { branch = "test"; };\n' >"$T/workflow.conf"
setup --conf "$T/workflow.conf"
C=$T/origin.git/workflow.conf
commit "A"

chmod g+w "$C"
push origin master
check "a config its group can write refuses the push" refused
check "  ... naming it and the chmod to run" \
	says "the workflow config $C is writable by its group, so anyone in it could decide who deploys: refused until it is not (chmod go-w $C)"
"$WF_CLI" -C "$T/origin.git" check-config >"$OUT" 2>&1 && rc=0 || rc=$?
check "  ... check-config says the same" sh -c '[ "$1" != 0 ] && grep -q "is writable by its group" "$2"' - "$rc" "$OUT"
chmod o+w "$C"
push origin master
check "one everyone can write too" says "is writable by everyone"
chmod go-w "$C"
push origin master
check "  ... made safe, the push goes through" pushed_ok

if id nobody >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	chown nobody "$C"
	commit "B"
	push origin master
	check "a config owned by another user than the repository's refuses the push" \
		says "the workflow config $C belongs to nobody, not to the repository's owner root nor root: refused until it does (chown root $C)"
	chown root "$C"
else
	ok "# SKIP not root: cannot give the config to another user"
fi

printf 'topsecret\n' >"$T/secret"
chmod 664 "$T/secret"
printf 'test = { branch = "test"; };\nnotify = { webhooks = ( { url = "http://127.0.0.1:9/h"; secret_file = "%s"; events = [ "deploy" ]; } ); };\n' \
	"$T/secret" >"$C"
commit "C"
push origin master
check "a webhook secret its group can write refuses the push" says "the webhook secret $T/secret is writable by its group"
chmod 600 "$T/secret"
push origin master
check "  ... made safe, the push goes through" pushed_ok
done_testing
