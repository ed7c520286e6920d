#!/bin/bash
# Build the benchmark's guest side (scripts/bench.sh, and prepare-tests.sh
# for the smoke test, 33-bench-smoke.sh).
#
#   build.sh programs BIN        modbtf_bench and bench.bpf.o into BIN
#   build.sh modules OUT DIR N...
#
# Modules: for each N, bench_N.ko (tests/bench/gen-module.py: N struct types) made
# with make M= against the kernel build directory OUT (make, no ccache),
# stripped of DWARF as distributions ship modules, in DIR/with/ and, its
# .BTF removed, in DIR/without/, and its types as standalone BTF (pahole
# --btf_encode_detached) in DIR/standalone/bench_N.btf. The build is timed twice, with module
# BTF and without (CONFIG_DEBUG_INFO_BTF_MODULES= on the command line),
# MODBTF_BENCH_BUILDS times each (default 1), taking turns.
# DIR/sizes lists the Ns; DIR/host.csv gets "csv,nobtf|btf,build,NS",
# "csv,N,btf_bytes,BYTES" and "csv,N,ko_bytes,WITH,WITHOUT".
set -eu
. "$(dirname "$0")/../../scripts/lib.sh"

# build OUT DIR MODE: the modules with module BTF (MODE btf) or without.
build() {
	local out=$1 dir=$2 mode=$3 n t0 off=()
	rm -rf "$dir/src" && mkdir -p "$dir/src"
	for n in $SIZES; do
		python3 "$TOP/tests/bench/gen-module.py" "$n" "$dir/src"
	done
	for n in $SIZES; do echo "obj-m += bench_$n.o"; done >"$dir/src/Kbuild"
	[ "$mode" = btf ] || off=(CONFIG_DEBUG_INFO_BTF_MODULES=)
	t0=$(date +%s%N)
	run_logged "$dir/build-$mode.log" "make M= of the bench modules against $out" \
		make -C "$out" M="$dir/src" "${off[@]}" -j"$NPROC" modules
	echo "csv,$mode,build,$(($(date +%s%N) - t0))" >>"$dir/host.csv"
	# A build time means something only if the option did what it says
	for n in $SIZES; do
		if readelf -S -W "$dir/src/bench_$n.ko" | grep -q '] \.BTF '; then
			[ "$mode" = btf ] || die "bench_$n.ko has .BTF, built without module BTF"
		else
			[ "$mode" = nobtf ] || die "bench_$n.ko has no .BTF (a kernel without module BTF?)"
		fi
	done
}

programs() {
	local bin=$1
	mkdir -p "$bin"
	run_logged "$bin/build.log" "gcc of tests/bench/modbtf_bench.c (needs libbpf-dev)" \
		gcc -O2 -Wall -Werror -o "$bin/modbtf_bench" "$TOP/tests/bench/modbtf_bench.c" -lbpf
	run_logged "$bin/build.log" "clang -target bpf of tests/bench/bench.bpf.c" \
		clang -target bpf -g -O2 -I/usr/include/x86_64-linux-gnu \
		-c "$TOP/tests/bench/bench.bpf.c" -o "$bin/bench.bpf.o"
}

modules() {
	local out=$1 dir=$2 n ko flags=
	shift 2
	[ ! -f "$out/source/scripts/pahole-flags.sh" ] ||
		flags=$(PAHOLE=pahole sh "$out/source/scripts/pahole-flags.sh")
	SIZES="$*"
	rm -rf "$dir" && mkdir -p "$dir/with" "$dir/without" "$dir/standalone"
	echo "$SIZES" >"$dir/sizes"
	for _ in $(seq "${MODBTF_BENCH_BUILDS:-1}"); do
		build "$out" "$dir" nobtf
		build "$out" "$dir" btf
	done
	for n in $SIZES; do
		ko=$dir/with/bench_$n.ko
		objcopy --strip-debug "$dir/src/bench_$n.ko" "$ko"
		objcopy --remove-section .BTF "$ko" "$dir/without/bench_$n.ko"
		objcopy --dump-section .BTF="$dir/btf" "$ko" "$dir/objcopy.out" ||
			die "bench_$n.ko has no .BTF (a kernel without module BTF?)"
		echo "csv,$n,btf_bytes,$(stat -c %s "$dir/btf")" >>"$dir/host.csv"
		# The same types as standalone BTF, for BPF_BTF_LOAD, with the
		# kernel's pahole flags (the BTF kinds it knows)
		run_logged "$dir/pahole.log" "pahole --btf_encode_detached of bench_$n.ko" \
			pahole -J $flags --btf_encode_detached="$dir/standalone/bench_$n.btf" "$dir/src/bench_$n.ko"
		echo "csv,$n,standalone_bytes,$(stat -c %s "$dir/standalone/bench_$n.btf")" >>"$dir/host.csv"
		echo "csv,$n,ko_bytes,$(stat -c %s "$ko"),$(stat -c %s "$dir/without/bench_$n.ko")" >>"$dir/host.csv"
	done
	rm -f "$dir/btf" "$dir/objcopy.out"
}

case ${1-} in
programs) [ $# = 2 ] || die "usage: build.sh programs BIN"; programs "$2" ;;
modules) [ $# -gt 3 ] || die "usage: build.sh modules OUT DIR N..."; shift; modules "$@" ;;
*) die "usage: build.sh programs BIN | modules OUT DIR N..." ;;
esac
