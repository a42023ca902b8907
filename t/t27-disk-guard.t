#!/bin/sh
# Disk and inode floors (issue 27, point 4): a release that would leave its
# env's filesystem under min_free or min_free_inodes is refused before the
# ref moves, naming both figures; the release is removed.  On a tmpfs of
# its own, so the figures are the test's.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

P=$T/site
mkdir -p "$P"
if ! mount -t tmpfs -o size=8m,nr_inodes=1200 tmpfs "$P" 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a small tmpfs here"
	exit 0
fi
# never left mounted, even by a test that dies: the next run removes $T
trap 'umount "$P" 2>/dev/null' EXIT
cat >"$T/workflow.conf" <<CONF
test = { branch = "test"; path = "$P/test"; keep = 2; min_free = "40%"; min_free_inodes = "70%"; };
CONF
setup --conf "$T/workflow.conf"
wf() { "$WF_CLI" -C "$T/origin.git" "$@"; }
records() { ls "$T/origin.git/workflow/records" 2>/dev/null | grep -c '\.json$'; }
last_record_says() { wf show "$(records)" >"$T/show" 2>&1 && grep -q -- "$1" "$T/show"; }
current() { readlink "$P/test/current"; }

commit "A"
git push -q origin master 2>/dev/null
push origin master:test
check "a release that leaves room deploys" sh -c '[ "$1" = 0 ] && [ "$(readlink "$2")" = releases/deploy_test_1 ]' - \
	"$rc" "$P/test/current"
good=$(tip refs/heads/test)

# --- inodes: 450 new files would leave under 70% of 1200 --------------------
mkdir -p many
i=0; while [ $i -lt 450 ]; do echo "$i" >"many/f$i"; i=$((i + 1)); done
git add many && git commit -q -m "450 files" && git push -q origin master 2>/dev/null
push origin master:test
check "a release that would leave too few inodes is refused" refused
check "  ... naming both figures and the floor" \
	says "with the new release placed and built, $P/test has [0-9]* MB free ([0-9]*%) and [0-9]* inodes free ([0-9]*%): under test.min_free_inodes (70%)"
check "  ... test did not move" at refs/heads/test "$good"
check "  ... current did not move" test "$(current)" = releases/deploy_test_1
check "  ... the refused release is gone" test ! -e "$P/test/releases/deploy_test_2"
check "  ... and it is recorded as a refusal" last_record_says "under test.min_free_inodes (70%)"
check "  ... and what it put in the store is gone too: the inodes are free again" \
	sh -c '[ "$(find "$1" | wc -l)" -lt 100 ]' - "$P"
git rm -q -r many && git commit -q -m "fewer files" && git push -q origin master 2>/dev/null

# --- space: a 5 MB file would leave under 40% of 8 MB ----------------------
head -c 5242880 /dev/urandom >big.bin
git add big.bin && git commit -q -m "a big file" && git push -q origin master 2>/dev/null
push origin master:test
check "a release that would leave too little space is refused" refused
check "  ... naming both figures and the floor" \
	says "$P/test has [0-9]* MB free ([0-9]*%) and [0-9]* inodes free ([0-9]*%): under test.min_free (40%)"
check "  ... test did not move" at refs/heads/test "$good"
check "  ... no release is left behind, its space is free again" sh -c '! ls "$1"/test/releases | grep -q deploy_test_2' - "$P"
git rm -q big.bin && git commit -q -m "small again" && git push -q origin master 2>/dev/null
push origin master:test
check "with room again the deploy goes through" pushed_ok

# --- a filesystem already under its floor refuses before placing anything ---
head -c 6000000 /dev/zero >"$P/fill"
commit "B"
git push -q origin master 2>/dev/null
push origin master:test
check "a filesystem already under min_free refuses before the release is placed" \
	sh -c '[ "$1" != 0 ] && grep -q "before the release is placed, .* under test.min_free (40%)" "$2"' - "$rc" "$OUT"
rm -f "$P/fill"

# --- the floors are config: a bad one names its line ------------------------
printf 'test = { path = "%s/x";\n  min_free = "lots"; };\n' "$P" >"$T/bad.conf"
"$WF_CLI" check-config "$T/bad.conf" >"$OUT" 2>&1 && rc=0 || rc=$?
check "check-config names a floor it cannot read, with its line" \
	sh -c '[ "$1" != 0 ] && grep -q "bad.conf:2: .test.min_free. must be a percentage of the filesystem (\"10%\") or a size" "$2"' - "$rc" "$OUT"
done_testing
