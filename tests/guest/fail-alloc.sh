# Each slab and page allocation of a module load failed in turn: btf_fuzz -n
# loads btf_race.ko with /proc/thread-self/fail-nth = 1, 2, ... until a
# load passes every allocation, and checks that each load ends in a
# state the kernel may be in (see tests/progs/btf_fuzz.c): with all of
# its BTF, with its BTF short of the ID or the sysfs file that a warning
# names, without BTF as the policy says, or not loaded, leaving nothing.
# Afterwards the BTF IDs are those of the start and, with kmemleak,
# nothing leaked. Run by check.sh in a boot of its own on the debug
# kernel, with vm.sh -F: each injected failure prints its stack.
. "$(dirname "$0")/lib.sh"
config_on CONFIG_FAILSLAB || fail "this kernel has no CONFIG_FAILSLAB"
config_on CONFIG_FAIL_PAGE_ALLOC || fail "this kernel has no CONFIG_FAIL_PAGE_ALLOC"
# GFP_KERNEL allocations too, pages of every order; print the stack of
# each injected failure
for d in /sys/kernel/debug/failslab /sys/kernel/debug/fail_page_alloc; do
	echo N >"$d/ignore-gfp-wait"
	echo 2 >"$d/verbose"
done
echo N >/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem
echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
policy=$(btf_policy)
btf_scan
base_ids=$BTF_COUNT
kmemleak_clear
_loaded+=(btf_race)
rc=0
"$(art btf_fuzz)" -p $policy -n 5000 "$(art btf_race.ko)" >"$SCRATCH/nth.out" || rc=$?
grep -E 'module BTF path|^VIOLATION|^nth .*no failure|^totals' "$SCRATCH/nth.out" || true
[ "$rc" = 0 ] || fail "btf_fuzz -n found violations or could not run (exit $rc)"
totals=$(grep '^totals:' "$SCRATCH/nth.out")
[[ $totals != *" btf_points=0 "* ]] || fail "no injected failure was on the module BTF path"
expect_btf_ids "after the failed loads" "$base_ids" -btf_race
expect_no_leaks
