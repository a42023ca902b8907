#!/bin/sh
# Replay the fuzz seed corpus and every crasher kept in fuzz/regress/
# through the fuzz harnesses (built without libFuzzer, so this runs with
# any compiler and under --enable-sanitizers).  A harness aborts when a
# parser property fails, so each line fails if an old bug comes back.
. "$(dirname "$0")/lib.sh"

for t in hook_input push_options config; do
	bin=$WF_BUILDDIR/fuzz/replay_$t
	if [ ! -x "$bin" ]; then
		not_ok "fuzz harness $t is built ($bin missing: run make check)"
		continue
	fi
	for dir in corpus regress; do
		n=$(find "$WF_SRCDIR/fuzz/$dir/$t" -type f ! -name '.*' | wc -l)
		"$bin" "$WF_SRCDIR/fuzz/$dir/$t" >"$OUT" 2>&1
		st=$?
		check "fuzz $dir/$t: $n inputs replay cleanly" \
			sh -c '[ "$1" = 0 ] && grep -qx "replayed $2 inputs" "$3"' - "$st" "$n" "$OUT"
	done
done
done_testing
