#!/bin/bash
# Debian packages of the patched kernel (make deb): linux-image and
# linux-headers from Debian 11's own configuration (linux-config-5.10 of
# the base's version), built with bindeb-pkg.
#
# What changes in Debian's configuration, and why:
#   LOCALVERSION=-modbtf      the packages do not replace Debian's own
#   MODULE_SIG_ALL=y, MODULE_SIG_KEY=certs/signing_key.pem,
#   SYSTEM_TRUSTED_KEYS=""    Debian signs with its own key, which is not
#                             here (linux-config drops the names): kbuild
#                             makes a key for this build and signs every
#                             module with it
#   DEBUG_INFO_BTF_MODULES=y  the series (on by default anyway)
# and, for the measured run only:
#   MODBTF_DEB_MODULES=FILE   localmodconfig against this module list
#                             (default config/debian-modules.list; empty:
#                             all of Debian's modules, hours on 2 cores)
#   MODBTF_DEB_QEMU=1         config/deb-qemu.config: 9p and virtio built
#                             in, so the harness boots it without initramfs
#   BULLSEYE=1                build in a Debian 11 chroot (gcc 10, pahole
#                             1.20; scripts/bullseye-chroot.sh)
#
# Output: build/deb/*.deb; the build in build/out/deb, the image package
# unpacked in build/out/deb/mods (so vm.sh -v deb boots it).
set -eu
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/bullseye-apt.sh"

OUT=$BUILD/out/deb
DEBS=$BUILD/deb
MODULES=${MODBTF_DEB_MODULES-$TOP/config/debian-modules.list}
# The variant's fragment (scripts/variants.sh), merged with MODBTF_DEB_QEMU=1
QEMU_FRAGMENT=$TOP/config/$(variant_fragment_names deb).config

# Debian's amd64 configuration, cached: Debian 11 will leave the archive.
debian_config() {
	local cfg=$CACHE/linux-config-5.10-$BASE_VERSION.amd64
	if [ ! -s "$cfg" ]; then
		bullseye_extract "linux-config-5.10=$BASE_VERSION" \
			usr/src/linux-config-5.10/config.amd64_none_amd64.xz "$cfg.xz"
		xz -d -f "$cfg.xz" || die "cannot unpack $cfg.xz"
	fi
	echo "$cfg"
}

# kmake ARGS...: make in the work tree for this build, in the bullseye
# chroot with BULLSEYE=1 (without ccache: the chroot has none, and a
# package build is not repeated often).
kmake() {
	if [ "${BULLSEYE:-0}" = 1 ]; then
		"$TOP/scripts/bullseye-chroot.sh" -- make -C "$TREE" O="$OUT" "$@" </dev/null
	else
		make -C "$TREE" O="$OUT" "$@" </dev/null
	fi
}

configure() {
	local cfg=$OUT/.config
	mkdir -p "$OUT"
	cp "$(debian_config)" "$cfg"
	"$TREE/scripts/config" --file "$cfg" \
		--set-str LOCALVERSION -modbtf \
		--enable MODULE_SIG_ALL \
		--set-str MODULE_SIG_KEY certs/signing_key.pem \
		--set-str SYSTEM_TRUSTED_KEYS "" \
		--enable DEBUG_INFO_BTF \
		--enable DEBUG_INFO_BTF_MODULES
	run_logged "$OUT/config.log" "make olddefconfig" kmake olddefconfig
	if [ -n "$MODULES" ]; then
		log "trimming to the modules of $MODULES (localmodconfig)"
		grep -v '^[[:space:]]*\(#\|$\)' "$MODULES" | sed 's/$/ 0 0/' >"$OUT/lsmod"
		run_logged "$OUT/config.log" "make localmodconfig" kmake LSMOD="$OUT/lsmod" localmodconfig
	fi
	if [ "${MODBTF_DEB_QEMU:-0}" = 1 ]; then
		merge_fragments "$TREE" "$OUT" "$QEMU_FRAGMENT"
	fi
	run_logged "$OUT/config.log" "make olddefconfig" kmake olddefconfig
	printf 'CONFIG_DEBUG_INFO_BTF=y\nCONFIG_DEBUG_INFO_BTF_MODULES=y\n' >"$OUT/want.config"
	[ "${MODBTF_DEB_QEMU:-0}" != 1 ] || cat "$QEMU_FRAGMENT" >>"$OUT/want.config"
	check_config "$cfg" "$OUT/want.config" ||
		die "Debian's configuration does not give module BTF here (pahole missing or too old?)" "$cfg"
}

# What was built: packages and sizes, modules and how many have .BTF.
report() {
	local rel n_mod n_btf ko
	rel=$(cat "$OUT/include/config/kernel.release")
	n_mod=0 n_btf=0
	while read -r ko; do
		n_mod=$((n_mod + 1))
		readelf -S -W "$ko" 2>/dev/null | grep -q '] \.BTF ' && n_btf=$((n_btf + 1))
	done < <(find "$OUT/mods/lib/modules/$rel" -name '*.ko')
	echo "kernel $rel: $n_mod modules in linux-image, $n_btf with .BTF"
	(cd "$DEBS" && du -k -- *.deb | awk '{ printf "  %-60s %7.1f MiB\n", $2, $1 / 1024 }')
}

main() {
	local t0 rel
	[ -f "$TREE/Makefile" ] || die "no work tree at $TREE (make tree first)"
	t0=$(now)
	configure
	log "building Debian packages in $OUT (log: $OUT/build.log)"
	rm -f "$BUILD"/out/*.deb "$BUILD"/out/*.buildinfo "$BUILD"/out/*.changes
	run_logged "$OUT/build.log" "make bindeb-pkg" kmake -j"$NPROC" bindeb-pkg
	rm -rf "$DEBS" && mkdir -p "$DEBS"
	mv "$BUILD"/out/*.deb "$DEBS/"
	rel=$(cat "$OUT/include/config/kernel.release")
	rm -rf "$OUT/mods"
	dpkg-deb -x "$DEBS/linux-image-${rel}_"*.deb "$OUT/mods"
	log "built in $(($(now) - t0)) s"
	report | tee "$OUT/report.txt"
}

main "$@"
