#!/bin/bash
# Configure and build one kernel variant out of tree.
#
#   build.sh VARIANT     VARIANT: default, debug, stock or each; what
#                        each is: scripts/variants.sh
#
# Output in build/out/VARIANT: bzImage, vmlinux, modules installed under
# mods/lib/modules/RELEASE, build.log. The config is regenerated only when
# a fragment changes, so rebuilds stay incremental.
set -eu
. "$(dirname "$0")/lib.sh"

variant_fragments() {
	local f
	for f in $(variant_fragment_names "$1"); do
		echo "$TOP/config/$f.config"
	done
}

configure() {
	local src=$1 out=$2 stamp
	shift 2
	stamp=$(cat "$@" | sha256sum | cut -c1-16)
	if [ -f "$out/.config" ] && [ "$(cat "$out/.modbtf-config" 2>/dev/null)" = "$stamp" ]; then
		# Same fragments: keep the config, but take defaults for any
		# option the tree gained since (a patch's new prompt), so that
		# the build never asks.
		run_logged "$out/config.log" "make olddefconfig" make -C "$src" O="$out" olddefconfig </dev/null
		return 0
	fi
	log "configuring $out from tinyconfig + $(echo "$@" | xargs -n1 basename | tr '\n' ' ')"
	rm -f "$out/.modbtf-config"
	run_logged "$out/config.log" "make tinyconfig" make -C "$src" O="$out" tinyconfig </dev/null
	merge_fragments "$src" "$out" "$@"
	run_logged "$out/config.log" "make olddefconfig" make -C "$src" O="$out" olddefconfig </dev/null
	check_config "$out/.config" "$@" ||
		die "options requested by config/*.config did not end up set (missing dependencies?)" "$out/.config"
	echo "$stamp" >"$out/.modbtf-config"
}

main() {
	local variant=${1:-default} src out t0 rel
	variant_check "$variant"
	[ "$variant" != deb ] || die "the deb variant is built by make deb (scripts/deb.sh)"
	src=$(variant_src "$variant")
	out=$BUILD/out/$variant
	[ -f "$src/Makefile" ] || die "no kernel tree at $src (make tree first)"
	mkdir -p "$out"
	mapfile -t frags < <(variant_fragments "$variant")
	configure "$src" "$out" "${frags[@]}"
	t0=$(now)
	log "building $variant kernel in $out (log: $out/build.log)"
	run_logged "$out/build.log" "build of the $variant kernel" \
		make_kernel "$src" "$out" -j"$NPROC" bzImage modules
	rm -rf "$out/mods"
	run_logged "$out/install.log" "modules_install of the $variant kernel" \
		make_kernel "$src" "$out" INSTALL_MOD_PATH="$out/mods" modules_install
	rel=$(cat "$out/include/config/kernel.release")
	log "built $variant kernel $rel in $(($(now) - t0)) s"
}

main "$@"
