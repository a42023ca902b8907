#!/bin/sh
# Issue 15: common/ is in layers whose includes only point down:
#   core  pure: policy, config, hook input, push options, text (no git2.h)
#   sys   the system: files, processes, locks, the spool, steps, HTTP
#   git   the libgit2 adapter: the only code that includes git2.h
#   flow  deploys, repair, reporting, over one struct that carries a deploy
# Each file of a layer may include headers of its own layer and the layers
# below it, never above; hooks/ may include any.  A header named in two
# layers is an error too (an include would be ambiguous).
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

C=$WF_SRCDIR/common
rank() { case $1 in core) echo 1 ;; sys) echo 2 ;; git) echo 3 ;; flow) echo 4 ;; *) echo 0 ;; esac; }
# the layer a header is in, or nothing (a system header)
layer_of() { for _l in core sys git flow; do [ -f "$C/$_l/$1" ] && echo "$_l" && return; done; }

bad=$T/bad
: >"$bad"
for l in core sys git flow; do
	[ -d "$C/$l" ] || echo "common/$l is missing" >>"$bad"
	for f in "$C/$l"/*.c "$C/$l"/*.h; do
		[ -f "$f" ] || continue
		grep -o '^#include "[^"]*"' "$f" | sed 's/.*"\(.*\)"/\1/' | while read -r h; do
			hl=$(layer_of "$h")
			[ -n "$hl" ] || { echo "${f#"$WF_SRCDIR"/}: includes \"$h\", which is in no layer" >>"$bad"; continue; }
			[ "$(rank "$hl")" -le "$(rank "$l")" ] ||
				echo "${f#"$WF_SRCDIR"/} ($l) includes $h ($hl): includes point down only" >>"$bad"
		done
		case $l in git) ;; *)
			grep -q '^#include <git2' "$f" && echo "${f#"$WF_SRCDIR"/} ($l) includes git2.h: only common/git may" >>"$bad" ;;
		esac
	done
done
ls "$C"/*.c "$C"/*.h 2>/dev/null | sed "s|^$WF_SRCDIR/|left outside the layers: |" >>"$bad"
for h in $(ls "$C"/*/*.h | xargs -n1 basename | sort | uniq -d); do
	echo "$h is in two layers" >>"$bad"
done
cp "$bad" "$OUT"
check "every include in common/ points down, git2.h only in common/git" test ! -s "$bad"
done_testing
