#!/bin/sh
# Install the workflow hooks into bare repositories, building them first
# when needed.  Safe to run again: it only replaces the hook programs and
# never overwrites a repository's workflow.conf.
#
#   ./install.sh [--deps] [--conf FILE] [--layout L] [--all DIR] REPO.git...
#
#   --deps          install the missing Debian build packages first (apt-get)
#   --conf FILE     the workflow.conf to give repositories that have none
#                   (default: conf/workflow.conf; installed: the system one)
#   --layout L      where a repository's host runs hooks from:
#                     plain      REPO/hooks/<hook> (a bare repo over ssh, a local path,
#                                git daemon); the pusher is the Unix user
#                     http       as plain, for smart HTTP (git http-backend behind
#                                a web server): the pusher is REMOTE_USER
#                     gitea      REPO/hooks/<hook>.d/workflow (Gitea, Forgejo)
#                     gitlab     REPO/custom_hooks/<hook>.d/workflow (GitLab server hooks)
#                     gitolite   REPO/hooks/pre-receive, post-receive and
#                                workflow-update (run by the WORKFLOW VREF)
#                     hookspath  the programs in --hooks-dir DIR, REPO's
#                                core.hooksPath set to DIR unless it already is
#                     auto       (default) gitea when REPO/hooks/pre-receive
#                                runs hooks/pre-receive.d/*, gitlab under @hashed/ or with custom_hooks/,
#                                gitolite when hooks/update is gitolite's, else plain
#   --hooks-dir DIR the shared hooks directory for --layout hookspath
#   --all DIR       also every bare repository NAME.git under DIR (wikis and
#                   gitolite-admin are skipped)
#   --timer DIR     also a systemd timer per repository in DIR (such as
#                   /etc/systemd/system): hourly, as the repository's owner,
#                   git-workflow multidev expire, multidev prune --older 14d
#                   and notify --retry
# With --deps and no repository, it only installs the packages and builds.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${WF_BUILDDIR:-$here}
# The copy `make install` puts in $(pkgdatadir) (the Debian package's
# /usr/share/git-workflow-hooks/install.sh) has these three set to the
# installed programs and config, so that a host with the package adds the
# hooks to a repository without a compiler.  Empty here: from a source
# tree the programs are the ones built in $build/hooks.
installed_progs=
installed_cli=
installed_conf=
if [ -n "$installed_progs" ]; then
	progs=$installed_progs cli=$installed_cli conf=$installed_conf
else
	progs=$build/hooks cli=$build/hooks/git-workflow conf=$here/conf/workflow.conf
fi
deps=0
layout=auto
hooks_dir=
all_dirs=
timer_dir=
PACKAGES="build-essential autoconf automake pkg-config git libgit2-dev libconfig-dev libcurl4-openssl-dev zlib1g-dev libssl-dev libjansson-dev libcriterion-dev python3 rsync openssh-client"

die() { echo "install.sh: $*" >&2; exit 1; }

usage() { sed -n '5,32p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--deps) deps=1; shift ;;
	--conf) [ $# -ge 2 ] || die "--conf needs a file"; conf=$2; shift 2 ;;
	--conf=*) conf=${1#--conf=}; shift ;;
	--layout) [ $# -ge 2 ] || die "--layout needs one of plain, http, gitea, gitlab, gitolite, hookspath, auto"; layout=$2; shift 2 ;;
	--layout=*) layout=${1#--layout=}; shift ;;
	--hooks-dir) [ $# -ge 2 ] || die "--hooks-dir needs a directory"; hooks_dir=$2; shift 2 ;;
	--hooks-dir=*) hooks_dir=${1#--hooks-dir=}; shift ;;
	--all) [ $# -ge 2 ] || die "--all needs a directory of repositories"; all_dirs="$all_dirs
$2"; shift 2 ;;
	--timer) [ $# -ge 2 ] || die "--timer needs the directory of systemd units (e.g. /etc/systemd/system)"; timer_dir=$2; shift 2 ;;
	--timer=*) timer_dir=${1#--timer=}; shift ;;
	--all=*) all_dirs="$all_dirs
${1#--all=}"; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (see ./install.sh --help)" ;;
	*) break ;;
	esac
done
case $layout in
plain|http|gitea|gitlab|gitolite|auto) ;;
hookspath) [ -n "$hooks_dir" ] || die "--layout hookspath needs --hooks-dir DIR (the directory core.hooksPath names)" ;;
*) die "unknown layout '$layout': use plain, http, gitea, gitlab, gitolite, hookspath or auto" ;;
esac
if [ -n "$hooks_dir" ]; then
	[ "$layout" = auto ] || [ "$layout" = hookspath ] || die "--hooks-dir goes with --layout hookspath, not $layout"
	layout=hookspath
