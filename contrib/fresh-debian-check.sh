#!/bin/sh
# Try the README's two set-up commands on a fresh Debian machine: a
# minimal bookworm made with debootstrap in DIR, the source (git archive
# of HEAD) copied in, then, chrooted, `./install.sh --deps` onto a new bare
# repository and `./check.sh`.  Needs root, debootstrap and a Debian
# mirror; takes about 10 minutes.  Exits non-zero when either fails.
#
#   contrib/fresh-debian-check.sh [DIR]     (default /var/tmp/wf-fresh)
set -eu
dir=${1:-/var/tmp/wf-fresh}
src=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" = 0 ] || { echo "fresh-debian-check: needs root (debootstrap, chroot)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "fresh-debian-check: apt-get install debootstrap" >&2; exit 1; }
[ -d "$dir/root/usr" ] || debootstrap --variant=minbase bookworm "$dir/root" http://deb.debian.org/debian
root=$dir/root
cleanup() { for m in tmp dev/pts dev proc; do umount "$root/$m" 2>/dev/null || true; done; }
trap cleanup EXIT
rm -rf "$root/src" && mkdir -p "$root/src"
(cd "$src" && git archive HEAD) | tar -x -C "$root/src"
cp /etc/resolv.conf "$root/etc/"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/tmp"
run() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 sh -c "$1"; }
run 'cd /src && ./install.sh --deps /srv/git/site.git'
run 'cd /src && ./check.sh'
