#!/bin/bash
# Configure and build one kernel variant out of tree.
#
#   build.sh VARIANT     VARIANT is one of:
#     default   the series applied; VM + BPF/BTF fragments
#     debug     the series applied; plus KASAN, lockdep, kmemleak
#     stock     the pristine base (negative control); VM + BPF/BTF fragments
#     each      build/each, a checkout of one commit of the series (see
#               build-each.sh); modbtf.config once the tree has its option
#
# Output in build/out/VARIANT: bzImage, vmlinux, modules installed under
# mods/lib/modules/RELEASE, build.log. The config is regenerated only when
# a fragment changes, so rebuilds stay incremental.
set -eu
. "$(dirname "$0")/lib.sh"

variant_src() {
	case $1 in
	stock) echo "$BUILD/stock" ;;
	each) echo "$BUILD/each" ;;
	*) echo "$TREE" ;;
	esac
}

variant_fragments() {
	local f
	case $1 in
	default) f="vm bpf modbtf corpus" ;;
	debug) f="vm bpf modbtf debug debug-modbtf" ;;
	stock) f="vm bpf" ;;
	each)
		f="vm bpf"
		grep -q "^config DEBUG_INFO_BTF_MODULES$" "$BUILD/each/lib/Kconfig.debug" &&
			f="$f modbtf"
		;;
	*) die "unknown variant '$1' (default, debug or stock)" ;;
	esac
	for f in $f; do
		[ -f "$TOP/config/$f.config" ] && echo "$TOP/config/$f.config"
	done
}

# Fail if an option a fragment asks for did not end up in .config:
# merge_config.sh drops options whose dependencies are missing, silently.
check_config() {
	local cfg=$1 line sym bad=0
	shift
	while read -r line; do
		case $line in
		CONFIG_*=n | "# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%%[ =]*}
			if grep -q "^$sym=" "$cfg"; then
				echo "  $sym is set but the fragment asks it off" >&2
				bad=1
			fi
			;;
		CONFIG_*=*)
			if ! grep -qxF "$line" "$cfg"; then
				sym=${line%%=*}
				echo "  wanted $line, got: $(grep "^$sym=\|^# $sym is not set" "$cfg" || echo "absent")" >&2
				bad=1
			fi
			;;
		esac
	done < <(cat "$@")
	return $bad
}

configure() {
	local src=$1 out=$2 stamp
	shift 2
	stamp=$(cat "$@" | sha256sum | cut -c1-16)
	if [ -f "$out/.config" ] && [ "$(cat "$out/.modbtf-config" 2>/dev/null)" = "$stamp" ]; then
		return 0
	fi
	log "configuring $out from tinyconfig + $(echo "$@" | xargs -n1 basename | tr '\n' ' ')"
	rm -f "$out/.modbtf-config"
	run_logged "$out/config.log" "make tinyconfig" make -C "$src" O="$out" tinyconfig
	run_logged "$out/config.log" "merge_config.sh" \
		sh -c 'cd "$1" && shift && "$@"' _ "$out" \
		"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$@"
	run_logged "$out/config.log" "make olddefconfig" make -C "$src" O="$out" olddefconfig
	check_config "$out/.config" "$@" ||
		die "options requested by config/*.config did not end up set (missing dependencies?)" "$out/.config"
	echo "$stamp" >"$out/.modbtf-config"
}

main() {
	local variant=${1:-default} src out t0 rel
	case $variant in
	default | debug | stock | each) ;;
	*) die "unknown variant '$variant' (default, debug, stock or each)" ;;
	esac
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
