#!/bin/sh
# Install the workflow hooks into bare repositories, building them first
# when needed.  Safe to run again: it only replaces the hook programs and
# never overwrites a repository's workflow.conf.
#
#   ./install.sh [--deps] [--conf FILE] REPO.git...
#
#   --deps        install the missing Debian build packages first (apt-get)
#   --conf FILE   the workflow.conf to give repositories that have none
#                 (default: conf/workflow.conf)
# With --deps and no repository, it only installs the packages and builds.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${WF_BUILDDIR:-$here}
conf=$here/conf/workflow.conf
deps=0
PACKAGES="build-essential autoconf automake pkg-config git libgit2-dev libconfig-dev libcurl4-openssl-dev zlib1g-dev libcriterion-dev python3"

die() { echo "install.sh: $*" >&2; exit 1; }

usage() { sed -n '5,12p' "$0" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
	case $1 in
	--deps) deps=1; shift ;;
	--conf) [ $# -ge 2 ] || die "--conf needs a file"; conf=$2; shift 2 ;;
	--conf=*) conf=${1#--conf=}; shift ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) die "unknown option '$1' (see ./install.sh --help)" ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || [ $deps = 1 ] || { usage >&2; exit 2; }
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
	for h in pre-receive update post-receive git-workflow; do
		[ -x "$build/hooks/$h" ] || { need=1; break; }
	done
	[ "${need:-0}" = 1 ] || [ $deps = 1 ] || return 0
	echo "install.sh: building the hooks in $build"
	cd "$here"
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1 || die "autoreconf failed: run ./install.sh --deps to install autoconf and automake"
	cd "$build"
	[ -f Makefile ] || "$here/configure" -q || die "configure failed (see $build/config.log); ./install.sh --deps installs what is missing"
	make -s >/dev/null || die "the build failed: run make in $build to see why"
	cd - >/dev/null
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
	mkdir -p "$repo/hooks"
	for h in pre-receive update post-receive; do
		# copy then rename, so a push running now never sees half a file
		cp "$build/hooks/$h" "$repo/hooks/.$h.new"
		chmod 755 "$repo/hooks/.$h.new"
		mv -f "$repo/hooks/.$h.new" "$repo/hooks/$h"
	done
	if [ ! -e "$repo/workflow.conf" ]; then
		cp "$conf" "$repo/workflow.conf"
	fi
	git --git-dir="$repo" config receive.advertisePushOptions true
	echo "install.sh: hooks installed in $repo"
}

[ $deps = 1 ] && install_deps
build_hooks
for r in "$@"; do
	install_repo "$r"
done
