#!/bin/sh
# The man pages against what they describe: git-workflow(1) against the
# tool's --help and its command table, workflow.conf(5) against the keys
# the shipped config names and the keys the loader accepts, and each page
# rendered by groff without a warning.  What is read from the sources is
# read at test time, so a new command or key without its man entry fails
# here.
. "$(dirname "$0")/lib.sh"

MAN=$WF_SRCDIR/man
# one item a line, sorted and unique
set_of() { LC_ALL=C sort -u; }

# --- git-workflow(1) ---------------------------------------------------

# cmd_of: a usage line's command: its first word, and its second when that
# is a subcommand (lower case: multidev list), not an argument or option.
cmd_of() { awk '{ print $1 ($2 ~ /^[a-z]+$/ ? " " $2 : "") }'; }

# The commands of --help: each line "  cmd ...", the command and, for a
# command with subcommands (multidev list), its subcommand.
"$WF_CLI" --help >"$T/help" 2>&1
grep '^  [a-z]' "$T/help" | sed 's/^  //; s/  .*//' | cmd_of | set_of >"$T/help.cmds"
check "--help lists commands" test "$(wc -l <"$T/help.cmds")" -ge 10

# The items under COMMANDS: the line after each .TP, fonts and macros
# removed, cut the same way.
awk '/^\.SH /{ in_cmds = ($2 == "COMMANDS") } in_cmds && prev == ".TP" { print } { prev = $0 }' \
	"$MAN/git-workflow.1" |
	sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[BIR]*[ ]*//; s/"//g' |
	cmd_of | set_of >"$T/man.cmds"
comm -23 "$T/help.cmds" "$T/man.cmds" >"$OUT"
check "every command of --help is described in git-workflow(1)" test ! -s "$OUT"
comm -13 "$T/help.cmds" "$T/man.cmds" >"$OUT"
check "every command git-workflow(1) describes is in --help" test ! -s "$OUT"

# The command table of hooks/git-workflow.c against --help.
sed -n '/^} commands\[\] = {/,/^};/p; /commands\[\] = {/,/^};/p' "$WF_SRCDIR/hooks/git-workflow.c" |
	sed -n 's/^[[:space:]]*{ "\([a-z-]*\)".*/\1/p' | set_of >"$T/table.cmds"
cut -d' ' -f1 "$T/help.cmds" | set_of >"$T/help.words"
{ comm -3 "$T/table.cmds" "$T/help.words"; } >"$OUT"
check "the command table and --help name the same commands" test ! -s "$OUT" -a -s "$T/table.cmds"

# Every option --help shows (-C, --json, --since, --drop ...) is in the page.
sed 's/\\-/-/g; s/\\f[BIRP]//g' "$MAN/git-workflow.1" >"$T/man1.txt"
: >"$OUT"
for o in $(grep -o -- '\(^\|[ [(]\)--*[A-Za-z][a-z-]*' "$T/help" | tr -d ' [(' | set_of); do
	grep -q -e "$o\\([^a-z-]\\|\$\\)" "$T/man1.txt" || echo "missing option $o" >>"$OUT"
done
check "every option of --help is in git-workflow(1)" test ! -s "$OUT"

# --- workflow.conf(5) --------------------------------------------------

# The terms of the page: bold words on the line after each .TP, and .SS
# headings; a dotted one (dev.path) counts by its last part.
awk 'prev == ".TP" || /^\.SS / { print } { prev = $0 }' "$MAN/workflow.conf.5" |
	grep -o '\\fB[a-z_.]*\\fR\|^\.SS [a-z_]*' | sed 's/\\f[BR]//g; s/^\.SS //; s/.*\.//' |
	grep . | set_of >"$T/man.keys"

# The keys the shipped config names, its commented examples too
# (# freeze = ( ...): every "key =" after the header, strings removed.
sed -n '/^workflow = {/,$p' "$WF_SRCDIR/conf/workflow.conf" | sed 's/"\([^"\\]\|\\.\)*"/""/g' |
	grep -oE '(^|[[:space:]#{(])[a-z_]+[[:space:]]+=[[:space:]]' |
	sed -E 's/^[[:space:]#{(]*//; s/[[:space:]]*=[[:space:]]$//' | set_of >"$T/conf.keys"