fi
echo "$all_dirs" | while IFS= read -r d; do
	[ -z "$d" ] || [ -d "$d" ] || die "--all $d: not a directory (give the directory that holds the repositories)"
done
[ $# -gt 0 ] || [ $deps = 1 ] || [ -n "$all_dirs" ] || [ -n "$hooks_dir" ] || { usage >&2; exit 2; }
[ -r "$conf" ] || die "cannot read the config '$conf'"

install_deps() {
	missing=
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	echo "install.sh: installing Debian packages:$missing"
	if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null
}

build_hooks() {
	[ -z "$installed_progs" ] || return 0
	for h in pre-receive update workflow-update post-receive workflow-post-receive git-workflow; do
		[ -x "$progs/$h" ] || { need=1; break; }
	done
	[ "${need:-0}" = 1 ] || [ $deps = 1 ] || return 0
	echo "install.sh: building the hooks in $build"
	# in a subshell: relative repository paths stay relative to the caller
	(
		cd "$here"
		[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || die "autoreconf failed: run ./install.sh --deps to install autoconf and automake"
		cd "$build"
		[ -f Makefile ] || "$here/configure" -q || die "configure failed (see $build/config.log); ./install.sh --deps installs what is missing"
		make -s -j"$(nproc 2>/dev/null || echo 2)" >/dev/null || die "the build failed: run make in $build to see why"
	) || exit 1
}

HOOKS="pre-receive update post-receive"
# update and post-receive are small fronts (see bench/RESULTS.md); these
# do the full work, beside them in the same directory.
FULL="workflow-update workflow-post-receive"
# The program that does a hook's whole job alone, for hosts that run every
# program of a directory (hooks/<hook>.d) or call it by another name.
full_of() {
	case $1 in
	update) echo workflow-update ;;
	post-receive) echo workflow-post-receive ;;
	*) echo "$1" ;;
	esac
}

# put SRC DEST: install one program; copy then rename, so a push running
# now never sees half a file.
put() {
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2.new.$$"
	chmod 755 "$2.new.$$"
	mv -f "$2.new.$$" "$2"
}

# dispatches REPO HOOK: REPO/hooks/HOOK runs the programs in HOOK.d, as
# Gitea's and Forgejo's do; a .d directory nobody runs would leave the
# repository unguarded.
dispatches() {
	[ -f "$1/hooks/$2" ] && grep -q '\.d/' "$1/hooks/$2"
}

