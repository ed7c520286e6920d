#!/bin/bash
# Fetch the pinned base tarball into the cache and verify its checksum.
#
# The package comes from Debian 11 (bullseye). The machine runs a newer
# Debian, so a private apt configuration under the cache directory adds the
# bullseye suites, with the archive URIs read from the machine's own sources.
# The machine's apt configuration is never touched. A copy of the tarball
# in ../shared/base (MODBTF_SHARED_BASE) is used first when present.
#
# Overrides (non-Debian machines):
#   MODBTF_BASE_TARBALL=/path/linux-5.10.y.tar.xz   use this tarball
#   MODBTF_BASE_TREE=/path/to/linux-5.10.y          use this source tree
# Prints the path of the verified tarball (or tree) on stdout.
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bullseye-apt.sh"

# The pinned tarball kept beside the checkout (../shared/base, or
# MODBTF_SHARED_BASE), into DST.part: it outlives the version's place in
# Debian's archive. Used before apt when present and its sha256 is right.
fetch_from_shared() {
	local src
	src=${MODBTF_SHARED_BASE:-$TOP/../shared/base}/$BASE_PKG-$BASE_VERSION.tar.xz
	if [ ! -f "$src" ]; then
		log "no pinned base at $src: fetching it from Debian's archive"
		return 1
	fi
	if ! sha256_is "$BASE_SHA256" "$src"; then
		log "$src is not sha256 $BASE_SHA256 (base.conf): not using it"
		return 1
	fi
	log "using the pinned base $src"
	cp "$src" "$1.part"
}

# fetch_base DST: the base into DST.part, from ../shared/base or apt.
fetch_base() {
	fetch_from_shared "$1" || fetch_from_apt "$1"
}

fetch_from_apt() {
	bullseye_extract "$BASE_PKG=$BASE_VERSION" "usr/src/$BASE_TARBALL" "$1.part"
}

main() {
	if [ -n "${MODBTF_BASE_TREE-}" ]; then
		[ -f "$MODBTF_BASE_TREE/Makefile" ] || die "MODBTF_BASE_TREE=$MODBTF_BASE_TREE is not a kernel tree"
		echo "$MODBTF_BASE_TREE"
		return
	fi
	if [ -n "${MODBTF_BASE_TARBALL-}" ]; then
		[ -f "$MODBTF_BASE_TARBALL" ] || die "MODBTF_BASE_TARBALL=$MODBTF_BASE_TARBALL does not exist"
		echo "$MODBTF_BASE_TARBALL"
		return
	fi
	cached_fetch "$BASE_PKG-$BASE_VERSION.tar.xz" "$BASE_SHA256" fetch_base
}

main "$@"
