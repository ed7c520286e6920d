# shellcheck shell=bash
# What a kernel variant is: the one place that says it. Sourced by lib.sh;
# build.sh, vm.sh, check.sh, negative-control.sh and the Makefile (through
# them) use it.
#
#   default  the series applied; VM, BPF and module-BTF fragments, corpus
#   debug    the series applied; plus KASAN, lockdep, kmemleak
#   strict   the debug kernel with the default's policy: a module whose
#            BTF fails to validate is refused (make fuzz only)
#   stock    the pristine base (negative control); VM and BPF fragments
#   upstream Debian 12's linux-source-6.1, upstream's module BTF: the
#            benchmark's comparator (make bench); the default's fragments
#            but the corpus
#   each     build/each, one commit of the series (build-each.sh)
#   deb      Debian 11's own configuration, packaged (deb.sh, make deb);
#            its fragment is merged only with MODBTF_DEB_QEMU=1
#
# To add a variant: its name in VARIANTS, a line in each function below
# and its fragments in config/; build.sh, vm.sh and suite.sh take it from
# here (make check runs the variants it names in check.sh).

VARIANTS="default debug strict stock upstream each deb"

# variant_check NAME: die unless NAME is a variant (before anything builds).
variant_check() {
	case " $VARIANTS " in
	*" $1 "*) ;;
	*) die "unknown variant '$1' (one of: $VARIANTS)" ;;
	esac
}

# Kernel source tree of a variant.
variant_src() {
	case $1 in
	stock) echo "$BUILD/stock" ;;
	upstream) echo "$BUILD/upstream" ;;
	each) echo "$BUILD/each" ;;
	*) echo "$TREE" ;;
	esac
}

# config/*.config fragment names, applied in order on tinyconfig.
variant_fragment_names() {
	case $1 in
	default) echo "vm bpf modbtf corpus" ;;
	debug) echo "vm bpf modbtf debug debug-modbtf" ;;
	strict) echo "vm bpf modbtf debug" ;;
	stock) echo "vm bpf" ;;
	upstream) echo "vm bpf modbtf" ;;
	each)
		if grep -q "^config DEBUG_INFO_BTF_MODULES$" "$BUILD/each/lib/Kconfig.debug"; then
			echo "vm bpf modbtf"
		else
			echo "vm bpf"
		fi
		;;
	deb) echo "deb-qemu" ;;
	esac
}

# Guest memory, and the time the guest suite may take (s), under TCG.
variant_mem() {
	case $1 in
	debug | strict | deb) echo 2G ;;
	*) echo 1G ;;
	esac
}

# How many fuzz cases make check's slice has (30-btf-fuzz.sh): fewer
# under KASAN, where a module load takes about 0.3 s.
variant_fuzz_cases() {
	case $1 in
	debug | strict) echo 1000 ;;
	*) echo 2000 ;;
	esac
}

variant_timeout() {
	case $1 in
	debug | strict) echo 3600 ;;
	deb) echo 1800 ;;
	*) echo 900 ;;
	esac
}
