#!/bin/bash
# A Debian 11 (bullseye) build chroot: the toolchain a Debian 11 user has
# (gcc 10, pahole 1.20), for "make deb BULLSEYE=1". Made once with
# debootstrap from the machine's own Debian archive, kept in the cache.
#
#   bullseye-chroot.sh             make the chroot (if needed), print its path
#   bullseye-chroot.sh -- CMD...   run CMD in it, in the current directory
#
# The checkout and the build directory are bound into the chroot at the
# same paths, in a private mount namespace (nothing stays mounted).
# Needs root (debootstrap, chroot, mount).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bullseye-apt.sh"

ROOT=${MODBTF_BULLSEYE:-$CACHE/bullseye}
PACKAGES=bc,bison,flex,libelf-dev,libssl-dev,openssl,dwarves,kmod,cpio,rsync,python3,xz-utils,fakeroot,dpkg-dev

make_chroot() {
	local mirror
	if [ -f "$ROOT/.modbtf-ready" ]; then
		[ "$(cat "$ROOT/.modbtf-ready")" = "$PACKAGES" ] && return 0
		log "installing $PACKAGES in $ROOT (log: $ROOT.log)"
		run_logged "$ROOT.log" "apt-get update in the bullseye chroot" \
			in_chroot apt-get update
		# shellcheck disable=SC2046
		run_logged "$ROOT.log" "apt-get install in the bullseye chroot" \
			in_chroot env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $(echo "$PACKAGES" | tr , ' ')
		echo "$PACKAGES" >"$ROOT/.modbtf-ready"
		return 0
	fi
	[ "$(id -u)" = 0 ] || die "making the bullseye chroot needs root"
	command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
	mirror=$(bullseye_mirror)
	[ -n "$mirror" ] || die "no Debian archive found in the machine's apt sources"
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	log "debootstrap bullseye into $ROOT (log: $ROOT.log)"
	run_logged "$ROOT.log" "debootstrap bullseye" \
		debootstrap --variant=buildd --include="$PACKAGES" bullseye "$ROOT" "$mirror"
	echo "$PACKAGES" >"$ROOT/.modbtf-ready"
}

# in_chroot CMD...: CMD in the chroot, cwd and checkout paths as here.
in_chroot() {
	local d
	[ "$(id -u)" = 0 ] || die "running in the bullseye chroot needs root"
	for d in "$TOP" "$BUILD"; do
		mkdir -p "$ROOT$d"
	done
	unshare -m -- sh -eu -c '
		root=$1 top=$2 build=$3 cwd=$4
		shift 4
		mount --make-rprivate /
		mount -t proc proc "$root/proc"
		mount --rbind /dev "$root/dev"
		mount -t sysfs sysfs "$root/sys"
		mount --bind "$top" "$root$top"
		mount --bind "$build" "$root$build"
		exec chroot "$root" sh -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
	' _ "$ROOT" "$TOP" "$BUILD" "$PWD" "$@"
}

main() {
	make_chroot
	if [ "${1-}" = -- ]; then
		shift
		in_chroot env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"
	else
		echo "$ROOT"
	fi
}

main "$@"
