#!/bin/bash
# The benchmark in the guest (scripts/bench.sh boots it), as CSV lines
# "csv,WHAT,..." on stdout.
#
#   guest.sh main ART SAMPLES   load/unload latency, memory, libbpf and
#                               bpftool with other modules loaded, sysfs
#   guest.sh first ART          the first module load after boot
#
# ART is build/bench/VARIANT: with/ and without/ hold bench_N.ko with and
# without .BTF, standalone/ their types as BTF of their own, sizes the
# Ns; its sibling bin/ the bench program and BPF object.
set -eu -o pipefail

BIN=$(dirname "$2")/bin
SIZES=$(cat "$2/sizes")
# The modules are read from tmpfs, as from a warm page cache: from the
# host's 9p share, reading a .ko would cost more with its .BTF, and
# differently on each kernel, in what is timed.
ART=/run/bench
mkdir -p "$ART"
cp -r "$2/with" "$2/without" "$2/standalone" "$ART/"
SMALL=${SIZES%% *}
# ko_of N: bench_N.ko if it was built, else the smallest module.
ko_of() {
	case " $SIZES " in
	*" $1 "*) echo "bench_$1.ko" ;;
	*) echo "bench_$SMALL.ko" ;;
	esac
}
# The module of the memory and user-space parts, of the first load
COPIES_KO=$(ko_of 1000)
FIRST_KO=$(ko_of 100)

bench() { "$BIN/modbtf_bench" "$@"; }
csv() { sed "s/^/csv,$1/"; }

latency() {
	local n
	for n in $SIZES; do
		bench load "$1" "$ART/with/bench_$n.ko" "$ART/without/bench_$n.ko" | csv "$n,"
		bench btfload "$ART/standalone/bench_$n.btf" "$1" | csv "$n,"
	done
}

# memory DIR: the growth of kernel memory with 50 copies of the module.
memory() {
	bench copies 50 "$ART/$1/$COPIES_KO" m_ | csv "$1,"
	bench uncopies 50 m_
}

# user_space: libbpf (a CO-RE program naming a module type; the smallest
# bench module has it) and bpftool btf show, with 0, 10 and 50 other
# modules with BTF loaded.
user_space() {
	local k
	insmod "$ART/with/bench_$SMALL.ko"
	for k in 0 10 50; do
		[ "$k" = 0 ] || bench copies "$k" "$ART/with/$COPIES_KO" u_ >/dev/null
		bench core "$BIN/bench.bpf.o" 20 | csv "$k,"
		bench exec 20 bpftool btf show | csv "$k,"
		[ "$k" = 0 ] || bench uncopies "$k" u_
	done
	rmmod "bench_$SMALL"
}

sysfs_read() {
	local n=${SIZES##* }
	insmod "$ART/with/bench_$n.ko"
	bench read "/sys/kernel/btf/bench_$n" 200 | csv "$n,"
	rmmod "bench_$n"
}

main() {
	case $1 in
	main)
		latency "$3"
		memory with
		memory without
		user_space
		sysfs_read
		;;
	first) bench first "$ART/with/$FIRST_KO" | csv "-," ;;
	*) echo "usage: guest.sh main|first ART [SAMPLES]" >&2; exit 2 ;;
	esac
}

main "$@"
