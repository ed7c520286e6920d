# Many modules with BTF at once: MODBTF_RACE_MODULES (default 8) copies
# of btf_race, each renamed in memory (btf_race_0, ...), start together
# and each is loaded and unloaded MODBTF_RACE_CYCLES times (default 100),
# while one process walks the BTF IDs and reads every BTF and another
# reads /sys/kernel/btf/btf_race_0. After each load its
# /sys/kernel/btf/<name> holds exactly the module's .BTF, after each
# unload it is gone; the readers only ever miss a BTF that went away;
# afterwards the BTF IDs are back at the baseline and, with kmemleak,
# nothing leaked. (The first module loads after boot, which race to
# parse vmlinux BTF, are check.sh's: they need a fresh boot.)
. "$(dirname "$0")/lib.sh"
n=${MODBTF_RACE_MODULES:-8}
cycles=${MODBTF_RACE_CYCLES:-100}
tool=$(art btf_syscall)
stop=$SCRATCH/race.stop
btf_scan
base_ids=$BTF_COUNT
kmemleak_clear
for ((i = 0; i < n; i++)); do
	_loaded+=("btf_race_$i")
done

"$tool" read /sys/kernel/btf/btf_race_0 "$(art btf_race.btf)" "$stop" 900 \
	>"$SCRATCH/reader.out" 2>&1 &
reader=$!
"$tool" stress "$stop" 900 >"$SCRATCH/walker.out" 2>&1 &
walker=$!
at_exit "touch $stop; kill $reader $walker 2>/dev/null; wait"

t0=$SECONDS
rc=0
"$tool" race "$(art btf_race.ko)" "$n" "$cycles" "$stop" >"$SCRATCH/race.out" 2>&1 || rc=$?
show_file "$SCRATCH/race.out"
[ "$rc" = 0 ] || fail "the racing loads failed (exit $rc)"
echo "$n modules, $cycles cycles each, in $((SECONDS - t0)) s"
wait "$reader" || { show_file "$SCRATCH/reader.out"; fail "the sysfs reader failed"; }
wait "$walker" || { show_file "$SCRATCH/walker.out"; fail "the BTF ID walker failed"; }
show_file "$SCRATCH/reader.out"
show_file "$SCRATCH/walker.out"
[ "$(fact "$SCRATCH/walker.out" stress.module_btf_seen)" -gt 0 ] ||
	fail "the walker never saw module BTF"
[ "$(fact "$SCRATCH/reader.out" sysfs.reads_ok)" -gt 0 ] ||
	fail "the reader never read /sys/kernel/btf/btf_race_0"
expect_btf_ids "after the races" "$base_ids"
for ((i = 0; i < n; i++)); do
	! is_loaded "btf_race_$i" || fail "btf_race_$i is still loaded"
done
expect_no_leaks