check "conf/workflow.conf names keys" test "$(wc -l <"$T/conf.keys")" -ge 40
comm -23 "$T/conf.keys" "$T/man.keys" >"$OUT"
check "every key of conf/workflow.conf is described in workflow.conf(5)" test ! -s "$OUT"

# The keys the loader accepts: its *_keys[] arrays, WF_RELEASE_KEYS and
# dashboard_config.c's strcmp(key, ...).
core=$WF_SRCDIR/common/core
awk '/_keys\[\] = \{/ || /#define WF_RELEASE_KEYS/ || /#define WF_RECIPE_KEYS/ { on = 1 }
     on { print }
     on && (/NULL/ || (/WF_RE(LEASE|CIPE)_KEYS|^\t/ && !/\\$/)) { on = 0 }' \
	"$core/config.c" "$core/config_internal.h" "$core/config_release.c" "$core/config_multidev.c" \
	"$core/config_notify.c" "$core/config_hosts.c" "$core/config_freeze.c" "$core/config_steps.c" \
	"$core/config_database.c" "$core/config_content.c" "$core/config_recipe.c" |
	grep -o '"[a-z_]*"' | tr -d '"' >"$T/loader.keys.all"
grep -o 'strcmp(key, "[a-z_]*")' "$core/dashboard_config.c" | sed 's/.*"\(.*\)")/\1/' >>"$T/loader.keys.all"
set_of <"$T/loader.keys.all" >"$T/loader.keys"
check "the loader's key lists are found" grep -qx release_file "$T/loader.keys"
for k in tag_prefix overriders webhooks secret_file target tz expect expire dir steps_on min_free_inodes recipe maintenance off; do
	grep -qx "$k" "$T/loader.keys" || echo "not found in the loader: $k"
done >"$OUT"
check "the loader's key lists are read whole" test ! -s "$OUT"
comm -23 "$T/loader.keys" "$T/man.keys" >"$OUT"
check "every key the loader accepts is described in workflow.conf(5)" test ! -s "$OUT"
comm -23 "$T/conf.keys" "$T/loader.keys" >"$OUT"
check "every key of conf/workflow.conf is one the loader accepts" test ! -s "$OUT"

# The page's big example is a valid config (its paths moved under $T).
awk '/^\.EX/ { n++; if (n == 2) { on = 1; next } } /^\.EE/ { on = 0 } on' "$MAN/workflow.conf.5" |
	sed 's/\\-/-/g; s/\\e/\\/g' | sed "s|/var/www/|$T/www/|g" >"$T/example.conf"
"$WF_CLI" check-config "$T/example.conf" >"$OUT" 2>&1
check "the example of workflow.conf(5) passes check-config" test $? = 0 -a -s "$T/example.conf"

# --- rendering -----------------------------------------------------------

if command -v groff >/dev/null 2>&1; then
	for p in git-workflow.1 workflow.conf.5 git-workflow-hooks.7; do
		LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$MAN/$p" >"$OUT" 2>&1
		check "groff renders $p without a warning" test ! -s "$OUT"
	done
else
	echo "ok $((n_tests + 1)) # SKIP groff not installed (apt-get install groff-base)"
	n_tests=$((n_tests + 1))
fi
if command -v man >/dev/null 2>&1; then
	for p in git-workflow.1 workflow.conf.5 git-workflow-hooks.7; do
		LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$MAN/$p" 2>"$OUT" >/dev/null
		check "man -l $p without a warning" test $? = 0 -a ! -s "$OUT"
	done
	LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN/git-workflow.1" 2>/dev/null | grep -q 'check-config' >"$OUT" 2>&1
	check "man -l git-workflow.1 shows the commands" test $? = 0
fi

done_testing
