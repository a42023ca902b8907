#!/bin/sh
# Issue 26: the documentation stays inside the repository.  Every link of
# README.md and docs/*.md (and the other .md files) resolves: to a file in
# the tree, and an #anchor to a heading of the target (GitHub's anchors);
# none leaves the repository (no ../ out of the tree, no URL).  Comments in
# the code cite only files in the tree (docs/WORKFLOW.md, not a WORKFLOW.md
# beside the checkout), and a cited section is a heading there.
. "${WF_SRCDIR:-$(dirname "$0")/..}/t/lib.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "1..0 # SKIP python3 is not installed"
	exit 0
fi
LINKS="python3 $WF_SRCDIR/t/doc-links.py"
cd "$WF_SRCDIR" || exit 1

docs=$(ls README.md SECURITY.md docs/*.md bench/*.md fuzz/README.md 2>/dev/null)
$LINKS "$WF_SRCDIR" $docs >"$OUT" 2>&1
check "every link of README.md and docs/*.md stays in the repository and resolves" test ! -s "$OUT"

check "README.md is a short page (at most 250 lines)" test "$(wc -l <README.md)" -le 250
for p in WORKFLOW workflow releases several-web-servers branch-envs webhooks records dashboard cli \
	configuration hosts hosts-gitlab hosts-gitea hosts-gitolite hosts-smart-http cms-drupal \
	cms-wordpress cms-magento nginx-php-fpm security text benchmarks layout install steps; do
	grep -q "](docs/$p.md)" README.md || echo "docs/$p.md is not in README's table of contents" >>"$T/toc"
done
: >>"$T/toc"; cp "$T/toc" "$OUT"
check "README's table of contents lists every page of docs/" test ! -s "$T/toc"
ls docs/*.md | sed 's|^|](|; s|$|)|' | while read -r l; do grep -qF "$l" README.md || echo "$l"; done >"$OUT"
check "every docs/*.md page is linked from README.md" test ! -s "$OUT"

src=$(find common hooks conf contrib -type f \( -name '*.[ch]' -o -name '*.conf' -o -name '*.sh' \) | sort
	ls install.sh check.sh Makefile.am bench/reference-hooks/* .ci/run 2>/dev/null)
$LINKS --cites "$WF_SRCDIR" $src >"$OUT" 2>&1
check "comments cite files that are in the tree, and sections that are in them" test ! -s "$OUT"

# What the new user hit, kept fixed.
grep -rn 'push origin origin/test:live' README.md docs/*.md | grep -v 'fails' >"$OUT"
check "no page tells a first Live push as origin/test:live (it needs refs/heads/live)" test ! -s "$OUT"
check "README gives the first Live push from origin/test with the full name" grep -q 'origin/test:refs/heads/live' README.md
for f in docs/cms-drupal.md docs/cms-wordpress.md docs/cms-magento.md; do
	grep -q 'deny all' "$f" && grep -q 'HTTP_HOST *\$http_host' "$f" || echo "$f"
done >"$OUT"
check "each CMS page's nginx block denies PHP in the uploads and sends HTTP_HOST with the port" test ! -s "$OUT"

# The checker itself: it fails on each kind of broken link.
F=$T/fixture
mkdir -p "$F/docs" "$F/common"
cat >"$F/docs/a.md" <<'MD'
# A page

## Text: what is kept, what is escaped

## Twice

## Twice

[ok](#text-what-is-kept-what-is-escaped) [ok](#twice-1) [ok](b.md) [ok](../README.md#top)
`[not a link](nowhere.md)` and in code:

    [not a link either](nowhere.md)

[missing file](nowhere.md)
[missing anchor](b.md#no-such-heading)
[outside](../../outside.md)
[url](https://example.org/site/README.md)
MD
printf '# B\n' >"$F/docs/b.md"
printf '# Top\n' >"$F/README.md"
$LINKS "$F" docs/a.md docs/b.md README.md >"$OUT" 2>&1
rc=$?
check "the checker fails on a broken link" test "$rc" = 1
check "it names the missing file" grep -q 'docs/a.md:14: nowhere.md: no such file' "$OUT"
check "it names the missing anchor" grep -q 'b.md#no-such-heading: no heading "no-such-heading"' "$OUT"
check "it names the link out of the tree" grep -q '\.\./\.\./outside.md: leaves the repository' "$OUT"
check "it names the URL" grep -q 'https://example.org/site/README.md: leaves the repository' "$OUT"
check "it reports those four and nothing else (anchors, code spans and blocks are right)" test "$(wc -l <"$OUT")" = 4

printf '/* The rules of WORKFLOW.md, as in README "Top" and docs/b.md "Nope". */\n' >"$F/common/x.c"
printf '/* docs/gone.md */\n' >"$F/common/y.c"
$LINKS --cites "$F" common/x.c common/y.c >"$OUT" 2>&1
rc=$?
check "a comment citing a WORKFLOW.md outside the tree is caught" grep -q 'x.c: WORKFLOW.md: not in the tree' "$OUT"
check "a cited section that is not a heading is caught" grep -q 'docs/b.md "Nope": no such heading' "$OUT"
check "a cited file that is not there is caught" grep -q 'y.c: docs/gone.md: no such file' "$OUT"
check "a README section that is a heading passes; the run fails" test "$rc" = 1 -a "$(wc -l <"$OUT")" = 3
done_testing
