#!/bin/sh
# Runs last: Makefile.am makes its log depend on every other test's.  Under
# --enable-sanitizers, make check has every process of ours (hooks, CLI,
# unit-test workers) write its AddressSanitizer, LeakSanitizer and UBSan
# reports to t/sanitizer/ (ASAN_OPTIONS and UBSAN_OPTIONS log_path).  An
# exit status alone would hide a report from a hook whose push was refused
# anyway, or from a criterion worker whose test had already passed.
. "$(dirname "$0")/lib.sh"

case " ${WF_SAN_CFLAGS:-} " in
*-fsanitize=*) ;;
*) echo "1..0 # SKIP not built with --enable-sanitizers"; exit 0 ;;
esac
dir=$WF_BUILDDIR/t/sanitizer

check "make check sends the sanitizers' reports to t/sanitizer/" \
	sh -c 'case ":$ASAN_OPTIONS" in *":log_path=$1/report") [ -d "$1" ] ;; *) false ;; esac' - "$dir"
find "$dir" -type f | sort >"$T/reports"
n=$(wc -l <"$T/reports")
: >"$OUT"
while read -r f; do
	echo "=== $f" >>"$OUT"
	head -n 40 "$f" >>"$OUT"
done <"$T/reports"
check "no sanitizer reports from any test ($n found)" [ "$n" = 0 ]
done_testing
