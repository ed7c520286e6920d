#!/bin/bash
# The benchmark's comparator: Debian 12's linux-source-6.1 (base.conf's
# UPSTREAM_*), verified by sha256 and extracted into build/upstream.
#
# The tarball is taken from ../shared/base or /usr/src when one has that
# very version (the sha256 says), else downloaded with apt-get download
# from the machine's own archive (a Debian 12 machine that still serves
# that version), and cached. Prints the tree's path.
set -eu
. "$(dirname "$0")/lib.sh"

# download DST: the package's tarball into DST.part: a copy kept beside
# the checkout (MODBTF_SHARED_BASE, default ../shared/base, as
# linux-source-6.1-VERSION.tar.xz), the installed package, or apt.
download() {
	local dst=$1 tmp src
	for src in "${MODBTF_SHARED_BASE:-$TOP/../shared/base}/$UPSTREAM_PKG-$UPSTREAM_VERSION.tar.xz" \
		"/usr/src/$UPSTREAM_TARBALL"; do
		if sha256_is "$UPSTREAM_SHA256" "$src"; then
			log "using $src"
			cp "$src" "$dst.part"
			return
		fi
	done
	tmp=$(mktemp -d "$CACHE/dl.XXXXXX")
	log "downloading $UPSTREAM_PKG=$UPSTREAM_VERSION"
	(cd "$tmp" && apt-get download -q "$UPSTREAM_PKG=$UPSTREAM_VERSION") >"$tmp/apt.log" 2>&1 || {
		cat "$tmp/apt.log" >&2
		rm -rf "$tmp"
		die "apt-get download $UPSTREAM_PKG=$UPSTREAM_VERSION (is the machine's archive Debian 12's?)"
	}
	dpkg-deb --fsys-tarfile "$tmp"/*.deb | tar -xOf - "./usr/src/$UPSTREAM_TARBALL" >"$dst.part"
	rm -rf "$tmp"
}

main() {
	local dir=$BUILD/upstream tarball
	if [ "$(cat "$dir/.modbtf-source" 2>/dev/null)" = "$UPSTREAM_SHA256" ]; then
		echo "$dir"
		return
	fi
	tarball=$(cached_fetch "$UPSTREAM_PKG-$UPSTREAM_VERSION.tar.xz" "$UPSTREAM_SHA256" download)
	log "extracting $tarball"
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	tar -xf "$tarball" -C "$dir.tmp" --strip-components=1 || die "cannot extract $tarball"
	echo "$UPSTREAM_SHA256" >"$dir.tmp/.modbtf-source"
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	echo "$dir"
}

main "$@"
