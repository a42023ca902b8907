#!/bin/sh
# make install (what the Debian package is made of): the places of every
# file, and its install.sh, which adds the hooks to a repository from the
# installed programs and config, without building anything.
. "$(dirname "$0")/lib.sh"

root=$T/root
make -s -C "$WF_BUILDDIR" install DESTDIR="$root" >"$OUT" 2>&1
check "make install DESTDIR=... succeeds" test $? = 0

# The places configure chose (prefix, libexecdir, ...), read from the
# installed install.sh, where make install wrote them.
share=$(find "$root" -path '*/share/git-workflow-hooks/install.sh' | head -1)
check "install.sh is installed in \$(pkgdatadir)" test -n "$share" -a -x "$share"
progs=$(sed -n 's/^installed_progs=//p' "$share")
cli=$(sed -n 's/^installed_cli=//p' "$share")
conf=$(sed -n 's/^installed_conf=//p' "$share")
for h in pre-receive update workflow-update post-receive workflow-post-receive; do
	check "the hook program $h is in \$(pkglibexecdir)" test -x "$root$progs/$h"
done
check "git-workflow is in \$(bindir)" test -x "$root$cli"
check "the default config is in \$(sysconfdir)/workflow" cmp -s "$root$conf" "$WF_SRCDIR/conf/workflow.conf"
check "the gitolite VREF is beside install.sh" test -x "$(dirname "$share")/contrib/gitolite/WORKFLOW"
for p in man1/git-workflow.1 man5/workflow.conf.5 man7/git-workflow-hooks.7; do
	check "the man page $p is installed" test -n "$(find "$root" -path "*/share/man/$p")"
done

# The installed install.sh, its places moved under $root as if that were /,
# in a PATH without a compiler or make: nothing may be built.
inst=$T/share/install.sh
mkdir -p "$T/share" "$T/bin"
sed -e "s|^installed_progs=|installed_progs=$root|" -e "s|^installed_cli=|installed_cli=$root|" \
	-e "s|^installed_conf=|installed_conf=$root|" "$share" >"$inst"
chmod 755 "$inst"
for t in git sh sed grep cat cp mv chmod mkdir dirname basename stat readlink id find sort tr cut cksum printf chown; do
	p=$(command -v "$t") && ln -sf "$p" "$T/bin/$t"
done
PATH=$T/bin "$inst" --deps "$T/site.git" >"$OUT" 2>&1
check "the installed install.sh adds the hooks to a new repository" says "hooks installed in $T/site.git (plain layout)"
check "--deps installs nothing: the installed programs are used" says "nothing to build"
for h in pre-receive update post-receive workflow-update workflow-post-receive; do
	check "hooks/$h is the installed program" cmp -s "$root$progs/$h" "$T/site.git/hooks/$h"
done
check "the repository's workflow.conf is the installed default" cmp -s "$root$conf" "$T/site.git/workflow.conf"
check "nothing was built beside it" test ! -e "$T/share/hooks" -a ! -e "$T/share/Makefile"

PATH=$T/bin "$inst" --timer "$T/units" "$T/site.git" >"$OUT" 2>&1
check "--timer: the units run the installed git-workflow" \
	grep -q "^ExecStart=-$root$cli -C $T/site.git notify --retry" "$T"/units/git-workflow-site-*.service

# The workflow with the installed hooks: a promotion by git push.
git clone -q "$T/site.git" "$T/work" 2>/dev/null
cd "$T/work"
commit "first"
git push -q origin master 2>"$OUT"
git push origin master:test >"$OUT" 2>&1
check "a promotion to test through the installed hooks is tagged" says "remote: workflow: deploy to test: tagged deploy_test_1"
commit "not tested"
git push origin HEAD:live >"$OUT" 2>&1
check "a direct push to live is refused by them" says "remote: workflow: live is locked"
"$root$cli" -C "$T/site.git" status >"$OUT" 2>&1
check "the installed git-workflow reads the repository" says "deploy_test_1"

# make dist ships every file git tracks (the sanitizer pass of check.sh
# builds from make distdir: a doc left out broke its links there)
if git -C "$WF_SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	make -s -C "$WF_BUILDDIR" distdir distdir="$T/dist" >/dev/null 2>&1
	git -C "$WF_SRCDIR" ls-files | grep -v '^\.gitignore$\|/\.keep$' |
		while IFS= read -r f; do [ -e "$T/dist/$f" ] || echo "$f"; done >"$OUT"
	check "make distdir holds every file git tracks" test ! -s "$OUT"
fi

done_testing
