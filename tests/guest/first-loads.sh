# The first module loads after boot: MODBTF_RACE_MODULES (default 8)
# renamed copies of btf_race load at the same moment, before anything
# else has used BTF. vmlinux BTF is parsed lazily on 5.10, so these
# loads race to parse it; each must end with its own BTF in
# /sys/kernel/btf. Run by check.sh in a boot of its own (not an NN-
# test: the suite's earlier tests would have parsed vmlinux BTF).
. "$(dirname "$0")/lib.sh"
n=${MODBTF_RACE_MODULES:-8}
tool=$(art btf_syscall)
# Nothing may use BTF before the race: not even counting the BTF IDs,
# which parses vmlinux BTF to give it its ID.
for ((i = 0; i < n; i++)); do
	_loaded+=("btf_race_$i")
done
rc=0
"$tool" race "$(art btf_race.ko)" "$n" 1 "$SCRATCH/stop" >"$SCRATCH/race.out" 2>&1 || rc=$?
show_file "$SCRATCH/race.out"
[ "$rc" = 0 ] || fail "the first loads failed (exit $rc)"
expect_btf_ids "after the first loads" 1 +vmlinux
echo "ok: $n first loads, each with its BTF"
