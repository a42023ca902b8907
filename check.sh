#!/bin/sh
# Run the whole test suite on a fresh Debian machine: install what is
# missing, build, run the unit and end-to-end tests, then run them all again
# built with AddressSanitizer and UndefinedBehaviorSanitizer.  Exits non-zero
# when any test fails.  CI runs exactly this.
#
#   ./check.sh                 both passes
#   ./check.sh --quick         the plain pass only
#   ./check.sh CONFIGURE-ARGS  one pass in this tree, configured with them
#                              (e.g. --enable-sanitizers)
#
# The sanitizer pass builds in a copy of the tree (make distdir), so the
# build install.sh installs from stays a plain one.
set -eu
cd "$(dirname "$0")"
# a tree left configured by "./check.sh --enable-sanitizers" goes back to plain
case "${1:-}" in
"" | --quick)
	if [ -f config.status ] && grep -q 'enable-sanitizers' config.status; then
		./configure -q && make -s clean >/dev/null
	fi ;;
esac
./install.sh --deps
t/test-deps.sh || echo "check.sh: the tests that need a server will skip"

total_pass=0 total_fail=0 status=0
jobs=$(nproc 2>/dev/null || echo 2)

# run_suite DIR: make check in DIR, its exit status kept in DIR/check.rc
run_suite() {
	_rc=0
	# the tests run side by side (automake's parallel harness): each has
	# its own temp dir and ports, and t/sanitizer-reports.t waits for all
	(cd "$1" && make -s -j"$jobs" check >/dev/null 2>&1) || _rc=$?
	echo "$_rc" >"$1/check.rc"
}

# report NAME DIR: print every test's log of DIR's run, count.
report() {
	_rc=$(cat "$2/check.rc" 2>/dev/null || echo 1)
	for log in "$2"/tests/*.log "$2"/t/*.log; do
		[ -f "$log" ] || continue
		case $log in */test-suite.log) continue ;; esac
		echo "=== $1: ${log#"$2"/}"
		cat "$log"
	done
	_p=$(cat "$2"/tests/*.trs "$2"/t/*.trs 2>/dev/null | grep -c '^:test-result: PASS' || true)
	_f=$(cat "$2"/tests/*.trs "$2"/t/*.trs 2>/dev/null | grep -c '^:test-result: \(FAIL\|ERROR\|XPASS\)' || true)
	# make failing with no failed test (a build error) still fails the run
	[ "$_rc" = 0 ] && [ "$_f" = 0 ] || status=1
	[ "$_rc" = 0 ] || [ "$_f" != 0 ] || echo "check.sh: $1: make check failed (exit $_rc) before any test failed"
	echo "check.sh: $1: $_p passed, $_f failed"
	total_pass=$((total_pass + _p)) total_fail=$((total_fail + _f))
}

case "${1:-}" in
--quick)
	run_suite .
	report plain . ;;
"")
	san=_sanitizers
	rm -rf "$san"
	make -s distdir distdir="$san" >/dev/null
	# The two passes run at once, under one make's job slots: both trees
	# are built first, side by side (the sanitizer tree is the longer
	# build, and its tests the longer pass), then the tests of both share
	# the slots.  Twice as many slots as cores: the tests wait on servers,
	# pushes and timeouts more than they compute (one pass after the
	# other, the cores were idle 40% of the time).
	both=$(mktemp)
	cat >"$both" <<'EOF'
all: plain sanitizers
plain: plain-build sanitizers-build
	+{ $(MAKE) -s check >/dev/null 2>&1; echo $$? >check.rc; }
sanitizers: sanitizers-build plain-build
	+cd "$(WF_CHECK_SAN)" && if [ -f check-built ]; then $(MAKE) -s check >/dev/null 2>&1; echo $$? >check.rc; fi
# TESTS= : make check builds the test programs and runs nothing
plain-build:
	+$(MAKE) -s check TESTS= >/dev/null 2>&1 || true
sanitizers-build:
	+cd "$(WF_CHECK_SAN)" && if { ./configure -q --enable-sanitizers && $(MAKE) -s check TESTS=; } >check-build.log 2>&1; \
	then touch check-built; else echo build >check.rc; fi
EOF
	make -s -j$((jobs * 2)) -f "$both" WF_CHECK_SAN="$san" || true
	rm -f "$both"
	report plain .
	if [ "$(cat "$san/check.rc")" != build ]; then
		before=$status status=0
		report sanitizers "$san"
		# kept for a look when it failed
		[ "$status" != 0 ] || rm -rf "$san"
		[ "$before" = 0 ] || status=$before
	else
		echo "check.sh: sanitizers: the build with --enable-sanitizers failed (see $san/check-build.log)"; tail -20 "$san/check-build.log"
		status=1
	fi ;;
*)
	# New configure flags change the compiler flags, which make does not
	# track: rebuild everything with them.
	./configure -q "$@"
	make -s clean >/dev/null
	run_suite .
	report "configure $*" . ;;
esac
echo "check.sh: $total_pass passed, $total_fail failed"
exit "$status"
