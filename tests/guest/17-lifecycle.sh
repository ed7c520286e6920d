# Load and unload btf_test many times (MODBTF_CYCLES, default 300) with
# finit_module/delete_module in a loop (what insmod and rmmod do, minus
# their fork and exec), while one process reads /sys/kernel/btf/btf_test
# and another walks the BTF IDs and reads every BTF. The file must be
# there after each load and gone after each unload; every read that
# succeeds returns the whole .BTF; the walker only ever misses a BTF that
# went away; afterwards the BTF IDs are back to the baseline and, with
# kmemleak, nothing leaked. Splats fail the run in vm.sh.
. "$(dirname "$0")/lib.sh"
cycles=${MODBTF_CYCLES:-300}
limit=400	# seconds: the background loops stop by then whatever happens
stop=$SCRATCH/lifecycle.stop
f=/sys/kernel/btf/btf_test
rm -f "$stop"
btf_scan
base_ids=$BTF_COUNT
load_ko btf_test
expect_btf_file btf_test btf_test.btf
rm_mod btf_test
ko=$(art btf_test.ko)
btf=$(art btf_test.btf)
tool=$(art btf_syscall)
kmemleak_clear

# The walker niced: it races with the cycles, but leaves the reader and
# the cycles most of the CPU time
"$tool" read "$f" "$btf" "$stop" "$limit" >$SCRATCH/reader.out 2>&1 &
reader=$!
nice -n 10 "$tool" stress "$stop" "$limit" >$SCRATCH/walker.out 2>&1 &
walker=$!
at_exit "touch $stop; kill $reader $walker 2>/dev/null; wait"

_loaded+=(btf_test)
t0=$SECONDS
"$tool" cycle "$ko" btf_test "$cycles" >$SCRATCH/cycle.out || fail "load/unload cycles failed"
expect_eq "load/unload cycles done" "cycles=$cycles" "$(cat $SCRATCH/cycle.out)"
echo "$cycles cycles in $((SECONDS - t0)) s"

touch "$stop"
wait "$reader" || { cat $SCRATCH/reader.out; fail "the sysfs reader failed"; }
wait "$walker" || { cat $SCRATCH/walker.out; fail "the BTF ID walker failed"; }
cat $SCRATCH/reader.out $SCRATCH/walker.out
[ "$(fact $SCRATCH/reader.out sysfs.reads_ok)" -gt 0 ] || fail "the reader never read $f"
[ "$(fact $SCRATCH/walker.out stress.module_btf_seen)" -gt 0 ] || fail "the walker never saw module BTF"

expect_btf_ids "after $cycles cycles" "$base_ids" -btf_test
expect_eq "files in /sys/kernel/btf" vmlinux "$(ls /sys/kernel/btf)"

expect_no_leaks
