#!/bin/sh
# Run the whole test suite on a fresh Debian machine: install what is
# missing, build, run the unit and end-to-end tests.  Exits non-zero when
# any test fails.  Extra arguments go to configure (e.g. --enable-sanitizers).
set -eu
cd "$(dirname "$0")"
./install.sh --deps
t/test-deps.sh || echo "check.sh: the tests that need a server will skip"
# New configure flags (e.g. --enable-sanitizers) change the compiler flags,
# which make does not track: rebuild everything with them.
if [ $# -gt 0 ]; then ./configure -q "$@"; make -s clean >/dev/null; fi
status=0
make -s check >/dev/null 2>&1 || status=$?
for log in tests/*.log t/*.log; do
	[ -f "$log" ] || continue
	case $log in */test-suite.log) continue ;; esac
	echo "=== $log"
	cat "$log"
done
pass=$(cat tests/*.trs t/*.trs 2>/dev/null | grep -c '^:test-result: PASS' || true)
fail=$(cat tests/*.trs t/*.trs 2>/dev/null | grep -c '^:test-result: \(FAIL\|ERROR\|XPASS\)' || true)
echo "check.sh: $pass passed, $fail failed"
[ "$status" = 0 ] && [ "$fail" = 0 ]
