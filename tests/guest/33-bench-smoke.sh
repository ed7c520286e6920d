# A short run of the benchmark's guest side (make bench runs it at full
# length on this kernel and on 6.1): tests/bench/guest.sh main with 2
# samples, on bench_10 and bench_1000 built for this kernel. Each part
# must give its lines, well formed, and what it measures must be there:
# 50 copies of bench_1000 take at least one copy of their .BTF more
# memory than 50 without it (the kernel keeps the bytes), the CO-RE
# program that names a module type loads with 0, 10 and 50 other
# modules, the same types load as user BTF, and the sysfs file reads
# back whole. No timing is asserted.
. "$(dirname "$0")/lib.sh"
mods=$(art bench/mods)
csv=$SCRATCH/bench.csv
# If guest.sh stops half-way, what it loaded goes with the test
cleanup() {
	local m i
	for m in bench_10 bench_1000; do unload "$m"; done
	for ((i = 0; i < 50; i++)); do
		unload "m_$i"
		unload "u_$i"
	done
}
at_exit cleanup

t0=$SECONDS
"$(dirname "$0")/../bench/guest.sh" main "$mods" 2 >"$csv" ||
	{ show_file "$csv"; fail "tests/bench/guest.sh failed"; }
echo "guest.sh main with 2 samples: $((SECONDS - t0)) s"

# lines PATTERN: how many lines of the output match PATTERN (ERE, whole).
lines() {
	local line n=0
	while IFS= read -r line; do
		[[ ! $line =~ ^($1)$ ]] || n=$((n + 1))
	done <"$csv"
	echo "$n"
}

ns='[0-9]+'
expect_eq "load samples" 8 "$(lines "csv,(10|1000),load,(with|without),$ns,$ns")"
expect_eq "BPF_BTF_LOAD samples" 4 "$(lines "csv,(10|1000),btfload,$ns")"
expect_eq "core samples" 60 "$(lines "csv,(0|10|50),core,$ns")"
expect_eq "bpftool samples" 60 "$(lines "csv,(0|10|50),exec,$ns")"
btf_bytes=
while IFS=, read -r _ n what value; do
	[ "$n,$what" != 1000,btf_bytes ] || btf_bytes=$value
done <"$mods/host.csv"
expect_match ".BTF bytes of bench_1000.ko" "$ns" "$btf_bytes"
expect_eq "whole sysfs reads of bench_1000's BTF" 200 "$(lines "csv,1000,read,$btf_bytes,$ns")"

# mem DIR: slab + vmalloc growth (kB) for 50 copies of bench_1000 from DIR.
mem() {
	local line f
	while IFS= read -r line; do
		[[ $line == "csv,$1,copies,50,"* ]] || continue
		IFS=, read -r -a f <<<"$line"
		echo $((f[4] + f[5]))
		return
	done <"$csv"
	fail "no memory line for $1 in $csv"
}
with=$(mem with)
without=$(mem without)
echo "50 copies of bench_1000: +$with kB with BTF, +$without kB without; .BTF $btf_bytes bytes each"
[ $(((with - without) * 1024)) -ge $((50 * btf_bytes)) ] ||
	fail "50 module BTFs took $((with - without)) kB, less than 50 copies of their $btf_bytes bytes"
