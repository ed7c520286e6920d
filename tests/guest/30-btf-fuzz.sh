# Fuzzed module BTF (tests/tools/btf-fuzz.py; the slice of cases in
# $MODBTF_ART/fuzz/slice): each case as the .BTF of btf_test.ko, loaded
# by tests/progs/btf_fuzz, which checks every outcome. The module either
# loads with exactly the given BTF (and bpftool dumps it without
# crashing), or its BTF fails to validate with one "failed to validate
# module [btf_test] BTF" line and, as the policy says, the module is
# refused (default) or loads without BTF (CONFIG_MODULE_ALLOW_BTF_MISMATCH).
# Every case also goes to BPF_BTF_LOAD as user BTF; scripts/fuzz.sh
# compares those verdicts with stock 5.10's. Splats fail the run in
# vm.sh; with kmemleak, nothing may leak; the BTF IDs end as they began.
. "$(dirname "$0")/lib.sh"
policy=$(btf_policy)
# bpftool reads what the kernel accepted: a user space check, made on
# the default kernel; under KASAN each of its runs costs about a second
tool=(-t bpftool)
if config_on CONFIG_KASAN; then
	tool=()
	echo "bpftool: not run here (KASAN); the default kernel's run checks it"
else
	command -v bpftool >/dev/null || fail "no bpftool on the host"
fi
cases=$(art fuzz/cases.bin)
echo "cases: $(<"$(art fuzz/slice)"), policy: $policy"
btf_scan
base_ids=$BTF_COUNT
kmemleak_clear
_loaded+=(btf_test)
rc=0
"$(art btf_fuzz)" -p "$policy" "${tool[@]}" "$(art btf_test.ko)" "$cases" \
	>"$SCRATCH/fuzz.out" || rc=$?
grep -E '^(VIOLATION|totals)' "$SCRATCH/fuzz.out" || true
[ "$rc" = 0 ] || fail "btf_fuzz found violations or could not run (exit $rc)"
totals=$(grep '^totals:' "$SCRATCH/fuzz.out")
# Both outcomes must occur, or the slice tests nothing
[[ $totals == *" accepted=0 "* ]] && fail "no case was accepted"
if [ "$policy" = refuse ]; then
	[[ $totals == *" refused=0 "* ]] && fail "no case was refused"
else
	[[ $totals == *" dropped=0 "* ]] && fail "no case was loaded without its BTF"
fi
expect_btf_ids "after the fuzz cases" "$base_ids" -btf_test
expect_no_leaks