# The layout a repository's host uses, when --layout auto.
detect_layout() {
	_r=$1
	if [ -d "$_r/hooks/pre-receive.d" ] && dispatches "$_r" pre-receive; then
		echo gitea
	elif [ -d "$_r/custom_hooks" ]; then
		echo gitlab
	else
		case $(cd "$_r" && pwd -P) in
		*/@hashed/*) echo gitlab ;;
		*)
			if [ -L "$_r/hooks/update" ] && readlink "$_r/hooks/update" | grep -q '/hooks/common/update$'; then
				echo gitolite
			else
				echo plain
			fi ;;
		esac
	fi
}

# gitolite owns the update hook, so our per-ref checks run as its VREF:
# put the VREF into gitolite's LOCAL_CODE when the rc names one.
gitolite_vref() {
	_home=$(cd "$1/../.." 2>/dev/null && pwd -P) || return 0
	while [ "$_home" != / ] && [ ! -f "$_home/.gitolite.rc" ]; do _home=$(dirname "$_home"); done
	if [ -f "$_home/.gitolite.rc" ] && [ -f "$here/contrib/gitolite/WORKFLOW" ] && command -v gitolite >/dev/null 2>&1; then
		lc=$(HOME=$_home gitolite query-rc LOCAL_CODE 2>/dev/null || true)
		if [ -n "$lc" ]; then
			put "$here/contrib/gitolite/WORKFLOW" "$lc/VREF/WORKFLOW"
			chown --reference="$_home/.gitolite.rc" "$lc" "$lc/VREF" "$lc/VREF/WORKFLOW" 2>/dev/null || true
			echo "install.sh: gitolite VREF installed as $lc/VREF/WORKFLOW"
			return 0
		fi
	fi
	echo "install.sh: warning: Test and Live are locked only once gitolite runs the WORKFLOW VREF:" >&2
	echo "install.sh:   set LOCAL_CODE in ~/.gitolite.rc, copy contrib/gitolite/WORKFLOW to LOCAL_CODE/VREF/," >&2
	echo "install.sh:   and add '- VREF/WORKFLOW = @all' to the repository in gitolite.conf (see docs/hosts-gitolite.md)" >&2
}

# The variable that carries the pusher's name on each layout's host: only
# one that host sets itself for every push (any other, the pusher can set).
identity_of() {
	case $1 in
	http) echo REMOTE_USER ;;
	gitolite) echo GL_USER ;;
	gitlab) echo GL_USERNAME ;;
	gitea) echo GITEA_PUSHER_NAME ;;
	*) ;;
	esac
}

# write_conf REPO LAYOUT: the repository's workflow.conf from $conf, its
# identity_vars line ("# written by install.sh") set for the host.
write_conf() {
	_var=$(identity_of "$2")
	_list=${_var:+\"$_var\" }
	sed "s|^\( *identity_vars = \)\[.*\];\( *# written by install.sh.*\)\$|\1[ $_list];\2|" "$conf" >"$1/workflow.conf.new.$$"
	mv -f "$1/workflow.conf.new.$$" "$1/workflow.conf"
	if grep -q '# written by install.sh' "$1/workflow.conf"; then
		echo "install.sh: the pusher's name comes from ${_var:-the Unix user (no host variable is trusted)}"
	fi
}

# warn_identity REPO LAYOUT: an existing config that trusts a variable
# this host does not set lets a pusher name himself.
warn_identity() {
	_var=$(identity_of "$2")
	_line=$(grep -E '^[[:space:]]*identity_vars[[:space:]]*=' "$1/workflow.conf" 2>/dev/null || true)
	for _v in GL_USERNAME GITEA_PUSHER_NAME GL_USER REMOTE_USER; do
		[ "$_v" = "$_var" ] && continue
		case $_line in *\"$_v\"*)
			echo "install.sh: warning: $1/workflow.conf trusts $_v, which a $2 host does not set: a pusher can set it and push as anyone (set workflow.identity_vars to [ ${_var:+\"$_var\" }])" >&2 ;;
		esac
	done
}

# sha1_repo REPO: its objects are named with SHA-1 (libgit2 1.5 reads
# nothing else: a SHA-256 repository would refuse every push).
sha1_repo() {
	_fmt=$(git --git-dir="$1" rev-parse --show-object-format 2>/dev/null || echo sha1)
	[ "$_fmt" = sha1 ]
}

install_repo() {
	repo=$1
	if [ ! -e "$repo" ]; then
		git init -q --bare "$repo" || die "cannot create the bare repository $repo"
		echo "install.sh: created bare repository $repo"
	fi
	[ -d "$repo" ] || die "$repo is not a directory"
	bare=$(git --git-dir="$repo" rev-parse --is-bare-repository 2>/dev/null) ||
		die "$repo is not a git repository: give a bare repository (or a new path to create one)"
	[ "$bare" = true ] || die "$repo is not a bare repository: the hooks guard the repository people push to; create one with: git init --bare NAME.git"
	sha1_repo "$repo" || die "$repo uses SHA-256 object names, which the hooks' libgit2 cannot read (every push would be refused); use a SHA-1 repository: git init --bare --object-format=sha1 NAME.git"
	l=$layout
	[ "$l" = auto ] && l=$(detect_layout "$repo")
	case $l in
	plain|http)
		# update and post-receive run workflow-update and
		# workflow-post-receive, installed beside them, when needed
		for h in $HOOKS $FULL; do put "$progs/$h" "$repo/hooks/$h"; done ;;
	gitea)
		# Gitea's own hooks/<hook> runs every program in hooks/<hook>.d, so
		# nothing else may go there: the full programs, as before
		for h in $HOOKS; do
			put "$progs/$(full_of "$h")" "$repo/hooks/$h.d/workflow"
			dispatches "$repo" "$h" ||
				echo "install.sh: warning: $repo/hooks/$h does not run hooks/$h.d/: the hooks are not active until Gitea writes its hooks (Site Administration -> Resynchronize git hooks)" >&2
		done ;;
	gitlab)
		for h in $HOOKS; do put "$progs/$(full_of "$h")" "$repo/custom_hooks/$h.d/workflow"; done ;;
	gitolite)
		put "$progs/pre-receive" "$repo/hooks/pre-receive"
		put "$progs/workflow-post-receive" "$repo/hooks/post-receive"
		put "$progs/workflow-update" "$repo/hooks/workflow-update"
		gitolite_vref "$repo" ;;
	hookspath)
		hp=$(cd "$hooks_dir" && pwd -P)
		[ "$(git --git-dir="$repo" config core.hooksPath || true)" = "$hp" ] ||
			git --git-dir="$repo" config core.hooksPath "$hp" ;;
	esac
	if [ ! -e "$repo/workflow.conf" ]; then
		write_conf "$repo" "$l"
	else
		warn_identity "$repo" "$l"
	fi
	git --git-dir="$repo" config receive.advertisePushOptions true
	# as root, leave what we wrote to the repository's owner (the git
	# host's user), who must be able to run, read and rewrite it
	if [ "$(id -u)" = 0 ]; then
		for f in hooks custom_hooks workflow.conf config; do
			if [ -e "$repo/$f" ]; then chown -R --reference="$repo" "$repo/$f"; fi
		done
	fi
	echo "install.sh: hooks installed in $repo ($l layout)"
	[ -z "$timer_dir" ] || install_timer "$repo"
}

# The housekeeping a repository needs off any push, from a systemd timer:
# branch envs past multidev.expire, what .deleted/ kept, webhook events
# not delivered yet.  One service and timer a repository, named after it.
install_timer() {
	_repo=$(cd "$1" && pwd -P)
	_unit=git-workflow-$(basename "$_repo" .git | tr -c 'A-Za-z0-9_\n-' '-')-$(printf '%s' "$_repo" | cksum | cut -d' ' -f1)
	_wf=$(cd "$(dirname "$cli")" && pwd -P)/$(basename "$cli")
	mkdir -p "$timer_dir" || die "cannot create $timer_dir"
	cat >"$timer_dir/$_unit.service" <<UNIT
[Unit]
Description=git-workflow housekeeping of $_repo

[Service]
Type=oneshot
User=$(stat -c %U "$_repo")
ExecStart=-$_wf -C $_repo multidev expire
ExecStart=-$_wf -C $_repo multidev prune --older 14d
ExecStart=-$_wf -C $_repo notify --retry
UNIT
	cat >"$timer_dir/$_unit.timer" <<UNIT
[Unit]
Description=git-workflow housekeeping of $_repo, hourly

[Timer]
OnCalendar=hourly
Persistent=true

[Install]
WantedBy=timers.target
UNIT
	echo "install.sh: timer $timer_dir/$_unit.timer written; start it with: systemctl daemon-reload && systemctl enable --now $_unit.timer"
}

# Every bare repository under DIR, one a line; a repository's own
# directories are not searched.
repos_under() {
	find "$1" -type d -name '*.git' -prune -print | sort
}

if [ $deps = 1 ] && [ -n "$installed_progs" ]; then
	echo "install.sh: --deps: nothing to build, the installed programs in $progs are used"
	deps=0
fi
[ $deps = 1 ] && install_deps
build_hooks
if [ "$layout" = hookspath ]; then
	mkdir -p "$hooks_dir" || die "cannot create the hooks directory $hooks_dir"
	for h in $HOOKS $FULL; do put "$progs/$h" "$hooks_dir/$h"; done
	echo "install.sh: hooks installed in $hooks_dir; to use them for every repository on this machine:"
	echo "install.sh:   git config --system core.hooksPath $(cd "$hooks_dir" && pwd -P)"
fi
for r in "$@"; do
	install_repo "$r"
done
echo "$all_dirs" | while IFS= read -r d; do
	[ -n "$d" ] || continue
	repos_under "$d" | while IFS= read -r r; do
		case $r in
		*.wiki.git|*.design.git|*/gitolite-admin.git)
			echo "install.sh: skipped $r (not a site repository)"; continue ;;
		esac
		if [ "$(git --git-dir="$r" rev-parse --is-bare-repository 2>/dev/null)" != true ]; then
			echo "install.sh: skipped $r (not a bare repository)"; continue
		fi
		if ! sha1_repo "$r"; then
			echo "install.sh: skipped $r (SHA-256 object names, which the hooks cannot read)" >&2; continue
		fi
		install_repo "$r"
	done
done
# The tool the docs use (git-workflow status, log, ...): say where it is
# when a source install left it off PATH.
if [ -z "$installed_progs" ] && [ "$(command -v git-workflow 2>/dev/null)" != "$cli" ]; then
	echo "install.sh: the command-line tool is $cli (not on PATH: make install, or the package, puts it in /usr/bin)"
fi
