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
# SAMPLES load/unload pairs per module size and kernel, in 4 rounds: 4
# boots of each kernel, taking turns. FIRST_BOOTS more boots of each
# time the first module load after boot.
#
# MODBTF_BENCH_SIZES: the modules' struct counts (default
# "10 100 1000 3000 10000", about 1 KB to 1.1 MB of BTF).
set -eu
. "$(dirname "$0")/lib.sh"

BENCH=$BUILD/bench
KERNELS="default upstream"
SIZES=${MODBTF_BENCH_SIZES:-10 100 1000 3000 10000}
ROUNDS=4

# The host's TSC frequency (kHz). Under TCG the guest's TSC is the host's,
# but a tinyconfig guest cannot calibrate it (no HPET, no ACPI PM timer)
# and falls back to jiffies, 4 ms steps: the guest is told the frequency.
tsc_khz() {
	local mhz
	if [ -n "${MODBTF_TSC_KHZ-}" ]; then
		echo "$MODBTF_TSC_KHZ"
		return
	fi
	# "cpu MHz" of /proc/cpuinfo is the core clock, not the TSC's: no
	# guessing, every guest time would be scaled by it
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | head -n 1)
	[ -n "$mhz" ] || die "cannot read the TSC frequency from dmesg: run as root, or set MODBTF_TSC_KHZ"
	awk -v m="$mhz" 'BEGIN { printf "%d", m * 1000 }'
}

# boot VARIANT ROUND MODE ARGS...: tests/bench/guest.sh MODE in the
# guest; its CSV lines into $BENCH/VARIANT/guest-MODE-ROUND.csv.
boot() {
	local v=$1 r=$2 out
	shift 2
	out=$BENCH/$v/$1-$r.out
	"$TOP/scripts/vm.sh" -v "$v" -m 1G -t 1800 -k tsc_early_khz="$TSC_KHZ" -k tsc=reliable -- \
		"$TOP/tests/bench/guest.sh" "$1" "$BENCH/$v" "${@:2}" >"$out" 2>&1 ||
		{ tail -n 20 "$out" >&2; die "bench boot of $v ($1)" "$out"; }
	grep '^csv,' "$out" >"$BENCH/$v/guest-$1-$r.csv" || die "no samples from the $v guest" "$out"
}

main() {
	local samples=${1:-100} boots=${2:-5} v r t0 t1
	t0=$(now)
	[ "$samples" -ge "$ROUNDS" ] && [ $((samples % ROUNDS)) = 0 ] ||
		die "SAMPLES must be a multiple of $ROUNDS (the rounds), not $samples"
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
	# Side by side: the kernels take turns, boot by boot. A TCG guest is
	# a few percent faster or slower from one boot to the next, so the
	# samples come from ROUNDS boots of each.
	for r in $(seq "$ROUNDS"); do
		for v in $KERNELS; do
			t1=$(now)
			boot "$v" "$r" main $((samples / ROUNDS))
			log "round $r of $ROUNDS, $v: $(($(now) - t1)) s"
		done
	done
	for r in $(seq "$boots"); do
		for v in $KERNELS; do
			boot "$v" "$r" first
		done
	done
	log "$boots first loads after boot on each kernel"
	python3 "$TOP/tests/bench/report.py" "$BENCH" $KERNELS
	log "make bench: $(($(now) - t0)) s"
}

main "$@"
