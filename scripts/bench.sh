#!/bin/bash
# make bench: module BTF on 5.10 with the series (variant default) against
# upstream's implementation in Debian 12's 6.1 (variant upstream), on the
# same work in one run: the same generated modules built for each kernel,
# booted in the same QEMU (memory, CPUs). Prints a table; raw samples
# (CSV), the table and a plot (PNG) in build/bench/. docs/benchmarks.md
# says what each figure is.
#
#   bench.sh [SAMPLES [FIRST_BOOTS]]    (default 100 and 5)
#
# MODBTF_BENCH_SIZES: the modules' struct counts (default
# "10 100 1000 3000 10000", about 1 KB to 1.1 MB of BTF).
set -eu
. "$(dirname "$0")/lib.sh"

BENCH=$BUILD/bench
KERNELS="default upstream"
SIZES=${MODBTF_BENCH_SIZES:-10 100 1000 3000 10000}

# The host's TSC frequency (kHz). Under TCG the guest's TSC is the host's,
# but a tinyconfig guest cannot calibrate it (no HPET, no ACPI PM timer)
# and falls back to jiffies, 4 ms steps: the guest is told the frequency.
tsc_khz() {
	local mhz
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1)
	[ -n "$mhz" ] || mhz=$(awk -F': ' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	[ -n "$mhz" ] || die "cannot tell the TSC frequency (dmesg, /proc/cpuinfo)"
	awk -v m="$mhz" 'BEGIN { printf "%d", m * 1000 }'
}

# boot VARIANT MODE ARGS...: tests/bench/guest.sh in the guest; its CSV
# lines appended to $BENCH/VARIANT/guest.csv.
boot() {
	local v=$1 t0
	shift
	t0=$(now)
	"$TOP/scripts/vm.sh" -v "$v" -m 1G -t 1800 -k tsc_early_khz="$TSC_KHZ" -k tsc=reliable -- \
		"$TOP/tests/bench/guest.sh" "$1" "$BENCH/$v" "${@:2}" >"$BENCH/$v/$1.out" 2>&1 ||
		{ tail -n 20 "$BENCH/$v/$1.out" >&2; die "bench boot of $v ($1)" "$BENCH/$v/$1.out"; }
	grep '^csv,' "$BENCH/$v/$1.out" >>"$BENCH/$v/guest.csv"
	log "$v, $1: $(($(now) - t0)) s"
}

main() {
	local samples=${1:-100} boots=${2:-5} v t0
	t0=$(now)
	TSC_KHZ=$(tsc_khz)
	"$TOP/scripts/fetch-upstream.sh" >/dev/null
	for v in $KERNELS; do
		"$TOP/scripts/build.sh" "$v"
	done
	# User space is the same for both kernels.
	"$TOP/tests/bench/build.sh" programs "$BENCH/bin"
	for v in $KERNELS; do
		log "bench modules for $v: $SIZES struct types"
		MODBTF_BENCH_BUILDS=5 "$TOP/tests/bench/build.sh" modules "$BUILD/out/$v" "$BENCH/$v" $SIZES
	done
	# Side by side: the kernels take turns, boot by boot.
	for v in $KERNELS; do
		boot "$v" main "$samples"
	done
	for _ in $(seq "$boots"); do
		for v in $KERNELS; do
			boot "$v" first
		done
	done
	python3 "$TOP/tests/bench/report.py" "$BENCH" $KERNELS
	log "make bench: $(($(now) - t0)) s"
}

main "$@"
