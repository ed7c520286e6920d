#!/bin/bash
# Install the Debian packages the project needs (as root), or say exactly
# which are missing.
set -eu
. "$(dirname "$0")/lib.sh"

PACKAGES="make gcc libc6-dev bc bison flex libelf-dev libssl-dev dwarves
binutils xz-utils git perl python3 bpftool libbpf-dev clang llvm
qemu-system-x86 kmod cpio rsync iproute2 iputils-ping util-linux coreutils ccache
bpftrace"
# and for make deb (deps.sh deb)
DEB_PACKAGES="openssl dpkg-dev fakeroot debootstrap"
# and for make bench (deps.sh bench): the plot
BENCH_PACKAGES="gnuplot-nox"

missing() {
	local p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" ||
			echo "$p"
	done
}

main() {
	local miss
	case ${1-} in
	deb) PACKAGES="$PACKAGES $DEB_PACKAGES" ;;
	bench) PACKAGES="$PACKAGES $BENCH_PACKAGES" ;;
	esac
	miss=$(missing | xargs)
	[ -n "$miss" ] || exit 0
	if [ "$(id -u)" != 0 ]; then
		echo "missing packages: $miss" >&2
		die "run as root, or: apt-get install $miss"
	fi
	log "installing: $miss"
	mkdir -p "$BUILD"
	run_logged "$BUILD/deps.log" "apt-get update" apt-get update
	DEBIAN_FRONTEND=noninteractive run_logged "$BUILD/deps.log" "apt-get install $miss" \
		apt-get install -y --no-install-recommends $miss
}

main "$@"
